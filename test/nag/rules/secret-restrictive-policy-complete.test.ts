import { CfnParameter, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HardenedSecret, SecretAccessMode, SecretRotationPolicy } from '../../../src';
import { newStack } from '../../helpers/stacks';
import { PackFinding, ruleFindings } from '../pack-helpers';
import { cfnSecret } from '../rule-fixtures';

const RULE = 'SecretRestrictivePolicyComplete';
const ID = `HardenedSecrets-${RULE}`;
const READ = 'secretsmanager:GetSecretValue';
const ACCOUNT = '111111111111';

/** `[rule id, construct path, severity]` of each finding of the rule. */
function found(stack: Stack, props: Parameters<typeof ruleFindings>[2] = {}): Array<[string, string, string]> {
  return ruleFindings(stack, RULE, props).map((f: PackFinding) => [f.rule, f.path, f.severity]);
}

/** The deny-all-but-a-list statement of the restrictive shape, with `condition`. */
function denyAllBut(condition?: Record<string, unknown>): Record<string, unknown> {
  return { Sid: 'DenyAllButKnownPrincipals', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'secretsmanager:*', Resource: '*', ...(condition ? { Condition: condition } : {}) };
}

/** `StringNotEquals aws:PrincipalArn` on `arns`: the shape Prowler accepts and HardenedSecret writes. */
function listing(...arns: unknown[]): Record<string, unknown> {
  return denyAllBut({ StringNotEquals: { 'aws:PrincipalArn': arns } });
}

/** An L1 resource policy on `secretId` holding `statements`. */
function cfnPolicy(stack: Stack, secretId: string, ...statements: unknown[]): secretsmanager.CfnResourcePolicy {
  return new secretsmanager.CfnResourcePolicy(stack, 'Policy', {
    secretId,
    blockPublicPolicy: true,
    resourcePolicy: { Version: '2012-10-17', Statement: statements },
  });
}

/** An allow of `action` on `resource`, as an inline policy document. */
function allow(resource: unknown, action: unknown = READ): Record<string, unknown> {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] };
}

/** An L1 role whose inline policy `Read` holds `document`. */
function cfnReader(stack: Stack, document: Record<string, unknown>, props: Partial<iam.CfnRoleProps> = {}, id = 'Reader'): iam.CfnRole {
  return new iam.CfnRole(stack, id, {
    assumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    policies: [{ policyName: 'Read', policyDocument: document }],
    ...props,
  });
}

/** A role of aws-cdk-lib, assumed by Lambda. */
function l2Role(stack: Stack, id = 'Reader'): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
}

/** A HardenedSecret without rotation in `accessMode`. */
function hardened(stack: Stack, accessMode: SecretAccessMode): HardenedSecret {
  return new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.none('Test secret without rotation'), accessMode });
}

/** Where a HardenedSecret's resource policy is. */
const HARDENED_POLICY = 'Stack/Secret/Policy/Resource';

/** The deny Prowler accepts, added to an aws-cdk-lib secret: every action, every principal but `arns`. */
function denyAllButOn(secret: secretsmanager.Secret, arns: string[]): void {
  secret.addToResourcePolicy(new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['secretsmanager:*'],
    resources: ['*'],
    conditions: { StringNotEquals: { 'aws:PrincipalArn': arns } },
  }));
}

describe('SecretRestrictivePolicyComplete', () => {
  describe('L1: CfnSecret, CfnResourcePolicy and CfnRole', () => {
    test('Finding 1: a role whose inline policy reads the secret, not in the StringNotEquals aws:PrincipalArn list', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      cfnReader(stack, allow(secret.ref));
      // WHEN
      cfnPolicy(stack, secret.ref, listing(`arn:aws:iam::${ACCOUNT}:role/someone-else`));
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(findings.map(f => [f.rule, f.path, f.severity])).toEqual([[`${ID}[Reader]`, 'Stack/Policy', 'error']]);
      expect(findings[0].description).toContain('Role Reader (Stack/Reader) may read secret Secret (statement 1 in Policies[0] (Read) allows');
      expect(findings[0].description).toContain("statement 'DenyAllButKnownPrincipals' in the resource policy denies it");
      expect(findings[0].description).toContain('grantRead');
      expect(findings[0].description).toContain('additionalPrincipals');
    });

    test.each<[string, (reader: iam.CfnRole) => unknown]>([
      ['Fn::GetAtt Reader.Arn', reader => reader.attrArn],
      ['its literal ARN (RoleName and Path written)', () => `arn:aws:iam::${ACCOUNT}:role/app/reader`],
      ['Fn::Sub of AWS::Partition, AWS::AccountId and a Ref to the role', () => Fn.sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/app/${Reader}')],
      ['Fn::Join of AWS::AccountId and its name', () => Fn.join('', ['arn:aws:iam::', '111111111111', ':role/app/reader'])],
    ])('Compliance: the reader is listed by %s', (_label, entry) => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      const reader = cfnReader(stack, allow(secret.ref), { roleName: 'reader', path: '/app/' });
      reader.overrideLogicalId('Reader');
      // WHEN
      cfnPolicy(stack, secret.ref, listing(`arn:aws:iam::${ACCOUNT}:role/break-glass`, entry(reader)));
      // THEN
      expect(found(stack)).toEqual([]);
    });

    test('Finding 2: the literal ARN names the role by its name but another path', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      cfnReader(stack, allow(secret.ref), { roleName: 'reader', path: '/app/' });
      // WHEN
      cfnPolicy(stack, secret.ref, listing(`arn:aws:iam::${ACCOUNT}:role/reader`));
      // THEN
      expect(found(stack)).toEqual([[`${ID}[Reader]`, 'Stack/Policy', 'error']]);
    });

    test('Finding 3: the literal ARN is in another account', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      cfnReader(stack, allow(secret.ref), { roleName: 'reader' });
      // WHEN
      cfnPolicy(stack, secret.ref, listing('arn:aws:iam::222222222222:role/reader'));
      // THEN
      expect(found(stack)).toEqual([[`${ID}[Reader]`, 'Stack/Policy', 'error']]);
    });

    test('Compliance: an ArnNotLike pattern beside the list lets the reader through', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      cfnReader(stack, allow(secret.ref), { roleName: 'app-reader' });
      // WHEN
      cfnPolicy(stack, secret.ref, denyAllBut({
        StringNotEquals: { 'aws:PrincipalArn': [`arn:aws:iam::${ACCOUNT}:role/break-glass`] },
        ArnNotLike: { 'aws:PrincipalArn': [`arn:aws:iam::${ACCOUNT}:role/app-*`] },
      }));
      // THEN
      expect(found(stack)).toEqual([]);
    });

    test('Finding 4: an ArnNotLike pattern that does not match the reader', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      cfnReader(stack, allow(secret.ref), { roleName: 'batch-reader' });
      // WHEN
      cfnPolicy(stack, secret.ref, denyAllBut({ ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/app-*` } }));
      // THEN
      expect(found(stack)).toEqual([[`${ID}[Reader]`, 'Stack/Policy', 'error']]);
    });

    test('Compliance: an ArnNotLike pattern over every role of the stack matches a CloudFormation-generated name', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      cfnReader(stack, allow(secret.ref));
      // WHEN: generated role names start with the stack name
      cfnPolicy(stack, secret.ref, denyAllBut({ ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/Stack-*` } }));
      // THEN
      expect(found(stack)).toEqual([]);
    });

    test.each<[string, Record<string, unknown> | undefined]>([
      ['no condition at all (it lists nobody)', undefined],
      ['an empty StringNotEquals list', { StringNotEquals: { 'aws:PrincipalArn': [] } }],
      ['StringNotEqualsIfExists on aws:PrincipalArn alone', { StringNotEqualsIfExists: { 'aws:PrincipalArn': [`arn:aws:iam::${ACCOUNT}:role/other`] } }],
    ])('Finding 5: a Deny to "*" of secretsmanager:* with %s locks the reader out', (_label, condition) => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      cfnReader(stack, allow(secret.ref));
      // WHEN
      cfnPolicy(stack, secret.ref, denyAllBut(condition));
      // THEN
      expect(found(stack)).toEqual([[`${ID}[Reader]`, 'Stack/Policy', 'error']]);
    });

    test('Compliance: Prowler\'s IfExists shape with Null "true" on both keys denies no IAM role or user', () => {
      // aws:PrincipalArn is present in every request of a role or user, so `Null ... "true"` is
      // false and the deny does not apply (the IAM engine of test/access agrees): nobody is locked out.
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      cfnReader(stack, allow(secret.ref));
      // WHEN
      cfnPolicy(stack, secret.ref, denyAllBut({
        StringNotEqualsIfExists: { 'aws:PrincipalArn': [`arn:aws:iam::${ACCOUNT}:role/other`], 'aws:PrincipalServiceName': ['cloudtrail.amazonaws.com'] },
        Null: { 'aws:PrincipalArn': 'true', 'aws:PrincipalServiceName': 'true' },
      }));
      // THEN
      expect(found(stack)).toEqual([]);
    });

    test('Finding 6: the IfExists shape with Null "false" on aws:PrincipalArn denies the unlisted reader', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      cfnReader(stack, allow(secret.ref));
      // WHEN
      cfnPolicy(stack, secret.ref, denyAllBut({
        StringNotEqualsIfExists: { 'aws:PrincipalArn': [`arn:aws:iam::${ACCOUNT}:role/other`], 'aws:PrincipalServiceName': ['cloudtrail.amazonaws.com'] },
        Null: { 'aws:PrincipalArn': 'false' },
      }));
      // THEN
      expect(found(stack)).toEqual([[`${ID}[Reader]`, 'Stack/Policy', 'error']]);
    });

    test.each<[string, Record<string, unknown>]>([
      ['a condition on aws:SecureTransport', { Bool: { 'aws:SecureTransport': 'false' } }],
      ['a condition on aws:SourceVpce', { StringNotEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } }],
      ['a condition on aws:PrincipalOrgID', { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }],
      ['a principal list and a condition on aws:SecureTransport', { StringNotEquals: { 'aws:PrincipalArn': ['arn:aws:iam::111111111111:role/x'] }, Bool: { 'aws:SecureTransport': 'false' } }],
    ])('Compliance: a Deny with %s denies only some requests: not a deny-all-but-a-list', (_label, condition) => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      cfnReader(stack, allow(secret.ref));
      // WHEN
      cfnPolicy(stack, secret.ref, denyAllBut(condition));
      // THEN
      expect(found(stack)).toEqual([]);
    });

    test.each<[string, Record<string, unknown>]>([
      ['denies only DeleteSecret', { ...listing(), Action: 'secretsmanager:DeleteSecret' }],
      ['names its principals with NotPrincipal', { Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::111111111111:role/x' }, Action: 'secretsmanager:*', Resource: '*' }],
      ['is an Allow', { ...listing(), Effect: 'Allow' }],
    ])('Compliance: a statement that %s is not a deny-all-but-a-list', (_label, statement) => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      cfnReader(stack, allow(secret.ref));
      // WHEN
      cfnPolicy(stack, secret.ref, statement);
      // THEN
      expect(found(stack)).toEqual([]);
    });

    test.each<[string, unknown, unknown]>([
      ['secretsmanager:* on the secret', 'secretsmanager:*', { Ref: 'Secret' }],
      ['secretsmanager:Get* on "*"', 'secretsmanager:Get*', '*'],
      ['"*" on every secret of the account', '*', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:*'],
      ['GetSecretValue on the partial ARN of its name (-??????)', READ, Fn.sub('arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:prod/app/db-??????')],
      ['GetSecretValue on a prefix of its name', READ, 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/*'],
    ])('Finding 7: a grant of %s reads the secret', (_label, action, resource) => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack, 'Secret', 'prod/app/db');
      secret.overrideLogicalId('Secret');
      cfnReader(stack, allow(resource, action));
      // WHEN
      cfnPolicy(stack, secret.ref, listing());
      // THEN
      expect(found(stack)).toEqual([[`${ID}[Reader]`, 'Stack/Policy', 'error']]);
    });

    test.each<[string, unknown, unknown]>([
      ['GetSecretValue on another secret of the stack', READ, { Ref: 'Other' }],
      ['GetSecretValue on the partial ARN of another name', READ, 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/other/db-??????'],
      ['GetSecretValue on a secret of another region', READ, 'arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/app/db-??????'],
      ['DescribeSecret only', 'secretsmanager:DescribeSecret', '*'],
      ['GetSecretValue on an imported ARN', READ, Fn.importValue('SharedSecretArn')],
    ])('Compliance: a grant of %s does not read the secret', (_label, action, resource) => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack, 'Secret', 'prod/app/db');
      cfnSecret(stack, 'Other', 'prod/other/db').overrideLogicalId('Other');
      cfnReader(stack, allow(resource, action));
      // WHEN
      cfnPolicy(stack, secret.ref, listing());
      // THEN
      expect(found(stack)).toEqual([]);
    });

    test('Finding 8: grants through AWS::IAM::Policy, a managed policy and a group name each principal once', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      const roleA = cfnReader(stack, allow('arn:aws:s3:::bucket/*', 's3:GetObject'), {}, 'ByPolicy');
      const roleB = cfnReader(stack, allow('arn:aws:s3:::bucket/*', 's3:GetObject'), {}, 'ByManaged');
      new iam.CfnPolicy(stack, 'ReadPolicy', { policyName: 'read', roles: [roleA.ref], policyDocument: allow(secret.ref) });
      const managed = new iam.CfnManagedPolicy(stack, 'ReadManaged', { policyDocument: allow(secret.ref) });
      roleB.managedPolicyArns = [managed.ref];
      const group = new iam.CfnGroup(stack, 'Readers', { policies: [{ policyName: 'read', policyDocument: allow(secret.ref) }] });
      new iam.CfnUser(stack, 'Auditor', { groups: [group.ref] });
      new iam.CfnUser(stack, 'Bystander', {});
      // WHEN
      cfnPolicy(stack, secret.ref, listing());
      // THEN
      expect(found(stack)).toEqual([
        [`${ID}[Auditor]`, 'Stack/Policy', 'error'],
        [`${ID}[ByManaged]`, 'Stack/Policy', 'error'],
        [`${ID}[ByPolicy]`, 'Stack/Policy', 'error'],
      ]);
    });

    test('Compliance: an admin role named in the pack options is kept out on purpose', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
      admin.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:*'], resources: ['*'] }));
      // WHEN
      cfnPolicy(stack, secret.ref, listing());
      // THEN
      expect(found(stack).map(([rule]) => rule)).toEqual([expect.stringMatching(new RegExp(`^${ID}\\[Admin[0-9A-F]{8}\\]$`))]);
      expect(found(stack, { adminRoles: [admin] })).toEqual([]);
    });
  });

  describe('values the template cannot resolve', () => {
    test.each<[string, (stack: Stack) => unknown]>([
      ['an Fn::ImportValue', () => Fn.importValue('ReaderRoleArn')],
      ['a parameter without a default', stack => new CfnParameter(stack, 'ReaderArn').valueAsString],
    ])('Warning: a list entry that is %s makes the finding unproven', (_label, entry) => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      cfnReader(stack, allow(secret.ref));
      // WHEN
      cfnPolicy(stack, secret.ref, listing(`arn:aws:iam::${ACCOUNT}:role/break-glass`, entry(stack)));
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(findings.map(f => [f.rule, f.path, f.severity])).toEqual([[`${ID}[Reader]`, 'Stack/Policy', 'warning']]);
      expect(findings[0].description).toMatch(/cannot be proven/);
    });

    test('Compliance: a parameter whose default names the reader counts as that default', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      cfnReader(stack, allow(secret.ref), { roleName: 'reader' });
      const param = new CfnParameter(stack, 'ReaderArn', { default: `arn:aws:iam::${ACCOUNT}:role/reader` });
      // WHEN
      cfnPolicy(stack, secret.ref, listing(param.valueAsString));
      // THEN
      expect(found(stack)).toEqual([]);
    });

    test('Compliance: an unresolvable entry does not matter when another entry names the reader', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      const reader = cfnReader(stack, allow(secret.ref));
      // WHEN
      cfnPolicy(stack, secret.ref, listing(Fn.importValue('OtherArn'), reader.attrArn));
      // THEN
      expect(found(stack)).toEqual([]);
    });
    test('Warning: a role whose name the template computes, listed by a literal ARN that may be it', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      cfnReader(stack, allow(secret.ref), { roleName: Fn.sub('${AWS::StackName}-reader') });
      // WHEN
      cfnPolicy(stack, secret.ref, listing(`arn:aws:iam::${ACCOUNT}:role/Stack-reader`));
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(findings.map(f => [f.rule, f.path, f.severity])).toEqual([[`${ID}[Reader]`, 'Stack/Policy', 'warning']]);
      expect(findings[0].description).toContain('the template does not show the name of role Reader, which may be Stack-reader');
    });
  });

  describe('acknowledgements', () => {
    test('Compliance: each locked-out principal is acknowledged on its own', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      cfnReader(stack, allow(secret.ref), {}, 'Reader');
      cfnReader(stack, allow(secret.ref), {}, 'Auditor');
      const policy = cfnPolicy(stack, secret.ref, listing());
      // WHEN
      Validations.of(policy).acknowledge({ id: `${ID}[Auditor]`, reason: 'The auditor role is locked out on purpose until SEC-123' });
      // THEN
      expect(found(stack)).toEqual([[`${ID}[Reader]`, 'Stack/Policy', 'error']]);
    });
  });

  describe('L2: secretsmanager.Secret and iam.Role of aws-cdk-lib', () => {
    test('Finding 9: addToResourcePolicy denies all but another role; the reader reads through addToPolicy', () => {
      // GIVEN
      const stack = newStack();
      const secret = new secretsmanager.Secret(stack, 'Secret');
      const reader = l2Role(stack);
      const other = l2Role(stack, 'Other');
      reader.addToPolicy(new iam.PolicyStatement({ actions: [READ], resources: [secret.secretArn] }));
      // WHEN
      denyAllButOn(secret, [other.roleArn]);
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(findings.map(f => f.path)).toEqual(['Stack/Secret/Policy/Resource']);
      expect(findings[0].rule).toMatch(new RegExp(`^${ID}\\[Reader[0-9A-F]{8}\\]$`));
      expect(findings[0].description).toContain('Stack/Reader/Resource');
    });

    test('Finding 10: secret.grantRead puts the read in the role\'s policy, which the deny does not list', () => {
      // GIVEN
      const stack = newStack();
      const secret = new secretsmanager.Secret(stack, 'Secret');
      const reader = l2Role(stack);
      secret.grantRead(reader);
      // WHEN
      denyAllButOn(secret, [`arn:aws:iam::${ACCOUNT}:role/break-glass`]);
      // THEN
      expect(ruleFindings(stack, RULE).map(f => f.path)).toEqual(['Stack/Secret/Policy/Resource']);
    });

    test('Compliance: the deny lists the reader by role.roleArn', () => {
      // GIVEN
      const stack = newStack();
      const secret = new secretsmanager.Secret(stack, 'Secret');
      const reader = l2Role(stack);
      secret.grantRead(reader);
      // WHEN
      denyAllButOn(secret, [reader.roleArn]);
      // THEN
      expect(found(stack)).toEqual([]);
    });

    test('Finding 11: a role imported by a literal ARN and granted read is named by its name', () => {
      // GIVEN
      const stack = newStack();
      const secret = new secretsmanager.Secret(stack, 'Secret');
      const imported = iam.Role.fromRoleArn(stack, 'Imported', `arn:aws:iam::${ACCOUNT}:role/ops/imported-reader`);
      secret.grantRead(imported);
      // WHEN
      denyAllButOn(secret, [`arn:aws:iam::${ACCOUNT}:role/break-glass`]);
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(findings.map(f => [f.rule, f.path, f.severity])).toEqual([[`${ID}[role/imported-reader]`, 'Stack/Secret/Policy/Resource', 'error']]);
      expect(findings[0].description).toContain('Imported role imported-reader may read secret');
    });

    test('Compliance: the imported role is listed by its ARN', () => {
      // GIVEN
      const stack = newStack();
      const secret = new secretsmanager.Secret(stack, 'Secret');
      const imported = iam.Role.fromRoleArn(stack, 'Imported', `arn:aws:iam::${ACCOUNT}:role/ops/imported-reader`);
      secret.grantRead(imported);
      // WHEN
      denyAllButOn(secret, [imported.roleArn]);
      // THEN
      expect(found(stack)).toEqual([]);
    });
  });

  describe('HardenedSecret', () => {
    test('Compliance: RESTRICTIVE lists the principals it grants read (readers, grantRead before and after, imported roles)', () => {
      // GIVEN
      const stack = newStack();
      const early = l2Role(stack, 'Early');
      const secret = new HardenedSecret(stack, 'Secret', {
        rotation: SecretRotationPolicy.none('Test secret without rotation'),
        readers: [early],
        accessMode: SecretAccessMode.RESTRICTIVE,
      });
      // WHEN
      secret.grantRead(l2Role(stack, 'Late'));
      secret.grantWrite(l2Role(stack, 'Writer'));
      secret.grantRead(iam.Role.fromRoleArn(stack, 'Imported', `arn:aws:iam::${ACCOUNT}:role/ops/imported-reader`));
      // THEN
      expect(found(stack)).toEqual([]);
    });

    test('Finding 12: RESTRICTIVE, and a role given GetSecretValue on "*" by hand', () => {
      // GIVEN
      const stack = newStack();
      const secret = hardened(stack, SecretAccessMode.RESTRICTIVE);
      secret.grantRead(l2Role(stack));
      // WHEN
      const bystander = l2Role(stack, 'Bystander');
      bystander.addToPolicy(new iam.PolicyStatement({ actions: [READ], resources: ['*'] }));
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(findings.map(f => [f.path, f.severity])).toEqual([[HARDENED_POLICY, 'error']]);
      expect(findings[0].rule).toMatch(new RegExp(`^${ID}\\[Bystander[0-9A-F]{8}\\]$`));
      expect(findings[0].description).toContain('Stack/Bystander/Resource');
    });

    test('Compliance: RESTRICTIVE with the hand-granted role in additionalPrincipals', () => {
      // GIVEN
      const stack = newStack();
      const auditor = l2Role(stack, 'Auditor');
      auditor.addToPolicy(new iam.PolicyStatement({ actions: [READ], resources: ['*'] }));
      // WHEN
      hardened(stack, SecretAccessMode.restrictive({ additionalPrincipals: [auditor] }));
      // THEN
      expect(found(stack)).toEqual([]);
    });

    test('Compliance: STANDARD never denies all but a list, whoever reads', () => {
      // GIVEN
      const stack = newStack();
      const secret = hardened(stack, SecretAccessMode.STANDARD);
      secret.grantRead(l2Role(stack));
      // WHEN
      l2Role(stack, 'Bystander').addToPolicy(new iam.PolicyStatement({ actions: [READ], resources: ['*'] }));
      // THEN
      expect(found(stack)).toEqual([]);
    });
  });
});
