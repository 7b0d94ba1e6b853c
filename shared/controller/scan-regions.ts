import { observeScanOnlyRegions } from '../aws/observe-scan-regions.js';
import { evaluateTarget } from '../domain/evaluate/evaluate-target.js';
import type { FindingTransition, ObservedTarget } from '../domain/model.js';
import { GLOBAL_REGION } from '../domain/model.js';
import { isScanningTarget } from '../domain/scope.js';
import type { ControllerDeps } from './deps.js';

export interface RegionScanOutcome {
  readonly transitions: readonly FindingTransition[];
  readonly findingWrites: number;
  readonly errors: readonly string[];
}

const NOTHING_SCANNED: RegionScanOutcome = { transitions: [], findingWrites: 0, errors: [] };

/**
 * Whether this reconcile scans the account's Regions outside the policy: the account's target in its first
 * policy Region does it on its first reconcile of each UTC day (the previous save of that target was on an
 * earlier day, or there was none). Tagged resources outside the policy are a slow-moving fact, so a daily
 * scan keeps its cost (ListRegions plus two Tagging calls per Region) at a few calls per account per day.
 */
export function regionScanDue(
  desired: ControllerDeps['desired'],
  target: { readonly region: string; readonly previousObservedAt: string | null | undefined },
  now: Date,
): boolean {
  if (!isScanningTarget(desired, target.region)) return false;
  return (
    !target.previousObservedAt || target.previousObservedAt.slice(0, 10) !== now.toISOString().slice(0, 10)
  );
}

/**
 * Scans the account's Regions outside the policy and stores each that holds tagged resources, or is closed by
 * an SCP, as its own account × Region (findings with REGION_NOT_IN_POLICY, the REGION_SCAN check); stored
 * Regions that no longer do are retired, so 5,000 accounts with empty Regions add no rows. The account's
 * effective policy comes from its policy Region's observation, read once.
 */
export async function scanRegionsOutsidePolicy(
  deps: ControllerDeps,
  context: {
    readonly runId: string;
    readonly home: ObservedTarget;
    readonly crossAccountBackupEnabled: boolean | null;
    readonly now: Date;
  },
): Promise<RegionScanOutcome> {
  const { desired, store } = deps;
  const { runId, home, now } = context;
  const { accountId } = home;
  if (!home.reachability.ok) return NOTHING_SCANNED;
  let scanned: ObservedTarget[];
  try {
    scanned = await observeScanOnlyRegions(deps.factory, desired, accountId, home.effectivePolicy);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...NOTHING_SCANNED,
      errors: [`${accountId}: Regions outside the policy not scanned: ${message}`],
    };
  }
  const transitions: FindingTransition[] = [];
  let findingWrites = 0;
  const kept = new Set<string>();
  for (const observed of scanned) {
    const stored = await store.loadTarget(accountId, observed.region);
    // Only Regions with something to say are stored: tagged resources, a denial, or a failed read of a
    // Region that had findings. An empty Region is no target of its own (and is retired below if it was).
    const worthStoring = observed.reachability.ok
      ? observed.resources.length > 0 || observed.regionScanDenied !== undefined
      : stored.target !== null;
    if (!worthStoring) continue;
    kept.add(observed.region);
    const evaluation = evaluateTarget({
      desired,
      observed,
      org: { crossAccountBackupEnabled: context.crossAccountBackupEnabled },
      history: stored.history,
      now,
    });
    const saved = await store.saveTargetResult(
      {
        accountId,
        region: observed.region,
        findings: evaluation.findings,
        checks: evaluation.checks,
        actions: [],
        runId,
        now,
      },
      stored,
    );
    transitions.push(...saved.transitions);
    findingWrites += saved.findingWrites;
  }
  const dropped = (await store.storedRegionsOf(accountId)).filter(
    (region) => region !== GLOBAL_REGION && !desired.regions.includes(region) && !kept.has(region),
  );
  for (const region of dropped)
    transitions.push(...(await store.retireTarget(accountId, region, { runId, now })));
  const errors = scanned.flatMap((observed) =>
    observed.reachability.ok ? [] : [`${accountId}/${observed.region}: ${observed.reachability.message}`],
  );
  return { transitions, findingWrites, errors };
}
