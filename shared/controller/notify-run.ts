import type { FindingTransition, ReportSummary } from '../domain/model.js';
import { buildAlerts } from '../notify/alerts.js';
import { buildDailyDigest } from '../notify/digest.js';
import type { ControllerDeps } from './deps.js';

export interface NotifyOutcome {
  readonly alerts: number;
  readonly accounts: readonly string[];
  /** The organization's totals when the run finished. */
  readonly summary: ReportSummary;
}

/**
 * Ends a run: one grouped alert per account for what changed (transitions worth telling, repairs, blocked
 * actions), then the run record is closed. Unchanged findings produce no transition, so nothing repeats.
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
  const alerts = buildAlerts({ runId, transitions: [...earlierTransitions, ...transitions], actions, now });
  if (deps.publisher && alerts.length > 0) await deps.publisher.publish(alerts);
  await deps.store.finishRun({ runId, now, counts: summary.total.byStatus });
  await deps.store.saveSummary(summary, now);
  if (run) {
    deps.metrics.count('SweepErrors', run.errorCount);
    deps.metrics.gauge('SweepDurationMs', now.getTime() - Date.parse(run.startedAt), 'Milliseconds');
  }
  deps.metrics.gauge('CoveragePercent', summary.total.coveragePercent, 'Percent');
  for (const [status, count] of Object.entries(summary.total.byStatus)) {
    deps.metrics.count('ResourcesByStatus', count, { Status: status });
  }
  deps.log.info('Run finished', { runId, alerts: alerts.length });
  return { alerts: alerts.length, accounts: alerts.map((alert) => alert.accountId), summary: summary.total };
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
  const digest = buildDailyDigest(summary, transitions, now);
  if (!deps.publisher) return { published: false };
  await deps.publisher.publishDigest({ ...digest, day: digestDay });
  return { published: true };
}
