import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { packFindings } from './nag/pack-helpers';
import { acknowledgements, controlTowerViolations, nagFindings } from './nag-helpers';
import { ACKNOWLEDGEMENTS as CONSUMERS_ACKNOWLEDGEMENTS, buildConsumersApp, CONSUMERS_STACK_NAME } from '../examples/consumers/lambda-and-ecs';
import { ACKNOWLEDGEMENTS, buildReplicatedSecretApp, PRIMARY_STACK_NAME } from '../examples/multi-region/replicated-secret';
import { BATCH_READ_REASON } from '../src/secret/consumers';

const MONITOR = 'Organisation trail with Secrets Manager alarms in the security account';

describe('examples/multi-region/replicated-secret.ts', () => {
  let app: App;
  let stacks: Stack[];

  beforeAll(() => {
    ({ app } = buildReplicatedSecretApp(new App()));
    stacks = app.node.children.filter(Stack.isStack);
  });

  test('the app is a primary in eu-west-1 and a key stack in each replica region, keys first', () => {
    const assembly = app.synth();
    expect(assembly.stacks.map((s) => [s.id, s.environment.region, s.dependencies.map((d) => d.id).filter((d) => !d.endsWith('.assets')).sort()])).toEqual([
      [`${PRIMARY_STACK_NAME}ReplicaKeysEuCentral1`, 'eu-central-1', []],
      [`${PRIMARY_STACK_NAME}ReplicaKeysUsEast1`, 'us-east-1', []],
      [PRIMARY_STACK_NAME, 'eu-west-1', [`${PRIMARY_STACK_NAME}ReplicaKeysEuCentral1`, `${PRIMARY_STACK_NAME}ReplicaKeysUsEast1`]],
    ]);
  });

  test('every stack: the five cdk-nag packs report nothing', () => {
    expect(stacks.map((s) => [s.node.id, nagFindings(s)])).toEqual(stacks.map((s) => [s.node.id, []]));
  });

  test('every stack: the Control Tower proactive controls report nothing', () => {
    expect(stacks.map((s) => [s.node.id, controlTowerViolations(s)])).toEqual(stacks.map((s) => [s.node.id, []]));
  });

  test('every stack: SecretsManagerChecks reports nothing (replicas included)', () => {
    expect(stacks.flatMap((s) => packFindings(s, { externalMonitor: MONITOR }))).toEqual([]);
  });

  test('the acknowledgements in the app are exactly the exported list', () => {
    const expected = [...ACKNOWLEDGEMENTS].sort((a, b) => `${a.path} ${a.rule}`.localeCompare(`${b.path} ${b.rule}`));
    expect(acknowledgements(app)).toEqual(expected);
  });

  test('each replica is encrypted with the key of its region, named by alias', () => {
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
    built = buildConsumersApp(new App());
    template = Template.fromStack(built.stack);
  });

  test('the five cdk-nag packs report no unacknowledged finding', () => {
    // WHEN AwsSolutions, HIPAA, NIST 800-53 R5, PCI DSS 3.2.1 and Serverless validate the stack
    // THEN nothing is left, errors or warnings, on the secrets or on the workload around them
    expect(nagFindings(built.stack)).toEqual([]);
  });

  test('the Control Tower proactive controls report no violation', () => {
    // (cfn-guard has no acknowledgements: the template itself must comply)
    expect(controlTowerViolations(built.stack)).toEqual([]);
  });

  test('SecretsManagerChecks reports nothing: no credential in any environment, every read pinned', () => {
    expect(packFindings(built.stack, { externalMonitor: MONITOR })).toEqual([]);
  });

  test('the acknowledgements in the tree are exactly the exported list', () => {
    const expected = CONSUMERS_ACKNOWLEDGEMENTS
      .map(({ path, rule, reason }) => ({ path, rule, reason }))
      .sort((a, b) => `${a.path} ${a.rule}`.localeCompare(`${b.path} ${b.rule}`));
    expect(acknowledgements(built.stack)).toEqual(expected);
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

  test('the example and the library place their acknowledgements on L1 resources only, never on the stack', () => {
    const targets = CONSUMERS_ACKNOWLEDGEMENTS.filter((a) => a.placedBy !== 'aws-cdk-lib').map(({ path }) => ({
      path,
      isL1: built.stack.node.findAll().some((c) => c.node.path === path && CfnResource.isCfnResource(c)),
    }));
    expect(targets).toEqual(targets.map(({ path }) => ({ path, isL1: true })));
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
