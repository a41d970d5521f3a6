import { Annotations, Aspects, Duration, IAspect, Lazy, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as config from 'aws-cdk-lib/aws-config';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { TRAIL_ACKNOWLEDGEMENTS } from './acknowledgements';
import { DETECTORS, DetectorSpec, SecretEventKind } from './event-kinds';
import {
  EVENT_PATTERN_DEFAULT_MAX_LENGTH, EVENT_PATTERN_QUOTA_CEILING, eventPattern, FILTER_PATTERN_MAX_LENGTH, filterPattern,
  PatternInputs, PatternValue,
} from './patterns';
import { accountValue, addPrincipal, deploymentReaders, emptyPrincipalSet, keyValue, MutablePrincipalSet } from './principals';
import { scheduleGap } from '../analysis/schedule';
import { acknowledge } from '../private/acknowledgements';
import { DEFAULTS } from '../private/defaults';
import { denyGrantsNotForAwsResources } from '../private/kms';
import { futurePath, HardenedSecretsValidationError, isResolved, PropsValidator } from '../private/validation';
import { RotationKind } from '../rotation/rotation-policy';
import { HardenedSecret } from '../secret/hardened-secret';

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
   * also count.
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
   * Deploy the AWS Config managed rules that only run against deployed secrets
   * (`SECRETSMANAGER_ROTATION_ENABLED_CHECK`, `..._SCHEDULED_ROTATION_SUCCESS_CHECK`,
   * `..._SECRET_PERIODIC_ROTATION`, `..._SECRET_UNUSED`, `..._USING_CMK`). AWS Config must be
   * recording `AWS::SecretsManager::Secret` in the account, or the rules evaluate nothing.
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

const DEFAULT_NAMESPACE = 'HardenedSecrets/SecretAccess';
const DEFAULT_PERIOD = Duration.minutes(5);
const DEFAULT_ACCESS_DENIED_THRESHOLD = 5;
const DEFAULT_UNUSED_DAYS = 90;
/** Rule state that lets EventBridge match read-only management events such as GetSecretValue. */
const ALL_MANAGEMENT_EVENTS = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
/** What a service needs on the key to publish to the encrypted topic. */
const TOPIC_DATA_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey*'];

interface Watch {
  readonly secret: secretsmanager.ISecret;
  /** The allowed readers as they stand now (grants made after `watch` count). */
  readers(): iam.IGrantable[];
  /** The allowed writers as they stand now. */
  writers(): iam.IGrantable[];
  readonly rotationRole?: iam.IRole;
}

/**
 * Detective controls for Secrets Manager: CloudTrail events on secrets and their keys become
 * CloudWatch alarms (or EventBridge rules) that notify an SNS topic.
 *
 * The cost does not grow with the number of secrets: there is one detector per event kind
 * (`SecretEventKind`), whatever the number of watched secrets. Watching a secret only adds its
 * readers, writers, rotation role, account and key to the lists the patterns are rendered from,
 * and, for each distinct rotation function of the app, one alarm on the function's errors.
 * When an allow-list no longer fits CloudWatch's 1,024-character filter pattern, that event kind
 * becomes an EventBridge rule (up to the event pattern quota); beyond that, synthesis fails.
 *
 * @example
 * const monitor = new SecretAccessMonitor(this, 'Monitor', {
 *   cloudTrailLogGroup: logs.LogGroup.fromLogGroupName(this, 'OrgTrail', 'aws-controltower/CloudTrailLogs'),
 * });
 * monitor.watch(new HardenedSecret(this, 'Db', { rotation, readers: [appRole] }));
 */
export class SecretAccessMonitor extends Construct implements ISecretAccessMonitor {
  /** The topic alarms and rules notify. */
  public readonly topic: sns.ITopic;

  /** The log group the metric filters read. */
  public readonly logGroup: logs.ILogGroup;

  /** The trail, when the monitor created one. */
  public readonly trail?: cloudtrail.Trail;

  /** The CloudWatch namespace of the metrics. */
  public readonly metricNamespace: string;

  /** The customer-managed key of the topic and the trail, when the monitor created one. */
  public readonly key?: kms.IKey;

  private readonly props: SecretAccessMonitorProps;
  private readonly watches: Watch[] = [];
  private readonly types = new Map<SecretEventKind, DetectorType>();
  private readonly alarms = new Map<SecretEventKind, cloudwatch.Alarm>();
  private readonly rules = new Map<SecretEventKind, events.Rule>();
  /** One alarm per distinct rotation function, in the order the functions were first watched. */
  private readonly functionAlarms: Array<{ readonly fn: lambda.IFunction; readonly alarm: cloudwatch.Alarm }> = [];
  private finalized = false;

  constructor(scope: Construct, id: string, props: SecretAccessMonitorProps = {}) {
    validateMonitorProps(futurePath(scope, id), props);
    super(scope, id);
    this.props = props;
    this.metricNamespace = props.metricNamespace ?? DEFAULT_NAMESPACE;
    const removalPolicy = props.removalPolicy ?? DEFAULTS.removalPolicy;

    const needsKey = props.topic === undefined || props.cloudTrailLogGroup === undefined;
    const key = needsKey ? this.createKey(removalPolicy) : undefined;
    this.key = key;

    if (props.topic) {
      this.topic = props.topic;
    } else {
      this.topic = this.createTopic(key!);
    }

    if (props.cloudTrailLogGroup) {
      this.logGroup = props.cloudTrailLogGroup;
    } else {
      const trail = this.createTrail(key!, props.logRetention ?? logs.RetentionDays.ONE_YEAR, removalPolicy);
      this.trail = trail.trail;
      this.logGroup = trail.logGroup;
    }

    // Every detector whose pattern depends on no allow-list exists now; its pattern is rendered
    // at synthesis from the secrets watched by then.
    for (const spec of DETECTORS.filter((d) => d.allowList === undefined)) {
      this.createMetricFilterDetector(spec);
    }

    // The detectors with an allow-list are built once every grant is known: their form (metric
    // filter or EventBridge rule) depends on the length of the list.
    Aspects.of(this).add(new FinalizeMonitor(this));

    if (props.configRules) {
      this.createConfigRules(props.unusedSecretDays ?? DEFAULT_UNUSED_DAYS);
    }
  }

  /**
   * Watches a secret: its readers, writers, rotation role, account and key join the lists the
   * detectors are rendered from. Adds no resource.
   */
  public watch(secret: secretsmanager.ISecret, options: WatchOptions = {}): void {
    if (this.finalized) {
      throw new HardenedSecretsValidationError(this.node.path, [
        `watch(${secret.node.path}) was called during synthesis, after the monitor built its detectors; call it while building the app`,
      ]);
    }
    const readers = options.allowedReaders ?? [];
    const writers = options.allowedWriters ?? [];
    let rotationFunction = options.rotationFunction;
    if (HardenedSecret.isHardenedSecret(secret)) {
      // CloudFormation resolves {{resolve:secretsmanager:...}} as the deployment roles.
      const deployment = deploymentReaders(Stack.of(secret), secret.deploymentRoles);
      this.watches.push({
        secret,
        readers: () => [...deployment, ...secret.grantedReaders, ...readers],
        writers: () => [...secret.grantedWriters, ...writers],
        rotationRole: options.rotationRole ?? (rotationFunction ?? secret.rotationFunction)?.role,
      });
      rotationFunction = rotationFunction ?? secret.rotationFunction;
      if (secret.rotationKind === RotationKind.HOSTED && options.rotationRole === undefined) {
        Annotations.of(secret).addWarningV2(
          'cdk-hardened-secrets:monitor-hosted-rotation-role',
          'Hosted rotation creates its Lambda role at deployment, so the monitor cannot exempt it: each rotation raises the ' +
            'WRITE_OUTSIDE_ROTATION alarm. Once deployed, add the role with monitor.watch(secret, { rotationRole }).',
        );
      }
    } else {
      this.watches.push({
        secret,
        // Read at synthesis: principals pushed to the lists later count too.
        readers: () => readers,
        writers: () => writers,
        rotationRole: options.rotationRole ?? rotationFunction?.role,
      });
    }
    if (rotationFunction) {
      this.watchRotationFunction(secret, rotationFunction);
    }
  }

  /**
   * The alarms on the `Errors` metric of the watched secrets' rotation functions: one per
   * distinct function, in the order the functions were first watched.
   */
  public rotationFunctionAlarms(): cloudwatch.IAlarm[] {
    return this.functionAlarms.map((f) => f.alarm);
  }

  /**
   * The metric of one event kind: the count of matching CloudTrail events, or for a kind built as
   * an EventBridge rule, the rule's `MatchedEvents`.
   *
   * @param kind the event kind
   * @param options overrides, as aws-cdk-lib's `metricXxx(props?)` take them
   * @default options - the sum over the monitor's alarm period
   */
  public metric(kind: SecretEventKind, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    const spec = DETECTORS.find((d) => d.kind === kind)!;
    const rule = this.rules.get(kind);
    const defaults = { statistic: cloudwatch.Stats.SUM, period: this.props.alarmPeriod ?? DEFAULT_PERIOD };
    if (rule) {
      return new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName: 'MatchedEvents',
        dimensionsMap: { RuleName: rule.ruleName },
        ...defaults,
        ...options,
      });
    }
    return new cloudwatch.Metric({ namespace: this.metricNamespace, metricName: spec.id, ...defaults, ...options });
  }

  /**
   * How the detector of an event kind is built. Known once the app is synthesised for the kinds
   * with an allow-list (`UNEXPECTED_READ`, `WRITE_OUTSIDE_ROTATION`).
   *
   * @returns the type, or undefined before synthesis for the kinds with an allow-list
   */
  public detectorType(kind: SecretEventKind): DetectorType | undefined {
    return this.types.get(kind);
  }

  /**
   * The alarm of an event kind, when it is built as a metric filter (see `detectorType`).
   */
  public alarm(kind: SecretEventKind): cloudwatch.IAlarm | undefined {
    return this.alarms.get(kind);
  }

  /**
   * Builds the detectors that depend on the allow-lists, the dashboard; called once, at synthesis.
   *
   * @internal
   */
  public _finalize(): void {
    if (this.finalized) {
      return;
    }
    this.finalized = true;
    for (const spec of DETECTORS.filter((d) => d.allowList !== undefined)) {
      const inputs = this.patternInputs();
      const filter = filterPattern(spec, inputs);
      if (filter.maxLength <= FILTER_PATTERN_MAX_LENGTH) {
        this.createMetricFilterDetector(spec);
        continue;
      }
      const rule = eventPattern(spec, inputs);
      const limit = this.props.maxEventPatternLength ?? EVENT_PATTERN_DEFAULT_MAX_LENGTH;
      if (rule.maxLength > limit) {
        const listName = spec.allowList === 'readers' ? 'allowedReaders' : 'allowedWriters (with the rotation roles)';
        throw new HardenedSecretsValidationError(this.node.path, [
          `the union of ${listName} of the watched secrets is too long for ${spec.kind}: its filter pattern can reach ` +
            `${filter.maxLength} characters (CloudWatch Logs allows ${FILTER_PATTERN_MAX_LENGTH}) and its EventBridge pattern ` +
            `${rule.maxLength} (maxEventPatternLength is ${limit}); allowed: fewer distinct principals (share reader roles ` +
            `among secrets), literal ARNs instead of tokens, or a raised EventBridge quota (at most ${EVENT_PATTERN_QUOTA_CEILING})`,
        ]);
      }
      this.createEventRuleDetector(spec, rule.pattern);
    }
    if (this.props.dashboard) {
      this.createDashboard();
    }
  }

  // -------------------------------------------------------------------------------------------

  private createTopic(key: kms.IKey): sns.Topic {
    const stack = Stack.of(this);
    const topic = new sns.Topic(this, 'Topic', {
      displayName: 'Secrets Manager access alarms',
      masterKey: key,
      // aws-cdk-lib's statement denies sns:Publish without TLS (AwsSolutions-SNS3 looks for it).
      enforceSSL: true,
    });
    // The topic policy enforceSSL creates replaces SNS's default policy, which let the account's
    // CloudWatch alarms publish: without this statement no alarm would ever notify. The conditions
    // are those of the key statement, for the same confused-deputy reason.
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
    topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AlarmsPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
      },
    }));
    // Every other action without TLS too (subscribe, policy changes).
    topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyInsecureTransport',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['sns:*'],
      resources: [topic.topicArn],
      conditions: { Bool: { 'aws:SecureTransport': 'false' } },
    }));
    return topic;
  }

  private createKey(removalPolicy: RemovalPolicy): kms.Key {
    const stack = Stack.of(this);
    const key = new kms.Key(this, 'Key', {
      description: 'Encrypts the Secrets Manager access monitor: alarm topic, trail and its log group',
      enableKeyRotation: true,
      removalPolicy,
    });
    // CloudWatch alarms publish to an encrypted topic with these, on behalf of an alarm of this
    // account: aws:SourceAccount / aws:SourceArn keep alarms of other accounts from using the key
    // through CloudWatch (confused deputy). The alarm ARNs are not known without a cycle
    // (alarm -> topic -> key), hence the pattern.
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html#cross-service-confused-deputy-prevention
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AlarmsPublishToTopic',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: TOPIC_DATA_KEY_ACTIONS,
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
      },
    }));
    key.addToResourcePolicy(denyGrantsNotForAwsResources());
    if (this.props.cloudTrailLogGroup === undefined) {
      // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
      key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'CloudTrailEncryptsLogFiles',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${stack.partition}:cloudtrail:*:${stack.account}:trail/*` },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }));
      key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'CloudTrailDescribesKey',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        // The source condition of the encrypt statement: trails of this account only.
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }));
      // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
      key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'CloudWatchLogsEncryptsTrailLogGroup',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` },
        },
      }));
    }
    return key;
  }

  private createTrail(key: kms.IKey, retention: logs.RetentionDays, removalPolicy: RemovalPolicy) {
    const stack = Stack.of(this);
    const bucketProps: s3.BucketProps = {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      // Object Lock without a default retention: objects can be locked, log delivery still works.
      objectLockEnabled: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(365), abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      removalPolicy,
    };
    const accessLogs = new s3.Bucket(this, 'AccessLogsBucket', bucketProps);
    const bucket = new s3.Bucket(this, 'TrailBucket', bucketProps);
    for (const b of [accessLogs, bucket]) {
      // Object-level events to EventBridge (Control Tower CT.S3.PR.4), natively: no custom resource.
      (b.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    }
    // Server access logging by bucket policy, not ACL, whatever the app's feature flags.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general
    const prefix = 'trail-bucket/';
    (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = { destinationBucketName: accessLogs.bucketName, logFilePrefix: prefix };
    accessLogs.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'S3ServerAccessLogsDelivery',
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [accessLogs.arnForObjects(`${prefix}*`)],
      conditions: { ArnLike: { 'aws:SourceArn': bucket.bucketArn }, StringEquals: { 'aws:SourceAccount': stack.account } },
    }));
    // The access logs are SSE-KMS too: the log delivery service encrypts with the key.
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'S3ServerAccessLogsEncrypt',
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }));
    const logGroup = new logs.LogGroup(this, 'TrailLogGroup', { retention, encryptionKey: key, removalPolicy });
    const trail = new cloudtrail.Trail(this, 'Trail', {
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      encryptionKey: key,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: logGroup,
      bucket,
    });
    // The trail validates the key (DescribeKey) on creation: the key policy must exist first.
    trail.node.addDependency(key);
    for (const ack of TRAIL_ACKNOWLEDGEMENTS) {
      const resource = ack.path.split('/').reduce<IConstruct>((c, id) => c.node.findChild(id), this);
      acknowledge(resource, ack.rule, ack.reason);
    }
    return { trail, logGroup };
  }

  private alarmPeriod(): Duration {
    return this.props.alarmPeriod ?? DEFAULT_PERIOD;
  }

  private createMetricFilterDetector(spec: DetectorSpec): void {
    const pattern = Lazy.string({ produce: () => filterPattern(spec, this.patternInputs()).pattern });
    new logs.MetricFilter(this, spec.id, {
      logGroup: this.logGroup,
      filterPattern: { logPatternString: pattern },
      metricNamespace: this.metricNamespace,
      metricName: spec.id,
      metricValue: '1',
    });
    this.node.addValidation({
      validate: () => {
        const length = filterPattern(spec, this.patternInputs()).maxLength;
        return length <= FILTER_PATTERN_MAX_LENGTH
          ? []
          : [`the filter pattern of ${spec.kind} can reach ${length} characters; CloudWatch Logs allows ${FILTER_PATTERN_MAX_LENGTH} (watch secrets of fewer accounts)`];
      },
    });
    const threshold = spec.kind === SecretEventKind.ACCESS_DENIED_BURST
      ? this.props.accessDeniedThreshold ?? DEFAULT_ACCESS_DENIED_THRESHOLD
      : 1;
    const alarm = new cloudwatch.Alarm(this, `${spec.id}Alarm`, {
      alarmDescription: `${spec.description} (${spec.eventNames.join(', ') || spec.errorCodes?.join(', ')}). See the trail log group for the records.`,
      metric: this.metric(spec.kind).with({ period: this.alarmPeriod() }),
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      actionsEnabled: true,
    });
    alarm.addAlarmAction(new cw_actions.SnsAction(this.topic));
    this.alarms.set(spec.kind, alarm);
    this.types.set(spec.kind, DetectorType.METRIC_FILTER);
  }

  /**
   * One alarm per distinct rotation function (not per secret), on its `Errors` metric, whose
   * only dimension is `FunctionName`.
   * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
   */
  private watchRotationFunction(secret: secretsmanager.ISecret, fn: lambda.IFunction): void {
    if (this.functionAlarms.some((f) => sameFunction(f.fn, fn))) {
      return;
    }
    // Lambda publishes the metric in the function's account and region; an alarm can only
    // watch a metric of its own.
    const stack = Stack.of(this);
    if (differs(fn.env.account, stack.account) || differs(fn.env.region, stack.region)) {
      Annotations.of(this).addWarningV2(
        'cdk-hardened-secrets:monitor-rotation-function-elsewhere',
        `The rotation function ${fn.node.path} of ${secret.node.path} is in ${fn.env.account}/${fn.env.region}, not in the monitor's ` +
          `${stack.account}/${stack.region}: its errors are not alarmed; alarm on them in that account and region`,
      );
      return;
    }
    let scope = this.node.tryFindChild('RotationFunctionErrors') as Construct | undefined;
    scope ??= new Construct(this, 'RotationFunctionErrors');
    // The id follows the function's path: stable as long as the function is not moved.
    const alarm = new cloudwatch.Alarm(scope, Names.uniqueId(fn), {
      alarmDescription: `The rotation function ${fn.node.path} reported errors: a rotation step threw or timed out. ` +
        'See its log group; the rotation stays pending until a retry succeeds.',
      metric: this.rotationFunctionMetric(fn),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      actionsEnabled: true,
    });
    alarm.addAlarmAction(new cw_actions.SnsAction(this.topic));
    this.functionAlarms.push({ fn, alarm });
  }

  private rotationFunctionMetric(fn: lambda.IFunction): cloudwatch.Metric {
    return fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period: this.alarmPeriod() });
  }

  private createEventRuleDetector(spec: DetectorSpec, pattern: { [key: string]: unknown }): void {
    const rule = new events.Rule(this, `${spec.id}Rule`, {
      description: spec.description,
      eventPattern: {
        source: pattern.source as string[],
        detailType: pattern['detail-type'] as string[],
        detail: pattern.detail as { [key: string]: unknown },
      },
      targets: [new targets.SnsTopic(this.topic)],
    });
    if (spec.readOnly) {
      // GetSecretValue is a read-only management event: a rule in the ENABLED state never sees it.
      // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html
      (rule.node.defaultChild as events.CfnRule).state = ALL_MANAGEMENT_EVENTS;
    }
    this.rules.set(spec.kind, rule);
    this.types.set(spec.kind, DetectorType.EVENT_RULE);
    // The SnsTopic target adds kms:Decrypt / kms:GenerateDataKey* for events.amazonaws.com to
    // the key of an encrypted topic, only once a rule exists. It carries no aws:SourceAccount /
    // aws:SourceArn, and none is added here: EventBridge documents that its SNS targets take no
    // `Condition`, and a condition on a key the KMS request does not carry would drop every
    // notification without an error.
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
    this.warnIfRegional(spec);
  }

  /**
   * An EventBridge rule receives the CloudTrail events of its own region only, where a metric
   * filter on a multi-Region trail's log group sees every region: warn when watched secrets
   * replicate or live elsewhere, naming the regions the rule cannot see.
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
   */
  private warnIfRegional(spec: DetectorSpec): void {
    const stack = Stack.of(this);
    const unseen = new Map<string, string[]>();
    const add = (region: string, why: string) => {
      if (Token.isUnresolved(region) || (!Token.isUnresolved(stack.region) && region === stack.region)) {
        return;
      }
      unseen.set(region, [...(unseen.get(region) ?? []), why]);
    };
    for (const w of this.watches) {
      add(w.secret.env.region, w.secret.node.path);
      for (const region of replicaRegions(w.secret)) {
        add(region, `replica of ${w.secret.node.path}`);
      }
    }
    if (unseen.size === 0) {
      return;
    }
    const regions = [...unseen.keys()].sort();
    Annotations.of(this).addWarningV2(
      'cdk-hardened-secrets:monitor-eventbridge-regional',
      `${spec.kind} is an EventBridge rule (its allow-list is too long for a metric filter), and a rule on the default bus of ` +
        `${stack.region} receives only that region's CloudTrail events: it cannot see ${regions.join(', ')} ` +
        `(${regions.map((r) => `${r}: ${unseen.get(r)!.join(', ')}`).join('; ')}). Shorten the allow-list (share reader ` +
        'roles among secrets) to stay on the multi-Region metric filter, or deploy a monitor in those regions.',
    );
  }

  private createDashboard(): void {
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(7) });
    dashboard.addWidgets(...DETECTORS.map((spec) => new cloudwatch.GraphWidget({
      title: spec.description,
      left: [this.metric(spec.kind)],
      width: 8,
      height: 6,
    })));
    dashboard.addWidgets(...this.functionAlarms.map(({ fn }) => new cloudwatch.GraphWidget({
      title: `Errors of the rotation function ${fn.node.path}`,
      left: [this.rotationFunctionMetric(fn)],
      width: 8,
      height: 6,
    })));
  }

  private createConfigRules(unusedDays: number): void {
    const maxDays = Lazy.number({ produce: () => this.maxRotationDays() });
    const scope = config.RuleScope.fromResources([config.ResourceType.SECRETS_MANAGER_SECRET]);
    const rules: Array<[string, string, { [key: string]: unknown } | undefined]> = [
      ['RotationEnabled', config.ManagedRuleIdentifiers.SECRETSMANAGER_ROTATION_ENABLED_CHECK, { maximumAllowedRotationFrequency: maxDays }],
      ['ScheduledRotationSuccess', config.ManagedRuleIdentifiers.SECRETSMANAGER_SCHEDULED_ROTATION_SUCCESS_CHECK, undefined],
      ['PeriodicRotation', config.ManagedRuleIdentifiers.SECRETSMANAGER_SECRET_PERIODIC_ROTATION, { maxDaysSinceRotation: maxDays }],
      ['SecretUnused', config.ManagedRuleIdentifiers.SECRETSMANAGER_SECRET_UNUSED, { unusedForDays: unusedDays }],
      ['UsingCmk', config.ManagedRuleIdentifiers.SECRETSMANAGER_USING_CMK, undefined],
    ];
    for (const [id, identifier, inputParameters] of rules) {
      new config.ManagedRule(this, id, { identifier, inputParameters, ruleScope: scope });
    }
  }

  /** The longest gap between two rotations among the watched secrets, in whole days. */
  private maxRotationDays(): number {
    let hours = 0;
    for (const w of this.watches) {
      for (const child of w.secret.node.findAll()) {
        if (!(child instanceof secretsmanager.CfnRotationSchedule)) {
          continue;
        }
        const rules = Stack.of(child).resolve(child.rotationRules) as { scheduleExpression?: unknown; automaticallyAfterDays?: unknown } | undefined;
        const expression = typeof rules?.scheduleExpression === 'string'
          ? rules.scheduleExpression
          : typeof rules?.automaticallyAfterDays === 'number' ? `rate(${rules.automaticallyAfterDays} days)` : undefined;
        if (expression !== undefined) {
          try {
            hours = Math.max(hours, scheduleGap(expression).hours);
          } catch {
            // An expression Secrets Manager would refuse: the nag pack reports it.
          }
        }
      }
    }
    const days = hours === 0 || !Number.isFinite(hours) ? DEFAULTS.rotationInterval.toDays() : Math.ceil(hours / 24);
    return days;
  }

  /** The lists every pattern is rendered from, as they stand now. */
  private patternInputs(): PatternInputs {
    const stack = Stack.of(this);
    const accounts: PatternValue[] = [];
    const keys: PatternValue[] = [];
    const readers = emptyPrincipalSet();
    const writers = emptyPrincipalSet();
    const addUnique = (list: PatternValue[], value: PatternValue) => {
      if (!list.some((v) => v.text === value.text)) {
        list.push(value);
      }
    };
    for (const w of this.watches) {
      addUnique(accounts, accountValue(w.secret.env.account));
      if (w.secret.encryptionKey) {
        addUnique(keys, keyValue(w.secret.encryptionKey.keyArn));
      }
      this.addAll(readers, w, w.readers());
      this.addAll(writers, w, w.writers());
      if (w.rotationRole) {
        // Rotation reads AWSPENDING / AWSCURRENT and writes AWSPENDING.
        addPrincipal(readers, w.rotationRole);
        addPrincipal(writers, w.rotationRole);
      }
    }
    if (accounts.length === 0) {
      accounts.push(accountValue(stack.account));
    }
    return { accounts, keys, readers, writers };
  }

  private addAll(set: MutablePrincipalSet, w: Watch, grantables: iam.IGrantable[]): void {
    for (const g of grantables) {
      if (!addPrincipal(set, g)) {
        Annotations.of(this).addWarningV2(
          'cdk-hardened-secrets:monitor-unmatched-principal',
          `${g.grantPrincipal} (allowed for ${w.secret.node.path}) has no identity a CloudTrail record can be matched on; its calls will alarm`,
        );
      }
    }
  }
}

/** Builds a monitor's allow-list detectors when the aspects run, before the templates are rendered. */
class FinalizeMonitor implements IAspect {
  constructor(private readonly monitor: SecretAccessMonitor) {}

  public visit(node: IConstruct): void {
    if (node === this.monitor) {
      this.monitor._finalize();
    }
  }
}

/** The same function: the same construct, or the same literal ARN imported twice. */
function sameFunction(a: lambda.IFunction, b: lambda.IFunction): boolean {
  return a === b || (!Token.isUnresolved(a.functionArn) && a.functionArn === b.functionArn);
}

/** The regions a secret is replicated to: those of an `IHardenedSecret`, or the `ReplicaRegions` of an L1 secret. */
function replicaRegions(secret: secretsmanager.ISecret): string[] {
  if (HardenedSecret.isHardenedSecret(secret)) {
    return secret.replicaRegionNames;
  }
  const cfn = secret.node.defaultChild;
  if (cfn instanceof secretsmanager.CfnSecret) {
    const replicas = Stack.of(cfn).resolve(cfn.replicaRegions) as unknown;
    return (Array.isArray(replicas) ? replicas : [])
      .map((r: { region?: unknown; Region?: unknown } | undefined) => r?.region ?? r?.Region)
      .filter((r): r is string => typeof r === 'string');
  }
  return [];
}

/** Two environment values known at synth that are not the same. */
function differs(a: string, b: string): boolean {
  return !Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b;
}

function validateMonitorProps(path: string, props: SecretAccessMonitorProps): void {
  const v = new PropsValidator(path);
  if (props.alarmPeriod !== undefined && !props.alarmPeriod.isUnresolved()) {
    const seconds = props.alarmPeriod.toSeconds();
    v.check(seconds % 60 === 0 && seconds >= 60 && seconds <= 86400, 'alarmPeriod', props.alarmPeriod, 'whole minutes from 1 minute to 1 day');
  }
  const ints: Array<[string, number | undefined, number, number]> = [
    ['accessDeniedThreshold', props.accessDeniedThreshold, 1, 10000],
    ['unusedSecretDays', props.unusedSecretDays, 1, 365],
    ['maxEventPatternLength', props.maxEventPatternLength, EVENT_PATTERN_DEFAULT_MAX_LENGTH, EVENT_PATTERN_QUOTA_CEILING],
  ];
  for (const [prop, value, min, max] of ints) {
    if (value !== undefined && isResolved(value)) {
      v.check(Number.isInteger(value) && value >= min && value <= max, prop, value, `a whole number from ${min} to ${max}`);
    }
  }
  if (props.metricNamespace !== undefined && isResolved(props.metricNamespace)) {
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html
    v.check(
      /^[\x20-\x7E]{1,255}$/.test(props.metricNamespace) && !props.metricNamespace.startsWith(':') && !props.metricNamespace.startsWith('AWS/'),
      'metricNamespace',
      props.metricNamespace,
      "1 to 255 printable ASCII characters, not starting with ':' or 'AWS/'",
    );
  }
  if (props.cloudTrailLogGroup !== undefined && props.logRetention !== undefined) {
    v.conflict(['cloudTrailLogGroup', 'logRetention'], 'logRetention applies only to the log group of a new trail; set the retention of your own log group where it is defined');
  }
  if (!props.configRules && props.unusedSecretDays !== undefined) {
    v.conflict(['unusedSecretDays', 'configRules'], 'unusedSecretDays is a parameter of the AWS Config rules: set configRules to true');
  }
  v.throwIfInvalid();
}
