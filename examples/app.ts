import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DataClassification, HardenedSecret, SecretAccessMonitor, SecretRotationPolicy } from '../src';
import { ExampleAcknowledgement, placeAcknowledgements } from './shared/acknowledgements';
import { allowDeadLetterQueueKey, deadLetterQueue, deadLetterQueueRedriveReason } from './shared/dead-letter-queue';
import { grantLambdaVpcAccess, networkInterfaceWildcardReason, TRACED_VPC_FUNCTION_WILDCARD_REASON } from './shared/lambda-vpc-access';
import { ManagedPolicyRole } from './shared/managed-policy-role';
import { logGroupKey } from './shared/service-key';

/** The id (and CloudFormation name) of the example stack. */
export const EXAMPLE_STACK_NAME = 'HardenedSecretsExample';

/** Why the payment API key has no rotation schedule (see `SecretRotationPolicy.none`). */
export const API_KEY_ROTATION_JUSTIFICATION =
  'the payment vendor API offers no key rotation endpoint; the key is rotated by hand every 90 days under ticket SEC-42';

export type { ExampleAcknowledgement };

const DEFAULT_SG_REASON =
  'The default security group of this VPC is attached to nothing: every network interface in the stack (ApiClient, the ' +
  'hosted rotation function, the interface endpoints) has its own group. Closing it in the template needs ' +
  'restrictDefaultSecurityGroup, whose Custom::VpcRestrictDefaultSG provider is a Lambda function outside any VPC, which ' +
  'Control Tower CT.LAMBDA.PR.3 forbids. Close default groups outside the stack instead, e.g. with the automated ' +
  'remediation of Security Hub control EC2.2.';

/**
 * Every acknowledgement in the example stack, with the exact resource, rule and reason.
 * `buildExampleApp` applies the `example` ones from this list; the test checks that the
 * construct tree holds exactly these.
 */
export const ACKNOWLEDGEMENTS: readonly ExampleAcknowledgement[] = [
  ...([
    'AwsSolutions-SMG4',
    'HIPAA.Security-SecretsManagerRotationEnabled',
    'NIST.800.53.R5-SecretsManagerRotationEnabled',
    'HardenedSecrets-SecretRotationConfigured',
  ] as const)
    .map((rule): ExampleAcknowledgement => ({
      path: `${EXAMPLE_STACK_NAME}/ApiKeySecret/Resource`,
      rule,
      reason: `Rotation waived: ${API_KEY_ROTATION_JUSTIFICATION}`,
      placedBy: 'library',
    })),
  {
    path: `${EXAMPLE_STACK_NAME}/ApiClientDeadLetters/Resource`,
    rule: 'Serverless-SQSRedrivePolicy',
    reason: deadLetterQueueRedriveReason('ApiClient'),
    placedBy: 'example',
  },
  {
    path: `${EXAMPLE_STACK_NAME}/ApiClientRole/Policy/Resource`,
    rule: 'AwsSolutions-IAM5[Resource::*]',
    reason: TRACED_VPC_FUNCTION_WILDCARD_REASON,
    placedBy: 'example',
  },
  {
    path: `${EXAMPLE_STACK_NAME}/ApiClientRole/Policy/Resource`,
    rule: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:eu-west-1:111111111111:network-interface/*]',
    reason: networkInterfaceWildcardReason('ApiClient', 'the two isolated subnets'),
    placedBy: 'example',
  },
  ...(['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'] as const).map((pack): ExampleAcknowledgement => ({
    path: `${EXAMPLE_STACK_NAME}/Vpc/Resource`,
    rule: `${pack}-VPCDefaultSecurityGroupClosed`,
    reason: DEFAULT_SG_REASON,
    placedBy: 'example',
  })),
  // Placed by aws-cdk-lib 2.276 itself (core Stack and ec2.FlowLog), for the cfn-lint validation plugin.
  {
    path: EXAMPLE_STACK_NAME,
    rule: 'CloudFormation-Validate::W3010',
    reason: 'Literal AZs in template are the result of accessing stack.availabilityZones, this is expected and safe',
    placedBy: 'aws-cdk-lib',
  },
  ...(['F3002', 'F3003'] as const).map((code): ExampleAcknowledgement => ({
    path: `${EXAMPLE_STACK_NAME}/Vpc/FlowLog`,
    rule: `CloudFormation-Validate::${code}`,
    reason: 'AWS::EC2::FlowLog DestinationOptions accepts properties in camelCase, even they are listed as PascalCase in the spec',
    placedBy: 'aws-cdk-lib',
  })),
];

/**
 * The example: a VPC without internet access, a database secret with hosted rotation, an API key
 * that cannot rotate, and a function that reads the API key. It passes the five cdk-nag packs and
 * the Control Tower proactive controls with the acknowledgements of `ACKNOWLEDGEMENTS` only.
 */
export function buildExampleApp(app: App = new App()): { app: App; stack: Stack } {
  const stack = new Stack(app, EXAMPLE_STACK_NAME, { env: { account: '111111111111', region: 'eu-west-1' } });
  const isolated: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

  // ---- Logging key and VPC ---------------------------------------------------------------
  const logsKey = logGroupKey(stack, 'LogsKey', 'Encrypts the CloudWatch log groups of the HardenedSecretsExample stack');

  const flowLogGroup = new logs.LogGroup(stack, 'VpcFlowLogs', {
    retention: logs.RetentionDays.ONE_YEAR,
    encryptionKey: logsKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const flowLogRole = new ManagedPolicyRole(stack, 'VpcFlowLogsRole', {
    assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com'),
    description: 'Delivers the flow logs of the example VPC to CloudWatch Logs',
  });

  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    restrictDefaultSecurityGroup: false, // see DEFAULT_SG_REASON
  });
  const flowLog = vpc.addFlowLog('FlowLog', {
    destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup, flowLogRole),
    trafficType: ec2.FlowLogTrafficType.ALL,
  });
  // The role's managed policy must exist before delivery starts.
  flowLog.node.addDependency(flowLogRole.policy);

  // The subnets have no route to the internet: AWS APIs are reached through interface endpoints.
  const endpointSg = new ec2.SecurityGroup(stack, 'EndpointSecurityGroup', {
    vpc,
    description: 'Interface endpoints of the example VPC; HTTPS from the rotation function and ApiClient only',
    allowAllOutbound: false,
  });
  for (const [id, service] of [
    ['SecretsManagerEndpoint', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
    ['XRayEndpoint', ec2.InterfaceVpcEndpointAwsService.XRAY],
  ] as const) {
    vpc.addInterfaceEndpoint(id, { service, subnets: isolated, securityGroups: [endpointSg], open: false });
  }

  // ---- Monitoring: alarms on the log group the organisation trail delivers to --------------
  const monitor = new SecretAccessMonitor(stack, 'SecretAccessMonitor', {
    cloudTrailLogGroup: logs.LogGroup.fromLogGroupName(stack, 'OrganisationTrail', 'aws-controltower/CloudTrailLogs'),
  });

  // ---- Secrets ----------------------------------------------------------------------------
  const dbRotation = secretsmanager.HostedRotation.postgreSqlSingleUser({ vpc, vpcSubnets: isolated });
  const databaseSecret = new HardenedSecret(stack, 'DatabaseSecret', {
    secretName: 'prod/orders/database',
    environment: 'prod',
    owner: 'orders-team',
    dataClassification: DataClassification.RESTRICTED,
    generateSecretString: {
      secretStringTemplate: JSON.stringify({ username: 'orders' }),
      generateStringKey: 'password',
      excludePunctuation: true,
    },
    rotation: SecretRotationPolicy.hosted(dbRotation),
  });
  monitor.watch(databaseSecret);
  endpointSg.connections.allowFrom(dbRotation, ec2.Port.HTTPS, 'Secrets Manager API from the hosted rotation function');

  // The initial value is a random placeholder; the vendor's key is put in by hand (PutSecretValue).
  const apiKey = new HardenedSecret(stack, 'ApiKeySecret', {
    secretName: 'prod/orders/payment-api-key',
    environment: 'prod',
    owner: 'orders-team',
    dataClassification: DataClassification.CONFIDENTIAL,
    rotation: SecretRotationPolicy.none(API_KEY_ROTATION_JUSTIFICATION),
  });
  monitor.watch(apiKey);

  // ---- Function reading the API key ------------------------------------------------------
  const fnLogGroup = new logs.LogGroup(stack, 'ApiClientLogs', {
    retention: logs.RetentionDays.ONE_YEAR,
    encryptionKey: logsKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });

  const { queue: dlq, key: dlqKey } = deadLetterQueue(stack, 'ApiClientDeadLetters', 'DeadLetterKey', 'ApiClient');

  const fnSg = new ec2.SecurityGroup(stack, 'ApiClientSecurityGroup', {
    vpc,
    description: 'ApiClient function: HTTPS to the VPC endpoints only',
    allowAllOutbound: false,
  });
  endpointSg.connections.allowFrom(fnSg, ec2.Port.HTTPS, 'AWS APIs from ApiClient');

  const role = new ManagedPolicyRole(stack, 'ApiClientRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'Execution role of the ApiClient function',
  });

  const fn = new lambda.Function(stack, 'ApiClient', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline([
      "const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');",
      'const client = new SecretsManagerClient({});',
      'exports.handler = async () => {',
      '  const out = await client.send(new GetSecretValueCommand({ SecretId: process.env.API_KEY_SECRET_ARN }));',
      '  // Use out.SecretString to call the vendor API; never log it.',
      "  return { ok: typeof out.SecretString === 'string' };",
      '};',
    ].join('\n')),
    role,
    vpc,
    vpcSubnets: isolated,
    securityGroups: [fnSg],
    memorySize: 256,
    timeout: Duration.seconds(10),
    reservedConcurrentExecutions: 5,
    deadLetterQueue: dlq,
    tracing: lambda.Tracing.ACTIVE,
    logGroup: fnLogGroup,
  });
  // Read access to AWSCURRENT, and the secret's ARN (never its value) in API_KEY_SECRET_ARN.
  apiKey.grantToFunction(fn, { environmentVariable: 'API_KEY_SECRET_ARN' });
  fnLogGroup.grantWrite(role);
  allowDeadLetterQueueKey(role, dlqKey);
  grantLambdaVpcAccess(role, vpc.selectSubnets(isolated).subnetIds, fnSg);

  // ---- Acknowledgements: each on the exact L1 resource, never on the stack ------------------
  placeAcknowledgements(stack, ACKNOWLEDGEMENTS);

  return { app, stack };
}
