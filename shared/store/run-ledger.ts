import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type ActionRecord,
  type FindingTransition,
  RESOURCE_STATUSES,
  type ResourceStatus,
} from '../domain/model.js';
import { actionEventFromItem, runFromItem, runItem, transitionFromItem, zeroCounts } from './codecs.js';
import { keys } from './keys.js';
import { on, type TableAccess } from './table-access.js';
import type { Page, PageRequest, RunRecord, RunTrigger } from './types.js';

/** Runs: their record (totals, errors, blast-radius claims) and what each one changed. */
export class RunLedger {
  constructor(private readonly table: TableAccess) {}

  async startRun(input: {
    readonly runId: string;
    readonly trigger: RunTrigger;
    readonly targets: number;
    readonly now: Date;
  }): Promise<RunRecord> {
    const run: RunRecord = {
      runId: input.runId,
      startedAt: input.now.toISOString(),
      trigger: input.trigger,
      targets: input.targets,
      counts: zeroCounts(),
      errors: [],
      actionsApplied: 0,
      actionsBlocked: 0,
    };
    await this.table.put(runItem(run, this.table.expiresAt(input.now)));
    return run;
  }

  /**
   * Adds one target's outcome to the run's totals. Atomic counters, so targets reconciled in parallel
   * (fan-out) can report concurrently.
   */
  async recordRunProgress(
    runId: string,
    progress: {
      readonly counts?: Partial<Record<ResourceStatus, number>>;
      readonly errors?: readonly string[];
      readonly actionsApplied?: number;
      readonly actionsBlocked?: number;
    },
  ): Promise<void> {
    const names: Record<string, string> = { '#errors': 'errors' };
    const values: Record<string, unknown> = {
      ':applied': progress.actionsApplied ?? 0,
      ':blocked': progress.actionsBlocked ?? 0,
      ':errors': [...(progress.errors ?? [])],
    };
    const additions = ['actionsApplied :applied', 'actionsBlocked :blocked'];
    RESOURCE_STATUSES.forEach((status, index) => {
      const count = progress.counts?.[status] ?? 0;
      if (count === 0) return;
      names['#counts'] = 'counts';
      names[`#s${index}`] = status;
      values[`:s${index}`] = count;
      additions.push(`#counts.#s${index} :s${index}`);
    });
    await this.table.update({
      Key: { PK: keys.runPartition(runId), SK: keys.runSortKey },
      UpdateExpression: `SET #errors = list_append(#errors, :errors) ADD ${additions.join(', ')}`,
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
  }

  /**
   * Blast radius across a fanned-out run: admits `accountId` to the run's set of accounts whose existing
   * configuration is changed, unless the set already holds `limit` other accounts. One conditional update,
   * so targets reconciled in parallel cannot overshoot the limit together.
   */
  async claimAccountChange(runId: string, accountId: string, limit: number): Promise<boolean> {
    if (limit <= 0) return false;
    try {
      await this.table.update({
        Key: { PK: keys.runPartition(runId), SK: keys.runSortKey },
        UpdateExpression: 'ADD changedAccounts :account',
        ConditionExpression:
          'attribute_exists(PK) AND (attribute_not_exists(changedAccounts) OR contains(changedAccounts, :id) OR size(changedAccounts) < :limit)',
        ExpressionAttributeValues: { ':account': new Set([accountId]), ':id': accountId, ':limit': limit },
      });
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async finishRun(input: {
    readonly runId: string;
    readonly now: Date;
    readonly errors?: readonly string[];
    /** The organization's findings by status when the run ended. */
    readonly counts?: Readonly<Record<ResourceStatus, number>>;
  }): Promise<void> {
    await this.table.update({
      Key: { PK: keys.runPartition(input.runId), SK: keys.runSortKey },
      UpdateExpression: `SET finishedAt = :finishedAt, #errors = list_append(#errors, :errors)${input.counts ? ', #counts = :counts' : ''}`,
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: { '#errors': 'errors', ...(input.counts ? { '#counts': 'counts' } : {}) },
      ExpressionAttributeValues: {
        ':finishedAt': input.now.toISOString(),
        ':errors': [...(input.errors ?? [])],
        ...(input.counts ? { ':counts': { ...input.counts } } : {}),
      },
    });
  }

  async getRun(runId: string): Promise<RunRecord | null> {
    const item = await this.table.get(keys.runPartition(runId), keys.runSortKey);
    return item ? runFromItem(item) : null;
  }

  /** Newest first. */
  listRuns(request: PageRequest = {}): Promise<Page<RunRecord>> {
    return this.table.page(
      [{ ...on.collections(keys.allRunsPartition), newestFirst: true }],
      runFromItem,
      request,
    );
  }

  /**
   * What one run changed: its transitions and action events, for the grouped alerts sent once the fan-out
   * is done. Reads only what was written since the run started (sort keys begin with the time), in the day
   * partitions the run spans (usually one), filtered by run id.
   */
  async runActivity(
    runId: string,
    now: Date,
  ): Promise<{ transitions: FindingTransition[]; actions: ActionRecord[] }> {
    const run = await this.getRun(runId);
    if (!run) return { transitions: [], actions: [] };
    const byRun = [{ name: 'runId', value: runId }];
    const transitions: FindingTransition[] = [];
    for (const day of utcDaysBetween(new Date(run.startedAt), now)) {
      const items = await this.table.queryAll({
        ...on.collectionsSince(keys.transitionsOfDay(day), run.startedAt),
        filters: byRun,
      });
      transitions.push(...items.map(transitionFromItem));
    }
    const actionItems = await this.table.queryAll({
      ...on.collectionsSince(keys.allActionsPartition, run.startedAt),
      filters: byRun,
    });
    return { transitions, actions: actionItems.map(actionEventFromItem) };
  }
}

/** `YYYY-MM-DD` of every UTC day from `from` to `to`, both included. */
function utcDaysBetween(from: Date, to: Date): string[] {
  const days: string[] = [];
  const cursor = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  while (cursor.getTime() <= to.getTime()) {
    days.push(cursor.toISOString().slice(0, 10));
    cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
  return days;
}
