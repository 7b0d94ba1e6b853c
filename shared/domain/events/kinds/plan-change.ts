import * as z from '../../zod-mini.js';
import { reconcileMember } from '../effect.js';
import { changeState, STATE_ALIASES, withAliases } from '../fields.js';
import type { EventKind } from '../kind.js';

/** A backup plan created, modified or deleted (the org policy's plans included): the effective plan changed. */
const schema = z.pipe(
  z.object({
    detail: withAliases(
      STATE_ALIASES,
      z.object({ state: changeState, backupPlanId: z.string().check(z.minLength(1)) }),
    ),
  }),
  z.transform(() => ({ kind: 'plan-change' as const })),
);
export const planChangeKind: EventKind<'plan-change', z.output<typeof schema>> = {
  kind: 'plan-change',
  match: { source: 'aws.backup', detailType: 'Backup Plan State Change' },
  schema,
  route: reconcileMember,
};
