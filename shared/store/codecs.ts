import { ACTION_KINDS } from '../domain/actions.js';
import {
  type AccountStatusSummary,
  type ActionRecord,
  type BlockedReason,
  CHECK_IDS,
  type CheckResult,
  type CheckStatus,
  type FindingTransition,
  JOB_STATES,
  type JobMemory,
  type OrganizationSummary,
  REASON_CODES,
  RESOURCE_STATUSES,
  type ReasonCode,
  type ReasonCount,
  type ResourceFinding,
  type ResourceStatus,
  WARNING_CODES,
} from '../domain/model.js';
import * as z from '../domain/zod-mini.js';
import { StoreItemError } from './errors.js';
import { ENTITY, type Entity, keys } from './keys.js';
import type { AccountDirectoryEntry, RunRecord, RunTrigger } from './types.js';

/**
 * Item codecs: how each entity becomes a table item (keys plus its fields as top-level attributes) and how
 * an item read back is checked against the entity's schema before the rest of the code trusts it.
 */
export type Item = Record<string, unknown>;

/** What one account × Region holds besides its findings: its checks and the counts the summary adds up. */
export interface TargetRow {
  readonly accountId: string;
  readonly region: string;
  readonly checks: readonly CheckResult[];
  readonly resources: number;
  readonly byStatus: Readonly<Record<ResourceStatus, number>>;
  /** When the reconcile whose result the row holds observed the target (null: written before this was kept). */
  readonly observedAt: string | null;
  /**
   * Each resource's status by `statusKey(arn)`, committed with the version: what the next save's
   * transitions are decided against (null: written before this was kept; the finding rows say it then).
   */
  readonly statuses: Readonly<Record<string, ResourceStatus>> | null;
  /** How many of its findings carry each reason code (null: written before this was kept). */
  readonly byReason: Readonly<Partial<Record<ReasonCode, number>>> | null;
  /** Bumped by every write of the target's findings; a save or event update commits only on the version it read. */
  readonly version: number;
  /** Counts by status of the findings carrying a waiver (all zero: none, or written before waivers). */
  readonly waivedByStatus: Readonly<Record<ResourceStatus, number>>;
}

const CHECK_STATUSES = {
  PASS: 'PASS',
  WARN: 'WARN',
  FAIL: 'FAIL',
  SKIPPED: 'SKIPPED',
} as const satisfies Record<CheckStatus, CheckStatus>;
const BLOCKED_REASONS = {
  IRREVERSIBLE_LOCK: 'IRREVERSIBLE_LOCK',
  BLAST_RADIUS: 'BLAST_RADIUS',
} as const satisfies Record<BlockedReason, BlockedReason>;
const RUN_TRIGGERS = { schedule: 'schedule', event: 'event', cli: 'cli' } as const satisfies Record<
  RunTrigger,
  RunTrigger
>;

const resourceStatus = z.enum(RESOURCE_STATUSES);
const checkStatus = z.enum(CHECK_STATUSES);
const timestamp = z.string();
const countsByStatus = z.pipe(
  z.partialRecord(resourceStatus, z.number()),
  z.transform((counts) => ({ ...zeroCounts(), ...counts })),
);

const findingSchema = z.object({
  accountId: z.string(),
  region: z.string(),
  arn: z.string(),
  resourceType: z._default(z.nullable(z.string()), null),
  status: resourceStatus,
  reasons: z.array(z.enum(REASON_CODES)),
  detail: z.string(),
  // Rows written before findings carried warnings read as having none.
  warnings: z._default(z.array(z.enum(WARNING_CODES)), []),
  warningDetail: z.optional(z.string()),
  waiver: z.optional(z.object({ reason: z.string(), owner: z.string(), expires: z.string() })),
  lastBackupTime: z._default(z.nullable(timestamp), null),
  lastCopyTime: z._default(z.nullable(timestamp), null),
  expectedBy: z._default(z.nullable(timestamp), null),
  firstSeen: timestamp,
  coveredSince: z._default(z.nullable(timestamp), null),
  since: timestamp,
  lastPolicyJob: z.optional(
    z.object({
      jobId: z.string(),
      state: z.enum(JOB_STATES),
      creationDate: timestamp,
      statusMessage: z.nullable(z.string()),
      messageCategory: z.nullable(z.string()),
    }),
  ),
  absentSince: z.optional(timestamp),
});

const checkSchema = z.object({
  check: z.enum(CHECK_IDS),
  status: checkStatus,
  reason: z.optional(z.enum(REASON_CODES)),
  detail: z.string(),
});

const targetRowSchema = z.object({
  accountId: z.string(),
  region: z.string(),
  checks: z.array(checkSchema),
  resources: z.number(),
  byStatus: countsByStatus,
  observedAt: z._default(z.nullable(timestamp), null),
  statuses: z._default(z.nullable(z.record(z.string(), resourceStatus)), null),
  byReason: z._default(z.nullable(z.partialRecord(z.enum(REASON_CODES), z.number())), null),
  version: z._default(z.number(), 0),
  waivedByStatus: z._default(countsByStatus, zeroCounts),
});

const actionSchema = z.object({
  kind: z.enum(ACTION_KINDS),
  accountId: z.string(),
  region: z.string(),
  target: z.string(),
  reason: z.string(),
  applied: z.boolean(),
  blocked: z.optional(z.object({ by: z.enum(BLOCKED_REASONS), message: z.string() })),
  error: z.optional(z.object({ code: z.string(), message: z.string() })),
  at: timestamp,
});

const transitionSchema = z.object({
  accountId: z.string(),
  region: z.string(),
  subject: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('resource'), arn: z.string() }),
    z.object({ kind: z.literal('check'), check: z.enum(CHECK_IDS) }),
  ]),
  from: z.nullable(z.union([resourceStatus, checkStatus])),
  to: z.union([resourceStatus, checkStatus, z.literal('GONE')]),
  at: timestamp,
  reasons: z.array(z.string()),
  detail: z.string(),
  waiver: z.optional(z.enum(['waived', 'expired'])),
});

const runSchema = z.object({
  runId: z.string(),
  startedAt: timestamp,
  finishedAt: z.optional(timestamp),
  trigger: z.enum(RUN_TRIGGERS),
  targets: z.number(),
  counts: countsByStatus,
  errors: z._default(z.array(z.string()), []),
  errorCount: z.optional(z.number()),
  actionsApplied: z._default(z.number(), 0),
  actionsBlocked: z._default(z.number(), 0),
});

export function zeroCounts(): Record<ResourceStatus, number> {
  return Object.fromEntries(RESOURCE_STATUSES.map((status) => [status, 0])) as Record<ResourceStatus, number>;
}

function decode<T>(schema: z.ZodMiniType<T>, entity: Entity, item: Item): T {
  if (item.entity !== undefined && item.entity !== entity) {
    throw new StoreItemError(item, `it is a ${String(item.entity)} item, not a ${entity}`);
  }
  const parsed = schema.safeParse(item);
  if (!parsed.success) throw new StoreItemError(item, z.prettifyError(parsed.error), parsed.error);
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------------------------------------

/** The finding's own fields, in a fixed order, so two findings compare by their JSON. */
export function findingFields(finding: ResourceFinding): ResourceFinding {
  return {
    accountId: finding.accountId,
    region: finding.region,
    arn: finding.arn,
    resourceType: finding.resourceType ?? null,
    status: finding.status,
    reasons: [...finding.reasons],
    detail: finding.detail,
    warnings: [...finding.warnings],
    ...(finding.warningDetail ? { warningDetail: finding.warningDetail } : {}),
    lastBackupTime: finding.lastBackupTime ?? null,
    lastCopyTime: finding.lastCopyTime ?? null,
    expectedBy: finding.expectedBy ?? null,
    firstSeen: finding.firstSeen,
    coveredSince: finding.coveredSince ?? null,
    since: finding.since,
    ...(finding.lastPolicyJob ? { lastPolicyJob: finding.lastPolicyJob } : {}),
    ...(finding.waiver ? { waiver: { ...finding.waiver } } : {}),
    ...(finding.absentSince ? { absentSince: finding.absentSince } : {}),
  };
}

/** `version`: the target version whose commit wrote it, so a late writer of an older one cannot overwrite it. */
export function findingItem(finding: ResourceFinding, version: number): Item {
  const { accountId, region, arn, status } = finding;
  return {
    version,
    PK: keys.accountPartition(accountId),
    SK: keys.finding(region, arn),
    GSI1PK: keys.statusPartition(status),
    GSI1SK: keys.findingInStatus(accountId, region, arn),
    GSI2PK: keys.regionPartition(region),
    GSI2SK: keys.findingInRegion(status, accountId, arn),
    entity: ENTITY.finding,
    ...findingFields(finding),
  };
}

export function findingFromItem(item: Item): ResourceFinding {
  return findingFields(decode(findingSchema, ENTITY.finding, item));
}

// ---------------------------------------------------------------------------------------------------------
// Target rows
// ---------------------------------------------------------------------------------------------------------

function checkFields(check: CheckResult): CheckResult {
  return {
    check: check.check,
    status: check.status,
    ...(check.reason ? { reason: check.reason } : {}),
    detail: check.detail,
  };
}

export function targetRowFields(row: TargetRow): TargetRow {
  return {
    accountId: row.accountId,
    region: row.region,
    checks: row.checks.map(checkFields),
    resources: row.resources,
    byStatus: { ...zeroCounts(), ...row.byStatus },
    observedAt: row.observedAt,
    statuses: row.statuses,
    byReason: row.byReason,
    version: row.version,
    waivedByStatus: { ...zeroCounts(), ...row.waivedByStatus },
  };
}

export function targetItem(row: TargetRow): Item {
  return {
    PK: keys.accountPartition(row.accountId),
    SK: keys.targetRow(row.region),
    GSI1PK: keys.targetsPartition,
    GSI1SK: keys.targetInCollection(row.accountId, row.region),
    GSI2PK: keys.regionPartition(row.region),
    GSI2SK: keys.targetInRegion(row.accountId),
    ...countsIndexKeys(row.accountId, row.region),
    entity: ENTITY.target,
    ...targetRowFields(row),
  };
}

/** A target row's keys in the counts index (GSI3): they put the row's counts into the summary's reads. */
export function countsIndexKeys(accountId: string, region: string): Item {
  return {
    GSI3PK: keys.countsPartition(accountId),
    GSI3SK: keys.targetInCollection(accountId, region),
  };
}

/** What the organization summary adds up of one target row: the attributes the counts index projects. */
export type TargetCounts = Pick<
  TargetRow,
  'accountId' | 'region' | 'resources' | 'byStatus' | 'waivedByStatus' | 'byReason'
>;

const targetCountsSchema = z.pick(targetRowSchema, {
  accountId: true,
  region: true,
  resources: true,
  byStatus: true,
  waivedByStatus: true,
  byReason: true,
});

/** A target row's counts as the counts index (GSI3) holds them. */
export function targetCountsFromItem(item: Item): TargetCounts {
  return decode(targetCountsSchema, ENTITY.target, item);
}

const targetObservedAtSchema = z.pick(targetRowSchema, { accountId: true, region: true, observedAt: true });

/** When a target was last observed, from its row read with only that (and its key fields) projected. */
export function targetObservedAtFromItem(item: Item): Pick<TargetRow, 'accountId' | 'region' | 'observedAt'> {
  return decode(targetObservedAtSchema, ENTITY.target, item);
}

const targetKeySchema = z.object({ accountId: z.string(), region: z.string() });

/** The account and Region of a target row read with only those attributes projected. */
export function targetKeyFromItem(item: Item): { accountId: string; region: string } {
  return decode(targetKeySchema, ENTITY.target, item);
}

export function targetRowFromItem(item: Item): TargetRow {
  return targetRowFields(decode(targetRowSchema, ENTITY.target, item));
}

// ---------------------------------------------------------------------------------------------------------
// Actions: outstanding rows (current) and action events (history)
// ---------------------------------------------------------------------------------------------------------

export function actionFields(record: ActionRecord): ActionRecord {
  return {
    kind: record.kind,
    accountId: record.accountId,
    region: record.region,
    target: record.target,
    reason: record.reason,
    applied: record.applied,
    ...(record.blocked ? { blocked: { by: record.blocked.by, message: record.blocked.message } } : {}),
    ...(record.error ? { error: { code: record.error.code, message: record.error.message } } : {}),
    at: record.at,
  };
}

export function outstandingActionItem(scope: string, record: ActionRecord): Item {
  return {
    PK: keys.accountPartition(record.accountId),
    SK: keys.outstandingAction(scope, record),
    entity: ENTITY.outstandingAction,
    ...actionFields(record),
  };
}

export function outstandingActionFromItem(item: Item): ActionRecord {
  return actionFields(decode(actionSchema, ENTITY.outstandingAction, item));
}

export function actionEventItem(
  record: ActionRecord,
  sequence: number,
  runId: string,
  expiresAt: number,
): Item {
  return {
    PK: keys.actionsPartition(record.accountId),
    SK: keys.actionEvent(record, sequence),
    GSI1PK: keys.allActionsPartition,
    GSI1SK: keys.actionEventInCollection(record, sequence),
    entity: ENTITY.actionEvent,
    runId,
    expiresAt,
    ...actionFields(record),
  };
}

export function actionEventFromItem(item: Item): ActionRecord {
  return actionFields(decode(actionSchema, ENTITY.actionEvent, item));
}

// ---------------------------------------------------------------------------------------------------------
// Transitions
// ---------------------------------------------------------------------------------------------------------

function transitionFields(transition: FindingTransition): FindingTransition {
  return {
    accountId: transition.accountId,
    region: transition.region,
    subject:
      transition.subject.kind === 'resource'
        ? { kind: 'resource', arn: transition.subject.arn }
        : { kind: 'check', check: transition.subject.check },
    from: transition.from,
    to: transition.to,
    at: transition.at,
    reasons: [...transition.reasons],
    detail: transition.detail,
    ...(transition.waiver ? { waiver: transition.waiver } : {}),
  };
}

export function transitionItem(transition: FindingTransition, runId: string | null, expiresAt: number): Item {
  return {
    PK: keys.historyPartition(transition.accountId),
    SK: keys.transition(transition, runId),
    GSI1PK: keys.transitionsOfDay(transition.at.slice(0, 10)),
    GSI1SK: keys.transitionInDay(transition),
    entity: ENTITY.transition,
    ...(runId ? { runId } : {}),
    expiresAt,
    ...transitionFields(transition),
  };
}

export function transitionFromItem(item: Item): FindingTransition {
  return transitionFields(decode(transitionSchema, ENTITY.transition, item));
}

// ---------------------------------------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------------------------------------

export function runItem(run: RunRecord, expiresAt: number): Item {
  return {
    PK: keys.runPartition(run.runId),
    SK: keys.runSortKey,
    GSI1PK: keys.allRunsPartition,
    GSI1SK: keys.runInCollection(run.startedAt, run.runId),
    entity: ENTITY.run,
    expiresAt,
    ...run,
  };
}

export function runFromItem(item: Item): RunRecord {
  const run = decode(runSchema, ENTITY.run, item);
  return {
    runId: run.runId,
    startedAt: run.startedAt,
    ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
    trigger: run.trigger,
    targets: run.targets,
    counts: run.counts,
    errors: run.errors,
    // Records written before errors became items of their own kept every error on the run item.
    errorCount: run.errorCount ?? run.errors.length,
    actionsApplied: run.actionsApplied,
    actionsBlocked: run.actionsBlocked,
  };
}

/** Error messages are member-influenced text (AWS error messages quote names and ARNs): kept bounded. */
export const RUN_ERROR_MAX_CHARS = 500;

const runErrorSchema = z.object({ message: z.string() });

export function runErrorItem(runId: string, message: string, expiresAt: number): Item {
  const bounded =
    message.length > RUN_ERROR_MAX_CHARS ? `${message.slice(0, RUN_ERROR_MAX_CHARS - 1)}…` : message;
  return {
    PK: keys.runPartition(runId),
    SK: keys.runError(bounded),
    entity: ENTITY.runError,
    expiresAt,
    message: bounded,
  };
}

export function runErrorFromItem(item: Item): string {
  return decode(runErrorSchema, ENTITY.runError, item).message;
}

// ---------------------------------------------------------------------------------------------------------
// The organization summary, as of the end of the last run
// ---------------------------------------------------------------------------------------------------------

/**
 * Accounts per summary item. Each account takes about 100 bytes in the compact form below, so 1,000 keep an
 * item far below the 400 KB limit, and 5,000 accounts are five items read by one Query.
 */
export const SUMMARY_ACCOUNTS_PER_ITEM = 1000;

/** An account's counts as `[accountId, resources, ...counts in RESOURCE_STATUSES order]`. */
const compactAccount = z.tuple([z.string(), z.number()], z.number());

const summaryPartSchema = z.object({
  computedAt: timestamp,
  parts: z.number(),
  accounts: z.array(compactAccount),
  total: z.optional(
    z.object({
      accounts: z.number(),
      resources: z.number(),
      byStatus: countsByStatus,
      coveragePercent: z.number(),
      waived: z.optional(
        z.object({
          resources: z.number(),
          byStatus: countsByStatus,
          coveragePercentWithoutWaived: z.number(),
        }),
      ),
    }),
  ),
});

export function summaryItems(summary: OrganizationSummary, computedAt: string): Item[] {
  const parts = Math.max(1, Math.ceil(summary.accounts.length / SUMMARY_ACCOUNTS_PER_ITEM));
  return Array.from({ length: parts }, (_, part) => ({
    PK: keys.summaryPartition,
    SK: keys.summaryPart(part),
    entity: ENTITY.summary,
    computedAt,
    parts,
    ...(part === 0 ? { total: summary.total } : {}),

    accounts: summary.accounts
      .slice(part * SUMMARY_ACCOUNTS_PER_ITEM, (part + 1) * SUMMARY_ACCOUNTS_PER_ITEM)
      .map((account) => [
        account.accountId,
        account.resources,
        ...RESOURCE_STATUSES.map((status) => account.byStatus[status]),
      ]),
  }));
}

/** The summary the items hold, or null when they are not one complete write (absent, or being replaced). */
export function summaryFromItems(items: readonly Item[]): OrganizationSummary | null {
  const parts = items.map((item) => decode(summaryPartSchema, ENTITY.summary, item));
  const first = parts[0];
  if (!first?.total) return null;
  const current = parts.slice(0, first.parts);
  if (current.length !== first.parts || current.some((part) => part.computedAt !== first.computedAt))
    return null;
  const accounts: AccountStatusSummary[] = current.flatMap((part) =>
    part.accounts.map(([accountId, resources, ...counts]) => ({
      accountId,
      resources,
      byStatus: Object.fromEntries(
        RESOURCE_STATUSES.map((status, index) => [status, counts[index] ?? 0]),
      ) as Record<ResourceStatus, number>,
    })),
  );
  return { total: first.total, accounts };
}

/** `[reason, findings]`, most first. */
const reasonCountsSchema = z.object({
  computedAt: timestamp,
  reasons: z.array(z.tuple([z.enum(REASON_CODES), z.number()])),
});

export function reasonCountsItem(reasons: readonly ReasonCount[], computedAt: string): Item {
  return {
    PK: keys.summaryPartition,
    SK: keys.summaryReasons,
    entity: ENTITY.summary,
    computedAt,
    reasons: reasons.map(({ reason, resources }) => [reason, resources]),
  };
}

export function reasonCountsFromItem(item: Item): ReasonCount[] {
  return decode(reasonCountsSchema, ENTITY.summary, item).reasons.map(([reason, resources]) => ({
    reason,
    resources,
  }));
}

// ---------------------------------------------------------------------------------------------------------
// Account directory
// ---------------------------------------------------------------------------------------------------------

const directorySchema = z.object({ accountId: z.string(), name: z.string(), ouPath: z.string() });

export function directoryFields(entry: AccountDirectoryEntry): AccountDirectoryEntry {
  return { accountId: entry.accountId, name: entry.name, ouPath: entry.ouPath };
}

export function directoryItem(entry: AccountDirectoryEntry): Item {
  return {
    PK: keys.directoryPartition,
    SK: keys.directoryEntry(entry.accountId),
    entity: ENTITY.directoryEntry,
    ...directoryFields(entry),
  };
}

export function directoryFromItem(item: Item): AccountDirectoryEntry {
  return directoryFields(decode(directorySchema, ENTITY.directoryEntry, item));
}

/** One source account × Region's slice of the central vault (see central-copies.ts). */
export interface CentralCopiesRow {
  readonly accountId: string;
  readonly region: string;
  /** When the org phase read the central vault and found this slice changed. */
  readonly observedAt: string;
  /** Resource ARN digest (statusKey) → the newest usable policy copy's creation date, epoch ms. */
  readonly copies: Readonly<Record<string, number>>;
  /** Of `copies`: the org phase compares it with a fresh reading and writes only slices that changed. */
  readonly digest: string;
}

const centralCopiesSchema = z.object({
  accountId: z.string(),
  region: z.string(),
  observedAt: z.string(),
  copies: z.record(z.string(), z.number()),
  digest: z.string(),
});

export function centralCopiesItem(row: CentralCopiesRow): Item {
  return {
    PK: keys.accountPartition(row.accountId),
    SK: keys.centralCopies(row.region),
    GSI1PK: keys.centralCopiesPartition,
    GSI1SK: keys.centralCopiesInCollection(row.accountId, row.region),
    entity: ENTITY.centralCopies,
    accountId: row.accountId,
    region: row.region,
    observedAt: row.observedAt,
    copies: row.copies,
    digest: row.digest,
  };
}

export function centralCopiesFromItem(item: Item): CentralCopiesRow {
  return decode(centralCopiesSchema, ENTITY.centralCopies, item);
}

const jobSchema = z.object({
  kind: z.enum(['BACKUP', 'COPY']),
  jobId: z.string(),
  resourceArn: z.string(),
  state: z.enum(JOB_STATES),
  creationDate: z.coerce.date(),
  completionDate: z.nullable(z.coerce.date()),
  statusMessage: z.nullable(z.string()),
  destinationVaultArn: z.optional(z.string()),
  messageCategory: z.optional(z.nullable(z.string())),
  origin: z.optional(
    z.object({ backupPlanId: z.nullable(z.string()), backupPlanName: z.nullable(z.string()) }),
  ),
  vaultName: z.optional(z.nullable(z.string())),
});

const jobMemorySchema = z.object({ watermark: z.coerce.date(), jobs: z.array(jobSchema) });

export function jobMemoryItem(accountId: string, region: string, memory: JobMemory): Item {
  return {
    PK: keys.accountPartition(accountId),
    SK: keys.jobMemory(region),
    entity: ENTITY.jobMemory,
    watermark: memory.watermark.toISOString(),
    jobs: memory.jobs.map((job) => ({
      ...job,
      creationDate: job.creationDate.toISOString(),
      completionDate: job.completionDate?.toISOString() ?? null,
    })),
  };
}

export function jobMemoryFromItem(item: Item): JobMemory {
  const { watermark, jobs } = decode(jobMemorySchema, ENTITY.jobMemory, item);
  return {
    watermark,
    jobs: jobs.map(({ destinationVaultArn, messageCategory, origin, vaultName, ...job }) => ({
      ...job,
      ...(destinationVaultArn === undefined ? {} : { destinationVaultArn }),
      ...(messageCategory === undefined ? {} : { messageCategory }),
      ...(origin === undefined ? {} : { origin }),
      ...(vaultName === undefined ? {} : { vaultName }),
    })),
  };
}
