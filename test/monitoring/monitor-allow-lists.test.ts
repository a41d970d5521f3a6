/**
 * The allow-lists a watched HardenedSecret brings besides its grants: the roles CloudFormation
 * deploys its stack as read it when resolving dynamic references, without an alarm.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { asEvent, assumedRole, INTRUDER_ROLE, OWNER, READER_ROLE, SECRET_ARN, secretsCall } from './cloudtrail-records';
import { eventMatches } from './event-pattern';
import { filterMatches } from './filter-pattern';
import { literalReaders, noRotation, orgTrail } from './monitor-fixtures';
import { deployedEventPattern, deployedFilterPattern } from './template-values';
import { DetectorType, HardenedSecret, SecretAccessMonitor, SecretEventKind } from '../../src';
import { detectorOf } from '../../src/monitoring/event-kinds';
import { FILTER_PATTERN_MAX_LENGTH, filterPattern } from '../../src/monitoring/patterns';
import { addPrincipal, BoundedRoleArnPrincipal, deploymentReaders, emptyPrincipalSet, subArnMaxLength } from '../../src/monitoring/principals';
import { newStack } from '../nag-helpers';

const CFN_EXEC_ROLE = `arn:aws:iam::${OWNER}:role/cdk-hnb659fds-cfn-exec-role-${OWNER}-eu-west-1`;

describe('the deployment roles are allowed readers of a HardenedSecret', () => {
  test('a GetSecretValue by the CloudFormation execution role (assumed-role session) does not match; others still do', () => {
    // GIVEN a watched HardenedSecret, in a stack of the default synthesizer
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    monitor.watch(new HardenedSecret(stack, 'Db', { rotation: noRotation(), readers: [iam.Role.fromRoleArn(stack, 'Reader', READER_ROLE)] }));
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
    monitor.watch(new HardenedSecret(stack, 'Db', { rotation: noRotation(), readers: literalReaders(stack, 20) }));
    Template.fromStack(stack);
    const pattern = deployedEventPattern(monitor, SecretEventKind.UNEXPECTED_READ);
    expect(eventMatches(pattern, asEvent(secretsCall('GetSecretValue', assumedRole(CFN_EXEC_ROLE, 'AWSCloudFormation'))))).toBe(false);
    expect(eventMatches(pattern, asEvent(secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE))))).toBe(true);
  });

  test('deploymentRoles replace the synthesizer role', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    const pipeline = `arn:aws:iam::${OWNER}:role/pipeline-deploy`;
    monitor.watch(new HardenedSecret(stack, 'Db', { rotation: noRotation(), deploymentRoles: [iam.Role.fromRoleArn(stack, 'Pipeline', pipeline)] }));
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
    monitor.watch(new HardenedSecret(stack, 'Db', { rotation: noRotation(), readers: [iam.Role.fromRoleArn(stack, 'Reader', READER_ROLE)] }));
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
      monitor.watch(new HardenedSecret(stack, `S${i}`, { rotation: noRotation() }));
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
