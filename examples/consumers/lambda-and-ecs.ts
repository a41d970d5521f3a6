import { App, ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DataClassification, HardenedSecret, SecretRotationPolicy, SecretsManagerEndpoint } from '../../src';
import { BATCH_READ_REASON } from '../../src/secret/consumers';
import { ExampleAcknowledgement, placeAcknowledgements } from '../shared/acknowledgements';
import { allowDeadLetterQueueKey, deadLetterQueue, deadLetterQueueRedriveReason } from '../shared/dead-letter-queue';
import { grantLambdaVpcAccess, networkInterfaceWildcardReason, TRACED_VPC_FUNCTION_WILDCARD_REASON } from '../shared/lambda-vpc-access';
import { ManagedPolicyRole } from '../shared/managed-policy-role';
import { logGroupKey, serviceKey } from '../shared/service-key';

/** The id (and CloudFormation name) of the example stack. */
export const CONSUMERS_STACK_NAME = 'SecretConsumers';

/** Why the example's API key has no rotation schedule. */
export const API_KEY_ROTATION_JUSTIFICATION = 'the shipping partner issues the key; it is replaced by hand every 90 days (SEC-81)';

const DEFAULT_SG_REASON =
  'The default security group of this VPC is attached to nothing: every network interface in the stack (LabelPrinter, the ' +
  'database, the hosted rotation function, the interface endpoints) has its own group. Closing it in the template needs ' +
  'restrictDefaultSecurityGroup, whose Custom::VpcRestrictDefaultSG provider is a Lambda function outside any VPC, which ' +
  'Control Tower CT.LAMBDA.PR.3 forbids. Close default groups outside the stack instead, e.g. with the automated ' +
  'remediation of Security Hub control EC2.2.';

const ENHANCED_MONITORING_WILDCARD_REASON =
  'RDS Enhanced Monitoring writes to the RDSOSMetrics log group of the account and region, one log stream per DB instance ' +
  '(what the AWS managed policy AmazonRDSEnhancedMonitoringRole allows on log-group:RDS*). The wildcard covers the streams ' +
  'of that one group only, in this account and region.';

const BACKUP_SNAPSHOT_WILDCARD_REASON =
  'AWS Backup names the RDS snapshots it takes awsbackup:job-<id>, with an id known only when the job runs. The wildcard ' +
  'covers those snapshots only, in this account and region; every other resource of the backup role is named.';

const BACKUP_UNSCOPED_REASON =
  'tag:GetResources, with which AWS Backup resolves the resources of a selection, supports no resource-level permissions: ' +
  'the service authorization reference lists no resource type for it, so Resource must be "*".';

/** The port of the example database (Control Tower CT.RDS.PR.20 and AwsSolutions-RDS11 refuse 5432). */
const DATABASE_PORT = 5433;

const policyOf = (role: string) => `${CONSUMERS_STACK_NAME}/${role}/Policy/Resource`;

/**
 * Every acknowledgement in the example stack, with the exact resource, rule and reason.
 * `buildConsumersApp` places the `example` ones from this list; the test checks that the
 * construct tree holds exactly these.
 */
export const ACKNOWLEDGEMENTS: readonly ExampleAcknowledgement[] = [
  ...([
    'AwsSolutions-SMG4',
    'HIPAA.Security-SecretsManagerRotationEnabled',
    'NIST.800.53.R5-SecretsManagerRotationEnabled',
    'HardenedSecrets-SecretRotationConfigured',
  ] as const).map((rule): ExampleAcknowledgement => ({
    path: `${CONSUMERS_STACK_NAME}/PartnerApiKey/Resource`,
    rule,
    reason: `Rotation waived: ${API_KEY_ROTATION_JUSTIFICATION}`,
    placedBy: 'library',
  })),
  {
    path: `${CONSUMERS_STACK_NAME}/NightlyAudit/BatchGetSecretValuePolicy/Resource`,
    rule: 'AwsSolutions-IAM5[Resource::*]',
    reason: BATCH_READ_REASON,
    placedBy: 'library',
  },
  ...(['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'] as const).map((pack): ExampleAcknowledgement => ({
    path: `${CONSUMERS_STACK_NAME}/Vpc/Resource`,
    rule: `${pack}-VPCDefaultSecurityGroupClosed`,
    reason: DEFAULT_SG_REASON,
    placedBy: 'example',
  })),
  {
    path: `${CONSUMERS_STACK_NAME}/LabelPrinterDeadLetters/Resource`,
    rule: 'Serverless-SQSRedrivePolicy',
    reason: deadLetterQueueRedriveReason('LabelPrinter'),
    placedBy: 'example',
  },
  {
    path: policyOf('LabelPrinterRole'),
    rule: 'AwsSolutions-IAM5[Resource::*]',
    reason: TRACED_VPC_FUNCTION_WILDCARD_REASON,
    placedBy: 'example',
  },
  {
    path: policyOf('LabelPrinterRole'),
    rule: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:eu-west-1:111111111111:network-interface/*]',
    reason: networkInterfaceWildcardReason('LabelPrinter', 'the two isolated subnets'),
    placedBy: 'example',
  },
  {
    path: policyOf('DatabaseMonitoringRole'),
    rule: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:eu-west-1:111111111111:log-group:RDSOSMetrics:*]',
    reason: ENHANCED_MONITORING_WILDCARD_REASON,
    placedBy: 'example',
  },
  {
    path: policyOf('DatabaseBackupRole'),
    rule: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:rds:eu-west-1:111111111111:snapshot:awsbackup:*]',
    reason: BACKUP_SNAPSHOT_WILDCARD_REASON,
    placedBy: 'example',
  },
  {
    path: policyOf('DatabaseBackupRole'),
    rule: 'AwsSolutions-IAM5[Resource::*]',
    reason: BACKUP_UNSCOPED_REASON,
    placedBy: 'example',
  },
  // Placed by aws-cdk-lib 2.276 itself (core Stack and ec2.FlowLog), for the cfn-lint validation plugin.
  {
    path: CONSUMERS_STACK_NAME,
    rule: 'CloudFormation-Validate::W3010',
    reason: 'Literal AZs in template are the result of accessing stack.availabilityZones, this is expected and safe',
    placedBy: 'aws-cdk-lib',
  },
  ...(['F3002', 'F3003'] as const).map((code): ExampleAcknowledgement => ({
    path: `${CONSUMERS_STACK_NAME}/Vpc/FlowLog`,
    rule: `CloudFormation-Validate::${code}`,
    reason: 'AWS::EC2::FlowLog DestinationOptions accepts properties in camelCase, even they are listed as PascalCase in the spec',
    placedBy: 'aws-cdk-lib',
  })),
];

/**
 * The ways a workload reads a `HardenedSecret`: a Lambda function (ARN in an environment
 * variable, the Parameters and Secrets extension caching it), an ECS task (the field injected by
 * the ECS agent), an RDS instance (master credentials by dynamic reference) and a batch reader.
 * Every one of them may read the `AWSCURRENT` version only.
 *
 * The workload around them passes the five cdk-nag packs and the Control Tower proactive
 * controls with the acknowledgements of `ACKNOWLEDGEMENTS` only.
 */
export function buildConsumersApp(app: App = new App()) {
  const stack = new Stack(app, CONSUMERS_STACK_NAME, { env: { account: '111111111111', region: 'eu-west-1' } });
  const isolated: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

  // ---- Network: isolated subnets, flow logs, interface endpoints ---------------------------
  const logsKey = logGroupKey(stack, 'LogsKey', 'Encrypts the CloudWatch log groups of the SecretConsumers stack');
  const logGroup = (id: string) => new logs.LogGroup(stack, id, {
    retention: logs.RetentionDays.ONE_YEAR,
    encryptionKey: logsKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });

  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    restrictDefaultSecurityGroup: false, // see DEFAULT_SG_REASON
  });
  const flowLogRole = new ManagedPolicyRole(stack, 'VpcFlowLogsRole', {
    assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com'),
    description: 'Delivers the flow logs of the consumers VPC to CloudWatch Logs',
  });
  const flowLog = vpc.addFlowLog('FlowLog', {
    destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroup('VpcFlowLogs'), flowLogRole),
    trafficType: ec2.FlowLogTrafficType.ALL,
  });
  // The role's managed policy must exist before delivery starts.
  flowLog.node.addDependency(flowLogRole.policy);

  // The extension, the SDK and the hosted rotation reach Secrets Manager through this endpoint
  // (private DNS; HTTPS from the peers named with allowFrom only).
  const endpoint = SecretsManagerEndpoint.of(vpc);
  // Active tracing sends segments to X-Ray: the subnets have no route out.
  const xrayEndpointSg = new ec2.SecurityGroup(stack, 'XRayEndpointSecurityGroup', {
    vpc,
    description: 'X-Ray interface endpoint: HTTPS from LabelPrinter only',
    allowAllOutbound: false,
  });
  vpc.addInterfaceEndpoint('XRayEndpoint', {
    service: ec2.InterfaceVpcEndpointAwsService.XRAY,
    subnets: isolated,
    securityGroups: [xrayEndpointSg],
    open: false,
  });

  // ---- Secrets ----------------------------------------------------------------------------
  // (the hosted rotation function joins the VPC to reach the database and the endpoint)
  const dbRotation = secretsmanager.HostedRotation.postgreSqlSingleUser({ vpc, vpcSubnets: isolated });
  const dbCredentials = new HardenedSecret(stack, 'DbCredentials', {
    secretName: 'prod/shipping/db-credentials',
    environment: 'prod',
    owner: 'shipping-team',
    dataClassification: DataClassification.RESTRICTED,
    generateSecretString: {
      secretStringTemplate: JSON.stringify({ username: 'shipping' }),
      generateStringKey: 'password',
      excludePunctuation: true,
    },
    rotation: SecretRotationPolicy.hosted(dbRotation),
  });
  const apiKey = new HardenedSecret(stack, 'PartnerApiKey', {
    secretName: 'prod/shipping/partner-api-key',
    environment: 'prod',
    owner: 'shipping-team',
    dataClassification: DataClassification.CONFIDENTIAL,
    rotation: SecretRotationPolicy.none(API_KEY_ROTATION_JUSTIFICATION),
  });

  // ---- Lambda: in the VPC, traced, with a dead-letter queue and reserved concurrency ---------
  const fnSg = new ec2.SecurityGroup(stack, 'LabelPrinterSecurityGroup', {
    vpc,
    description: 'LabelPrinter function: HTTPS to the VPC endpoints only',
    allowAllOutbound: false,
  });
  // Grants go into the role's managed policy (no inline policy, no AWS managed policy).
  const fnRole = new ManagedPolicyRole(stack, 'LabelPrinterRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'Execution role of the LabelPrinter function',
  });
  const fnLogGroup = logGroup('LabelPrinterLogs');
  const dlq = deadLetterQueue(stack, 'LabelPrinterDeadLetters', 'DeadLetterKey', 'LabelPrinter');
  const fn = new lambda.Function(stack, 'LabelPrinter', {
    role: fnRole,
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ ok: true });'),
    vpc,
    vpcSubnets: isolated,
    securityGroups: [fnSg],
    memorySize: 256,
    timeout: Duration.seconds(10),
    reservedConcurrentExecutions: 5,
    deadLetterQueue: dlq.queue,
    tracing: lambda.Tracing.ACTIVE,
    logGroup: fnLogGroup,
  });
  fnLogGroup.grantWrite(fnRole);
  allowDeadLetterQueueKey(fnRole, dlq.key);
  grantLambdaVpcAccess(fnRole, vpc.selectSubnets(isolated).subnetIds, fnSg);
  endpoint.allowFrom(fn, 'Secrets Manager API from LabelPrinter');
  xrayEndpointSg.connections.allowFrom(fnSg, ec2.Port.HTTPS, 'X-Ray API from LabelPrinter');

  // ---- Lambda: ARN in PARTNER_API_KEY_SECRET_ARN, value cached by the extension for 2 minutes
  apiKey.grantToFunction(fn, { extension: { cacheTtl: Duration.minutes(2) } });

  // ---- ECS: the agent injects the password field; the execution role may read AWSCURRENT only
  const executionRole = new ManagedPolicyRole(stack, 'ShippingWorkerExecutionRole', {
    assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    description: 'Starts ShippingWorker tasks: writes their logs, injects their secrets',
  });
  const task = new ecs.FargateTaskDefinition(stack, 'ShippingWorker', { cpu: 256, memoryLimitMiB: 512, executionRole });
  task.addContainer('Worker', {
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable'),
    secrets: {
      DB_USERNAME: ecs.Secret.fromSecretsManager(dbCredentials, 'username'),
      DB_PASSWORD: ecs.Secret.fromSecretsManager(dbCredentials, 'password'),
    },
    logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'worker', logGroup: logGroup('ShippingWorkerLogs') }),
    user: '1000', // not root
    readonlyRootFilesystem: true,
    memoryLimitMiB: 512, // a hard limit per container
  });
  // (A service that runs the task in this VPC lets its security group reach the endpoint:
  // endpoint.allowFrom(service).)

  // ---- RDS: the parts of a compliant instance that have nothing to do with the secret ---------
  const dbKey = serviceKey(stack, 'DatabaseKey', 'Encrypts the storage of the shipping database');
  const monitoringRole = new ManagedPolicyRole(stack, 'DatabaseMonitoringRole', {
    assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com'),
    description: 'RDS Enhanced Monitoring of the shipping database',
  });
  // What AmazonRDSEnhancedMonitoringRole allows, on the one log group Enhanced Monitoring writes to.
  // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html
  const osMetrics = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: 'RDSOSMetrics', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  monitoringRole.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'EnhancedMonitoringLogs',
    actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams', 'logs:GetLogEvents'],
    resources: [osMetrics, `${osMetrics}:*`],
  }));

  // ---- RDS: master credentials by dynamic reference, resolved by CloudFormation
  const database = new rds.DatabaseInstance(stack, 'Database', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
    vpc,
    vpcSubnets: isolated,
    credentials: rds.Credentials.fromSecret(dbCredentials),
    storageEncrypted: true,
    storageEncryptionKey: dbKey,
    port: DATABASE_PORT, // not the engine's default
    iamAuthentication: true,
    multiAz: true,
    backupRetention: Duration.days(7),
    deletionProtection: true,
    autoMinorVersionUpgrade: true,
    cloudwatchLogsExports: ['postgresql', 'upgrade'],
    monitoringInterval: Duration.seconds(60),
    monitoringRole,
    removalPolicy: RemovalPolicy.SNAPSHOT,
  });
  // Enhanced Monitoring starts with the instance: its role's policy first.
  database.node.defaultChild!.node.addDependency(monitoringRole.policy);
  // (a literal port: the packs cannot check a rule whose port is the instance's Endpoint.Port attribute)
  database.connections.allowFrom(dbRotation, ec2.Port.tcp(DATABASE_PORT), 'PostgreSQL from the hosted rotation function');

  // Daily AWS Backup of the instance, 35 days, in a vault with its own key.
  const backupPlan = backup.BackupPlan.daily35DayRetention(stack, 'DatabaseBackupPlan', new backup.BackupVault(stack, 'DatabaseBackupVault', {
    encryptionKey: serviceKey(stack, 'BackupKey', 'Encrypts the backup vault of the shipping database'),
    removalPolicy: RemovalPolicy.RETAIN,
  }));
  const backupRole = new ManagedPolicyRole(stack, 'DatabaseBackupRole', {
    assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
    description: 'AWS Backup of the shipping database',
  });
  allowRdsInstanceBackup(backupRole, database, dbKey, backupPlan.backupVault);
  backupPlan.addSelection('Database', {
    resources: [backup.BackupResource.fromRdsDatabaseInstance(database)],
    role: backupRole,
    disableDefaultBackupPolicy: true, // AWSBackupServiceRolePolicyForBackup: AWS managed, every service
  });

  // ---- Batch: one BatchGetSecretValue call for both secrets
  const batchReader = new ManagedPolicyRole(stack, 'NightlyAudit', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'Nightly job that checks both secrets in one BatchGetSecretValue call',
  });
  HardenedSecret.grantBatchRead(batchReader, [dbCredentials, apiKey]);

  // ---- Acknowledgements: each on the exact L1 resource, never on the stack ------------------
  placeAcknowledgements(stack, ACKNOWLEDGEMENTS);

  return { app, stack, dbCredentials, apiKey, fn, fnRole, task, executionRole, database, batchReader, endpoint, backupRole };
}

/**
 * The RDS statements of the AWS managed policy AWSBackupServiceRolePolicyForBackup, for one
 * instance encrypted with `key` and one vault.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/security-iam-awsmanpol.html
 * @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSBackupServiceRolePolicyForBackup.html
 */
function allowRdsInstanceBackup(role: iam.IRole, database: rds.IDatabaseInstance, key: kms.IKey, vault: backup.IBackupVault): void {
  const stack = Stack.of(role);
  const snapshots = stack.formatArn({ service: 'rds', resource: 'snapshot', resourceName: 'awsbackup:*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'SnapshotTheInstance',
    actions: [
      'rds:AddTagsToResource', 'rds:ListTagsForResource', 'rds:DescribeDBSnapshots', 'rds:CreateDBSnapshot',
      'rds:CopyDBSnapshot', 'rds:DescribeDBInstances',
    ],
    resources: [database.instanceArn, snapshots],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'ManageBackupSnapshots',
    actions: ['rds:DeleteDBSnapshot', 'rds:ModifyDBSnapshotAttribute'],
    resources: [snapshots],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'UseTheVault',
    actions: ['backup:DescribeBackupVault', 'backup:CopyIntoBackupVault'],
    resources: [vault.backupVaultArn],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'DescribeTheInstanceKey',
    actions: ['kms:DescribeKey'],
    resources: [key.keyArn],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'GrantTheInstanceKeyToAwsServices',
    actions: ['kms:CreateGrant'],
    resources: [key.keyArn],
    conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'ResolveSelection',
    actions: ['tag:GetResources'],
    resources: ['*'],
  }));
}
