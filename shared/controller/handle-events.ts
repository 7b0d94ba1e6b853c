import { listAccounts, readCrossAccountBackup } from '../aws/observe-org.js';
import { applyResourceUpdate } from '../domain/events/apply-update.js';
import { parseEvent } from '../domain/events/parse.js';
import { type EventEffect, routeEvent } from '../domain/events/route.js';
import type { FindingTransition, ReconcileTarget } from '../domain/model.js';
import type { ControllerDeps } from './deps.js';
import { finishRun } from './notify-run.js';
import { reconcileOrg } from './reconcile-org.js';
import { reconcileTarget } from './reconcile-target.js';

export interface EventOutcome {
  readonly eventId: string | null;
  readonly kind: string;
  readonly targets: readonly ReconcileTarget[];
  /** Set when the event changed one resource's finding at once (e.g. a failed job → FAILING). */
  readonly transition: FindingTransition | null;
  readonly ignoredBecause: string | null;
}

/**
 * One event from the central bus: parse, route, and apply the immediate single-resource update (a failed
 * job makes its resource FAILING now, a new tag makes it PENDING with its expected-by time). The targets it
 * names are reconciled afterwards, once per batch. Unknown and malformed events are counted, never thrown.
 */
export async function interpretEvent(deps: ControllerDeps, raw: unknown): Promise<EventOutcome> {
  const { desired, store, clock, log, metrics } = deps;
  const parsed = parseEvent(raw);
  const effect: EventEffect = routeEvent(parsed, {
    managementAccountId: desired.context.managementAccountId,
    regions: desired.regions,
    selection: desired.selection,
    excludeAccounts: desired.excludeAccounts,
  });
  const eventId = parsed.id ?? null;
  metrics.count('EventsProcessed', 1, { Kind: parsed.kind });
  if (effect.ignoredBecause) {
    log.info('Event ignored', { eventId, kind: parsed.kind, why: effect.ignoredBecause });
    return { eventId, kind: parsed.kind, targets: [], transition: null, ignoredBecause: effect.ignoredBecause };
  }
  let transition: FindingTransition | null = null;
  const update = effect.resourceUpdate;
  if (update) {
    const now = clock.now();
    const previous = await store.getFinding(update.accountId, update.region, update.arn);
    const next = applyResourceUpdate(previous, update, {
      selection: desired.selection,
      // The policy the controller enforces; the next reconcile re-reads the effective policy itself.
      effectiveRules: desired.regions.includes(update.region) ? desired.plans : [],
      now,
    });
    if (next) transition = await store.putFinding(next, now);
  }
  return { eventId, kind: parsed.kind, targets: effect.targets, transition, ignoredBecause: null };
}

/**
 * Reconciles the distinct targets a batch of events named, as one run with trigger `event`, and sends its
 * grouped alerts (including the immediate transitions the events caused).
 */
export async function reconcileEventTargets(
  deps: ControllerDeps,
  outcomes: readonly EventOutcome[],
): Promise<{ runId: string | null; targets: number }> {
  const targets = distinctTargets(outcomes.flatMap((outcome) => outcome.targets));
  const immediate = outcomes.flatMap((outcome) => (outcome.transition ? [outcome.transition] : []));
  if (targets.length === 0 && immediate.length === 0) return { runId: null, targets: 0 };

  const now = deps.clock.now();
  const runId = `event-${now.toISOString()}-${outcomes.find((o) => o.eventId)?.eventId ?? 'batch'}`;
  await deps.store.startRun({ runId, trigger: 'event', targets: targets.length, now });

  const excluded = new Set(deps.desired.excludeAccounts);
  let crossAccountBackupEnabled: boolean | null = null;
  if (targets.some((target) => target.kind === 'org')) {
    crossAccountBackupEnabled = (await reconcileOrg(deps, runId)).crossAccountBackupEnabled;
  } else if (targets.length > 0) {
    crossAccountBackupEnabled = await readCrossAccountBackup(deps.factory);
  }
  const accountTargets = targets.filter((target) => target.kind === 'account-region');
  const totalAccounts =
    accountTargets.length === 0
      ? 0
      : (await listAccounts(deps.factory)).filter((a) => a.state === 'ACTIVE' && !excluded.has(a.id)).length;
  for (const target of accountTargets) {
    await reconcileTarget(deps, {
      runId,
      accountId: target.accountId,
      region: target.region,
      totalAccounts,
      crossAccountBackupEnabled,
    });
  }
  // The immediate transitions were stored when the events arrived; they join this run's alerts.
  await finishRun(deps, runId, immediate);
  return { runId, targets: targets.length };
}

function distinctTargets(targets: readonly ReconcileTarget[]): ReconcileTarget[] {
  const seen = new Map<string, ReconcileTarget>();
  for (const target of targets) {
    const key = target.kind === 'org' ? 'org' : `${target.accountId}/${target.region}`;
    if (!seen.has(key)) seen.set(key, target);
  }
  // The org first: a re-attached policy changes what the account targets observe.
  return [...seen.values()].sort((a, b) => Number(a.kind !== 'org') - Number(b.kind !== 'org'));
}
