import type { FailedTarget } from '../aws/fan-out-results.js';
import { mapConcurrently } from './concurrently.js';
import type { ControllerDeps } from './deps.js';
import { reconcileTarget, type TargetOutcome, type TargetRequest } from './reconcile-target.js';

/** Several {account, Region} targets of one run, as one fan-out item hands them to one invocation. */
export interface TargetBatch {
  readonly runId: string;
  readonly totalAccounts: number;
  readonly crossAccountBackupEnabled: boolean | null;
  readonly targets: readonly { readonly accountId: string; readonly region: string }[];
}

export interface BatchOutcome {
  readonly reconciled: readonly TargetOutcome[];
  /** Each target whose reconcile threw, with why; the others' outcomes are kept. */
  readonly failed: readonly FailedTarget[];
}

/**
 * Reconciles a batch's targets `concurrency` at a time in one invocation. A reconcile mostly waits on AWS,
 * so overlapping them bills one invocation's duration for several targets. A target that fails is
 * recorded as failed on its own, exactly as when it had its own invocation; the rest carry on.
 */
export async function reconcileTargetBatch(
  deps: ControllerDeps,
  batch: TargetBatch,
  concurrency: number,
): Promise<BatchOutcome> {
  const reconciled: TargetOutcome[] = [];
  const failed: FailedTarget[] = [];
  await mapConcurrently(batch.targets, concurrency, async ({ accountId, region }) => {
    const request: TargetRequest = {
      runId: batch.runId,
      accountId,
      region,
      totalAccounts: batch.totalAccounts,
      crossAccountBackupEnabled: batch.crossAccountBackupEnabled,
    };
    try {
      reconciled.push(await reconcileTarget(deps, request));
    } catch (error) {
      deps.log.error('Target reconcile failed', {
        runId: batch.runId,
        accountId,
        region,
        error: String(error),
      });
      failed.push({ accountId, region, error: String(error) });
    }
  });
  return { reconciled, failed };
}
