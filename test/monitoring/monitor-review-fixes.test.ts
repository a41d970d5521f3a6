/**
 * The monitor's regional blind spot with EventBridge rules, the deployment roles as allowed
 * readers, and the source conditions of the monitor key policy.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { asEvent, assumedRole, INTRUDER_ROLE, OWNER, READER_ROLE, SECRET_ARN, secretsCall } from './cloudtrail-records';
import { eventMatches } from './event-pattern';
import { filterMatches } from './filter-pattern';
import { deployedEventPattern, deployedFilterPattern } from './template-values';
import { DetectorType, HardenedSecret, SecretAccessMonitor, SecretEventKind, SecretRotationPolicy } from '../../src';
import { detectorOf } from '../../src/monitoring/event-kinds';
import { FILTER_PATTERN_MAX_LENGTH, filterPattern } from '../../src/monitoring/patterns';
import { addPrincipal, BoundedRoleArnPrincipal, deploymentReaders, emptyPrincipalSet, subArnMaxLength } from '../../src/monitoring/principals';
import { newStack } from '../nag-helpers';

const REGIONAL = 'cdk-hardened-secrets:monitor-eventbridge-regional';
const CFN_EXEC_ROLE = `arn:aws:iam::${OWNER}:role/cdk-hnb659fds-cfn-exec-role-${OWNER}-eu-west-1`;
const noRotation = () => SecretRotationPolicy.none('Test secret without rotation');
const orgTrail = (stack: Stack) => logs.LogGroup.fromLogGroupName(stack, 'OrgTrail', 'aws-controltower/CloudTrailLogs');

/** `n` literal reader roles of 60 characters: 20 are too many for a metric filter. */
function readers(stack: Stack, n: number): iam.IRole[] {
  return Array.from({ length: n }, (_, i) => {
    const prefix = `arn:aws:iam::${OWNER}:role/r${i}-`;
    return iam.Role.fromRoleArn(stack, `R${i}`, prefix + 'x'.repeat(60 - prefix.length), { mutable: false });
  });
}

function regionalWarnings(stack: Stack) {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(REGIONAL));
}

describe('an EventBridge rule sees only its own region', () => {
  test('a replicated secret behind a read rule: a warning on the monitor naming the kind and the replica regions', () => {
    // GIVEN a monitor whose reader list is too long for a metric filter
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    // WHEN it watches a secret replicated to two regions
    const secret = new HardenedSecret(stack, 'Db', {
      rotation: noRotation(),
      monitor,
      readers: readers(stack, 20),
      replicaRegions: [{ region: 'us-east-1' }, { region: 'eu-central-1' }],
    });
    Template.fromStack(stack);
    // THEN the read detector is a rule, and the monitor warns about both regions, once
    expect(monitor.detectorType(SecretEventKind.UNEXPECTED_READ)).toBe(DetectorType.EVENT_RULE);
    const warnings = regionalWarnings(stack);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].id).toBe('/Stack/Monitor');
    const text = String(warnings[0].entry.data);
    expect(text).toMatch(/^UNEXPECTED_READ is an EventBridge rule/);
    expect(text).toContain('cannot see eu-central-1, us-east-1 ');
    expect(text).toContain(`us-east-1: replica of ${secret.node.path}`);
  });

  test('a replica added later (addReplicaRegion) counts too', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    const secret = new HardenedSecret(stack, 'Db', { rotation: noRotation(), monitor, readers: readers(stack, 20) });
    secret.addReplicaRegion('ap-southeast-2');
    Template.fromStack(stack);
    expect(regionalWarnings(stack).map((w) => String(w.entry.data))).toEqual([expect.stringContaining('cannot see ap-southeast-2 ')]);
  });

  test('a watched secret of another region behind a rule: a warning naming that region', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    const elsewhere = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Elsewhere', `arn:aws:secretsmanager:us-west-2:${OWNER}:secret:app-AbCdEf`);
    monitor.watch(elsewhere, { allowedReaders: readers(stack, 20) });
    Template.fromStack(stack);
    expect(regionalWarnings(stack).map((w) => String(w.entry.data))).toEqual([expect.stringContaining('cannot see us-west-2 (us-west-2: Stack/Elsewhere)')]);
  });

  test('the write detector as a rule warns under its own kind', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    new HardenedSecret(stack, 'Db', { rotation: noRotation(), monitor, replicaRegions: [{ region: 'us-east-1' }] });
    const secret = stack.node.findChild('Db') as HardenedSecret;
    for (const r of readers(stack, 20)) {
      secret.grantWrite(r);
    }
    Template.fromStack(stack);
    expect(monitor.detectorType(SecretEventKind.WRITE_OUTSIDE_ROTATION)).toBe(DetectorType.EVENT_RULE);
    expect(monitor.detectorType(SecretEventKind.UNEXPECTED_READ)).toBe(DetectorType.METRIC_FILTER);
    expect(regionalWarnings(stack).map((w) => String(w.entry.data))).toEqual([expect.stringMatching(/^WRITE_OUTSIDE_ROTATION is an EventBridge rule.*cannot see us-east-1 /)]);
  });

  test('no warning: replicas behind metric filters, or a rule watching only secrets of its own region', () => {
    // Metric filters read the multi-Region trail: replicas are seen.
    const filters = newStack();
    const m1 = new SecretAccessMonitor(filters, 'Monitor', { cloudTrailLogGroup: orgTrail(filters) });
    new HardenedSecret(filters, 'Db', { rotation: noRotation(), monitor: m1, replicaRegions: [{ region: 'us-east-1' }] });
    Template.fromStack(filters);
    expect(m1.detectorType(SecretEventKind.UNEXPECTED_READ)).toBe(DetectorType.METRIC_FILTER);
    expect(regionalWarnings(filters)).toEqual([]);
    // A rule, but nothing outside eu-west-1.
    const local = newStack();
    const m2 = new SecretAccessMonitor(local, 'Monitor', { cloudTrailLogGroup: orgTrail(local) });
    new HardenedSecret(local, 'Db', { rotation: noRotation(), monitor: m2, readers: readers(local, 20) });
    Template.fromStack(local);
    expect(m2.detectorType(SecretEventKind.UNEXPECTED_READ)).toBe(DetectorType.EVENT_RULE);
    expect(regionalWarnings(local)).toEqual([]);
  });
});

describe('the deployment roles are allowed readers of a HardenedSecret', () => {
  test('a GetSecretValue by the CloudFormation execution role (assumed-role session) does not match; others still do', () => {
    // GIVEN a HardenedSecret with a monitor, in a stack of the default synthesizer
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    new HardenedSecret(stack, 'Db', { rotation: noRotation(), monitor, readers: [iam.Role.fromRoleArn(stack, 'Reader', READER_ROLE)] });
    // WHEN CloudFormation resolves a {{resolve:secretsmanager:...}} reference, and when someone else reads
    const pattern = deployedFilterPattern(monitor, SecretEventKind.UNEXPECTED_READ);
    const deploy = secretsCall('GetSecretValue', assumedRole(CFN_EXEC_ROLE, 'AWSCloudFormation'));
    // THEN only the intruder matches, whatever `!=` does on a missing field
    for (const notEqualsOnMissing of ['match', 'no-match'] as const) {
      expect(filterMatches(pattern, deploy, { notEqualsOnMissing })).toBe(false);
      expect(filterMatches(pattern, secretsCall('GetSecretValue', assumedRole(READER_ROLE)), { notEqualsOnMissing })).toBe(false);
      expect(filterMatches(pattern, secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), { notEqualsOnMissing })).toBe(true);
    }
  });

  test('the execution role is allowed by the EventBridge rule too', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    new HardenedSecret(stack, 'Db', { rotation: noRotation(), monitor, readers: readers(stack, 20) });
    Template.fromStack(stack);
    const pattern = deployedEventPattern(monitor, SecretEventKind.UNEXPECTED_READ);
    expect(eventMatches(pattern, asEvent(secretsCall('GetSecretValue', assumedRole(CFN_EXEC_ROLE, 'AWSCloudFormation'))))).toBe(false);
    expect(eventMatches(pattern, asEvent(secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE))))).toBe(true);
  });

  test('deploymentRoles replace the synthesizer role', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    const pipeline = `arn:aws:iam::${OWNER}:role/pipeline-deploy`;
    new HardenedSecret(stack, 'Db', { rotation: noRotation(), monitor, deploymentRoles: [iam.Role.fromRoleArn(stack, 'Pipeline', pipeline)] });
    const pattern = deployedFilterPattern(monitor, SecretEventKind.UNEXPECTED_READ);
    expect(filterMatches(pattern, secretsCall('GetSecretValue', assumedRole(pipeline)))).toBe(false);
    expect(filterMatches(pattern, secretsCall('GetSecretValue', assumedRole(CFN_EXEC_ROLE)))).toBe(true);
  });

  test('secrets watched by monitor.watch() get no deployment role: only what the caller allows', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    monitor.watch(secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', SECRET_ARN), { allowedReaders: [] });
    const pattern = deployedFilterPattern(monitor, SecretEventKind.UNEXPECTED_READ);
    expect(filterMatches(pattern, secretsCall('GetSecretValue', assumedRole(CFN_EXEC_ROLE)))).toBe(true);
  });

  test('an environment-agnostic stack: the token ARN with the qualifier, measured at its longest deployed length', () => {
    // GIVEN the default synthesizer's ARN with every pseudo parameter left to CloudFormation
    const stack = new Stack(new App(), 'Agnostic');
    const [reader] = deploymentReaders(stack);
    expect(reader).toBeInstanceOf(BoundedRoleArnPrincipal);
    expect(stack.resolve((reader as BoundedRoleArnPrincipal).arn)).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-cfn-exec-role-${AWS::AccountId}-${AWS::Region}',
    });
    // THEN its length: aws-us-gov (10), two account ids (12), a region of up to 20 characters
    const longest = 'arn:' + 'x'.repeat(10) + ':iam::' + 'x'.repeat(12) + ':role/cdk-hnb659fds-cfn-exec-role-' + 'x'.repeat(12) + '-' + 'x'.repeat(20);
    expect((reader as BoundedRoleArnPrincipal).maxArnLength).toBe(longest.length);
    const set = emptyPrincipalSet();
    expect(addPrincipal(set, reader)).toBe(true);
    expect(set.roles).toEqual([expect.objectContaining({ maxLength: longest.length })]);
    // AND the read pattern with it stays a metric filter, measured with that length
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    new HardenedSecret(stack, 'Db', { rotation: noRotation(), monitor, readers: [iam.Role.fromRoleArn(stack, 'Reader', READER_ROLE)] });
    Template.fromStack(stack);
    expect(monitor.detectorType(SecretEventKind.UNEXPECTED_READ)).toBe(DetectorType.METRIC_FILTER);
    const inputs = (monitor as unknown as { patternInputs(): Parameters<typeof filterPattern>[1] }).patternInputs();
    expect(inputs.readers.roles.map((r) => r.maxLength)).toEqual([longest.length, READER_ROLE.length]);
    expect(filterPattern(detectorOf(SecretEventKind.UNEXPECTED_READ), inputs).maxLength).toBeLessThanOrEqual(FILTER_PATTERN_MAX_LENGTH);
  });

  test('one deployment role for many secrets of a stack (each makes its own token)', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    for (let i = 0; i < 10; i++) {
      new HardenedSecret(stack, `S${i}`, { rotation: noRotation(), monitor });
    }
    const pattern = deployedFilterPattern(monitor, SecretEventKind.UNEXPECTED_READ);
    expect(pattern.split('cfn-exec-role')).toHaveLength(2);
  });

  test('subArnMaxLength: unknown placeholders and non-role ARNs fall back to the longest role ARN', () => {
    const anyRole = 'arn:aws-us-gov:iam::123456789012:role'.length + 512 + 64;
    expect(subArnMaxLength({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${Other}:role/x' })).toBe(anyRole);
    expect(subArnMaxLength({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::bucket' })).toBe(anyRole);
    expect(subArnMaxLength({ 'Fn::GetAtt': ['Role', 'Arn'] })).toBe(anyRole);
    expect(subArnMaxLength(`arn:aws:iam::${OWNER}:role/deploy`)).toBe(`arn:aws:iam::${OWNER}:role/deploy`.length);
  });
});

describe('monitor key policy: source conditions', () => {
  test('EventBridge may use the key only once a detector is a rule, by one statement', () => {
    const statementsOf = (stack: Stack) => {
      const [key] = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'));
      return key.Properties.KeyPolicy.Statement as Array<{ [key: string]: any }>;
    };
    // All metric filters: no EventBridge statement.
    const filters = newStack();
    new SecretAccessMonitor(filters, 'Monitor', { cloudTrailLogGroup: orgTrail(filters) })
      .watch(secretsmanager.Secret.fromSecretCompleteArn(filters, 'S', SECRET_ARN), { allowedReaders: readers(filters, 2) });
    expect(statementsOf(filters).filter((st) => JSON.stringify(st.Principal).includes('events.amazonaws.com'))).toEqual([]);
    // A rule: one statement, whatever the number of rules.
    const rules = newStack();
    const monitor = new SecretAccessMonitor(rules, 'Monitor', { cloudTrailLogGroup: orgTrail(rules) });
    const many = readers(rules, 20);
    monitor.watch(secretsmanager.Secret.fromSecretCompleteArn(rules, 'S', SECRET_ARN), { allowedReaders: many, allowedWriters: many });
    const events = statementsOf(rules).filter((st) => JSON.stringify(st.Principal).includes('events.amazonaws.com'));
    expect(monitor.detectorType(SecretEventKind.WRITE_OUTSIDE_ROTATION)).toBe(DetectorType.EVENT_RULE);
    // The one the SnsTopic target of aws-cdk-lib adds for an encrypted topic: no Condition (see the source).
    expect(events).toEqual([{
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
    }]);
  });

  test('the alarms statement is bound to this account and its alarms', () => {
    const stack = newStack();
    new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AlarmsPublishToTopic',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': OWNER },
            ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudwatch:eu-west-1:${OWNER}:alarm:*`]] } },
          },
        })]),
      },
    });
  });
});
