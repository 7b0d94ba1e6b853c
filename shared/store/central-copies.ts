import { createHash } from 'node:crypto';
import type { CentralCopySlice } from '../domain/evaluate/central-copies.js';
import type { CentralCopies } from '../domain/model.js';
import { type CentralCopiesRow, centralCopiesFromItem, centralCopiesItem, type Item } from './codecs.js';
import { keys, statusKey } from './keys.js';
import { on, type TableAccess, type WriteRequest } from './table-access.js';

/**
 * The central vault as the sweep's org phase last read it, one item per source account × Region under that
 * target's own prefix (`<region>#COPIES`), so a target's reconcile gets its slice in the Query that loads the
 * target, and never reads the central vault or another target's slice. Resources are keyed by a digest of
 * their ARN, so a slice of 9,000 resources stays near 300 KB.
 */
export class CentralCopiesRepository {
  constructor(private readonly table: TableAccess) {}

  /**
   * Replaces the stored slices with a fresh reading, writing only slices whose copies changed: one Query of
   * the slices' digests, then puts. A slice whose copies are all gone is kept empty rather than deleted, so
   * its target sees "no copies", not a stale list. Returns how many slices were written.
   */
  async saveCentralCopies(slices: readonly CentralCopySlice[], observedAt: Date): Promise<number> {
    const stored = await this.table.queryAll(on.collections(keys.centralCopiesPartition), [
      'accountId',
      'region',
      'digest',
    ]);
    const digests = new Map(stored.map((item) => [sliceKey(item), String(item.digest)]));
    const requests: WriteRequest[] = [];
    const put = (row: CentralCopiesRow) => {
      if (digests.get(sliceKey(row)) !== row.digest)
        requests.push({ PutRequest: { Item: centralCopiesItem(row) } });
      digests.delete(sliceKey(row));
    };
    for (const slice of slices) put(toRow(slice, observedAt));
    for (const key of [...digests.keys()]) {
      const [accountId = '', region = ''] = key.split('#');
      put(toRow({ accountId, region, copies: new Map() }, observedAt));
    }
    await this.table.batchWrite(requests);
    return requests.length;
  }
}

/** A stored slice as the evaluator reads it. */
export function centralCopiesOf(item: Item): CentralCopies {
  const row = centralCopiesFromItem(item);
  return {
    observedAt: new Date(row.observedAt),
    newestCopy: (resourceArn) => {
      const at = row.copies[statusKey(resourceArn)];
      return at === undefined ? null : new Date(at);
    },
  };
}

function toRow(slice: CentralCopySlice, observedAt: Date): CentralCopiesRow {
  const copies: Record<string, number> = {};
  for (const [arn, at] of [...slice.copies].sort(([a], [b]) => a.localeCompare(b))) {
    copies[statusKey(arn)] = at.getTime();
  }
  const digest = createHash('sha256').update(JSON.stringify(copies)).digest('base64url').slice(0, 22);
  return {
    accountId: slice.accountId,
    region: slice.region,
    observedAt: observedAt.toISOString(),
    copies,
    digest,
  };
}

function sliceKey(slice: { readonly accountId?: unknown; readonly region?: unknown }): string {
  return `${String(slice.accountId)}#${String(slice.region)}`;
}
