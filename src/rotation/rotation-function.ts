import * as fs from 'fs';
import * as path from 'path';
import { Annotations, Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { RandomValueRotationFunction } from './random-value-rotation-function';
import { arnPrefixLength, IAM_QUOTAS, ReplicaRotationGrants, RotationGrants, secretArnLength } from './rotation-grants';
import { allowedClasses, MAX_PASSWORD_LENGTH } from './runtime/password-policy';
import { PasswordPolicyOptions } from './runtime/password-policy-options';
import { RANDOM_VALUE_ENV } from './runtime/random-value-rotator';
import { SecretsManagerEndpoint } from '../network/secrets-manager-endpoint';
import { acknowledge } from '../private/acknowledgements';
import { DEFAULTS } from '../private/defaults';
import { esbuildAvailable } from '../private/esbuild';
import { denyGrantsNotForAwsResources } from '../private/kms';
import { FUNCTION_ACKNOWLEDGEMENTS, NETWORK_INTERFACE_REASON, UNSCOPED_ACTIONS_REASON } from '../private/rotation-acknowledgements';
import { futurePath, isResolved, PropsValidator } from '../private/validation';

/**
 * What every rotation function takes: placement, limits and logging.
 */
export interface RotationFunctionOptions {
  /**
   * The VPC the function runs in.
   *
   * Required: AWS Control Tower's proactive control CT.LAMBDA.PR.3 (and the HIPAA, NIST 800-53 and
   * PCI DSS packs of cdk-nag) require every Lambda function to run in a customer-managed VPC.
   * The function reaches Secrets Manager through the VPC's Secrets Manager interface endpoint
   * (`secretsManagerEndpoint`, or the one already made for the VPC in this app).
   *
   * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotation-network-rotation.html
   */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of `vpc` the function runs in.
   *
   * @default - the private subnets of the VPC (isolated subnets when it has no private ones)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The security groups of the function. Your groups are used as they are: they must allow
   * HTTPS to Secrets Manager.
   *
   * @default - a new group that allows only outbound HTTPS: to the Secrets Manager endpoint, or
   * to any address when there is none
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The Secrets Manager interface endpoint of `vpc`. The function is allowed to reach it on port
   * 443 (an ingress rule on the endpoint's security groups, an egress rule on the function's).
   *
   * Give it when the endpoint is not made in this app (an imported endpoint). Without private DNS
   * on that endpoint the function would not use it.
   *
   * No endpoint is ever created for you: a VPC may already have one made outside the app, and a
   * second one with private DNS fails to deploy. Call `SecretsManagerEndpoint.of(vpc)` before
   * creating the function to make one.
   *
   * @default - the VPC's Secrets Manager endpoint made in this app before the function (a
   * `SecretsManagerEndpoint`, or one made with `vpc.addInterfaceEndpoint`); with none, the function
   * reaches Secrets Manager through the VPC's routes, and a warning
   * (`cdk-hardened-secrets:rotation-function-endpoint`) says so
   */
  readonly secretsManagerEndpoint?: ec2.IInterfaceVpcEndpoint;

  /**
   * How many instances of the function may run at once.
   *
   * One rotation of one secret is serial (Secrets Manager calls createSecret, setSecret,
   * testSecret and finishSecret one after the other), so 1 is enough for a function that rotates
   * one secret, and caps what a runaway function can do. Raise it to the number of secrets that
   * may rotate at the same time when one function rotates several: a throttled step fails that
   * rotation, which Secrets Manager then retries. A warning is added when more secrets than this
   * use the function.
   *
   * The reservation comes out of the account's concurrency: the account must keep at least 100
   * (10 in new accounts) unreserved.
   *
   * @default 1
   * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
   */
  readonly reservedConcurrentExecutions?: number;

  /**
   * How long one rotation step may run, from 1 second to 15 minutes.
   *
   * A step of the built-in rotator makes two or three Secrets Manager calls; 30 seconds leaves
   * room for a cold start in a VPC and for a user rotator that logs in to a database or API.
   *
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;

  /**
   * The memory of the function in MiB, from 128 to 10240. CPU is allocated in proportion.
   *
   * @default 256
   */
  readonly memorySize?: number;

  /**
   * How long the function's logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The KMS key that encrypts the function's log group. Its key policy must let CloudWatch Logs
   * of this region use it.
   *
   * @default - a new key with yearly rotation, usable by CloudWatch Logs for the log groups of
   * this account and region only
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * A description of the function.
   *
   * @default 'Rotates AWS Secrets Manager secrets (cdk-hardened-secrets)'
   */
  readonly description?: string;
}

/** Lambda's limit on a function's resource-based policy. */
const LAMBDA_POLICY_MAX_BYTES = 20_480;
/**
 * One invoke permission statement without its Sid, function ARN and secret ARN:
 * `{"Sid":"","Effect":"Allow","Principal":{"Service":"secretsmanager.amazonaws.com"},"Action":"lambda:InvokeFunction",
 * "Resource":"","Condition":{"StringEquals":{"AWS:SourceAccount":"<12>"},"ArnLike":{"AWS:SourceArn":""}}}`.
 */
const PERMISSION_STATEMENT_OVERHEAD =
  '{"Sid":"","Effect":"Allow","Principal":{"Service":"secretsmanager.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"","Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012"},"ArnLike":{"AWS:SourceArn":""}}}'.length;

/**
 * Properties of the built-in rotation function, which rotates a secret (or one field of a JSON
 * secret) to a new random value.
 */
export interface RotationFunctionProps extends RotationFunctionOptions {
  /**
   * How the new value is generated.
   *
   * @default - 32 characters of every class, at least one of each
   */
  readonly passwordPolicy?: PasswordPolicyOptions;

  /**
   * When the secret is a JSON object, the field to rotate; the other fields are kept.
   *
   * @default - the whole secret value is replaced
   */
  readonly field?: string;
}

/**
 * Properties of a rotation function built from your own rotator module.
 */
export interface RotationFunctionFromEntryProps extends RotationFunctionOptions {
  /**
   * The path of your rotator module (`.ts` or `.js`). It exports `handler`, made with
   * `createRotationHandler` from `cdk-hardened-secrets/lib/rotation/runtime`.
   *
   * The module is bundled at synth time by the esbuild installed in your project (`npm install
   * --save-dev esbuild`), never in Docker; the AWS SDK v3 is left out of the bundle because the
   * Node.js 22 runtime provides it.
   */
  readonly entry: string;

  /**
   * The name of the exported handler.
   *
   * @default 'handler'
   */
  readonly handler?: string;

  /**
   * Environment variables of the function. Never put a credential here: pass secret ARNs and
   * read them at run time.
   *
   * @default - none
   */
  readonly environment?: { [key: string]: string };
}

/** The runtime the rotation runtime is built for (projen bundles it with `--target=node22`). */
const RUNTIME = lambda.Runtime.NODEJS_22_X;

/** Defaults of `RotationFunction`, documented at the props. */
const FUNCTION_DEFAULTS = {
  reservedConcurrentExecutions: 1,
  timeout: Duration.seconds(30),
  memorySize: 256,
  logRetention: logs.RetentionDays.ONE_YEAR,
  description: 'Rotates AWS Secrets Manager secrets (cdk-hardened-secrets)',
} as const;

/**
 * Actions the rotation function's role needs on `Resource: "*"`, because they support no
 * resource-level permission (the Service Authorization Reference lists no resource type for
 * them). They go into a policy of their own, the only one with the `AwsSolutions-IAM5`
 * acknowledgement, so that any other wildcard added to the role is still reported.
 */
const UNSCOPED_ACTIONS = [
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
  'secretsmanager:GetRandomPassword',
  // Active tracing. https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  // Lambda VPC networking. https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
];

/** The network-interface actions Lambda performs with the execution role in a VPC. */
const NETWORK_INTERFACE_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/**
 * A Lambda function that rotates Secrets Manager secrets, with the hardening the compliance
 * packs ask for:
 *
 * - Node.js 22, code bundled at build time (the built-in rotator) or at synth time by local
 *   esbuild (`fromEntry`), with the AWS SDK v3 of the runtime left out of the bundle;
 * - its own role, without AWS managed policies: logs of its own log group, X-Ray, the network
 *   interfaces of its VPC, and `GetRandomPassword`; each secret it rotates adds read, write and
 *   key use for that secret only (`SecretRotationPolicy.custom`);
 * - in a VPC, with a security group that only allows HTTPS out;
 * - reserved concurrency, active tracing, a KMS-encrypted log group with retention.
 *
 * Wire it to a secret with `SecretRotationPolicy.custom(fn)`.
 *
 * @example
 * const fn = new RotationFunction(this, 'TokenRotation', { vpc, passwordPolicy: { passwordLength: 48, excludePunctuation: true } });
 * new HardenedSecret(this, 'Token', { rotation: SecretRotationPolicy.custom(fn) });
 */
export class RotationFunction extends Construct implements iam.IGrantable, ec2.IConnectable {
  /**
   * A rotation function built from your rotator module, bundled at synth time by the esbuild of
   * your project (no Docker). Synth fails with an explanation when esbuild is not installed.
   *
   * @param scope the parent construct
   * @param id the construct id
   * @param props the module and the function options
   */
  public static fromEntry(scope: Construct, id: string, props: RotationFunctionFromEntryProps): RotationFunction {
    return new RotationFunction(scope, id, props);
  }

  /** The Lambda function. */
  public readonly function: lambda.IFunction;

  /** The ARN of the function. */
  public readonly functionArn: string;

  /** The execution role of the function. */
  public readonly role: iam.IRole;

  /** The principal to grant further permissions to (the execution role). */
  public readonly grantPrincipal: iam.IPrincipal;

  /** The log group of the function. */
  public readonly logGroup: logs.ILogGroup;

  /** The security groups of the function. */
  public readonly connections: ec2.Connections;

  /**
   * The Secrets Manager interface endpoint the function reaches Secrets Manager through; undefined
   * when it has none (it then uses the VPC's routes).
   */
  public readonly secretsManagerEndpoint?: ec2.IInterfaceVpcEndpoint;

  /** How many instances of the function may run at once. */
  public readonly reservedConcurrentExecutions: number;

  private readonly executionRole: RotationRole;
  private readonly rotatedSecrets: secretsmanager.ISecret[] = [];
  private readonly grants = new Set<RotationGrants>();

  constructor(scope: Construct, id: string, props: RotationFunctionProps) {
    const entryProps = props as Partial<RotationFunctionFromEntryProps>;
    const entry = validateRotationFunctionProps(futurePath(scope, id), props, entryProps);
    super(scope, id);

    const stack = Stack.of(this);
    this.reservedConcurrentExecutions = props.reservedConcurrentExecutions ?? FUNCTION_DEFAULTS.reservedConcurrentExecutions;

    this.executionRole = new RotationRole(this, 'Role');
    this.role = this.executionRole;
    this.grantPrincipal = this.executionRole;

    const logKey = props.logEncryptionKey ?? logsKey(this, 'LogKey');
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? FUNCTION_DEFAULTS.logRetention,
      encryptionKey: logKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.logGroup = logGroup;
    // What AWSLambdaBasicExecutionRole gives, for this log group only.
    logGroup.grantWrite(this.executionRole);

    const ownGroup = props.securityGroups === undefined
      ? new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: props.vpc,
        description: `Rotation function ${Names.uniqueId(this)}: outbound HTTPS only`,
        allowAllOutbound: false,
      })
      : undefined;
    const securityGroups = props.securityGroups ?? [ownGroup!];
    this.connections = new ec2.Connections({ securityGroups });
    // Secret values stay in the VPC and rotation does not depend on a NAT gateway: the function
    // reaches Secrets Manager only through the endpoint (private DNS resolves the public name to it).
    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/vpc-endpoint-overview.html
    // The endpoint is found, never created: creating one in a VPC that has one made outside the
    // app would fail to deploy (a second private DNS domain).
    this.secretsManagerEndpoint = props.secretsManagerEndpoint ?? SecretsManagerEndpoint._find(props.vpc);
    if (this.secretsManagerEndpoint !== undefined) {
      SecretsManagerEndpoint._allow(this.secretsManagerEndpoint, this, `Secrets Manager API from rotation function ${this.node.path}`);
    } else {
      ownGroup?.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to Secrets Manager through the VPC routes');
      Annotations.of(this).addWarningV2('cdk-hardened-secrets:rotation-function-endpoint',
        `${this.node.path} has no Secrets Manager interface endpoint in its VPC (none given as secretsManagerEndpoint, none made ` +
        'for the VPC in this app before it): it reaches Secrets Manager through the VPC\'s routes (a NAT gateway), or not at all ' +
        'in subnets without internet access. Call SecretsManagerEndpoint.of(vpc) before creating the function, or pass ' +
        'secretsManagerEndpoint (an endpoint made outside the app).');
    }

    const functionOptions: lambda.FunctionOptions = {
      description: props.description ?? FUNCTION_DEFAULTS.description,
      role: this.executionRole,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups,
      reservedConcurrentExecutions: this.reservedConcurrentExecutions,
      timeout: props.timeout ?? FUNCTION_DEFAULTS.timeout,
      memorySize: props.memorySize ?? FUNCTION_DEFAULTS.memorySize,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
    };

    let fn: lambda.Function;
    if (entry !== undefined) {
      fn = new nodejs.NodejsFunction(this, 'Function', {
        ...functionOptions,
        entry,
        handler: entryProps.handler ?? 'handler',
        runtime: RUNTIME,
        environment: entryProps.environment,
        bundling: {
          // The Node.js 22 runtime provides SDK v3; bundling it would only grow the function.
          externalModules: ['@aws-sdk/*'],
          forceDockerBundling: false,
          minify: true,
          target: 'node22',
        },
      });
    } else {
      fn = new RandomValueRotationFunction(this, 'Function', {
        ...functionOptions,
        environment: builtInEnvironment(props),
      });
    }
    this.function = fn;
    this.functionArn = fn.functionArn;

    // Permissions without a resource-level scope, in the unscoped policy (see UNSCOPED_ACTIONS).
    this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'GenerateRandomValues',
      actions: ['secretsmanager:GetRandomPassword'],
      resources: ['*'],
    }));
    this.addNetworkPermissions(stack, props.vpc, props.vpcSubnets, securityGroups);

    const cfnFunction = fn.node.defaultChild as lambda.CfnFunction;
    for (const { rule, reason } of FUNCTION_ACKNOWLEDGEMENTS) {
      acknowledge(cfnFunction, rule, reason);
    }
    const unscoped = this.executionRole.unscopedPolicy.node.defaultChild!;
    acknowledge(unscoped, 'AwsSolutions-IAM5[Resource::*]', UNSCOPED_ACTIONS_REASON);
    acknowledge(unscoped, `AwsSolutions-IAM5[Resource::${networkInterfaceArnForNag(stack)}]`, NETWORK_INTERFACE_REASON);

    this.node.addValidation({ validate: () => this.validateConcurrency() });
    this.node.addValidation({ validate: () => this.validateRolePolicies() });
    this.node.addValidation({ validate: () => this.validateResourcePolicySize() });
  }

  /**
   * Lets Secrets Manager invoke this function to rotate `secret`, and gives the function what
   * rotating it needs. Called by `SecretRotationPolicy.custom` with the secret's rotation schedule.
   *
   * Everything made for one secret lives in the secret's stack (under `schedule`, and in the
   * `RotationGrants` of that stack), so a function in a shared stack can rotate secrets of other
   * stacks: their stacks depend on this one (function ARN, role name), never the other way round.
   *
   * @param replicas the grants that follow the secret's replica keys, when it has replicas
   * @returns what the schedule must wait for: the invoke permission and the policy with the grants
   * @internal
   */
  public _bindSecret(secret: secretsmanager.ISecret, schedule: Construct, replicas?: ReplicaRotationGrants): Construct[] {
    const stack = Stack.of(secret);
    const own = Stack.of(this);
    if (own.account !== stack.account || own.region !== stack.region) {
      // Otherwise aws-cdk-lib fails later on the cross-environment reference, without saying why.
      const v = new PropsValidator(secret);
      v.fail('rotation (SecretRotationPolicy.custom function)', this.node.path,
        `a RotationFunction of the secret's account and region (${stack.account}, ${stack.region}), in any stack: the function is ` +
        `in ${own.account}, ${own.region}, and stacks reference each other's function ARN and role name only within one environment`);
      v.throwIfInvalid();
    }
    this.rotatedSecrets.push(secret);
    // The confused-deputy guard: Secrets Manager may invoke the function only for this secret
    // of this account.
    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html
    const permission = new lambda.CfnPermission(schedule, 'InvokePermission', {
      functionName: this.functionArn,
      action: 'lambda:InvokeFunction',
      principal: 'secretsmanager.amazonaws.com',
      sourceAccount: stack.account,
      sourceArn: secret.secretArn,
    });
    const grants = RotationGrants.of(this, this.executionRole, secret);
    this.grants.add(grants);
    return [permission, grants.grant(secret, replicas)];
  }

  /**
   * The role's own two policies and the grants policies of every stack count against the quota
   * of managed policies attached to a role: 10 by default, at most 20.
   *
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
   */
  private validateRolePolicies(): string[] {
    const grants = [...this.grants];
    const count = 2 + grants.reduce((n, g) => n + g.policyCount, 0);
    const where = `${count} managed policies attached to its role (its own 2, and the rotation grants in ${grants.map((g) => g.node.path).join(', ')})`;
    if (count > IAM_QUOTAS.rolePoliciesMax) {
      return [
        `${where}: IAM allows at most ${IAM_QUOTAS.rolePoliciesMax} managed policies per role ` +
        '(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). Rotate the secrets of some stacks with another RotationFunction.',
      ];
    }
    if (count > IAM_QUOTAS.rolePoliciesDefault) {
      Annotations.of(this).addWarningV2(
        'cdk-hardened-secrets:rotation-function-role-policies',
        `${where}: the default IAM quota is ${IAM_QUOTAS.rolePoliciesDefault} managed policies per role. Request an increase of ` +
        `"Managed policies per role" (up to ${IAM_QUOTAS.rolePoliciesMax}) before deploying, or rotate the secrets of some stacks with another RotationFunction.`,
      );
    }
    return [];
  }

  /**
   * Each rotated secret adds an invoke permission, a statement of the function's resource-based
   * policy, which Lambda limits to 20 KB (not adjustable): past it, the deployment fails.
   *
   * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
   */
  private validateResourcePolicySize(): string[] {
    const own = Stack.of(this);
    const functionArn = arnPrefixLength(own, 'lambda') + 'function:'.length + 64;
    let length = '{"Version":"2012-10-17","Id":"default","Statement":[]}'.length;
    for (const secret of this.rotatedSecrets) {
      const stack = Stack.of(secret);
      // CloudFormation names the statement after the permission's physical id:
      // <stack name>-<logical id>-<suffix>, at most 256 characters.
      const sid = Math.min(256, (Token.isUnresolved(stack.stackName) ? 128 : stack.stackName.length) + 64 + 14);
      length += PERMISSION_STATEMENT_OVERHEAD + sid + functionArn + secretArnLength(stack, secret) + 1;
    }
    if (length > LAMBDA_POLICY_MAX_BYTES) {
      return [
        `${this.rotatedSecrets.length} secrets rotate with this function: their invoke permissions make its resource-based policy ` +
        `up to ${length} bytes, and Lambda allows ${LAMBDA_POLICY_MAX_BYTES} (not adjustable; ` +
        'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). Rotate some of the secrets with another RotationFunction.',
      ];
    }
    return [];
  }

  private validateConcurrency(): string[] {
    if (this.rotatedSecrets.length > this.reservedConcurrentExecutions) {
      Annotations.of(this).addWarningV2(
        'cdk-hardened-secrets:rotation-function-concurrency',
        `${this.rotatedSecrets.length} secrets rotate with this function but reservedConcurrentExecutions is ` +
        `${this.reservedConcurrentExecutions}: secrets that rotate at the same time are throttled and their rotation ` +
        'retried. Raise reservedConcurrentExecutions to the number of secrets that may rotate at once.',
      );
    }
    return [];
  }

  /**
   * What AWSLambdaVPCAccessExecutionRole gives, limited to this account, region, subnets and
   * security groups.
   *
   * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions
   */
  private addNetworkPermissions(stack: Stack, vpc: ec2.IVpc, subnets: ec2.SubnetSelection | undefined, groups: ec2.ISecurityGroup[]): void {
    const ec2Arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'ec2', resource, resourceName });
    const networkInterfaces = ec2Arn('network-interface', '*');
    this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'CreateFunctionNetworkInterfaces',
      actions: ['ec2:CreateNetworkInterface'],
      resources: [
        networkInterfaces,
        ...vpc.selectSubnets(subnets).subnetIds.map((subnetId) => ec2Arn('subnet', subnetId)),
        ...groups.map((group) => ec2Arn('security-group', group.securityGroupId)),
      ],
    }));
    this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ManageFunctionNetworkInterfaces',
      actions: NETWORK_INTERFACE_ACTIONS.filter((a) => a !== 'ec2:CreateNetworkInterface'),
      resources: [networkInterfaces],
    }));
    this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'DescribeNetwork',
      actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
      resources: ['*'],
    }));
  }
}

/**
 * The execution role: every statement goes into one of two customer-managed policies (HIPAA,
 * NIST 800-53 and PCI DSS ask for no inline policies, AwsSolutions-IAM4 for no AWS managed ones):
 * `Policy` for statements on named resources, `UnscopedPolicy` for the actions that only work
 * on `*` and the function's network interfaces. What it may do on the secrets it rotates is in
 * the `RotationGrants` policies of the secrets' stacks.
 */
class RotationRole extends iam.Role {
  public readonly scopedPolicy: iam.ManagedPolicy;
  public readonly unscopedPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string) {
    super(scope, id, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Execution role of a Secrets Manager rotation function',
    });
    // Attached from the policy side (`Roles`), so the policies may name resources that depend on
    // the role without a cycle. Whatever depends on the role depends on these children too.
    this.scopedPolicy = new iam.ManagedPolicy(this, 'Policy', {
      roles: [this],
      description: 'Rotation function: its log group',
    });
    this.unscopedPolicy = new iam.ManagedPolicy(this, 'UnscopedPolicy', {
      roles: [this],
      description: 'Rotation function: actions without resource-level permissions, and its network interfaces',
    });
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    const json = statement.toStatementJson() as { Resource?: unknown; Action?: unknown };
    const resources = [json.Resource].flat();
    const actions = [json.Action].flat() as string[];
    const unscoped =
      (resources.length === 1 && resources[0] === '*' && actions.every((a) => UNSCOPED_ACTIONS.includes(a))) ||
      actions.every((a) => NETWORK_INTERFACE_ACTIONS.includes(a));
    const policy = unscoped ? this.unscopedPolicy : this.scopedPolicy;
    policy.addStatements(statement);
    return { statementAdded: true, policyDependable: policy };
  }
}

/**
 * A key for the function's log group: yearly rotation, usable by CloudWatch Logs for the log
 * groups of this account and region only, grants only for AWS resources (Control Tower CT.KMS.PR.3).
 */
function logsKey(scope: Construct, id: string): kms.Key {
  const stack = Stack.of(scope);
  const key = new kms.Key(scope, id, {
    description: 'Encrypts the log group of a Secrets Manager rotation function',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
    pendingWindow: DEFAULTS.keyPendingWindow,
  });
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsOfThisAccount',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
    resources: ['*'],
    conditions: {
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` },
    },
  }));
  key.addToResourcePolicy(denyGrantsNotForAwsResources());
  return key;
}

/** The environment variables of the built-in rotator (read by `RandomValueRotator.fromEnvironment`). */
function builtInEnvironment(props: RotationFunctionProps): { [key: string]: string } {
  const policy = props.passwordPolicy ?? {};
  const values: Array<[string, string | number | boolean | undefined]> = [
    [RANDOM_VALUE_ENV.passwordLength, policy.passwordLength],
    [RANDOM_VALUE_ENV.excludeCharacters, policy.excludeCharacters],
    [RANDOM_VALUE_ENV.excludePunctuation, policy.excludePunctuation],
    [RANDOM_VALUE_ENV.excludeNumbers, policy.excludeNumbers],
    [RANDOM_VALUE_ENV.excludeUppercase, policy.excludeUppercase],
    [RANDOM_VALUE_ENV.excludeLowercase, policy.excludeLowercase],
    [RANDOM_VALUE_ENV.requireEachIncludedType, policy.requireEachIncludedType],
    [RANDOM_VALUE_ENV.field, props.field],
  ];
  const env: { [key: string]: string } = {};
  for (const [name, value] of values) {
    if (value !== undefined && value !== '') {
      env[name] = String(value);
    }
  }
  return env;
}

/**
 * How cdk-nag writes the network-interface ARN in its finding id: pseudo parameters that are
 * not known at synth time as `<AWS::Name>`.
 */
function networkInterfaceArnForNag(stack: Stack): string {
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  return `arn:<AWS::Partition>:ec2:${region}:${account}:network-interface/*`;
}

/**
 * Validates the props; returns the absolute path of the rotator module for `fromEntry`.
 */
function validateRotationFunctionProps(
  constructPath: string,
  props: RotationFunctionProps,
  entryProps: Partial<RotationFunctionFromEntryProps>,
): string | undefined {
  const v = new PropsValidator(constructPath);
  if (props === undefined || props.vpc === undefined) {
    v.fail('vpc', undefined, 'a VPC: Control Tower CT.LAMBDA.PR.3 requires every Lambda function to run in one');
    v.throwIfInvalid();
  }

  const concurrency = props.reservedConcurrentExecutions;
  if (concurrency !== undefined && isResolved(concurrency)) {
    v.check(Number.isInteger(concurrency) && concurrency >= 1, 'reservedConcurrentExecutions', concurrency,
      'a whole number of at least 1 (0 would stop the function)');
  }
  if (props.timeout !== undefined && !props.timeout.isUnresolved()) {
    const seconds = props.timeout.toSeconds({ integral: false });
    v.check(Number.isInteger(seconds) && seconds >= 1 && seconds <= 900, 'timeout', props.timeout, 'whole seconds from 1 second to 15 minutes');
  }
  if (props.memorySize !== undefined && isResolved(props.memorySize)) {
    v.check(Number.isInteger(props.memorySize) && props.memorySize >= 128 && props.memorySize <= 10240, 'memorySize', props.memorySize,
      'a whole number of MiB from 128 to 10240');
  }

  const policy = props.passwordPolicy;
  if (policy !== undefined) {
    if (policy.passwordLength !== undefined && isResolved(policy.passwordLength)) {
      v.check(Number.isInteger(policy.passwordLength) && policy.passwordLength >= 1 && policy.passwordLength <= MAX_PASSWORD_LENGTH,
        'passwordPolicy.passwordLength', policy.passwordLength, `a whole number from 1 to ${MAX_PASSWORD_LENGTH}`);
    }
    if (policy.excludeCharacters !== undefined && isResolved(policy.excludeCharacters)) {
      v.check(policy.excludeCharacters.length <= 4096, 'passwordPolicy.excludeCharacters', policy.excludeCharacters, 'at most 4096 characters');
    }
    if (isResolved(policy.excludeCharacters) && allowedClasses(policy).length === 0) {
      v.fail('passwordPolicy', policy, 'at least one character class (lowercase, uppercase, numbers, punctuation) with characters left after the exclusions');
    }
  }
  if (props.field !== undefined && isResolved(props.field)) {
    v.check(props.field.trim().length > 0, 'field', props.field, 'the name of a JSON field, not empty');
  }

  let entry: string | undefined;
  if (entryProps.entry !== undefined) {
    if (props.passwordPolicy !== undefined || props.field !== undefined) {
      v.conflict(['entry', props.passwordPolicy !== undefined ? 'passwordPolicy' : 'field'],
        'passwordPolicy and field configure the built-in rotator; your rotator module chooses its own values');
    }
    entry = path.resolve(entryProps.entry);
    if (!fs.existsSync(entry) || !fs.statSync(entry).isFile()) {
      v.fail('entry', entryProps.entry, 'the path of an existing .ts or .js module');
    } else if (!/\.(ts|js|mjs|cjs|mts|cts)$/.test(entry)) {
      v.fail('entry', entryProps.entry, 'a .ts, .mts, .cts, .js, .mjs or .cjs module');
    } else if (!esbuildAvailable(entry)) {
      v.fail('entry', entryProps.entry,
        'a module bundled by a local esbuild, which is not installed: run `npm install --save-dev esbuild` ' +
        '(RotationFunction.fromEntry never falls back to Docker bundling)');
    }
  }
  v.throwIfInvalid();
  return entry;
}
