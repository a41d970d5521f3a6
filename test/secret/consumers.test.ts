import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';
import { ManagedPolicyRole } from '../../examples/shared/managed-policy-role';
import { HardenedSecret, HardenedSecretProps, SecretRotationPolicy } from '../../src';
import { HardenedSecretsValidationError } from '../../src/private/validation';
import { BATCH_READ_POLICY_ID, BATCH_READ_REASON, defaultEnvironmentVariable } from '../../src/secret/consumers';
import { newStack } from '../helpers/stacks';
import { acknowledgements, nagFindings } from '../nag-helpers';

const NO_ROTATION = SecretRotationPolicy.none('Test secret without a rotation function');
const PINNED = {
  StringEqualsIfExists: { 'secretsmanager:VersionStage': ['AWSCURRENT'] },
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

    test('a function created with its own paramsAndSecrets is refused the extension option: a grant cannot see or change those settings', () => {
      const stack = newStack();
      const fn = fnIn(stack, 'Fn', { paramsAndSecrets: lambda.ParamsAndSecretsLayerVersion.fromVersion(lambda.ParamsAndSecretsVersions.V1_0_103) });
      const secret = secretIn(stack);
      expect(() => secret.grantToFunction(fn, { extension: { cacheTtl: Duration.seconds(60) } }))
        .toThrow(/invalid `grantToFunction extension`: got "version 1\.0\.103, cacheTtl 60 s, cacheSize 1000"; allowed: no extension option: Stack\/Fn was created with its own extension \(its paramsAndSecrets prop\)/);
      // Without the option, the function keeps its own extension settings.
      secret.grantToFunction(fn);
      Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ DB_CREDENTIALS_SECRET_ARN: Match.anyValue(), SECRETS_MANAGER_TTL: '300' }) },
      });
    });

    test('a second secret asking for other extension settings on the same function is refused, naming both', () => {
      // GIVEN a function that got the extension with a 2-minute cache
      const stack = newStack();
      const fn = fnIn(stack);
      secretIn(stack, 'A').grantToFunction(fn, { extension: { cacheTtl: Duration.minutes(2) } });
      const b = secretIn(stack, 'B');
      // WHEN / THEN
      const grant = () => b.grantToFunction(fn, { extension: { cacheTtl: Duration.seconds(60), cacheSize: 10 } });
      expect(grant).toThrow(HardenedSecretsValidationError);
      expect(grant).toThrow(new RegExp(
        'Stack/B: invalid `grantToFunction extension`: got "version 1\\.0\\.103, cacheTtl 60 s, cacheSize 10"; allowed: the settings of ' +
        'the extension an earlier grantToFunction added to Stack/Fn \\(version 1\\.0\\.103, cacheTtl 120 s, cacheSize 1000\\)'));
      // and nothing of B was granted
      const template = Template.fromStack(stack);
      expect(Object.keys(template.findResources('AWS::Lambda::Function', {})).length).toBe(1);
      expect(JSON.stringify(template.toJSON())).not.toContain('B_SECRET_ARN');
    });

    test('a function in another region', () => {
      const app = new App();
      const stack = newStack('Eu', { app });
      const other = newStack('Us', { app, region: 'us-east-1' });
      const secret = secretIn(stack);
      expect(() => secret.grantToFunction(fnIn(other)))
        .toThrow(/invalid `grantToFunction fn`: got "Us\/Fn \(in us-east-1\)"; allowed: a function in the secret's region eu-west-1/);
    });
  });

  describe('the extension on a function that reads several secrets', () => {
    test('same settings (defaults spelt out or not): one layer, one cache setting, each secret its variable and its grant', () => {
      // GIVEN
      const stack = newStack();
      const fn = fnIn(stack);
      const a = secretIn(stack, 'A');
      const b = secretIn(stack, 'B');
      // WHEN
      a.grantToFunction(fn, { extension: {} });
      b.grantToFunction(fn, { extension: { cacheTtl: Duration.minutes(5), cacheSize: 1000, version: lambda.ParamsAndSecretsVersions.V1_0_103 } });
      // THEN
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Layers: [Match.stringLikeRegexp('^arn:aws:lambda:eu-west-1:\\d{12}:layer:AWS-Parameters-and-Secrets-Lambda-Extension:\\d+$')],
        Environment: {
          Variables: Match.objectLike({
            A_SECRET_ARN: { Ref: logicalId(stack, a) },
            B_SECRET_ARN: { Ref: logicalId(stack, b) },
            SECRETS_MANAGER_TTL: '300',
            PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE: '1000',
          }),
        },
      });
      const reads = roleStatements(template, logicalId(stack, fn.role as iam.Role)).filter((st) => st.Action === 'secretsmanager:GetSecretValue');
      expect(reads.map((st) => st.Resource)).toEqual([{ Ref: logicalId(stack, a) }, { Ref: logicalId(stack, b) }]);
    });

    test('a later grant without the extension option keeps the extension as it is', () => {
      const stack = newStack();
      const fn = fnIn(stack);
      secretIn(stack, 'A').grantToFunction(fn, { extension: { cacheTtl: Duration.seconds(30) } });
      secretIn(stack, 'B').grantToFunction(fn);
      Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
        Layers: Match.arrayWith([Match.stringLikeRegexp('AWS-Parameters-and-Secrets-Lambda-Extension')]),
        Environment: { Variables: Match.objectLike({ A_SECRET_ARN: Match.anyValue(), B_SECRET_ARN: Match.anyValue(), SECRETS_MANAGER_TTL: '30' }) },
      });
    });
  });

  describe('aws-cdk-lib internals grantToFunction relies on', () => {
    test('ParamsAndSecretsLayerVersion._bind returns the layer ARN of the region and architecture and these variables exactly', () => {
      // (grantToFunction adds the extension after construction with this internal method: a
      // change of aws-cdk-lib must fail here, not in a deployed function)
      const stack = newStack();
      const fn = fnIn(stack, 'Fn', { architecture: lambda.Architecture.ARM_64 });
      const layer = lambda.ParamsAndSecretsLayerVersion.fromVersion(lambda.ParamsAndSecretsVersions.V1_0_103, {
        cacheEnabled: true,
        cacheSize: 50,
        secretsManagerTtl: Duration.seconds(120),
      });
      const bound = layer._bind(fn, fn);
      expect(bound.arn).toMatch(/^arn:aws:lambda:eu-west-1:\d{12}:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:\d+$/);
      expect(bound.environmentVars).toEqual({
        PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED: true,
        PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE: 50,
        PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: 2773,
        PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL: 'info',
        PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS: 3,
        SECRETS_MANAGER_TIMEOUT_MILLIS: 0,
        SECRETS_MANAGER_TTL: 120,
        SSM_PARAMETER_STORE_TIMEOUT_MILLIS: 0,
        SSM_PARAMETER_STORE_TTL: 300,
      });
      // x86_64 has its own layer name
      expect(layer._bind(fn, fnIn(stack, 'X86')).arn).toMatch(/:layer:AWS-Parameters-and-Secrets-Lambda-Extension:\d+$/);
      // and it has no side effect on the function
      expect(Template.fromStack(stack).findResources('AWS::Lambda::Function', { Properties: { Layers: Match.anyValue() } })).toEqual({});
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

  /** The policy `<role>/BatchGetSecretValuePolicy`, as rendered. */
  const batchPolicy = (stack: Stack, role: IConstruct) => {
    const policy = role.node.findChild(BATCH_READ_POLICY_ID) as iam.ManagedPolicy;
    return Template.fromStack(stack).toJSON().Resources[logicalId(stack, policy)];
  };

  test('BatchGetSecretValue on "*" in a managed policy of its own, attached to the role; GetSecretValue on each ARN only, pinned', () => {
    const { stack, a, b, role } = build();
    // THEN the batch policy holds that one statement and nothing else
    expect(batchPolicy(stack, role)).toEqual({
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: {
        Description: expect.stringMatching(/^BatchGetSecretValue, which has no resource-level permission/),
        Path: '/',
        Roles: [{ Ref: logicalId(stack, role) }],
        PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'secretsmanager:BatchGetSecretValue', Resource: '*' }] },
      },
    });
    // and the role's own policy holds the reads of each secret, not the batch action
    const own = Template.fromStack(stack).toJSON().Resources[logicalId(stack, role.policy)].Properties.PolicyDocument.Statement as any[];
    expect(own.filter((s) => String(s.Action).startsWith('secretsmanager:') && s.Action !== 'secretsmanager:DescribeSecret')).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: logicalId(stack, a) }, Condition: PINNED },
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: logicalId(stack, b) }, Condition: PINNED },
    ]);
  });

  test('the IAM5 finding for "*" is acknowledged on the batch policy only, with why, and nothing else is left', () => {
    const { stack } = build();
    expect(acknowledgements(stack).filter((x) => x.path.startsWith('Stack/Batch'))).toEqual([
      { path: 'Stack/Batch/BatchGetSecretValuePolicy/Resource', rule: 'AwsSolutions-IAM5[Resource::*]', reason: BATCH_READ_REASON },
    ]);
    expect(nagFindings(stack)).toEqual([]);
  });

  test('a later "*" statement in the grantee\'s own policy is still reported', () => {
    // GIVEN
    const { stack, role } = build();
    // WHEN the role gets an unrelated statement on "*" after the batch grant
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    // THEN its IAM5 finding (and only it) appears, on the role's own policy
    expect(nagFindings(stack).filter((f) => f.rule.startsWith('AwsSolutions-IAM5')).map((f) => `${f.rule} ${f.resource}`)).toEqual([
      'AwsSolutions-IAM5[Resource::*] Stack/Batch/Policy/Resource',
    ]);
  });

  test('the same holds for an iam.Role with its inline default policy', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Batch', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    HardenedSecret.grantBatchRead(role, [secretIn(stack, 'A')]);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    expect(nagFindings(stack).filter((f) => f.rule === 'AwsSolutions-IAM5[Resource::*]').map((f) => f.resource)).toEqual(['Stack/Batch/DefaultPolicy/Resource']);
    expect(JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'))).not.toContain('BatchGetSecretValue');
  });

  test('a second grantBatchRead for the same grantee reuses its policy: one statement, one acknowledgement', () => {
    // GIVEN
    const { stack, role } = build();
    // WHEN
    HardenedSecret.grantBatchRead(role, [secretIn(stack, 'C')]);
    // THEN
    Template.fromStack(stack).resourcePropertiesCountIs('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'secretsmanager:BatchGetSecretValue' })]) },
    }, 1);
    expect(batchPolicy(stack, role).Properties.PolicyDocument.Statement).toHaveLength(1);
    expect(acknowledgements(stack).filter((x) => x.path.startsWith('Stack/Batch'))).toHaveLength(1);
  });

  test.each([
    ['user', (stack: Stack) => new iam.User(stack, 'Batch'), 'Users'],
    ['group', (stack: Stack) => new iam.Group(stack, 'Batch'), 'Groups'],
  ])('an iam %s of this app gets its own batch policy too', (_kind, make, attachment) => {
    const stack = newStack();
    const grantee = make(stack);
    HardenedSecret.grantBatchRead(grantee, [secretIn(stack, 'A')]);
    expect(batchPolicy(stack, grantee).Properties[attachment]).toEqual([{ Ref: logicalId(stack, grantee) }]);
    expect(acknowledgements(stack).filter((x) => x.path.startsWith('Stack/Batch'))).toEqual([
      { path: 'Stack/Batch/BatchGetSecretValuePolicy/Resource', rule: 'AwsSolutions-IAM5[Resource::*]', reason: BATCH_READ_REASON },
    ]);
  });

  test('an imported role: the statement goes where aws-cdk-lib puts it, no acknowledgement (the finding stays visible)', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'Imported', `arn:aws:iam::${stack.account}:role/auditor`);
    HardenedSecret.grantBatchRead(role, [secretIn(stack, 'A')]);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: ['auditor'],
      PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'secretsmanager:BatchGetSecretValue', Resource: '*' }]) },
    });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    expect(acknowledgements(stack).filter((x) => x.rule.startsWith('AwsSolutions-IAM5'))).toEqual([]);
    expect(nagFindings(stack).filter((f) => f.rule === 'AwsSolutions-IAM5[Resource::*]').map((f) => f.resource)).toEqual(['Stack/Imported/Policy/Resource']);
  });

  test('an immutable imported role is left unchanged', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'Imported', `arn:aws:iam::${stack.account}:role/auditor`, { mutable: false });
    HardenedSecret.grantBatchRead(role, [secretIn(stack, 'A')]);
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain('BatchGetSecretValue');
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
