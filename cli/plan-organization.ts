import type { ClientFactory } from '../shared/aws/clients.js';
import { observeTarget } from '../shared/aws/observe-target.js';
import { evaluateTarget } from '../shared/domain/evaluate/evaluate-target.js';
import type {
  ActionRecord,
  DesiredState,
  ObservedOrganization,
  ResourceFinding,
} from '../shared/domain/model.js';
import { planOrg, planTarget } from '../shared/domain/plan/index.js';
import { toActionRecord } from '../shared/domain/report.js';
import { accountsInScope, observedRegions } from '../shared/domain/scope.js';

/** What `orgbackup plan` prints, whichever way it was obtained (a simulated sweep or the real organization). */
export interface OrganizationPlan {
  readonly at: Date;
  readonly organizationId: string;
  /** Accounts in scope (active, not excluded), sorted. */
  readonly accountIds: readonly string[];
  readonly regions: readonly string[];
  /** Every planned action; none applied. */
  readonly actions: readonly ActionRecord[];
  /** Every tagged (or near-miss) resource's verdict. */
  readonly findings: readonly ResourceFinding[];
  /** Config targets that cannot be acted on, and targets that could not be observed. */
  readonly problems: readonly string[];
}

/** Targets observed at once: enough to hide latency, few enough not to trip per-account throttling. */
const CONCURRENCY = 8;

/**
 * The controller's audit run without the controller's writes: observe every account × Region, plan as a
 * reconcile would, and evaluate with no history (every resource as if seen for the first time). Only read
 * calls are made — there is no executor and no store here.
 */
export async function planOrganization(input: {
  readonly factory: ClientFactory;
  readonly desired: DesiredState;
  readonly org: ObservedOrganization;
  readonly now: Date;
}): Promise<OrganizationPlan> {
  const { factory, desired, org, now } = input;
  const orgPlan = planOrg(desired, org);
  const accountIds = accountsInScope(org.accounts, desired)
    .map((account) => account.id)
    .sort();
  const regions = observedRegions(desired);
  const targets = accountIds.flatMap((accountId) => regions.map((region) => ({ accountId, region })));

  const results = await mapConcurrently(targets, CONCURRENCY, async (target) => {
    const observed = await observeTarget(factory, desired, target, now);
    const actions = desired.regions.includes(target.region) ? planTarget(desired, observed, now) : [];
    const { findings } = evaluateTarget({
      desired,
      observed,
      org: { crossAccountBackupEnabled: org.crossAccountBackupEnabled },
      history: new Map(),
      now,
    });
    const problem = observed.reachability.ok
      ? []
      : [`${target.accountId}/${target.region}: ${observed.reachability.message}`];
    return { actions, findings, problem };
  });

  return {
    at: now,
    organizationId: org.organizationId,
    accountIds,
    regions,
    actions: [...orgPlan.actions, ...results.flatMap((result) => result.actions)].map((action) =>
      toActionRecord(action, now),
    ),
    findings: results.flatMap((result) => result.findings),
    problems: [...orgPlan.problems, ...results.flatMap((result) => result.problem)],
  };
}

/** `work` over `items` with at most `limit` in flight; results in input order. */
async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    for (let index = next++; index < items.length; index = next++) {
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
