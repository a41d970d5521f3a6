import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as fc from 'fast-check';
import { DetectorType, SecretAccessMonitor, SecretAccessMonitorProps, SecretEventKind } from '../../src';
import { DETECTORS } from '../../src/monitoring/event-kinds';
import { FILTER_PATTERN_MAX_LENGTH } from '../../src/monitoring/patterns';
import { HardenedSecretsValidationError } from '../../src/private/validation';

/**
 * Property: any monitor props and any number of watched secrets and readers yield either a
 * template whose every filter pattern fits CloudWatch's limit and whose every alarm has an
 * action, or our validation error; never another exception.
 */

function mostly<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: invalid, weight: 1 });
}

const props = fc.record({
  alarmPeriod: fc.option(mostly(
    fc.integer({ min: 1, max: 1440 }).map((m) => Duration.minutes(m)),
    fc.integer({ min: 0, max: 200_000 }).map((s) => Duration.seconds(s)),
  ), { nil: undefined }),
  accessDeniedThreshold: fc.option(mostly(
    fc.integer({ min: 1, max: 10_000 }),
    fc.oneof(fc.integer({ min: -5, max: 0 }), fc.double({ min: 0.1, max: 20_000, noNaN: true })),
  ), { nil: undefined }),
  logRetention: fc.option(fc.constantFrom(...Object.values(logs.RetentionDays).filter((v): v is logs.RetentionDays => typeof v === 'number')), { nil: undefined }),
  configRules: fc.option(fc.boolean(), { nil: undefined }),
  unusedSecretDays: fc.option(mostly(fc.integer({ min: 1, max: 365 }), fc.integer({ min: -10, max: 1000 })), { nil: undefined }),
  dashboard: fc.option(fc.boolean(), { nil: undefined }),
  maxEventPatternLength: fc.option(mostly(fc.integer({ min: 2048, max: 4096 }), fc.integer({ min: 0, max: 10_000 })), { nil: undefined }),
  orgTrail: fc.boolean(),
});

/** Secrets, each with reader indexes into a pool of roles whose ARNs have varied lengths. */
const watched = fc.record({
  roleNameLengths: fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 40 }),
  secrets: fc.array(fc.array(fc.nat(), { maxLength: 5 }), { maxLength: 30 }),
});

describe('SecretAccessMonitor props (property)', () => {
  test('a template or HardenedSecretsValidationError, nothing else', () => {
    fc.assert(
      fc.property(props, watched, (p, w) => {
        const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
        let monitor: SecretAccessMonitor;
        try {
          const { orgTrail, ...rest } = p;
          const monitorProps: SecretAccessMonitorProps = orgTrail
            ? { ...rest, logRetention: undefined, cloudTrailLogGroup: logs.LogGroup.fromLogGroupName(stack, 'OrgTrail', 'org-trail') }
            : rest;
          monitor = new SecretAccessMonitor(stack, 'Monitor', monitorProps);
          const roles = w.roleNameLengths.map((len, i) =>
            iam.Role.fromRoleArn(stack, `R${i}`, `arn:aws:iam::111111111111:role/${`r${i}`.padEnd(len, 'x').slice(0, Math.max(len, String(i).length + 1))}`, { mutable: false }));
          w.secrets.forEach((readers, i) => {
            const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, `S${i}`, `arn:aws:secretsmanager:eu-west-1:111111111111:secret:s${i}-AbCdEf`);
            monitor.watch(secret, { allowedReaders: readers.map((r) => roles[r % roles.length]) });
          });
        } catch (e) {
          expect(e).toBeInstanceOf(HardenedSecretsValidationError);
          return;
        }
        let template: Template;
        try {
          template = Template.fromStack(stack);
        } catch (e) {
          expect(e).toBeInstanceOf(HardenedSecretsValidationError);
          expect((e as Error).message).toMatch(/too long for UNEXPECTED_READ/);
          return;
        }
        const filters = Object.values(template.findResources('AWS::Logs::MetricFilter'));
        for (const f of filters) {
          expect(typeof f.Properties.FilterPattern).toBe('string');
          expect((f.Properties.FilterPattern as string).length).toBeLessThanOrEqual(FILTER_PATTERN_MAX_LENGTH);
        }
        const rules = monitor.detectorType(SecretEventKind.UNEXPECTED_READ) === DetectorType.EVENT_RULE ? 1 : 0;
        expect(filters.length).toBe(DETECTORS.length - rules);
        for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
          expect(alarm.Properties.AlarmActions).toHaveLength(1);
        }
      }),
      { numRuns: 40 },
    );
  });
});
