import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { isResolved, PropsValidator } from '../private/validation';

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

/** Defaults of `RotationFunction`, documented at the props. */
export const FUNCTION_DEFAULTS = {
  reservedConcurrentExecutions: 1,
  timeout: Duration.seconds(30),
  memorySize: 256,
  logRetention: logs.RetentionDays.ONE_YEAR,
  description: 'Rotates AWS Secrets Manager secrets (cdk-hardened-secrets)',
} as const;

/**
 * Validates the options every rotation function takes (`vpc` first: without it nothing else is
 * judged).
 */
export function validateRotationFunctionOptions(v: PropsValidator, props: RotationFunctionOptions | undefined): void {
  if (props === undefined || props.vpc === undefined) {
    v.fail('vpc', undefined, 'a VPC: Control Tower CT.LAMBDA.PR.3 requires every Lambda function to run in one');
    v.throwIfInvalid();
    return;
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
}
