import type { FailedTarget } from '../aws/fan-out-results.js';
import type { FindingTransition, ReportSummary } from '../domain/model.js';
import type { PublishOutcome } from '../notify/publisher.js';
import type { ControllerDeps } from './deps.js';

export interface NotifyOutcome {
  readonly alerts: number;
  readonly accounts: readonly string[];
  /** The organization's totals when the run finished. */
  readonly summary: ReportSummary;
}

export interface FinishRunOptions {
  /**
   * Summarize the whole organization (every target row) for the run record, the summary the report keeps
   * and the coverage metrics. The sweep does; an event run covers a few targets and takes the totals the
   * last sweep kept, so a burst of member events never reads every target row once per batch.
   */
  readonly summarize: boolean;
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
  failedTargets: readonly FailedTarget[] = [],
  options: FinishRunOptions = { summarize: true },
): Promise<NotifyOutcome> {
  const now = deps.clock.now();
  const [kept, run] = await Promise.all([
    options.summarize ? null : deps.store.latestSummary(),
    deps.store.getRun(runId),
  ]);
  // Before the first sweep has kept a summary, an event run summarizes once itself.
  const summary = kept ?? (await deps.store.summary());
  const summarized = kept === null;
  // A retried invocation (Step Functions retries Lambda service errors) must not alert twice.
  if (run?.finishedAt) {
    deps.log.info('Run already finished; no alerts sent again', { runId });
    return { alerts: 0, accounts: [], summary: summary.total };
  }
  await reportFailedTargets(deps, runId, failedTargets);
  const { transitions, actions } = await deps.store.runActivity(runId, now);
  // What was reconciled is stored whatever happens here: a failed delivery is logged and counted (an
  // alarm watches the count) and never fails the run it reports on.
  let published: PublishOutcome | null = null;
  if (deps.publisher) {
    try {
      published = await deps.publisher.publishRun({
        runId,
        transitions: [...earlierTransitions, ...transitions],
        actions,
        now,
      });
    } catch (error) {
      deps.log.error('Alerts not delivered', { runId, error: String(error) });
      deps.metrics.count('NotifyFailures', 1);
    }
  }
  await deps.store.finishRun({ runId, now, counts: summary.total.byStatus });
  if (published) reportDelivery(deps, published);
  if (summarized) await deps.store.saveSummary(summary, now);
  if (run) {
    deps.metrics.count('SweepErrors', run.errorCount);
    deps.metrics.gauge('SweepDurationMs', now.getTime() - Date.parse(run.startedAt), 'Milliseconds');
  }
  if (summarized) {
    deps.metrics.gauge('CoveragePercent', summary.total.coveragePercent, 'Percent');
    for (const [status, count] of Object.entries(summary.total.byStatus)) {
      deps.metrics.count('ResourcesByStatus', count, { Status: status });
    }
  }
  const accounts = published?.accounts ?? [];
  deps.log.info('Run finished', { runId, alerts: accounts.length, storm: published?.storm ?? false });
  return { alerts: accounts.length, accounts, summary: summary.total };
}

/** The outbox alarm watches OldestUndeliveredAlertAgeMs (0 when nothing waits). */
export function reportDelivery(
  deps: ControllerDeps,
  outcome: Omit<PublishOutcome, 'accounts' | 'storm' | 'flapsSuppressed'>,
) {
  deps.metrics.count('AlertsUndelivered', outcome.undelivered);
  deps.metrics.gauge('OldestUndeliveredAlertAgeMs', outcome.oldestUndeliveredMs ?? 0, 'Milliseconds');
}

/**
 * Targets the fan-out gave up on keep last run's findings; they are never silently stale: each is in the
 * run's errors (the report and the next digest show them), logged, and counted (an alarm watches the count).
 */
async function reportFailedTargets(
  deps: ControllerDeps,
  runId: string,
  failedTargets: readonly FailedTarget[],
): Promise<void> {
  deps.metrics.count('TargetsFailed', failedTargets.length);
  if (failedTargets.length === 0) return;
  deps.log.error('Targets not reconciled this run; their findings are from an earlier run', {
    runId,
    targets: failedTargets.map((failed) => `${failed.accountId}/${failed.region}`),
  });
  await deps.store.recordRunProgress(runId, {
    now: deps.clock.now(),
    actionsApplied: 0,
    actionsBlocked: 0,
    errors: failedTargets.map(
      (failed) => `${failed.accountId}/${failed.region}: not reconciled this run (${failed.error})`,
    ),
  });
}
