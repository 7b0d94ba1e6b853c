import type {
  ActionRecord,
  CentralCopies,
  FindingTransition,
  ResourceFinding,
  ResourceStatus,
} from '../domain/model.js';
import { centralCopiesOf } from './central-copies.js';
import {
  countsIndexKeys,
  findingFromItem,
  findingItem,
  outstandingActionFromItem,
  type TargetRow,
  targetItem,
  targetKeyFromItem,
  targetRowFromItem,
} from './codecs.js';
import {
  diffRetiredTarget,
  diffTarget,
  isStale,
  resourceTransition,
  sameFinding,
  type TargetChanges,
} from './diff.js';
import { StoreConflictError } from './errors.js';
import { ENTITY, keys, statusKey } from './keys.js';
import { FINDINGS_TABLE } from './table.js';
import { type Condition, on, type TableAccess, type WriteRequest } from './table-access.js';
import type { HistoryEntry, SaveTargetOutcome, TargetResult, TargetSnapshot } from './types.js';
import { actionEventWrites, outstandingActionWrites, transitionWrites } from './writes.js';

/**
 * Target rows a sweep leaves to the account's own scan: in-scope accounts' Regions outside the policy, which
 * the account's scanning target rewrites or retires once a day.
 */
export interface ScannedElsewhere {
  readonly accounts: ReadonlySet<string>;
  readonly policyRegions: readonly string[];
}

/** Saves retried after a concurrent write to the same target; each retry reads and diffs it again. */
const MAX_SAVE_ATTEMPTS = 5;
/** Finding rows are written one conditional request each (BatchWriteItem takes no conditions). */
const PARALLEL_FINDING_WRITES = 10;

/**
 * The target aggregate: one account × Region's findings, target row (checks and counts) and outstanding
 * actions, all under the account partition with sort keys starting `<region>#`.
 */
export class TargetRepository {
  constructor(private readonly table: TableAccess) {}

  /**
   * Everything stored for one account × Region (findings, target row, outstanding actions, its slice of the
   * central vault) in one Query:
   * the evaluator's history, and what `saveTargetResult` diffs against, so a reconcile reads the target once.
   */
  async loadTarget(accountId: string, region: string): Promise<TargetSnapshot> {
    const stored = await this.table.queryAll(
      on.table(keys.accountPartition(accountId), keys.targetPrefix(region)),
    );
    const findings = new Map<string, ResourceFinding>();
    const outstandingActions = new Map<string, ActionRecord>();
    let target: TargetRow | null = null;
    let centralCopies: CentralCopies | undefined;
    for (const item of stored) {
      if (item.entity === ENTITY.finding) {
        const finding = findingFromItem(item);
        findings.set(finding.arn, finding);
      } else if (item.entity === ENTITY.target) target = targetRowFromItem(item);
      else if (item.entity === ENTITY.outstandingAction) {
        outstandingActions.set(String(item.SK), outstandingActionFromItem(item));
      } else if (item.entity === ENTITY.centralCopies) centralCopies = centralCopiesOf(item);
    }
    const history = new Map<string, HistoryEntry>(
      [...findings.values()].map((finding) => [
        finding.arn,
        {
          accountId,
          region,
          status: finding.status,
          firstSeen: new Date(finding.firstSeen),
          coveredSince: finding.coveredSince ? new Date(finding.coveredSince) : null,
          since: new Date(finding.since),
          ...(finding.lastPolicyJob ? { lastPolicyJob: finding.lastPolicyJob } : {}),
          lastBackupTime: finding.lastBackupTime ? new Date(finding.lastBackupTime) : null,
          lastCopyTime: finding.lastCopyTime ? new Date(finding.lastCopyTime) : null,
          ...(finding.waiver ? { waiver: finding.waiver } : {}),
        },
      ]),
    );
    return {
      accountId,
      region,
      history,
      findings,
      target,
      outstandingActions,
      ...(centralCopies ? { centralCopies } : {}),
    };
  }

  /**
   * Replaces what is stored for one account × Region with a reconcile's result, diffing against `previous`
   * (from `loadTarget`) or, without it, against a fresh read; only differences are written. The save
   * commits by putting the target row (observation time, every resource's status, counts) on the version it
   * diffed against, so two runs on one target cannot both record a change:
   * 1. the transitions and action events are written (history, keyed by this run);
   * 2. the target row is put if its version is unchanged — if another run saved in between, the history of
   *    step 1 is deleted and the target read and diffed again; if that run observed later, this result is
   *    dropped, since an older observation never overwrites a newer one;
   * 3. the finding rows are written, each only over one written by an older version.
   * A crash between 1 and 2 can repeat an alert; it never loses one.
   */
  async saveTargetResult(result: TargetResult, previous?: TargetSnapshot): Promise<SaveTargetOutcome> {
    const { accountId, region, runId, now } = result;
    const expiresAt = this.table.expiresAt(now);
    let snapshot = previous ?? (await this.loadTarget(accountId, region));
    for (let attempt = 1; attempt <= MAX_SAVE_ATTEMPTS; attempt++) {
      if (attempt > 1) snapshot = await this.loadTarget(accountId, region);
      if (isStale(snapshot, result)) {
        // The actions this run applied did happen: they stay news even when its verdicts are superseded.
        const applied = result.actions.filter((action) => action.applied);
        await this.table.batchWrite(actionEventWrites(applied, runId, expiresAt));
        return {
          transitions: [],
          newActions: applied,
          findingWrites: 0,
          rowWrites: applied.length,
          stale: true,
        };
      }
      const changes = diffTarget(snapshot, result);
      const history = [
        ...transitionWrites(changes.transitions, runId, expiresAt),
        ...actionEventWrites(changes.actions.newActions, runId, expiresAt),
      ];
      await this.table.batchWrite(history);
      const version = changes.targetRow.version;
      if (!(await this.table.putIf(targetItem(changes.targetRow), versionIs(snapshot.target)))) {
        await this.table.batchWrite(history.flatMap(undoPut));
        continue;
      }
      const actionRequests = outstandingActionWrites(region, changes.actions);
      await this.table.batchWrite(actionRequests);
      const findingWrites = await this.writeFindings(accountId, region, changes, version);
      return {
        transitions: changes.transitions,
        newActions: changes.actions.newActions,
        findingWrites,
        rowWrites: history.length + 1 + actionRequests.length + findingWrites,
        stale: false,
      };
    }
    throw new StoreConflictError(`${accountId}/${region}`, MAX_SAVE_ATTEMPTS);
  }

  /** Puts and deletes finding rows, each only over a row an older version of the target wrote. */
  private async writeFindings(
    accountId: string,
    region: string,
    changes: Pick<TargetChanges, 'putFindings' | 'deletedFindings'>,
    version: number,
  ): Promise<number> {
    const writes = [
      ...changes.putFindings.map(
        (finding) => () => this.table.putIf(findingItem(finding, version), olderThan(version)),
      ),
      ...changes.deletedFindings.map(
        (arn) => () =>
          this.table.deleteIf(
            keys.accountPartition(accountId),
            keys.finding(region, arn),
            olderThan(version),
          ),
      ),
    ];
    for (let start = 0; start < writes.length; start += PARALLEL_FINDING_WRITES) {
      await Promise.all(writes.slice(start, start + PARALLEL_FINDING_WRITES).map((write) => write()));
    }
    return writes.length;
  }

  /**
   * Retires every stored target that is not among `targets` (what a sweep reconciles): its findings and
   * checks become GONE transitions (kept as history, in the daily digest) and its rows are deleted, so the
   * summary, the alarms and the digest stop counting what the controller no longer manages.
   */
  async retireTargetsOutside(
    targets: readonly { readonly accountId: string; readonly region: string }[],
    context: { readonly runId: string; readonly now: Date },
    scanned?: ScannedElsewhere,
  ): Promise<FindingTransition[]> {
    const managed = new Set(targets.map(({ accountId, region }) => `${accountId}#${region}`));
    const { countsIndex } = FINDINGS_TABLE;
    const items = await this.table.queryAll(on.collections(keys.targetsPartition), [
      'PK',
      'SK',
      'accountId',
      'region',
      countsIndex.partitionKey,
    ]);
    const stored = items.map(targetKeyFromItem);
    // A row saved before the counts index existed gets its keys now, so the summary counts it before its
    // target's next save (which would add them too); a row deleted meanwhile is left alone.
    for (const [index, item] of items.entries()) {
      if (item[countsIndex.partitionKey] !== undefined) continue;
      const { accountId, region } = stored[index]!;
      await this.table.updateIf(
        keys.accountPartition(accountId),
        keys.targetRow(region),
        countsIndexKeys(accountId, region),
        { expression: 'attribute_exists(PK)' },
      );
    }
    const transitions: FindingTransition[] = [];
    for (const { accountId, region } of stored) {
      if (managed.has(`${accountId}#${region}`)) continue;
      if (scanned?.accounts.has(accountId) && !scanned.policyRegions.includes(region)) continue;
      transitions.push(...(await this.retireTarget(accountId, region, context)));
    }
    return transitions;
  }

  /** The Regions of an account that have a stored target row (one Query on the targets collection). */
  async storedRegionsOf(accountId: string): Promise<string[]> {
    const stored = await this.table.queryAll(
      on.collections(keys.targetsPartition, keys.targetInCollection(accountId, '')),
      ['PK', 'SK', 'accountId', 'region'],
    );
    return stored.map(targetKeyFromItem).map((target) => target.region);
  }

  /**
   * Retires one account × Region (see retireTargetsOutside): its findings and checks become GONE transitions
   * and its rows are deleted.
   */
  async retireTarget(
    accountId: string,
    region: string,
    context: { readonly runId: string; readonly now: Date },
  ): Promise<FindingTransition[]> {
    const snapshot = await this.loadTarget(accountId, region);
    const changes = diffRetiredTarget(snapshot, { accountId, region, now: context.now });
    const deleted = await this.table.deleteIf(
      keys.accountPartition(accountId),
      keys.targetRow(region),
      versionIs(snapshot.target),
    );
    // A reconcile saved the target meanwhile: it is managed after all (or the next sweep retires it).
    if (!deleted) return [];
    await this.table.batchWrite([
      ...outstandingActionWrites(region, changes.actions),
      ...transitionWrites(changes.transitions, context.runId, this.table.expiresAt(context.now)),
    ]);
    await this.writeFindings(accountId, region, changes, changes.targetRow.version);
    return changes.transitions;
  }

  async getFinding(accountId: string, region: string, arn: string): Promise<ResourceFinding | null> {
    const item = await this.table.get(keys.accountPartition(accountId), keys.finding(region, arn));
    return item ? findingFromItem(item) : null;
  }

  /**
   * Event-driven update of one resource. Returns the transition when its status changed (or it is new),
   * null otherwise; writes nothing when the finding is unchanged. The target row's counts and version are
   * updated first, on the version read with the finding: when a reconcile saved the target in between, the
   * update is dropped (null) — that reconcile observed the target itself, and the event's own reconcile
   * follows.
   */
  async putFinding(finding: ResourceFinding, now: Date, runId?: string): Promise<FindingTransition | null> {
    const [previous, targetRow] = await Promise.all([
      this.getFinding(finding.accountId, finding.region, finding.arn),
      this.table.get(keys.accountPartition(finding.accountId), keys.targetRow(finding.region)),
    ]);
    const target = targetRow ? targetRowFromItem(targetRow) : null;
    const previousStatus = target?.statuses?.[statusKey(finding.arn)] ?? previous?.status ?? null;
    if (previous && previousStatus === finding.status && sameFinding(previous, finding)) return null;
    const transition =
      previousStatus === finding.status
        ? null
        : resourceTransition(finding, previousStatus, now.toISOString());
    const history = transition
      ? transitionWrites([transition], runId ?? null, this.table.expiresAt(now))
      : [];
    await this.table.batchWrite(history);
    // Without a target row yet, the target's first save (version 1) replaces this row.
    const version = target ? target.version + 1 : 0;
    if (target && !(await this.commitEventUpdate(target, finding, previousStatus, previous))) {
      await this.table.batchWrite(history.flatMap(undoPut));
      return null;
    }
    await this.table.putIf(findingItem(finding, version), olderThan(version));
    return transition;
  }

  async recordTransitions(
    transitions: readonly FindingTransition[],
    context: { readonly runId: string | null; readonly now: Date },
  ): Promise<void> {
    await this.table.batchWrite(
      transitionWrites(transitions, context.runId, this.table.expiresAt(context.now)),
    );
  }

  /**
   * Moves the finding between the target row's status counts (when its status changed) and bumps the
   * version, only if the row is still the one read. Without a target row yet, the target's first save will
   * count this finding along with the others.
   */
  private async commitEventUpdate(
    target: TargetRow,
    finding: ResourceFinding,
    previousStatus: ResourceStatus | null,
    previous: ResourceFinding | null,
  ): Promise<boolean> {
    const byStatus = { ...target.byStatus };
    const waivedByStatus = { ...target.waivedByStatus };
    let resources = target.resources;
    if (previousStatus !== finding.status) {
      if (previousStatus) byStatus[previousStatus] -= 1;
      else resources += 1;
      byStatus[finding.status] += 1;
      // An event keeps a finding's waiver, so a waived finding moves between the waived counts too.
      if (finding.waiver) {
        if (previousStatus) waivedByStatus[previousStatus] -= 1;
        waivedByStatus[finding.status] += 1;
      }
    }
    const statuses = target.statuses
      ? { ...target.statuses, [statusKey(finding.arn)]: finding.status }
      : null;
    const byReason = target.byReason ? { ...target.byReason } : null;
    if (byReason) {
      for (const reason of previous?.reasons ?? [])
        byReason[reason] = Math.max(0, (byReason[reason] ?? 0) - 1);
      for (const reason of finding.reasons) byReason[reason] = (byReason[reason] ?? 0) + 1;
    }
    return this.table.putIf(
      targetItem({
        ...target,
        byStatus,
        waivedByStatus,
        resources,
        statuses,
        byReason,
        version: target.version + 1,
      }),
      versionIs(target),
    );
  }
}

/** A finding row is replaced only by a writer of a newer target version (or when it predates versions). */
function olderThan(version: number): Condition {
  return {
    expression: 'attribute_not_exists(version) OR version < :version',
    values: { ':version': version },
  };
}

/** The delete that takes back a history put of a save that did not commit. */
function undoPut(request: WriteRequest): WriteRequest[] {
  return 'PutRequest' in request
    ? [{ DeleteRequest: { Key: { PK: request.PutRequest.Item.PK, SK: request.PutRequest.Item.SK } } }]
    : [];
}

/** The condition that commits a write of the target row: nobody wrote it since `stored` was read. */
function versionIs(stored: TargetRow | null): Condition {
  if (!stored) return { expression: 'attribute_not_exists(PK)' };
  if (stored.version === 0) return { expression: 'attribute_not_exists(version)' };
  return { expression: 'version = :version', values: { ':version': stored.version } };
}
