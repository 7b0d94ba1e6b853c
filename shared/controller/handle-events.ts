import { applyResourceUpdate } from '../domain/events/apply-update.js';
import { parseEvent } from '../domain/events/parse.js';
import { type EventEffect, routeEvent } from '../domain/events/route.js';
import type { FindingTransition, ReconcileTarget } from '../domain/model.js';
import { accountsInScope } from '../domain/scope.js';
import { lazyImport } from '../lazy-import.js';
import {
  centralKeysBefore,
  centralKeysChanged,
  reconcileFollowUps,
  targetsCopyingInto,
} from './central-key-follow-up.js';
import type { ControllerDeps } from './deps.js';
import { finishRun } from './notify-run.js';
import type { OrgFactsRead } from './org-facts.js';

const orgReconcile = lazyImport(() => import('./reconcile-org.js'));
const targetReconcile = lazyImport(() => import('./reconcile-target.js'));

export interface EventOutcome {
  readonly eventId: string | null;
  readonly kind: string;
  readonly targets: readonly ReconcileTarget[];
  /** Set when the event changed one resource's finding at once (e.g. a failed job → FAILING). */
  readonly transition: FindingTransition | null;
  readonly ignoredBecause: string | null;
}

/** An event parsed and routed: pure, no I/O, so ignored events cost nothing further. */
export interface ClassifiedEvent {
  readonly eventId: string | null;
  readonly kind: string;
  readonly effect: EventEffect;
}

/**
 * Parses and routes one event from the central bus. Unknown and malformed events are logged and counted
 * here and never thrown; the caller skips everything else for them (`effect.ignoredBecause`).
 */
export function classifyEvent(deps: ControllerDeps, raw: unknown): ClassifiedEvent {
  const { desired, log, metrics } = deps;
  const parsed = parseEvent(raw);
  const effect = routeEvent(parsed, {
    managementAccountId: desired.context.managementAccountId,
    regions: desired.regions,
    selection: desired.selection,
    excludeAccounts: desired.excludeAccounts,
    policyVaultName: desired.vault.name,
    centralVault: desired.centralVault
      ? { accountId: desired.centralVault.accountId, name: desired.centralVault.name }
      : null,
  });
  const eventId = parsed.id ?? null;
  metrics.count('EventsProcessed', 1, { Kind: parsed.kind });
  if (effect.rejected) {
    metrics.count('EventsRejected', 1, { Kind: parsed.kind });
    log.warn('Event rejected', { eventId, kind: parsed.kind, why: effect.ignoredBecause });
  } else if (effect.ignoredBecause) {
    log.debug('Event ignored', { eventId, kind: parsed.kind, why: effect.ignoredBecause });
  }
  return { eventId, kind: parsed.kind, effect };
}

/**
 * Applies a routed event's immediate single-resource update (a failed job makes its resource FAILING now,
 * a new tag makes it PENDING with its expected-by time) and hands back the targets to reconcile afterwards,
 * once per batch.
 */
export async function applyEvent(deps: ControllerDeps, event: ClassifiedEvent): Promise<EventOutcome> {
  const { desired, store, clock } = deps;
  let transition: FindingTransition | null = null;
  const update = event.effect.resourceUpdate;
  if (update) {
    const now = clock.now();
    const previous = await store.getFinding(update.accountId, update.region, update.arn);
    const next = applyResourceUpdate(previous, update, {
      selection: desired.selection,
      // The policy the controller enforces; the next reconcile re-reads the effective policy itself.
      effectiveRules: desired.regions.includes(update.region) ? desired.plans : [],
      copyRequired: desired.centralVault !== undefined,
      now,
    });
    if (next) transition = await store.putFinding(next, now);
  }
  return {
    eventId: event.eventId,
    kind: event.kind,
    targets: event.effect.targets,
    transition,
    ignoredBecause: event.effect.ignoredBecause,
  };
}

/** Org facts younger than this are reused by event batches instead of listing the organization again. */
const EVENT_ORG_FACTS_MAX_AGE_MS = 15 * 60 * 1000;

/**
 * Reconciles the distinct targets a batch of events named, as one run with trigger `event`, and sends its
 * grouped alerts (including the immediate transitions the events caused). Each target stands alone: one
 * that fails (throttled past its retries, a store error) is returned in `failedTargets` so the events that
 * named it are handed back by SQS, and the others still take effect. When reconciling the target holding
 * the central vault changed the stored state of that vault's key (scheduled for deletion, cancelled), the
 * targets whose copies go there are reconciled too, as far as `remainingMs` allows: their findings carry
 * that key's warnings, and they cannot observe another account's key themselves.
 */
export async function reconcileEventTargets(
  deps: ControllerDeps,
  outcomes: readonly EventOutcome[],
  remainingMs: () => number | undefined = () => undefined,
): Promise<{ runId: string | null; targets: number; failedTargets: ReadonlySet<string> }> {
  const targets = distinctTargets(outcomes.flatMap((outcome) => outcome.targets));
  const immediate = outcomes.flatMap((outcome) => (outcome.transition ? [outcome.transition] : []));
  const failedTargets = new Set<string>();
  if (targets.length === 0 && immediate.length === 0) return { runId: null, targets: 0, failedTargets };

  const now = deps.clock.now();
  const runId = `event-${now.toISOString()}-${outcomes.find((o) => o.eventId)?.eventId ?? 'batch'}`;
  const failAll = (error: unknown) => {
    deps.log.error('Event run failed', { runId, error: String(error) });
    for (const target of targets) failedTargets.add(targetKey(target));
    return { runId, targets: targets.length, failedTargets };
  };
  try {
    await deps.store.startRun({ runId, trigger: 'event', targets: targets.length, now });
  } catch (error) {
    return failAll(error);
  }

  let crossAccountBackupEnabled: boolean | null = null;
  if (targets.some((target) => target.kind === 'org')) {
    // The org target is reconciled by few events; its observers load only when one does.
    const { reconcileOrg } = await orgReconcile();
    const org = await reconcileOrg(deps, runId);
    if (org.failed) failedTargets.add('org');
    crossAccountBackupEnabled = org.crossAccountBackupEnabled;
  }
  const accountTargets = targets.filter((target) => target.kind === 'account-region');
  if (accountTargets.length > 0) {
    // Most batches are finished jobs and recovery points, applied to their findings above without a
    // reconcile; the observers, planner and executor load with the first batch that needs a target reconciled.
    const { reconcileTarget } = await targetReconcile();
    let facts: OrgFactsRead;
    try {
      facts = await deps.orgFacts.read(deps.factory, EVENT_ORG_FACTS_MAX_AGE_MS);
    } catch (error) {
      return failAll(error);
    }
    crossAccountBackupEnabled ??= facts.facts.crossAccountBackupEnabled;
    const accounts = accountsInScope(facts.facts.accounts, deps.desired);
    const request = { runId, totalAccounts: accounts.length, crossAccountBackupEnabled };
    let keysBefore: Awaited<ReturnType<typeof centralKeysBefore>>;
    try {
      keysBefore = await centralKeysBefore(deps, accountTargets);
    } catch (error) {
      return failAll(error);
    }
    for (const target of accountTargets) {
      try {
        await reconcileTarget(deps, { ...request, accountId: target.accountId, region: target.region });
      } catch (error) {
        deps.log.warn('Event target not reconciled; its events will be handed back', {
          runId,
          target: targetKey(target),
          error: String(error),
        });
        deps.metrics.count('EventTargetsFailed', 1);
        failedTargets.add(targetKey(target));
      }
    }
    const changed = await centralKeysChanged(deps, keysBefore).catch((error: unknown) => {
      deps.log.warn('Central vault key not read again; the sweep reconciles its copying targets', {
        runId,
        error: String(error),
      });
      return new Set<string>();
    });
    if (changed.size > 0) {
      const done = new Set(accountTargets.map(targetKey));
      const followUps = targetsCopyingInto(
        deps.desired,
        accounts.map((account) => account.id),
        changed,
      ).filter((target) => !done.has(targetKey(target)));
      await reconcileFollowUps(
        deps,
        followUps,
        async (target) => {
          await reconcileTarget(deps, { ...request, accountId: target.accountId, region: target.region });
        },
        remainingMs,
      );
    }
  }
  // The immediate transitions were stored when the events arrived; they join this run's alerts. What was
  // reconciled is durable by now, so a failure to alert is logged rather than undoing the batch.
  try {
    await finishRun(deps, runId, immediate, [], { summarize: false });
  } catch (error) {
    deps.log.error('Event run alerts not sent', { runId, error: String(error) });
    deps.metrics.count('NotifyFailures', 1);
  }
  return { runId, targets: targets.length, failedTargets };
}

export function targetKey(target: ReconcileTarget): string {
  return target.kind === 'org' ? 'org' : `${target.accountId}/${target.region}`;
}

function distinctTargets(targets: readonly ReconcileTarget[]): ReconcileTarget[] {
  const seen = new Map<string, ReconcileTarget>();
  for (const target of targets) {
    const key = targetKey(target);
    if (!seen.has(key)) seen.set(key, target);
  }
  // The org first: a re-attached policy changes what the account targets observe.
  return [...seen.values()].sort((a, b) => Number(a.kind !== 'org') - Number(b.kind !== 'org'));
}
