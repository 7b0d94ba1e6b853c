import { applyActions } from '../aws/executor.js';
import { observeTarget } from '../aws/observe-target.js';
import { withAbsentFindings } from '../domain/evaluate/absent-resources.js';
import { evaluateTarget } from '../domain/evaluate/evaluate-target.js';
import { jobMemoryChanged } from '../domain/evaluate/job-memory.js';
import { centralVaultFor, centralVaultKeyHere } from '../domain/evaluate/target-facts.js';
import type {
  Action,
  ActionRecord,
  CentralCopies,
  FindingTransition,
  JobMemory,
  ObservedTarget,
  ResourceStatus,
} from '../domain/model.js';
import {
  actionsCountingAgainstBlastRadius,
  blastRadiusBlock,
  maxChangedAccounts,
} from '../domain/plan/blast-radius.js';
import { planTarget } from '../domain/plan/index.js';
import { toActionRecord } from '../domain/report.js';
import type { SharedEffectivePolicy } from '../store/shared-effective-policies.js';
import { countOutcomes } from './action-records.js';
import type { ControllerDeps } from './deps.js';
import { regionScanDue, scanRegionsOutsidePolicy } from './scan-regions.js';

/** One `{accountId, region}` item of a run's fan-out, with the org facts the sweep learned once. */
export interface TargetRequest {
  readonly runId: string;
  readonly accountId: string;
  readonly region: string;
  /** Accounts in scope this run: the base of the blast-radius percentage. */
  readonly totalAccounts: number;
  readonly crossAccountBackupEnabled: boolean | null;
}

export interface TargetOutcome {
  readonly accountId: string;
  readonly region: string;
  readonly reachable: boolean;
  readonly counts: Readonly<Partial<Record<ResourceStatus, number>>>;
  readonly actions: readonly ActionRecord[];
  readonly transitions: readonly FindingTransition[];
  readonly newActions: readonly ActionRecord[];
  readonly findingWrites: number;
}

/**
 * The `{accountId, region}` target: observe → plan → apply (enforce mode) → evaluate → store. When actions
 * were applied the target is observed again, so the verdicts describe the state the controller left behind.
 * The account's target in its first policy Region also scans the Regions outside the policy once a day
 * (scan-regions.ts), which are observed and evaluated but never changed.
 */
export async function reconcileTarget(deps: ControllerDeps, request: TargetRequest): Promise<TargetOutcome> {
  const { desired, factory, store, clock } = deps;
  const now = clock.now();
  const target = { accountId: request.accountId, region: request.region };
  const managed = desired.regions.includes(request.region);

  const sharedPolicy = await sharedEffectivePolicy(deps, request);
  // Jobs are read from the target's watermark; a missing memory reads the whole window.
  const jobMemory = await store.loadJobMemory(request.accountId, request.region);
  let observed = await observePatiently(deps, target, now, sharedPolicy, jobMemory);
  const planned = managed ? planTarget(desired, observed, now) : [];
  const limited = await limitBlastRadius(deps, planned, request);
  const actions = await applyActions(factory, limited, {
    mode: desired.mode,
    now,
    organizationId: desired.context.organizationId,
    sleep: deps.sleep,
  });
  if (actions.some((action) => action.applied)) {
    observed = await observePatiently(deps, target, now, sharedPolicy, jobMemory);
  }

  const stored = await store.loadTarget(request.accountId, request.region);
  const evaluation = evaluateTarget({
    desired,
    // The target's copies in the central vault: the org phase's reading, not a read of its own.
    observed: withCentralCopies(await withCentralVaultKey(deps, observed, now), stored.centralCopies),
    org: { crossAccountBackupEnabled: request.crossAccountBackupEnabled },
    history: stored.history,
    now,
  });
  const records = actions.map((action) => toActionRecord(action, now));
  const saved = await store.saveTargetResult(
    {
      ...target,
      findings: withAbsentFindings(evaluation.findings, stored.findings, observed, now),
      checks: evaluation.checks,
      actions: records,
      runId: request.runId,
      now,
    },
    stored,
  );
  if (observed.jobMemory && jobMemoryChanged(jobMemory, observed.jobMemory)) {
    await store.saveJobMemory(request.accountId, request.region, observed.jobMemory);
  }
  const scan = regionScanDue(
    desired,
    { region: request.region, previousObservedAt: stored.target?.observedAt },
    now,
  )
    ? await scanRegionsOutsidePolicy(deps, {
        runId: request.runId,
        home: observed,
        crossAccountBackupEnabled: request.crossAccountBackupEnabled,
        now,
      })
    : undefined;
  const counts = countByStatus(evaluation.findings.map((finding) => finding.status));
  const outcome = countOutcomes(actions);
  const errors = [...targetErrors(observed, actions), ...(scan?.errors ?? [])];
  // The run's status totals come from the store's target rows when it finishes; only news is added here.
  if (outcome.applied + outcome.blocked + errors.length > 0) {
    await store.recordRunProgress(request.runId, {
      now,
      actionsApplied: outcome.applied,
      actionsBlocked: outcome.blocked,
      errors,
    });
  }
  deps.metrics.count('ActionsApplied', outcome.applied);
  return {
    ...target,
    reachable: observed.reachability.ok,
    counts,
    actions: records,
    transitions: [...saved.transitions, ...(scan?.transitions ?? [])],
    newActions: saved.newActions,
    findingWrites: saved.findingWrites + (scan?.findingWrites ?? 0),
  };
}

/**
 * The target holding the central vault keeps its key's state in the store; every other target whose plans
 * copy there reads it, so a key scheduled for deletion warns every resource copied into that vault.
 */
async function withCentralVaultKey(
  { desired, store }: ControllerDeps,
  observed: ObservedTarget,
  now: Date,
): Promise<ObservedTarget> {
  if (!observed.reachability.ok || !desired.plans.some((plan) => plan.copyToCentralVault)) return observed;
  const here = centralVaultKeyHere(observed);
  if (here) {
    await store.centralVaultKey.save(observed.region, here, now);
    return observed;
  }
  const central = centralVaultFor(desired, observed.region);
  if (observed.centralVault || !central) return observed;
  return { ...observed, centralVaultKey: await store.centralVaultKey.load(central.region) };
}

/** The target's slice of the central vault, as the sweep's org phase read it (the store's copy). */
function withCentralCopies(observed: ObservedTarget, copies: CentralCopies | undefined): ObservedTarget {
  return copies ? { ...observed, centralCopies: copies } : observed;
}

/** Observations that failed on throttling are tried again this many times in all, after growing pauses. */
const OBSERVE_ATTEMPTS = 3;
const OBSERVE_PAUSE_MS = 5_000;

/**
 * Observes the target; when that failed on throttling (past the SDK's own retries), waits and observes
 * again, so a busy API makes the reconcile slower instead of turning every resource UNKNOWN.
 */
async function observePatiently(
  deps: ControllerDeps,
  target: { readonly accountId: string; readonly region: string },
  now: Date,
  sharedPolicy: SharedEffectivePolicy | null,
  jobMemory: JobMemory | null,
): Promise<ObservedTarget> {
  for (let attempt = 1; ; attempt++) {
    const observed = await observeTarget(deps.factory, deps.desired, target, now, sharedPolicy, jobMemory);
    const { reachability } = observed;
    if (reachability.ok || !reachability.transient || attempt >= OBSERVE_ATTEMPTS) return observed;
    deps.metrics.count('ObservationRetries', 1);
    await deps.sleep(OBSERVE_PAUSE_MS * 2 ** (attempt - 1));
  }
}

/**
 * The effective policy the run's org reconcile shared for the account's chain (share-effective-policies.ts);
 * null when it shared none for the account, or the store cannot say: the target then reads its own.
 */
async function sharedEffectivePolicy(
  deps: ControllerDeps,
  request: TargetRequest,
): Promise<SharedEffectivePolicy | null> {
  try {
    return await deps.store.sharedEffectivePolicy(request.runId, request.accountId);
  } catch (error) {
    deps.log.warn('Shared effective policy not read; the target reads its own', {
      runId: request.runId,
      accountId: request.accountId,
      error: String(error),
    });
    return null;
  }
}

/**
 * Asks the run's ledger (one conditional write) whether this account may join the accounts changed this run;
 * if not, its counting actions are blocked and reported. What counts is the domain's one rule. Audit runs
 * ask too (the ledger is the controller's own table, not the account), so `orgbackup plan` shows the same
 * blocks an enforce run would make.
 */
async function limitBlastRadius(
  deps: ControllerDeps,
  actions: readonly Action[],
  request: TargetRequest,
): Promise<Action[]> {
  const counting = actionsCountingAgainstBlastRadius(actions);
  if (counting.length === 0) return [...actions];
  const percent = deps.desired.blastRadius.maxAccountsChangedPercent;
  const limit = maxChangedAccounts(request.totalAccounts, percent);
  if (await deps.store.claimAccountChange(request.runId, request.accountId, limit)) return [...actions];
  const block = blastRadiusBlock({
    accountId: request.accountId,
    totalAccounts: request.totalAccounts,
    percent,
  });
  return actions.map((action) => (counting.includes(action) ? { ...action, blocked: block } : action));
}

function countByStatus(statuses: readonly ResourceStatus[]): Partial<Record<ResourceStatus, number>> {
  const counts: Partial<Record<ResourceStatus, number>> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

function targetErrors(observed: ObservedTarget, actions: readonly Action[]): string[] {
  const where = `${observed.accountId}/${observed.region}`;
  return [
    ...(observed.reachability.ok ? [] : [`${where}: ${observed.reachability.message}`]),
    ...actions.flatMap((action) =>
      action.error ? [`${where} ${action.spec.kind}: ${action.error.message}`] : [],
    ),
  ];
}
