import { IdempotencyConfig, IdempotencyItemAlreadyExistsError } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';

/** An event id is remembered for a day: EventBridge and SQS redeliver within minutes, not days. */
const REMEMBER_SECONDS = 24 * 60 * 60;

export type LedgerEntry = 'new' | 'done' | 'busy';

/**
 * Which events were processed, by EventBridge event id. An event is `begin`-ed when its record is taken up
 * and `complete`-d only once everything it asked for is durable (its immediate update and the reconcile of
 * its targets); on failure it is `release`-d so the redelivery is processed again, not dropped as a
 * duplicate.
 */
export interface EventLedger {
  begin(event: unknown, remainingMs: number | undefined): Promise<LedgerEntry>;
  complete(event: unknown): Promise<void>;
  release(event: unknown): Promise<void>;
}

/** The JSON body of an event, as Powertools hashes it into the idempotency key. */
type EventBody = Parameters<BasePersistenceLayer['saveInProgress']>[0];

/** The ledger on Powertools idempotency records (DynamoDB in Lambda, the embedded engine in the sandbox). */
export function idempotencyLedger(persistence: BasePersistenceLayer): EventLedger {
  persistence.configure({
    config: new IdempotencyConfig({ eventKeyJmesPath: 'id', expiresAfterSeconds: REMEMBER_SECONDS }),
    functionName: 'events',
  });
  return {
    async begin(event, remainingMs) {
      try {
        await persistence.saveInProgress(event as EventBody, remainingMs);
        return 'new';
      } catch (error) {
        if (!(error instanceof IdempotencyItemAlreadyExistsError)) throw error;
        // Some DynamoDB implementations do not return the existing item with the failed condition.
        const existing = error.existingRecord ?? (await persistence.getRecord(event as EventBody));
        // Another invocation still holds it (or crashed holding it: the hold lapses with that invocation).
        return existing.getStatus() === 'COMPLETED' ? 'done' : 'busy';
      }
    },
    complete: (event) => persistence.saveSuccess(event as EventBody, { processed: true }),
    release: (event) => persistence.deleteRecord(event as EventBody),
  };
}
