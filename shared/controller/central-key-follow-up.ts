import { isPendingDeletion } from '../domain/evaluate/key-deletion.js';
import { centralVaultFor } from '../domain/evaluate/target-facts.js';
import type { CentralVaultKeyState, DesiredState, ReconcileTarget } from '../domain/model.js';
import { mapConcurrently } from './concurrently.js';
import type { ControllerDeps } from './deps.js';

type AccountTarget = Extract<ReconcileTarget, { kind: 'account-region' }>;

/** The Regions of the central vaults that targets of this batch hold, with their key as last stored. */
export type CentralKeysSeen = ReadonlyMap<string, CentralVaultKeyState | null>;

/** Member targets reconciled at once after the central vault's key changed: enough to hide call latency. */
const FOLLOW_UP_CONCURRENCY = 8;

/**
 * Time left to the invocation below which no further member target is started: a target reconciles in
 * seconds, and the run still has to store its progress and send its alerts.
 */
const FOLLOW_UP_RESERVE_MS = 60_000;

/** The central vault's Region when `target` is the account × Region holding it. */
function centralVaultRegionHeldBy(desired: DesiredState, target: AccountTarget): string | null {
  const central = centralVaultFor(desired, target.region);
  return central && central.accountId === target.accountId && central.region === target.region
    ? central.region
    : null;
}

/** Reads the stored key of every central vault whose holder this batch reconciles, before it does. */
export async function centralKeysBefore(
  { desired, store }: ControllerDeps,
  targets: readonly AccountTarget[],
): Promise<CentralKeysSeen> {
  if (!desired.plans.some((plan) => plan.copyToCentralVault)) return new Map();
  const regions = new Set(targets.flatMap((target) => centralVaultRegionHeldBy(desired, target) ?? []));
  const seen = new Map<string, CentralVaultKeyState | null>();
  for (const region of regions) seen.set(region, await store.centralVaultKey.load(region));
  return seen;
}

/**
 * Every in-scope account × policy Region whose copies go to a central vault in `changedRegions`: the
 * targets whose findings carry that vault's key warnings.
 */
export function targetsCopyingInto(
  desired: DesiredState,
  accountIds: readonly string[],
  changedRegions: ReadonlySet<string>,
): AccountTarget[] {
  const regions = desired.regions.filter((region) => {
    const central = centralVaultFor(desired, region);
    return central !== undefined && changedRegions.has(central.region);
  });
  return accountIds.flatMap((accountId) =>
    regions.map((region) => ({ kind: 'account-region' as const, accountId, region })),
  );
}

/**
 * What the key means for the findings copied into its vault: nothing unless it is scheduled for deletion,
 * then which key and when. A first observation or a replaced key that is not pending deletion warns nobody.
 */
function warningState(key: CentralVaultKeyState | null): string {
  if (!key || !isPendingDeletion(key)) return 'none';
  return `${key.arn} ${key.deletionDate?.toISOString() ?? ''}`;
}

/**
 * After the batch reconciled the targets holding central vaults: the Regions whose vault key changed in a
 * way the copying findings' warnings follow (scheduled for deletion, the deletion cancelled).
 */
export async function centralKeysChanged(
  { store }: ControllerDeps,
  before: CentralKeysSeen,
): Promise<Set<string>> {
  const changed = new Set<string>();
  for (const [region, known] of before) {
    const stored = await store.centralVaultKey.load(region);
    if (warningState(known) !== warningState(stored)) changed.add(region);
  }
  return changed;
}

/**
 * Reconciles the member targets a central vault key change concerns, a few at once, while the invocation
 * has time left. Those it does not reach (a large organization) are left to the next sweep, and counted.
 * A follow-up that fails is logged, not handed back with the event: the event itself took effect.
 */
export async function reconcileFollowUps(
  deps: Pick<ControllerDeps, 'log' | 'metrics'>,
  targets: readonly AccountTarget[],
  reconcile: (target: AccountTarget) => Promise<void>,
  remainingMs: () => number | undefined,
): Promise<{ readonly reconciled: number; readonly deferred: number }> {
  let deferred = 0;
  let reconciled = 0;
  await mapConcurrently(targets, FOLLOW_UP_CONCURRENCY, async (target) => {
    const left = remainingMs();
    if (left !== undefined && left < FOLLOW_UP_RESERVE_MS) {
      deferred += 1;
      return;
    }
    try {
      await reconcile(target);
      reconciled += 1;
    } catch (error) {
      deferred += 1;
      deps.log.warn('Target not reconciled after the central vault key changed; the sweep will', {
        target: `${target.accountId}/${target.region}`,
        error: String(error),
      });
    }
  });
  if (deferred > 0) {
    deps.metrics.count('CentralKeyFollowUpsDeferred', deferred);
    deps.log.warn('Central vault key changed; some targets are left to the next sweep', { deferred });
  }
  return { reconciled, deferred };
}
