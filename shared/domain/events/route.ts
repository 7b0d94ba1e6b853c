/**
 * Routes a parsed event through its kind's route (`kinds/`). Unknown and malformed events change nothing.
 */
import type { EventEffect, RouteContext } from './effect.js';
import { ignored } from './effect.js';
import { EVENT_KINDS, type EventByKind } from './kinds/index.js';
import type { ParsedEvent } from './parse.js';

export type { EventEffect, ResourceUpdate, RouteContext } from './effect.js';

export function routeEvent(event: ParsedEvent, ctx: RouteContext): EventEffect {
  if (event.kind === 'unknown' || event.kind === 'malformed') {
    return ignored(`${event.kind} event: ${event.why}`);
  }
  return routeKnown(event, ctx);
}

type Routes = {
  readonly [K in keyof EventByKind]: {
    readonly route: (event: EventByKind[K], ctx: RouteContext) => EventEffect;
  };
};
const ROUTES: Routes = EVENT_KINDS;

function routeKnown<K extends keyof EventByKind>(
  event: EventByKind[K] & { readonly kind: K },
  ctx: RouteContext,
): EventEffect {
  return ROUTES[event.kind].route(event, ctx);
}
