/**
 * The defaults of `SecretAccessMonitorProps`, and their validation before the monitor is created.
 */
import { Duration } from 'aws-cdk-lib';
import { SecretAccessMonitorProps } from './monitor-props';
import { EVENT_PATTERN_DEFAULT_MAX_LENGTH, EVENT_PATTERN_QUOTA_CEILING } from './patterns';
import { isResolved, PropsValidator } from '../private/validation';

/** `metricNamespace` unless given. */
export const DEFAULT_NAMESPACE = 'HardenedSecrets/SecretAccess';
/** `alarmPeriod` unless given. */
export const DEFAULT_PERIOD = Duration.minutes(5);
/** `accessDeniedThreshold` unless given. */
export const DEFAULT_ACCESS_DENIED_THRESHOLD = 5;
/** `unusedSecretDays` unless given. */
export const DEFAULT_UNUSED_DAYS = 90;

/** Throws one `HardenedSecretsValidationError` naming every invalid or conflicting prop of the monitor at `path`. */
export function validateMonitorProps(path: string, props: SecretAccessMonitorProps): void {
  const v = new PropsValidator(path);
  if (props.alarmPeriod !== undefined && !props.alarmPeriod.isUnresolved()) {
    const seconds = props.alarmPeriod.toSeconds();
    v.check(seconds % 60 === 0 && seconds >= 60 && seconds <= 86400, 'alarmPeriod', props.alarmPeriod, 'whole minutes from 1 minute to 1 day');
  }
  const ints: Array<[string, number | undefined, number, number]> = [
    ['accessDeniedThreshold', props.accessDeniedThreshold, 1, 10000],
    ['unusedSecretDays', props.unusedSecretDays, 1, 365],
    ['maxEventPatternLength', props.maxEventPatternLength, EVENT_PATTERN_DEFAULT_MAX_LENGTH, EVENT_PATTERN_QUOTA_CEILING],
  ];
  for (const [prop, value, min, max] of ints) {
    if (value !== undefined && isResolved(value)) {
      v.check(Number.isInteger(value) && value >= min && value <= max, prop, value, `a whole number from ${min} to ${max}`);
    }
  }
  if (props.metricNamespace !== undefined && isResolved(props.metricNamespace)) {
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html
    v.check(
      /^[\x20-\x7E]{1,255}$/.test(props.metricNamespace) && !props.metricNamespace.startsWith(':') && !props.metricNamespace.startsWith('AWS/'),
      'metricNamespace',
      props.metricNamespace,
      "1 to 255 printable ASCII characters, not starting with ':' or 'AWS/'",
    );
  }
  if (props.breakGlassRoles !== undefined) {
    v.check(props.breakGlassRoles.length > 0, 'breakGlassRoles', '[]', 'one or more roles, or omit the prop');
    props.breakGlassRoles.forEach((role, i) => {
      v.check(role !== undefined && role !== null && typeof role.roleArn === 'string', `breakGlassRoles[${i}]`, String(role), 'an IAM role');
    });
  }
  if (props.cloudTrailLogGroup !== undefined && props.logRetention !== undefined) {
    v.conflict(['cloudTrailLogGroup', 'logRetention'], 'logRetention applies only to the log group of a new trail; set the retention of your own log group where it is defined');
  }
  if (!props.configRules && props.unusedSecretDays !== undefined) {
    v.conflict(['unusedSecretDays', 'configRules'], 'unusedSecretDays is a parameter of the AWS Config rules: set configRules to true');
  }
  v.throwIfInvalid();
}
