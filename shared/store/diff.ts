import type {
  ActionRecord,
  CheckResult,
  FindingTransition,
  ReasonCode,
  ResourceFinding,
  ResourceStatus,
} from '../domain/model.js';
import { actionFields, findingFields, type TargetRow, zeroCounts } from './codecs.js';
import { keys, statusKey } from './keys.js';
import type { TargetResult } from './types.js';

/**
 * The pure half of a save: given what is stored for a target and what a reconcile found, decide which rows
 * change and which transitions and actions are news. The repositories turn the result into writes.
 */

/** Outstanding actions as stored: sort key → record. */
export type StoredActions = ReadonlyMap<string, ActionRecord>;

export interface ActionChanges {
  /** Outstanding rows to put (new or changed), with the scope their key is built in. */
  readonly put: readonly ActionRecord[];
  /** Outstanding rows no longer planned. */
  readonly deleted: readonly { readonly accountId: string; readonly sortKey: string }[];
  /** Actions worth telling about: every applied one, and outstanding ones that are new or changed. */
  readonly newActions: ActionRecord[];
}

export interface TargetChanges {
  readonly putFindings: readonly ResourceFinding[];
  /** ARNs whose finding rows are deleted (the resource is gone). */
  readonly deletedFindings: readonly string[];
  /**
   * The target row to put, always: it records when the target was observed and carries the version the
   * save commits on (one more than the stored one).
   */
  readonly targetRow: TargetRow;
  readonly actions: ActionChanges;
  /** Status changes of resources and checks (first sight, change, GONE), in a stable order. */
  readonly transitions: FindingTransition[];
}

export interface StoredTarget {
  readonly findings: ReadonlyMap<string, ResourceFinding>;
  readonly target: TargetRow | null;
  readonly outstandingActions: StoredActions;
}

export function countByStatus(
  findings: Iterable<{ status: ResourceStatus }>,
): Record<ResourceStatus, number> {
  const counts = zeroCounts();
  for (const finding of findings) counts[finding.status] += 1;
  return counts;
}

/** How many findings carry each reason code. */
export function countByReason(
  findings: Iterable<{ reasons: readonly ReasonCode[] }>,
): Partial<Record<ReasonCode, number>> {
  const counts: Partial<Record<ReasonCode, number>> = {};
  for (const finding of findings) {
    for (const reason of finding.reasons) counts[reason] = (counts[reason] ?? 0) + 1;
  }
  return counts;
}

export function sameFinding(a: ResourceFinding, b: ResourceFinding): boolean {
  return JSON.stringify(findingFields(a)) === JSON.stringify(findingFields(b));
}

/** Outstanding actions repeat every run; they are news only when what blocks or fails them changes. */
export function sameOutstandingAction(a: ActionRecord, b: ActionRecord): boolean {
  const comparable = (record: ActionRecord) => JSON.stringify({ ...actionFields(record), at: '' });
  return comparable(a) === comparable(b);
}

/**
 * The statuses transitions are decided against: the ones committed with the target row's version (the
 * finding rows may lag behind them while their writer is still writing), else the finding rows'.
 */
function committedStatuses(stored: StoredTarget): Map<string, ResourceStatus> {
  if (stored.target?.statuses) return new Map(Object.entries(stored.target.statuses));
  return new Map([...stored.findings.values()].map((finding) => [statusKey(finding.arn), finding.status]));
}

/**
 * A result observed before what is stored (another run saved a newer observation of the same target
 * meanwhile) must not overwrite it.
 */
export function isStale(stored: StoredTarget, result: Pick<TargetResult, 'now'>): boolean {
  const storedAt = stored.target?.observedAt;
  return storedAt !== null && storedAt !== undefined && Date.parse(storedAt) > result.now.getTime();
}

/** What a reconcile's result changes in what is stored for its account × Region. */
export function diffTarget(stored: StoredTarget, result: TargetResult): TargetChanges {
  const { accountId, region } = result;
  const at = result.now.toISOString();
  const putFindings: ResourceFinding[] = [];
  const deletedFindings: string[] = [];
  const transitions: FindingTransition[] = [];
  const statuses = committedStatuses(stored);
  const current = new Set<string>();
  for (const finding of result.findings) {
    current.add(finding.arn);
    const previous = stored.findings.get(finding.arn);
    if (!previous || !sameFinding(previous, finding)) putFindings.push(finding);
    const previousStatus = statuses.get(statusKey(finding.arn)) ?? null;
    if (previousStatus !== finding.status) transitions.push(resourceTransition(finding, previousStatus, at));
    else if (previous?.waiver && !finding.waiver)
      transitions.push(waiverEndedTransition(finding, previous, at));
  }
  for (const [arn, previous] of stored.findings) {
    if (current.has(arn)) continue;
    deletedFindings.push(arn);
    transitions.push({
      accountId,
      region,
      subject: { kind: 'resource', arn },
      from: statuses.get(statusKey(arn)) ?? previous.status,
      to: 'GONE',
      at,
      reasons: [],
      detail: 'The resource no longer carries the selection tag or no longer exists.',
    });
  }

  const target: TargetRow = {
    accountId,
    region,
    checks: result.checks,
    resources: result.findings.length,
    byStatus: countByStatus(result.findings),
    waivedByStatus: countByStatus(result.findings.filter((finding) => finding.waiver)),
    observedAt: at,
    statuses: Object.fromEntries(result.findings.map((finding) => [statusKey(finding.arn), finding.status])),
    byReason: countByReason(result.findings),
    version: (stored.target?.version ?? 0) + 1,
  };
  transitions.push(...checkTransitions(accountId, region, stored.target?.checks ?? [], result.checks, at));
  return {
    putFindings,
    deletedFindings,
    targetRow: target,
    actions: diffOutstandingActions(region, stored.outstandingActions, result.actions),
    transitions,
  };
}

/**
 * A target the controller no longer manages (its account left the organization or the config's scope, or
 * its Region left the config): every finding and check goes GONE and its outstanding actions are dropped.
 */
export function diffRetiredTarget(
  stored: StoredTarget,
  target: { readonly accountId: string; readonly region: string; readonly now: Date },
): TargetChanges {
  const changes = diffTarget(stored, { ...target, findings: [], checks: [], actions: [], runId: '' });
  return {
    ...changes,
    transitions: changes.transitions.map((transition) => ({ ...transition, detail: RETIRED_DETAIL })),
  };
}

const RETIRED_DETAIL =
  'No longer managed: the account left the organization or the config’s scope, or the Region left the config.';

/**
 * Applied actions are always news. Outstanding ones (audit mode, blocked, failed) come back every run, so
 * they are kept as rows keyed by kind and target, and are news only when new or changed; rows of actions
 * no longer planned are deleted.
 */
export function diffOutstandingActions(
  scope: string,
  stored: StoredActions,
  actions: readonly ActionRecord[],
): ActionChanges {
  const put: ActionRecord[] = [];
  const newActions: ActionRecord[] = [];
  const outstanding = new Set<string>();
  for (const action of actions) {
    if (action.applied) {
      newActions.push(action);
      continue;
    }
    const sortKey = keys.outstandingAction(scope, action);
    if (outstanding.has(sortKey)) continue;
    outstanding.add(sortKey);
    const previous = stored.get(sortKey);
    if (previous && sameOutstandingAction(previous, action)) continue;
    put.push(action);
    newActions.push(action);
  }
  const deleted = [...stored]
    .filter(([sortKey]) => !outstanding.has(sortKey))
    .map(([sortKey, previous]) => ({ accountId: previous.accountId, sortKey }));
  return { put, deleted, newActions };
}

export function resourceTransition(
  finding: ResourceFinding,
  from: ResourceStatus | null,
  at: string,
): FindingTransition {
  return {
    accountId: finding.accountId,
    region: finding.region,
    subject: { kind: 'resource', arn: finding.arn },
    from,
    to: finding.status,
    at,
    reasons: [...finding.reasons],
    detail: finding.detail,
    ...(finding.waiver ? { waiver: 'waived' as const } : {}),
  };
}

/** The waiver of an unchanged finding ended (expired, or removed from the config): it is news again. */
function waiverEndedTransition(
  finding: ResourceFinding,
  previous: ResourceFinding,
  at: string,
): FindingTransition {
  return {
    ...resourceTransition(finding, finding.status, at),
    detail: `The waiver (${previous.waiver?.reason}, owner ${previous.waiver?.owner}) ended on ${previous.waiver?.expires}. ${finding.detail}`,
    waiver: 'expired',
  };
}

function checkTransitions(
  accountId: string,
  region: string,
  before: readonly CheckResult[],
  after: readonly CheckResult[],
  at: string,
): FindingTransition[] {
  const previous = new Map(before.map((check) => [check.check, check]));
  const transitions: FindingTransition[] = [];
  for (const check of after) {
    const old = previous.get(check.check);
    previous.delete(check.check);
    if (old?.status === check.status) continue;
    transitions.push({
      accountId,
      region,
      subject: { kind: 'check', check: check.check },
      from: old?.status ?? null,
      to: check.status,
      at,
      reasons: check.reason ? [check.reason] : [],
      detail: check.detail,
    });
  }
  for (const old of previous.values()) {
    transitions.push({
      accountId,
      region,
      subject: { kind: 'check', check: old.check },
      from: old.status,
      to: 'GONE',
      at,
      reasons: [],
      detail: 'The check is no longer evaluated for this account and Region.',
    });
  }
  return transitions;
}
