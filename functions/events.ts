import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ControllerDeps } from '../shared/controller/deps.js';
import {
  applyEvent,
  type ClassifiedEvent,
  classifyEvent,
  type EventOutcome,
  reconcileEventTargets,
} from '../shared/controller/handle-events.js';
import { eventsPersistence, instrumented, lambdaDeps } from '../shared/controller/lambda-runtime.js';

/** An event id is remembered for a day: EventBridge and SQS redeliver within minutes, not days. */
const IDEMPOTENCY_SECONDS = 24 * 60 * 60;

/**
 * Central-bus events delivered through SQS. Each record is interpreted once per EventBridge event id
 * (Powertools idempotency), failures are reported per record (partial batch response) so SQS retries only
 * those and finally moves them to the dead-letter queue; then the distinct targets of the batch are
 * reconciled once.
 */
export function createEventsHandler(deps: () => ControllerDeps, persistence: () => BasePersistenceLayer) {
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const outcomes: EventOutcome[] = [];
    const config = new IdempotencyConfig({
      eventKeyJmesPath: 'id',
      expiresAfterSeconds: IDEMPOTENCY_SECONDS,
    });
    // Lets an in-progress record expire with the invocation instead of blocking retries for the full window.
    if (context) config.registerLambdaContext(context);
    const applyOnce = makeIdempotent(
      async (_body: unknown, classified: ClassifiedEvent, fresh: { seen: boolean }) => {
        fresh.seen = true;
        return applyEvent(deps(), classified);
      },
      {
        persistenceStore: persistence(),
        config,
        dataIndexArgument: 0,
      },
    );
    const handleRecord = async (record: SQSRecord) => {
      const body = parseBody(record.body);
      const classified = classifyEvent(deps(), body);
      // Ignored events change nothing, so they need no idempotency record either.
      if (classified.effect.ignoredBecause) return;
      const fresh = { seen: false };
      const outcome = await applyOnce(body, classified, fresh);
      if (fresh.seen) outcomes.push(outcome);
      else deps().metrics.count('DuplicateEvents', 1);
    };
    const response = await processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), {
      ...(context ? { context } : {}),
      processInParallel: false,
    });
    await reconcileEventTargets(deps(), outcomes);
    return response;
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
