/**
 * The EventBridge envelope every event shares. Event kinds read their own part of it (`{ resources, detail }`)
 * from the same object, so a zod path names the real field (`detail.backupJobId`).
 */
import * as z from '../zod-mini.js';
import { isoDateOrNull } from './fields.js';

export const envelopeShape = {
  id: z.string().check(z.minLength(1)),
  source: z.string().check(z.minLength(1)),
  'detail-type': z.string().check(z.minLength(1)),
  account: z.string().check(z.regex(/^\d{12}$/, 'expected a 12-digit account id')),
  region: z.string().check(z.minLength(1)),
  time: z.string().check(z.refine((value) => isoDateOrNull(value) !== null, 'expected an ISO-8601 time')),
  resources: z.pipe(
    z.optional(z.array(z.string())),
    z.transform((value) => value ?? []),
  ),
  detail: z.record(z.string(), z.unknown()),
};
export const envelopeSchema = z.object(envelopeShape);
export type Envelope = z.output<typeof envelopeSchema>;

export interface EventBase {
  /** The EventBridge event id: the idempotency key for the handler. */
  readonly id: string;
  readonly account: string;
  readonly region: string;
  readonly time: Date;
}

/** The envelope fields every parsed event carries, whatever its kind. */
export function baseOf(envelope: Envelope): EventBase {
  return {
    id: envelope.id,
    account: envelope.account,
    region: envelope.region,
    time: new Date(envelope.time),
  };
}
