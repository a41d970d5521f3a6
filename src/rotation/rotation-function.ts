import { Annotations, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { RotationCode } from './rotation-code';
import { FUNCTION_DEFAULTS, RotationFunctionOptions, validateRotationFunctionOptions } from './rotation-function-options';
import { arnPrefixLength, IAM_QUOTAS, ReplicaRotationGrants, RotationGrants, secretArnLength } from './rotation-grants';
import { RotationRole } from './rotation-role';
import { SecretsManagerEndpoint } from '../network/secrets-manager-endpoint';
import { acknowledge } from '../private/acknowledgements';
import { DEFAULTS } from '../private/defaults';
import { denyGrantsNotForAwsResources } from '../private/kms';
import { FUNCTION_ACKNOWLEDGEMENTS } from '../private/rotation-acknowledgements';
import { futurePath, PropsValidator } from '../private/validation';

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
 * Properties of a rotation function.
 */
export interface RotationFunctionProps extends RotationFunctionOptions {
  /**
   * What the function runs: the built-in random-value rotator (`RotationCode.randomValue`) or
   * your rotator module (`RotationCode.fromEntry`).
   *
   * @default RotationCode.randomValue()
   */
  readonly code?: RotationCode;
}

/**
 * A Lambda function that rotates Secrets Manager secrets, with the hardening the compliance
 * packs ask for:
 *
 * - Node.js 22, code bundled at build time (the built-in rotator, `RotationCode.randomValue`) or
 *   at synth time by local esbuild (your rotator module, `RotationCode.fromEntry`), with the AWS
 *   SDK v3 of the runtime left out of the bundle;
 * - its own role, without AWS managed policies: logs of its own log group, X-Ray, the network
 *   interfaces of its VPC, and `GetRandomPassword`; each secret it rotates adds read, write and
 *   key use for that secret only (`SecretRotationPolicy.custom`);
 * - in a VPC, with a security group that only allows HTTPS out;
 * - reserved concurrency, active tracing, a KMS-encrypted log group with retention.
 *
 * Wire it to a secret with `SecretRotationPolicy.custom(fn)`.
 *
 * @example
 * const fn = new RotationFunction(this, 'TokenRotation', {
 *   vpc,
 *   code: RotationCode.randomValue({ passwordPolicy: { passwordLength: 48, excludePunctuation: true } }),
 * });
 * new HardenedSecret(this, 'Token', { rotation: SecretRotationPolicy.custom(fn) });
 */
export class RotationFunction extends Construct implements iam.IGrantable, ec2.IConnectable {
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
    const code = props?.code ?? RotationCode.randomValue();
    const v = new PropsValidator(futurePath(scope, id));
    validateRotationFunctionOptions(v, props);
    code._validate(v);
    v.throwIfInvalid();
    super(scope, id);

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

    const fn = code._bind(this, 'Function', functionOptions);
    this.function = fn;
    this.functionArn = fn.functionArn;

    // Permissions without a resource-level scope, in the role's unscoped policy.
    this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'GenerateRandomValues',
      actions: ['secretsmanager:GetRandomPassword'],
      resources: ['*'],
    }));
    this.executionRole.addNetworkPermissions(props.vpc, props.vpcSubnets, securityGroups);

    const cfnFunction = fn.node.defaultChild as lambda.CfnFunction;
    for (const { rule, reason } of FUNCTION_ACKNOWLEDGEMENTS) {
      acknowledge(cfnFunction, rule, reason);
    }

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
    const count = RotationRole.OWN_POLICY_COUNT + grants.reduce((n, g) => n + g.policyCount, 0);
    const where = `${count} managed policies attached to its role (its own ${RotationRole.OWN_POLICY_COUNT}, and the rotation grants in ${grants.map((g) => g.node.path).join(', ')})`;
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
