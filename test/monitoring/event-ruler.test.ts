/**
 * Every EventBridge pattern the monitor can build, matched by Event Ruler (the library EventBridge
 * is built on) and by the TypeScript evaluator of event-pattern.ts against CloudTrail records as
 * EventBridge delivers them: both must give the answer the monitor promises.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  asEvent, assumedRole, awsService, BREAK_GLASS_ROLE, denied, iamUser, INTRUDER_ROLE, OTHER, OTHER_USER, OWNER, READER_ROLE, Record,
  refusedByResourcePolicy, root, ROTATION_ROLE, SECRET_ARN, secretsCall, STRANGER_ROLE,
} from './cloudtrail-records';
import { eventMatches } from './event-pattern';
import { BUILD_COMMAND, ensureEventRuler, eventRulerMatches } from './event-ruler';
import { literalReaders, noRotation, orgTrail, roleArnOfLength } from './monitor-fixtures';
import { deployedEventPattern } from './template-values';
import { DetectorType, HardenedSecret, SecretAccessMode, SecretAccessMonitor, SecretEventKind } from '../../src';
import { newStack } from '../nag-helpers';

const CFN_EXEC_ROLE = `arn:aws:iam::${OWNER}:role/cdk-hnb659fds-cfn-exec-role-${OWNER}-eu-west-1`;
const LISTED = roleArnOfLength(7, 60);

type Case = [string, Record, boolean];

interface RuleUnderTest {
  readonly name: string;
  readonly kind: SecretEventKind;
  readonly build: (stack: Stack) => SecretAccessMonitor;
  readonly cases: Case[];
}

/** The refusals and identities every read rule is asked about. */
const REFUSED: Case[] = [
  ['a read refused by a resource policy', refusedByResourcePolicy(secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE))), true],
  ['a batch read refused by IAM', denied(secretsCall('BatchGetSecretValue', assumedRole(INTRUDER_ROLE))), true],
  ['AccessDeniedException', { ...secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), errorCode: 'AccessDeniedException' }, true],
  ['ResourceNotFoundException', { ...secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), errorCode: 'ResourceNotFoundException' }, false],
  ['a refused DescribeSecret', refusedByResourcePolicy(secretsCall('DescribeSecret', assumedRole(INTRUDER_ROLE))), false],
  ['the caller copy of a refused cross-account read', { ...refusedByResourcePolicy(secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE))), recipientAccountId: OTHER }, false],
];

const RULES: RuleUnderTest[] = [
  {
    name: 'STANDARD: the union of 20 readers',
    kind: SecretEventKind.UNEXPECTED_READ,
    build: (stack) => {
      const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
      monitor.watch(new HardenedSecret(stack, 'Db', { rotation: noRotation(), readers: literalReaders(stack, 20) }));
      return monitor;
    },
    cases: [
      ['a listed reader', secretsCall('GetSecretValue', assumedRole(LISTED)), false],
      ['a listed reader, in a batch', secretsCall('BatchGetSecretValue', assumedRole(LISTED, 'i-0123456789abcdef0')), false],
      ['the deployment role', secretsCall('GetSecretValue', assumedRole(CFN_EXEC_ROLE, 'AWSCloudFormation')), false],
      ['another role', secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), true],
      ['a session named like a reader, of another role', secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE, 'r7-xxxx')), true],
      ['an IAM user', secretsCall('GetSecretValue', iamUser(OTHER_USER)), true],
      ['the account root', secretsCall('GetSecretValue', root()), true],
      ['an AWS service', secretsCall('GetSecretValue', awsService('ecs-tasks.amazonaws.com')), true],
      ['a role of another account (owner copy)', secretsCall('GetSecretValue', assumedRole(STRANGER_ROLE)), true],
      ['the caller copy', secretsCall('GetSecretValue', assumedRole(STRANGER_ROLE), { recipientAccountId: OTHER }), false],
      ['DescribeSecret', secretsCall('DescribeSecret', assumedRole(INTRUDER_ROLE)), false],
      ['a refused read (left to the AccessDenied burst)', refusedByResourcePolicy(secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE))), false],
    ],
  },
  {
    name: 'RESTRICTIVE: 12 break-glass roles, no reader listed',
    kind: SecretEventKind.UNEXPECTED_READ,
    build: (stack) => {
      const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack), breakGlassRoles: literalReaders(stack, 12) });
      monitor.watch(new HardenedSecret(stack, 'Db', {
        rotation: noRotation(),
        readers: [iam.Role.fromRoleArn(stack, 'Reader', READER_ROLE, { mutable: false })],
        accessMode: SecretAccessMode.RESTRICTIVE,
      }));
      return monitor;
    },
    cases: [
      ['the reader', secretsCall('GetSecretValue', assumedRole(READER_ROLE)), false],
      ['the deployment role', secretsCall('GetSecretValue', assumedRole(CFN_EXEC_ROLE, 'AWSCloudFormation')), false],
      ['a break-glass role', secretsCall('GetSecretValue', assumedRole(LISTED, 'incident-42')), true],
      ['a break-glass role, in a batch', secretsCall('BatchGetSecretValue', assumedRole(LISTED)), true],
      ['a session named like a break-glass role, of the reader', secretsCall('GetSecretValue', assumedRole(READER_ROLE, 'r7-xxxx')), false],
      ['a successful read by an unnamed role (impossible by the policy)', secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), false],
      ...REFUSED,
    ],
  },
  {
    name: 'STANDARD and RESTRICTIVE: the union, and refused reads',
    kind: SecretEventKind.UNEXPECTED_READ,
    build: (stack) => {
      const breakGlass = iam.Role.fromRoleArn(stack, 'BreakGlass', BREAK_GLASS_ROLE, { mutable: false });
      const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack), breakGlassRoles: [breakGlass] });
      monitor.watch(new HardenedSecret(stack, 'Legacy', { rotation: noRotation(), readers: [iam.Role.fromRoleArn(stack, 'Reader', READER_ROLE, { mutable: false })] }));
      literalReaders(stack, 20).forEach((r, i) => {
        monitor.watch(new HardenedSecret(stack, `Strict${i}`, { rotation: noRotation(), readers: [r], accessMode: SecretAccessMode.RESTRICTIVE }));
      });
      return monitor;
    },
    cases: [
      ['the STANDARD secret\'s reader', secretsCall('GetSecretValue', assumedRole(READER_ROLE)), false],
      ['a RESTRICTIVE secret\'s reader', secretsCall('GetSecretValue', assumedRole(LISTED)), false],
      ['the deployment role', secretsCall('GetSecretValue', assumedRole(CFN_EXEC_ROLE)), false],
      ['another role', secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), true],
      ['an IAM user', secretsCall('GetSecretValue', iamUser(OTHER_USER)), true],
      ['an AWS service', secretsCall('GetSecretValue', awsService('ecs-tasks.amazonaws.com')), true],
      ['the break-glass role', secretsCall('GetSecretValue', assumedRole(BREAK_GLASS_ROLE)), true],
      ...REFUSED,
    ],
  },
  {
    name: 'writes: the union of 15 writers and the rotation role',
    kind: SecretEventKind.WRITE_OUTSIDE_ROTATION,
    build: (stack) => {
      const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
      const writers = Array.from({ length: 15 }, (_, i) => iam.Role.fromRoleArn(stack, `W${i}`, roleArnOfLength(i, 60)));
      monitor.watch(secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', SECRET_ARN), {
        allowedWriters: writers,
        rotationRole: iam.Role.fromRoleArn(stack, 'Rotation', ROTATION_ROLE),
      });
      return monitor;
    },
    cases: [
      ['a listed writer', secretsCall('PutSecretValue', assumedRole(LISTED)), false],
      ['the rotation role', secretsCall('UpdateSecretVersionStage', assumedRole(ROTATION_ROLE)), false],
      ['another role', secretsCall('PutSecretValue', assumedRole(INTRUDER_ROLE)), true],
      ['an IAM user', secretsCall('PutSecretValue', iamUser(OTHER_USER)), true],
      ['the account root', secretsCall('UpdateSecretVersionStage', root()), true],
      ['a refused write (left to the AccessDenied burst)', denied(secretsCall('PutSecretValue', assumedRole(INTRUDER_ROLE))), false],
      ['a read', secretsCall('GetSecretValue', assumedRole(INTRUDER_ROLE)), false],
    ],
  },
];

function buildRule(rule: RuleUnderTest): { [key: string]: unknown } {
  const stack = newStack();
  const monitor = rule.build(stack);
  Template.fromStack(stack);
  expect(monitor.detectorType(rule.kind)).toBe(DetectorType.EVENT_RULE);
  return deployedEventPattern(monitor, rule.kind);
}

const unavailable = ensureEventRuler();

test('the Event Ruler harness is built (CI builds it in .ci/run)', () => {
  if (unavailable !== undefined && process.env.CI) {
    throw new Error(`${unavailable}\nbuild it with ${BUILD_COMMAND}`);
  }
  if (unavailable !== undefined) {
    console.warn(`Event Ruler checks skipped: ${unavailable}`);
  }
});

(unavailable === undefined ? describe : describe.skip)('EventBridge patterns, as Event Ruler matches them', () => {
  const patterns = RULES.map(buildRule);
  const questions = RULES.flatMap((rule, r) => rule.cases.map(([label, record, expected]) => ({
    rule: rule.name, label, expected, pattern: patterns[r], event: asEvent(record),
  })));
  let answers: boolean[] = [];

  beforeAll(() => {
    answers = eventRulerMatches(questions.map((q) => ({ pattern: q.pattern, event: q.event })));
  });

  test.each(RULES.map((r, i) => [r.name, i] as const))('%s', (name, r) => {
    const asked = questions.map((q, i) => ({ ...q, i })).filter((q) => q.rule === name);
    expect(asked).toHaveLength(RULES[r].cases.length);
    for (const q of asked) {
      // THEN Event Ruler and the TypeScript evaluator both give the promised answer
      expect({ case: q.label, eventRuler: answers[q.i], typescript: eventMatches(q.pattern, q.event) })
        .toEqual({ case: q.label, eventRuler: q.expected, typescript: q.expected });
    }
  });

  test('Event Ruler refuses a malformed pattern (the harness reports, it does not answer false)', () => {
    expect(() => eventRulerMatches([{ pattern: { detail: { a: 'not-a-list' } }, event: asEvent(secretsCall('GetSecretValue', root())) }]))
      .toThrow(/Event Ruler refused case 0/);
  });
});
