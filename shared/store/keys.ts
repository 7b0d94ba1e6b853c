import { createHash } from 'node:crypto';
import type { ActionRecord, FindingTransition, ResourceStatus } from '../domain/model.js';

/**
 * Every key of the single findings table is built here and nowhere else, so the layout (README.md) can be
 * read in one place.
 */
export const ENTITY = {
  finding: 'FINDING',
  target: 'TARGET',
  outstandingAction: 'OUTSTANDING_ACTION',
  actionEvent: 'ACTION',
  transition: 'TRANSITION',
  run: 'RUN',
  runError: 'RUN_ERROR',
  summary: 'SUMMARY',
  directoryEntry: 'DIRECTORY_ENTRY',
  centralCopies: 'CENTRAL_COPIES',
  jobMemory: 'JOB_MEMORY',
  centralVaultKey: 'CENTRAL_VAULT_KEY',
  sharedPolicy: 'SHARED_EFFECTIVE_POLICY',
  sharedPolicyAccounts: 'SHARED_EFFECTIVE_POLICY_ACCOUNTS',
} as const;

export type Entity = (typeof ENTITY)[keyof typeof ENTITY];

/**
 * Values from member accounts (ARNs, action targets and reasons) are bounded before they go into a key:
 * DynamoDB limits a sort key, in the table and in every index, to 1,024 bytes
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-partition-sort-keys),
 * while an ARN can be 2,048 characters and an SSM parameter's alone 1,011
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-su-create.html).
 * Up to `VERBATIM_BYTES` a value is its own key part, so keys sort by ARN; a longer one becomes its first
 * `VERBATIM_BYTES` plus a SHA-256 of the whole, which is always longer than any verbatim part, so the two
 * forms never meet. The full value is kept as an attribute.
 */
const VERBATIM_BYTES = 256;

export function keyPart(value: string): string {
  if (Buffer.byteLength(value, 'utf8') <= VERBATIM_BYTES) return value;
  let prefix = '';
  let bytes = 0;
  for (const char of value) {
    bytes += Buffer.byteLength(char, 'utf8');
    if (bytes > VERBATIM_BYTES) break;
    prefix += char;
  }
  return `${prefix}#sha256:${createHash('sha256').update(value, 'utf8').digest('base64url')}`;
}

/**
 * A resource's key in the target row's status map: a short digest of its ARN (132 bits), so the row stays
 * small however long the ARNs are.
 */
export function statusKey(arn: string): string {
  return createHash('sha256').update(arn, 'utf8').digest('base64url').slice(0, 22);
}

/** Partitions of the counts index (GSI3): enough Queries side by side to read 20,000 targets in one round. */
export const COUNT_SHARDS = 10;

export const keys = {
  accountPartition: (accountId: string) => `ACCOUNT#${accountId}`,
  /** Sort-key prefix of everything one target (account × Region) owns in its account partition. */
  targetPrefix: (region: string) => `${region}#`,
  findingPrefix: (region: string) => `${region}#RES#`,
  finding: (region: string, arn: string) => `${region}#RES#${keyPart(arn)}`,
  findingInStatus: (accountId: string, region: string, arn: string) =>
    `${accountId}#${region}#${keyPart(arn)}`,
  /** GSI1SK prefix of one account's (and optionally one Region's) findings within a status partition. */
  findingInStatusPrefix: (accountId: string, region?: string) =>
    region ? `${accountId}#${region}#` : `${accountId}#`,
  findingInRegion: (status: ResourceStatus, accountId: string, arn: string) =>
    `RES#${status}#${accountId}#${keyPart(arn)}`,
  targetRow: (region: string) => `${region}#TARGET`,
  targetInCollection: (accountId: string, region: string) => `${accountId}#${region}`,
  targetInRegion: (accountId: string) => `TARGET#${accountId}`,
  targetInRegionPrefix: 'TARGET#',
  /** The counts-index partition of an account's target rows: a hash of the id, so shards fill evenly. */
  countsPartition: (accountId: string) =>
    `COUNTS#${createHash('sha256').update(accountId, 'utf8').digest()[0]! % COUNT_SHARDS}`,
  countsPartitions: Array.from({ length: COUNT_SHARDS }, (_, shard) => `COUNTS#${shard}`),
  outstandingActionPrefix: (scope: string) => `${scope}#ACTION#`,
  // The reason is part of the identity: one target can need several actions of a kind (two managed
  // policies attached to the same backup role), and a record carries no other field telling them apart.
  outstandingAction: (scope: string, record: ActionRecord) =>
    `${scope}#ACTION#${record.kind}#${keyPart(record.target)}#${keyPart(record.reason)}`,
  statusPartition: (status: ResourceStatus) => `STATUS#${status}`,
  regionPartition: (region: string) => `REGION#${region}`,
  regionFindingPrefix: (status?: ResourceStatus) => (status ? `RES#${status}#` : 'RES#'),
  targetsPartition: 'TARGETS',
  historyPartition: (accountId: string) => `HISTORY#${accountId}`,
  transition: (transition: FindingTransition, runId: string | null) =>
    // The run id keeps an event's immediate transition and its reconcile's apart when both share a time.
    `${transition.at}#${transitionSuffix(transition)}#${runId ?? 'event'}`,
  transitionsOfDay: (day: string) => `TRANSITIONS#${day}`,
  transitionInDay: (transition: FindingTransition) =>
    `${transition.at}#${transition.accountId}#${transitionSuffix(transition)}`,
  actionsPartition: (accountId: string) => `ACTIONS#${accountId}`,
  actionEvent: (record: ActionRecord, sequence: number) =>
    `${record.at}#${actionEventSuffix(record, sequence)}`,
  actionEventInCollection: (record: ActionRecord, sequence: number) =>
    `${record.at}#${record.accountId}#${actionEventSuffix(record, sequence)}`,
  allActionsPartition: 'ACTIONS',
  runPartition: (runId: string) => `RUN#${runId}`,
  runSortKey: 'RUN',
  runError: (message: string) => `ERROR#${keyPart(message)}`,
  runErrorPrefix: 'ERROR#',
  runInCollection: (startedAt: string, runId: string) => `${startedAt}#${runId}`,
  allRunsPartition: 'RUNS',
  summaryPartition: 'SUMMARY',
  summaryPart: (part: number) => `PART#${String(part).padStart(4, '0')}`,
  summaryPartPrefix: 'PART#',
  /** The reason counts of the last run's end: their own small item, so /reasons reads only them. */
  summaryReasons: 'REASONS',
  /** One source account × Region's copies in the central vault: under its target's prefix, so loadTarget reads it. */
  centralCopies: (region: string) => `${region}#COPIES`,
  centralCopiesPartition: 'CENTRAL_COPIES',
  /** A target's job watermark and the jobs it keeps between reconciles. */
  jobMemory: (region: string) => `${region}#JOBS`,
  centralCopiesInCollection: (accountId: string, region: string) => `${accountId}#${region}`,
  /** The KMS key of the central vault in a Region, as the target holding that vault last observed it. */
  centralVaultKey: (region: string) => `CENTRAL_VAULT_KEY#${region}`,
  directoryPartition: 'DIRECTORY',
  directoryEntry: (accountId: string) => `ACCOUNT#${accountId}`,
  /** One run's effective policies, read once per chain of inherited backup policies by the org reconcile. */
  sharedPoliciesPartition: (runId: string) => `SHARED_POLICIES#${runId}`,
  sharedPolicy: (chain: number) => `CHAIN#${String(chain).padStart(4, '0')}`,
  /** Accounts bucketed by their id's last two digits: about 1 % of the organization per item. */
  sharedPolicyAccounts: (accountId: string) => `ACCOUNTS#${accountId.slice(-2)}`,
};

function transitionSuffix(transition: FindingTransition): string {
  const subject =
    transition.subject.kind === 'resource'
      ? `RES#${keyPart(transition.subject.arn)}`
      : `CHECK#${transition.subject.check}`;
  return `${transition.region}#${subject}`;
}

function actionEventSuffix(record: ActionRecord, sequence: number): string {
  return `${record.region}#${record.kind}#${keyPart(record.target)}#${sequence}`;
}
