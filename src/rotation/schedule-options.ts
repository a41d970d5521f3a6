import { Duration } from 'aws-cdk-lib';

/**
 * When and how a secret rotates.
 *
 * Give either `automaticallyAfter` or `scheduleExpression`, not both.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html
 */
export interface RotationOptions {
  /**
   * Rotate after this long (4 hours to 365 days).
   *
   * @default Duration.days(30) when `scheduleExpression` is not given either
   */
  readonly automaticallyAfter?: Duration;

  /**
   * A `rate(...)` or `cron(...)` schedule expression, as Secrets Manager accepts it.
   *
   * A rate must lie between 4 hours and 365 days.
   *
   * @default - rotate every `automaticallyAfter`
   * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html#rotate-secrets_schedule-cron
   */
  readonly scheduleExpression?: string;

  /**
   * How long the rotation window lasts, in whole hours from 1 to 24, shorter than the interval.
   *
   * @default - Secrets Manager closes the window at the end of the UTC day (daily or longer
   * schedules) or after one hour (hourly schedules)
   */
  readonly window?: Duration;

  /**
   * Rotate as soon as the rotation schedule is created or changed.
   *
   * @default true
   */
  readonly rotateImmediatelyOnUpdate?: boolean;
}
