/**
 * The public types of the monitor: its interface, `WatchOptions`, `SecretAccessMonitorProps` and
 * `DetectorType`.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';

/**
 * Something that watches secrets: `SecretAccessMonitor`, or your own implementation.
 */
export interface ISecretAccessMonitor extends IConstruct {
  /**
   * Watches a secret: its readers, writers, rotation role and key join the monitor's lists, and
   * the errors of its rotation function raise an alarm.
   *
   * A `HardenedSecret` (or a secret imported with `HardenedSecret.fromHardenedSecretAttributes`)
   * brings its own lists: every principal it grants read or write access to, now or later, its
   * deployment roles and its rotation function. `options` adds to them.
   *
   * @param secret the secret
   * @param options who else may read and write it, and what rotates it
   */
  watch(secret: secretsmanager.ISecret, options?: WatchOptions): void;
}

/**
 * Who may do what with a watched secret.
 */
export interface WatchOptions {
  /**
   * Principals whose reads raise no alarm. The monitor allows the union of the readers of all
   * watched secrets, on any of them (one pattern for every secret): a principal listed for one
   * secret reading another does not alarm. Roles are matched on the role that
   * issued the session (`userIdentity.sessionContext.sessionIssuer.arn`), not the session ARN;
   * users on their ARN; accounts (`AccountPrincipal`) on the caller's account; services on
   * `invokedBy`. The list is read when the app is synthesised, so principals pushed to it later
   * also count. A monitor whose watched secrets are all RESTRICTIVE `HardenedSecret`s lists no
   * readers (their resource policies refuse every principal they do not name): there this list
   * changes nothing.
   *
   * @default - none: every successful read alarms
   */
  readonly allowedReaders?: iam.IGrantable[];

  /**
   * Principals whose `PutSecretValue` / `UpdateSecretVersionStage` raise no alarm, besides the
   * rotation role. Read at synthesis, like `allowedReaders`.
   *
   * @default - none
   */
  readonly allowedWriters?: iam.IGrantable[];

  /**
   * The execution role of the secret's rotation function: it reads and writes the secret
   * during rotation without an alarm.
   *
   * @default - the role of `rotationFunction`; without one, every write alarms
   */
  readonly rotationRole?: iam.IRole;

  /**
   * The Lambda function that rotates the secret, made in this app or imported from the monitor's
   * account and region. The monitor raises an alarm when it reports errors (its `Errors` metric):
   * a rotation step that throws or times out, before Secrets Manager gives up with `RotationFailed`.
   * Secrets that share a function share its alarm.
   *
   * @default - for a `HardenedSecret`, the function of its `lambda` or `custom` rotation (a hosted
   * rotation function is created at deployment, so it has none); otherwise none: no alarm on
   * rotation function errors
   * @see https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
   */
  readonly rotationFunction?: lambda.IFunction;
}

/**
 * Properties of a `SecretAccessMonitor`.
 */
export interface SecretAccessMonitorProps {
  /**
   * The CloudWatch Logs log group your (organisation) trail delivers to. Metric filters are
   * created on it; no trail is created. The log group must be in this stack's account and region.
   *
   * @default - a new multi-Region trail: log file validation, KMS encryption, a KMS-encrypted
   *   log group, a versioned TLS-only bucket with access logging
   * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
   */
  readonly cloudTrailLogGroup?: logs.ILogGroup;

  /**
   * How long the log group of the new trail keeps events. Only with a new trail.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The topic alarms and rules notify.
   *
   * @default - a new topic encrypted with a customer-managed key, TLS-only
   */
  readonly topic?: sns.ITopic;

  /**
   * The period of every alarm (whole minutes, 1 minute to 1 day).
   *
   * @default Duration.minutes(5)
   */
  readonly alarmPeriod?: Duration;

  /**
   * How many refused (`AccessDenied`) Secrets Manager calls in one period raise the burst alarm
   * (1 to 10,000).
   *
   * @default 5
   */
  readonly accessDeniedThreshold?: number;

  /**
   * Create a CloudWatch dashboard with one widget per event kind and one per rotation function.
   *
   * @default false
   */
  readonly dashboard?: boolean;

  /**
   * Deploy a `SecretsConfigRules` below the monitor: the AWS Config managed rules that only run
   * against deployed secrets (`SECRETSMANAGER_ROTATION_ENABLED_CHECK`,
   * `..._SCHEDULED_ROTATION_SUCCESS_CHECK`, `..._SECRET_PERIODIC_ROTATION`, `..._SECRET_UNUSED`,
   * `..._USING_CMK`), with the longest rotation interval of the watched secrets, and the rule
   * catalogue as AWS Config custom policy rules. AWS Config must be recording the secret-related
   * resource types in the account, or the rules evaluate nothing.
   *
   * @default false
   * @see https://docs.aws.amazon.com/config/latest/developerguide/secretsmanager-rotation-enabled-check.html
   */
  readonly configRules?: boolean;

  /**
   * `unusedForDays` of `SECRETSMANAGER_SECRET_UNUSED` (1 to 365). Only with `configRules`.
   *
   * @default 90
   */
  readonly unusedSecretDays?: number;

  /**
   * The EventBridge event pattern size quota of the account (2,048 characters unless raised,
   * at most 4,096). An allow-list too long for a metric filter becomes an EventBridge rule of at
   * most this size.
   *
   * @default 2048
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
   */
  readonly maxEventPatternLength?: number;

  /**
   * Roles whose every successful read of a secret raises `UNEXPECTED_READ`, even where a watched
   * secret allows them, besides the break-glass roles of the RESTRICTIVE `HardenedSecret`s watched
   * (which the monitor takes from the secrets). The read detector of a monitor whose secrets are
   * all RESTRICTIVE lists no readers, only these roles (and refused reads).
   *
   * @default - only the watched RESTRICTIVE secrets' own break-glass roles
   */
  readonly breakGlassRoles?: iam.IRole[];

  /**
   * The CloudWatch namespace of the metrics.
   *
   * @default 'HardenedSecrets/SecretAccess'
   */
  readonly metricNamespace?: string;

  /**
   * What happens to the trail's buckets, log group and the monitor's key when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** How a detector was built. */
export enum DetectorType {
  /** A CloudWatch Logs metric filter on the trail log group, and an alarm. */
  METRIC_FILTER = 'METRIC_FILTER',
  /** An EventBridge rule on the default bus that notifies the topic. */
  EVENT_RULE = 'EVENT_RULE',
}
