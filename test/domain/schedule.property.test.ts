/**
 * Property tests for shared/domain/schedule.ts. Expressions are generated together with an oracle written
 * straight from the field definitions (checked one date at a time, no searching), so the properties compare
 * the field-jumping search against a naive reading of the expression.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSchedule, ScheduleParseError } from '../../shared/domain/schedule.js';

const MINUTE_MS = 60_000;
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

interface Field {
  readonly text: string;
  readonly allows: (value: number) => boolean;
}

interface GeneratedCron {
  readonly expression: string;
  /** The instant is a run. */
  readonly matches: (date: Date) => boolean;
  /** Some minute of this UTC day is a run (every minutes/hours field allows at least one value). */
  readonly runsOnDay: (date: Date) => boolean;
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A numeric cron field over min..max: `*`, a list, a/step, a-b/step or a wrapping range; names optional. */
function field(min: number, max: number, names?: readonly string[]): fc.Arbitrary<Field> {
  const show = (value: number, named: boolean): string =>
    named && names ? names[value - min]! : String(value);
  const value = fc.integer({ min, max });
  return fc.oneof(
    fc.constant<Field>({ text: '*', allows: () => true }),
    fc.tuple(fc.uniqueArray(value, { minLength: 1, maxLength: 4 }), fc.boolean()).map(([values, named]) => ({
      text: values.map((v) => show(v, named)).join(','),
      allows: (v: number) => values.includes(v),
    })),
    fc.tuple(value, fc.integer({ min: 1, max: 7 })).map(([start, step]) => ({
      text: `${start}/${step}`,
      allows: (v: number) => v >= start && (v - start) % step === 0,
    })),
    fc.tuple(value, value, fc.integer({ min: 1, max: 3 })).map(([a, b, step]) => {
      const [low, high] = a <= b ? [a, b] : [b, a];
      return {
        text: `${low}-${high}/${step}`,
        allows: (v: number) => v >= low && v <= high && (v - low) % step === 0,
      };
    }),
    fc.tuple(value, value, fc.boolean()).map(([a, b, named]) => {
      const wraps = a > b;
      return {
        text: `${show(a, named)}-${show(b, named)}`,
        allows: (v: number) => (wraps ? v >= a || v <= b : v >= a && v <= b),
      };
    }),
  );
}

const lengthOfMonth = (date: Date): number =>
  new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
const weekday = (date: Date): number => date.getUTCDay() + 1;
const isWeekday = (date: Date): boolean => weekday(date) >= 2 && weekday(date) <= 6;
const sameMonthDay = (date: Date, day: number): Date =>
  new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), day));

/** Day-of-month and day-of-week together: one of them is always `?`. */
const dayFields: fc.Arbitrary<{ dom: string; dow: string; allows: (date: Date) => boolean }> = fc.oneof(
  field(1, 31).map((dom) => ({ dom: dom.text, dow: '?', allows: (d: Date) => dom.allows(d.getUTCDate()) })),
  field(1, 7, DAY_NAMES).map((dow) => ({
    dom: '?',
    dow: dow.text,
    allows: (d: Date) => dow.allows(weekday(d)),
  })),
  fc.constant({ dom: 'L', dow: '?', allows: (d: Date) => d.getUTCDate() === lengthOfMonth(d) }),
  fc.constant({
    dom: 'LW',
    dow: '?',
    allows: (d: Date) =>
      isWeekday(d) &&
      range(d.getUTCDate() + 1, lengthOfMonth(d)).every((day) => !isWeekday(sameMonthDay(d, day))),
  }),
  fc.integer({ min: 1, max: 31 }).map((target) => ({
    dom: `${target}W`,
    dow: '?',
    // The weekday of the same month closest to the target (there is never a tie).
    allows: (d: Date) => {
      if (target > lengthOfMonth(d) || !isWeekday(d)) return false;
      const distance = Math.abs(d.getUTCDate() - target);
      return range(1, lengthOfMonth(d)).every(
        (day) => !isWeekday(sameMonthDay(d, day)) || Math.abs(day - target) >= distance,
      );
    },
  })),
  fc.constant({ dom: '?', dow: 'L', allows: (d: Date) => weekday(d) === 7 }),
  fc.integer({ min: 1, max: 7 }).map((day) => ({
    dom: '?',
    dow: `${day}L`,
    allows: (d: Date) => weekday(d) === day && d.getUTCDate() + 7 > lengthOfMonth(d),
  })),
  fc.tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 5 })).map(([day, nth]) => ({
    dom: '?',
    dow: `${day}#${nth}`,
    allows: (d: Date) => weekday(d) === day && Math.ceil(d.getUTCDate() / 7) === nth,
  })),
);

const expressions: fc.Arbitrary<GeneratedCron> = fc
  .tuple(field(0, 59), field(0, 23), dayFields, field(1, 12, MONTH_NAMES))
  .map(([minutes, hours, days, months]) => {
    const runsOnDay = (date: Date) => months.allows(date.getUTCMonth() + 1) && days.allows(date);
    return {
      expression: `cron(${minutes.text} ${hours.text} ${days.dom} ${months.text} ${days.dow} *)`,
      matches: (date: Date) =>
        date.getTime() % MINUTE_MS === 0 &&
        minutes.allows(date.getUTCMinutes()) &&
        hours.allows(date.getUTCHours()) &&
        runsOnDay(date),
      runsOnDay,
    };
  });

const instants = fc.date({
  min: new Date('2020-01-01T00:00:00Z'),
  max: new Date('2040-12-31T00:00:00Z'),
  noInvalidDate: true,
});

/** The generator can build expressions that never run (31 in FEB); those must be rejected, not looped on. */
function parseOrSkip(generated: GeneratedCron) {
  try {
    return parseSchedule(generated.expression);
  } catch (error) {
    expect(error).toBeInstanceOf(ScheduleParseError);
    expect((error as Error).message).toMatch(/never runs/);
    // 28 years repeat the Gregorian weekday-and-leap pattern (2001-2099), so no day in them may run.
    const firstDay = Date.UTC(2024, 0, 1);
    for (let day = 0; day < 28 * 366; day++) {
      const date = new Date(firstDay + day * 24 * 60 * MINUTE_MS);
      if (generated.runsOnDay(date)) {
        throw new Error(`${generated.expression} was rejected but runs on ${date.toISOString()}`);
      }
    }
    return null;
  }
}

const RUNS = { numRuns: 300 };

describe('schedule properties', () => {
  it('next(t) is strictly after t and matches every field (why: the search may not skip or invent runs)', () => {
    fc.assert(
      fc.property(expressions, instants, (generated, t) => {
        const schedule = parseOrSkip(generated);
        if (!schedule) return;
        const next = schedule.next(t);
        expect(next.getTime()).toBeGreaterThan(t.getTime());
        expect(generated.matches(next)).toBe(true);
      }),
      RUNS,
    );
  });

  it('next is monotone (why: a later start never yields an earlier run)', () => {
    fc.assert(
      fc.property(expressions, instants, instants, (generated, a, b) => {
        const schedule = parseOrSkip(generated);
        if (!schedule) return;
        const [early, late] = a <= b ? [a, b] : [b, a];
        expect(schedule.next(early).getTime()).toBeLessThanOrEqual(schedule.next(late).getTime());
      }),
      RUNS,
    );
  });

  it('previous(next(t)) <= t and previous(t) < t matches (why: previous mirrors next)', () => {
    fc.assert(
      fc.property(expressions, instants, (generated, t) => {
        const schedule = parseOrSkip(generated);
        if (!schedule) return;
        expect(schedule.previous(schedule.next(t)).getTime()).toBeLessThanOrEqual(t.getTime());
        const previous = schedule.previous(t);
        expect(previous.getTime()).toBeLessThan(t.getTime());
        expect(generated.matches(previous)).toBe(true);
      }),
      RUNS,
    );
  });

  it('no run lies strictly between t and next(t) (why: next is the FIRST run), checked minute by minute', () => {
    const windowMinutes = 3 * 24 * 60;
    fc.assert(
      fc.property(expressions, instants, (generated, t) => {
        const schedule = parseOrSkip(generated);
        if (!schedule) return;
        const next = schedule.next(t).getTime();
        const firstWholeMinute = Math.floor(t.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
        const end = Math.min(next, firstWholeMinute + windowMinutes * MINUTE_MS);
        for (let minute = firstWholeMinute; minute < end; minute += MINUTE_MS) {
          if (generated.matches(new Date(minute))) {
            throw new Error(`${generated.expression}: ${new Date(minute).toISOString()} runs before next()`);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
