/**
 * AWS schedule expressions (the `schedule_expression` of a backup rule), evaluated in UTC.
 *
 * - `cron(minutes hours day-of-month month day-of-week year)`: AWS's six-field cron (EventBridge / Backup
 *   dialect). Exactly one of day-of-month / day-of-week is `?`. Wildcards `, - * /`; in day-of-month `L`
 *   (last day), `LW` (last weekday), `15W` (weekday nearest the 15th, never crossing into another month);
 *   in day-of-week `L` (Saturday), `5L` (last Thursday of the month), `6#3` (third Friday). Months JAN-DEC
 *   or 1-12, days SUN-SAT or 1-7 with 1 = SUN, years 1970-2199. A range may wrap (`FRI-MON`, `22-2`) as in
 *   the Quartz cron that AWS's dialect comes from. `L`, `W` and `#` must stand alone in their field.
 * - `rate(...)` is rejected with its own message: EventBridge accepts rates, but a backup rule's
 *   ScheduleExpression is "a cron expression in UTC"
 *   (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupRuleInput.html).
 *
 * Runs are whole minutes. `next` and `previous` walk the fields from year down to minute, jumping over
 * values that cannot match, so a lookup costs at most a few thousand cheap steps even for `29 FEB`.
 */
import { ControllerError } from './errors.js';

export class ScheduleParseError extends ControllerError {
  constructor(expression: string, problem: string) {
    super('SCHEDULE_INVALID', `Invalid schedule expression "${expression}": ${problem}`);
  }
}

/** The schedule has no run in the asked direction (years are bounded at 1970-2199) or there are no rules. */
export class NoScheduledRunError extends ControllerError {
  constructor(message: string) {
    super('SCHEDULE_NO_RUN', message);
  }
}

export interface Schedule {
  readonly expression: string;
  /** The first run strictly after `after`. Throws NoScheduledRunError when there is none. */
  next(after: Date): Date;
  /** The last run strictly before `before`. Throws NoScheduledRunError when there is none. */
  previous(before: Date): Date;
}

/** The timing part of a backup rule (PlanSpec and EffectiveRule both fit). */
export interface RuleTiming {
  readonly schedule: string;
  readonly startWindowMinutes: number;
  readonly completionWindowMinutes: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const FIRST_YEAR = 1970;
const LAST_YEAR = 2199;
/** Bounds the interval scan: hourly schedules reach about 83 days, daily ones the whole year. */
const MAX_RUNS_SCANNED = 2000;
const SCAN_HORIZON_MS = 366 * DAY_MS;

/**
 * The most runs a valid schedule makes on one UTC day, counted over a sample week (enough for the
 * day-of-week patterns a daily budget cares about); 0 for an expression that does not parse.
 */
export function mostRunsInOneDay(expression: string): number {
  let schedule: Schedule;
  try {
    schedule = parseSchedule(expression);
  } catch {
    return 0;
  }
  const start = Date.UTC(2030, 0, 7);
  const perDay = new Map<number, number>();
  for (let at = new Date(start - 1); ; ) {
    try {
      at = schedule.next(at);
    } catch {
      break;
    }
    if (at.getTime() >= start + 7 * DAY_MS) break;
    const day = Math.floor(at.getTime() / DAY_MS);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  return Math.max(0, ...perDay.values());
}

export function parseSchedule(expression: string): Schedule {
  const body = expression.trim();
  const cron = /^cron\((.*)\)$/s.exec(body);
  if (cron) return parseCron(expression, cron[1]!);
  if (/^rate\(/.test(body)) {
    throw new ScheduleParseError(
      expression,
      'AWS Backup schedules take cron expressions only; rate(...) is not supported.',
    );
  }
  throw new ScheduleParseError(
    expression,
    'expected cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 5 ? * * *).',
  );
}

/**
 * The shortest and longest gap between consecutive runs, scanning from the last run before `from` (so the
 * gap that spans `from` counts) through the first run more than a year after it, or MAX_RUNS_SCANNED runs.
 */
export function intervalBounds(schedule: Schedule, from: Date): { minMs: number; maxMs: number } {
  const horizon = from.getTime() + SCAN_HORIZON_MS;
  let run = orNullIfNoRun(() => schedule.previous(from)) ?? schedule.next(from);
  let minMs = Number.POSITIVE_INFINITY;
  let maxMs = 0;
  for (let scanned = 1; scanned < MAX_RUNS_SCANNED && run.getTime() <= horizon; scanned++) {
    const current = run;
    const following = orNullIfNoRun(() => schedule.next(current));
    if (!following) break;
    const gap = following.getTime() - current.getTime();
    minMs = Math.min(minMs, gap);
    maxMs = Math.max(maxMs, gap);
    run = following;
  }
  if (maxMs === 0) {
    throw new NoScheduledRunError(
      `Schedule ${schedule.expression} runs at most once, so it has no interval.`,
    );
  }
  return { minMs, maxMs };
}

/**
 * When the first backup of a newly covered resource is due: the earliest over the rules of the next run after
 * `coveredSince` plus the start and completion windows. Rules that never run again are ignored.
 */
export function expectedBy(rules: readonly RuleTiming[], coveredSince: Date): Date {
  const dueTimes = rules.flatMap((rule) => {
    const run = orNullIfNoRun(() => cachedSchedule(rule.schedule).next(coveredSince));
    return run ? [run.getTime() + windowsMs(rule)] : [];
  });
  if (dueTimes.length === 0) {
    throw new NoScheduledRunError(`No backup rule runs after ${coveredSince.toISOString()}.`);
  }
  return new Date(Math.min(...dueTimes));
}

/**
 * How old the newest recovery point may be at `at`: the smallest over the rules of (the rule's longest gap
 * between runs + start window + completion window). Rules that run at most once are ignored.
 */
export function allowedAgeMs(rules: readonly RuleTiming[], at: Date): number {
  const ages = rules.flatMap((rule) => {
    const bounds = cachedBounds(rule.schedule, at);
    return bounds ? [bounds.maxMs + windowsMs(rule)] : [];
  });
  if (ages.length === 0) {
    throw new NoScheduledRunError(`No backup rule runs repeatedly around ${at.toISOString()}.`);
  }
  return Math.min(...ages);
}

function windowsMs(rule: RuleTiming): number {
  return (rule.startWindowMinutes + rule.completionWindowMinutes) * MINUTE_MS;
}

/** The result, or null when the schedule has no such run; other errors (a bad expression) propagate. */
function orNullIfNoRun<T>(find: () => T): T | null {
  try {
    return find();
  } catch (error) {
    if (error instanceof NoScheduledRunError) return null;
    throw error;
  }
}

/**
 * The evaluator asks the same few expressions, at the same `at`, once per resource; parsing runs a "does it
 * ever run" search and the interval scan walks up to MAX_RUNS_SCANNED runs, so both are memoized.
 */
const CACHE_LIMIT = 256;
const scheduleCache = new Map<string, Schedule>();
const boundsCache = new Map<string, { minMs: number; maxMs: number } | null>();

function remember<T>(cache: Map<string, T>, key: string, compute: () => T): T {
  if (cache.has(key)) return cache.get(key) as T;
  const value = compute();
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

function cachedSchedule(expression: string): Schedule {
  return remember(scheduleCache, expression, () => parseSchedule(expression));
}

function cachedBounds(expression: string, from: Date): { minMs: number; maxMs: number } | null {
  return remember(boundsCache, `${from.getTime()} ${expression}`, () =>
    orNullIfNoRun(() => intervalBounds(cachedSchedule(expression), from)),
  );
}

// ---------------------------------------------------------------------------------------------------------
// cron(minutes hours day-of-month month day-of-week year)
// ---------------------------------------------------------------------------------------------------------

interface FieldRange {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** Names accepted for min, min + 1, …; matched case-insensitively. */
  readonly names?: readonly string[];
}

const MINUTES: FieldRange = { label: 'minutes', min: 0, max: 59 };
const HOURS: FieldRange = { label: 'hours', min: 0, max: 23 };
const DAY_OF_MONTH: FieldRange = { label: 'day-of-month', min: 1, max: 31 };
const MONTH: FieldRange = {
  label: 'month',
  min: 1,
  max: 12,
  names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
};
const DAY_OF_WEEK: FieldRange = {
  label: 'day-of-week',
  min: 1,
  max: 7,
  names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
};
const YEAR: FieldRange = { label: 'year', min: FIRST_YEAR, max: LAST_YEAR };
const SATURDAY = 7;
const SUNDAY = 1;

/** Which days of a month run, from whichever of day-of-month / day-of-week is not `?`. */
type DayRule =
  | { readonly kind: 'monthDays'; readonly days: ReadonlySet<number> }
  | { readonly kind: 'lastDay' }
  | { readonly kind: 'lastWeekday' }
  | { readonly kind: 'nearestWeekday'; readonly day: number }
  | { readonly kind: 'weekdays'; readonly weekdays: ReadonlySet<number> }
  | { readonly kind: 'lastWeekdayOf'; readonly weekday: number }
  | { readonly kind: 'nthWeekdayOf'; readonly weekday: number; readonly nth: number };

function parseCron(expression: string, body: string): Schedule {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new ScheduleParseError(
      expression,
      `cron needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}; ` +
        'e.g. cron(0 5 ? * * *) runs daily at 05:00 UTC.',
    );
  }
  const [minutesText, hoursText, dayOfMonthText, monthText, dayOfWeekText, yearText] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const fail = (problem: string): never => {
    throw new ScheduleParseError(expression, problem);
  };
  if ((dayOfMonthText === '?') === (dayOfWeekText === '?')) {
    fail(
      'exactly one of day-of-month and day-of-week must be "?"; ' +
        'e.g. cron(0 5 ? * MON *) for Mondays or cron(0 5 1 * ? *) for the 1st.',
    );
  }
  const dayRule =
    dayOfMonthText === '?' ? parseDayOfWeek(dayOfWeekText, fail) : parseDayOfMonth(dayOfMonthText, fail);
  const schedule = new CronSchedule(expression, {
    minutes: parseValues(minutesText, MINUTES, fail),
    hours: parseValues(hoursText, HOURS, fail),
    months: parseValues(monthText, MONTH, fail),
    years: parseValues(yearText, YEAR, fail),
    dayRule,
  });
  if (!schedule.runsAtAll()) {
    fail(
      `it never runs: no date in ${FIRST_YEAR}-${LAST_YEAR} matches its day and month fields ` +
        '(e.g. day 30 of FEB); pick a day that exists in the chosen months.',
    );
  }
  return schedule;
}

function parseDayOfMonth(text: string, fail: (problem: string) => never): DayRule {
  if (text === 'L') return { kind: 'lastDay' };
  if (text === 'LW') return { kind: 'lastWeekday' };
  const nearest = /^(\d+)W$/.exec(text);
  if (nearest) {
    const day = Number(nearest[1]);
    if (day < 1 || day > 31) fail(`day-of-month field "${text}": W needs a day 1-31, e.g. 15W.`);
    return { kind: 'nearestWeekday', day };
  }
  if (/[LW#]/i.test(text)) {
    fail(
      `day-of-month field "${text}": L, LW and nW (e.g. 15W) must stand alone; "#" belongs in day-of-week.`,
    );
  }
  return { kind: 'monthDays', days: new Set(parseValues(text, DAY_OF_MONTH, fail)) };
}

function parseDayOfWeek(text: string, fail: (problem: string) => never): DayRule {
  if (text === 'L') return { kind: 'weekdays', weekdays: new Set([SATURDAY]) };
  const last = /^([^L#]+)L$/i.exec(text);
  if (last) return { kind: 'lastWeekdayOf', weekday: parseValue(last[1]!, DAY_OF_WEEK, text, fail) };
  const nth = /^([^L#]+)#(\d+)$/.exec(text);
  if (nth) {
    const occurrence = Number(nth[2]);
    if (occurrence < 1 || occurrence > 5) {
      fail(`day-of-week field "${text}": the number after # must be 1-5, e.g. 6#3 for the third Friday.`);
    }
    return { kind: 'nthWeekdayOf', weekday: parseValue(nth[1]!, DAY_OF_WEEK, text, fail), nth: occurrence };
  }
  // `\dW` rather than `W`, because WED is a day name.
  if (/[L#]|\dW/i.test(text)) {
    fail(
      `day-of-week field "${text}": L, nL (e.g. 5L) and n#k (e.g. 6#3) must stand alone; W is day-of-month only.`,
    );
  }
  return { kind: 'weekdays', weekdays: new Set(parseValues(text, DAY_OF_WEEK, fail)) };
}

/** A comma list of `*`, `v`, `a-b`, each optionally `/step`; returns the sorted distinct values. */
function parseValues(text: string, range: FieldRange, fail: (problem: string) => never): number[] {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const match = /^([^/]+)(?:\/(\d+))?$/.exec(item);
    if (!match) fail(`${range.label} field "${text}": "${item}" is not v, a-b, * or any of them with /step.`);
    const [, span, stepText] = match!;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) fail(`${range.label} field "${text}": a /step must be at least 1.`);
    expandSpan(span!, stepText !== undefined, range, text, fail).forEach((value, index) => {
      if (index % step === 0) values.add(value);
    });
  }
  return [...values].sort((a, b) => a - b);
}

/**
 * The values a span covers, in order from its start: `*` is the whole range, `v/step` runs from v to the
 * range's end, and a wrapping range like 22-2 runs 22, 23, 0, 1, 2.
 */
function expandSpan(
  span: string,
  stepped: boolean,
  range: FieldRange,
  text: string,
  fail: (problem: string) => never,
): number[] {
  const dash = span.indexOf('-');
  const start =
    span === '*' ? range.min : parseValue(dash === -1 ? span : span.slice(0, dash), range, text, fail);
  let end: number;
  if (span === '*') end = range.max;
  else if (dash !== -1) end = parseValue(span.slice(dash + 1), range, text, fail);
  else end = stepped ? range.max : start;
  const width = range.max - range.min + 1;
  const count = ((end - start + width) % width) + 1;
  return Array.from({ length: count }, (_, offset) => range.min + ((start - range.min + offset) % width));
}

function parseValue(
  token: string,
  range: FieldRange,
  text: string,
  fail: (problem: string) => never,
): number {
  const nameIndex = range.names?.indexOf(token.toUpperCase()) ?? -1;
  if (nameIndex !== -1) return range.min + nameIndex;
  if (!/^\d+$/.test(token)) {
    const names = range.names ? ` or ${range.names[0]}-${range.names[range.names.length - 1]}` : '';
    fail(`${range.label} field "${text}": "${token}" is not a number ${range.min}-${range.max}${names}.`);
  }
  const value = Number(token);
  if (value < range.min || value > range.max) {
    fail(`${range.label} field "${text}": ${value} is outside ${range.min}-${range.max}.`);
  }
  return value;
}

interface CronFields {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly months: readonly number[];
  readonly years: readonly number[];
  readonly dayRule: DayRule;
}

type Direction = 1 | -1;

/** Field levels from the most significant: year, month, day, hour, minute. */
const LEVELS = 5;

class CronSchedule implements Schedule {
  private readonly daysByMonth = new Map<number, readonly number[]>();

  constructor(
    readonly expression: string,
    private readonly fields: CronFields,
  ) {}

  next(after: Date): Date {
    const start = Math.floor(after.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    return this.found(this.search(start, 1), `after ${after.toISOString()}`);
  }

  previous(before: Date): Date {
    const start = Math.ceil(before.getTime() / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
    return this.found(this.search(start, -1), `before ${before.toISOString()}`);
  }

  runsAtAll(): boolean {
    return this.search(Date.UTC(FIRST_YEAR, 0, 1), 1) !== null;
  }

  private found(run: Date | null, where: string): Date {
    if (run) return run;
    throw new NoScheduledRunError(
      `Schedule ${this.expression} has no run ${where} (years ${FIRST_YEAR}-${LAST_YEAR}).`,
    );
  }

  /** The first run at or after `startMs` (direction 1) or at or before it (direction -1). */
  private search(startMs: number, direction: Direction): Date | null {
    const startDate = new Date(startMs);
    const bound = [
      startDate.getUTCFullYear(),
      startDate.getUTCMonth() + 1,
      startDate.getUTCDate(),
      startDate.getUTCHours(),
      startDate.getUTCMinutes(),
    ];
    const chosen = [0, 0, 0, 0, 0];
    // `tight` means every level above has taken the start's own value, so this level may not pass it.
    const descend = (level: number, tight: boolean): boolean => {
      if (level === LEVELS) return true;
      const candidates = this.candidates(level, chosen);
      const limit = bound[level]!;
      const count = candidates.length;
      for (let index = 0; index < count; index++) {
        const value = candidates[direction === 1 ? index : count - 1 - index]!;
        if (tight && (direction === 1 ? value < limit : value > limit)) continue;
        chosen[level] = value;
        if (descend(level + 1, tight && value === limit)) return true;
      }
      return false;
    };
    if (!descend(0, true)) return null;
    const [year, month, day, hour, minute] = chosen as [number, number, number, number, number];
    return new Date(Date.UTC(year, month - 1, day, hour, minute));
  }

  private candidates(level: number, chosen: readonly number[]): readonly number[] {
    switch (level) {
      case 0:
        return this.fields.years;
      case 1:
        return this.fields.months;
      case 2:
        return this.daysOf(chosen[0]!, chosen[1]!);
      case 3:
        return this.fields.hours;
      default:
        return this.fields.minutes;
    }
  }

  private daysOf(year: number, month: number): readonly number[] {
    const key = year * 12 + month;
    let days = this.daysByMonth.get(key);
    if (!days) {
      days = matchingDays(this.fields.dayRule, year, month);
      this.daysByMonth.set(key, days);
    }
    return days;
  }
}

/** The days of `month` (1-12) in `year` that the rule selects, ascending. */
function matchingDays(rule: DayRule, year: number, month: number): number[] {
  const length = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const firstWeekday = new Date(Date.UTC(year, month - 1, 1)).getUTCDay() + 1;
  const weekdayOf = (day: number): number => ((firstWeekday - 1 + day - 1) % 7) + 1;
  const allDays = Array.from({ length }, (_, index) => index + 1);
  switch (rule.kind) {
    case 'monthDays':
      return allDays.filter((day) => rule.days.has(day));
    case 'weekdays':
      return allDays.filter((day) => rule.weekdays.has(weekdayOf(day)));
    case 'lastDay':
      return [length];
    case 'lastWeekday': {
      const weekday = weekdayOf(length);
      return [weekday === SATURDAY ? length - 1 : weekday === SUNDAY ? length - 2 : length];
    }
    case 'nearestWeekday':
      return rule.day > length ? [] : [nearestWeekday(rule.day, weekdayOf(rule.day), length)];
    case 'lastWeekdayOf':
      return [length - ((weekdayOf(length) - rule.weekday + 7) % 7)];
    case 'nthWeekdayOf': {
      const day = 1 + ((rule.weekday - firstWeekday + 7) % 7) + 7 * (rule.nth - 1);
      return day <= length ? [day] : [];
    }
  }
}

/** The weekday nearest `day` without leaving the month (Quartz `W` semantics, which AWS documents). */
function nearestWeekday(day: number, weekday: number, length: number): number {
  if (weekday === SATURDAY) return day === 1 ? 3 : day - 1;
  if (weekday === SUNDAY) return day === length ? day - 2 : day + 1;
  return day;
}
