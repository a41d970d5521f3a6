import { App, LegacyStackSynthesizer, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { GuardrailMode, SecretAccessMode, SecretGuardrails } from '../../src';
import { newStack, TEST_ENV } from '../helpers/stacks';
import { packFindings } from '../nag/pack-helpers';

const EXTERNAL_MONITOR = 'Organisation trail with Secrets Manager alarms in the security account';
const READ = 'secretsmanager:GetSecretValue';

/** An L2 secret read by a role through aws-cdk-lib's grantRead, and break glass. */
function grantedApp(stack: Stack = newStack('Plain')) {
  const secret = new secretsmanager.Secret(stack, 'Secret');
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  secret.grantRead(reader);
  const breakGlass = new iam.Role(stack, 'BreakGlass', { assumedBy: new iam.AccountRootPrincipal() });
  return { app: stack.node.root as App, stack, secret, reader, breakGlass };
}

/** The `aws:PrincipalArn` list of the statement `sid` of a resource (or key) policy of the template. */
function listed(template: Template, type: string, property: string, sid: string): unknown[] {
  const [resource] = Object.values(template.findResources(type));
  const statement = resource.Properties[property].Statement.find((s: { Sid?: string }) => s.Sid === sid);
  return statement?.Condition.StringNotEquals['aws:PrincipalArn'] ?? [];
}

/** The guardrail errors of a stack, by path. */
function guardrailErrors(stack: Stack): Record<string, string> {
  return Object.fromEntries(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('SecretGuardrails'))
    .map((e) => [e.id.replace(/^\//, ''), String(e.entry.data)]));
}

describe('SecretGuardrails ENFORCE with accessMode RESTRICTIVE', () => {
  test('denies every Secrets Manager action to all but the readers of the stack, break glass and the deployment role', () => {
    // GIVEN
    const { app, stack, breakGlass } = grantedApp();
    // WHEN
    SecretGuardrails.apply(app, { mode: GuardrailMode.ENFORCE, breakGlassRoles: [breakGlass], accessMode: SecretAccessMode.RESTRICTIVE });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SecretsManager::ResourcePolicy', {
      ResourcePolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'DenyAllButKnownPrincipals',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'secretsmanager:*',
          Condition: { StringNotEquals: { 'aws:PrincipalArn': Match.anyValue() } },
        })]),
      },
    });
    expect(listed(template, 'AWS::SecretsManager::ResourcePolicy', 'ResourcePolicy', 'DenyAllButKnownPrincipals')).toEqual(expect.arrayContaining([
      { 'Fn::GetAtt': [stack.getLogicalId(breakGlass.node.defaultChild as iam.CfnRole), 'Arn'] },
      { 'Fn::GetAtt': ['ReaderF7BF189D', 'Arn'] },
      { 'Fn::Sub': expect.stringContaining('cfn-exec-role') },
    ]));
    expect(listed(template, 'AWS::SecretsManager::ResourcePolicy', 'ResourcePolicy', 'DenyAllButKnownPrincipals')).toHaveLength(3);
    // The key the aspect adds refuses use to the others alike.
    expect(listed(template, 'AWS::KMS::Key', 'KeyPolicy', 'DenyKeyUseButKnownPrincipals')).toHaveLength(3);
    // Rotation is still the one thing ENFORCE cannot decide; nobody is locked out.
    expect(guardrailErrors(stack)['Plain/Secret/Resource']).not.toContain('SecretRestrictivePolicyComplete');
  });

  test('the organisation deny is added with organizationId, and additional principals are listed', () => {
    const { app, stack } = grantedApp();
    const auditor = iam.Role.fromRoleArn(stack, 'Auditor', `arn:aws:iam::${TEST_ENV.account}:role/auditor`);
    SecretGuardrails.apply(app, {
      mode: GuardrailMode.ENFORCE,
      accessMode: SecretAccessMode.restrictive({ organizationId: 'o-abcdefghij', additionalPrincipals: [auditor] }),
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SecretsManager::ResourcePolicy', {
      ResourcePolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'DenyOutsideOrganization',
          Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } },
        })]),
      },
    });
    expect(listed(template, 'AWS::SecretsManager::ResourcePolicy', 'ResourcePolicy', 'DenyAllButKnownPrincipals'))
      .toContain(`arn:aws:iam::${TEST_ENV.account}:role/auditor`);
  });

  test('secrets that share the added key: the key deny lists the union, once, even with the aspect applied twice', () => {
    const { app, stack } = grantedApp();
    const second = new secretsmanager.CfnSecret(stack, 'Raw', { generateSecretString: {} });
    const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    writer.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:PutSecretValue'], resources: [second.ref] }));
    for (let i = 0; i < 2; i++) {
      SecretGuardrails.apply(app, { mode: GuardrailMode.ENFORCE, accessMode: SecretAccessMode.RESTRICTIVE });
    }
    const template = Template.fromStack(stack);
    const [key] = Object.values(template.findResources('AWS::KMS::Key'));
    const denies = key.Properties.KeyPolicy.Statement.filter((s: { Sid?: string }) => s.Sid === 'DenyKeyUseButKnownPrincipals');
    expect(denies).toHaveLength(1);
    const users = denies[0].Condition.StringNotEquals['aws:PrincipalArn'];
    expect(users).toEqual(expect.arrayContaining([{ 'Fn::GetAtt': ['ReaderF7BF189D', 'Arn'] }, { 'Fn::GetAtt': [expect.stringMatching(/^Writer/), 'Arn'] }]));
    // Each secret lists only its own users; the writer of one is not a user of the other.
    const policies = template.findResources('AWS::SecretsManager::ResourcePolicy');
    const lists = Object.values(policies).map((p) => JSON.stringify(p.Properties.ResourcePolicy.Statement
      .find((s: { Sid?: string }) => s.Sid === 'DenyAllButKnownPrincipals').Condition));
    expect(lists.filter((l) => l.includes('Reader'))).toHaveLength(1);
    expect(lists.filter((l) => l.includes('Writer'))).toHaveLength(1);
  });

  test('a role of a legacy resource policy is listed; a principal of another account there is an error', () => {
    const stack = newStack('Legacy');
    const secret = new secretsmanager.CfnSecret(stack, 'LegacySecret', { generateSecretString: {} });
    new secretsmanager.CfnResourcePolicy(stack, 'LegacyPolicy', {
      secretId: secret.ref,
      resourcePolicy: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'App', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TEST_ENV.account}:role/legacy-app` }, Action: READ, Resource: '*' },
          { Sid: 'Partner', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: READ, Resource: '*' },
        ],
      },
    });
    SecretGuardrails.apply(stack.node.root, { mode: GuardrailMode.ENFORCE, accessMode: SecretAccessMode.RESTRICTIVE });
    const template = Template.fromStack(stack);
    expect(listed(template, 'AWS::SecretsManager::ResourcePolicy', 'ResourcePolicy', 'DenyAllButKnownPrincipals'))
      .toContain(`arn:aws:iam::${TEST_ENV.account}:role/legacy-app`);
    expect(guardrailErrors(stack)['Legacy/LegacySecret']).toMatch(/allows arn:aws:iam::222222222222:root, a principal of another account.*replication/s);
  });

  test.each([
    ['a grant on every secret', (role: iam.Role) => role.addToPolicy(new iam.PolicyStatement({ actions: [READ], resources: ['*'] })), /only through a grant on every secret/],
    ['a managed policy on secret:*', (role: iam.Role) => new iam.ManagedPolicy(role, 'ReadAll', {
      roles: [role], statements: [new iam.PolicyStatement({ actions: [READ], resources: [`arn:aws:secretsmanager:${TEST_ENV.region}:${TEST_ENV.account}:secret:*`] })],
    }), /only through a grant on every secret/],
  ])('a reader it would lock out (%s) is an error naming it and the fix', (_label, grant, reason) => {
    const stack = newStack('Broad');
    new secretsmanager.Secret(stack, 'Secret');
    const broad = new iam.Role(stack, 'BroadReader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    grant(broad);
    SecretGuardrails.apply(stack.node.root, { mode: GuardrailMode.ENFORCE, accessMode: SecretAccessMode.RESTRICTIVE });
    const message = guardrailErrors(stack)['Broad/Secret/Resource'];
    expect(message).toMatch(/SecretRestrictivePolicyComplete: role BroadReader\w* \(Broad\/BroadReader\/Resource\) may use this secret/);
    expect(message).toMatch(reason);
    expect(message).toContain('additionalPrincipals');
    // and it is not listed: the restrictive policy denies it, as the error says
    expect(JSON.stringify(listed(Template.fromStack(stack), 'AWS::SecretsManager::ResourcePolicy', 'ResourcePolicy', 'DenyAllButKnownPrincipals')))
      .not.toContain('BroadReader');
  });

  test('a role outside the template granted on the secret is an error: its ARN and path are unknown', () => {
    const stack = newStack('Outside');
    const secret = new secretsmanager.Secret(stack, 'Secret');
    secret.grantRead(iam.Role.fromRoleName(stack, 'Ops', 'ops-reader'));
    SecretGuardrails.apply(stack.node.root, { mode: GuardrailMode.ENFORCE, accessMode: SecretAccessMode.RESTRICTIVE });
    expect(guardrailErrors(stack)['Outside/Secret/Resource']).toMatch(/imported role ops-reader may use this secret .*List it in accessMode additionalPrincipals/s);
  });

  test('hosted rotation without rotationRole is an error: its role is created at deployment', () => {
    const stack = newStack('Hosted');
    const secret = new secretsmanager.Secret(stack, 'Secret');
    secret.addRotationSchedule('Rotation', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser() });
    SecretGuardrails.apply(stack.node.root, { mode: GuardrailMode.ENFORCE, accessMode: SecretAccessMode.RESTRICTIVE });
    expect(guardrailErrors(stack)['Hosted/Secret/Resource']).toMatch(/rotation schedule SecretRotation\w+ uses hosted rotation.*Set accessMode rotationRole/s);

    // An unrelated additional principal is not taken for it; the deployed role named as rotationRole is.
    const listedStack = newStack('HostedListed');
    const listedSecret = new secretsmanager.Secret(listedStack, 'Secret');
    listedSecret.addRotationSchedule('Rotation', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser() });
    const role = iam.Role.fromRoleArn(listedStack, 'HostedRotationRole', `arn:aws:iam::${TEST_ENV.account}:role/hosted-rotation`);
    const other = iam.Role.fromRoleArn(listedStack, 'Auditor', `arn:aws:iam::${TEST_ENV.account}:role/auditor`);
    const accessMode = SecretAccessMode.restrictive({ additionalPrincipals: [other], rotationRole: role });
    SecretGuardrails.apply(listedStack.node.root, { mode: GuardrailMode.ENFORCE, accessMode });
    expect(guardrailErrors(listedStack)['HostedListed/Secret/Resource'] ?? '').not.toContain('hosted rotation');
  });

  test('a secret under a key of its own gets the resource-policy deny, and its key is left alone', () => {
    const stack = newStack('OwnKey');
    const key = new kms.Key(stack, 'Key');
    new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key });
    SecretGuardrails.apply(stack.node.root, { mode: GuardrailMode.ENFORCE, accessMode: SecretAccessMode.RESTRICTIVE });
    const template = Template.fromStack(stack);
    expect(listed(template, 'AWS::SecretsManager::ResourcePolicy', 'ResourcePolicy', 'DenyAllButKnownPrincipals')).toHaveLength(1);
    expect(JSON.stringify(template.findResources('AWS::KMS::Key'))).not.toContain('DenyKeyUseButKnownPrincipals');
  });

  test('without DefaultStackSynthesizer or deploymentRoles, the deploying role is unknown: an error', () => {
    const app = new App();
    const stack = new Stack(app, 'Legacy', { env: TEST_ENV, synthesizer: new LegacyStackSynthesizer() });
    new secretsmanager.Secret(stack, 'Secret');
    SecretGuardrails.apply(app, { mode: GuardrailMode.ENFORCE, accessMode: SecretAccessMode.RESTRICTIVE });
    expect(guardrailErrors(stack)['Legacy/Secret/Resource']).toContain('Pass SecretGuardrails deploymentRoles');
  });

  test('the pack finds nothing locked out and no new finding: the enforced secret passes the lock-out rule', () => {
    const { app, breakGlass } = grantedApp();
    SecretGuardrails.apply(app, { mode: GuardrailMode.ENFORCE, breakGlassRoles: [breakGlass], accessMode: SecretAccessMode.RESTRICTIVE });
    const findings = packFindings(app, { externalMonitor: EXTERNAL_MONITOR });
    expect(findings.filter((f) => f.rule === 'HardenedSecrets-SecretRestrictivePolicyComplete')).toEqual([]);
    expect(findings.filter((f) => f.severity === 'error').map((f) => f.rule)).toEqual(['HardenedSecrets-SecretRotationConfigured']);
  });

  test.each([
    [{ mode: GuardrailMode.AUDIT, accessMode: SecretAccessMode.RESTRICTIVE }, /SecretGuardrails: invalid `accessMode`: got "RESTRICTIVE"; allowed: .*needs mode GuardrailMode.ENFORCE/],
    [{ mode: GuardrailMode.ENFORCE, accessMode: SecretAccessMode.restrictive({ organizationId: 'org-1' }) }, /invalid `accessMode.organizationId`: got "org-1"; allowed: an AWS Organizations id/],
    [{ mode: GuardrailMode.ENFORCE, accessMode: 'RESTRICTIVE' as unknown as SecretAccessMode }, /invalid `accessMode`: got "RESTRICTIVE"; allowed: SecretAccessMode.STANDARD/],
  ])('bad options are refused when the aspect is made: %o', (props, message) => {
    expect(() => SecretGuardrails.apply(new App(), props)).toThrow(message);
  });
});
