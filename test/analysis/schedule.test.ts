import { formatHours, scheduleGap } from '../../src/analysis/schedule';

const DAY = 24;

describe('scheduleGap', () => {
  describe('rate expressions', () => {
    test.each<[string, number]>([
      ['rate(1 day)', DAY],
      ['rate(30 days)', 30 * DAY],
      ['rate(365 days)', 365 * DAY],
      ['rate(4 hours)', 4],
      ['rate(1 hour)', 1],
      ['rate(720 hours)', 720],
      ['RATE(7 DAYS)', 7 * DAY],
      ['rate( 10   days )', 10 * DAY],
      ['  rate(2 days)  ', 2 * DAY],
    ])('%s leaves %d hours', (expression, hours) => {
      // WHEN
      const gap = scheduleGap(expression);
      // THEN
      expect(gap.hours).toBe(hours);
    });

    test('the explanation names the expression and the interval', () => {
      // WHEN
      const gap = scheduleGap('rate(36 hours)');
      // THEN
      expect(gap.explanation).toBe('rate(36 hours) rotates every 1 day 12 hours');
    });
  });

  describe('cron expressions, worst case over 2026-2034', () => {
    test.each<[string, string, number]>([
      ['daily', 'cron(0 0 * * ? *)', DAY],
      ['daily late in the day', 'cron(30 23 * * ? *)', DAY],
      ['weekly on Monday', 'cron(0 0 ? * MON *)', 7 * DAY],
      ['weekly on Sunday by number', 'cron(0 0 ? * 1 *)', 7 * DAY],
      ['weekly, lower-case day name', 'cron(0 0 ? * sun *)', 7 * DAY],
      ['monthly on the 1st (31 days, not 30)', 'cron(0 0 1 * ? *)', 31 * DAY],
      ['monthly on the 31st (skips short months)', 'cron(0 0 31 * ? *)', 61 * DAY],
      ['last day of the month', 'cron(0 0 L * ? *)', 31 * DAY],
      ['last weekday of the month', 'cron(0 0 LW * ? *)', 33 * DAY],
      ['third Friday of the month', 'cron(0 0 ? * 6#3 *)', 35 * DAY],
      ['first Monday by name', 'cron(0 0 ? * MON#1 *)', 35 * DAY],
      ['last Friday of the month', 'cron(0 0 ? * 6L *)', 35 * DAY],
      ['weekday nearest the 15th', 'cron(0 0 15W * ? *)', 32 * DAY],
      ['weekday nearest the 1st (never in the previous month)', 'cron(0 0 1W * ? *)', 33 * DAY],
      ['yearly on 1 January, over a leap year', 'cron(0 0 1 JAN ? *)', 366 * DAY],
      ['29 February (leap years only)', 'cron(0 0 29 FEB ? *)', 4 * 365 * DAY + DAY],
      ['a list of days of the month', 'cron(0 0 1,15 * ? *)', 17 * DAY],
      ['a list of named months', 'cron(0 0 1 JAN,JUL ? *)', 184 * DAY],
      ['a range of named months with an nth weekday', 'cron(0 0 ? JAN-MAR MON#1 *)', 308 * DAY],
      ['a range of named weekdays', 'cron(0 0 ? * MON-FRI *)', 3 * DAY],
      ['a range of numbered weekdays', 'cron(0 0 ? * 2-6 *)', 3 * DAY],
      ['a step from a start day', 'cron(0 0 1/10 * ? *)', 10 * DAY],
      ['a step over every day', 'cron(0 0 */2 * ? *)', 2 * DAY],
      ['several times a day', 'cron(0 8,20 * * ? *)', 12],
      ['a step over hours', 'cron(0 */4 * * ? *)', 4],
      ['a range of hours (the gap is overnight)', 'cron(0 10-14 * * ? *)', 20],
      ['minutes within an hour', 'cron(0,30 * * * ? *)', 0.5],
      ['an open-ended year range', 'cron(0 0 * * ? 2026-2199)', DAY],
      ['every other year', 'cron(0 0 1 JAN ? */2)', 731 * DAY],
    ])('%s: %s leaves %d hours', (_label, expression, hours) => {
      // WHEN
      const gap = scheduleGap(expression);
      // THEN
      expect(gap.hours).toBe(hours);
    });

    test('the explanation names the expression and the worst gap', () => {
      // WHEN
      const gap = scheduleGap('cron(0 0 1 * ? *)');
      // THEN
      expect(gap.explanation).toBe('cron(0 0 1 * ? *) can leave 31 days between two rotations');
    });

    test('the same expression gives the same answer twice', () => {
      // WHEN
      const first = scheduleGap('cron(0 0 ? * 6#3 *)');
      const second = scheduleGap(' cron(0 0 ? * 6#3 *) ');
      // THEN
      expect(second).toEqual(first);
    });
  });

  describe('schedules that stop firing', () => {
    test.each([
      ['a single past year', 'cron(0 0 * * ? 2020)', /stops firing after 2020/],
      ['a single current year', 'cron(0 0 * * ? 2026)', /stops firing after 2026/],
      ['a range that ends inside the window', 'cron(0 0 * * ? 2026-2033)', /stops firing after 2033/],
      ['a range that ends with the window', 'cron(0 0 * * ? 2026-2034)', /stops firing after 2034/],
      ['a single future year', 'cron(0 0 1 JAN ? 2030)', /stops firing after 2030/],
      ['a date that never exists', 'cron(0 0 30 FEB ? *)', /fires 0 time\(s\) from 2026 to 2034/],
    ])('%s: %s is Infinity', (_label, expression, explanation) => {
      // WHEN
      const gap = scheduleGap(expression);
      // THEN
      expect(gap.hours).toBe(Infinity);
      expect(gap.explanation).toMatch(/stops firing/);
      expect(gap.explanation).toMatch(explanation);
    });
  });

  describe('malformed expressions', () => {
    test.each([
      ['a rate in minutes', 'rate(5 minutes)', /'rate\(5 minutes\)' is neither rate\(\.\.\.\) nor cron\(\.\.\.\)/],
      ['a rate without a number', 'rate(days)', /is neither rate\(\.\.\.\) nor cron\(\.\.\.\)/],
      ['a bare word', 'weekly', /'weekly' is neither rate\(\.\.\.\) nor cron\(\.\.\.\)/],
      ['an empty string', '', /'' is neither rate\(\.\.\.\) nor cron\(\.\.\.\)/],
      ['a five-field (Unix) cron', 'cron(0 0 * * ?)', /has 5 fields; cron needs 6 \(minutes hours day-of-month month day-of-week year\)/],
      ['a seven-field cron', 'cron(0 0 0 * * ? *)', /has 7 fields; cron needs 6/],
      ['minutes out of range', 'cron(60 0 * * ? *)', /field '60' is outside 0-59/],
      ['hours out of range', 'cron(0 24 * * ? *)', /field '24' is outside 0-23/],
      ['day of month out of range', 'cron(0 0 32 * ? *)', /field '32' is outside 1-31/],
      ['month out of range', 'cron(0 0 1 13 ? *)', /field '13' is outside 1-12/],
      ['day of week out of range', 'cron(0 0 ? * 8 *)', /field '8' is outside 1-7/],
      ['year out of range', 'cron(0 0 * * ? 1969)', /field '1969' is outside 1970-2199/],
      ['a reversed range', 'cron(0 0 5-1 * ? *)', /field '5-1' is outside 1-31/],
      ['a zero step', 'cron(0 0 ? * MON/0 *)', /field 'MON\/0' is outside 1-7/],
      ['an unknown month name', 'cron(0 0 1 FOO ? *)', /'FOO' is not a number or a name/],
      ['an unknown day name', 'cron(0 0 ? * FUN *)', /'FUN' is not a number or a name/],
      ['a letter in the minutes', 'cron(a 0 * * ? *)', /'a' is not a number$/],
      ['both day fields set', 'cron(0 0 1 * MON *)', /one of day-of-month and day-of-week must be '\?'/],
    ])('%s: %s throws', (_label, expression, message) => {
      // THEN
      expect(() => scheduleGap(expression)).toThrow(message);
    });
  });
});

describe('formatHours', () => {
  test.each<[number, string]>([
    [0, '0 hours'],
    [0.5, '0.5 hours'],
    [1, '1 hour'],
    [4, '4 hours'],
    [24, '1 day'],
    [36, '1 day 12 hours'],
    [49, '2 days 1 hour'],
    [720, '30 days'],
    [Infinity, 'forever'],
  ])('%d hours prints as "%s"', (hours, text) => {
    // THEN
    expect(formatHours(hours)).toBe(text);
  });
});
