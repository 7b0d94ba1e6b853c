import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { ControllerDeps } from '../shared/controller/deps.js';
import { handleEventBatch } from '../shared/controller/event-batch.js';
import { idempotencyLedger } from '../shared/controller/event-ledger.js';
import { eventsPersistence } from '../shared/controller/events-persistence.js';
import { instrumented } from '../shared/controller/lambda-instrumentation.js';
import { lambdaDeps } from '../shared/controller/lambda-runtime.js';

/**
 * Central-bus events delivered through SQS. The batch's events are applied and their distinct targets
 * reconciled once; an event is remembered as processed (by EventBridge event id) only after that is
 * durable, and the records that failed are returned (partial batch response) so SQS hands back only those
 * and finally moves them to the dead-letter queue.
 */
export function createEventsHandler(deps: () => ControllerDeps, persistence: () => BasePersistenceLayer) {
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const records = event.Records.map((record) => ({
      messageId: record.messageId,
      body: parseBody(record.body),
    }));
    const { failedMessageIds } = await handleEventBatch(
      deps(),
      records,
      idempotencyLedger(persistence()),
      () => context?.getRemainingTimeInMillis(),
    );
    return { batchItemFailures: failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

/** A body that is not JSON is still an event to count and drop, not a failure to retry forever. */
function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

export const handler = instrumented(
  createEventsHandler(
    () => lambdaDeps(),
    () => eventsPersistence(),
  ),
);
