import type { ControllerDeps } from './deps.js';
import type { EventLedger } from './event-ledger.js';
import {
  applyEvent,
  classifyEvent,
  type EventOutcome,
  reconcileEventTargets,
  targetKey,
} from './handle-events.js';

export interface EventRecord {
  /** The SQS message id: what a partial batch response names. */
  readonly messageId: string;
  readonly body: unknown;
}

interface Accepted {
  readonly record: EventRecord;
  readonly outcome: EventOutcome;
}

/**
 * One SQS batch of central-bus events. Each event is taken up once per EventBridge event id and marked
 * processed only after everything it asked for is durable: its immediate finding update and the reconcile
 * of its targets (once per batch, whatever number of events named them). A record whose update or targets
 * failed is returned for SQS to hand back, with its ledger entry released so the redelivery is processed
 * again rather than dropped as a duplicate. Unreadable and unknown events are counted and dropped.
 */
export async function handleEventBatch(
  deps: ControllerDeps,
  records: readonly EventRecord[],
  ledger: EventLedger,
  remainingMs: () => number | undefined,
): Promise<{ readonly failedMessageIds: readonly string[] }> {
  const failed = new Set<string>();
  const accepted: Accepted[] = [];
  const takenUp = new Set<string>();
  for (const record of records) {
    const classified = classifyEvent(deps, record.body);
    // Ignored events change nothing, so they need no ledger entry either.
    if (classified.effect.ignoredBecause) continue;
    const id = classified.eventId ?? record.messageId;
    if (takenUp.has(id)) {
      deps.metrics.count('DuplicateEvents', 1);
      continue;
    }
    takenUp.add(id);
    const entry = await ledger.begin(record.body, remainingMs()).catch((error: unknown) => {
      deps.log.warn('Event ledger unavailable; SQS will hand the event back', {
        eventId: id,
        error: String(error),
      });
      return 'busy' as const;
    });
    if (entry === 'done') {
      deps.metrics.count('DuplicateEvents', 1);
      continue;
    }
    if (entry === 'busy') {
      failed.add(record.messageId);
      continue;
    }
    try {
      accepted.push({ record, outcome: await applyEvent(deps, classified) });
    } catch (error) {
      deps.log.warn('Event not applied; SQS will hand it back', { eventId: id, error: String(error) });
      failed.add(record.messageId);
      await ledger.release(record.body);
    }
  }

  const { failedTargets } = await reconcileEventTargets(
    deps,
    accepted.map((entry) => entry.outcome),
    remainingMs,
  );
  for (const { record, outcome } of accepted) {
    if (outcome.targets.some((target) => failedTargets.has(targetKey(target)))) {
      failed.add(record.messageId);
      await ledger.release(record.body);
    } else {
      await ledger.complete(record.body);
    }
  }
  return { failedMessageIds: records.map((r) => r.messageId).filter((id) => failed.has(id)) };
}
