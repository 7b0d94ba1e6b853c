import * as z from '../domain/zod-mini.js';
import type { Item } from './codecs.js';
import { StoreItemError } from './errors.js';
import { ENTITY, keys } from './keys.js';
import type { TableAccess } from './table-access.js';

/** One chain's effective backup policy, vouched for by the org reconcile for every account on the chain. */
export interface SharedEffectivePolicy {
  /** Policy content as DescribeEffectivePolicy returned it; null: the accounts have no backup policy. */
  readonly content: string | null;
}

export interface SharedEffectivePolicyGroup extends SharedEffectivePolicy {
  readonly accounts: readonly string[];
}

/**
 * A run's shared items live a day: long enough for the slowest sweep's targets, short enough that nothing
 * outlives the run it was read for.
 */
const SHARED_TTL_SECONDS = 24 * 60 * 60;
/** DynamoDB items hold at most 400 KB; a larger effective policy is not shared (its accounts read their own). */
const MAX_CONTENT_BYTES = 350_000;

const chainSchema = z.object({ entity: z.literal(ENTITY.sharedPolicy), content: z.nullable(z.string()) });
const accountsSchema = z.object({
  entity: z.literal(ENTITY.sharedPolicyAccounts),
  chains: z.record(z.string(), z.int().check(z.nonnegative())),
});

/**
 * The effective policies the org reconcile read once per chain of inherited backup policies, handed to the
 * run's account targets: per chain one item with the content, and per bucket of accounts one item mapping
 * each account to its chain, so a sweep writes about a hundred small items however large the organization
 * is, and a target reads two. Items are kept per run: an overlapping run never sees another's.
 */
export class SharedEffectivePolicies {
  /** Items are written once, before the run's targets start; a process reuses what it read for one run. */
  private cache: { runId: string; items: Map<string, Promise<Item | null>> } | null = null;

  constructor(private readonly table: TableAccess) {}

  /** Returns what was stored: a chain whose content is too large for an item is left out. */
  async saveSharedEffectivePolicies(
    runId: string,
    groups: readonly SharedEffectivePolicyGroup[],
    now: Date,
  ): Promise<{ readonly chains: number; readonly accounts: number }> {
    const partition = keys.sharedPoliciesPartition(runId);
    const expiresAt = Math.floor(now.getTime() / 1000) + SHARED_TTL_SECONDS;
    const stored = groups.filter(
      (group) => group.content === null || Buffer.byteLength(group.content, 'utf8') <= MAX_CONTENT_BYTES,
    );
    const buckets = new Map<string, Record<string, number>>();
    stored.forEach((group, chain) => {
      for (const accountId of group.accounts) {
        const bucket = keys.sharedPolicyAccounts(accountId);
        buckets.set(bucket, { ...buckets.get(bucket), [accountId]: chain });
      }
    });
    await this.table.batchWrite([
      ...stored.map((group, chain) => ({
        PutRequest: {
          Item: {
            PK: partition,
            SK: keys.sharedPolicy(chain),
            entity: ENTITY.sharedPolicy,
            content: group.content,
            expiresAt,
          },
        },
      })),
      ...[...buckets].map(([bucket, chains]) => ({
        PutRequest: {
          Item: { PK: partition, SK: bucket, entity: ENTITY.sharedPolicyAccounts, chains, expiresAt },
        },
      })),
    ]);
    return { chains: stored.length, accounts: stored.reduce((sum, group) => sum + group.accounts.length, 0) };
  }

  /** The account's effective policy as the run's org reconcile shared it; null when it shared none. */
  async sharedEffectivePolicy(runId: string, accountId: string): Promise<SharedEffectivePolicy | null> {
    const partition = keys.sharedPoliciesPartition(runId);
    const bucket = await this.read(runId, partition, keys.sharedPolicyAccounts(accountId));
    if (!bucket) return null;
    const chain = decode(accountsSchema, bucket).chains[accountId];
    if (chain === undefined) return null;
    const item = await this.read(runId, partition, keys.sharedPolicy(chain));
    return item ? { content: decode(chainSchema, item).content } : null;
  }

  private read(runId: string, partition: string, sortKey: string): Promise<Item | null> {
    if (this.cache?.runId !== runId) this.cache = { runId, items: new Map() };
    const items = this.cache.items;
    let item = items.get(sortKey);
    if (!item) {
      item = this.table.get(partition, sortKey).then((found) => {
        // Only what exists is kept: an event run's targets ask for items no org reconcile wrote.
        if (!found) items.delete(sortKey);
        return found;
      });
      items.set(sortKey, item);
    }
    return item;
  }
}

function decode<T>(schema: z.ZodMiniType<T>, item: Item): T {
  const parsed = schema.safeParse(item);
  if (!parsed.success) throw new StoreItemError(item, z.prettifyError(parsed.error), parsed.error);
  return parsed.data;
}
