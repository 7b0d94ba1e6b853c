/**
 * The findings table's key schema, shared by the store (which reads and writes it), the tests and the
 * sandbox (which create it on a local engine) and infra (which deploys it), so the three cannot drift.
 * Single-table design; the item layout is documented in shared/store/README.md.
 */
export const FINDINGS_TABLE = {
  partitionKey: 'PK',
  sortKey: 'SK',
  /**
   * GSI1, overloaded: one partition per organization-wide collection — the findings of one status
   * (`STATUS#<status>`), every target row (`TARGETS`), every run (`RUNS`), every action event (`ACTIONS`) and
   * one day's transitions (`TRANSITIONS#<day>`).
   */
  collectionsIndex: { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
  /** GSI2: findings and target rows of one Region across the organization, GSI2PK = `REGION#<region>`. */
  byRegionIndex: { name: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
  /**
   * GSI3, sparse: target rows only, spread over `COUNT_SHARDS` partitions (`COUNTS#<shard>`, see `keys.ts`),
   * projecting only what the organization summary adds up — not each resource's status nor the checks,
   * which make a target row grow with its resources. Computing the summary reads a few hundred bytes per
   * account × Region, in one Query per shard run side by side, instead of paging through every full target
   * row one megabyte after another. DynamoDB sizes an index read by its projected entries:
   * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations.Reads
   */
  countsIndex: {
    name: 'GSI3',
    partitionKey: 'GSI3PK',
    sortKey: 'GSI3SK',
    projectedAttributes: [
      'entity',
      'accountId',
      'region',
      'resources',
      'byStatus',
      'waivedByStatus',
      'byReason',
    ],
  },
  /** Epoch seconds; history, action and run records expire through DynamoDB TTL. */
  ttlAttribute: 'expiresAt',
} as const;
