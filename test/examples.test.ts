import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { EXTERNAL_MONITOR } from './compliance-suite';
import { controlTowerViolationsByStack } from './helpers/control-tower';
import { packFindings } from './nag/pack-helpers';
import { AcknowledgementRecord, acknowledgements, nagFindings } from './nag-helpers';
import { buildRestrictiveSecretApp, RESTRICTIVE_STACK_NAME } from '../examples/access-modes/restrictive-secret';
import { ACKNOWLEDGEMENTS as APP_ACKNOWLEDGEMENTS, buildExampleApp } from '../examples/app';
import { buildAuditedApp, EXTERNAL_MONITOR as REPORT_MONITOR } from '../examples/compliance-report';
import { ACKNOWLEDGEMENTS as CONSUMERS_ACKNOWLEDGEMENTS, buildConsumersApp, CONSUMERS_STACK_NAME } from '../examples/consumers/lambda-and-ecs';
import { buildMonitoringApp } from '../examples/monitoring/secret-access-monitor';
import { ACKNOWLEDGEMENTS as REPLICATED_ACKNOWLEDGEMENTS, buildReplicatedSecretApp, PRIMARY_STACK_NAME } from '../examples/multi-region/replicated-secret';
import { buildPrivateSecretsApp, PRIVATE_SECRETS_STACK_NAME } from '../examples/network/private-secrets';
import { API_TOKEN_STACK_NAME, buildApiTokenApp } from '../examples/rotation/api-token';
import { buildProductTeamApp, completeProductTeamStack, governApp, PRODUCT_STACK_NAME } from '../examples/security-team';
import { DetectorType, GuardrailMode, SecretEventKind, SecretsManagerChecksProps } from '../src';
import { DETECTORS } from '../src/monitoring/event-kinds';
import { BATCH_READ_REASON } from '../src/secret/consumers';

/**
 * The example apps of examples/. Each is built once in this file (the synthesis is most of the
 * time) and shared by a table of what every example must show, then by what it shows itself.
 */

/** `build`, called once, on first use. */
function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}

const exampleApp = once(() => buildExampleApp(new App()));
const apiToken = once(() => buildApiTokenApp(new App()));
const privateSecrets = once(() => buildPrivateSecretsApp(new App()));
const replicated = once(() => buildReplicatedSecretApp(new App()));
const consumers = once(() => buildConsumersApp(new App()));
const monitoring = once(() => buildMonitoringApp(new App()));
const restrictive = once(() => buildRestrictiveSecretApp(new App()));

/** An acknowledgement as the examples list it: with its reason, or only its place and rule. */
type Acknowledged = Omit<AcknowledgementRecord, 'reason'> & { readonly reason?: string };

/** The order `acknowledgements()` returns. */
function sorted<T extends Acknowledged>(records: readonly T[]): T[] {
  return [...records].sort((a, b) => `${a.path} ${a.rule}`.localeCompare(`${b.path} ${b.rule}`));
}

/** The acknowledgements a `RotationFunction` at `path` places, on its function and its unscoped policy. */
function rotationFunctionAcknowledgements(fnPath: string): Acknowledged[] {
  const fn = `${fnPath}/Function/Resource`;
  const policy = `${fnPath}/Role/UnscopedPolicy/Resource`;
  return [
    { path: fn, rule: 'AwsSolutions-L1' },
    { path: fn, rule: 'HIPAA.Security-LambdaDLQ' },
    { path: fn, rule: 'NIST.800.53.R5-LambdaDLQ' },
    { path: fn, rule: 'Serverless-LambdaDLQ' },
    { path: fn, rule: 'Serverless-LambdaLatestVersion' },
    { path: policy, rule: 'AwsSolutions-IAM5[Resource::*]' },
    { path: policy, rule: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:eu-west-1:111111111111:network-interface/*]' },
  ];
}

/** The owner tags the SecretTags rule asks for, as HardenedSecret's owner props write them. */
function addOwnerTags(scope: Stack | App): void {
  Tags.of(scope).add('owner', 'orders-team');
  Tags.of(scope).add('environment', 'prod');
  Tags.of(scope).add('data-classification', 'confidential');
}

/** What every example app must show, and how to check it. */
interface ExampleRow {
  /** The example's file. */
  readonly file: string;
  /** The app, built once. */
  readonly app: () => App;
  /** How SecretsManagerChecks is run: with the monitoring declared outside the app, or none when the app has its own. */
  readonly checks: SecretsManagerChecksProps;
  /** Owner tags to add before SecretsManagerChecks, for an example whose secrets leave them to the organisation. */
  readonly ownerTags?: boolean;
  /** Every acknowledgement in the app, exactly (reasons compared when given). */
  readonly acknowledgements: () => readonly Acknowledged[];
  /** The acknowledgements the example and the library place (not aws-cdk-lib): each must be on an L1 resource. */
  readonly placed?: () => readonly Acknowledged[];
}

const EXAMPLES: ExampleRow[] = [
  {
    file: 'examples/app.ts',
    app: () => exampleApp().app,
    checks: {},
    acknowledgements: () => APP_ACKNOWLEDGEMENTS,
    placed: () => APP_ACKNOWLEDGEMENTS.filter((a) => a.placedBy !== 'aws-cdk-lib'),
  },
  {
    file: 'examples/rotation/api-token.ts',
    app: () => apiToken().app,
    checks: { externalMonitor: EXTERNAL_MONITOR },
    acknowledgements: () => rotationFunctionAcknowledgements(`${API_TOKEN_STACK_NAME}/TokenRotation`),
  },
  {
    file: 'examples/network/private-secrets.ts',
    app: () => privateSecrets().app,
    checks: { externalMonitor: EXTERNAL_MONITOR },
    acknowledgements: () => rotationFunctionAcknowledgements(`${PRIVATE_SECRETS_STACK_NAME}/PasswordRotation`),
  },
  {
    file: 'examples/multi-region/replicated-secret.ts',
    app: () => replicated().app,
    checks: { externalMonitor: EXTERNAL_MONITOR },
    acknowledgements: () => REPLICATED_ACKNOWLEDGEMENTS,
  },
  {
    file: 'examples/consumers/lambda-and-ecs.ts',
    app: () => consumers().app,
    checks: { externalMonitor: EXTERNAL_MONITOR },
    acknowledgements: () => CONSUMERS_ACKNOWLEDGEMENTS,
    placed: () => CONSUMERS_ACKNOWLEDGEMENTS.filter((a) => a.placedBy !== 'aws-cdk-lib'),
  },
  {
    file: 'examples/access-modes/restrictive-secret.ts',
    app: () => restrictive().app,
    checks: { externalMonitor: EXTERNAL_MONITOR },
    ownerTags: true,
    acknowledgements: () => rotationFunctionAcknowledgements(`${RESTRICTIVE_STACK_NAME}/TokenRotation`),
  },
  {
    file: 'examples/monitoring/secret-access-monitor.ts',
    app: () => monitoring().app,
    checks: {},
    ownerTags: true,
    acknowledgements: () => MONITORING_ACKNOWLEDGEMENTS,
  },
];

/** The stacks of an app, in construct order. */
function stacksOf(app: App): Stack[] {
  return app.node.children.filter(Stack.isStack);
}

/** The Control Tower violations of every stack of every example, in one cfn-guard run. */
const controlTower = once(() => controlTowerViolationsByStack(EXAMPLES.flatMap((row) => stacksOf(row.app()))));

describe.each(EXAMPLES)('$file', (row) => {
  test('every stack: the five cdk-nag packs report no unacknowledged finding', () => {
    // WHEN AwsSolutions, HIPAA, NIST 800-53 R5, PCI DSS 3.2.1 and Serverless validate each stack
    const stacks = stacksOf(row.app());
    // THEN nothing is left, errors or warnings
    expect(stacks.map((s) => [s.node.id, nagFindings(s)])).toEqual(stacks.map((s) => [s.node.id, []]));
  });

  test('every stack: the Control Tower proactive controls report no violation', () => {
    // (cfn-guard has no acknowledgements: the template itself must comply)
    const stacks = stacksOf(row.app());
    expect(stacks.map((s) => [s.node.id, controlTower().get(s)])).toEqual(stacks.map((s) => [s.node.id, []]));
  });

  test('every stack: SecretsManagerChecks reports nothing', () => {
    const app = row.app();
    if (row.ownerTags) {
      addOwnerTags(app);
    }
    expect(stacksOf(app).flatMap((s) => packFindings(s, row.checks))).toEqual([]);
  });

  test('the acknowledgements in the app are exactly the listed ones', () => {
    // (compared with their reasons when the list gives them)
    const listed = sorted(row.acknowledgements());
    const withReasons = listed.every((a) => a.reason !== undefined);
    const shape = ({ path: p, rule, reason }: Acknowledged): Acknowledged => (withReasons ? { path: p, rule, reason } : { path: p, rule });
    expect(acknowledgements(row.app()).map(shape)).toEqual(listed.map(shape));
  });

  if (row.placed) {
    const placed = row.placed;
    test('the example and the library place their acknowledgements on L1 resources of its stacks only, never on a stack', () => {
      const app = row.app();
      const stacks = stacksOf(app);
      const targets = placed().map(({ path: p }) => ({
        path: p,
        isL1: stacks.some((s) => p.startsWith(`${s.node.path}/`)) && app.node.findAll().some((c) => c.node.path === p && CfnResource.isCfnResource(c)),
      }));
      expect(targets.length).toBeGreaterThan(0);
      // (the path in the expectation, so that a failure names the acknowledgement)
      expect(targets).toEqual(targets.map(({ path: p }) => ({ path: p, isL1: true })));
    });
  }
});

/** The monitoring example needs no acknowledgement: the monitor and the secrets comply as built. */
const MONITORING_ACKNOWLEDGEMENTS: readonly Acknowledged[] = [];

describe('examples/app.ts', () => {
  test("the function's role may read only the API key secret", () => {
    // GIVEN the execution role of the ApiClient function and the API key secret
    const template = Template.fromStack(exampleApp().stack);
    const [fnId] = Object.keys(template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { API_KEY_SECRET_ARN: {} } } },
    }));
    const roleId: string = template.toJSON().Resources[fnId].Properties.Role['Fn::GetAtt'][0];
    const [apiKeyId] = Object.keys(template.findResources('AWS::SecretsManager::Secret', {
      Properties: { Name: 'prod/orders/payment-api-key' },
    }));

    // WHEN every statement of every policy attached to that role is collected
    const role = template.toJSON().Resources[roleId];
    const attached = Object.values<any>({
      ...template.findResources('AWS::IAM::Policy'),
      ...template.findResources('AWS::IAM::ManagedPolicy'),
    }).filter((p) => (p.Properties.Roles ?? []).some((r: any) => r.Ref === roleId));
    const statements: any[] = [
      ...attached.flatMap((p) => p.Properties.PolicyDocument.Statement),
      ...(role.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement),
    ];
    const actionsOf = (s: any): string[] => [s.Action].flat();
    const readsSecrets = statements.filter((s) =>
      s.Effect === 'Allow' && actionsOf(s).some((a) => a === '*' || a === 'secretsmanager:*' || a === 'secretsmanager:GetSecretValue'),
    );

    // THEN the role has no AWS managed policy, and exactly one statement allows GetSecretValue:
    // on the API key's ARN alone, for the AWSCURRENT version only
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(readsSecrets).toEqual([
      {
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: { Ref: apiKeyId },
        Condition: {
          StringEqualsIfExists: { 'secretsmanager:VersionStage': ['AWSCURRENT'] },
        },
      },
    ]);
  });
});

describe('examples/rotation/api-token.ts', () => {
  test('the token rotates weekly with the built-in rotator, configured for its token field', () => {
    const built = apiToken();
    const stack = built.stack;
    const template = Template.fromStack(stack);
    const fnId = stack.getLogicalId(built.rotation.function.node.defaultChild as CfnResource);
    const secretId = stack.getLogicalId(built.secret.node.defaultChild as CfnResource);
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: secretId },
      RotationLambdaARN: { 'Fn::GetAtt': [fnId, 'Arn'] },
      RotationRules: { ScheduleExpression: 'rate(7 days)' },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Environment: { Variables: { ROTATION_PASSWORD_LENGTH: '48', ROTATION_EXCLUDE_PUNCTUATION: 'true', ROTATION_FIELD: 'token' } },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: '111111111111',
      SourceArn: { Ref: secretId },
    });
  });
});

describe('examples/network/private-secrets.ts', () => {
  test('one endpoint, with private DNS, reached by the application and the rotation function only', () => {
    const built = privateSecrets();
    const template = Template.fromStack(built.stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { PrivateDnsEnabled: true, VpcId: 'vpc-0123456789abcdef0' });
    expect(built.rotation.secretsManagerEndpoint).toBe(built.endpoint);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    expect(ingress.map((r) => [r.SourceSecurityGroupId, r.FromPort, r.Description])).toEqual([
      ['sg-0123456789abcdef0', 443, 'Orders application reads its database password'],
      [{ 'Fn::GetAtt': [expect.stringMatching(/^PasswordRotationSecurityGroup/), 'GroupId'] }, 443, `Secrets Manager API from rotation function ${PRIVATE_SECRETS_STACK_NAME}/PasswordRotation`],
    ]);
  });

  test('the password can be read only through the endpoint', () => {
    const built = privateSecrets();
    const [policy] = Object.values(Template.fromStack(built.stack).findResources('AWS::SecretsManager::ResourcePolicy'));
    const deny = policy.Properties.ResourcePolicy.Statement.find((s: { Sid: string }) => s.Sid === 'DenyReadOutsideVpcEndpoint');
    expect(deny).toMatchObject({
      Effect: 'Deny',
      Action: 'secretsmanager:GetSecretValue',
      Condition: { StringNotEquals: { 'aws:SourceVpce': [built.stack.resolve(built.endpoint.vpcEndpointId)] } },
    });
  });

  test('no warnings', () => {
    Annotations.fromStack(privateSecrets().stack).hasNoWarning('*', Match.anyValue());
  });
});

describe('examples/multi-region/replicated-secret.ts', () => {
  test('the app is a primary in eu-west-1 and a key stack in each replica region, keys first', () => {
    const assembly = replicated().app.synth();
    expect(assembly.stacks.map((s) => [s.id, s.environment.region, s.dependencies.map((d) => d.id).filter((d) => !d.endsWith('.assets')).sort()])).toEqual([
      [`${PRIMARY_STACK_NAME}ReplicaKeysEuCentral1`, 'eu-central-1', []],
      [`${PRIMARY_STACK_NAME}ReplicaKeysUsEast1`, 'us-east-1', []],
      [PRIMARY_STACK_NAME, 'eu-west-1', [`${PRIMARY_STACK_NAME}ReplicaKeysEuCentral1`, `${PRIMARY_STACK_NAME}ReplicaKeysUsEast1`]],
    ]);
  });

  test('each replica is encrypted with the key of its region, named by alias', () => {
    const stacks = stacksOf(replicated().app);
    const primary = stacks.find((s) => s.node.id === PRIMARY_STACK_NAME)!;
    const replicas = Object.values<any>(Template.fromStack(primary).findResources('AWS::SecretsManager::Secret'))[0].Properties.ReplicaRegions;
    const aliasOf = (id: string) => Object.values<any>(Template.fromStack(stacks.find((s) => s.node.id === id)!).findResources('AWS::KMS::Alias'))[0].Properties.AliasName;
    expect(replicas).toEqual([
      { Region: 'eu-central-1', KmsKeyId: aliasOf(`${PRIMARY_STACK_NAME}ReplicaKeysEuCentral1`) },
      { Region: 'us-east-1', KmsKeyId: aliasOf(`${PRIMARY_STACK_NAME}ReplicaKeysUsEast1`) },
    ]);
  });
});

describe('examples/consumers/lambda-and-ecs.ts', () => {
  let built: ReturnType<typeof buildConsumersApp>;
  let template: Template;

  beforeAll(() => {
    built = consumers();
    template = Template.fromStack(built.stack);
  });

  test('the exported list: the rotation waiver, the batch wildcard and the workload exceptions, each on its exact resource', () => {
    // (pinned here, so that a new acknowledgement is a visible change of this test)
    const policy = (role: string) => `${CONSUMERS_STACK_NAME}/${role}/Policy/Resource`;
    expect(CONSUMERS_ACKNOWLEDGEMENTS.map((a) => [a.placedBy, a.path, a.rule])).toEqual([
      ['library', `${CONSUMERS_STACK_NAME}/PartnerApiKey/Resource`, 'AwsSolutions-SMG4'],
      ['library', `${CONSUMERS_STACK_NAME}/PartnerApiKey/Resource`, 'HIPAA.Security-SecretsManagerRotationEnabled'],
      ['library', `${CONSUMERS_STACK_NAME}/PartnerApiKey/Resource`, 'NIST.800.53.R5-SecretsManagerRotationEnabled'],
      ['library', `${CONSUMERS_STACK_NAME}/PartnerApiKey/Resource`, 'HardenedSecrets-SecretRotationConfigured'],
      ['library', `${CONSUMERS_STACK_NAME}/NightlyAudit/BatchGetSecretValuePolicy/Resource`, 'AwsSolutions-IAM5[Resource::*]'],
      ['example', `${CONSUMERS_STACK_NAME}/Vpc/Resource`, 'HIPAA.Security-VPCDefaultSecurityGroupClosed'],
      ['example', `${CONSUMERS_STACK_NAME}/Vpc/Resource`, 'NIST.800.53.R5-VPCDefaultSecurityGroupClosed'],
      ['example', `${CONSUMERS_STACK_NAME}/Vpc/Resource`, 'PCI.DSS.321-VPCDefaultSecurityGroupClosed'],
      ['example', `${CONSUMERS_STACK_NAME}/LabelPrinterDeadLetters/Resource`, 'Serverless-SQSRedrivePolicy'],
      ['example', policy('LabelPrinterRole'), 'AwsSolutions-IAM5[Resource::*]'],
      ['example', policy('LabelPrinterRole'), 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:eu-west-1:111111111111:network-interface/*]'],
      ['example', policy('DatabaseMonitoringRole'), 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:eu-west-1:111111111111:log-group:RDSOSMetrics:*]'],
      ['example', policy('DatabaseBackupRole'), 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:rds:eu-west-1:111111111111:snapshot:awsbackup:*]'],
      ['example', policy('DatabaseBackupRole'), 'AwsSolutions-IAM5[Resource::*]'],
      // placed by aws-cdk-lib itself for its cfn-lint plugin (the VPC reads stack.availabilityZones; the flow log)
      ['aws-cdk-lib', CONSUMERS_STACK_NAME, 'CloudFormation-Validate::W3010'],
      ['aws-cdk-lib', `${CONSUMERS_STACK_NAME}/Vpc/FlowLog`, 'CloudFormation-Validate::F3002'],
      ['aws-cdk-lib', `${CONSUMERS_STACK_NAME}/Vpc/FlowLog`, 'CloudFormation-Validate::F3003'],
    ]);
    expect(CONSUMERS_ACKNOWLEDGEMENTS.find((a) => a.path.startsWith(`${CONSUMERS_STACK_NAME}/NightlyAudit/`))!.reason).toBe(BATCH_READ_REASON);
  });

  test('no role has an AWS managed policy or an inline policy', () => {
    const found = template.findResources('AWS::IAM::Role');
    // (logical ids without their hash)
    expect(Object.keys(found).map((id) => id.slice(0, -8)).sort()).toEqual([
      'DatabaseBackupRole', 'DatabaseMonitoringRole', 'LabelPrinterRole', 'NightlyAudit', 'ShippingWorkerExecutionRole',
      'ShippingWorkerTaskRole', 'VpcFlowLogsRole',
    ]);
    const roles = Object.values<any>(found);
    expect(roles.filter((r) => r.Properties.ManagedPolicyArns !== undefined || r.Properties.Policies !== undefined)).toEqual([]);
    expect(template.findResources('AWS::IAM::Policy')).toEqual({});
  });

  test('the function runs in the isolated subnets, traced, with reserved concurrency and an encrypted dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PARTNER_API_KEY_SECRET_ARN: Match.anyValue() }) },
      TracingConfig: { Mode: 'Active' },
      ReservedConcurrentExecutions: 5,
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LabelPrinterDeadLetters'), 'Arn'] } },
      VpcConfig: {
        SubnetIds: [{ Ref: Match.stringLikeRegexp('^VpcisolatedSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcisolatedSubnet2') }],
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^LabelPrinterSecurityGroup'), 'GroupId'] }],
      },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^LabelPrinterLogs') } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeadLetterKey'), 'Arn'] },
      RedriveAllowPolicy: { redrivePermission: 'allowAll' },
    });
    // The endpoint lets the function in on 443 by security group; no rule anywhere names a CIDR range
    const endpointSg = built.stack.getLogicalId(built.endpoint.node.findChild('SecurityGroup').node.defaultChild as CfnResource);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      Description: 'Secrets Manager API from LabelPrinter',
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      GroupId: { 'Fn::GetAtt': [endpointSg, 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LabelPrinterSecurityGroup'), 'GroupId'] },
    });
    expect(Object.values<any>(template.findResources('AWS::EC2::SecurityGroupIngress')).filter((r) => r.Properties.CidrIp !== undefined)).toEqual([]);
  });

  test('the task runs as a non-root user, read-only, with a hard memory limit; every log group is encrypted and kept a year', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        User: '1000',
        ReadonlyRootFilesystem: true,
        Memory: 512,
        LogConfiguration: { LogDriver: 'awslogs', Options: Match.objectLike({ 'awslogs-group': { Ref: Match.stringLikeRegexp('^ShippingWorkerLogs') } }) },
      })],
    });
    const groups = Object.values<any>(template.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(3);
    expect(groups.map((g) => [g.Properties.RetentionInDays, g.Properties.KmsKeyId !== undefined, g.DeletionPolicy]))
      .toEqual(groups.map(() => [365, true, 'Retain']));
  });

  test('the database: multi-AZ, not on 5432, IAM auth, its own key, logs, Enhanced Monitoring, deletion protection, in a backup plan', () => {
    const dbId = built.stack.getLogicalId(built.database.node.defaultChild as CfnResource);
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      MultiAZ: true,
      Port: '5433',
      EnableIAMDatabaseAuthentication: true,
      StorageEncrypted: true,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseKey'), 'Arn'] },
      EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
      MonitoringInterval: 60,
      MonitoringRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseMonitoringRole'), 'Arn'] },
      DeletionProtection: true,
      BackupRetentionPeriod: 7,
      AutoMinorVersionUpgrade: true,
    });
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: {
        IamRoleArn: { 'Fn::GetAtt': [built.stack.getLogicalId(built.backupRole.node.defaultChild as CfnResource), 'Arn'] },
        Resources: [{ 'Fn::Join': ['', Match.arrayWith([{ Ref: dbId }])] }],
        SelectionName: 'Database',
      },
    });
  });

  test('the Enhanced Monitoring role may write to RDSOSMetrics only; the backup role may snapshot this instance only', () => {
    const role = (name: string) => [{ Ref: Match.stringLikeRegexp(`^${name}[0-9A-F]{8}$`) }];
    const arn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${rest}`]] });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: role('DatabaseMonitoringRole'),
      PolicyDocument: {
        Statement: [{
          Sid: 'EnhancedMonitoringLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams', 'logs:GetLogEvents'],
          Resource: [arn('logs:eu-west-1:111111111111:log-group:RDSOSMetrics'), arn('logs:eu-west-1:111111111111:log-group:RDSOSMetrics:*')],
        }],
      },
    });
    const dbId = built.stack.getLogicalId(built.database.node.defaultChild as CfnResource);
    const snapshots = arn('rds:eu-west-1:111111111111:snapshot:awsbackup:*');
    const dbKey = { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseKey'), 'Arn'] };
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: role('DatabaseBackupRole'),
      PolicyDocument: {
        Statement: [
          { Sid: 'SnapshotTheInstance', Resource: [{ 'Fn::Join': ['', Match.arrayWith([{ Ref: dbId }])] }, snapshots] },
          { Sid: 'ManageBackupSnapshots', Action: ['rds:DeleteDBSnapshot', 'rds:ModifyDBSnapshotAttribute'], Resource: snapshots },
          { Sid: 'UseTheVault', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseBackupVault'), 'BackupVaultArn'] } },
          { Sid: 'DescribeTheInstanceKey', Action: 'kms:DescribeKey', Resource: dbKey, Condition: Match.absent() },
          { Sid: 'GrantTheInstanceKeyToAwsServices', Action: 'kms:CreateGrant', Resource: dbKey, Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } },
          { Sid: 'ResolveSelection', Action: 'tag:GetResources', Resource: '*' },
        ],
      },
    });
  });

  test('the function holds the ARN of the API key, never a value, and runs the extension with a 2-minute cache', () => {
    const apiKeyId = built.stack.getLogicalId(built.apiKey.node.defaultChild as any);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          PARTNER_API_KEY_SECRET_ARN: { Ref: apiKeyId },
          PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED: 'true',
          PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE: '1000',
          PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '2773',
          PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL: 'info',
          PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS: '3',
          SECRETS_MANAGER_TIMEOUT_MILLIS: '0',
          SECRETS_MANAGER_TTL: '120',
          SSM_PARAMETER_STORE_TIMEOUT_MILLIS: '0',
          SSM_PARAMETER_STORE_TTL: '300',
        },
      },
    });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/"SecretString"/);
  });

  test('the ECS execution role, the function role and the batch role read AWSCURRENT only, each on its secrets only', () => {
    const dbId = built.stack.getLogicalId(built.dbCredentials.node.defaultChild as any);
    const apiKeyId = built.stack.getLogicalId(built.apiKey.node.defaultChild as any);
    const reads = (role: { policy: { node: { defaultChild?: unknown } } }) => {
      const policy = template.toJSON().Resources[built.stack.getLogicalId(role.policy.node.defaultChild as any)];
      return policy.Properties.PolicyDocument.Statement.filter((s: any) => [s.Action].flat().some((a: string) => /GetSecretValue$/.test(a)));
    };
    const pinned = {
      StringEqualsIfExists: { 'secretsmanager:VersionStage': ['AWSCURRENT'] },
    };
    const get = (id: string) => ({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: id }, Condition: pinned });
    expect(reads(built.executionRole)).toEqual([get(dbId)]);
    expect(reads(built.fnRole)).toEqual([get(apiKeyId)]);
    expect(reads(built.batchReader)).toEqual([get(dbId), get(apiKeyId)]);
    // BatchGetSecretValue, on "*", is alone in a policy of its own (its acknowledgement hides nothing else)
    const batchPolicy = template.toJSON().Resources[built.stack.getLogicalId(built.batchReader.node.findChild('BatchGetSecretValuePolicy').node.defaultChild as any)];
    expect(batchPolicy.Properties.Roles).toEqual([{ Ref: built.stack.getLogicalId(built.batchReader.node.defaultChild as any) }]);
    expect(batchPolicy.Properties.PolicyDocument.Statement).toEqual([{ Effect: 'Allow', Action: 'secretsmanager:BatchGetSecretValue', Resource: '*' }]);
  });

  test('the database takes its master credentials by dynamic reference', () => {
    const dbId = built.stack.getLogicalId(built.dbCredentials.node.defaultChild as any);
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      MasterUserPassword: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: dbId }, ':SecretString:password::}}']] },
    });
  });
});

describe('examples/monitoring/secret-access-monitor.ts', () => {
  let stack: ReturnType<typeof buildMonitoringApp>['stack'];
  let template: Template;

  beforeAll(() => {
    ({ stack } = monitoring());
    template = Template.fromStack(stack);
  });

  test('one metric filter and alarm per event kind, on the organisation trail log group, notifying the given topic', () => {
    template.resourcePropertiesCountIs('AWS::Logs::MetricFilter', { LogGroupName: 'aws-controltower/CloudTrailLogs' }, DETECTORS.length);
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: ['arn:aws:sns:eu-west-1:111111111111:security-alerts'] }, DETECTORS.length);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    expect(stack.monitor.detectorType(SecretEventKind.UNEXPECTED_READ)).toBe(DetectorType.METRIC_FILTER);
  });

  test('the snippet of docs/monitoring.md is the example, verbatim', () => {
    const source = fs.readFileSync(path.join(__dirname, '..', 'examples', 'monitoring', 'secret-access-monitor.ts'), 'utf8');
    const snippet = /\/\/ README: monitoring\n([\s\S]*?)\n\s*\/\/ README: end/.exec(source)![1];
    const readme = path.join(__dirname, '..', 'docs', 'monitoring.md');
    const dedented = snippet.split('\n').map((l) => l.replace(/^ {4}/, '')).join('\n');
    expect(fs.readFileSync(readme, 'utf8')).toContain(dedented);
  });
});

describe('examples/security-team.ts', () => {
  afterEach(() => {
    // A failed validation sets process.exitCode = 1 (as `cdk synth` should); the tests that
    // expect the failure must not fail the jest run with it.
    process.exitCode = 0;
  });

  function validationReport(app: App): Array<{ rule: string; path: string; severity: string }> {
    const file = path.join(app.outdir, 'validation-report.json');
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    return report.pluginReports
      .flatMap((p: any) => p.violations)
      .flatMap((v: any) => v.violatingConstructs.map((c: any) => ({ rule: v.ruleName, path: c.constructPath, severity: v.severity })))
      .sort((a: any, b: any) => `${a.rule} ${a.path}`.localeCompare(`${b.rule} ${b.path}`));
  }

  function newApp(): App {
    return new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'security-team-')) });
  }

  test('governApp makes cdk synth fail on the one decision ENFORCE leaves to the product team: rotation', () => {
    // GIVEN the product team's app, governed by the security team
    const { app } = buildProductTeamApp(newApp());
    governApp(app, GuardrailMode.ENFORCE);

    // WHEN it is synthesised THEN validation fails
    expect(() => app.synth()).toThrow(/HardenedSecrets-SecretRotationConfigured/);
    // AND the report names rotation as the only error, per secret, plus the owner tags ENFORCE cannot know
    expect(validationReport(app)).toEqual([
      { rule: 'HardenedSecrets-SecretRotationConfigured', path: `${PRODUCT_STACK_NAME}/Secret/Resource`, severity: 'error' },
      { rule: 'HardenedSecrets-SecretRotationConfigured', path: `${PRODUCT_STACK_NAME}/TemplatedSecret/Resource`, severity: 'error' },
      { rule: 'HardenedSecrets-SecretTags', path: `${PRODUCT_STACK_NAME}/Secret/Resource`, severity: 'warning' },
      { rule: 'HardenedSecrets-SecretTags', path: `${PRODUCT_STACK_NAME}/TemplatedSecret/Resource`, severity: 'warning' },
    ]);
  });

  test('once the product team tags its secrets and acknowledges rotation with a reason, synth passes', () => {
    const { app, stack } = buildProductTeamApp(newApp());
    governApp(app, GuardrailMode.ENFORCE);
    completeProductTeamStack(stack);
    // WHEN synthesised THEN validation passes and the stack is in the cloud assembly
    expect(app.synth().stacks.map(s => s.stackName)).toEqual([PRODUCT_STACK_NAME]);
  });

  test('in AUDIT mode the same app fails on every missing control', () => {
    // (that AUDIT leaves the template byte-identical is tested in test/guardrails)
    const { app } = buildProductTeamApp(newApp());
    governApp(app, GuardrailMode.AUDIT);
    expect(() => app.synth()).toThrow(/HardenedSecrets-SecretCustomerManagedKey/);
    const errors = validationReport(app).filter(f => f.severity === 'error').map(f => f.rule);
    expect(new Set(errors)).toEqual(new Set([
      'HardenedSecrets-SecretCustomerManagedKey',
      'HardenedSecrets-SecretRotationConfigured',
      'HardenedSecrets-SecretBlockPublicPolicy',
      'HardenedSecrets-SecretPolicyDenyDelete',
      'HardenedSecrets-SecretRetained',
    ]));
  });
});

describe('examples/compliance-report.ts', () => {
  let outdir: string;
  let report: any;

  beforeAll(() => {
    // GIVEN the example app with the pack and the report registered; WHEN it is synthesised
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-report-'));
    buildAuditedApp(new App({ outdir })).synth();
    report = JSON.parse(fs.readFileSync(path.join(outdir, 'secrets-compliance.json'), 'utf8'));
  });

  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('synth passes the pack and writes both report files into the cloud assembly', () => {
    expect(fs.existsSync(path.join(outdir, 'secrets-compliance.md'))).toBe(true);
    expect(report.summary.findings).toEqual({ error: 0, warning: 0, acknowledged: 1 });
  });

  test('the report runs the checks with the options of the pack', () => {
    expect(report.options.externalMonitor).toBe(REPORT_MONITOR);
    expect(report.secrets.every((s: any) => s.coverage.monitoredBy.includes(`external: ${REPORT_MONITOR}`))).toBe(true);
    expect(report.evidence.find((e: any) => e.id === 'cloudtrail-coverage').status).toBe('partial');
    expect(report.controls.filter((c: any) => c.status === 'fail')).toEqual([]);
  });
});
