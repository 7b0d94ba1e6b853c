/**
 * The sandbox's own reading of AWS Backup schedules, written apart from the controller's so the two can
 * disagree (a property test compares them). AWS Backup takes only `cron(minutes hours day-of-month month
 * day-of-week year)` in UTC; `rate()` is not supported, so a rule using it runs nothing
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupRule.html). The dialect is EventBridge's
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html): one of
 * day-of-month / day-of-week is `?`; `L`, `LW`, `nW` in day-of-month; `L`, `nL`, `n#k` in day-of-week;
 * days 1-7 = SUN-SAT; ranges may wrap, as in the Quartz cron the dialect comes from.
 *
 * Finding the next run walks day by day (checking the date fields) and then picks the first hour and minute
 * of a matching day; never more than a few years of days.
 */

export interface AwsCron {
  /** The first run strictly after `after`, or undefined when there is none within the search horizon. */
  next(after: Date): Date | undefined;
}

export class AwsCronError extends Error {
  constructor(expression: string, problem: string) {
    super(`${expression}: ${problem}`);
    this.name = 'AwsCronError';
  }
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const SEARCH_DAYS = 6 * 366;

type DayOfMonth =
  | { readonly kind: 'any' }
  | { readonly kind: 'days'; readonly days: ReadonlySet<number> }
  | { readonly kind: 'last' }
  | { readonly kind: 'lastWeekday' }
  | { readonly kind: 'nearestWeekday'; readonly day: number };
type DayOfWeek =
  | { readonly kind: 'any' }
  | { readonly kind: 'weekdays'; readonly weekdays: ReadonlySet<number> }
  | { readonly kind: 'lastOfMonth'; readonly weekday: number }
  | { readonly kind: 'nth'; readonly weekday: number; readonly nth: number };

export function parseAwsCron(expression: string): AwsCron {
  const body = /^cron\((.*)\)$/.exec(expression.trim())?.[1];
  if (body === undefined) throw new AwsCronError(expression, 'AWS Backup accepts only cron(...) schedules');
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) throw new AwsCronError(expression, 'a cron expression has six fields');
  const [minuteText, hourText, domText, monthText, dowText, yearText] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const bad = (problem: string): never => {
    throw new AwsCronError(expression, problem);
  };
  if ((domText === '?') === (dowText === '?')) bad('exactly one of day-of-month and day-of-week must be ?');
  const minutes = [...numbers(minuteText, 0, 59, undefined, bad)].sort((a, b) => a - b);
  const hours = [...numbers(hourText, 0, 23, undefined, bad)].sort((a, b) => a - b);
  const months = numbers(monthText, 1, 12, MONTHS, bad);
  const years = numbers(yearText, 1970, 2199, undefined, bad);
  const dom = dayOfMonth(domText, bad);
  const dow = dayOfWeek(dowText, bad);

  const dayMatches = (day: Date): boolean => {
    const year = day.getUTCFullYear();
    const month = day.getUTCMonth() + 1;
    const date = day.getUTCDate();
    if (!years.has(year) || !months.has(month)) return false;
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const weekday = day.getUTCDay() + 1;
    return domMatches(dom, year, month, date, last) && dowMatches(dow, weekday, date, last);
  };

  return {
    next(after: Date): Date | undefined {
      const from = Math.floor(after.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
      const firstDay = Math.floor(from / DAY_MS) * DAY_MS;
      for (let offset = 0; offset < SEARCH_DAYS; offset++) {
        const day = firstDay + offset * DAY_MS;
        if (!dayMatches(new Date(day))) continue;
        for (const hour of hours) {
          for (const minute of minutes) {
            const at = day + hour * 3_600_000 + minute * MINUTE_MS;
            if (at >= from) return new Date(at);
          }
        }
      }
      return undefined;
    },
  };
}

function numbers(
  text: string,
  min: number,
  max: number,
  names: readonly string[] | undefined,
  bad: (problem: string) => never,
): Set<number> {
  const value = (token: string): number => {
    const named = names?.indexOf(token.toUpperCase()) ?? -1;
    const parsed = named >= 0 ? named + min : /^\d+$/.test(token) ? Number(token) : Number.NaN;
    if (!(parsed >= min && parsed <= max)) bad(`"${token}" is not a value from ${min} to ${max}`);
    return parsed;
  };
  const result = new Set<number>();
  for (const part of text.split(',')) {
    const [span = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) bad(`"${part}" has an invalid step`);
    let from: number;
    let to: number;
    if (span === '*') [from, to] = [min, max];
    else if (span.includes('-')) {
      const [a = '', b = ''] = span.split('-');
      [from, to] = [value(a), value(b)];
    } else {
      from = value(span);
      to = stepText === undefined ? from : max;
    }
    // A range may wrap past the field's end (FRI-MON, 22-2).
    const length = to >= from ? to - from : max - from + 1 + (to - min);
    for (let i = 0; i <= length; i += step) result.add(((from - min + i) % (max - min + 1)) + min);
  }
  return result;
}

function dayOfMonth(text: string, bad: (problem: string) => never): DayOfMonth {
  if (text === '?') return { kind: 'any' };
  if (text === 'L') return { kind: 'last' };
  if (text === 'LW') return { kind: 'lastWeekday' };
  const nearest = /^(\d+)W$/.exec(text);
  if (nearest) {
    const day = Number(nearest[1]);
    if (day < 1 || day > 31) bad(`"${text}" names no day of a month`);
    return { kind: 'nearestWeekday', day };
  }
  return { kind: 'days', days: numbers(text, 1, 31, undefined, bad) };
}

function dayOfWeek(text: string, bad: (problem: string) => never): DayOfWeek {
  if (text === '?') return { kind: 'any' };
  const weekday = (token: string): number => [...numbers(token, 1, 7, WEEKDAYS, bad)][0]!;
  if (text === 'L') return { kind: 'weekdays', weekdays: new Set([7]) };
  const last = /^(\w+)L$/.exec(text);
  if (last) return { kind: 'lastOfMonth', weekday: weekday(last[1]!) };
  const nth = /^(\w+)#(\d)$/.exec(text);
  if (nth) {
    const n = Number(nth[2]);
    if (n < 1 || n > 5) bad(`"${text}": the week after # is 1-5`);
    return { kind: 'nth', weekday: weekday(nth[1]!), nth: n };
  }
  return { kind: 'weekdays', weekdays: numbers(text, 1, 7, WEEKDAYS, bad) };
}

function domMatches(dom: DayOfMonth, year: number, month: number, date: number, last: number): boolean {
  switch (dom.kind) {
    case 'any':
      return true;
    case 'days':
      return dom.days.has(date);
    case 'last':
      return date === last;
    case 'lastWeekday':
      return date === nearestWeekday(year, month, last, last);
    case 'nearestWeekday':
      return dom.day <= last && date === nearestWeekday(year, month, dom.day, last);
  }
}

/** The weekday (Mon-Fri) nearest `day`, never leaving the month. */
function nearestWeekday(year: number, month: number, day: number, last: number): number {
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  if (weekday === 6) return day === 1 ? 3 : day - 1;
  if (weekday === 0) return day === last ? day - 2 : day + 1;
  return day;
}

function dowMatches(dow: DayOfWeek, weekday: number, date: number, last: number): boolean {
  switch (dow.kind) {
    case 'any':
      return true;
    case 'weekdays':
      return dow.weekdays.has(weekday);
    case 'lastOfMonth':
      return weekday === dow.weekday && date + 7 > last;
    case 'nth':
      return weekday === dow.weekday && Math.ceil(date / 7) === dow.nth;
  }
}
