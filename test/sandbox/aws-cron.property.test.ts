/**
 * The sandbox's cron engine and the controller's are written apart; on random AWS cron expressions they must
 * name the same runs. Where they disagree, one of them misreads AWS's dialect.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AwsCronError, parseAwsCron } from '../../sandbox/aws-cron.js';
import { ControllerError } from '../../shared/domain/errors.js';
import { parseSchedule } from '../../shared/domain/schedule.js';

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** A numeric field over min..max: `*`, a value, a list, a range (possibly wrapping), a/step, a-b/step. */
function field(min: number, max: number, names?: readonly string[]): fc.Arbitrary<string> {
  const value = fc.integer({ min, max });
  const show = (v: number, named: boolean) => (named && names ? names[v - min]! : String(v));
  return fc.oneof(
    fc.constant('*'),
    fc.tuple(value, fc.boolean()).map(([v, named]) => show(v, named)),
    fc.uniqueArray(value, { minLength: 2, maxLength: 4 }).map((values) => values.join(',')),
    fc.tuple(value, value, fc.boolean()).map(([a, b, named]) => `${show(a, named)}-${show(b, named)}`),
    fc.tuple(value, fc.integer({ min: 1, max: 9 })).map(([a, step]) => `${a}/${step}`),
    fc
      .tuple(value, value, fc.integer({ min: 1, max: 4 }))
      .map(([a, b, step]) => `${Math.min(a, b)}-${Math.max(a, b)}/${step}`),
  );
}

const dayOfMonth = fc.oneof(
  field(1, 31),
  fc.constantFrom('L', 'LW'),
  fc.integer({ min: 1, max: 31 }).map((day) => `${day}W`),
);
const dayOfWeek = fc.oneof(
  field(1, 7, DAY_NAMES),
  fc.constant('L'),
  fc.integer({ min: 1, max: 7 }).map((day) => `${day}L`),
  fc.tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 5 })).map(([d, n]) => `${d}#${n}`),
);
const cron = fc
  .tuple(
    field(0, 59),
    field(0, 23),
    fc.oneof(
      dayOfMonth.map((dom) => [dom, '?'] as const),
      dayOfWeek.map((dow) => ['?', dow] as const),
    ),
    field(1, 12, MONTH_NAMES),
    fc.oneof(fc.constant('*'), fc.integer({ min: 2026, max: 2030 }).map(String)),
  )
  .map(([minute, hour, [dom, dow], month, year]) => `cron(${minute} ${hour} ${dom} ${month} ${dow} ${year})`);

const start = fc
  .integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) })
  .map((ms) => new Date(ms));

/** The sandbox's next run, or null when it finds none in its horizon. */
function sandboxRuns(expression: string, from: Date, count: number): (string | null)[] {
  const engine = parseAwsCron(expression);
  const runs: (string | null)[] = [];
  let cursor: Date | undefined = from;
  for (let i = 0; i < count && cursor; i++) {
    const next = engine.next(cursor);
    cursor = next && next.getTime() - from.getTime() <= HORIZON_MS ? next : undefined;
    runs.push(cursor?.toISOString() ?? null);
  }
  return runs;
}

/** How far both are compared: the sandbox searches about six years ahead, the controller to 2199. */
const HORIZON_MS = 5 * 365 * 86_400_000;

/**
 * The controller's next runs within the horizon; it rejects at parse time a schedule that can never run
 * (null, as no run).
 */
function controllerRuns(expression: string, from: Date, count: number): (string | null)[] {
  const runs: (string | null)[] = [];
  let cursor: Date | null = from;
  for (let i = 0; i < count && cursor; i++) {
    try {
      const next: Date = parseSchedule(expression).next(cursor);
      cursor = next.getTime() - from.getTime() <= HORIZON_MS ? next : null;
    } catch (error) {
      if (!(error instanceof ControllerError)) throw error;
      cursor = null;
    }
    runs.push(cursor?.toISOString() ?? null);
  }
  return runs;
}

describe('the sandbox cron engine against the controller schedule engine', () => {
  it('name the same next five runs for random AWS cron expressions', () => {
    fc.assert(
      fc.property(cron, start, (expression, from) => {
        expect(sandboxRuns(expression, from, 5)).toEqual(controllerRuns(expression, from, 5));
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['rate(12 hours)', 'AWS Backup does not take rate()'],
    ['cron(0 5 * * * *)', 'both day fields set'],
    ['cron(0 5 ? * ? *)', 'neither day field set'],
    ['cron(0 5 ? *)', 'too few fields'],
    ['cron(61 5 ? * * *)', 'minute out of range'],
  ])('rejects %s (%s)', (expression) => {
    expect(() => parseAwsCron(expression)).toThrow(AwsCronError);
  });
});
