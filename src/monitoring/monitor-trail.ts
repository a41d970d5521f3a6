/**
 * What a monitor creates unless it is given them: its customer-managed key, the encrypted alarm
 * topic, and the multi-Region trail with its buckets and KMS-encrypted log group.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { TRAIL_ACKNOWLEDGEMENTS } from './acknowledgements';
import { logServerAccess, sendObjectEventsToEventBridge } from '../private/access-logged-bucket';
import { acknowledge } from '../private/acknowledgements';
import { denyGrantsNotForAwsResources } from '../private/kms';

/** What a service needs on the key to publish to the encrypted topic. */
const TOPIC_DATA_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey*'];

/** The alarm topic: encrypted with `key`, TLS only, published to by the account's CloudWatch alarms. */
export function createMonitorTopic(monitor: Construct, key: kms.IKey): sns.Topic {
  const stack = Stack.of(monitor);
  const topic = new sns.Topic(monitor, 'Topic', {
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

/**
 * The monitor's key: rotated, usable by this account's alarms to publish to the topic and, with
 * `forTrail`, by CloudTrail, CloudWatch Logs and S3 log delivery for the new trail.
 */
export function createMonitorKey(monitor: Construct, removalPolicy: RemovalPolicy, forTrail: boolean): kms.Key {
  const stack = Stack.of(monitor);
  const key = new kms.Key(monitor, 'Key', {
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
  if (forTrail) {
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

/**
 * A multi-Region trail with log file validation, encrypted with `key`, delivering to a new
 * KMS-encrypted log group and to a versioned TLS-only bucket whose access is logged to a second one.
 */
export function createMonitorTrail(
  monitor: Construct,
  key: kms.IKey,
  retention: logs.RetentionDays,
  removalPolicy: RemovalPolicy,
): { readonly trail: cloudtrail.Trail; readonly logGroup: logs.ILogGroup } {
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
  const accessLogs = new s3.Bucket(monitor, 'AccessLogsBucket', bucketProps);
  const bucket = new s3.Bucket(monitor, 'TrailBucket', bucketProps);
  sendObjectEventsToEventBridge([accessLogs, bucket]);
  logServerAccess(bucket, accessLogs, 'trail-bucket/', key);
  const logGroup = new logs.LogGroup(monitor, 'TrailLogGroup', { retention, encryptionKey: key, removalPolicy });
  const trail = new cloudtrail.Trail(monitor, 'Trail', {
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
    const resource = ack.path.split('/').reduce<IConstruct>((c, id) => c.node.findChild(id), monitor);
    acknowledge(resource, ack.rule, ack.reason);
  }
  return { trail, logGroup };
}
