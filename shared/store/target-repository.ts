import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { ActionRecord, FindingTransition, ResourceFinding, ResourceStatus } from '../domain/model.js';
import {
  findingFromItem,
  findingItem,
  outstandingActionFromItem,
  type TargetRow,
  targetRowFromItem,
} from './codecs.js';
import { diffTarget, resourceTransition, sameFinding } from './diff.js';
import { ENTITY, keys } from './keys.js';
import { on, type TableAccess } from './table-access.js';
import type { HistoryEntry, SaveTargetOutcome, TargetResult, TargetSnapshot } from './types.js';
import {
  actionEventWrites,
  findingWrites,
  outstandingActionWrites,
  targetRowWrites,
  transitionWrites,
} from './writes.js';

/**
 * The target aggregate: one account × Region's findings, target row (checks and counts) and outstanding
 * actions, all under the account partition with sort keys starting `<region>#`.
 */
export class TargetRepository {
  constructor(private readonly table: TableAccess) {}

  /**
   * Everything stored for one account × Region (findings, target row, outstanding actions) in one Query:
   * the evaluator's history, and what `saveTargetResult` diffs against, so a reconcile reads the target once.
   */
  async loadTarget(accountId: string, region: string): Promise<TargetSnapshot> {
    const stored = await this.table.queryAll(
      on.table(keys.accountPartition(accountId), keys.targetPrefix(region)),
    );
    const findings = new Map<string, ResourceFinding>();
    const outstandingActions = new Map<string, ActionRecord>();
    let target: TargetRow | null = null;
    for (const item of stored) {
      if (item.entity === ENTITY.finding) {
        const finding = findingFromItem(item);
        findings.set(finding.arn, finding);
      } else if (item.entity === ENTITY.target) target = targetRowFromItem(item);
      else if (item.entity === ENTITY.outstandingAction) {
        outstandingActions.set(String(item.SK), outstandingActionFromItem(item));
      }
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
          lastBackupTime: finding.lastBackupTime ? new Date(finding.lastBackupTime) : null,
          lastCopyTime: finding.lastCopyTime ? new Date(finding.lastCopyTime) : null,
          ...(finding.lastPolicyJob ? { lastPolicyJob: finding.lastPolicyJob } : {}),
        },
      ]),
    );
    return { accountId, region, history, findings, target, outstandingActions };
  }

  /**
   * Replaces what is stored for one account × Region with a reconcile's result, diffing against `previous`
   * (from `loadTarget`) or, without it, against a fresh read. Only differences are written.
   */
  async saveTargetResult(result: TargetResult, previous?: TargetSnapshot): Promise<SaveTargetOutcome> {
    const { accountId, region, runId, now } = result;
    const snapshot = previous ?? (await this.loadTarget(accountId, region));
    const changes = diffTarget(snapshot, result);
    const findingRequests = findingWrites(accountId, region, changes);
    const otherRequests = [
      ...targetRowWrites(changes),
      ...outstandingActionWrites(region, changes.actions),
      ...transitionWrites(changes.transitions, runId, this.table.expiresAt(now)),
      ...actionEventWrites(changes.actions.newActions, runId, this.table.expiresAt(now)),
    ];
    await this.table.batchWrite([...findingRequests, ...otherRequests]);
    return {
      transitions: changes.transitions,
      newActions: changes.actions.newActions,
      findingWrites: findingRequests.length,
      rowWrites: findingRequests.length + otherRequests.length,
    };
  }

  async getFinding(accountId: string, region: string, arn: string): Promise<ResourceFinding | null> {
    const item = await this.table.get(keys.accountPartition(accountId), keys.finding(region, arn));
    return item ? findingFromItem(item) : null;
  }

  /**
   * Event-driven update of one resource. Returns the transition when its status changed (or it is new),
   * null otherwise; writes nothing when the finding is unchanged.
   */
  async putFinding(finding: ResourceFinding, now: Date, runId?: string): Promise<FindingTransition | null> {
    const previous = await this.getFinding(finding.accountId, finding.region, finding.arn);
    if (previous && sameFinding(previous, finding)) return null;
    await this.table.put(findingItem(finding));
    if (previous?.status === finding.status) return null;
    const transition = resourceTransition(finding, previous?.status ?? null, now.toISOString());
    await this.adjustTargetCounts(finding, previous?.status ?? null);
    await this.recordTransitions([transition], { runId: runId ?? null, now });
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

  private async adjustTargetCounts(
    finding: ResourceFinding,
    previousStatus: ResourceStatus | null,
  ): Promise<void> {
    const names: Record<string, string> = { '#byStatus': 'byStatus', '#to': finding.status };
    const values: Record<string, number> = { ':plus': 1, ':resources': previousStatus ? 0 : 1 };
    const additions = ['resources :resources', '#byStatus.#to :plus'];
    if (previousStatus) {
      names['#from'] = previousStatus;
      values[':minus'] = -1;
      additions.push('#byStatus.#from :minus');
    }
    try {
      await this.table.update({
        Key: { PK: keys.accountPartition(finding.accountId), SK: keys.targetRow(finding.region) },
        UpdateExpression: `ADD ${additions.join(', ')}`,
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      });
    } catch (error) {
      // No target row yet: the target's first save will count this finding along with the others.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
