/**
 * Lenient readers for the fields AWS sends inconsistently: `state` vs `status`, `""` for "no message",
 * locale-formatted dates next to ISO-8601 ones, booleans as strings. Each event kind builds its small schema
 * from these, so the absorbing happens once and routing never sees it.
 */

import { JOB_STATES } from '../model.js';
import * as z from '../zod-mini.js';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export function isoDateOrNull(value: unknown): Date | null {
  if (typeof value !== 'string' || !ISO_8601.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Optional dates never make an event malformed: AWS sends some of them in a zone-less locale format. */
export const optionalDate = z.pipe(z.optional(z.unknown()), z.transform(isoDateOrNull));

/** A missing string and `""` both mean "not set" (the PENDING sample has `statusMessage: ""`). */
export const optionalText = z.pipe(
  z.nullish(z.string()),
  z.transform((value) => (value ? value : null)),
);

export const requiredText = z.string().check(z.minLength(1));

export const jobState = z.enum(JOB_STATES);
export const changeState = z.enum(['CREATED', 'MODIFIED', 'DELETED']);

/**
 * Copies a value found under an alias to its canonical key when the canonical key is absent, so one schema
 * reads both spellings and a missing field is reported under its canonical name.
 */
export function withAliases<T extends z.ZodMiniType>(aliases: Readonly<Record<string, string>>, schema: T) {
  const aliased = z.transform((value: unknown) => {
    if (!isPlainObject(value)) return value;
    const normalized: Record<string, unknown> = { ...value };
    for (const [alias, canonical] of Object.entries(aliases)) {
      if (normalized[canonical] === undefined && normalized[alias] !== undefined) {
        normalized[canonical] = normalized[alias];
      }
    }
    return normalized;
  });
  return z.pipe(aliased, schema);
}

/** Most Backup events say `state`; some samples of the same detail-type say `status`. */
export const STATE_ALIASES = { status: 'state' } as const;
