import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  asEvent, assumedRole, iamUser, INTRUDER_ROLE, OTHER, OTHER_USER, OWNER, READER_ROLE, ROTATION_ROLE, SECRET_ARN, secretsCall, STRANGER_ROLE,
} from './cloudtrail-records';
import { eventMatches } from './event-pattern';
import { filterMatches } from './filter-pattern';
import { orgTrail, roleArnOfLength } from './monitor-fixtures';
import { deployedEventPattern, deployedFilterPattern, logicalId } from './template-values';
import { DetectorType, HardenedSecret, RotationFunction, SecretAccessMonitor, SecretEventKind, SecretRotationPolicy } from '../../src';
import { DETECTORS, detectorOf } from '../../src/monitoring/event-kinds';
import { EVENT_PATTERN_DEFAULT_MAX_LENGTH, FILTER_PATTERN_MAX_LENGTH, filterPattern, eventPattern } from '../../src/monitoring/patterns';
import { emptyPrincipalSet, accountValue, addPrincipal } from '../../src/monitoring/principals';
import { HardenedSecretsValidationError } from '../../src/private/validation';
import { importedVpc } from '../helpers/vpc';
import { ruleFindings } from '../nag/pack-helpers';
import { newStack } from '../nag-helpers';

/** A Lambda function imported by ARN, in account OWNER and eu-west-1 unless told otherwise. */
function importedFunction(stack: Stack, id: string, name: string, region = 'eu-west-1'): lambda.IFunction {
  return lambda.Function.fromFunctionArn(stack, id, `arn:aws:lambda:${region}:${OWNER}:function:${name}`);
}

/** The alarms of the template on the Errors metric of a Lambda function. */
function functionErrorAlarms(stack: Stack): Array<{ [key: string]: any }> {
  const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm', { Properties: { Namespace: 'AWS/Lambda' } });
  return Object.values(alarms).map((a) => a.Properties);
}

/** A monitor on the org trail watching one imported secret read by `n` roles of the given ARN length. */
function monitorWithReaders(n: number, arnLength = 60, props: { maxEventPatternLength?: number } = {}) {
  const stack = newStack();
  const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack), ...props });
  const readers = Array.from({ length: n }, (_, i) => iam.Role.fromRoleArn(stack, `R${i}`, roleArnOfLength(i, arnLength)));
  monitor.watch(secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', SECRET_ARN), { allowedReaders: readers });
  return { stack, monitor, readers };
}

/** The largest number of readers of that ARN length whose read pattern fits a metric filter. */
function largestFittingReaders(arnLength: number): number {
  let n = 0;
  for (;;) {
    const set = emptyPrincipalSet();
    for (let i = 0; i <= n; i++) {
      addPrincipal(set, iam.Role.fromRoleArn(new Stack(), 'R', roleArnOfLength(i, arnLength)));
    }
    const inputs = { accounts: [accountValue(OWNER)], keys: [], readers: set, writers: emptyPrincipalSet() };
    if (filterPattern(detectorOf(SecretEventKind.UNEXPECTED_READ), inputs).maxLength > FILTER_PATTERN_MAX_LENGTH) {
      return n;
    }
    n++;
  }
}

describe('SecretAccessMonitor with a new trail (default)', () => {
  const stack = newStack();
  new SecretAccessMonitor(stack, 'Monitor');
  const template = Template.fromStack(stack);

  test('a multi-Region trail with log file validation, KMS encryption and CloudWatch Logs delivery', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsLogging: true,
      KMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitorKey'), 'Arn'] },
      CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitorTrailLogGroup'), 'Arn'] },
      S3BucketName: { Ref: Match.stringLikeRegexp('^MonitorTrailBucket') },
    });
  });

  test('the log group is KMS-encrypted and keeps events one year', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitorKey'), 'Arn'] },
    });
  });

  test('both buckets: versioned, KMS, public access blocked, object lock, EventBridge notifications; trail bucket logs to the access-logs bucket', () => {
    template.resourcePropertiesCountIs('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      ObjectLockEnabled: true,
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    }, 2);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^MonitorAccessLogsBucket') }, LogFilePrefix: 'trail-bucket/' },
    });
    template.resourcePropertiesCountIs('AWS::S3::Bucket', { AccessControl: Match.anyValue() }, 0);
  });

  test('every bucket policy denies requests without TLS', () => {
    template.resourcePropertiesCountIs('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    }, 2);
  });

  test('the topic is encrypted with the monitor key and denies publishing without TLS', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitorKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('the key rotates, lets alarms of this account publish, and refuses grants not for AWS resources', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'AlarmsPublishToTopic',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: {
              StringEquals: { 'aws:SourceAccount': '111111111111' },
              ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:eu-west-1:111111111111:alarm:*']] } },
            },
          },
          Match.objectLike({ Sid: 'DenyGrantsNotForAwsResources', Effect: 'Deny', Action: 'kms:CreateGrant' }),
          Match.objectLike({
            Sid: 'CloudTrailEncryptsLogFiles',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': '111111111111' } }),
          }),
          Match.objectLike({
            Sid: 'CloudTrailDescribesKey',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
          }),
          Match.objectLike({
            Sid: 'CloudWatchLogsEncryptsTrailLogGroup',
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
          }),
          Match.objectLike({ Sid: 'S3ServerAccessLogsEncrypt', Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } } }),
        ]),
      },
    });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('every Allow for a service principal carries a source condition, except EventBridge (absent while no detector is a rule)', () => {
    const [key] = Object.values(template.findResources('AWS::KMS::Key'));
    const statements = key.Properties.KeyPolicy.Statement as Array<{ [key: string]: any }>;
    const services = statements.filter((st) => st.Effect === 'Allow' && st.Principal?.Service !== undefined);
    expect(services.map((st) => st.Sid)).toEqual([
      'AlarmsPublishToTopic', 'CloudTrailEncryptsLogFiles', 'CloudTrailDescribesKey', 'CloudWatchLogsEncryptsTrailLogGroup', 'S3ServerAccessLogsEncrypt',
    ]);
    for (const st of services) {
      expect(st.Condition).toBeDefined();
    }
  });

  test('one metric filter and one alarm per event kind, each alarm notifying the topic', () => {
    template.resourceCountIs('AWS::Logs::MetricFilter', DETECTORS.length);
    template.resourceCountIs('AWS::CloudWatch::Alarm', DETECTORS.length);
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', {
      ActionsEnabled: true,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^MonitorTopic') }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      Period: 300,
      Statistic: 'Sum',
      Namespace: 'HardenedSecrets/SecretAccess',
    }, DETECTORS.length);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'SecretAccessDenied', Threshold: 5 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'SecretDeletion', Threshold: 1 });
  });

  test('no dashboard and no Config rules unless asked', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    template.resourceCountIs('AWS::Config::ConfigRule', 0);
  });
});

describe('SecretAccessMonitor on an organisation trail log group', () => {
  test('creates no trail, bucket or key when the log group and the topic are given', () => {
    const stack = newStack();
    const topic = sns.Topic.fromTopicArn(stack, 'Topic', `arn:aws:sns:eu-west-1:${OWNER}:security-alerts`);
    new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack), topic });
    const template = Template.fromStack(stack);
    for (const type of ['AWS::CloudTrail::Trail', 'AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::SNS::Topic']) {
      template.resourceCountIs(type, 0);
    }
    template.resourcePropertiesCountIs('AWS::Logs::MetricFilter', { LogGroupName: 'aws-controltower/CloudTrailLogs' }, DETECTORS.length);
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: [`arn:aws:sns:eu-west-1:${OWNER}:security-alerts`] }, DETECTORS.length);
  });

  test('satisfies the SecretAccessMonitored rule of SecretsManagerChecks', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    monitor.watch(new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.none('Vendor API key without a rotation API') }));
    expect(ruleFindings(stack, 'SecretAccessMonitored')).toEqual([]);
  });
});

describe('O(1) in the number of secrets', () => {
  function counts(n: number): Record<string, number> {
    // GIVEN n secrets, read by three shared roles, encrypted by two shared keys
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack), dashboard: true });
    const readers = [READER_ROLE, INTRUDER_ROLE, ROTATION_ROLE].map((arn, i) => iam.Role.fromRoleArn(stack, `Reader${i}`, arn));
    const keys = [0, 1].map((i) => kms.Key.fromKeyArn(stack, `Key${i}`, `arn:aws:kms:eu-west-1:${OWNER}:key/0000000${i}-1111-2222-3333-444444444444`));
    for (let i = 0; i < n; i++) {
      const secret = secretsmanager.Secret.fromSecretAttributes(stack, `S${i}`, {
        secretCompleteArn: `arn:aws:secretsmanager:eu-west-1:${OWNER}:secret:prod/app/s${i}-AbCdEf`,
        encryptionKey: keys[i % 2],
      });
      monitor.watch(secret, { allowedReaders: [readers[i % 3]] });
    }
    const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>;
    const out: Record<string, number> = {};
    for (const r of Object.values(resources)) {
      out[r.Type] = (out[r.Type] ?? 0) + 1;
    }
    return out;
  }

  test('1, 100 and 1,000 watched secrets produce the same resources: one metric filter and alarm per event kind', () => {
    const one = counts(1);
    expect(one['AWS::Logs::MetricFilter']).toBe(DETECTORS.length);
    expect(one['AWS::CloudWatch::Alarm']).toBe(DETECTORS.length);
    expect(counts(100)).toEqual(one);
    expect(counts(1000)).toEqual(one);
  });

  test('watched HardenedSecrets: 1 and 50 secrets give the same monitor resources', () => {
    const monitorResources = (n: number) => {
      const stack = newStack();
      const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
      const key = new kms.Key(stack, 'Shared', { enableKeyRotation: true });
      const reader = iam.Role.fromRoleArn(stack, 'Reader', READER_ROLE, { mutable: false });
      for (let i = 0; i < n; i++) {
        monitor.watch(new HardenedSecret(stack, `S${i}`, { encryptionKey: key, rotation: SecretRotationPolicy.none('Test secret without rotation'), readers: [reader] }));
      }
      Template.fromStack(stack);
      return monitor.node.findAll()
        .filter((c) => (c as { cfnResourceType?: string }).cfnResourceType !== undefined)
        .map((c) => c.node.path)
        .sort();
    };
    const one = monitorResources(1);
    // A metric filter and an alarm per kind, plus the key, the topic and its policy.
    expect(one).toHaveLength(2 * DETECTORS.length + 3);
    expect(monitorResources(50)).toEqual(one);
  });
});

describe('filter pattern length and the EventBridge fallback', () => {
  const ARN_LENGTH = 60;
  const fit = largestFittingReaders(ARN_LENGTH);

  test(`at the boundary (${ARN_LENGTH}-character role ARNs) the read detector is a metric filter of at most 1,024 characters`, () => {
    expect(fit).toBeGreaterThan(3);
    const { monitor } = monitorWithReaders(fit, ARN_LENGTH);
    const pattern = deployedFilterPattern(monitor, SecretEventKind.UNEXPECTED_READ);
    expect(monitor.detectorType(SecretEventKind.UNEXPECTED_READ)).toBe(DetectorType.METRIC_FILTER);
    expect(pattern.length).toBeLessThanOrEqual(FILTER_PATTERN_MAX_LENGTH);
    // The estimate is exact for literal ARNs: one more reader would not fit.
    expect(pattern.length + ` && ($.userIdentity.sessionContext.sessionIssuer.arn != "${roleArnOfLength(fit, ARN_LENGTH)}")`.length).toBeGreaterThan(FILTER_PATTERN_MAX_LENGTH);
  });

  test('one reader more and the read detector becomes an EventBridge rule that admits read-only management events', () => {
    const { stack, monitor } = monitorWithReaders(fit + 1, ARN_LENGTH);
    const template = Template.fromStack(stack);
    expect(monitor.detectorType(SecretEventKind.UNEXPECTED_READ)).toBe(DetectorType.EVENT_RULE);
    expect(monitor.node.tryFindChild(detectorOf(SecretEventKind.UNEXPECTED_READ).id)).toBeUndefined();
    template.resourceCountIs('AWS::Logs::MetricFilter', DETECTORS.length - 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      EventPattern: Match.objectLike({ 'source': ['aws.secretsmanager'], 'detail-type': ['AWS API Call via CloudTrail'] }),
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^MonitorTopic') } })],
    });
    const rule = deployedEventPattern(monitor, SecretEventKind.UNEXPECTED_READ);
    expect(JSON.stringify(rule).length).toBeLessThanOrEqual(EVENT_PATTERN_DEFAULT_MAX_LENGTH);
  });

  test.each([
    ['an allowed reader (assumed-role session)', secretsCall('GetSecretValue', assumedRole(roleArnOfLength(3, 60))), false],
    ['an unknown role', secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), true],
    ['an IAM user', secretsCall('GetSecretValue', iamUser(OTHER_USER)), true],
    ['an unknown cross-account role (owner copy)', secretsCall('GetSecretValue', assumedRole(STRANGER_ROLE)), true],
    ['an unknown cross-account role (caller copy)', secretsCall('GetSecretValue', assumedRole(STRANGER_ROLE), { recipientAccountId: OTHER }), false],
    ['a refused read', { ...secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), errorCode: 'AccessDenied' }, false],
    ['DescribeSecret', secretsCall('DescribeSecret', assumedRole(INTRUDER_ROLE)), false],
  ])('the EventBridge read rule: %s → %s', (_label, record, expected) => {
    const { monitor } = monitorWithReaders(fit + 1, ARN_LENGTH);
    expect(eventMatches(deployedEventPattern(monitor, SecretEventKind.UNEXPECTED_READ), asEvent(record))).toBe(expected);
  });

  test('role ARNs that are tokens are measured at their longest deployed length (never underestimated)', () => {
    // GIVEN readers created in the stack, whose ARNs are tokens
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    const roles = [0, 1].map((i) => new iam.Role(stack, `Role${i}`, { assumedBy: new iam.AccountRootPrincipal() }));
    monitor.watch(secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', SECRET_ARN), { allowedReaders: roles });
    // WHEN the longest role name (64) in the longest partition is deployed
    const longest = (i: number) => `arn:aws-us-gov:iam::${OWNER}:role/${`${i}`.padEnd(64, 'n')}`;
    const pattern = deployedFilterPattern(monitor, SecretEventKind.UNEXPECTED_READ, {
      [logicalId(roles[0])]: longest(0),
      [logicalId(roles[1])]: longest(1),
    });
    // THEN the estimate is at least the deployed length, and the deployed pattern still works
    const set = emptyPrincipalSet();
    roles.forEach((r) => addPrincipal(set, r));
    const estimate = filterPattern(detectorOf(SecretEventKind.UNEXPECTED_READ), {
      accounts: [accountValue(OWNER)], keys: [], readers: set, writers: emptyPrincipalSet(),
    }).maxLength;
    expect(estimate).toBeGreaterThanOrEqual(pattern.length);
    expect(filterMatches(pattern, secretsCall('GetSecretValue', assumedRole(longest(0))))).toBe(false);
    expect(filterMatches(pattern, secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)))).toBe(true);
  });

  test('beyond the EventBridge quota synthesis fails with HardenedSecretsValidationError', () => {
    const { stack } = monitorWithReaders(40, 100);
    expect(() => Template.fromStack(stack)).toThrow(HardenedSecretsValidationError);
    expect(() => Template.fromStack(monitorWithReaders(40, 100).stack)).toThrow(
      /Stack\/Monitor: the union of allowedReaders of the watched secrets is too long for UNEXPECTED_READ: .*maxEventPatternLength is 2048/,
    );
  });

  test('a raised EventBridge quota (maxEventPatternLength 4096) admits the same readers as a rule', () => {
    const { stack, monitor } = monitorWithReaders(25, 100, { maxEventPatternLength: 4096 });
    Template.fromStack(stack);
    expect(monitor.detectorType(SecretEventKind.UNEXPECTED_READ)).toBe(DetectorType.EVENT_RULE);
    const size = JSON.stringify(deployedEventPattern(monitor, SecretEventKind.UNEXPECTED_READ)).length;
    expect(size).toBeGreaterThan(EVENT_PATTERN_DEFAULT_MAX_LENGTH);
    expect(size).toBeLessThanOrEqual(4096);
  });

  test('the write detector falls back to a rule in the ENABLED state (PutSecretValue is not read-only)', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    const writers = Array.from({ length: 15 }, (_, i) => iam.Role.fromRoleArn(stack, `W${i}`, roleArnOfLength(i, 60)));
    monitor.watch(secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', SECRET_ARN), { allowedWriters: writers });
    const template = Template.fromStack(stack);
    expect(monitor.detectorType(SecretEventKind.WRITE_OUTSIDE_ROTATION)).toBe(DetectorType.EVENT_RULE);
    template.hasResourceProperties('AWS::Events::Rule', { State: 'ENABLED' });
    const rule = deployedEventPattern(monitor, SecretEventKind.WRITE_OUTSIDE_ROTATION);
    expect(eventMatches(rule, asEvent(secretsCall('PutSecretValue', assumedRole(roleArnOfLength(2, 60)))))).toBe(false);
    expect(eventMatches(rule, asEvent(secretsCall('PutSecretValue', assumedRole(INTRUDER_ROLE))))).toBe(true);
  });

  test('the key detector falls back to every key of the account when the secrets use too many keys', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    for (let i = 0; i < 30; i++) {
      const keyArn = `arn:aws:kms:eu-west-1:${OWNER}:key/${String(i).padStart(8, '0')}-1111-2222-3333-444444444444`;
      const key = kms.Key.fromKeyArn(stack, `K${i}`, keyArn);
      monitor.watch(secretsmanager.Secret.fromSecretAttributes(stack, `S${i}`, { secretCompleteArn: `arn:aws:secretsmanager:eu-west-1:${OWNER}:secret:prod/app/s${i}-AbCdEf`, encryptionKey: key }));
    }
    const pattern = deployedFilterPattern(monitor, SecretEventKind.KEY_CHANGE);
    expect(pattern).not.toMatch(/resources/);
    expect(pattern.length).toBeLessThanOrEqual(FILTER_PATTERN_MAX_LENGTH);
  });

  test('eventPattern and filterPattern render the same lists', () => {
    const set = emptyPrincipalSet();
    addPrincipal(set, iam.Role.fromRoleArn(new Stack(), 'R', READER_ROLE));
    const inputs = { accounts: [accountValue(OWNER)], keys: [], readers: set, writers: emptyPrincipalSet() };
    const spec = detectorOf(SecretEventKind.UNEXPECTED_READ);
    expect(filterPattern(spec, inputs).pattern).toContain(READER_ROLE);
    expect(JSON.stringify(eventPattern(spec, inputs).pattern)).toContain(READER_ROLE);
  });
});

describe('rotation function errors', () => {
  test('one alarm per distinct function, not per secret: two secrets sharing a RotationFunction, one with its own Lambda function', () => {
    // GIVEN three rotated secrets, two of which share a RotationFunction
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    const shared = new RotationFunction(stack, 'TokenRotation', { vpc: importedVpc(stack) });
    const own = importedFunction(stack, 'Rotator', 'orders-rotator');
    monitor.watch(new HardenedSecret(stack, 'A', { rotation: SecretRotationPolicy.custom(shared) }));
    monitor.watch(new HardenedSecret(stack, 'B', { rotation: SecretRotationPolicy.custom(shared) }));
    monitor.watch(new HardenedSecret(stack, 'C', { rotation: SecretRotationPolicy.lambda(own) }));
    // THEN two alarms on the functions' Errors, and the event-kind alarms are unchanged
    const template = Template.fromStack(stack);
    const sharedName = { Ref: logicalId(shared.function) };
    expect(functionErrorAlarms(stack).map((a) => a.Dimensions)).toEqual([
      [{ Name: 'FunctionName', Value: sharedName }],
      [{ Name: 'FunctionName', Value: 'orders-rotator' }],
    ]);
    template.resourceCountIs('AWS::CloudWatch::Alarm', DETECTORS.length + 2);
    expect(monitor.rotationFunctionAlarms()).toHaveLength(2);
    expect(monitor.rotationFunctionAlarms()[0]).toBe(monitor.node.findChild('RotationFunctionErrors').node.children[0]);
  });

  test('the alarm: Sum of Errors >= 1 over the alarm period, missing data not breaching, notifying the topic', () => {
    const stack = newStack();
    const topic = sns.Topic.fromTopicArn(stack, 'Topic', `arn:aws:sns:eu-west-1:${OWNER}:security-alerts`);
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack), topic, alarmPeriod: Duration.minutes(15) });
    monitor.watch(new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.lambda(importedFunction(stack, 'Rotator', 'orders-rotator')) }));
    expect(functionErrorAlarms(stack)).toEqual([{
      AlarmDescription: expect.stringMatching(/^The rotation function Stack\/Rotator reported errors/),
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: 'orders-rotator' }],
      Statistic: 'Sum',
      Period: 900,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      ActionsEnabled: true,
      AlarmActions: [`arn:aws:sns:eu-west-1:${OWNER}:security-alerts`],
    }]);
  });

  test('the default topic is the action, as for the event-kind alarms', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor');
    monitor.watch(new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.lambda(importedFunction(stack, 'Rotator', 'orders-rotator')) }));
    expect(functionErrorAlarms(stack).map((a) => a.AlarmActions)).toEqual([[{ Ref: logicalId(monitor.topic) }]]);
  });

  test('no alarm for hosted rotation or no rotation', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    monitor.watch(new HardenedSecret(stack, 'Hosted', { rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlSingleUser()) }));
    monitor.watch(new HardenedSecret(stack, 'None', { rotation: SecretRotationPolicy.none('Vendor API key without a rotation API') }));
    expect(functionErrorAlarms(stack)).toEqual([]);
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', DETECTORS.length);
    expect(monitor.rotationFunctionAlarms()).toEqual([]);
  });

  test('watch() with rotationFunction: the alarm, and the function role as the default rotation role', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    const role = iam.Role.fromRoleArn(stack, 'RotatorRole', ROTATION_ROLE, { mutable: false });
    const fn = lambda.Function.fromFunctionAttributes(stack, 'Rotator', {
      functionArn: `arn:aws:lambda:eu-west-1:${OWNER}:function:orders-rotator`,
      role,
      sameEnvironment: true,
    });
    monitor.watch(secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', SECRET_ARN), { rotationFunction: fn });
    expect(functionErrorAlarms(stack).map((a) => a.Dimensions)).toEqual([[{ Name: 'FunctionName', Value: 'orders-rotator' }]]);
    const writes = deployedFilterPattern(monitor, SecretEventKind.WRITE_OUTSIDE_ROTATION);
    expect(filterMatches(writes, secretsCall('PutSecretValue', assumedRole(ROTATION_ROLE)))).toBe(false);
    expect(filterMatches(writes, secretsCall('PutSecretValue', assumedRole(INTRUDER_ROLE)))).toBe(true);
  });

  test('an explicit rotationRole wins over the function role', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    const fn = lambda.Function.fromFunctionAttributes(stack, 'Rotator', {
      functionArn: `arn:aws:lambda:eu-west-1:${OWNER}:function:orders-rotator`,
      role: iam.Role.fromRoleArn(stack, 'FnRole', INTRUDER_ROLE, { mutable: false }),
      sameEnvironment: true,
    });
    const rotationRole = iam.Role.fromRoleArn(stack, 'RotatorRole', ROTATION_ROLE, { mutable: false });
    monitor.watch(secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', SECRET_ARN), { rotationFunction: fn, rotationRole });
    const writes = deployedFilterPattern(monitor, SecretEventKind.WRITE_OUTSIDE_ROTATION);
    expect(filterMatches(writes, secretsCall('PutSecretValue', assumedRole(ROTATION_ROLE)))).toBe(false);
    expect(filterMatches(writes, secretsCall('PutSecretValue', assumedRole(INTRUDER_ROLE)))).toBe(true);
  });

  test('the same function imported twice by ARN, or given to watch() again, is one alarm', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    const first = importedFunction(stack, 'Rotator1', 'orders-rotator');
    const again = importedFunction(stack, 'Rotator2', 'orders-rotator');
    monitor.watch(secretsmanager.Secret.fromSecretCompleteArn(stack, 'S1', SECRET_ARN), { rotationFunction: first });
    monitor.watch(secretsmanager.Secret.fromSecretNameV2(stack, 'S2', 'prod/orders/other'), { rotationFunction: again });
    monitor.watch(secretsmanager.Secret.fromSecretNameV2(stack, 'S3', 'prod/orders/third'), { rotationFunction: first });
    expect(functionErrorAlarms(stack)).toHaveLength(1);
    expect(monitor.rotationFunctionAlarms()).toHaveLength(1);
  });

  test('a function in another region gets no alarm (its metric is not there) and a warning', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    monitor.watch(secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', SECRET_ARN), {
      rotationFunction: importedFunction(stack, 'Rotator', 'orders-rotator', 'us-east-1'),
    });
    expect(functionErrorAlarms(stack)).toEqual([]);
    Annotations.fromStack(stack).hasWarning('/Stack/Monitor', Match.stringLikeRegexp(
      'The rotation function Stack/Rotator of Stack/S is in 111111111111/us-east-1, not in the monitor\'s 111111111111/eu-west-1',
    ));
  });

  test('a function in another stack of the same environment is alarmed through a cross-stack reference', () => {
    const app = new App();
    const env = { account: OWNER, region: 'eu-west-1' };
    const rotationStack = new Stack(app, 'Rotation', { env });
    const fn = new lambda.Function(rotationStack, 'Rotator', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
    });
    const stack = new Stack(app, 'Secrets', { env });
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    monitor.watch(secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', SECRET_ARN), { rotationFunction: fn });
    expect(functionErrorAlarms(stack).map((a) => a.Dimensions)).toEqual([
      [{ Name: 'FunctionName', Value: { 'Fn::ImportValue': expect.stringMatching(/^Rotation:ExportsOutputRef/) } }],
    ]);
  });
});

describe('dashboard and AWS Config rules', () => {
  test('a dashboard with one widget per event kind', () => {
    const stack = newStack();
    new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack), dashboard: true });
    const body = JSON.stringify(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
    for (const spec of DETECTORS) {
      expect(body).toContain(`\\"${spec.id}\\"`);
    }
    expect((body.match(/\\"type\\":\\"metric\\"/g) ?? []).length).toBe(DETECTORS.length);
  });

  test('one more widget per distinct rotation function, graphing its Errors', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack), dashboard: true });
    const fn = importedFunction(stack, 'Rotator', 'orders-rotator');
    monitor.watch(new HardenedSecret(stack, 'A', { rotation: SecretRotationPolicy.lambda(fn) }));
    monitor.watch(new HardenedSecret(stack, 'B', { rotation: SecretRotationPolicy.lambda(fn) }));
    const body = JSON.stringify(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
    expect((body.match(/\\"type\\":\\"metric\\"/g) ?? []).length).toBe(DETECTORS.length + 1);
    expect(body).toContain('\\"AWS/Lambda\\",\\"Errors\\",\\"FunctionName\\",\\"orders-rotator\\"');
    expect(body).toContain('Errors of the rotation function Stack/Rotator');
  });

  test('the five managed rules, with the longest rotation interval of the watched secrets', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack), configRules: true, unusedSecretDays: 45 });
    const fn = lambda.Function.fromFunctionAttributes(stack, 'Rotator', { functionArn: `arn:aws:lambda:eu-west-1:${OWNER}:function:r`, sameEnvironment: true });
    monitor.watch(new HardenedSecret(stack, 'Weekly', { rotation: SecretRotationPolicy.lambda(fn, { automaticallyAfter: Duration.days(7) }) }));
    monitor.watch(new HardenedSecret(stack, 'Fortnightly', { rotation: SecretRotationPolicy.lambda(fn, { automaticallyAfter: Duration.days(14) }) }));
    const template = Template.fromStack(stack);
    // Five managed rules; the catalogue's custom policy rules are SecretsConfigRules' (test/guard/config-rules.test.ts).
    expect(Object.keys(template.findResources('AWS::Config::ConfigRule', { Properties: { Source: { Owner: 'AWS' } } }))).toHaveLength(5);
    const rule = (id: string, params?: object) => template.hasResourceProperties('AWS::Config::ConfigRule', {
      Source: { Owner: 'AWS', SourceIdentifier: id },
      Scope: { ComplianceResourceTypes: ['AWS::SecretsManager::Secret'] },
      ...(params ? { InputParameters: params } : {}),
    });
    rule('SECRETSMANAGER_ROTATION_ENABLED_CHECK', { maximumAllowedRotationFrequency: 14 });
    rule('SECRETSMANAGER_SECRET_PERIODIC_ROTATION', { maxDaysSinceRotation: 14 });
    rule('SECRETSMANAGER_SECRET_UNUSED', { unusedForDays: 45 });
    rule('SECRETSMANAGER_SCHEDULED_ROTATION_SUCCESS_CHECK');
    rule('SECRETSMANAGER_USING_CMK');
  });

  test('without rotating secrets the rotation rules use the library default (30 days)', () => {
    const stack = newStack();
    new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack), configRules: true });
    Template.fromStack(stack).hasResourceProperties('AWS::Config::ConfigRule', {
      Source: { Owner: 'AWS', SourceIdentifier: 'SECRETSMANAGER_ROTATION_ENABLED_CHECK' },
      InputParameters: { maximumAllowedRotationFrequency: 30 },
    });
  });
});

describe('props validation', () => {
  const build = (props: object) => () => {
    const stack = new Stack(new App(), 'Stack');
    new SecretAccessMonitor(stack, 'Monitor', props);
  };

  test.each([
    [{ alarmPeriod: Duration.seconds(30) }, /invalid `alarmPeriod`: got 30 seconds; allowed: whole minutes from 1 minute to 1 day/],
    [{ alarmPeriod: Duration.seconds(90) }, /invalid `alarmPeriod`/],
    [{ alarmPeriod: Duration.days(2) }, /invalid `alarmPeriod`/],
    [{ accessDeniedThreshold: 0 }, /invalid `accessDeniedThreshold`: got 0; allowed: a whole number from 1 to 10000/],
    [{ accessDeniedThreshold: 2.5 }, /invalid `accessDeniedThreshold`/],
    [{ accessDeniedThreshold: 10001 }, /invalid `accessDeniedThreshold`/],
    [{ configRules: true, unusedSecretDays: 366 }, /invalid `unusedSecretDays`: got 366; allowed: a whole number from 1 to 365/],
    [{ maxEventPatternLength: 2047 }, /invalid `maxEventPatternLength`: got 2047; allowed: a whole number from 2048 to 4096/],
    [{ maxEventPatternLength: 4097 }, /invalid `maxEventPatternLength`/],
    [{ metricNamespace: 'AWS/Secrets' }, /invalid `metricNamespace`: got "AWS\/Secrets"; allowed: 1 to 255 printable ASCII characters/],
    [{ metricNamespace: '' }, /invalid `metricNamespace`/],
    [{ unusedSecretDays: 30 }, /conflicting props `unusedSecretDays` and `configRules`/],
  ])('%j is refused', (props, message) => {
    expect(build(props)).toThrow(HardenedSecretsValidationError);
    expect(build(props)).toThrow(message);
  });

  test('a log group with logRetention is a conflict', () => {
    expect(() => {
      const stack = new Stack(new App(), 'Stack');
      new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack), logRetention: logs.RetentionDays.ONE_MONTH });
    }).toThrow(/Stack\/Monitor: conflicting props `cloudTrailLogGroup` and `logRetention`/);
  });

  test('every problem is reported at once', () => {
    expect(build({ accessDeniedThreshold: 0, alarmPeriod: Duration.seconds(1) })).toThrow(/Stack\/Monitor: 2 invalid props/);
  });

  test.each([[1, 60], [10000, 86400]])('the bounds are accepted (threshold %d, period %d s)', (threshold, seconds) => {
    expect(build({ accessDeniedThreshold: threshold, alarmPeriod: Duration.seconds(seconds) })).not.toThrow();
  });
});

describe('metric(kind, options)', () => {
  test('is the sum over the alarm period unless the options say otherwise', () => {
    // GIVEN a monitor on an organisation trail
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    // WHEN the metric is asked for with and without options
    const plain = monitor.metric(SecretEventKind.DELETION);
    const daily = monitor.metric(SecretEventKind.DELETION, { period: Duration.days(1), statistic: 'Maximum', label: 'deletions' });
    // THEN the defaults hold, and each option given replaces its default only
    expect(plain.statistic).toBe('Sum');
    expect(daily).toMatchObject({ statistic: 'Maximum', label: 'deletions', namespace: plain.namespace, metricName: plain.metricName });
    expect(daily.period.toDays()).toBe(1);
  });
});
