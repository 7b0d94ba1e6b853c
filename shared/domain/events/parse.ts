/**
 * Turns a raw EventBridge event from the central bus into one normalized `ParsedEvent`, by looking up the
 * event kind (`kinds/`) that reads it. Nothing here throws: an event the controller does not react to is
 * `unknown`, one it cannot read is `malformed`, and both carry a reason.
 */
import type * as z from '../zod-mini.js';
import { CLOUDTRAIL_DETAIL_TYPES, cloudTrailHeader } from './cloudtrail.js';
import { baseOf, type Envelope, envelopeSchema } from './envelope.js';
import { isPlainObject } from './fields.js';
import type { CloudTrailMatch, ServiceEventMatch } from './kind.js';
import { BACKUP_CALLS } from './kinds/backup-call.js';
import { EVENT_KINDS, type KnownEvent } from './kinds/index.js';
import { KMS_CALLS } from './kinds/kms-call.js';
import { ORGANIZATIONS_CALLS } from './kinds/organizations-call.js';

export { BACKUP_API_EVENT_NAMES } from './kinds/backup-call.js';
export { KMS_API_EVENT_NAMES } from './kinds/kms-call.js';
export { ORG_EVENT_NAMES } from './kinds/organizations-call.js';

/** An EventBridge event pattern matching CloudTrail records of the given calls. */
export interface CloudTrailEventPattern {
  readonly source: readonly string[];
  readonly 'detail-type': readonly string[];
  readonly detail: { readonly eventSource: readonly string[]; readonly eventName: readonly string[] };
}

function cloudTrailPattern(match: CloudTrailMatch): CloudTrailEventPattern {
  return {
    source: [match.source],
    'detail-type': [...CLOUDTRAIL_DETAIL_TYPES],
    detail: { eventSource: [match.eventSource], eventName: [...match.eventNames] },
  };
}

/**
 * What the rules feeding the controller must match, derived from the kinds the parser reads so the two
 * cannot drift. Organizations events exist only in the management account, in us-east-1.
 */
export const ORGANIZATIONS_EVENT_PATTERN = cloudTrailPattern(ORGANIZATIONS_CALLS);
/** CloudTrail events in member accounts that weaken backups: forwarded by each member's baseline rule. */
export const MEMBER_CLOUDTRAIL_EVENT_PATTERNS: readonly CloudTrailEventPattern[] = [
  cloudTrailPattern(BACKUP_CALLS),
  cloudTrailPattern(KMS_CALLS),
];

/** Well-formed, but not something the controller reacts to (another source, detail-type or API call). */
export interface UnknownEvent {
  readonly kind: 'unknown';
  readonly id: string;
  readonly source: string;
  readonly detailType: string;
  readonly why: string;
}

/** Not readable as the event it claims to be. `path` is the zod path of the first problem (`detail.state`). */
export interface MalformedEvent {
  readonly kind: 'malformed';
  readonly id: string | null;
  readonly path: string;
  readonly why: string;
}

export type ParsedEvent = KnownEvent | UnknownEvent | MalformedEvent;

const KINDS = Object.values(EVENT_KINDS);
function isCloudTrail(match: ServiceEventMatch | CloudTrailMatch): match is CloudTrailMatch {
  return 'eventSource' in match;
}

export function parseEvent(raw: unknown): ParsedEvent {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) {
    const id = isPlainObject(raw) && typeof raw.id === 'string' ? raw.id : null;
    return malformed(id, envelope.error);
  }
  const found = findKind(envelope.data);
  if ('unknown' in found) return found.unknown;
  const parsed = found.kind.schema.safeParse(raw);
  return parsed.success
    ? ({ ...baseOf(envelope.data), ...parsed.data } as KnownEvent)
    : malformed(envelope.data.id, parsed.error);
}

type Lookup = { readonly kind: (typeof KINDS)[number] } | { readonly unknown: ParsedEvent };

function findKind(envelope: Envelope): Lookup {
  const { source, 'detail-type': detailType } = envelope;
  if (!CLOUDTRAIL_DETAIL_TYPES.includes(detailType)) {
    const kind = KINDS.find(
      ({ match }) => !isCloudTrail(match) && match.source === source && match.detailType === detailType,
    );
    return kind
      ? { kind }
      : { unknown: unknown(envelope, `no handling for ${source} "${detailType}" events`) };
  }
  const header = cloudTrailHeader.safeParse(envelope);
  if (!header.success) return { unknown: malformed(envelope.id, header.error) };
  const { eventSource, eventName } = header.data.detail;
  const forService = KINDS.filter(
    ({ match }) => isCloudTrail(match) && match.eventSource === eventSource && match.source === source,
  );
  if (forService.length === 0) {
    return { unknown: unknown(envelope, `no handling for CloudTrail events from ${eventSource}`) };
  }
  const kind = forService.find(({ match }) => isCloudTrail(match) && match.eventNames.includes(eventName));
  return kind
    ? { kind }
    : {
        unknown: unknown(
          envelope,
          `${eventSource} ${eventName} does not change anything the controller enforces`,
        ),
      };
}

function unknown(envelope: Envelope, why: string): UnknownEvent {
  return {
    kind: 'unknown',
    id: envelope.id,
    source: envelope.source,
    detailType: envelope['detail-type'],
    why,
  };
}

function malformed(id: string | null, error: z.core.$ZodError): MalformedEvent {
  const issue = error.issues[0];
  const path = issue === undefined ? '' : issue.path.map(String).join('.');
  const message = issue?.message ?? 'unreadable event';
  return { kind: 'malformed', id, path, why: path === '' ? message : `${path}: ${message}` };
}
