import * as z from '../../zod-mini.js';
import { reconcileMember } from '../effect.js';
import { changeState, STATE_ALIASES, withAliases } from '../fields.js';
import type { EventKind } from '../kind.js';

/** A vault created, modified (lock) or deleted: the VAULT checks look at it. */
const schema = z.pipe(
  z.object({
    detail: withAliases(
      STATE_ALIASES,
      z.object({ state: changeState, backupVaultName: z.string().check(z.minLength(1)) }),
    ),
  }),
  z.transform(() => ({ kind: 'vault-change' as const })),
);
export const vaultChangeKind: EventKind<'vault-change', z.output<typeof schema>> = {
  kind: 'vault-change',
  match: { source: 'aws.backup', detailType: 'Backup Vault State Change' },
  schema,
  route: reconcileMember,
};
