import {
  type ActionRecord,
  type CheckResult,
  type FindingTransition,
  RESOURCE_STATUSES,
  type ResourceFinding,
  type ResourceStatus,
} from '../domain/model.js';
import type { RunRecord } from './types.js';

/**
 * Item layout of the single findings table (documented with examples in README.md). Every key is built here
 * and nowhere else, so the layout can be read in one place.
 */
export type Item = Record<string, unknown>;

export const ENTITY = {
  finding: 'FINDING',
  target: 'TARGET',
  outstandingAction: 'OUTSTANDING_ACTION',
  actionEvent: 'ACTION',
  transition: 'TRANSITION',
  run: 'RUN',
} as const;

export const keys = {
  accountPartition: (accountId: string) => `ACCOUNT#${accountId}`,
  /** Sort-key prefix of everything one target (account × Region) owns in its account partition. */
  targetPrefix: (region: string) => `${region}#`,
  findingPrefix: (region: string) => `${region}#RES#`,
  finding: (region: string, arn: string) => `${region}#RES#${arn}`,
  targetRow: (region: string) => `${region}#TARGET`,
  outstandingActionPrefix: (scope: string) => `${scope}#ACTION#`,
  // The reason is part of the identity: one target can need several actions of a kind (two managed
  // policies attached to the same backup role), and a record carries no other field telling them apart.
  outstandingAction: (scope: string, record: ActionRecord) =>
    `${scope}#ACTION#${record.kind}#${record.target}#${record.reason}`,
  statusPartition: (status: ResourceStatus) => `STATUS#${status}`,
  regionPartition: (region: string) => `REGION#${region}`,
  regionFindingPrefix: (status?: ResourceStatus) => (status ? `RES#${status}#` : 'RES#'),
  targetsPartition: 'TARGETS',
  historyPartition: (accountId: string) => `HISTORY#${accountId}`,
  transitionsOfDay: (day: string) => `TRANSITIONS#${day}`,
  actionsPartition: (accountId: string) => `ACTIONS#${accountId}`,
  allActionsPartition: 'ACTIONS',
  runPartition: (runId: string) => `RUN#${runId}`,
  runSortKey: 'RUN',
  allRunsPartition: 'RUNS',
};

export function zeroCounts(): Record<ResourceStatus, number> {
  return Object.fromEntries(RESOURCE_STATUSES.map((status) => [status, 0])) as Record<ResourceStatus, number>;
}

export function countByStatus(
  findings: Iterable<{ status: ResourceStatus }>,
): Record<ResourceStatus, number> {
  const counts = zeroCounts();
  for (const finding of findings) counts[finding.status] += 1;
  return counts;
}

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
    lastBackupTime: finding.lastBackupTime ?? null,
    lastCopyTime: finding.lastCopyTime ?? null,
    expectedBy: finding.expectedBy ?? null,
    firstSeen: finding.firstSeen,
    coveredSince: finding.coveredSince ?? null,
    since: finding.since,
    ...(finding.lastPolicyJob ? { lastPolicyJob: finding.lastPolicyJob } : {}),
  };
}

export function sameFinding(a: ResourceFinding, b: ResourceFinding): boolean {
  return JSON.stringify(findingFields(a)) === JSON.stringify(findingFields(b));
}

export function findingItem(finding: ResourceFinding): Item {
  const { accountId, region, arn, status } = finding;
  return {
    PK: keys.accountPartition(accountId),
    SK: keys.finding(region, arn),
    GSI1PK: keys.statusPartition(status),
    GSI1SK: `${accountId}#${region}#${arn}`,
    GSI2PK: keys.regionPartition(region),
    GSI2SK: `${keys.regionFindingPrefix(status)}${accountId}#${arn}`,
    entity: ENTITY.finding,
    ...findingFields(finding),
  };
}

export function findingFromItem(item: Item): ResourceFinding {
  return findingFields(item as unknown as ResourceFinding);
}

export interface TargetRow {
  readonly accountId: string;
  readonly region: string;
  readonly checks: readonly CheckResult[];
  readonly resources: number;
  readonly byStatus: Readonly<Record<ResourceStatus, number>>;
}

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
  };
}

export function sameTargetRow(a: TargetRow, b: TargetRow): boolean {
  return JSON.stringify(targetRowFields(a)) === JSON.stringify(targetRowFields(b));
}

export function targetItem(row: TargetRow): Item {
  return {
    PK: keys.accountPartition(row.accountId),
    SK: keys.targetRow(row.region),
    GSI1PK: keys.targetsPartition,
    GSI1SK: `${row.accountId}#${row.region}`,
    GSI2PK: keys.regionPartition(row.region),
    GSI2SK: `TARGET#${row.accountId}`,
    entity: ENTITY.target,
    ...targetRowFields(row),
  };
}

export function targetRowFromItem(item: Item): TargetRow {
  return targetRowFields(item as unknown as TargetRow);
}

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

/** Outstanding actions repeat every run; they are news only when what blocks or fails them changes. */
export function sameOutstandingAction(a: ActionRecord, b: ActionRecord): boolean {
  const comparable = (record: ActionRecord) => JSON.stringify({ ...actionFields(record), at: '' });
  return comparable(a) === comparable(b);
}

export function outstandingActionItem(scope: string, record: ActionRecord): Item {
  return {
    PK: keys.accountPartition(record.accountId),
    SK: keys.outstandingAction(scope, record),
    entity: ENTITY.outstandingAction,
    ...actionFields(record),
  };
}

export function actionFromItem(item: Item): ActionRecord {
  return actionFields(item as unknown as ActionRecord);
}

export function actionEventItem(
  record: ActionRecord,
  sequence: number,
  runId: string,
  expiresAt: number,
): Item {
  const suffix = `${record.region}#${record.kind}#${record.target}#${sequence}`;
  return {
    PK: keys.actionsPartition(record.accountId),
    SK: `${record.at}#${suffix}`,
    GSI1PK: keys.allActionsPartition,
    GSI1SK: `${record.at}#${record.accountId}#${suffix}`,
    entity: ENTITY.actionEvent,
    runId,
    expiresAt,
    ...actionFields(record),
  };
}

function subjectKey(subject: FindingTransition['subject']): string {
  return subject.kind === 'resource' ? `RES#${subject.arn}` : `CHECK#${subject.check}`;
}

export function transitionItem(transition: FindingTransition, runId: string | null, expiresAt: number): Item {
  const suffix = `${transition.region}#${subjectKey(transition.subject)}`;
  return {
    PK: keys.historyPartition(transition.accountId),
    // The run id keeps an event's immediate transition and its reconcile's apart when both share a time.
    SK: `${transition.at}#${suffix}#${runId ?? 'event'}`,
    GSI1PK: keys.transitionsOfDay(transition.at.slice(0, 10)),
    GSI1SK: `${transition.at}#${transition.accountId}#${suffix}`,
    entity: ENTITY.transition,
    ...(runId ? { runId } : {}),
    expiresAt,
    ...transitionFields(transition),
  };
}

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
  };
}

export function transitionFromItem(item: Item): FindingTransition {
  return transitionFields(item as unknown as FindingTransition);
}

export function runItem(run: RunRecord, expiresAt: number): Item {
  return {
    PK: keys.runPartition(run.runId),
    SK: keys.runSortKey,
    GSI1PK: keys.allRunsPartition,
    GSI1SK: `${run.startedAt}#${run.runId}`,
    entity: ENTITY.run,
    expiresAt,
    ...run,
  };
}

export function runFromItem(item: Item): RunRecord {
  const run = item as unknown as RunRecord;
  return {
    runId: run.runId,
    startedAt: run.startedAt,
    ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
    trigger: run.trigger,
    targets: run.targets,
    counts: { ...zeroCounts(), ...run.counts },
    errors: [...(run.errors ?? [])],
    actionsApplied: run.actionsApplied ?? 0,
    actionsBlocked: run.actionsBlocked ?? 0,
  };
}
