import type { CentralVaultKeyState } from '../domain/model.js';
import * as z from '../domain/zod-mini.js';
import { StoreItemError } from './errors.js';
import { ENTITY, keys } from './keys.js';
import type { TableAccess } from './table-access.js';

const schema = z.object({
  entity: z.literal(ENTITY.centralVaultKey),
  arn: z.string(),
  state: z.string(),
  deletionDate: z.nullable(z.string()),
  observedAt: z.string(),
});

/**
 * The central vault's KMS key as the target holding the central vault last observed it, for the targets
 * whose copies go there: they cannot read another account's key themselves, and a key scheduled for deletion
 * there puts every copy in the vault at risk. One small item per central vault (one per Region when each
 * Region has its own), rewritten only when the key's state changes.
 */
export class CentralVaultKeyRecord {
  constructor(private readonly table: TableAccess) {}

  async save(region: string, key: CentralVaultKeyState, now: Date): Promise<void> {
    const known = await this.load(region);
    const deletionDate = key.deletionDate?.toISOString() ?? null;
    if (known && known.arn === key.arn && known.state === key.state) {
      if ((known.deletionDate?.toISOString() ?? null) === deletionDate) return;
    }
    await this.table.put({
      PK: keys.summaryPartition,
      SK: keys.centralVaultKey(region),
      entity: ENTITY.centralVaultKey,
      arn: key.arn,
      state: key.state,
      deletionDate,
      observedAt: now.toISOString(),
    });
  }

  /** The key of the central vault in `region` as last observed; null before any observation. */
  async load(region: string): Promise<CentralVaultKeyState | null> {
    const item = await this.table.get(keys.summaryPartition, keys.centralVaultKey(region));
    if (!item) return null;
    const parsed = schema.safeParse(item);
    if (!parsed.success) throw new StoreItemError(item, z.prettifyError(parsed.error), parsed.error);
    const { arn, state, deletionDate } = parsed.data;
    return { arn, state, deletionDate: deletionDate ? new Date(deletionDate) : null };
  }
}
