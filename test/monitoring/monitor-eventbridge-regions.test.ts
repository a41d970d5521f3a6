/**
 * A detector built as an EventBridge rule sees the CloudTrail events of its own region only: the
 * monitor warns when watched secrets live or replicate elsewhere.
 */
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { OWNER } from './cloudtrail-records';
import { literalReaders, noRotation, orgTrail } from './monitor-fixtures';
import { DetectorType, HardenedSecret, SecretAccessMonitor, SecretEventKind } from '../../src';
import { newStack } from '../nag-helpers';

const REGIONAL = 'cdk-hardened-secrets:monitor-eventbridge-regional';

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
      readers: literalReaders(stack, 20),
      replicaRegions: [{ region: 'us-east-1' }, { region: 'eu-central-1' }],
    });
    monitor.watch(secret);
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
    const secret = new HardenedSecret(stack, 'Db', { rotation: noRotation(), readers: literalReaders(stack, 20) });
    monitor.watch(secret);
    secret.addReplicaRegion('ap-southeast-2');
    Template.fromStack(stack);
    expect(regionalWarnings(stack).map((w) => String(w.entry.data))).toEqual([expect.stringContaining('cannot see ap-southeast-2 ')]);
  });

  test('a watched secret of another region behind a rule: a warning naming that region', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    const elsewhere = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Elsewhere', `arn:aws:secretsmanager:us-west-2:${OWNER}:secret:app-AbCdEf`);
    monitor.watch(elsewhere, { allowedReaders: literalReaders(stack, 20) });
    Template.fromStack(stack);
    expect(regionalWarnings(stack).map((w) => String(w.entry.data))).toEqual([expect.stringContaining('cannot see us-west-2 (us-west-2: Stack/Elsewhere)')]);
  });

  test('the write detector as a rule warns under its own kind', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    monitor.watch(new HardenedSecret(stack, 'Db', { rotation: noRotation(), replicaRegions: [{ region: 'us-east-1' }] }));
    const secret = stack.node.findChild('Db') as HardenedSecret;
    for (const r of literalReaders(stack, 20)) {
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
    m1.watch(new HardenedSecret(filters, 'Db', { rotation: noRotation(), replicaRegions: [{ region: 'us-east-1' }] }));
    Template.fromStack(filters);
    expect(m1.detectorType(SecretEventKind.UNEXPECTED_READ)).toBe(DetectorType.METRIC_FILTER);
    expect(regionalWarnings(filters)).toEqual([]);
    // A rule, but nothing outside eu-west-1.
    const local = newStack();
    const m2 = new SecretAccessMonitor(local, 'Monitor', { cloudTrailLogGroup: orgTrail(local) });
    m2.watch(new HardenedSecret(local, 'Db', { rotation: noRotation(), readers: literalReaders(local, 20) }));
    Template.fromStack(local);
    expect(m2.detectorType(SecretEventKind.UNEXPECTED_READ)).toBe(DetectorType.EVENT_RULE);
    expect(regionalWarnings(local)).toEqual([]);
  });
});
