import { RotationOptions } from './schedule-options';
import { scheduleGap } from '../analysis/schedule';
import { DEFAULTS } from '../private/defaults';
import { isResolved, PropsValidator } from '../private/validation';

/** A rotation schedule after validation, ready to render. */
export interface ResolvedSchedule {
  /** `rate(...)` or `cron(...)`. */
  readonly expression: string;
  /** The interval in hours, when the expression is a rate. */
  readonly intervalHours?: number;
  /** `Nh`, or undefined. */
  readonly duration?: string;
  readonly rotateImmediatelyOnUpdate?: boolean;
}

/**
 * Validates the schedule options into `v` (prop names prefixed with `prefix`) and resolves them.
 */
export function resolveSchedule(v: PropsValidator, prefix: string, options: RotationOptions = {}): ResolvedSchedule {
  const minHours = DEFAULTS.minRotationInterval.toHours();
  const maxHours = DEFAULTS.maxRotationInterval.toHours();
  const range = `from ${minHours} hours to ${DEFAULTS.maxRotationInterval.toDays()} days`;

  let expression: string;
  let intervalHours: number | undefined;
  if (options.automaticallyAfter && options.scheduleExpression) {
    v.conflict([`${prefix}.automaticallyAfter`, `${prefix}.scheduleExpression`], 'give one of them, not both');
  }
  if (options.scheduleExpression !== undefined) {
    expression = options.scheduleExpression;
    if (isResolved(expression)) {
      // The grammar the pack and the report read schedules with: a schedule this accepts is one
      // they can judge, and one that never fires (cron(0 0 31 2 ? *)) is refused here too.
      const prop = `${prefix}.scheduleExpression`;
      const grammar = "'rate(N hours|days)' or 'cron(minutes hours day-of-month month day-of-week year)'";
      let gap: ReturnType<typeof scheduleGap> | undefined;
      try {
        gap = scheduleGap(expression);
      } catch (e) {
        v.fail(prop, expression, `${grammar}: ${(e as Error).message}`);
      }
      if (gap !== undefined && gap.rateHours !== undefined) {
        intervalHours = gap.rateHours;
        v.check(intervalHours >= minHours && intervalHours <= maxHours, prop, expression, `a rate ${range}`);
      } else if (gap !== undefined) {
        v.check(Number.isFinite(gap.hours), prop, expression, `a cron schedule that keeps firing (${gap.explanation})`);
      }
    }
  } else {
    const after = options.automaticallyAfter ?? DEFAULTS.rotationInterval;
    if (after.isUnresolved()) {
      expression = `rate(${after.toDays()} days)`;
    } else {
      const hours = after.toHours({ integral: false });
      v.check(
        Number.isInteger(hours) && hours >= minHours && hours <= maxHours,
        `${prefix}.automaticallyAfter`,
        after,
        `whole hours ${range}`,
      );
      intervalHours = hours;
      expression = hours % 24 === 0 ? `rate(${hours / 24} ${hours === 24 ? 'day' : 'days'})` : `rate(${hours} hours)`;
    }
  }

  let duration: string | undefined;
  if (options.window) {
    const hours = options.window.toHours({ integral: false });
    const okHours =
      Number.isInteger(hours) && hours >= DEFAULTS.minRotationWindowHours && hours <= DEFAULTS.maxRotationWindowHours;
    v.check(
      okHours,
      `${prefix}.window`,
      options.window,
      `whole hours from ${DEFAULTS.minRotationWindowHours} to ${DEFAULTS.maxRotationWindowHours}`,
    );
    if (okHours && intervalHours !== undefined && hours >= intervalHours) {
      v.fail(`${prefix}.window`, options.window, `shorter than the rotation interval (${intervalHours} hours)`);
    }
    duration = `${hours}h`;
  }
  return { expression, intervalHours, duration, rotateImmediatelyOnUpdate: options.rotateImmediatelyOnUpdate };
}

/** A short, tag-safe summary of a schedule: `30d`, `12h`, `cron`. */
export function scheduleLabel(schedule: ResolvedSchedule): string {
  const h = schedule.intervalHours;
  if (h === undefined) {
    return schedule.expression.startsWith('cron') ? 'cron' : 'custom';
  }
  return h % 24 === 0 ? `${h / 24}d` : `${h}h`;
}
