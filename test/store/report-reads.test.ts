import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { RESOURCE_STATUSES, type ResourceStatus } from '../../shared/domain/model.js';
import {
  type Item,
  type TargetRow,
  targetCountsFromItem,
  targetItem,
  targetRowFromItem,
  zeroCounts,
} from '../../shared/store/codecs.js';
import { FindingsStore } from '../../shared/store/findings-store.js';
import { COUNT_SHARDS, keys } from '../../shared/store/keys.js';
import { FINDINGS_TABLE } from '../../shared/store/table.js';

const counts = (partial: Partial<Record<ResourceStatus, number>>) => ({ ...zeroCounts(), ...partial });

function row(
  accountId: string,
  region: string,
  byStatus: Partial<Record<ResourceStatus, number>>,
): TargetRow {
  const full = counts(byStatus);
  return {
    accountId,
    region,
    checks: [{ check: 'VAULT_EXISTS', status: 'PASS', detail: 'The vault exists.' }],
    resources: RESOURCE_STATUSES.reduce((sum, status) => sum + full[status], 0),
    byStatus: full,
    observedAt: '2026-03-04T10:00:00.000Z',
    statuses: { abc: 'PROTECTED' },
    byReason: full.UNPROTECTED > 0 ? { TAG_VALUE_MISMATCH: full.UNPROTECTED } : {},
    version: 3,
    waivedByStatus: zeroCounts(),
  };
}

/** The item as the counts index holds it: its keys, the table's keys and the projected attributes only. */
function asProjected(item: Item): Item {
  const { countsIndex, partitionKey, sortKey } = FINDINGS_TABLE;
  const kept: readonly string[] = [
    partitionKey,
    sortKey,
    countsIndex.partitionKey,
    countsIndex.sortKey,
    ...countsIndex.projectedAttributes,
  ];
  return Object.fromEntries(Object.entries(item).filter(([name]) => kept.includes(name)));
}

const documents = mockClient(DynamoDBDocumentClient);
afterEach(() => documents.reset());

describe('the counts index (GSI3) of target rows', () => {
  it.each([
    // reason: what the case guards
    ['a row with every count', row('111111111111', 'eu-west-1', { PROTECTED: 7, UNPROTECTED: 2, STALE: 1 })],
    ['an empty target', row('222222222222', 'us-east-1', {})],
    [
      'a row with waived findings',
      { ...row('333333333333', 'ap-southeast-2', { FAILING: 2 }), waivedByStatus: counts({ FAILING: 1 }) },
    ],
    [
      'a row written before reasons were counted',
      { ...row('444444444444', 'eu-central-1', {}), byReason: null },
    ],
  ])('projects everything the summary adds up: %s', (_reason, target) => {
    const item = targetItem(target);
    const full = targetRowFromItem(item);
    expect(targetCountsFromItem(asProjected(item))).toEqual({
      accountId: full.accountId,
      region: full.region,
      resources: full.resources,
      byStatus: full.byStatus,
      waivedByStatus: full.waivedByStatus,
      byReason: full.byReason,
    });
  });

  it.each([
    // reason: account ids Organizations hands out, and ids no shard scheme by digit would place
    ['a typical id', '123456789012'],
    ['an id ending in 0', '100000000000'],
    ['a sandbox id that is not 12 digits', 'acct-7'],
  ])('puts %s into one of the shards the summary reads (%s)', (_reason, accountId) => {
    const item = targetItem(row(accountId, 'eu-west-1', {}));
    expect(keys.countsPartitions).toContain(item.GSI3PK);
    expect(item.GSI3PK).toBe(keys.countsPartition(accountId));
  });

  it('spreads sequential account ids evenly over the shards', () => {
    const perShard = new Map<string, number>();
    for (let n = 0; n < 10_000; n++) {
      const shard = keys.countsPartition(String(200_000_000_000 + n));
      perShard.set(shard, (perShard.get(shard) ?? 0) + 1);
    }
    expect(perShard.size).toBe(COUNT_SHARDS);
    for (const accounts of perShard.values()) expect(accounts).toBeGreaterThan(800);
  });
});

describe('FindingsStore.summary on the counts index (mocked DynamoDB)', () => {
  it('reads every shard of the counts index, follows each shard’s pages, and never the full target rows', async () => {
    const rows = [
      row('111111111111', 'eu-west-1', { PROTECTED: 3, UNPROTECTED: 1 }),
      row('111111111111', 'us-east-1', { PROTECTED: 1 }),
      row('222222222222', 'eu-west-1', { FAILING: 2 }),
    ].map((target) => asProjected(targetItem(target)));
    documents.on(QueryCommand).callsFake((input) => {
      if (input.IndexName !== FINDINGS_TABLE.countsIndex.name) return { Items: [] };
      const shard = input.ExpressionAttributeValues[':pk'];
      const inShard = rows.filter((item) => item.GSI3PK === shard);
      // Each shard answers in pages of one row, so a summary that stops after a shard's first page misses some.
      const from = input.ExclusiveStartKey
        ? inShard.findIndex((item) => item.SK === input.ExclusiveStartKey.SK) + 1
        : 0;
      const page = inShard.slice(from, from + 1);
      return { Items: page, ...(from + 1 < inShard.length ? { LastEvaluatedKey: { SK: page[0]!.SK } } : {}) };
    });
    const store = new FindingsStore({
      client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
      tableName: 'findings',
    });

    const summary = await store.summary();

    expect(summary.total).toEqual({
      accounts: 2,
      resources: 7,
      byStatus: counts({ PROTECTED: 4, UNPROTECTED: 1, FAILING: 2 }),
      coveragePercent: 57.1,
    });
    expect(summary.accounts.map((account) => [account.accountId, account.resources])).toEqual([
      ['111111111111', 5],
      ['222222222222', 2],
    ]);
    expect(summary.reasons).toEqual([{ reason: 'TAG_VALUE_MISMATCH', resources: 1 }]);
    const queries = documents.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(new Set(queries.map((query) => query.IndexName))).toEqual(
      new Set([FINDINGS_TABLE.countsIndex.name]),
    );
    expect(new Set(queries.map((query) => query.ExpressionAttributeValues?.[':pk']))).toEqual(
      new Set(keys.countsPartitions),
    );
  });
});

describe('FindingsStore.listFindings (mocked DynamoDB)', () => {
  it('reads only when each target was observed from the target rows, not their checks and statuses', async () => {
    const target = row('111111111111', 'eu-west-1', { PROTECTED: 1 });
    const finding = {
      accountId: target.accountId,
      region: target.region,
      arn: 'arn:aws:ec2:eu-west-1:111111111111:volume/vol-1',
      resourceType: 'EBS',
      status: 'PROTECTED',
      reasons: [],
      detail: 'Backed up.',
      warnings: [],
      firstSeen: '2026-03-01T00:00:00.000Z',
      since: '2026-03-01T00:00:00.000Z',
      entity: 'FINDING',
    };
    documents.on(QueryCommand).resolves({ Items: [finding] });
    documents.on(BatchGetCommand).callsFake((input) => {
      const request = input.RequestItems.findings;
      const names = Object.values(request.ExpressionAttributeNames ?? {}) as string[];
      const full = targetItem(target);
      const item = Object.fromEntries(Object.entries(full).filter(([name]) => names.includes(name)));
      return { Responses: { findings: [item] } };
    });
    const store = new FindingsStore({
      client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
      tableName: 'findings',
    });

    const page = await store.listFindings({ status: 'PROTECTED' });

    expect(page.items.map((item) => item.observedAt)).toEqual([target.observedAt]);
    const request = documents.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems!.findings!;
    expect(Object.values(request.ExpressionAttributeNames ?? {}).sort()).toEqual([
      'accountId',
      'entity',
      'observedAt',
      'region',
    ]);
  });
});
