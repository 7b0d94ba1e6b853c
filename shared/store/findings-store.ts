import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type AccountStatusSummary,
  type ActionRecord,
  type CheckResult,
  type FindingTransition,
  type OrganizationSummary,
  RESOURCE_STATUSES,
  type ResourceFinding,
  type ResourceStatus,
  type TargetChecks,
} from '../domain/model.js';
import { coveragePercent } from '../domain/report.js';
import { InvalidCursorError, StoreWriteError } from './errors.js';
import {
  actionEventItem,
  actionFromItem,
  countByStatus,
  ENTITY,
  findingFromItem,
  findingItem,
  type Item,
  keys,
  outstandingActionItem,
  runFromItem,
  runItem,
  sameFinding,
  sameOutstandingAction,
  sameTargetRow,
  type TargetRow,
  targetItem,
  targetRowFromItem,
  transitionFromItem,
  transitionItem,
  zeroCounts,
} from './items.js';
import { FINDINGS_TABLE } from './table.js';
import type {
  AccountView,
  FindingQuery,
  HistoryEntry,
  Page,
  PageRequest,
  RunRecord,
  RunTrigger,
  SaveTargetOutcome,
  TargetResult,
  TargetSnapshot,
} from './types.js';

export interface FindingsStoreOptions {
  readonly client: DynamoDBClient | DynamoDBDocumentClient;
  readonly tableName: string;
  /** How long transitions, action events and run records are kept (DynamoDB TTL). */
  readonly historyTtlDays?: number;
  /** Attempts per BatchWriteItem chunk before UnprocessedItems become a StoreWriteError. */
  readonly maxBatchAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };

/** One key-condition query; a listing may chain several (e.g. one per status partition). */
interface QueryPlan {
  readonly indexName?: string;
  readonly partition: { readonly name: string; readonly value: string };
  readonly sortPrefix?: { readonly name: string; readonly value: string };
  /** Sort keys from this value on (instead of a prefix), e.g. everything since a time. */
  readonly sortFrom?: { readonly name: string; readonly value: string };
  readonly filters?: readonly { readonly name: string; readonly value: unknown }[];
  readonly newestFirst?: boolean;
}

interface Cursor {
  /** Index of the plan to continue with. */
  readonly p: number;
  /** LastEvaluatedKey within that plan. */
  readonly k?: Item;
}

const BATCH_SIZE = 25;
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
const PARALLEL_BATCHES = 4;
const DAY_SECONDS = 86_400;

/** The write-time scope of org-level outstanding actions (their rows live in the management account). */
const ORG_SCOPE = 'ORG';

/**
 * The findings store: current findings and checks per account × Region, transitions history, action events
 * and run records, in one DynamoDB table (layout: README.md, keys: items.ts). Saves diff against what is
 * stored and write only rows that changed; every read is a Query on a key, never a Scan.
 */
export class FindingsStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly historyTtlSeconds: number;
  private readonly maxBatchAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: FindingsStoreOptions) {
    this.documents =
      options.client instanceof DynamoDBClient
        ? DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } })
        : options.client;
    this.tableName = options.tableName;
    this.historyTtlSeconds = (options.historyTtlDays ?? 90) * DAY_SECONDS;
    this.maxBatchAttempts = options.maxBatchAttempts ?? 8;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  // -------------------------------------------------------------------------------------------------------
  // Saving
  // -------------------------------------------------------------------------------------------------------

  /**
   * Everything stored for one account × Region (findings, target row, outstanding actions) in one Query:
   * the evaluator's history, and what `saveTargetResult` diffs against, so a reconcile reads the target once.
   */
  async loadTarget(accountId: string, region: string): Promise<TargetSnapshot> {
    const stored = await this.queryAll({
      partition: { name: 'PK', value: keys.accountPartition(accountId) },
      sortPrefix: { name: 'SK', value: keys.targetPrefix(region) },
    });
    const findings = new Map<string, ResourceFinding>();
    const outstandingActions: Item[] = [];
    let target: TargetRow | null = null;
    for (const item of stored) {
      if (item.entity === ENTITY.finding) {
        const finding = findingFromItem(item);
        findings.set(finding.arn, finding);
      } else if (item.entity === ENTITY.target) target = targetRowFromItem(item);
      else if (item.entity === ENTITY.outstandingAction) outstandingActions.push(item);
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
    const at = now.toISOString();
    const snapshot = previous ?? (await this.loadTarget(accountId, region));
    const storedFindings = snapshot.findings;
    const storedActions = [...snapshot.outstandingActions];
    const storedTarget = snapshot.target;

    const findingRequests: WriteRequest[] = [];
    const transitions: FindingTransition[] = [];
    const current = new Set<string>();
    for (const finding of result.findings) {
      current.add(finding.arn);
      const previous = storedFindings.get(finding.arn);
      if (previous && sameFinding(previous, finding)) continue;
      findingRequests.push({ PutRequest: { Item: findingItem(finding) } });
      if (previous?.status !== finding.status) {
        transitions.push(resourceTransition(finding, previous?.status ?? null, at));
      }
    }
    for (const [arn, previous] of storedFindings) {
      if (current.has(arn)) continue;
      findingRequests.push({
        DeleteRequest: { Key: { PK: keys.accountPartition(accountId), SK: keys.finding(region, arn) } },
      });
      transitions.push({
        accountId,
        region,
        subject: { kind: 'resource', arn },
        from: previous.status,
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
    };
    const targetRequests: WriteRequest[] =
      storedTarget && sameTargetRow(storedTarget, target)
        ? []
        : [{ PutRequest: { Item: targetItem(target) } }];
    transitions.push(...checkTransitions(accountId, region, storedTarget?.checks ?? [], result.checks, at));

    const actions = this.diffActions(region, storedActions, result.actions);
    const historyRequests = this.historyRequests(transitions, actions.newActions, runId, now);
    await this.batchWrite([...findingRequests, ...targetRequests, ...actions.requests, ...historyRequests]);
    return {
      transitions,
      newActions: actions.newActions,
      findingWrites: findingRequests.length,
      rowWrites:
        findingRequests.length + targetRequests.length + actions.requests.length + historyRequests.length,
    };
  }

  /**
   * Org-level actions (policy, attachments, global settings) have no findings; they are kept like a target's
   * actions under the management account, so a blocked or failing one is news once, not every run.
   */
  async saveOrgActions(input: {
    readonly managementAccountId: string;
    readonly actions: readonly ActionRecord[];
    readonly runId: string;
    readonly now: Date;
  }): Promise<{ newActions: ActionRecord[] }> {
    const stored = await this.queryAll({
      partition: { name: 'PK', value: keys.accountPartition(input.managementAccountId) },
      sortPrefix: { name: 'SK', value: keys.outstandingActionPrefix(ORG_SCOPE) },
    });
    const actions = this.diffActions(ORG_SCOPE, stored, input.actions);
    await this.batchWrite([
      ...actions.requests,
      ...this.historyRequests([], actions.newActions, input.runId, input.now),
    ]);
    return { newActions: actions.newActions };
  }

  /**
   * Event-driven update of one resource. Returns the transition when its status changed (or it is new),
   * null otherwise; writes nothing when the finding is unchanged.
   */
  async putFinding(finding: ResourceFinding, now: Date, runId?: string): Promise<FindingTransition | null> {
    const previous = await this.getFinding(finding.accountId, finding.region, finding.arn);
    if (previous && sameFinding(previous, finding)) return null;
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: findingItem(finding) }));
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
    const expiresAt = this.expiresAt(context.now);
    await this.batchWrite(
      transitions.map((transition) => ({
        PutRequest: { Item: transitionItem(transition, context.runId, expiresAt) },
      })),
    );
  }

  // -------------------------------------------------------------------------------------------------------
  // Runs
  // -------------------------------------------------------------------------------------------------------

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
    await this.documents.send(
      new PutCommand({ TableName: this.tableName, Item: runItem(run, this.expiresAt(input.now)) }),
    );
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
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: keys.runPartition(runId), SK: keys.runSortKey },
        UpdateExpression: `SET #errors = list_append(#errors, :errors) ADD ${additions.join(', ')}`,
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * Blast radius across a fanned-out run: admits `accountId` to the run's set of accounts whose existing
   * configuration is changed, unless the set already holds `limit` other accounts. One conditional update,
   * so targets reconciled in parallel cannot overshoot the limit together.
   */
  async claimAccountChange(runId: string, accountId: string, limit: number): Promise<boolean> {
    if (limit <= 0) return false;
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: keys.runPartition(runId), SK: keys.runSortKey },
          UpdateExpression: 'ADD changedAccounts :account',
          ConditionExpression:
            'attribute_exists(PK) AND (attribute_not_exists(changedAccounts) OR contains(changedAccounts, :id) OR size(changedAccounts) < :limit)',
          ExpressionAttributeValues: { ':account': new Set([accountId]), ':id': accountId, ':limit': limit },
        }),
      );
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
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: keys.runPartition(input.runId), SK: keys.runSortKey },
        UpdateExpression: `SET finishedAt = :finishedAt, #errors = list_append(#errors, :errors)${input.counts ? ', #counts = :counts' : ''}`,
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#errors': 'errors', ...(input.counts ? { '#counts': 'counts' } : {}) },
        ExpressionAttributeValues: {
          ':finishedAt': input.now.toISOString(),
          ':errors': [...(input.errors ?? [])],
          ...(input.counts ? { ':counts': { ...input.counts } } : {}),
        },
      }),
    );
  }

  async getRun(runId: string): Promise<RunRecord | null> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: keys.runPartition(runId), SK: keys.runSortKey },
      }),
    );
    return Item ? runFromItem(Item) : null;
  }

  /** Newest first. */
  listRuns(request: PageRequest = {}): Promise<Page<RunRecord>> {
    return this.page(
      [
        {
          indexName: FINDINGS_TABLE.byStatusIndex.name,
          partition: gsi1(keys.allRunsPartition),
          newestFirst: true,
        },
      ],
      runFromItem,
      request,
    );
  }

  // -------------------------------------------------------------------------------------------------------
  // Reading
  // -------------------------------------------------------------------------------------------------------

  async getFinding(accountId: string, region: string, arn: string): Promise<ResourceFinding | null> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: keys.accountPartition(accountId), SK: keys.finding(region, arn) },
      }),
    );
    return Item ? findingFromItem(Item) : null;
  }

  /**
   * Findings by any combination of account, Region, status (key conditions on the table or an index) and
   * resource type (a filter). Without account, Region or status, the status partitions are walked in turn.
   */
  listFindings(query: FindingQuery = {}): Promise<Page<ResourceFinding>> {
    const { accountId, region, status, resourceType } = query;
    const filters = [
      { name: 'entity', value: ENTITY.finding },
      ...(resourceType ? [{ name: 'resourceType', value: resourceType }] : []),
    ];
    const byStatus = (value: ResourceStatus): QueryPlan => ({
      indexName: FINDINGS_TABLE.byStatusIndex.name,
      partition: gsi1(keys.statusPartition(value)),
      ...(accountId
        ? { sortPrefix: { name: 'GSI1SK', value: region ? `${accountId}#${region}#` : `${accountId}#` } }
        : {}),
      filters,
    });
    let plans: QueryPlan[];
    if (accountId && !status) {
      plans = [
        {
          partition: { name: 'PK', value: keys.accountPartition(accountId) },
          ...(region ? { sortPrefix: { name: 'SK', value: keys.findingPrefix(region) } } : {}),
          filters,
        },
      ];
    } else if (region && !accountId) {
      plans = [
        {
          indexName: FINDINGS_TABLE.byRegionIndex.name,
          partition: { name: 'GSI2PK', value: keys.regionPartition(region) },
          sortPrefix: { name: 'GSI2SK', value: keys.regionFindingPrefix(status) },
          filters,
        },
      ];
    } else if (status) {
      plans = [byStatus(status)];
    } else {
      plans = RESOURCE_STATUSES.map(byStatus);
    }
    return this.page(plans, findingFromItem, query);
  }

  /** Checks per account × Region: of one account, of one Region, or all. */
  listChecks(
    query: PageRequest & { readonly accountId?: string; readonly region?: string } = {},
  ): Promise<Page<TargetChecks>> {
    const { accountId, region } = query;
    const targetsOnly = [{ name: 'entity', value: ENTITY.target }];
    let plan: QueryPlan;
    if (accountId) {
      plan = {
        partition: { name: 'PK', value: keys.accountPartition(accountId) },
        ...(region ? { sortPrefix: { name: 'SK', value: keys.targetRow(region) } } : {}),
        filters: targetsOnly,
      };
    } else if (region) {
      plan = {
        indexName: FINDINGS_TABLE.byRegionIndex.name,
        partition: { name: 'GSI2PK', value: keys.regionPartition(region) },
        sortPrefix: { name: 'GSI2SK', value: 'TARGET#' },
      };
    } else {
      plan = { indexName: FINDINGS_TABLE.byStatusIndex.name, partition: gsi1(keys.targetsPartition) };
    }
    return this.page([plan], (item) => toTargetChecks(targetRowFromItem(item)), query);
  }

  /** Everything current about one account: findings and checks of all its Regions, outstanding actions. */
  async getAccountView(accountId: string): Promise<AccountView> {
    const items = await this.queryAll({ partition: { name: 'PK', value: keys.accountPartition(accountId) } });
    const view: AccountView = { accountId, findings: [], targets: [], outstandingActions: [] };
    for (const item of items) {
      if (item.entity === ENTITY.finding) view.findings.push(findingFromItem(item));
      else if (item.entity === ENTITY.target) view.targets.push(toTargetChecks(targetRowFromItem(item)));
      else if (item.entity === ENTITY.outstandingAction) view.outstandingActions.push(actionFromItem(item));
    }
    return view;
  }

  /**
   * Counts by status per account and in total, from the target rows that every save keeps current:
   * one Query on the TARGETS partition, however many findings there are.
   */
  async summary(): Promise<OrganizationSummary> {
    const rows = (
      await this.queryAll({
        indexName: FINDINGS_TABLE.byStatusIndex.name,
        partition: gsi1(keys.targetsPartition),
      })
    ).map(targetRowFromItem);
    const accounts = new Map<string, { resources: number; byStatus: Record<ResourceStatus, number> }>();
    const total = zeroCounts();
    for (const row of rows) {
      const account = accounts.get(row.accountId) ?? { resources: 0, byStatus: zeroCounts() };
      account.resources += row.resources;
      for (const status of RESOURCE_STATUSES) {
        account.byStatus[status] += row.byStatus[status];
        total[status] += row.byStatus[status];
      }
      accounts.set(row.accountId, account);
    }
    const resources = RESOURCE_STATUSES.reduce((sum, status) => sum + total[status], 0);
    const perAccount: AccountStatusSummary[] = [...accounts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([accountId, account]) => ({ accountId, ...account }));
    return {
      total: {
        accounts: accounts.size,
        resources,
        byStatus: total,
        coveragePercent: coveragePercent(total, resources),
      },
      accounts: perAccount,
    };
  }

  /** Transitions of one account (newest first) or of one UTC day across the organization (oldest first). */
  listTransitions(
    query: PageRequest & ({ readonly accountId: string } | { readonly day: string }),
  ): Promise<Page<FindingTransition>> {
    const plan: QueryPlan =
      'accountId' in query
        ? { partition: { name: 'PK', value: keys.historyPartition(query.accountId) }, newestFirst: true }
        : { indexName: FINDINGS_TABLE.byStatusIndex.name, partition: gsi1(keys.transitionsOfDay(query.day)) };
    return this.page([plan], transitionFromItem, query);
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
    const since = { name: FINDINGS_TABLE.byStatusIndex.sortKey, value: run.startedAt };
    const byRun = [{ name: 'runId', value: runId }];
    const transitions: FindingTransition[] = [];
    for (const day of utcDaysBetween(new Date(run.startedAt), now)) {
      const items = await this.queryAll({
        indexName: FINDINGS_TABLE.byStatusIndex.name,
        partition: gsi1(keys.transitionsOfDay(day)),
        sortFrom: since,
        filters: byRun,
      });
      transitions.push(...items.map(transitionFromItem));
    }
    const actionItems = await this.queryAll({
      indexName: FINDINGS_TABLE.byStatusIndex.name,
      partition: gsi1(keys.allActionsPartition),
      sortFrom: since,
      filters: byRun,
    });
    return { transitions, actions: actionItems.map(actionFromItem) };
  }

  /** Action events (applied, or outstanding when first seen or changed), newest first. */
  listActions(query: PageRequest & { readonly accountId?: string } = {}): Promise<Page<ActionRecord>> {
    const plan: QueryPlan = query.accountId
      ? { partition: { name: 'PK', value: keys.actionsPartition(query.accountId) }, newestFirst: true }
      : {
          indexName: FINDINGS_TABLE.byStatusIndex.name,
          partition: gsi1(keys.allActionsPartition),
          newestFirst: true,
        };
    return this.page([plan], actionFromItem, query);
  }

  // -------------------------------------------------------------------------------------------------------
  // Internals
  // -------------------------------------------------------------------------------------------------------

  /**
   * Applied actions are always news. Outstanding ones (audit mode, blocked, failed) come back every run, so
   * they are kept as rows keyed by kind and target, and are news only when new or changed; rows of actions
   * no longer planned are deleted.
   */
  private diffActions(
    scope: string,
    storedItems: readonly Item[],
    actions: readonly ActionRecord[],
  ): { requests: WriteRequest[]; newActions: ActionRecord[] } {
    const stored = new Map(storedItems.map((item) => [item.SK as string, actionFromItem(item)]));
    const requests: WriteRequest[] = [];
    const newActions: ActionRecord[] = [];
    const outstanding = new Set<string>();
    for (const action of actions) {
      if (action.applied) {
        newActions.push(action);
        continue;
      }
      const item = outstandingActionItem(scope, action);
      const sortKey = item.SK as string;
      if (outstanding.has(sortKey)) continue;
      outstanding.add(sortKey);
      const previous = stored.get(sortKey);
      if (previous && sameOutstandingAction(previous, action)) continue;
      requests.push({ PutRequest: { Item: item } });
      newActions.push(action);
    }
    for (const [sortKey, previous] of stored) {
      if (!outstanding.has(sortKey)) {
        requests.push({
          DeleteRequest: { Key: { PK: keys.accountPartition(previous.accountId), SK: sortKey } },
        });
      }
    }
    return { requests, newActions };
  }

  private historyRequests(
    transitions: readonly FindingTransition[],
    actions: readonly ActionRecord[],
    runId: string,
    now: Date,
  ): WriteRequest[] {
    const expiresAt = this.expiresAt(now);
    return [
      ...transitions.map((transition) => ({
        PutRequest: { Item: transitionItem(transition, runId, expiresAt) },
      })),
      ...actions.map((action, index) => ({
        PutRequest: { Item: actionEventItem(action, index, runId, expiresAt) },
      })),
    ];
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
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: keys.accountPartition(finding.accountId), SK: keys.targetRow(finding.region) },
          UpdateExpression: `ADD ${additions.join(', ')}`,
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      // No target row yet: the target's first save will count this finding along with the others.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private expiresAt(now: Date): number {
    return Math.floor(now.getTime() / 1000) + this.historyTtlSeconds;
  }

  private async batchWrite(requests: readonly WriteRequest[]): Promise<void> {
    const chunks: WriteRequest[][] = [];
    for (let start = 0; start < requests.length; start += BATCH_SIZE) {
      chunks.push(requests.slice(start, start + BATCH_SIZE));
    }
    for (let start = 0; start < chunks.length; start += PARALLEL_BATCHES) {
      await Promise.all(chunks.slice(start, start + PARALLEL_BATCHES).map((chunk) => this.writeChunk(chunk)));
    }
  }

  private async writeChunk(chunk: WriteRequest[]): Promise<void> {
    let pending: BatchWriteCommandOutput['UnprocessedItems'] = { [this.tableName]: chunk };
    for (let attempt = 1; ; attempt++) {
      const output: BatchWriteCommandOutput = await this.documents.send(
        new BatchWriteCommand({ RequestItems: pending }),
      );
      pending = output.UnprocessedItems;
      const left = pending?.[this.tableName]?.length ?? 0;
      if (left === 0) return;
      if (attempt >= this.maxBatchAttempts) {
        throw new StoreWriteError(
          `${left} of ${chunk.length} writes to ${this.tableName} were still unprocessed after ${attempt} attempts.`,
        );
      }
      await this.sleep(Math.min(50 * 2 ** attempt, 5_000));
    }
  }

  private queryInput(plan: QueryPlan, startKey?: Item): QueryCommandInput {
    const names: Record<string, string> = { '#pk': plan.partition.name };
    const values: Record<string, unknown> = { ':pk': plan.partition.value };
    let keyCondition = '#pk = :pk';
    if (plan.sortFrom) {
      names['#sk'] = plan.sortFrom.name;
      values[':sk'] = plan.sortFrom.value;
      keyCondition += ' AND #sk >= :sk';
    } else if (plan.sortPrefix) {
      names['#sk'] = plan.sortPrefix.name;
      values[':sk'] = plan.sortPrefix.value;
      keyCondition += ' AND begins_with(#sk, :sk)';
    }
    const filters = (plan.filters ?? []).map((filter, index) => {
      names[`#f${index}`] = filter.name;
      values[`:f${index}`] = filter.value;
      return `#f${index} = :f${index}`;
    });
    return {
      TableName: this.tableName,
      ...(plan.indexName ? { IndexName: plan.indexName } : {}),
      KeyConditionExpression: keyCondition,
      ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: !plan.newestFirst,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    };
  }

  private async queryAll(plan: QueryPlan, projection?: readonly string[]): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const input = this.queryInput(plan, startKey);
      if (projection) {
        input.ProjectionExpression = projection.map((_, index) => `#p${index}`).join(', ');
        input.ExpressionAttributeNames = {
          ...input.ExpressionAttributeNames,
          ...Object.fromEntries(projection.map((name, index) => [`#p${index}`, name])),
        };
      }
      const output = await this.documents.send(new QueryCommand(input));
      items.push(...((output.Items ?? []) as Item[]));
      startKey = output.LastEvaluatedKey as Item | undefined;
    } while (startKey);
    return items;
  }

  /**
   * One page across a chain of query plans. DynamoDB applies Limit before the filter, so the page is filled
   * with further requests (each limited to what is still missing) to keep the cursor exact.
   */
  private async page<T>(
    plans: readonly QueryPlan[],
    map: (item: Item) => T,
    request: PageRequest,
  ): Promise<Page<T>> {
    const limit = Math.min(Math.max(request.limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
    let cursor: Cursor | null = request.cursor ? decodeCursor(request.cursor, plans.length) : { p: 0 };
    const items: T[] = [];
    while (cursor && items.length < limit) {
      const plan = plans[cursor.p]!;
      const output = await this.documents.send(
        new QueryCommand({ ...this.queryInput(plan, cursor.k), Limit: limit - items.length }),
      );
      items.push(...((output.Items ?? []) as Item[]).map(map));
      const lastKey = output.LastEvaluatedKey as Item | undefined;
      if (lastKey) cursor = { p: cursor.p, k: lastKey };
      else cursor = cursor.p + 1 < plans.length ? { p: cursor.p + 1 } : null;
    }
    return { items, nextCursor: cursor ? encodeCursor(cursor) : null };
  }
}

function gsi1(value: string): QueryPlan['partition'] {
  return { name: FINDINGS_TABLE.byStatusIndex.partitionKey, value };
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decodeCursor(encoded: string, planCount: number): Cursor {
  let cursor: unknown;
  try {
    cursor = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidCursorError({ cause: error });
  }
  const candidate = cursor as Partial<Cursor> | null;
  const validPlan =
    typeof candidate?.p === 'number' &&
    Number.isInteger(candidate.p) &&
    candidate.p >= 0 &&
    candidate.p < planCount;
  // Every key attribute of this table is a string; anything else (a number DynamoDB cannot marshal, a
  // nested object) was not issued by this store.
  const validKey =
    candidate?.k === undefined ||
    (typeof candidate.k === 'object' &&
      candidate.k !== null &&
      !Array.isArray(candidate.k) &&
      Object.values(candidate.k).every((value) => typeof value === 'string'));
  if (!validPlan || !validKey) throw new InvalidCursorError();
  return candidate as Cursor;
}

function resourceTransition(
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

function toTargetChecks(row: TargetRow): TargetChecks {
  return { accountId: row.accountId, region: row.region, checks: row.checks };
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
