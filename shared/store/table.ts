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
  /** Epoch seconds; history, action and run records expire through DynamoDB TTL. */
  ttlAttribute: 'expiresAt',
} as const;
