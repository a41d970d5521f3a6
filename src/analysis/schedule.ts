/**
 * The longest time a secret can go between two rotations under a Secrets Manager schedule: the
 * one schedule grammar of the library, read by the pack, the report and the constructs' validation.
 *
 * Secrets Manager accepts `AutomaticallyAfterDays`, `rate(N days|hours)` and six-field
 * `cron(minutes hours day-of-month month day-of-week year)` expressions.
 * For cron the gap is computed by walking every day from 2026 to 2034 (which covers leap
 * years and every weekday/date combination), so "monthly on the 1st" is 31 days, not 30.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html
 */
export interface ScheduleGap {
  /** Longest gap in hours; `Infinity` when the schedule stops firing. */
  readonly hours: number;
  /** How the gap was found, for the finding text. */
  readonly explanation: string;
  /** The interval of a `rate(...)` expression in hours; undefined for cron. */
  readonly rateHours?: number;
}

const FIRST_YEAR = 2026;
const LAST_YEAR = 2034;
/** A year field that ends before this year makes the schedule stop: rotation ends. */
const STOPS_BEFORE = 2100;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
/**
 * Module-level on purpose, unlike the template indexes (see `AnalysisRun`): a pure memo of a
 * pure function of the expression text, which no construct tree or run can make stale.
 */
const cache = new Map<string, ScheduleGap>();

/** Parses a schedule expression; throws with the reason when it is not one Secrets Manager accepts. */
export function scheduleGap(expression: string): ScheduleGap {
  const trimmed = expression.trim();
  let gap = cache.get(trimmed);
  if (!gap) {
    gap = compute(trimmed);
    cache.set(trimmed, gap);
  }
  return gap;
}

function compute(expression: string): ScheduleGap {
  const rate = /^rate\(\s*(\d+)\s+(day|days|hour|hours)\s*\)$/i.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    const hours = rate[2].toLowerCase().startsWith('day') ? n * 24 : n;
    return { hours, rateHours: hours, explanation: `${expression} rotates every ${formatHours(hours)}` };
  }
  const cron = /^cron\((.*)\)$/i.exec(expression);
  if (!cron) {
    throw new Error(`'${expression}' is neither rate(...) nor cron(...)`);
  }
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new Error(`'${expression}' has ${fields.length} fields; cron needs 6 (minutes hours day-of-month month day-of-week year)`);
  }
  const [min, hour, dom, month, dow, year] = fields;
  const minutes = parseField(min, 0, 59, [], expression);
  const hours = parseField(hour, 0, 23, [], expression);
  const months = parseField(month, 1, 12, MONTHS, expression);
  const years = year === '*' ? undefined : parseField(year, 1970, 2199, [], expression);
  const dayMatches = dayMatcher(dom, dow, expression);

  const times = [...hours].flatMap(h => [...minutes].map(m => h * 60 + m)).sort((a, b) => a - b);
  let withinDay = 0;
  for (let i = 1; i < times.length; i++) {
    withinDay = Math.max(withinDay, times[i] - times[i - 1]);
  }
  let previous: number | undefined;
  let worst = withinDay;
  let fired = 0;
  for (let day = Date.UTC(FIRST_YEAR, 0, 1); day <= Date.UTC(LAST_YEAR, 11, 31); day += 86_400_000) {
    const d = new Date(day);
    if (years && !years.has(d.getUTCFullYear())) {
      continue;
    }
    if (!months.has(d.getUTCMonth() + 1) || !dayMatches(d)) {
      continue;
    }
    const dayIndex = day / 86_400_000;
    if (previous !== undefined) {
      worst = Math.max(worst, (dayIndex - previous) * 1440 + times[0] - times[times.length - 1]);
    }
    previous = dayIndex;
    fired++;
  }
  const lastYear = years ? Math.max(...years) : undefined;
  if (lastYear !== undefined && lastYear < STOPS_BEFORE) {
    return { hours: Infinity, explanation: `${expression} stops firing after ${lastYear}` };
  }
  if (fired < 2) {
    return { hours: Infinity, explanation: `${expression} stops firing: it fires ${fired} time(s) from ${FIRST_YEAR} to ${LAST_YEAR}` };
  }
  const hoursGap = worst / 60;
  return { hours: hoursGap, explanation: `${expression} can leave ${formatHours(hoursGap)} between two rotations` };
}

/** `36` → `1 day 12 hours`; whole days print as days. */
export function formatHours(hours: number): string {
  if (!Number.isFinite(hours)) {
    return 'forever';
  }
  const days = Math.floor(hours / 24);
  const rest = Math.round((hours - days * 24) * 100) / 100;
  const parts = [];
  if (days > 0) {
    parts.push(`${days} day${days === 1 ? '' : 's'}`);
  }
  if (rest > 0 || days === 0) {
    parts.push(`${rest} hour${rest === 1 ? '' : 's'}`);
  }
  return parts.join(' ');
}

function parseField(field: string, lo: number, hi: number, names: string[], expression: string): Set<number> {
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let start: number;
    let end: number;
    if (range === '*' || range === '?') {
      start = lo;
      end = hi;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      start = value(a, names, lo, expression);
      end = value(b, names, lo, expression);
    } else {
      start = value(range, names, lo, expression);
      end = stepText === undefined ? start : hi;
    }
    if (!Number.isInteger(step) || step < 1 || start < lo || end > hi || start > end) {
      throw new Error(`'${expression}': field '${field}' is outside ${lo}-${hi}`);
    }
    for (let v = start; v <= end; v += step) {
      out.add(v);
    }
  }
  return out;
}

function value(text: string, names: string[], lo: number, expression: string): number {
  const named = names.indexOf(text.toUpperCase());
  if (named >= 0) {
    return named + lo;
  }
  const n = Number(text);
  if (text === '' || !Number.isInteger(n)) {
    throw new Error(`'${expression}': '${text}' is not a number${names.length ? ' or a name' : ''}`);
  }
  return n;
}

function dayMatcher(dom: string, dow: string, expression: string): (d: Date) => boolean {
  if (dom !== '?' && dow !== '?' && !(dom === '*' && dow === '*')) {
    // Secrets Manager, like EventBridge, needs '?' in one of the two day fields.
    throw new Error(`'${expression}': one of day-of-month and day-of-week must be '?'`);
  }
  if (dow !== '?' && dow !== '*') {
    return weekdayMatcher(dow, expression);
  }
  if (dom === '?' || dom === '*') {
    return () => true;
  }
  return monthDayMatcher(dom, expression);
}

function lastDayOfMonth(d: Date): number {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
}

function nearestWeekday(d: Date, target: number): number {
  const last = lastDayOfMonth(d);
  const day = Math.min(target, last);
  const weekday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), day)).getUTCDay();
  if (weekday === 6) {
    return day === 1 ? 3 : day - 1;
  }
  if (weekday === 0) {
    return day === last ? day - 2 : day + 1;
  }
  return day;
}

function monthDayMatcher(dom: string, expression: string): (d: Date) => boolean {
  if (dom === 'L') {
    return d => d.getUTCDate() === lastDayOfMonth(d);
  }
  if (dom === 'LW') {
    return d => d.getUTCDate() === nearestWeekday(d, lastDayOfMonth(d));
  }
  const w = /^(\d+)W$/.exec(dom);
  if (w) {
    return d => d.getUTCDate() === nearestWeekday(d, Number(w[1]));
  }
  const days = parseField(dom, 1, 31, [], expression);
  return d => days.has(d.getUTCDate());
}

function weekdayMatcher(dow: string, expression: string): (d: Date) => boolean {
  const nth = /^(\w+)#(\d)$/.exec(dow);
  if (nth) {
    const weekday = value(nth[1], DAYS, 1, expression);
    const n = Number(nth[2]);
    return d => d.getUTCDay() + 1 === weekday && Math.ceil(d.getUTCDate() / 7) === n;
  }
  const last = /^(\w*)L$/.exec(dow);
  if (last) {
    const weekday = last[1] === '' ? 7 : value(last[1], DAYS, 1, expression);
    return d => d.getUTCDay() + 1 === weekday && d.getUTCDate() + 7 > lastDayOfMonth(d);
  }
  const days = parseField(dow, 1, 7, DAYS, expression);
  return d => days.has(d.getUTCDay() + 1);
}
