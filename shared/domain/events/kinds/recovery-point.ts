import * as z from 'zod';
import { reconcileMember } from '../effect.js';
import type { EventBase } from '../envelope.js';
import { withAliases } from '../fields.js';
import type { EventKind } from '../kind.js';

/** Recovery-point events say `status`, not `state`. */
const schema = z
  .object({ detail: withAliases({ state: 'status' }, z.object({ status: z.string().min(1) })) })
  .transform(() => ({ kind: 'recovery-point' as const }));
export type RecoveryPointEvent = EventBase & z.output<typeof schema>;

export const recoveryPointKind: EventKind<'recovery-point', z.output<typeof schema>> = {
  kind: 'recovery-point',
  match: { source: 'aws.backup', detailType: 'Recovery Point State Change' },
  schema,
  route: reconcileMember,
};
