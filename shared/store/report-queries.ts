import {
  type AccountStatusSummary,
  type FindingTransition,
  type OrganizationSummary,
  RESOURCE_STATUSES,
  type ReasonCode,
  type ReasonCount,
  type ResourceFinding,
  type ResourceStatus,
  type TargetChecks,
} from '../domain/model.js';
import { coveragePercent, waivedSummary } from '../domain/report.js';
import {
  findingFromItem,
  outstandingActionFromItem,
  reasonCountsFromItem,
  reasonCountsItem,
  summaryFromItems,
  summaryItems,
  type TargetRow,
  targetCountsFromItem,
  targetObservedAtFromItem,
  targetRowFromItem,
  transitionFromItem,
  zeroCounts,
} from './codecs.js';
import { ENTITY, keys } from './keys.js';
import { on, type QueryFilter, type QueryPlan, type TableAccess } from './table-access.js';
import type { AccountView, FindingQuery, Page, PageRequest, TargetView } from './types.js';

/** The report's reads: findings, checks, account views, the summary and transitions, each on a key. */
export class ReportQueries {
  constructor(private readonly table: TableAccess) {}

  /**
   * Findings by any combination of account, Region, status (key conditions on the table or an index),
   * resource type, reason and warning (filters). Without account, Region or status, the status partitions are walked in turn.
   */
  async listFindings(query: FindingQuery = {}): Promise<Page<ResourceFinding>> {
    const { accountId, region, status, resourceType, reason, warning } = query;
    const filters: QueryFilter[] = [
      { name: 'entity', value: ENTITY.finding },
      ...(resourceType ? [{ name: 'resourceType', value: resourceType }] : []),
      ...(reason ? [{ name: 'reasons', value: reason, op: 'contains' as const }] : []),
      ...(warning ? [{ name: 'warnings', value: warning, op: 'contains' as const }] : []),
    ];
    const byStatus = (value: ResourceStatus): QueryPlan => ({
      ...on.collections(
        keys.statusPartition(value),
        accountId ? keys.findingInStatusPrefix(accountId, region) : undefined,
      ),
      filters,
    });
    let plans: QueryPlan[];
    if (accountId && !status) {
      plans = [
        {
          ...on.table(keys.accountPartition(accountId), region ? keys.findingPrefix(region) : undefined),
          filters,
        },
      ];
    } else if (region && !accountId) {
      plans = [{ ...on.byRegion(keys.regionPartition(region), keys.regionFindingPrefix(status)), filters }];
    } else if (status) {
      plans = [byStatus(status)];
    } else {
      // PROTECTED findings carry no reasons, so a reason filter need not walk their partition.
      plans = RESOURCE_STATUSES.filter((candidate) => !reason || candidate !== 'PROTECTED').map(byStatus);
    }
    const page = await this.table.page(plans, findingFromItem, query);
    return { items: await this.withObservedAt(page.items), nextCursor: page.nextCursor };
  }

  /** Each finding gets the time its account × Region was last observed, from the target rows. */
  private async withObservedAt(findings: readonly ResourceFinding[]): Promise<ResourceFinding[]> {
    const targets = new Map(findings.map((f) => [`${f.accountId}#${f.region}`, f]));
    const rows = (
      await this.table.batchGet(
        [...targets.values()].map((f) => ({
          PK: keys.accountPartition(f.accountId),
          SK: keys.targetRow(f.region),
        })),
        // Not the target row's checks nor each of its resources' statuses: they can be most of a row.
        ['entity', 'accountId', 'region', 'observedAt'],
      )
    ).map(targetObservedAtFromItem);
    const observedAt = new Map(rows.map((row) => [`${row.accountId}#${row.region}`, row.observedAt]));
    return findings.map((f) => ({ ...f, observedAt: observedAt.get(`${f.accountId}#${f.region}`) ?? null }));
  }

  /** Checks per account × Region: of one account, of one Region, or all. */
  listChecks(
    query: PageRequest & { readonly accountId?: string; readonly region?: string } = {},
  ): Promise<Page<TargetChecks>> {
    const { accountId, region } = query;
    let plan: QueryPlan;
    if (accountId) {
      plan = {
        ...on.table(keys.accountPartition(accountId), region ? keys.targetRow(region) : undefined),
        filters: [{ name: 'entity', value: ENTITY.target }],
      };
    } else if (region) {
      plan = on.byRegion(keys.regionPartition(region), keys.targetInRegionPrefix);
    } else {
      plan = on.collections(keys.targetsPartition);
    }
    return this.table.page([plan], (item) => toTargetChecks(targetRowFromItem(item)), query);
  }

  /** Everything current about one account: findings and checks of all its Regions, outstanding actions. */
  async getAccountView(accountId: string): Promise<AccountView> {
    const items = await this.table.queryAll(on.table(keys.accountPartition(accountId)));
    const view: AccountView = { accountId, findings: [], targets: [], outstandingActions: [] };
    const observedAt = new Map<string, string | null>();
    for (const item of items) {
      if (item.entity === ENTITY.finding) view.findings.push(findingFromItem(item));
      else if (item.entity === ENTITY.target) {
        const row = targetRowFromItem(item);
        observedAt.set(row.region, row.observedAt);
        view.targets.push(toTargetChecks(row));
      } else if (item.entity === ENTITY.outstandingAction) {
        view.outstandingActions.push(outstandingActionFromItem(item));
      }
    }
    view.findings = view.findings.map((f) => ({ ...f, observedAt: observedAt.get(f.region) ?? null }));
    return view;
  }

  /**
   * Counts by status per account and in total, from the counts every save keeps on the target row: one
   * Query per shard of the counts index, side by side, reading only the counts (not each resource's status
   * nor the checks), however many findings there are.
   */
  async summary(): Promise<OrganizationSummary> {
    const shards = await Promise.all(
      keys.countsPartitions.map((partition) => this.table.queryAll(on.counts(partition))),
    );
    const rows = shards.flat().map(targetCountsFromItem);
    const accounts = new Map<string, { resources: number; byStatus: Record<ResourceStatus, number> }>();
    const total = zeroCounts();
    const waived = zeroCounts();
    const reasons = new Map<ReasonCode, number>();
    for (const row of rows) {
      for (const [reason, count] of Object.entries(row.byReason ?? {}) as [ReasonCode, number][]) {
        reasons.set(reason, (reasons.get(reason) ?? 0) + count);
      }
      const account = accounts.get(row.accountId) ?? { resources: 0, byStatus: zeroCounts() };
      account.resources += row.resources;
      for (const status of RESOURCE_STATUSES) {
        account.byStatus[status] += row.byStatus[status];
        total[status] += row.byStatus[status];
        waived[status] += row.waivedByStatus[status];
      }
      accounts.set(row.accountId, account);
    }
    const resources = RESOURCE_STATUSES.reduce((sum, status) => sum + total[status], 0);
    const waivedApart = waivedSummary(total, resources, waived);
    const perAccount: AccountStatusSummary[] = [...accounts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([accountId, account]) => ({ accountId, ...account }));
    return {
      total: {
        accounts: accounts.size,
        resources,
        byStatus: total,
        coveragePercent: coveragePercent(total, resources),
        ...(waivedApart ? { waived: waivedApart } : {}),
      },
      accounts: perAccount,
      ...(rows.every((row) => row.byReason !== null) ? { reasons: rankedReasons(reasons) } : {}),
    };
  }

  /**
   * Keeps `summary` (computed when a run ends) as the summary the report serves until the next run ends:
   * one Query instead of adding up every target's counts. Parts are written last-first so a reader never
   * mixes two.
   */
  async saveSummary(summary: OrganizationSummary, computedAt: Date): Promise<void> {
    const items = summaryItems(summary, computedAt.toISOString());
    const [first, ...rest] = items;
    await this.table.batchWrite(rest.map((item) => ({ PutRequest: { Item: item } })));
    if (first) await this.table.put(first);
    if (summary.reasons) await this.table.put(reasonCountsItem(summary.reasons, computedAt.toISOString()));
  }

  /** The reason counts as of the end of the last run (one small item), or null when none were kept. */
  async latestReasons(): Promise<ReasonCount[] | null> {
    const item = await this.table.get(keys.summaryPartition, keys.summaryReasons);
    return item ? reasonCountsFromItem(item) : null;
  }

  /** The summary as of the end of the last run, or null when none was kept (or one is being replaced). */
  async latestSummary(): Promise<OrganizationSummary | null> {
    return summaryFromItems(
      await this.table.queryAll(on.table(keys.summaryPartition, keys.summaryPartPrefix)),
    );
  }

  /** Every account × Region with its counts by status, its checks and when it was observed (TARGETS). */
  listTargets(request: PageRequest = {}): Promise<Page<TargetView>> {
    return this.table.page(
      [on.collections(keys.targetsPartition)],
      (item) => {
        const { statuses: _statuses, version: _version, ...view } = targetRowFromItem(item);
        return view;
      },
      request,
    );
  }

  /**
   * How many current findings carry each reason code, most first (ties by code). Reads only the reasons of
   * findings that are not PROTECTED (PROTECTED ones carry none), one status partition at a time.
   */
  async countReasons(): Promise<ReasonCount[]> {
    const counts = new Map<ReasonCode, number>();
    for (const status of RESOURCE_STATUSES) {
      if (status === 'PROTECTED') continue;
      const items = await this.table.queryAll(on.collections(keys.statusPartition(status)), ['reasons']);
      for (const item of items) {
        for (const reason of (item.reasons as ReasonCode[] | undefined) ?? []) {
          counts.set(reason, (counts.get(reason) ?? 0) + 1);
        }
      }
    }
    return rankedReasons(counts);
  }

  /** The status changes of one resource, newest first (within the history kept, see `historyTtlDays`). */
  listResourceTransitions(
    query: PageRequest & { readonly accountId: string; readonly region: string; readonly arn: string },
  ): Promise<Page<FindingTransition>> {
    const plan: QueryPlan = {
      ...on.table(keys.historyPartition(query.accountId)),
      filters: [
        { name: 'region', value: query.region },
        { name: 'subject.arn', value: query.arn },
      ],
      newestFirst: true,
    };
    return this.table.page([plan], transitionFromItem, query);
  }

  /** Transitions of one account (newest first) or of one UTC day across the organization (oldest first). */
  listTransitions(
    query: PageRequest & ({ readonly accountId: string } | { readonly day: string }),
  ): Promise<Page<FindingTransition>> {
    const plan: QueryPlan =
      'accountId' in query
        ? { ...on.table(keys.historyPartition(query.accountId)), newestFirst: true }
        : on.collections(keys.transitionsOfDay(query.day));
    return this.table.page([plan], transitionFromItem, query);
  }
}

/** Most findings first; ties by code. */
function rankedReasons(counts: ReadonlyMap<ReasonCode, number>): ReasonCount[] {
  return [...counts]
    .filter(([, resources]) => resources > 0)
    .map(([reason, resources]) => ({ reason, resources }))
    .sort((a, b) => b.resources - a.resources || a.reason.localeCompare(b.reason));
}

function toTargetChecks(row: TargetRow): TargetChecks {
  return { accountId: row.accountId, region: row.region, checks: row.checks, observedAt: row.observedAt };
}
