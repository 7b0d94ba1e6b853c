import type { ReconcileTarget } from '../domain/model.js';
import { GLOBAL_REGION } from '../domain/model.js';
import { accountsInScope } from '../domain/scope.js';
import type { RunTrigger } from '../store/types.js';
import type { ControllerDeps } from './deps.js';

export interface SweepPlan {
  readonly runId: string;
  readonly startedAt: string;
  /** Accounts in scope (active, not excluded): the base of the blast-radius percentage. */
  readonly totalAccounts: number;
  /** Every account × Region; the org target is reconciled before them, separately. */
  readonly targets: readonly Extract<ReconcileTarget, { kind: 'account-region' }>[];
}

/** Hands the account × Region targets to the fan-out; returns where they were put (an S3 key in Lambda). */
export type TargetsPublisher = (plan: SweepPlan) => Promise<string>;

/**
 * Starts a run: lists the organization's accounts once (paginated) and emits the targets for the fan-out:
 * each account in each policy Region. Regions outside the policy are scanned by the account's target in the
 * first policy Region (see reconcile-target.ts), so they add no items to the fan-out.
 */
export async function startSweep(deps: ControllerDeps, trigger: RunTrigger): Promise<SweepPlan> {
  const { desired, store, clock } = deps;
  const now = clock.now();
  // Always a fresh read; when it fails after the SDK's retries, the last known accounts keep the run going.
  const { facts, staleBecause } = await deps.orgFacts.read(deps.factory, 0);
  if (staleBecause) {
    deps.log.warn('Accounts not listed; the run uses the last known list', { staleBecause });
    deps.metrics.count('OrgReadFailures', 1);
  }
  const accounts = accountsInScope(facts.accounts, desired);
  if (facts.outsideAttachTo > 0) {
    // The policy and the member baseline reach only what attachTo names; the rest are not targets.
    deps.log.info('Accounts outside attachTo are not reconciled', { accounts: facts.outsideAttachTo });
  }
  const targets = accounts.flatMap((account) =>
    desired.regions.map((region) => ({ kind: 'account-region' as const, accountId: account.id, region })),
  );
  const runId = `${trigger}-${now.toISOString()}`;
  await store.startRun({ runId, trigger, targets: targets.length + 1, now });
  // What the sweep no longer reconciles leaves the report; the GONE transitions are this run's history.
  // Only on a fresh account list: a stale (or empty) one must not retire accounts that are still there.
  // The org target's organization-wide checks sit on the management account's `global` entry.
  const orgEntry = { accountId: desired.context.managementAccountId, region: GLOBAL_REGION };
  // Regions outside the policy belong to each account's own daily scan, which rewrites or retires them.
  const scanned =
    desired.scanRegions?.length === 0
      ? undefined
      : { accounts: new Set(accounts.map((account) => account.id)), policyRegions: desired.regions };
  const retired = staleBecause
    ? []
    : await store.retireTargetsOutside([...targets, orgEntry], { runId, now }, scanned);
  deps.log.info('Sweep started', {
    runId,
    accounts: accounts.length,
    targets: targets.length,
    retired: retired.length,
  });
  return { runId, startedAt: now.toISOString(), totalAccounts: accounts.length, targets };
}
