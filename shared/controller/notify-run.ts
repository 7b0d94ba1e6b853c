import type { FindingTransition, ReportSummary } from '../domain/model.js';
import { buildDailyDigest } from '../notify/digest.js';
import type { PublishOutcome } from '../notify/publisher.js';
import type { ControllerDeps } from './deps.js';

export interface NotifyOutcome {
  readonly alerts: number;
  readonly accounts: readonly string[];
  /** The organization's totals when the run finished. */
  readonly summary: ReportSummary;
}

/**
 * Ends a run: one grouped alert per account for what changed (status-class changes, repairs, blocked
 * actions), then the run record is closed. Unchanged findings produce no transition, so nothing repeats.
 * Undelivered alerts wait in the outbox for the next run; they never fail the run.
 */
export async function finishRun(
  deps: ControllerDeps,
  runId: string,
  earlierTransitions: readonly FindingTransition[] = [],
): Promise<NotifyOutcome> {
  const now = deps.clock.now();
  const [summary, run] = await Promise.all([deps.store.summary(), deps.store.getRun(runId)]);
  // A retried invocation (Step Functions retries Lambda service errors) must not alert twice.
  if (run?.finishedAt) {
    deps.log.info('Run already finished; no alerts sent again', { runId });
    return { alerts: 0, accounts: [], summary: summary.total };
  }
  const { transitions, actions } = await deps.store.runActivity(runId, now);
  const published = deps.publisher
    ? await deps.publisher.publishRun({
        runId,
        transitions: [...earlierTransitions, ...transitions],
        actions,
        now,
      })
    : null;
  await deps.store.finishRun({ runId, now, counts: summary.total.byStatus });
  if (published) reportDelivery(deps, published);
  if (run) {
    deps.metrics.count('SweepErrors', run.errors.length);
    deps.metrics.gauge('SweepDurationMs', now.getTime() - Date.parse(run.startedAt), 'Milliseconds');
  }
  deps.metrics.gauge('CoveragePercent', summary.total.coveragePercent, 'Percent');
  for (const [status, count] of Object.entries(summary.total.byStatus)) {
    deps.metrics.count('ResourcesByStatus', count, { Status: status });
  }
  const accounts = published?.accounts ?? [];
  deps.log.info('Run finished', { runId, alerts: accounts.length, storm: published?.storm ?? false });
  return { alerts: accounts.length, accounts, summary: summary.total };
}

/** The outbox alarm watches OldestUndeliveredAlertAgeMs (0 when nothing waits). */
function reportDelivery(
  deps: ControllerDeps,
  outcome: Omit<PublishOutcome, 'accounts' | 'storm' | 'flapsSuppressed'>,
) {
  deps.metrics.count('AlertsUndelivered', outcome.undelivered);
  deps.metrics.gauge('OldestUndeliveredAlertAgeMs', outcome.oldestUndeliveredMs ?? 0, 'Milliseconds');
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
