import { type FailedTarget, type FanOutResultsLocation, readFailedTargets } from '../aws/fan-out-results.js';
import type { FindingTransition } from '../domain/model.js';
import { buildDailyDigest } from '../notify/digest.js';
import type { ControllerDeps } from './deps.js';
import { finishRun, type NotifyOutcome, reportDelivery } from './notify-run.js';

// The notify function's two requests. Apart from notify-run.ts, which event runs share, so that only this
// function loads the S3 client (the fan-out's results) and the digest.

/**
 * Ends a sweep as the state machine's notify step asks: the failed targets come inline (the sandbox) or
 * from where the fan-out wrote its results.
 */
export async function finishSweep(
  deps: ControllerDeps,
  request: {
    readonly runId: string;
    readonly fanOutResults?: FanOutResultsLocation | undefined;
    readonly failedTargets?: readonly FailedTarget[] | undefined;
  },
): Promise<NotifyOutcome> {
  const failed = [...(request.failedTargets ?? [])];
  if (request.fanOutResults) {
    try {
      failed.push(...(await readFailedTargets(deps.factory, request.fanOutResults)));
    } catch (error) {
      // The alerts still go out; the unread results are an error of the run in their own right.
      deps.log.error('Fan-out results not read', { runId: request.runId, error: String(error) });
      await deps.store.recordRunProgress(request.runId, {
        now: deps.clock.now(),
        actionsApplied: 0,
        actionsBlocked: 0,
        errors: [`fan-out results at ${request.fanOutResults.Key} not read: ${String(error)}`],
      });
    }
  }
  return finishRun(deps, request.runId, [], failed);
}

/**
 * The daily digest: where the organization stands and what changed during the UTC day that just ended
 * (or today so far when asked for it).
 */
export async function sendDailyDigest(deps: ControllerDeps, day?: string): Promise<{ published: boolean }> {
  const now = deps.clock.now();
  const digestDay = day ?? new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
  const summary = await deps.store.summary();
  const transitions: FindingTransition[] = [];
  let cursor: string | null = null;
  do {
    const page = await deps.store.listTransitions({ day: digestDay, limit: 1000, cursor });
    transitions.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  if (!deps.publisher) return { published: false };
  const digest = buildDailyDigest(summary, transitions, now, deps.publisher.flapSettings.maxChanges);
  const outcome = await deps.publisher.publishDigest({ ...digest, day: digestDay }, now);
  reportDelivery(deps, outcome);
  return { published: outcome.undelivered === 0 };
}
