/**
 * CloudTrail records of calls in a member account that can weaken its backups. Which resource they touched
 * matters less than where: the call's account × Region is reconciled and its checks decide. Backup and KMS
 * calls read and route the same way, differing only in the service and the request field they require.
 */
import * as z from '../../zod-mini.js';
import { cloudTrailRecord } from '../cloudtrail.js';
import { type EventEffect, ignored, memberTarget, type RouteContext, reconcile } from '../effect.js';
import type { EventBase } from '../envelope.js';
import { requiredText } from '../fields.js';
import type { CloudTrailMatch, EventKind } from '../kind.js';

export interface MemberCallFields<Kind extends string> {
  readonly kind: Kind;
  readonly eventName: string;
  /** CloudTrail `errorCode`: set when the call failed and so changed nothing. */
  readonly failure: string | null;
}

export type MemberCallEvent<Kind extends string> = EventBase & MemberCallFields<Kind>;

export function memberCallKind<Kind extends string>(spec: {
  readonly kind: Kind;
  readonly match: CloudTrailMatch;
  /** The request field every one of these calls carries (a missing one makes the record malformed). */
  readonly requiredParameter: string;
}): EventKind<Kind, MemberCallFields<Kind>> {
  const [first, ...rest] = spec.match.eventNames;
  const schema = z.pipe(
    z.object({
      account: z.string(),
      region: z.string(),
      detail: z.object({
        ...cloudTrailRecord,
        eventName: z.enum([first ?? '', ...rest]),
        requestParameters: z.looseObject({ [spec.requiredParameter]: requiredText }),
      }),
    }),
    z.transform(
      ({ account, region, detail }): MemberCallFields<Kind> & { account: string; region: string } => ({
        kind: spec.kind,
        // The CloudTrail record names where the call ran; the envelope is a fallback for trimmed records.
        account: detail.recipientAccountId ?? account,
        region: detail.awsRegion ?? region,
        eventName: detail.eventName,
        failure: detail.errorCode,
      }),
    ),
  );
  return { kind: spec.kind, match: spec.match, schema, route: routeMemberCall };
}

function routeMemberCall(event: MemberCallEvent<string>, ctx: RouteContext): EventEffect {
  const member = memberTarget(event, ctx);
  if ('ignored' in member) return member.ignored;
  if (event.failure !== null) return ignored(`${event.eventName} failed (${event.failure}); nothing changed`);
  return reconcile([member.target]);
}
