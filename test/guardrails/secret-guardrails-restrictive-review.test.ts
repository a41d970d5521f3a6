import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { GuardrailMode, SecretAccessMode, SecretGuardrails } from '../../src';
import { AccessModel } from '../access/engine';
import { newStack, TEST_ENV } from '../helpers/stacks';

/**
 * The ways a plain secret is used that a restrictive guardrail must either list or report: each
 * case is one way a legitimate principal could otherwise be locked out in silence.
 */
const RESTRICTIVE = { mode: GuardrailMode.ENFORCE, accessMode: SecretAccessMode.RESTRICTIVE };
const READ = 'secretsmanager:GetSecretValue';
const lambdaRole = (scope: Stack, id: string, props: Partial<iam.RoleProps> = {}) =>
  new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), ...props });

/** The guardrail error on a secret, or '' when there is none. */
function errorOn(stack: Stack, path: string): string {
  const [error] = Annotations.fromStack(stack).findError(`/${path}`, Match.stringLikeRegexp('SecretGuardrails'));
  return error ? String(error.entry.data) : '';
}

/** The `aws:PrincipalArn` list of the restrictive statement of the secret's resource policy, rendered. */
function listedIn(stack: Stack): string {
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::SecretsManager::ResourcePolicy'));
  return JSON.stringify(policies.map(p => p.Properties.ResourcePolicy.Statement.find((s: { Sid?: string }) => s.Sid === 'DenyAllButKnownPrincipals')));
}

describe('SecretGuardrails RESTRICTIVE: no silent lock-out', () => {
  test('a reader in another stack of the app: listed by the ARN its fixed name gives, Allowed; without a fixed name, an error', async () => {
    const app = new App();
    const secrets = new Stack(app, 'Secrets', { env: TEST_ENV });
    const consumers = new Stack(app, 'Consumers', { env: TEST_ENV });
    const secret = new secretsmanager.Secret(secrets, 'Secret');
    const named = lambdaRole(consumers, 'Named', { roleName: 'orders-reader' });
    secret.grantRead(named);
    secret.grantRead(lambdaRole(consumers, 'Generated'));
    SecretGuardrails.apply(app, RESTRICTIVE);
    const model = AccessModel.of(app);
    expect((await model.secretRequest(model.role(named), READ, secret)).decision).toBe('Allowed');
    expect(errorOn(secrets, 'Secrets/Secret/Resource')).toMatch(/role Generated\w+ \(Consumers\/Generated\/Resource\) of stack Consumers may use this secret.*fixed roleName/s);
    expect(errorOn(secrets, 'Secrets/Secret/Resource')).not.toContain('Named');
  });

  test('a grant on an attachment of the secret (what RDS constructs hand out) or on an expression built from its Ref is a grant on it', () => {
    const stack = newStack('Attached');
    const secret = new secretsmanager.CfnSecret(stack, 'DbSecret', { generateSecretString: {} });
    const attachment = new secretsmanager.CfnSecretTargetAttachment(stack, 'Attachment', { secretId: secret.ref, targetId: 'db-1', targetType: 'AWS::RDS::DBInstance' });
    const viaAttachment = lambdaRole(stack, 'ViaAttachment');
    viaAttachment.addToPolicy(new iam.PolicyStatement({ actions: [READ], resources: [attachment.ref] }));
    const viaSub = lambdaRole(stack, 'ViaSub');
    viaSub.addToPolicy(new iam.PolicyStatement({ actions: [READ], resources: [`${secret.ref}`] }));
    const viaName = lambdaRole(stack, 'ViaName');
    viaName.addToPolicy(new iam.PolicyStatement({ actions: [READ], resources: [stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${secret.ref}-??????` })] }));
    SecretGuardrails.apply(stack.node.root, RESTRICTIVE);
    const listed = listedIn(stack);
    for (const role of [viaAttachment, viaSub, viaName]) {
      expect(listed).toContain(stack.getLogicalId(role.node.defaultChild as iam.CfnRole));
    }
  });

  test('rotation by a function of the stack lists its role; by an imported function needs rotationRole', () => {
    const stack = newStack('Rotated');
    const secret = new secretsmanager.Secret(stack, 'Secret');
    const fn = new lambda.Function(stack, 'Rotator', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}') });
    secret.addRotationSchedule('Rotation', { rotationLambda: fn });
    SecretGuardrails.apply(stack.node.root, RESTRICTIVE);
    expect(listedIn(stack)).toContain(stack.getLogicalId(fn.role!.node.defaultChild as iam.CfnRole));
    expect(errorOn(stack, 'Rotated/Secret/Resource')).not.toContain('rotation schedule');

    const imported = newStack('Imported');
    const other = new secretsmanager.Secret(imported, 'Secret');
    other.addRotationSchedule('Rotation', { rotationLambda: lambda.Function.fromFunctionArn(imported, 'Fn', `arn:aws:lambda:eu-west-1:${TEST_ENV.account}:function:rotator`) });
    SecretGuardrails.apply(imported.node.root, RESTRICTIVE);
    expect(errorOn(imported, 'Imported/Secret/Resource')).toMatch(/rotates with a function the template does not define.*Set accessMode rotationRole/s);
  });

  test('a second resource policy on the secret (by name) is an error: which one Secrets Manager keeps is undefined', () => {
    const stack = newStack('Twice');
    const secret = new secretsmanager.CfnSecret(stack, 'LegacySecret', { name: 'prod/legacy', generateSecretString: {} });
    new secretsmanager.CfnResourcePolicy(stack, 'ByRef', { secretId: secret.ref, resourcePolicy: { Version: '2012-10-17', Statement: [] } });
    new secretsmanager.CfnResourcePolicy(stack, 'ByName', {
      secretId: 'prod/legacy',
      resourcePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TEST_ENV.account}:role/legacy-app` }, Action: READ, Resource: '*' }] },
    });
    SecretGuardrails.apply(stack.node.root, RESTRICTIVE);
    expect(errorOn(stack, 'Twice/LegacySecret')).toMatch(/2 resource policies target this secret \(ByRef, ByName\)/);
  });

  test('a STANDARD and a RESTRICTIVE guardrail in one stack use two keys: the standard reader still reads', async () => {
    const app = new App();
    const stack = new Stack(app, 'Mixed', { env: TEST_ENV });
    const teamA = new Construct(stack, 'TeamA');
    const teamB = new Construct(stack, 'TeamB');
    const a = new secretsmanager.Secret(teamA, 'Secret');
    const readerA = lambdaRole(stack, 'ReaderA');
    a.grantRead(readerA);
    new secretsmanager.Secret(teamB, 'Secret').grantRead(lambdaRole(stack, 'ReaderB'));
    SecretGuardrails.apply(teamA, { mode: GuardrailMode.ENFORCE });
    SecretGuardrails.apply(teamB, RESTRICTIVE);
    const model = AccessModel.of(app);
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::KMS::Key'))).toHaveLength(2);
    expect((await model.secretRequest(model.role(readerA), READ, a)).decision).toBe('Allowed');
  });

  test('the secret\'s own policy: "*" narrowed to a role by aws:PrincipalArn is listed; a service principal is an error', () => {
    const stack = newStack('Own');
    const secret = new secretsmanager.Secret(stack, 'Secret');
    secret.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.AnyPrincipal()],
      actions: [READ],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:PrincipalArn': `arn:aws:iam::${TEST_ENV.account}:role/legacy-app` } },
    }));
    secret.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.ServicePrincipal('appflow.amazonaws.com')], actions: [READ], resources: ['*'] }));
    SecretGuardrails.apply(stack.node.root, RESTRICTIVE);
    expect(listedIn(stack)).toContain('role/legacy-app');
    expect(errorOn(stack, 'Own/Secret/Resource')).toMatch(/allows \{"Service":"appflow.amazonaws.com"\}, a service or federated principal/);
  });

  test('a writer through a grant on every secret is reported, not only readers', () => {
    const stack = newStack('Writer');
    new secretsmanager.Secret(stack, 'Secret');
    lambdaRole(stack, 'Writer').addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:PutSecretValue'], resources: ['*'] }));
    SecretGuardrails.apply(stack.node.root, RESTRICTIVE);
    expect(errorOn(stack, 'Writer/Secret/Resource')).toMatch(/role Writer\w+ .* may use this secret .*only through a grant on every secret/s);
  });

  test('two ENFORCE aspects with different options on one secret: an error, not the intersection', () => {
    const stack = newStack('Two');
    new secretsmanager.Secret(stack, 'Secret');
    SecretGuardrails.apply(stack.node.root, RESTRICTIVE);
    const scanner = iam.Role.fromRoleArn(stack, 'Scanner', `arn:aws:iam::${TEST_ENV.account}:role/scanner`);
    SecretGuardrails.apply(stack, { mode: GuardrailMode.ENFORCE, accessMode: SecretAccessMode.restrictive({ additionalPrincipals: [scanner] }) });
    const template = Template.fromStack(stack);
    const [policy] = Object.values(template.findResources('AWS::SecretsManager::ResourcePolicy'));
    expect(policy.Properties.ResourcePolicy.Statement.filter((s: { Sid?: string }) => s.Sid === 'DenyAllButKnownPrincipals')).toHaveLength(1);
    expect(Annotations.fromStack(stack).findError('/Two/Secret/Resource', Match.stringLikeRegexp('enforced by two SecretGuardrails aspects with different options'))).toHaveLength(1);
  });

  test('the same options twice change nothing and report nothing new', () => {
    const stack = newStack('Same');
    new secretsmanager.Secret(stack, 'Secret');
    SecretGuardrails.apply(stack.node.root, RESTRICTIVE);
    SecretGuardrails.apply(stack, RESTRICTIVE);
    expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('two SecretGuardrails'))).toHaveLength(0);
  });

  test('a restrictive policy over the Secrets Manager size limit fails synth, naming the limit', () => {
    const stack = newStack('Many');
    const secret = new secretsmanager.Secret(stack, 'Secret');
    for (let i = 0; i < 230; i++) {
      secret.grantRead(lambdaRole(stack, `Reader${i}`, { path: '/application/payments/' }));
    }
    SecretGuardrails.apply(stack.node.root, RESTRICTIVE);
    expect(() => Template.fromStack(stack)).toThrow(/Many\/Secret\/Resource: invalid `resource policy \(the principals of the restrictive access mode\)`.*at most 20480 characters/s);
  });
});
