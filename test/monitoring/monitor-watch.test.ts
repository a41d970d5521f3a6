/**
 * What `SecretAccessMonitor.watch` reads: from a HardenedSecret, its own lists (grants made before
 * or after `watch`, its rotation function, its key), to which the options add; from any other
 * secret, the options only.
 */
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { assumedRole, INTRUDER_ROLE, OWNER, READER_ROLE, ROTATION_ROLE, SECRET_ARN, secretsCall } from './cloudtrail-records';
import { filterMatches } from './filter-pattern';
import { noRotation, orgTrail } from './monitor-fixtures';
import { deployedFilterPattern, logicalId } from './template-values';
import { HardenedSecret, RotationFunction, SecretAccessMonitor, SecretEventKind, SecretRotationPolicy } from '../../src';
import { importedVpc } from '../helpers/vpc';
import { newStack } from '../nag-helpers';

const LATE_READER = `arn:aws:iam::${OWNER}:role/late-reader`;
const CFN_EXEC_ROLE = `arn:aws:iam::${OWNER}:role/cdk-hnb659fds-cfn-exec-role-${OWNER}-eu-west-1`;
const HOSTED_ROTATION_ROLE = 'cdk-hardened-secrets:monitor-hosted-rotation-role';

/** A stack with a monitor on the organisation trail. */
function monitored() {
  const stack = newStack();
  const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
  return { stack, monitor };
}

/** An imported role with a literal ARN. */
function role(stack: Stack, id: string, arn: string): iam.IRole {
  return iam.Role.fromRoleArn(stack, id, arn, { mutable: false });
}

/** A rotation function of this account and region named `rotator`, imported with its role ROTATION_ROLE. */
function importedRotator(stack: Stack): lambda.IFunction {
  return lambda.Function.fromFunctionAttributes(stack, 'Rotator', {
    functionArn: `arn:aws:lambda:eu-west-1:${OWNER}:function:rotator`,
    role: role(stack, 'RotatorRole', ROTATION_ROLE),
    sameEnvironment: true,
  });
}

/** Whether a GetSecretValue by a role raises the read alarm (synthesises the app once). */
function readAlarms(monitor: SecretAccessMonitor): (roleArn: string) => boolean {
  const pattern = deployedFilterPattern(monitor, SecretEventKind.UNEXPECTED_READ);
  return (roleArn) => filterMatches(pattern, secretsCall('GetSecretValue', assumedRole(roleArn)));
}

/** Whether a PutSecretValue by a role raises the write alarm (synthesises the app once). */
function writeAlarms(monitor: SecretAccessMonitor): (roleArn: string) => boolean {
  const pattern = deployedFilterPattern(monitor, SecretEventKind.WRITE_OUTSIDE_ROTATION);
  return (roleArn) => filterMatches(pattern, secretsCall('PutSecretValue', assumedRole(roleArn)));
}

describe('watch(HardenedSecret) reads the secret\'s own lists at synthesis', () => {
  test('a reader granted after watch is allowed: the rendered filter pattern names it', () => {
    // GIVEN a watched secret with a reader
    const { stack, monitor } = monitored();
    const secret = new HardenedSecret(stack, 'Secret', { rotation: noRotation(), readers: [role(stack, 'Early', READER_ROLE)] });
    monitor.watch(secret);
    // WHEN a reader is granted after watch
    secret.grantRead(role(stack, 'Late', LATE_READER));
    // THEN the pattern names both, and only others alarm
    expect(deployedFilterPattern(monitor, SecretEventKind.UNEXPECTED_READ)).toContain(`"${LATE_READER}"`);
    const reads = readAlarms(monitor);
    expect(reads(READER_ROLE)).toBe(false);
    expect(reads(LATE_READER)).toBe(false);
    expect(reads(INTRUDER_ROLE)).toBe(true);
  });

  test('grantWrite principals and the rotation role of a Lambda rotation are allowed writers', () => {
    const { stack, monitor } = monitored();
    const fn = importedRotator(stack);
    const secret = new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.lambda(fn) });
    monitor.watch(secret);
    secret.grantWrite(role(stack, 'Writer', READER_ROLE));
    const writes = writeAlarms(monitor);
    expect(writes(ROTATION_ROLE)).toBe(false);
    expect(writes(READER_ROLE)).toBe(false);
    expect(writes(INTRUDER_ROLE)).toBe(true);
    // The rotation role also reads AWSPENDING without an alarm.
    const reads = readAlarms(monitor);
    expect(reads(ROTATION_ROLE)).toBe(false);
  });

  test('the role of a RotationFunction (custom rotation) is an allowed writer and reader', () => {
    const { stack, monitor } = monitored();
    const fn = new RotationFunction(stack, 'TokenRotation', { vpc: importedVpc(stack) });
    monitor.watch(new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.custom(fn) }));
    const roleId = logicalId(fn.role);
    const writes = deployedFilterPattern(monitor, SecretEventKind.WRITE_OUTSIDE_ROTATION, { [roleId]: ROTATION_ROLE });
    expect(filterMatches(writes, secretsCall('PutSecretValue', assumedRole(ROTATION_ROLE)))).toBe(false);
    expect(filterMatches(writes, secretsCall('PutSecretValue', assumedRole(INTRUDER_ROLE)))).toBe(true);
    const reads = deployedFilterPattern(monitor, SecretEventKind.UNEXPECTED_READ, { [roleId]: ROTATION_ROLE });
    expect(filterMatches(reads, secretsCall('GetSecretValue', assumedRole(ROTATION_ROLE)))).toBe(false);
  });

  test.each([
    ['lambda', (stack: Stack) => {
      const fn = importedRotator(stack);
      return { rotation: SecretRotationPolicy.lambda(fn), functionName: 'rotator' };
    }],
    ['custom', (stack: Stack) => {
      const fn = new RotationFunction(stack, 'TokenRotation', { vpc: importedVpc(stack) });
      return { rotation: SecretRotationPolicy.custom(fn), functionName: { Ref: logicalId(fn.function) } };
    }],
  ])('the rotation function of a %s rotation gets its error alarm, with no option', (_kind, rotated) => {
    // GIVEN a secret rotated by a function of the app
    const { stack, monitor } = monitored();
    const { rotation, functionName } = rotated(stack);
    // WHEN it is watched without options
    monitor.watch(new HardenedSecret(stack, 'Secret', { rotation }));
    // THEN one alarm, on that function's Errors
    expect(monitor.rotationFunctionAlarms()).toHaveLength(1);
    const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm', { Properties: { Namespace: 'AWS/Lambda', MetricName: 'Errors' } });
    expect(Object.values(alarms).map((a) => a.Properties.Dimensions)).toEqual([[{ Name: 'FunctionName', Value: functionName }]]);
  });

  test('hosted rotation: the secret warns that the rotation role is unknown, and no function alarm', () => {
    const { stack, monitor } = monitored();
    monitor.watch(new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlSingleUser()) }));
    const warnings = Annotations.fromStack(stack).findWarning('/Stack/Secret', Match.stringLikeRegexp(HOSTED_ROTATION_ROLE));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].entry.data)).toMatch(/^Hosted rotation creates its Lambda role at deployment/);
    expect(monitor.rotationFunctionAlarms()).toEqual([]);
  });

  test('hosted rotation with the deployed role given as rotationRole: no warning, the role writes without an alarm', () => {
    const { stack, monitor } = monitored();
    const secret = new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlSingleUser()) });
    monitor.watch(secret, { rotationRole: role(stack, 'HostedRole', ROTATION_ROLE) });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(HOSTED_ROTATION_ROLE))).toEqual([]);
    const writes = writeAlarms(monitor);
    expect(writes(ROTATION_ROLE)).toBe(false);
    expect(writes(INTRUDER_ROLE)).toBe(true);
  });

  test('options.allowedReaders and allowedWriters add to the secret\'s own lists', () => {
    // GIVEN a secret with its own reader
    const { stack, monitor } = monitored();
    const secret = new HardenedSecret(stack, 'Secret', { rotation: noRotation(), readers: [role(stack, 'Reader', READER_ROLE)] });
    // WHEN it is watched with one more reader and a writer
    monitor.watch(secret, { allowedReaders: [role(stack, 'Extra', LATE_READER)], allowedWriters: [role(stack, 'Writer', ROTATION_ROLE)] });
    // THEN its reader, its deployment role and the extra reader are allowed; others alarm
    const reads = readAlarms(monitor);
    expect(reads(READER_ROLE)).toBe(false);
    expect(reads(CFN_EXEC_ROLE)).toBe(false);
    expect(reads(LATE_READER)).toBe(false);
    expect(reads(INTRUDER_ROLE)).toBe(true);
    const writes = writeAlarms(monitor);
    expect(writes(ROTATION_ROLE)).toBe(false);
    expect(writes(READER_ROLE)).toBe(true);
  });

  test('the secret key narrows the key detector', () => {
    const { stack, monitor } = monitored();
    const secret = new HardenedSecret(stack, 'Secret', { rotation: noRotation() });
    monitor.watch(secret);
    const keyArn = `arn:aws:kms:eu-west-1:${OWNER}:key/abcd`;
    const pattern = deployedFilterPattern(monitor, SecretEventKind.KEY_CHANGE, { [logicalId(secret.secretKey)]: keyArn });
    expect(pattern).toContain(`($.resources[0].ARN = "${keyArn}")`);
  });
});

describe('watch(secret) of any other secret', () => {
  test('an aws-cdk-lib Secret: the options are the whole list; its grants and the deployment role are not read', () => {
    // GIVEN a plain secret with a grant, watched with an allowed reader and a rotation function
    const { stack, monitor } = monitored();
    const secret = new secretsmanager.Secret(stack, 'Plain');
    secret.grantRead(role(stack, 'Granted', LATE_READER));
    const fn = importedRotator(stack);
    monitor.watch(secret, { allowedReaders: [role(stack, 'Listed', READER_ROLE)], rotationFunction: fn });
    // THEN only the listed reader and the function's role read without an alarm
    const reads = readAlarms(monitor);
    expect(reads(READER_ROLE)).toBe(false);
    expect(reads(ROTATION_ROLE)).toBe(false);
    expect(reads(LATE_READER)).toBe(true);
    expect(reads(CFN_EXEC_ROLE)).toBe(true);
    // AND the function's errors alarm, with no warning about hosted rotation
    expect(monitor.rotationFunctionAlarms()).toHaveLength(1);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(HOSTED_ROTATION_ROLE))).toEqual([]);
  });

  test('watch() after the detectors are built is refused', () => {
    const { stack, monitor } = monitored();
    Template.fromStack(stack);
    expect(() => monitor.watch(secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', SECRET_ARN))).toThrow(
      /Stack\/Monitor: watch\(Stack\/S\) was called during synthesis/,
    );
  });
});
