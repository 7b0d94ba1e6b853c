import { describe, expect, it } from 'vitest';
import {
  allowedAgeMs,
  expectedBy,
  intervalBounds,
  NoScheduledRunError,
  parseSchedule,
  ScheduleParseError,
} from '../../shared/domain/schedule.js';

const HOUR_MS = 3_600_000;
const at = (iso: string): Date => new Date(iso);

describe('parseSchedule(...).next', () => {
  const cases: { expression: string; after: string; next: string; why: string }[] = [
    {
      expression: 'cron(0 5 ? * * *)',
      after: '2026-03-04T10:30:00Z',
      next: '2026-03-05T05:00:00Z',
      why: "daily 05:00 UTC, today's run has passed",
    },
    {
      expression: 'cron(0 5 ? * * *)',
      after: '2026-03-05T04:59:59.999Z',
      next: '2026-03-05T05:00:00Z',
      why: 'a millisecond before the run still gets that run',
    },
    {
      expression: 'cron(0 5 ? * * *)',
      after: '2026-03-05T05:00:00Z',
      next: '2026-03-06T05:00:00Z',
      why: 'next is strictly after: a run at exactly `after` does not count',
    },
    {
      expression: 'cron(0 5 ? * * *)',
      after: '2026-03-05T05:00:30Z',
      next: '2026-03-06T05:00:00Z',
      why: 'seconds inside the run minute are past the run',
    },
    {
      expression: 'cron(*/15 * ? * * *)',
      after: '2026-03-04T10:31:00Z',
      next: '2026-03-04T10:45:00Z',
      why: '*/15 is 0, 15, 30, 45',
    },
    {
      expression: 'cron(10/20 * ? * * *)',
      after: '2026-03-04T10:50:00Z',
      next: '2026-03-04T11:10:00Z',
      why: '10/20 is 10, 30, 50 and then wraps into the next hour',
    },
    {
      expression: 'cron(0 22-2 ? * * *)',
      after: '2026-03-04T02:30:00Z',
      next: '2026-03-04T22:00:00Z',
      why: 'a wrapping hour range 22-2 skips 03-21',
    },
    {
      expression: 'cron(0 22-2 ? * * *)',
      after: '2026-03-04T23:30:00Z',
      next: '2026-03-05T00:00:00Z',
      why: 'a wrapping hour range continues past midnight',
    },
    {
      expression: 'cron(0 0 1 JAN ? *)',
      after: '2026-12-31T23:59:00Z',
      next: '2027-01-01T00:00:00Z',
      why: 'carries into the next year',
    },
    {
      expression: 'cron(0 0 L * ? *)',
      after: '2026-02-01T00:00:00Z',
      next: '2026-02-28T00:00:00Z',
      why: 'L is the last day of the month: 28 in a common year',
    },
    {
      expression: 'cron(0 0 L * ? *)',
      after: '2028-02-01T00:00:00Z',
      next: '2028-02-29T00:00:00Z',
      why: 'L in a leap February is the 29th',
    },
    {
      expression: 'cron(0 0 LW * ? *)',
      after: '2026-05-01T00:00:00Z',
      next: '2026-05-29T00:00:00Z',
      why: 'LW: 2026-05-31 is a Sunday, so the last weekday is Friday the 29th',
    },
    {
      expression: 'cron(0 0 LW * ? *)',
      after: '2026-01-01T00:00:00Z',
      next: '2026-01-30T00:00:00Z',
      why: 'LW: 2026-01-31 is a Saturday, so Friday the 30th',
    },
    {
      expression: 'cron(0 0 15W * ? *)',
      after: '2026-11-01T00:00:00Z',
      next: '2026-11-16T00:00:00Z',
      why: '15W: 2026-11-15 is a Sunday, so the nearest weekday is Monday the 16th',
    },
    {
      expression: 'cron(0 0 1W * ? *)',
      after: '2026-07-15T00:00:00Z',
      next: '2026-08-03T00:00:00Z',
      why: '1W: 2026-08-01 is a Saturday; W never crosses into July, so Monday the 3rd',
    },
    {
      expression: 'cron(0 0 31W * ? *)',
      after: '2026-05-01T00:00:00Z',
      next: '2026-05-29T00:00:00Z',
      why: '31W: 2026-05-31 is a Sunday; W never crosses into June, so Friday the 29th',
    },
    {
      expression: 'cron(0 0 31W * ? *)',
      after: '2026-06-01T00:00:00Z',
      next: '2026-07-31T00:00:00Z',
      why: '31W skips June, which has no 31st',
    },
    {
      expression: 'cron(0 0 31 * ? *)',
      after: '2026-04-01T00:00:00Z',
      next: '2026-05-31T00:00:00Z',
      why: 'day 31 skips 30-day months',
    },
    {
      expression: 'cron(0 0 29 FEB ? *)',
      after: '2026-03-04T00:00:00Z',
      next: '2028-02-29T00:00:00Z',
      why: '29 FEB jumps to the next leap year',
    },
    {
      expression: 'cron(0 0 ? * 1 *)',
      after: '2026-03-04T00:00:00Z',
      next: '2026-03-08T00:00:00Z',
      why: 'day-of-week 1 is Sunday (2026-03-04 is a Wednesday)',
    },
    {
      expression: 'cron(0 0 ? * FRI-MON *)',
      after: '2026-03-03T12:00:00Z',
      next: '2026-03-06T00:00:00Z',
      why: 'FRI-MON wraps over the weekend; Tuesday goes to Friday',
    },
    {
      expression: 'cron(0 0 ? * FRI-MON *)',
      after: '2026-03-07T12:00:00Z',
      next: '2026-03-08T00:00:00Z',
      why: 'FRI-MON includes Sunday',
    },
    {
      expression: 'cron(0 0 ? * L *)',
      after: '2026-03-04T00:00:00Z',
      next: '2026-03-07T00:00:00Z',
      why: 'L alone in day-of-week is Saturday',
    },
    {
      expression: 'cron(0 0 ? * 5L *)',
      after: '2026-03-04T00:00:00Z',
      next: '2026-03-26T00:00:00Z',
      why: '5L is the last Thursday of the month',
    },
    {
      expression: 'cron(0 0 ? * 6#3 *)',
      after: '2026-03-04T00:00:00Z',
      next: '2026-03-20T00:00:00Z',
      why: '6#3 is the third Friday (6, 13, 20)',
    },
    {
      expression: 'cron(0 0 ? * 2#5 *)',
      after: '2026-04-01T00:00:00Z',
      next: '2026-06-29T00:00:00Z',
      why: '2#5: April and May 2026 have only four Mondays',
    },
    {
      expression: 'cron(0 12 ? jan,jul mon *)',
      after: '2026-03-04T00:00:00Z',
      next: '2026-07-06T12:00:00Z',
      why: 'month and day names are case-insensitive; first Monday of July',
    },
    {
      expression: 'cron(0 0 1 1 ? 2027-2028)',
      after: '2026-03-04T00:00:00Z',
      next: '2027-01-01T00:00:00Z',
      why: 'a year range starts the runs in 2027',
    },
    {
      expression: '  cron( 0  5 ? * * * )  ',
      after: '2026-03-04T10:30:00Z',
      next: '2026-03-05T05:00:00Z',
      why: 'surrounding and repeated whitespace is tolerated',
    },
  ];
  it.each(cases)('$expression after $after -> $next ($why)', ({ expression, after, next }) => {
    expect(parseSchedule(expression).next(at(after)).toISOString()).toBe(at(next).toISOString());
  });

  it('keeps the expression exactly as given', () => {
    expect(parseSchedule(' cron(0 5 ? * * *) ').expression).toBe(' cron(0 5 ? * * *) ');
  });
});

describe('parseSchedule(...).previous', () => {
  const cases: { expression: string; before: string; previous: string; why: string }[] = [
    {
      expression: 'cron(0 5 ? * * *)',
      before: '2026-03-04T05:00:00Z',
      previous: '2026-03-03T05:00:00Z',
      why: 'previous is strictly before: a run at exactly `before` does not count',
    },
    {
      expression: 'cron(0 5 ? * * *)',
      before: '2026-03-04T05:00:00.001Z',
      previous: '2026-03-04T05:00:00Z',
      why: 'a millisecond after the run sees it',
    },
    {
      expression: 'cron(0 0 L * ? *)',
      before: '2026-03-04T00:00:00Z',
      previous: '2026-02-28T00:00:00Z',
      why: 'the last day of February 2026',
    },
    {
      expression: 'cron(0 0 29 FEB ? *)',
      before: '2026-03-04T00:00:00Z',
      previous: '2024-02-29T00:00:00Z',
      why: 'back to the previous leap year',
    },
    {
      expression: 'cron(0 22-2 ? * * *)',
      before: '2026-03-04T10:00:00Z',
      previous: '2026-03-04T02:00:00Z',
      why: 'the wrapping range ends at 02:00',
    },
    {
      expression: 'cron(0 0 ? * 2#5 *)',
      before: '2026-06-01T00:00:00Z',
      previous: '2026-03-30T00:00:00Z',
      why: 'the fifth Monday before June 2026 is in March',
    },
  ];
  it.each(cases)('$expression before $before -> $previous ($why)', ({ expression, before, previous }) => {
    expect(parseSchedule(expression).previous(at(before)).toISOString()).toBe(at(previous).toISOString());
  });
});

describe('schedules with a last (or first) run', () => {
  const cases: { expression: string; ask: 'next' | 'previous'; when: string; why: string }[] = [
    {
      expression: 'cron(0 0 1 1 ? 2027-2028)',
      ask: 'next',
      when: '2028-06-01T00:00:00Z',
      why: 'the year field ends in 2028',
    },
    {
      expression: 'cron(0 0 1 1 ? 2027)',
      ask: 'previous',
      when: '2026-03-04T00:00:00Z',
      why: 'nothing ran before 2027',
    },
    { expression: 'cron(0 0 ? * * *)', ask: 'next', when: '2199-12-31T00:00:00Z', why: 'years stop at 2199' },
  ];
  it.each(cases)('$expression has no $ask run around $when ($why)', ({ expression, ask, when }) => {
    const schedule = parseSchedule(expression);
    const find = () => (ask === 'next' ? schedule.next(at(when)) : schedule.previous(at(when)));
    expect(find).toThrow(NoScheduledRunError);
    expect(find).toThrow(expect.objectContaining({ code: 'SCHEDULE_NO_RUN' }));
  });
});

describe('parseSchedule rejects', () => {
  const cases: { expression: string; message: RegExp; why: string }[] = [
    { expression: 'cron(0 5 * * *)', message: /needs 6 fields.*got 5/, why: 'Unix 5-field cron' },
    { expression: 'cron(0 5 * * * *)', message: /exactly one of day-of-month and day-of-week/, why: 'no ?' },
    { expression: 'cron(0 5 ? * ? *)', message: /exactly one of day-of-month and day-of-week/, why: 'two ?' },
    { expression: 'cron(60 5 ? * * *)', message: /minutes field "60".*outside 0-59/, why: 'minute 60' },
    { expression: 'cron(0 24 ? * * *)', message: /hours field "24".*outside 0-23/, why: 'hour 24' },
    { expression: 'cron(0 5 32 * ? *)', message: /day-of-month field "32".*outside 1-31/, why: 'day 32' },
    { expression: 'cron(0 5 ? 13 * *)', message: /month field "13".*outside 1-12/, why: 'month 13' },
    { expression: 'cron(0 5 ? FOO * *)', message: /month field "FOO".*JAN-DEC/, why: 'unknown month name' },
    {
      expression: 'cron(0 5 ? * 0 *)',
      message: /day-of-week field "0".*outside 1-7/,
      why: 'DOW is 1-7, 1 = SUN',
    },
    { expression: 'cron(0 5 ? * 8 *)', message: /day-of-week field "8"/, why: 'DOW 8' },
    { expression: 'cron(0 5 ? * * 1969)', message: /year field "1969".*1970-2199/, why: 'before 1970' },
    { expression: 'cron(0 5 ? * * 2200)', message: /year field "2200"/, why: 'after 2199' },
    { expression: 'cron(1,,2 5 ? * * *)', message: /minutes field "1,,2"/, why: 'empty list item' },
    { expression: 'cron(*/0 5 ? * * *)', message: /minutes field.*\/step must be at least 1/, why: 'step 0' },
    { expression: 'cron(0 5 ? * 6#6 *)', message: /day-of-week field "6#6".*1-5/, why: 'no sixth Friday' },
    {
      expression: 'cron(0 5 L,15 * ? *)',
      message: /day-of-month field "L,15".*stand alone/,
      why: 'L in a list',
    },
    {
      expression: 'cron(0 5 ? * 3W *)',
      message: /day-of-week field "3W".*W is day-of-month only/,
      why: 'W in DOW',
    },
    { expression: 'cron(0 5 32W * ? *)', message: /day-of-month field "32W"/, why: 'W day out of range' },
    { expression: 'cron(0 0 30 FEB ? *)', message: /never runs/, why: 'February has no 30th' },
    { expression: 'cron(0 0 31 APR,JUN ? *)', message: /never runs/, why: 'April and June have 30 days' },
    { expression: 'cron(0 5 ? * * *', message: /expected cron\(minutes hours/, why: 'missing parenthesis' },
    { expression: 'every day', message: /expected cron\(minutes hours/, why: 'not an AWS expression' },
    { expression: '', message: /expected cron/, why: 'empty' },
    {
      expression: 'rate(12 hours)',
      message: /cron expressions only; rate\(\.\.\.\) is not supported/,
      why: 'AWS Backup rules take cron only',
    },
    {
      expression: ' rate(1 day)',
      message: /cron expressions only/,
      why: 'a rate with surrounding space too',
    },
  ];
  it.each(cases)('$expression ($why)', ({ expression, message }) => {
    const parse = () => parseSchedule(expression);
    expect(parse).toThrow(ScheduleParseError);
    expect(parse).toThrow(
      expect.objectContaining({ code: 'SCHEDULE_INVALID', message: expect.stringMatching(message) }),
    );
  });
});

describe('intervalBounds', () => {
  const cases: { expression: string; from: string; minHours: number; maxHours: number; why: string }[] = [
    {
      expression: 'cron(0 5 ? * * *)',
      from: '2026-03-04T10:00:00Z',
      minHours: 24,
      maxHours: 24,
      why: 'daily',
    },
    {
      expression: 'cron(0 5 ? * MON-FRI *)',
      from: '2026-03-04T10:00:00Z',
      minHours: 24,
      maxHours: 72,
      why: 'weekdays only: Friday to Monday is 3 days',
    },
    {
      expression: 'cron(0 1,5 ? * * *)',
      from: '2026-03-04T10:00:00Z',
      minHours: 4,
      maxHours: 20,
      why: 'uneven times in a day',
    },
    {
      expression: 'cron(0 0 L * ? *)',
      from: '2026-03-04T10:00:00Z',
      minHours: 28 * 24,
      maxHours: 31 * 24,
      why: 'month ends: February is the shortest gap',
    },
    {
      expression: 'cron(0 0 29 FEB ? *)',
      from: '2026-03-04T10:00:00Z',
      minHours: 1461 * 24,
      maxHours: 1461 * 24,
      why: 'the gap that spans `from` counts even when it started years ago',
    },
    {
      expression: 'cron(0 * ? * MON-FRI *)',
      from: '2026-03-04T10:00:00Z',
      minHours: 1,
      maxHours: 49,
      why: 'hourly on weekdays: Friday 23:00 to Monday 00:00, within the run cap',
    },
  ];
  it.each(cases)('$expression from $from ($why)', ({ expression, from, minHours, maxHours }) => {
    expect(intervalBounds(parseSchedule(expression), at(from))).toEqual({
      minMs: minHours * HOUR_MS,
      maxMs: maxHours * HOUR_MS,
    });
  });

  it('rejects a schedule that runs only once (why: it has no interval)', () => {
    expect(() => intervalBounds(parseSchedule('cron(0 0 1 1 ? 2027)'), at('2026-03-04T00:00:00Z'))).toThrow(
      NoScheduledRunError,
    );
  });

  it('stays fast for an hourly schedule (why: the evaluator calls it per target)', () => {
    const schedule = parseSchedule('cron(0 * ? * * *)');
    const started = performance.now();
    intervalBounds(schedule, at('2026-03-04T10:00:00Z'));
    expect(performance.now() - started).toBeLessThan(500);
  });
});

const daily = { schedule: 'cron(0 5 ? * * *)', startWindowMinutes: 60, completionWindowMinutes: 120 };
const weekly = { schedule: 'cron(0 3 ? * SUN *)', startWindowMinutes: 480, completionWindowMinutes: 10080 };
const once = { schedule: 'cron(0 0 1 1 ? 2020)', startWindowMinutes: 60, completionWindowMinutes: 60 };

describe('expectedBy', () => {
  const cases: { rules: (typeof daily)[]; coveredSince: string; expected: string; why: string }[] = [
    {
      rules: [daily],
      coveredSince: '2026-03-04T10:30:00Z',
      expected: '2026-03-05T08:00:00Z',
      why: 'next run 05:00 + 60 min start + 120 min completion',
    },
    {
      rules: [daily],
      coveredSince: '2026-03-04T04:00:00Z',
      expected: '2026-03-04T08:00:00Z',
      why: 'tagged before the day run: the same day counts',
    },
    {
      rules: [weekly, daily],
      coveredSince: '2026-03-04T10:30:00Z',
      expected: '2026-03-05T08:00:00Z',
      why: 'the earliest of the rules wins',
    },
    {
      rules: [once, daily],
      coveredSince: '2026-03-04T10:30:00Z',
      expected: '2026-03-05T08:00:00Z',
      why: 'a rule that never runs again is ignored',
    },
  ];
  it.each(cases)('$coveredSince -> $expected ($why)', ({ rules, coveredSince, expected }) => {
    expect(expectedBy(rules, at(coveredSince)).toISOString()).toBe(at(expected).toISOString());
  });

  const failures: { rules: (typeof daily)[]; error: new (...args: never[]) => Error; why: string }[] = [
    { rules: [], error: NoScheduledRunError, why: 'no rules means no backup is ever due' },
    { rules: [once], error: NoScheduledRunError, why: 'the only rule has no more runs' },
    {
      rules: [{ ...daily, schedule: 'cron(0 5 * * * *)' }],
      error: ScheduleParseError,
      why: 'bad expression',
    },
  ];
  it.each(failures)('throws $error.name ($why)', ({ rules, error }) => {
    expect(() => expectedBy(rules, at('2026-03-04T10:30:00Z'))).toThrow(error);
  });
});

describe('allowedAgeMs', () => {
  const cases: { rules: (typeof daily)[]; hours: number; why: string }[] = [
    { rules: [daily], hours: 24 + 1 + 2, why: '24 h interval + 1 h start + 2 h completion' },
    { rules: [weekly], hours: 7 * 24 + 8 + 168, why: 'weekly with long windows' },
    { rules: [weekly, daily], hours: 27, why: 'the strictest rule wins' },
    { rules: [once, daily], hours: 27, why: 'a rule that ran only once has no interval and is ignored' },
    {
      rules: [{ ...daily, schedule: 'cron(0 5 ? * MON-FRI *)' }],
      hours: 72 + 3,
      why: 'the longest gap (over the weekend) sets the age',
    },
  ];
  it.each(cases)('$hours h ($why)', ({ rules, hours }) => {
    expect(allowedAgeMs(rules, at('2026-03-04T10:30:00Z'))).toBe(hours * HOUR_MS);
  });

  it.each([
    { rules: [], why: 'no rules' },
    { rules: [once], why: 'only a one-off rule' },
  ])('throws NoScheduledRunError ($why)', ({ rules }) => {
    expect(() => allowedAgeMs(rules, at('2026-03-04T10:30:00Z'))).toThrow(NoScheduledRunError);
  });
});
