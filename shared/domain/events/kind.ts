/**
 * One event kind = one file under `kinds/`: which events it reads, its small schema, and its route. The
 * parser and the router are tables over these, like one compliance check per file.
 */
import type * as z from '../zod-mini.js';
import type { EventEffect, RouteContext } from './effect.js';
import type { EventBase } from './envelope.js';

/** A service event, matched by its EventBridge source and detail-type. */
export interface ServiceEventMatch {
  readonly source: string;
  readonly detailType: string;
}

/** A CloudTrail record of an API call or service event, matched by the service and the call's name. */
export interface CloudTrailMatch {
  readonly source: string;
  readonly eventSource: string;
  readonly eventNames: readonly string[];
}

/**
 * `schema` reads the kind's own fields from the envelope (already validated); the parsed event is the
 * envelope's base fields overlaid with the schema's output.
 */
export interface EventKind<Kind extends string, Fields extends { readonly kind: Kind }> {
  readonly kind: Kind;
  readonly match: ServiceEventMatch | CloudTrailMatch;
  readonly schema: z.ZodMiniType<Fields>;
  readonly route: (event: EventBase & Fields, ctx: RouteContext) => EventEffect;
}
