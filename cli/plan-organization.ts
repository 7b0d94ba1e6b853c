import type { ClientFactory } from '../shared/aws/clients.js';
import { observeScanOnlyRegions } from '../shared/aws/observe-scan-regions.js';
import { observeTarget, unobservedTarget } from '../shared/aws/observe-target.js';
import { mapConcurrently } from '../shared/controller/concurrently.js';
import { evaluateTarget } from '../shared/domain/evaluate/evaluate-target.js';
import type {
  ActionRecord,
  DesiredState,
  ObservedOrganization,
  ObservedTarget,
  ResourceFinding,
} from '../shared/domain/model.js';
import { GLOBAL_REGION } from '../shared/domain/model.js';
import { plan } from '../shared/domain/plan/index.js';
import { toActionRecord } from '../shared/domain/report.js';
import { accountsInScope } from '../shared/domain/scope.js';

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

/** Every account × Region in scope, read as a reconcile reads it: read calls only. */
export async function observeTargets(input: {
  readonly factory: ClientFactory;
  readonly desired: DesiredState;
  readonly org: ObservedOrganization;
  readonly now: Date;
}): Promise<{ accountIds: string[]; regions: string[]; observed: ObservedTarget[] }> {
  const { factory, desired, org, now } = input;
  const accountIds = accountsInScope(org.accounts, desired)
    .map((account) => account.id)
    .sort();
  const targets = accountIds.flatMap((accountId) => desired.regions.map((region) => ({ accountId, region })));
  const inPolicy = await mapConcurrently(targets, CONCURRENCY, (target) =>
    observeTarget(factory, desired, target, now),
  );
  // Each account's Regions outside the policy, with the effective policy its first policy Region read.
  const scanned = await mapConcurrently(accountIds, CONCURRENCY, async (accountId) => {
    const home = inPolicy.find((target) => target.accountId === accountId && target.reachability.ok);
    if (!home) return [];
    try {
      return await observeScanOnlyRegions(factory, desired, accountId, home.effectivePolicy);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return [
        unobservedTarget(
          { accountId, region: GLOBAL_REGION },
          { ok: false, reason: 'OBSERVATION_FAILED', message },
        ),
      ];
    }
  });
  const observed = [...inPolicy, ...scanned.flat()];
  const outside = [...new Set(observed.map((target) => target.region))].filter(
    (region) => region !== GLOBAL_REGION && !desired.regions.includes(region),
  );
  return { accountIds, regions: [...desired.regions, ...outside.sort()], observed };
}

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
  const { desired, org, now } = input;
  const { accountIds, regions, observed } = await observeTargets(input);
  // The whole run's plan, as one sweep would make it (blast radius included), in audit mode: nothing runs.
  const planned = plan(desired, org, observed, 'audit', now);
  const findings = observed.flatMap((target) =>
    evaluateTarget({
      desired,
      observed: target,
      org: { crossAccountBackupEnabled: org.crossAccountBackupEnabled },
      history: new Map(),
      now,
    }).findings.map((finding) => ({ ...finding, observedAt: now.toISOString() })),
  );
  const unobserved = observed.flatMap((target) =>
    target.reachability.ok ? [] : [`${target.accountId}/${target.region}: ${target.reachability.message}`],
  );
  return {
    at: now,
    organizationId: org.organizationId,
    accountIds,
    regions,
    actions: planned.actions.map((action) => toActionRecord(action, now)),
    findings,
    problems: [...planned.problems, ...unobserved],
  };
}
