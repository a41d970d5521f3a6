import { App, CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DataClassification, HardenedSecret, SecretRotationPolicy } from '../src';

/** The id (and CloudFormation name) of the example stack. */
export const EXAMPLE_STACK_NAME = 'HardenedSecretsExample';

/** Why the payment API key has no rotation schedule (see `SecretRotationPolicy.none`). */
export const API_KEY_ROTATION_JUSTIFICATION =
  'the payment vendor API offers no key rotation endpoint; the key is rotated by hand every 90 days under ticket SEC-42';

/** One acknowledged validation rule on one construct of the example stack. */
export interface ExampleAcknowledgement {
  /** Construct path of the L1 resource the acknowledgement is placed on. */
  readonly path: string;
  /** The rule id (cdk-nag: with the finding in brackets for granular rules). */
  readonly rule: string;
  /** Why the finding is accepted. */
  readonly reason: string;
  /**
   * Who places it: `example` (buildExampleApp, from this list), `library`
   * (`SecretRotationPolicy.none`, from the justification) or `aws-cdk-lib` (its own cfn-lint
   * acknowledgements; they suppress no cdk-nag rule and are listed only to make the list complete).
   */
  readonly placedBy: 'example' | 'library' | 'aws-cdk-lib';
}

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
    reason:
      'This queue is the dead-letter queue of ApiClient (RedriveAllowPolicy marks it as one); a redrive policy on it would ' +
      'only move the same failed events to yet another queue. Messages are kept 14 days for inspection and redrive.',
    placedBy: 'example',
  },
  {
    path: `${EXAMPLE_STACK_NAME}/ApiClientRole/Policy/Resource`,
    rule: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'xray:PutTraceSegments, xray:PutTelemetryRecords (active tracing), ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets ' +
      '(Lambda VPC networking) support no resource-level permissions: the service authorization reference lists no ' +
      'resource type for them, so Resource must be "*".',
    placedBy: 'example',
  },
  {
    path: `${EXAMPLE_STACK_NAME}/ApiClientRole/Policy/Resource`,
    rule: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:eu-west-1:111111111111:network-interface/*]',
    reason:
      'Lambda creates and deletes the Hyperplane network interfaces of ApiClient with its execution role; their ids exist only ' +
      'at run time. The wildcard is limited to network interfaces of this account and region, and CreateNetworkInterface ' +
      'to the two isolated subnets and the function security group.',
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
 * A role whose permissions all go into one customer-managed policy (`<role>/Policy`) instead of
 * an inline `DefaultPolicy`: HIPAA, NIST 800-53 R5 and PCI DSS ask for managed policies
 * (IAMNoInlinePolicy), and AwsSolutions-IAM4 for no AWS managed ones.
 */
class ExplicitPolicyRole extends iam.Role {
  public readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: iam.RoleProps) {
    super(scope, id, props);
    // Attached from the policy side (`Roles`), so the policy may name the role's own ARN without a
    // cycle. Whatever depends on the role (the function, the flow log) depends on this child too.
    this.policy = new iam.ManagedPolicy(this, 'Policy', { roles: [this], description: props.description });
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
}

/**
 * A customer-managed key for an AWS service (logs, SQS): yearly rotation, and grants only for
 * AWS resources (Control Tower CT.KMS.PR.3).
 */
function serviceKey(scope: Construct, id: string, description: string): kms.Key {
  const key = new kms.Key(scope, id, {
    description,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyGrantsNotForAwsResources',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  return key;
}

/**
 * The example: a VPC without internet access, a database secret with hosted rotation, an API key
 * that cannot rotate, and a function that reads the API key. It passes the five cdk-nag packs and
 * the Control Tower proactive controls with the acknowledgements of `ACKNOWLEDGEMENTS` only.
 */
export function buildExampleApp(app: App = new App()): { app: App; stack: Stack } {
  const stack = new Stack(app, EXAMPLE_STACK_NAME, { env: { account: '111111111111', region: 'eu-west-1' } });
  const isolated: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

  // ---- Logging key and VPC ---------------------------------------------------------------
  const logsKey = serviceKey(stack, 'LogsKey', 'Encrypts the CloudWatch log groups of the HardenedSecretsExample stack');
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
  logsKey.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsOfThisAccount',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
    resources: ['*'],
    conditions: {
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` },
    },
  }));

  const flowLogGroup = new logs.LogGroup(stack, 'VpcFlowLogs', {
    retention: logs.RetentionDays.ONE_YEAR,
    encryptionKey: logsKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const flowLogRole = new ExplicitPolicyRole(stack, 'VpcFlowLogsRole', {
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
  flowLog.node.addDependency(flowLogRole);

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

  // ---- Secrets ----------------------------------------------------------------------------
  const dbRotation = secretsmanager.HostedRotation.postgreSqlSingleUser({ vpc, vpcSubnets: isolated });
  new HardenedSecret(stack, 'DatabaseSecret', {
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
  endpointSg.connections.allowFrom(dbRotation, ec2.Port.HTTPS, 'Secrets Manager API from the hosted rotation function');

  // The initial value is a random placeholder; the vendor's key is put in by hand (PutSecretValue).
  const apiKey = new HardenedSecret(stack, 'ApiKeySecret', {
    secretName: 'prod/orders/payment-api-key',
    environment: 'prod',
    owner: 'orders-team',
    dataClassification: DataClassification.CONFIDENTIAL,
    rotation: SecretRotationPolicy.none(API_KEY_ROTATION_JUSTIFICATION),
  });

  // ---- Function reading the API key ------------------------------------------------------
  const fnLogGroup = new logs.LogGroup(stack, 'ApiClientLogs', {
    retention: logs.RetentionDays.ONE_YEAR,
    encryptionKey: logsKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });

  const dlqKey = serviceKey(stack, 'DeadLetterKey', 'Encrypts the dead-letter queue of the ApiClient function');
  const dlq = new sqs.Queue(stack, 'ApiClientDeadLetters', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: dlqKey,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    // Marks the queue as a dead-letter queue (Control Tower CT.SQS.PR.1); allowAll is also
    // what SQS does without a RedriveAllowPolicy.
    redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
  });

  const fnSg = new ec2.SecurityGroup(stack, 'ApiClientSecurityGroup', {
    vpc,
    description: 'ApiClient function: HTTPS to the VPC endpoints only',
    allowAllOutbound: false,
  });
  endpointSg.connections.allowFrom(fnSg, ec2.Port.HTTPS, 'AWS APIs from ApiClient');

  const role = new ExplicitPolicyRole(stack, 'ApiClientRole', {
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
    environment: { API_KEY_SECRET_ARN: apiKey.secretArn },
  });
  apiKey.grantRead(fn);
  fnLogGroup.grantWrite(role);
  // Lambda sends failed events to the KMS-encrypted queue with the execution role.
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resources: [dlqKey.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `sqs.${stack.region}.amazonaws.com` } },
  }));
  // What AWSLambdaVPCAccessExecutionRole gives, scoped to this account, region, subnets and group.
  // https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions
  const ec2Arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'ec2', resource, resourceName });
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'CreateFunctionNetworkInterfaces',
    actions: ['ec2:CreateNetworkInterface'],
    resources: [
      ec2Arn('network-interface', '*'),
      ...vpc.selectSubnets(isolated).subnetIds.map((id) => ec2Arn('subnet', id)),
      ec2Arn('security-group', fnSg.securityGroupId),
    ],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'ManageFunctionNetworkInterfaces',
    actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
    resources: [ec2Arn('network-interface', '*')],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'DescribeNetwork',
    actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
    resources: ['*'],
  }));

  // ---- Acknowledgements: each on the exact L1 resource, never on the stack ------------------
  for (const ack of ACKNOWLEDGEMENTS.filter((a) => a.placedBy === 'example')) {
    Validations.of(l1Resource(stack, ack.path)).acknowledge({ id: ack.rule, reason: ack.reason });
  }

  return { app, stack };
}

/** The CloudFormation resource at `path` below `stack`; throws if there is none. */
function l1Resource(stack: Stack, path: string): CfnResource {
  const found = stack.node.findAll().find((c) => c.node.path === path);
  if (!found || !CfnResource.isCfnResource(found)) {
    throw new Error(`acknowledgement target ${path} is not a CloudFormation resource of ${stack.node.path}`);
  }
  return found;
}
