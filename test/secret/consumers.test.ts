import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ManagedPolicyRole } from '../../examples/shared/managed-policy-role';
import { HardenedSecret, HardenedSecretProps, SecretRotationPolicy } from '../../src';
import { HardenedSecretsValidationError } from '../../src/private/validation';
import { BATCH_READ_REASON, defaultEnvironmentVariable } from '../../src/secret/consumers';
import { acknowledgements, nagFindings, newStack } from '../nag-helpers';

const NO_ROTATION = SecretRotationPolicy.none('Test secret without a rotation function');
const PINNED = {
  'ForAllValues:StringEquals': { 'secretsmanager:VersionStage': ['AWSCURRENT'] },
  'Null': { 'secretsmanager:VersionId': 'true' },
};

function secretIn(stack: Stack, id = 'DbCredentials', props: Partial<HardenedSecretProps> = {}): HardenedSecret {
  return new HardenedSecret(stack, id, {
    rotation: NO_ROTATION,
    generateSecretString: { secretStringTemplate: JSON.stringify({ username: 'app' }), generateStringKey: 'password', excludePunctuation: true },
    ...props,
  });
}

function fnIn(stack: Stack, id = 'Fn', props: Partial<lambda.FunctionProps> = {}): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
    ...props,
  });
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as any);
}

/** Every statement of the policies attached to the role with this logical id. */
function roleStatements(template: Template, roleId: string): any[] {
  return Object.values<any>({ ...template.findResources('AWS::IAM::Policy'), ...template.findResources('AWS::IAM::ManagedPolicy') })
    .filter((p) => (p.Properties.Roles ?? []).some((r: any) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('grantToFunction', () => {
  test('grants read pinned to AWSCURRENT and puts the ARN (never the value) in an environment variable named after the secret', () => {
    // GIVEN
    const stack = newStack();
    const secret = secretIn(stack);
    const fn = fnIn(stack);
    // WHEN
    secret.grantToFunction(fn);
    // THEN
    const template = Template.fromStack(stack);
    const secretId = logicalId(stack, secret);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { DB_CREDENTIALS_SECRET_ARN: { Ref: secretId } } },
    });
    expect(JSON.stringify(template.findResources('AWS::Lambda::Function'))).not.toContain('{{resolve');
    const roleId = logicalId(stack, fn.role as iam.Role);
    expect(roleStatements(template, roleId).filter((s) => s.Action === 'secretsmanager:GetSecretValue')).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: secretId }, Condition: PINNED },
    ]);
    template.resourceCountIs('AWS::Lambda::LayerVersion', 0);
    expect(template.findResources('AWS::Lambda::Function', { Properties: { Layers: Match.anyValue() } })).toEqual({});
  });

  test.each([
    ['DbCredentials', 'DB_CREDENTIALS_SECRET_ARN'],
    ['APIKey', 'API_KEY_SECRET_ARN'],
    ['payments-api.key', 'PAYMENTS_API_KEY_SECRET_ARN'],
    ['1st', 'SECRET_1ST_SECRET_ARN'],
  ])('the default variable of %s is %s', (id, name) => {
    expect(defaultEnvironmentVariable(id)).toBe(name);
  });

  test('the variable name can be chosen', () => {
    const stack = newStack();
    const fn = fnIn(stack);
    secretIn(stack).grantToFunction(fn, { environmentVariable: 'DB_SECRET' });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { DB_SECRET: { Ref: Match.stringLikeRegexp('^DbCredentials') } } },
    });
  });

  test('adds the Parameters and Secrets extension with the cache TTL', () => {
    const stack = newStack();
    const fn = fnIn(stack, 'Fn', { architecture: lambda.Architecture.ARM_64 });
    secretIn(stack).grantToFunction(fn, { extension: { cacheTtl: Duration.minutes(2), cacheSize: 50 } });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Layers: [Match.stringLikeRegexp('^arn:aws:lambda:eu-west-1:\\d{12}:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:\\d+$')],
      Environment: {
        Variables: Match.objectLike({
          DB_CREDENTIALS_SECRET_ARN: { Ref: Match.anyValue() },
          PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED: 'true',
          PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE: '50',
          SECRETS_MANAGER_TTL: '120',
        }),
      },
    });
  });

  test('the extension caches 5 minutes by default', () => {
    const stack = newStack();
    const fn = fnIn(stack);
    secretIn(stack).grantToFunction(fn, { extension: {} });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SECRETS_MANAGER_TTL: '300', PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE: '1000' }) },
    });
  });

  test('a function with a replicated secret may read the replicas too', () => {
    const stack = newStack();
    const secret = secretIn(stack, 'Db', { replicaRegions: [{ region: 'us-east-1' }] });
    const fn = fnIn(stack);
    secret.grantToFunction(fn);
    const statements = roleStatements(Template.fromStack(stack), logicalId(stack, fn.role as iam.Role));
    const read = statements.find((s) => s.Action === 'secretsmanager:GetSecretValue');
    expect(read.Resource).toHaveLength(2);
    expect(JSON.stringify(read.Resource[1])).toContain('"us-east-1"');
  });

  describe('validation', () => {
    test.each([
      [{ environmentVariable: 'AWS_SECRET' }, /invalid `grantToFunction environmentVariable`: got "AWS_SECRET"; allowed: a letter then letters, digits or _, not reserved by Lambda/],
      [{ environmentVariable: '1SECRET' }, /invalid `grantToFunction environmentVariable`: got "1SECRET"/],
      [{ environmentVariable: 'MY-SECRET' }, /invalid `grantToFunction environmentVariable`: got "MY-SECRET"/],
      [{ extension: { cacheTtl: Duration.seconds(301) } }, /invalid `grantToFunction extension\.cacheTtl`: got 5 minutes 1 second; allowed: whole seconds from 0 \(no cache\) to 300/],
      [{ extension: { cacheTtl: Duration.millis(1500) } }, /invalid `grantToFunction extension\.cacheTtl`: got 1 second 500 millis/],
      [{ extension: { cacheSize: 1001 } }, /invalid `grantToFunction extension\.cacheSize`: got 1001; allowed: a whole number from 0 to 1000/],
      [{ extension: { version: 'latest' as lambda.ParamsAndSecretsVersions } }, /invalid `grantToFunction extension\.version`: got "latest"; allowed: 1\.0\.103/],
    ])('%j is refused with our error', (options, message) => {
      const stack = newStack();
      const secret = secretIn(stack);
      const fn = fnIn(stack);
      expect(() => secret.grantToFunction(fn, options)).toThrow(HardenedSecretsValidationError);
      expect(() => secret.grantToFunction(fn, options)).toThrow(message);
    });

    test('an extension already configured with paramsAndSecrets is not configured twice', () => {
      const stack = newStack();
      const fn = fnIn(stack, 'Fn', { paramsAndSecrets: lambda.ParamsAndSecretsLayerVersion.fromVersion(lambda.ParamsAndSecretsVersions.V1_0_103) });
      const secret = secretIn(stack);
      expect(() => secret.grantToFunction(fn, { extension: { cacheTtl: Duration.seconds(60) } }))
        .toThrow(/invalid `grantToFunction extension`: got "set"; allowed: no extension option: Stack\/Fn already has the extension/);
      // Without the option, the function keeps its own extension settings.
      secret.grantToFunction(fn);
      Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ DB_CREDENTIALS_SECRET_ARN: Match.anyValue(), SECRETS_MANAGER_TTL: '300' }) },
      });
    });

    test('a function in another region', () => {
      const app = new App();
      const stack = new Stack(app, 'Eu', { env: { account: '111111111111', region: 'eu-west-1' } });
      const other = new Stack(app, 'Us', { env: { account: '111111111111', region: 'us-east-1' } });
      const secret = secretIn(stack);
      expect(() => secret.grantToFunction(fnIn(other)))
        .toThrow(/invalid `grantToFunction fn`: got "Us\/Fn \(in us-east-1\)"; allowed: a function in the secret's region eu-west-1/);
    });
  });
});

describe('aws-cdk-lib consumers', () => {
  test('ECS: Secret.fromSecretsManager gives the execution role a read pinned to AWSCURRENT, the container the ARN and field', () => {
    // GIVEN a Fargate task reading the password field
    const stack = newStack();
    const secret = secretIn(stack);
    const task = new ecs.FargateTaskDefinition(stack, 'Task');
    task.addContainer('App', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable'),
      secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(secret, 'password') },
    });
    // THEN the container gets a reference (never the value) and the execution role a pinned read
    const template = Template.fromStack(stack);
    const secretId = logicalId(stack, secret);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Secrets: [{ Name: 'DB_PASSWORD', ValueFrom: { 'Fn::Join': ['', [{ Ref: secretId }, ':password::']] } }],
        Environment: Match.absent(),
      })],
    });
    const executionRoleId = logicalId(stack, task.executionRole as iam.Role);
    expect(roleStatements(template, executionRoleId).filter((s) => s.Action === 'secretsmanager:GetSecretValue')).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: secretId }, Condition: PINNED },
    ]);
    expect(roleStatements(template, executionRoleId)).toContainEqual(expect.objectContaining({
      Action: 'kms:Decrypt',
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
    }));
  });

  test('RDS: Credentials.fromSecret passes dynamic references to the instance and attaches the secret', () => {
    // GIVEN an instance whose master credentials are the hardened secret
    const stack = newStack();
    const secret = secretIn(stack);
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new rds.DatabaseInstance(stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      credentials: rds.Credentials.fromSecret(secret),
      storageEncrypted: true,
    });
    // THEN the template holds references resolved by CloudFormation, never the password
    const template = Template.fromStack(stack);
    const secretId = logicalId(stack, secret);
    const ref = (field: string) => ({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, `:SecretString:${field}::}}`]] });
    template.hasResourceProperties('AWS::RDS::DBInstance', { MasterUsername: ref('username'), MasterUserPassword: ref('password') });
    template.hasResourceProperties('AWS::SecretsManager::SecretTargetAttachment', {
      SecretId: { Ref: secretId },
      TargetType: 'AWS::RDS::DBInstance',
    });
  });
});

describe('grantBatchRead', () => {
  function build(): { stack: Stack; a: HardenedSecret; b: HardenedSecret; role: ManagedPolicyRole } {
    const stack = newStack();
    const a = secretIn(stack, 'A');
    const b = secretIn(stack, 'B');
    const role = new ManagedPolicyRole(stack, 'Batch', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    HardenedSecret.grantBatchRead(role, [a, b, a]);
    return { stack, a, b, role };
  }

  test('BatchGetSecretValue on "*" in its own statement, GetSecretValue on each ARN only, pinned', () => {
    const { stack, a, b, role } = build();
    const statements = roleStatements(Template.fromStack(stack), logicalId(stack, role));
    expect(statements.filter((s) => String(s.Action).startsWith('secretsmanager:') && s.Action !== 'secretsmanager:DescribeSecret')).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:BatchGetSecretValue', Resource: '*' },
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: logicalId(stack, a) }, Condition: PINNED },
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: logicalId(stack, b) }, Condition: PINNED },
    ]);
  });

  test('the IAM5 finding for "*" is acknowledged on the exact policy with why, and nothing else is left', () => {
    const { stack } = build();
    expect(acknowledgements(stack).filter((x) => x.path.startsWith('Stack/Batch'))).toEqual([
      { path: 'Stack/Batch/Policy/Resource', rule: 'AwsSolutions-IAM5[Resource::*]', reason: BATCH_READ_REASON },
    ]);
    expect(nagFindings(stack)).toEqual([]);
  });

  test('aws-cdk-lib secrets are read with their own grantRead', () => {
    const stack = newStack();
    const plain = new secretsmanager.Secret(stack, 'Plain');
    const role = new ManagedPolicyRole(stack, 'Batch', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    HardenedSecret.grantBatchRead(role, [plain]);
    expect(roleStatements(Template.fromStack(stack), logicalId(stack, role))).toContainEqual(expect.objectContaining({
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: { Ref: logicalId(stack, plain) },
    }));
  });

  test('an empty list is refused', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Batch', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(() => HardenedSecret.grantBatchRead(role, [])).toThrow(/Stack\/Batch: invalid `grantBatchRead secrets`: got "\[\]"; allowed: one or more secrets/);
  });
});
