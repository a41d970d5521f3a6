/**
 * A monitor that scales with readers: when every watched secret is a RESTRICTIVE `HardenedSecret`,
 * whose resource policy refuses every principal it does not name, `UNEXPECTED_READ` lists no
 * reader. It matches a refused read (somebody the policies do not name tried) and a successful
 * read by a break-glass role; STANDARD secrets keep the allow-list. Each pattern is run on
 * CloudTrail records shaped as the documentation shows them, whatever `!=` does on an absent field.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  asEvent, assumedRole, awsService, BREAK_GLASS_ROLE, denied, iamUser, INTRUDER_ROLE, OTHER, OTHER_USER, OWNER, READER_ROLE, Record,
  refusedByResourcePolicy, root, SECRET_ARN, secretsCall,
} from './cloudtrail-records';
import { eventMatches } from './event-pattern';
import { EvaluateOptions, filterMatches } from './filter-pattern';
import { literalReaders, noRotation, orgTrail, roleArnOfLength } from './monitor-fixtures';
import { deployedEventPattern, deployedFilterPattern, logicalId } from './template-values';
import { RestrictiveReaders } from '../../examples/monitoring/restrictive-readers';
import { DetectorType, HardenedSecret, SecretAccessMode, SecretAccessMonitor, SecretEventKind, SecretKey } from '../../src';
import { DETECTORS } from '../../src/monitoring/event-kinds';
import { HardenedSecretsValidationError } from '../../src/private/validation';
import { newStack } from '../nag-helpers';

const SEMANTICS: EvaluateOptions[] = [{ notEqualsOnMissing: 'no-match' }, { notEqualsOnMissing: 'match' }];
const CFN_EXEC_ROLE = `arn:aws:iam::${OWNER}:role/cdk-hnb659fds-cfn-exec-role-${OWNER}-eu-west-1`;
const ALL_MANAGEMENT_EVENTS = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/** The ARN of the role that reads secret `i` only. */
const readerOf = (i: number) => `arn:aws:iam::${OWNER}:role/reader-${i}`;
/** The ARN of watched secret `i`. */
const secretArnOf = (i: number) => `arn:aws:secretsmanager:eu-west-1:${OWNER}:secret:prod/app/s${i}-AbCdEf`;

/** A stack that may hold more than CloudFormation's 500 resources: it is synthesised, never deployed. */
function largeStack(): Stack {
  const stack = newStack('Stack', { app: new App({ context: { '@aws-cdk/core:stackResourceLimit': 0 } }) });
  Validations.of(stack).acknowledge({ id: 'CloudFormation-Validate::F0007', reason: 'test: synthesised, not deployed' });
  return stack;
}

/**
 * `n` RESTRICTIVE secrets under one shared key, secret `i` read by its own new role `reader-<i>`,
 * all watched by one monitor that knows the break-glass role.
 */
function restrictiveApp(n: number) {
  const stack = largeStack();
  const breakGlass = iam.Role.fromRoleArn(stack, 'BreakGlass', BREAK_GLASS_ROLE, { mutable: false });
  const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack), breakGlassRoles: [breakGlass] });
  const key = new SecretKey(stack, 'Key');
  const secrets: HardenedSecret[] = [];
  for (let i = 0; i < n; i++) {
    const reader = new iam.Role(stack, `Reader${i}`, { roleName: `reader-${i}`, assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const secret = new HardenedSecret(stack, `S${i}`, {
      encryptionKey: key,
      rotation: noRotation(),
      readers: [reader],
      breakGlassRoles: [breakGlass],
      accessMode: SecretAccessMode.RESTRICTIVE,
    });
    monitor.watch(secret);
    secrets.push(secret);
  }
  const template = Template.fromStack(stack).toJSON();
  return { stack, monitor, secrets, template };
}

/** The metric filters and EventBridge rules of a template. */
function detectorResources(template: { [key: string]: any }): number {
  return Object.values(template.Resources as { [id: string]: { Type: string } }).filter((r) => r.Type === 'AWS::Logs::MetricFilter' || r.Type === 'AWS::Events::Rule').length;
}

type Case = [string, Record, boolean];

function expectCases(pattern: string, cases: Case[]): void {
  for (const [label, record, expected] of cases) {
    for (const semantics of SEMANTICS) {
      expect({ label, semantics, matched: filterMatches(pattern, record, semantics) }).toEqual({ label, semantics, matched: expected });
    }
  }
}

function expectEventCases(pattern: { [key: string]: unknown }, cases: Case[]): void {
  for (const [label, record, expected] of cases) {
    expect({ label, matched: eventMatches(pattern, asEvent(record)) }).toEqual({ label, matched: expected });
  }
}

/** What the read detector of a monitor of RESTRICTIVE secrets must answer. */
const RESTRICTIVE_READS: Case[] = [
  ['reader-0 reads its secret', secretsCall('GetSecretValue', assumedRole(readerOf(0)), { requestParameters: { secretId: secretArnOf(0) } }), false],
  ['reader-999 reads its secret in a batch', secretsCall('BatchGetSecretValue', assumedRole(readerOf(999))), false],
  ['CloudFormation resolves a dynamic reference', secretsCall('GetSecretValue', assumedRole(CFN_EXEC_ROLE, 'AWSCloudFormation')), false],
  ['reader-0 tries secret 1: refused by its policy', refusedByResourcePolicy(secretsCall('GetSecretValue', assumedRole(readerOf(0))), secretArnOf(1)), true],
  ['a role no policy names tries: refused', refusedByResourcePolicy(secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE))), true],
  ['a batch read refused', refusedByResourcePolicy(secretsCall('BatchGetSecretValue', assumedRole(INTRUDER_ROLE))), true],
  ['the account root tries: refused', refusedByResourcePolicy(secretsCall('GetSecretValue', root())), true],
  ['an IAM user tries: refused', refusedByResourcePolicy(secretsCall('GetSecretValue', iamUser(OTHER_USER))), true],
  ['refused by IAM (no identity policy)', denied(secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE))), true],
  ['refused by the key (AccessDeniedException)', { ...secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), errorCode: 'AccessDeniedException' }, true],
  ['the break-glass role reads', secretsCall('GetSecretValue', assumedRole(BREAK_GLASS_ROLE, 'incident-42')), true],
  ['the break-glass role reads in a batch', secretsCall('BatchGetSecretValue', assumedRole(BREAK_GLASS_ROLE)), true],
  ['a session named break-glass of another role', secretsCall('GetSecretValue', assumedRole(readerOf(3), 'break-glass')), false],
  // Cannot happen while the resource policy stands; POLICY_CHANGE alarms when it is replaced or deleted.
  ['an unnamed role reads successfully (impossible by the policy)', secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), false],
  ['ResourceNotFoundException is not a refusal', { ...secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), errorCode: 'ResourceNotFoundException' }, false],
  ['a refused DescribeSecret is not a read (the AccessDenied burst counts it)', refusedByResourcePolicy(secretsCall('DescribeSecret', assumedRole(INTRUDER_ROLE))), false],
  ['the caller copy of a refused cross-account read', { ...refusedByResourcePolicy(secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE))), recipientAccountId: OTHER }, false],
];

describe('1,000 RESTRICTIVE secrets, each read by its own new role', () => {
  const large = restrictiveApp(1000);

  test('synthesise with at most 12 metric filters and EventBridge rules: the same as one secret', () => {
    const one = restrictiveApp(1);
    expect(detectorResources(large.template)).toBeLessThanOrEqual(12);
    expect(detectorResources(large.template)).toBe(detectorResources(one.template));
    expect(detectorResources(large.template)).toBe(DETECTORS.length);
    expect(large.monitor.detectorType(SecretEventKind.UNEXPECTED_READ)).toBe(DetectorType.METRIC_FILTER);
  });

  test('the premise: each secret refuses every principal but those it names (reader-1 is not named by secret 0)', () => {
    const resources = large.template.Resources as { [id: string]: { Type: string; Properties: { SecretId?: unknown } } };
    const policyOf = (i: number) => JSON.stringify(Object.values(resources).find((r) =>
      r.Type === 'AWS::SecretsManager::ResourcePolicy' && JSON.stringify(r.Properties.SecretId) === JSON.stringify({ Ref: logicalId(large.secrets[i]) })));
    const reader = (i: number) => logicalId(large.stack.node.findChild(`Reader${i}`));
    expect(policyOf(0)).toContain('DenyAllButKnownPrincipals');
    expect(policyOf(0)).toContain(`"${reader(0)}"`);
    expect(policyOf(0)).not.toContain(`"${reader(1)}"`);
    expect(policyOf(1)).toContain(`"${reader(1)}"`);
  });

  test('no reader role is in any pattern', () => {
    const patterns = JSON.stringify(Object.values(large.template.Resources as { [id: string]: { Type: string; Properties: unknown } })
      .filter((r) => r.Type === 'AWS::Logs::MetricFilter').map((r) => r.Properties));
    expect(patterns).not.toMatch(/Reader\d+/);
    expect(patterns).not.toContain('reader-');
    expect(patterns).not.toContain('cfn-exec-role');
  });

  test('a read outside the allowed set raises the alarm, a read by an allowed principal does not', () => {
    const pattern = deployedFilterPattern(large.monitor, SecretEventKind.UNEXPECTED_READ, {}, large.template);
    expectCases(pattern, RESTRICTIVE_READS);
  });

  test('the alarm says what it counts', () => {
    const alarm = Template.fromJSON(large.template).findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'UnexpectedSecretRead' } });
    expect(Object.values(alarm).map((a) => a.Properties.AlarmDescription)).toEqual([
      expect.stringMatching(/^A secret value was read by a break-glass role, or a read was refused/),
    ]);
  });

  test('the other detectors are those of a STANDARD monitor: the write allow-list still lists writers and rotation roles', () => {
    const write = deployedFilterPattern(large.monitor, SecretEventKind.WRITE_OUTSIDE_ROTATION, {}, large.template);
    expect(write).toContain('($.errorCode NOT EXISTS)');
    expect(write).not.toContain('AccessDenied');
  });
});

describe('a monitor of RESTRICTIVE secrets without breakGlassRoles', () => {
  test('alarms on refused reads only, and says so', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    const reader = iam.Role.fromRoleArn(stack, 'Reader', READER_ROLE, { mutable: false });
    monitor.watch(new HardenedSecret(stack, 'Db', { rotation: noRotation(), readers: [reader], accessMode: SecretAccessMode.RESTRICTIVE }));
    const pattern = deployedFilterPattern(monitor, SecretEventKind.UNEXPECTED_READ);
    expectCases(pattern, [
      ['the reader', secretsCall('GetSecretValue', assumedRole(READER_ROLE)), false],
      ['a refused read', refusedByResourcePolicy(secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE))), true],
      ['an unknown break-glass role', secretsCall('GetSecretValue', assumedRole(BREAK_GLASS_ROLE)), false],
    ]);
    expect(pattern).not.toContain('sessionIssuer');
    Annotations.fromStack(stack).hasInfo('/Stack/Monitor', Match.stringLikeRegexp('Give the secrets\' break-glass roles as breakGlassRoles'));
  });
});

describe('a monitor of RESTRICTIVE secrets that have break-glass roles', () => {
  test("alarms on the secrets' own break-glass reads without the monitor being told", () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    const reader = iam.Role.fromRoleArn(stack, 'Reader', READER_ROLE, { mutable: false });
    const breakGlass = iam.Role.fromRoleArn(stack, 'BreakGlass', BREAK_GLASS_ROLE, { mutable: false });
    monitor.watch(new HardenedSecret(stack, 'Db', { rotation: noRotation(), readers: [reader], breakGlassRoles: [breakGlass], accessMode: SecretAccessMode.RESTRICTIVE }));
    const pattern = deployedFilterPattern(monitor, SecretEventKind.UNEXPECTED_READ);
    expectCases(pattern, [
      ['the reader', secretsCall('GetSecretValue', assumedRole(READER_ROLE)), false],
      ["the secret's break-glass role", secretsCall('GetSecretValue', assumedRole(BREAK_GLASS_ROLE)), true],
      ['a refused read', refusedByResourcePolicy(secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE))), true],
    ]);
    expect(Annotations.fromStack(stack).findInfo('/Stack/Monitor', Match.stringLikeRegexp('Give the secrets'))).toEqual([]);
  });
});

describe('examples/monitoring/restrictive-readers.ts', () => {
  test('three functions, three RESTRICTIVE secrets: the read detector names the break-glass role and no reader', () => {
    const stack = newStack();
    const functions = [0, 1, 2].map((i) => lambda.Function.fromFunctionAttributes(stack, `Fn${i}`, {
      functionArn: `arn:aws:lambda:eu-west-1:${OWNER}:function:fn-${i}`,
      role: iam.Role.fromRoleArn(stack, `Fn${i}Role`, readerOf(i), { mutable: false }),
    }));
    const breakGlass = iam.Role.fromRoleArn(stack, 'BreakGlass', BREAK_GLASS_ROLE, { mutable: false });
    new RestrictiveReaders(stack, 'Readers', { functions, rotation: noRotation(), breakGlass });
    const monitor = stack.node.findChild('Readers').node.findChild('SecretAccessMonitor') as SecretAccessMonitor;
    const pattern = deployedFilterPattern(monitor, SecretEventKind.UNEXPECTED_READ);
    expectCases(pattern, [
      ['a reader', secretsCall('GetSecretValue', assumedRole(readerOf(1))), false],
      ['the break-glass role', secretsCall('GetSecretValue', assumedRole(BREAK_GLASS_ROLE)), true],
    ]);
    expect(pattern).not.toContain('reader-');
  });
});

describe('STANDARD secrets keep the allow-list', () => {
  function standardApp(breakGlassRoles?: boolean) {
    const stack = newStack();
    const breakGlass = iam.Role.fromRoleArn(stack, 'BreakGlass', BREAK_GLASS_ROLE, { mutable: false });
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack), breakGlassRoles: breakGlassRoles ? [breakGlass] : undefined });
    const reader = iam.Role.fromRoleArn(stack, 'Reader', READER_ROLE, { mutable: false });
    // The break-glass role was granted read: a STANDARD allow-list would allow it.
    monitor.watch(new HardenedSecret(stack, 'Db', { rotation: noRotation(), readers: [reader, breakGlass] }));
    return monitor;
  }

  test('unchanged: a refused read is left to the AccessDenied burst, a successful read outside the union alarms', () => {
    const pattern = deployedFilterPattern(standardApp(), SecretEventKind.UNEXPECTED_READ);
    expect(pattern).not.toContain('AccessDenied');
    expectCases(pattern, [
      ['the reader', secretsCall('GetSecretValue', assumedRole(READER_ROLE)), false],
      ['a granted break-glass role (no breakGlassRoles given)', secretsCall('GetSecretValue', assumedRole(BREAK_GLASS_ROLE)), false],
      ['an intruder', secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), true],
      ['a refused read', refusedByResourcePolicy(secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE))), false],
    ]);
  });

  test('breakGlassRoles: their reads alarm even where a secret granted them', () => {
    const pattern = deployedFilterPattern(standardApp(true), SecretEventKind.UNEXPECTED_READ);
    expectCases(pattern, [
      ['the reader', secretsCall('GetSecretValue', assumedRole(READER_ROLE)), false],
      ['the break-glass role', secretsCall('GetSecretValue', assumedRole(BREAK_GLASS_ROLE)), true],
    ]);
  });

  test('an imported HardenedSecret is STANDARD (its policy is not known here)', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    const imported = HardenedSecret.fromHardenedSecretAttributes(stack, 'Imported', {
      secretCompleteArn: SECRET_ARN,
      secretKey: kms.Key.fromKeyArn(stack, 'Key', `arn:aws:kms:eu-west-1:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`),
    });
    monitor.watch(imported, { allowedReaders: [iam.Role.fromRoleArn(stack, 'Reader', READER_ROLE)] });
    const pattern = deployedFilterPattern(monitor, SecretEventKind.UNEXPECTED_READ);
    expect(pattern).not.toContain('AccessDenied');
    expectCases(pattern, [['an intruder', secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), true]]);
  });
});

describe('STANDARD and RESTRICTIVE secrets in one monitor', () => {
  function mixedApp(restrictiveReaders: (stack: Stack) => iam.IRole[]) {
    const stack = newStack();
    const breakGlass = iam.Role.fromRoleArn(stack, 'BreakGlass', BREAK_GLASS_ROLE, { mutable: false });
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack), breakGlassRoles: [breakGlass] });
    const reader = iam.Role.fromRoleArn(stack, 'Reader', READER_ROLE, { mutable: false });
    monitor.watch(new HardenedSecret(stack, 'Legacy', { rotation: noRotation(), readers: [reader] }));
    restrictiveReaders(stack).forEach((r, i) => {
      monitor.watch(new HardenedSecret(stack, `Strict${i}`, { rotation: noRotation(), readers: [r], accessMode: SecretAccessMode.RESTRICTIVE }));
    });
    return { stack, monitor };
  }

  test('the union of readers (the pattern cannot tell which secret was read), and refused reads', () => {
    const { stack, monitor } = mixedApp(() => []);
    const strictReader = `arn:aws:iam::${OWNER}:role/strict-reader`;
    monitor.watch(new HardenedSecret(stack, 'Strict', {
      rotation: noRotation(),
      readers: [iam.Role.fromRoleArn(stack, 'StrictReader', strictReader, { mutable: false })],
      accessMode: SecretAccessMode.RESTRICTIVE,
    }));
    const pattern = deployedFilterPattern(monitor, SecretEventKind.UNEXPECTED_READ);
    expectCases(pattern, [
      ['the STANDARD secret\'s reader', secretsCall('GetSecretValue', assumedRole(READER_ROLE)), false],
      ['the RESTRICTIVE secret\'s reader', secretsCall('GetSecretValue', assumedRole(strictReader)), false],
      ['the deployment role', secretsCall('GetSecretValue', assumedRole(CFN_EXEC_ROLE)), false],
      ['an intruder reads the STANDARD secret', secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), true],
      ['an IAM user reads', secretsCall('GetSecretValue', iamUser(OTHER_USER)), true],
      ['an AWS service reads', secretsCall('GetSecretValue', awsService('ecs-tasks.amazonaws.com')), true],
      ['a refused read', refusedByResourcePolicy(secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE))), true],
      ['the break-glass role', secretsCall('GetSecretValue', assumedRole(BREAK_GLASS_ROLE)), true],
    ]);
    const alarm = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'UnexpectedSecretRead' } });
    expect(Object.values(alarm)[0].Properties.AlarmDescription).toMatch(/allowed to read none of the watched secrets, or a read was refused/);
  });

  test('too many readers: the rule, with both branches', () => {
    const { stack, monitor } = mixedApp((s) => literalReaders(s, 20));
    Template.fromStack(stack);
    expect(monitor.detectorType(SecretEventKind.UNEXPECTED_READ)).toBe(DetectorType.EVENT_RULE);
    const pattern = deployedEventPattern(monitor, SecretEventKind.UNEXPECTED_READ);
    expectEventCases(pattern, [
      ['a RESTRICTIVE secret\'s reader', secretsCall('GetSecretValue', assumedRole(roleArnOfLength(7, 60))), false],
      ['the STANDARD secret\'s reader', secretsCall('GetSecretValue', assumedRole(READER_ROLE)), false],
      ['an intruder', secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), true],
      ['a refused read', refusedByResourcePolicy(secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE))), true],
      ['the break-glass role', secretsCall('GetSecretValue', assumedRole(BREAK_GLASS_ROLE)), true],
    ]);
  });

  test('when the union overflows, synthesis fails and names the secrets to switch to RESTRICTIVE', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    monitor.watch(new HardenedSecret(stack, 'Legacy', { rotation: noRotation() }));
    literalReaders(stack, 40).forEach((r, i) => {
      monitor.watch(new HardenedSecret(stack, `Strict${i}`, { rotation: noRotation(), readers: [r], accessMode: SecretAccessMode.RESTRICTIVE }));
    });
    const error = (() => {
      try {
        Template.fromStack(stack);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(HardenedSecretsValidationError);
    expect((error as Error).message).toMatch(
      /too long for UNEXPECTED_READ: .*switch the watched secrets to SecretAccessMode\.RESTRICTIVE.*1 of 41 watched secrets are not RESTRICTIVE: Stack\/Legacy$/,
    );
  });

  test('the same 41 secrets all RESTRICTIVE synthesise, with a metric filter', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    monitor.watch(new HardenedSecret(stack, 'Legacy', { rotation: noRotation(), accessMode: SecretAccessMode.RESTRICTIVE }));
    literalReaders(stack, 40).forEach((r, i) => {
      monitor.watch(new HardenedSecret(stack, `Strict${i}`, { rotation: noRotation(), readers: [r], accessMode: SecretAccessMode.RESTRICTIVE }));
    });
    Template.fromStack(stack);
    expect(monitor.detectorType(SecretEventKind.UNEXPECTED_READ)).toBe(DetectorType.METRIC_FILTER);
  });

  test('a STANDARD-only overflow names every secret, five at most', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    literalReaders(stack, 40).forEach((r, i) => monitor.watch(new HardenedSecret(stack, `S${i}`, { rotation: noRotation(), readers: [r] })));
    expect(() => Template.fromStack(stack)).toThrow(/40 of 40 watched secrets are not RESTRICTIVE: Stack\/S0, Stack\/S1, Stack\/S2, Stack\/S3, Stack\/S4 and 35 more$/);
  });
});

describe('the read detector of RESTRICTIVE secrets as an EventBridge rule', () => {
  /** So many break-glass roles that the filter pattern no longer fits: an artificial case, for the fallback. */
  function manyBreakGlassRoles() {
    const stack = newStack();
    const roles = literalReaders(stack, 12);
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack), breakGlassRoles: roles });
    monitor.watch(new HardenedSecret(stack, 'Db', {
      rotation: noRotation(),
      readers: [iam.Role.fromRoleArn(stack, 'Reader', READER_ROLE, { mutable: false })],
      accessMode: SecretAccessMode.RESTRICTIVE,
    }));
    return { stack, monitor };
  }

  test('admits read-only management events and matches the same records', () => {
    const { stack, monitor } = manyBreakGlassRoles();
    const template = Template.fromStack(stack);
    expect(monitor.detectorType(SecretEventKind.UNEXPECTED_READ)).toBe(DetectorType.EVENT_RULE);
    template.hasResourceProperties('AWS::Events::Rule', { State: ALL_MANAGEMENT_EVENTS, Description: Match.stringLikeRegexp('^A secret value was read by a break-glass role') });
    const pattern = deployedEventPattern(monitor, SecretEventKind.UNEXPECTED_READ);
    expectEventCases(pattern, [
      ['the reader', secretsCall('GetSecretValue', assumedRole(READER_ROLE)), false],
      ['break-glass role 11', secretsCall('GetSecretValue', assumedRole(roleArnOfLength(11, 60))), true],
      ['break-glass role 11, refused', refusedByResourcePolicy(secretsCall('GetSecretValue', assumedRole(roleArnOfLength(11, 60)))), true],
      ['a refused read', refusedByResourcePolicy(secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE))), true],
      ['AccessDeniedException', { ...secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), errorCode: 'AccessDeniedException' }, true],
      ['a refused DescribeSecret', refusedByResourcePolicy(secretsCall('DescribeSecret', assumedRole(INTRUDER_ROLE))), false],
      ['another account', { ...refusedByResourcePolicy(secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE))), recipientAccountId: OTHER }, false],
    ]);
    expect(monitor.node.findChild('UnexpectedSecretReadRule')).toBeInstanceOf(events.Rule);
  });
});

describe('breakGlassRoles validation', () => {
  test('an empty list is refused', () => {
    const stack = newStack();
    expect(() => new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack), breakGlassRoles: [] }))
      .toThrow(/breakGlassRoles.*one or more roles, or omit the prop/);
  });

  test('a non-role is refused', () => {
    const stack = newStack();
    const notARole = secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', SECRET_ARN) as unknown as iam.IRole;
    expect(() => new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack), breakGlassRoles: [notARole] }))
      .toThrow(/breakGlassRoles\[0\].*an IAM role/);
  });
});
