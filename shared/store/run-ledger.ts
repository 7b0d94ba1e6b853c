import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type ActionRecord,
  type FindingTransition,
  RESOURCE_STATUSES,
  type ResourceStatus,
} from '../domain/model.js';
import {
  actionEventFromItem,
  runErrorFromItem,
  runErrorItem,
  runFromItem,
  runItem,
  transitionFromItem,
  zeroCounts,
} from './codecs.js';
import { ENTITY, keys } from './keys.js';
import { on, type TableAccess } from './table-access.js';
import type { Page, PageRequest, RunRecord, RunTrigger } from './types.js';

/**
 * How many error messages a run record carries once the run finished (the rest are counted). Errors are
 * stored as their own items, so a run where thousands of targets fail stays far below DynamoDB's 400 KB
 * item limit (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items).
 */
export const RUN_ERRORS_KEPT = 100;

/**
 * Runs: their record (totals, blast-radius claims), their errors (one item each, expiring with the run) and
 * what each one changed.
 */
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
      errorCount: 0,
      actionsApplied: 0,
      actionsBlocked: 0,
    };
    await this.table.put(runItem(run, this.table.expiresAt(input.now)));
    return run;
  }

  /**
   * Adds one target's outcome to the run: atomic counters on the run item, so targets reconciled in
   * parallel (fan-out) can report concurrently, and each error as an item of its own (the same message
   * twice, e.g. from a retried target, is one item).
   */
  async recordRunProgress(
    runId: string,
    progress: {
      readonly counts?: Partial<Record<ResourceStatus, number>>;
      readonly errors?: readonly string[];
      readonly actionsApplied?: number;
      readonly actionsBlocked?: number;
      /** When the target finished; the errors expire with the run's other history. */
      readonly now: Date;
    },
  ): Promise<void> {
    await this.recordErrors(runId, progress.errors ?? [], progress.now);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {
      ':applied': progress.actionsApplied ?? 0,
      ':blocked': progress.actionsBlocked ?? 0,
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
      UpdateExpression: `ADD ${additions.join(', ')}`,
      ConditionExpression: 'attribute_exists(PK)',
      ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
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

  /**
   * Closes the run: its errors are counted and the first `RUN_ERRORS_KEPT` copied onto the run item, so a
   * listing of runs shows them without reading every error.
   */
  async finishRun(input: {
    readonly runId: string;
    readonly now: Date;
    readonly errors?: readonly string[];
    /** The organization's findings by status when the run ended. */
    readonly counts?: Readonly<Record<ResourceStatus, number>>;
  }): Promise<void> {
    await this.recordErrors(input.runId, input.errors ?? [], input.now);
    const errors = await this.errorsOf(input.runId);
    await this.table.update({
      Key: { PK: keys.runPartition(input.runId), SK: keys.runSortKey },
      UpdateExpression: `SET finishedAt = :finishedAt, #errors = :errors, errorCount = :errorCount${input.counts ? ', #counts = :counts' : ''}`,
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: { '#errors': 'errors', ...(input.counts ? { '#counts': 'counts' } : {}) },
      ExpressionAttributeValues: {
        ':finishedAt': input.now.toISOString(),
        ':errors': errors.slice(0, RUN_ERRORS_KEPT),
        ':errorCount': errors.length,
        ...(input.counts ? { ':counts': { ...input.counts } } : {}),
      },
    });
  }

  /** The run with its error count and first `RUN_ERRORS_KEPT` errors, finished or not. */
  async getRun(runId: string): Promise<RunRecord | null> {
    const items = await this.table.queryAll(on.table(keys.runPartition(runId)));
    const stored = items.find((item) => item.entity === ENTITY.run);
    if (!stored) return null;
    const errors = items.filter((item) => item.entity === ENTITY.runError).map(runErrorFromItem);
    return { ...runFromItem(stored), errors: errors.slice(0, RUN_ERRORS_KEPT), errorCount: errors.length };
  }

  private async recordErrors(runId: string, errors: readonly string[], now: Date): Promise<void> {
    const expiresAt = this.table.expiresAt(now);
    await this.table.batchWrite(
      [...new Set(errors)].map((message) => ({
        PutRequest: { Item: runErrorItem(runId, message, expiresAt) },
      })),
    );
  }

  private async errorsOf(runId: string): Promise<string[]> {
    const items = await this.table.queryAll(on.table(keys.runPartition(runId), keys.runErrorPrefix));
    return items.map(runErrorFromItem);
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
      // One push per item: spreading a day's transitions (hundreds of thousands in a first sweep of 5,000
      // accounts) as arguments overflows the call stack.
      for (const item of items) transitions.push(transitionFromItem(item));
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
