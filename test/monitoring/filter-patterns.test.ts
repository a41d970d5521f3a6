import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  apiCall, assumedRole, awsService, denied, iamUser, INTRUDER_ROLE, KEY_ARN, kmsCall, OTHER, OTHER_KEY_ARN, OTHER_USER,
  OWNER, PARTNER_ROLE, READER_ROLE, READER_USER, Record, root, ROTATION_ROLE, rotationFailed, SECRET_ARN, secretsCall, STRANGER_ROLE,
} from './cloudtrail-records';
import { EvaluateOptions, filterMatches, parseFilterPattern } from './filter-pattern';
import { deployedFilterPattern } from './template-values';
import { SecretAccessMonitor, SecretEventKind } from '../../src';
import { FILTER_PATTERN_MAX_LENGTH } from '../../src/monitoring/patterns';
import { newStack } from '../nag-helpers';

const SEMANTICS: EvaluateOptions[] = [{ notEqualsOnMissing: 'no-match' }, { notEqualsOnMissing: 'match' }];

/** A monitor on an existing (organisation) log group watching one imported secret. */
function buildMonitor(): SecretAccessMonitor {
  const stack = newStack();
  const monitor = new SecretAccessMonitor(stack, 'Monitor', {
    cloudTrailLogGroup: logs.LogGroup.fromLogGroupName(stack, 'OrgTrail', 'aws-controltower/CloudTrailLogs'),
  });
  const secret = secretsmanager.Secret.fromSecretAttributes(stack, 'Secret', {
    secretCompleteArn: SECRET_ARN,
    encryptionKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN),
  });
  monitor.watch(secret, {
    allowedReaders: [
      iam.Role.fromRoleArn(stack, 'Reader', READER_ROLE),
      iam.Role.fromRoleArn(stack, 'Partner', PARTNER_ROLE),
      iam.User.fromUserArn(stack, 'ReportBot', READER_USER),
    ],
    rotationRole: iam.Role.fromRoleArn(stack, 'Rotation', ROTATION_ROLE),
  });
  return monitor;
}

const monitor = buildMonitor();
const patterns = new Map<SecretEventKind, string>(
  Object.values(SecretEventKind).map((kind) => [kind, deployedFilterPattern(monitor, kind)]),
);

type Case = [string, Record, boolean];

function check(kind: SecretEventKind, cases: Case[]): void {
  describe(kind, () => {
    test('the pattern parses and stays under the CloudWatch Logs limit', () => {
      const pattern = patterns.get(kind)!;
      expect(() => parseFilterPattern(pattern)).not.toThrow();
      expect(pattern.length).toBeLessThanOrEqual(FILTER_PATTERN_MAX_LENGTH);
    });
    test.each(cases)('%s → %s', (_label, record, expected) => {
      for (const semantics of SEMANTICS) {
        // THEN the answer is the same whatever `!=` does on an absent field
        expect(filterMatches(patterns.get(kind)!, record, semantics)).toBe(expected);
      }
    });
  });
}

check(SecretEventKind.UNEXPECTED_READ, [
  ['allowed reader role (assumed-role session)', secretsCall('GetSecretValue', assumedRole(READER_ROLE)), false],
  ['allowed reader role, another session name', secretsCall('GetSecretValue', assumedRole(READER_ROLE, 'i-0123456789abcdef0')), false],
  ['allowed reader role, BatchGetSecretValue', secretsCall('BatchGetSecretValue', assumedRole(READER_ROLE)), false],
  ['rotation role reading AWSPENDING', secretsCall('GetSecretValue', assumedRole(ROTATION_ROLE)), false],
  ['allowed IAM user', secretsCall('GetSecretValue', iamUser(READER_USER)), false],
  ['allowed cross-account role (owner copy)', secretsCall('GetSecretValue', assumedRole(PARTNER_ROLE)), false],
  ['other role of the account', secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), true],
  ['other role, BatchGetSecretValue', secretsCall('BatchGetSecretValue', assumedRole(INTRUDER_ROLE)), true],
  ['session named like the reader, issued by another role', secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE, 'orders-api')), true],
  ['other IAM user', secretsCall('GetSecretValue', iamUser(OTHER_USER)), true],
  ['account root', secretsCall('GetSecretValue', root()), true],
  ['an AWS service', secretsCall('GetSecretValue', awsService('ecs-tasks.amazonaws.com')), true],
  ['unknown cross-account role (owner copy)', secretsCall('GetSecretValue', assumedRole(STRANGER_ROLE)), true],
  ['unknown cross-account role (caller copy)', secretsCall('GetSecretValue', assumedRole(STRANGER_ROLE), { recipientAccountId: OTHER }), false],
  ['refused read (counted by the AccessDenied burst instead)', denied(secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE))), false],
  ['DescribeSecret by anyone', secretsCall('DescribeSecret', assumedRole(INTRUDER_ROLE)), false],
  ['GetSecretValue on another service', apiCall('ssm.amazonaws.com', 'GetSecretValue', assumedRole(INTRUDER_ROLE)), false],
]);

check(SecretEventKind.DELETION, [
  ['DeleteSecret', secretsCall('DeleteSecret', assumedRole(INTRUDER_ROLE)), true],
  ['DeleteSecret by the reader', secretsCall('DeleteSecret', assumedRole(READER_ROLE)), true],
  ['RestoreSecret', secretsCall('RestoreSecret', iamUser(OTHER_USER)), true],
  ['DeleteSecret refused by the resource policy', denied(secretsCall('DeleteSecret', assumedRole(INTRUDER_ROLE))), false],
  ['DeleteSecret in an unwatched account', secretsCall('DeleteSecret', assumedRole(STRANGER_ROLE), { recipientAccountId: OTHER }), false],
  ['GetSecretValue', secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), false],
]);

check(SecretEventKind.WRITE_OUTSIDE_ROTATION, [
  ['PutSecretValue by the rotation role', secretsCall('PutSecretValue', assumedRole(ROTATION_ROLE, 'orders-db-rotation-fn')), false],
  ['UpdateSecretVersionStage by the rotation role', secretsCall('UpdateSecretVersionStage', assumedRole(ROTATION_ROLE)), false],
  ['PutSecretValue by a reader', secretsCall('PutSecretValue', assumedRole(READER_ROLE)), true],
  ['PutSecretValue by an IAM user', secretsCall('PutSecretValue', iamUser(OTHER_USER)), true],
  ['UpdateSecretVersionStage by root', secretsCall('UpdateSecretVersionStage', root()), true],
  ['PutSecretValue from another account (owner copy)', secretsCall('PutSecretValue', assumedRole(STRANGER_ROLE)), true],
  ['refused PutSecretValue', denied(secretsCall('PutSecretValue', assumedRole(INTRUDER_ROLE))), false],
]);

check(SecretEventKind.SECRET_UPDATED, [
  ['UpdateSecret (e.g. KmsKeyId change)', secretsCall('UpdateSecret', assumedRole(INTRUDER_ROLE), { requestParameters: { secretId: SECRET_ARN, kmsKeyId: OTHER_KEY_ARN } }), true],
  ['UpdateSecret by root', secretsCall('UpdateSecret', root()), true],
  ['UpdateSecretVersionStage is not UpdateSecret', secretsCall('UpdateSecretVersionStage', assumedRole(INTRUDER_ROLE)), false],
  ['refused UpdateSecret', denied(secretsCall('UpdateSecret', assumedRole(INTRUDER_ROLE))), false],
]);

check(SecretEventKind.POLICY_CHANGE, [
  ['PutResourcePolicy', secretsCall('PutResourcePolicy', assumedRole(INTRUDER_ROLE)), true],
  ['DeleteResourcePolicy', secretsCall('DeleteResourcePolicy', iamUser(OTHER_USER)), true],
  ['GetResourcePolicy', secretsCall('GetResourcePolicy', assumedRole(INTRUDER_ROLE)), false],
  ['refused PutResourcePolicy', denied(secretsCall('PutResourcePolicy', assumedRole(INTRUDER_ROLE))), false],
]);

check(SecretEventKind.REPLICATION_CHANGE, [
  ['ReplicateSecretToRegions', secretsCall('ReplicateSecretToRegions', assumedRole(INTRUDER_ROLE)), true],
  ['RemoveRegionsFromReplication', secretsCall('RemoveRegionsFromReplication', assumedRole(INTRUDER_ROLE)), true],
  ['StopReplicationToReplica', secretsCall('StopReplicationToReplica', root()), true],
  ['refused StopReplicationToReplica', denied(secretsCall('StopReplicationToReplica', root())), false],
  ['CreateSecret', secretsCall('CreateSecret', assumedRole(INTRUDER_ROLE)), false],
]);

check(SecretEventKind.ROTATION_FAILED, [
  ['RotationFailed service event', rotationFailed(), true],
  ['RotationFailed in an unwatched account', rotationFailed(OTHER), false],
  ['RotationSucceeded', { ...rotationFailed(), eventName: 'RotationSucceeded' }, false],
  ['RotateSecret call', secretsCall('RotateSecret', assumedRole(INTRUDER_ROLE)), false],
]);

check(SecretEventKind.KEY_CHANGE, [
  ['DisableKey on the secret key', kmsCall('DisableKey', assumedRole(INTRUDER_ROLE)), true],
  ['ScheduleKeyDeletion on the secret key', kmsCall('ScheduleKeyDeletion', root()), true],
  ['PutKeyPolicy on the secret key', kmsCall('PutKeyPolicy', iamUser(OTHER_USER)), true],
  ['DisableKey on another key', kmsCall('DisableKey', assumedRole(INTRUDER_ROLE), { resources: [{ accountId: OWNER, type: 'AWS::KMS::Key', ARN: OTHER_KEY_ARN }] }), false],
  ['refused ScheduleKeyDeletion', denied(kmsCall('ScheduleKeyDeletion', assumedRole(INTRUDER_ROLE))), false],
  ['Decrypt', kmsCall('Decrypt', assumedRole(READER_ROLE)), false],
  ['DisableKey on Secrets Manager (not KMS)', secretsCall('DisableKey', assumedRole(INTRUDER_ROLE)), false],
]);

check(SecretEventKind.ACCESS_DENIED_BURST, [
  ['GetSecretValue AccessDenied', denied(secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE))), true],
  ['AccessDeniedException (KMS through Secrets Manager)', { ...secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), errorCode: 'AccessDeniedException' }, true],
  ['DeleteSecret AccessDenied by the resource policy', denied(secretsCall('DeleteSecret', root())), true],
  ['ResourceNotFoundException', { ...secretsCall('GetSecretValue', assumedRole(READER_ROLE)), errorCode: 'ResourceNotFoundException' }, false],
  ['successful read', secretsCall('GetSecretValue', assumedRole(READER_ROLE)), false],
  ['KMS AccessDenied outside Secrets Manager', denied(kmsCall('Decrypt', assumedRole(INTRUDER_ROLE))), false],
]);

describe('the filter-pattern evaluator', () => {
  test('parses the CDK renderings of NOT EXISTS, IS NULL and wildcards', () => {
    expect(filterMatches('{ $.a NOT EXISTS }', { b: 1 })).toBe(true);
    expect(filterMatches('{ $.a IS NULL }', { a: null })).toBe(true);
    expect(filterMatches('{ ($.a = "ab*") && ($.b[0].c = "x") }', { a: 'abc', b: [{ c: 'x' }] })).toBe(true);
    expect(filterMatches('{ ($.a = "ab*") || ($.b = 2) }', { a: 'xbc', b: 2 })).toBe(true);
  });

  test('refuses && and || mixed without parentheses, and unsupported syntax', () => {
    expect(() => parseFilterPattern('{ $.a = 1 && $.b = 2 || $.c = 3 }')).toThrow(/parentheses around mixed && and \|\|/);
    expect(() => parseFilterPattern('{ $.a > 1 }')).toThrow(/expected '=', '!=', 'NOT EXISTS' or 'IS NULL'/);
    expect(() => parseFilterPattern('[ip, user]')).toThrow(/expected '\{'/);
  });
});

describe('an account-wide reader', () => {
  test('exempts the roles and users of that account, not its root nor other accounts', () => {
    // GIVEN a reader that is a whole account (a cross-account grant to the account)
    const stack = newStack();
    const m = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: logs.LogGroup.fromLogGroupName(stack, 'OrgTrail', 'org') });
    m.watch(secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', SECRET_ARN), { allowedReaders: [new iam.AccountPrincipal(OTHER)] });
    // WHEN the pattern is rendered
    const pattern = deployedFilterPattern(m, SecretEventKind.UNEXPECTED_READ);
    // THEN
    for (const semantics of SEMANTICS) {
      expect(filterMatches(pattern, secretsCall('GetSecretValue', assumedRole(STRANGER_ROLE)), semantics)).toBe(false);
      expect(filterMatches(pattern, secretsCall('GetSecretValue', iamUser(`arn:aws:iam::${OTHER}:user/bob`)), semantics)).toBe(false);
      expect(filterMatches(pattern, secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), semantics)).toBe(true);
      expect(filterMatches(pattern, secretsCall('GetSecretValue', iamUser(OTHER_USER)), semantics)).toBe(true);
      expect(filterMatches(pattern, secretsCall('GetSecretValue', root(OTHER)), semantics)).toBe(true);
    }
  });

  test('a service principal reader is matched on invokedBy', () => {
    const stack = newStack();
    const m = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: logs.LogGroup.fromLogGroupName(stack, 'OrgTrail', 'org') });
    m.watch(secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', SECRET_ARN), { allowedReaders: [new iam.ServicePrincipal('appflow.amazonaws.com')] });
    const pattern = deployedFilterPattern(m, SecretEventKind.UNEXPECTED_READ);
    for (const semantics of SEMANTICS) {
      expect(filterMatches(pattern, secretsCall('GetSecretValue', awsService('appflow.amazonaws.com')), semantics)).toBe(false);
      expect(filterMatches(pattern, secretsCall('GetSecretValue', awsService('dms.amazonaws.com')), semantics)).toBe(true);
      expect(filterMatches(pattern, secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), semantics)).toBe(true);
    }
  });
});
