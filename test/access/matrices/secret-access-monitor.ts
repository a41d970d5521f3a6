import { App, Stack } from 'aws-cdk-lib';
import { SecretAccessMonitor } from '../../../src';
import { AccessModel, PolicyDocument } from '../engine';
import { AccessRow, ENV, OTHER_ACCOUNT, rows, RowContext, Scenario, ScenarioApp } from '../matrix';
import { CLAIMS } from './claims';
import { OUTSIDERS } from './principals';

/** A CloudWatch alarm of the stack's account and region, and alarms elsewhere. */
const ALARM = `arn:aws:cloudwatch:${ENV.region}:${ENV.account}:alarm:SecretDeletion`;
const ALARM_OF_OTHER_ACCOUNT = `arn:aws:cloudwatch:${ENV.region}:${OTHER_ACCOUNT}:alarm:SecretDeletion`;
const ALARM_OF_OTHER_REGION = `arn:aws:cloudwatch:us-east-1:${ENV.account}:alarm:SecretDeletion`;

/** The `aws:SourceAccount` / `aws:SourceArn` a service sets when it acts for a resource. */
function source(account: string, arn: string): RowContext {
  return { extra: { 'aws:SourceAccount': account, 'aws:SourceArn': arn } };
}

const FOR_ALARM = source(ENV.account, ALARM);
const NO_TLS: RowContext = { secureTransport: false };
/** What a role that publishes alarms itself holds. */
const PUBLISH: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sns:Publish', 'sns:Subscribe'], Resource: '*' }] };

/** The one resource of a type in the app. */
function only(model: AccessModel, type: string) {
  const found = model.resourcesOfType(type);
  if (found.length !== 1) {
    throw new Error(`expected one ${type}, found ${found.length}`);
  }
  return found[0];
}

/** The policy of the app's one resource of `policyType` that names `ref` in `property`. */
function policyOf(model: AccessModel, policyType: string, property: string, ref: string): PolicyDocument {
  const policies = model.resourcesOfType(policyType).filter((p) => [p.properties[property]].flat().includes(ref));
  if (policies.length !== 1) {
    throw new Error(`expected one ${policyType} for ${ref}, found ${policies.length}`);
  }
  return policies[0].properties.PolicyDocument as PolicyDocument;
}

/** An object of the monitor's bucket whose logical id starts with `prefix`, with the bucket's policy. */
function bucketObject(model: AccessModel, prefix: string, key: string): { arn: string; policy: PolicyDocument } {
  const buckets = model.resourcesOfType('AWS::S3::Bucket').filter((b) => b.logicalId.startsWith(prefix));
  if (buckets.length !== 1) {
    throw new Error(`expected one bucket ${prefix}*, found ${buckets.length}`);
  }
  return { arn: `${buckets[0].arn}/${key}`, policy: policyOf(model, 'AWS::S3::BucketPolicy', 'Bucket', buckets[0].ref) };
}

/** The trail bucket's ARN, which the access-log delivery names as its source. */
const TRAIL_BUCKET_ARN = `arn:aws:s3:::${'MonitorTrailBucketE50CBA43'.toLowerCase()}`;

/** A default `SecretAccessMonitor`: its own trail, buckets, encrypted topic and key. */
function monitorApp(): ScenarioApp {
  const app = new App();
  const stack = new Stack(app, 'Access', { env: ENV });
  new SecretAccessMonitor(stack, 'Monitor');
  return {
    app,
    secrets: {},
    principals: {
      ...OUTSIDERS,
      cloudwatch: (m) => m.service('cloudwatch.amazonaws.com'),
      events: (m) => m.service('events.amazonaws.com'),
      cloudtrail: (m) => m.service('cloudtrail.amazonaws.com'),
      s3Logging: (m) => m.service('logging.s3.amazonaws.com'),
      publisher: (m) => m.external(`arn:aws:iam::${ENV.account}:role/Publisher`, [PUBLISH], 'a role of the account allowed to publish'),
    },
    resources: {
      topic: (m) => {
        const topic = only(m, 'AWS::SNS::Topic');
        return { arn: topic.arn, policy: policyOf(m, 'AWS::SNS::TopicPolicy', 'Topics', topic.ref) };
      },
      key: (m) => {
        const key = only(m, 'AWS::KMS::Key');
        return { arn: key.arn, policy: key.properties.KeyPolicy as PolicyDocument };
      },
      accessLog: (m) => bucketObject(m, 'MonitorAccessLogsBucket', 'trail-bucket/2025-01-01-00-00-00-0123456789ABCDEF'),
      trailLog: (m) => bucketObject(m, 'MonitorTrailBucket', `AWSLogs/${ENV.account}/CloudTrail/${ENV.region}/2025/01/01/log.json.gz`),
    },
  };
}

/**
 * The monitor's key lets CloudWatch use it only for alarms of the stack's account and region,
 * EventBridge not at all while no detector is a rule, and the trail's services only for this
 * account; its topic refuses publishing without TLS; its buckets refuse requests without TLS 1.2.
 */
const monitorScenario: Scenario = {
  name: 'SecretAccessMonitor with its own trail and topic',
  build: monitorApp,
  rows: [
    // The key: CloudWatch alarms of this account and region only (confused deputy).
    ...rows(CLAIMS.monitor, 'cloudwatch', 'key', ['kms:GenerateDataKey', 'kms:Decrypt'], 'Allowed', FOR_ALARM),
    ...rows(CLAIMS.monitor, 'cloudwatch', 'key', ['kms:GenerateDataKey', 'kms:Decrypt'], 'ImplicitlyDenied', source(OTHER_ACCOUNT, ALARM_OF_OTHER_ACCOUNT)),
    ...rows(CLAIMS.monitor, 'cloudwatch', 'key', ['kms:GenerateDataKey'], 'ImplicitlyDenied', source(ENV.account, ALARM_OF_OTHER_ACCOUNT)),
    ...rows(CLAIMS.monitor, 'cloudwatch', 'key', ['kms:GenerateDataKey'], 'ImplicitlyDenied', source(OTHER_ACCOUNT, ALARM)),
    ...rows(CLAIMS.monitor, 'cloudwatch', 'key', ['kms:GenerateDataKey'], 'ImplicitlyDenied', source(ENV.account, ALARM_OF_OTHER_REGION)),
    ...rows(CLAIMS.monitor, 'cloudwatch', 'key', ['kms:GenerateDataKey'], 'ImplicitlyDenied', source(ENV.account, `arn:aws:events:${ENV.region}:${ENV.account}:rule/AnyRule`)),
    ...rows(CLAIMS.monitor, 'cloudwatch', 'key', ['kms:GenerateDataKey'], 'ImplicitlyDenied'),
    ...rows(CLAIMS.monitor, 'cloudwatch', 'key', ['kms:Encrypt', 'kms:ReEncryptFrom', 'kms:CreateGrant'], 'ImplicitlyDenied', FOR_ALARM),
    // EventBridge gets the key only when a detector becomes a rule; none has here.
    ...rows(CLAIMS.monitor, 'events', 'key', ['kms:GenerateDataKey', 'kms:Decrypt'], 'ImplicitlyDenied', source(ENV.account, `arn:aws:events:${ENV.region}:${ENV.account}:rule/AnyRule`)),
    ...rows(CLAIMS.monitor, 'events', 'topic', ['sns:Publish'], 'ImplicitlyDenied', source(ENV.account, `arn:aws:events:${ENV.region}:${ENV.account}:rule/AnyRule`)),
    // The trail's services: this account only.
    ...rows(CLAIMS.monitor, 'cloudtrail', 'key', ['kms:DescribeKey'], 'Allowed', source(ENV.account, `arn:aws:cloudtrail:${ENV.region}:${ENV.account}:trail/Trail`)),
    ...rows(CLAIMS.monitor, 'cloudtrail', 'key', ['kms:DescribeKey'], 'ImplicitlyDenied', source(OTHER_ACCOUNT, `arn:aws:cloudtrail:${ENV.region}:${OTHER_ACCOUNT}:trail/Trail`)),
    ...rows(CLAIMS.monitor, 's3Logging', 'key', ['kms:GenerateDataKey', 'kms:Decrypt'], 'Allowed', source(ENV.account, TRAIL_BUCKET_ARN)),
    ...rows(CLAIMS.monitor, 's3Logging', 'key', ['kms:GenerateDataKey'], 'ImplicitlyDenied', source(OTHER_ACCOUNT, 'arn:aws:s3:::bucket-of-another-account')),
    ...rows(CLAIMS.monitor, 's3Logging', 'accessLog', ['s3:PutObject'], 'Allowed', source(ENV.account, TRAIL_BUCKET_ARN)),
    ...rows(CLAIMS.monitor, 's3Logging', 'accessLog', ['s3:PutObject'], 'ImplicitlyDenied', source(ENV.account, 'arn:aws:s3:::another-bucket-of-the-account')),
    ...rows(CLAIMS.monitor, 's3Logging', 'accessLog', ['s3:PutObject'], 'ImplicitlyDenied', source(OTHER_ACCOUNT, TRAIL_BUCKET_ARN)),
    // The topic: no publishing without TLS, whoever asks.
    ...['publisher', 'admin', 'stranger'].map((who): AccessRow => ({ claim: CLAIMS.tls, who, action: 'sns:Publish', on: 'topic', context: NO_TLS, expect: 'ExplicitlyDenied' })),
    ...rows(CLAIMS.monitor, 'publisher', 'topic', ['sns:Publish'], 'Allowed'),
    ...rows(CLAIMS.monitor, 'stranger', 'topic', ['sns:Publish'], 'ImplicitlyDenied'),
    ...rows(CLAIMS.monitor, 'partner', 'topic', ['sns:Publish'], 'ImplicitlyDenied'),
    ...rows(CLAIMS.monitor, 'cloudwatch', 'topic', ['sns:Publish'], 'ImplicitlyDenied', source(OTHER_ACCOUNT, ALARM_OF_OTHER_ACCOUNT)),
    // The account's alarms notify: the TLS-only topic policy replaces SNS's default one, so it must say so.
    ...rows(CLAIMS.monitor, 'cloudwatch', 'topic', ['sns:Publish'], 'Allowed', FOR_ALARM),
    // TLS for every topic action, not only Publish.
    ...['admin', 'publisher'].map((who): AccessRow => ({ claim: CLAIMS.tls, who, action: 'sns:Subscribe', on: 'topic', context: NO_TLS, expect: 'ExplicitlyDenied' })),
    // The trail's buckets: TLS 1.2 or later only.
    ...['admin', 'root'].flatMap((who) => rows(CLAIMS.tls, who, 'trailLog', ['s3:GetObject', 's3:DeleteObject'], 'ExplicitlyDenied', NO_TLS)),
    ...rows(CLAIMS.tls, 'admin', 'accessLog', ['s3:GetObject'], 'ExplicitlyDenied', NO_TLS),
    ...rows(CLAIMS.tls, 'admin', 'trailLog', ['s3:GetObject'], 'ExplicitlyDenied', { extra: { 's3:TlsVersion': '1.1' } }),
    ...rows(CLAIMS.tls, 'admin', 'trailLog', ['s3:GetObject'], 'Allowed', { extra: { 's3:TlsVersion': '1.3' } }),
  ],
};

/** Every scenario of `SecretAccessMonitor`. */
export const MONITOR_SCENARIOS: Scenario[] = [monitorScenario];
