import { readCentralVaults } from '../aws/observe-central-copies.js';
import { sliceCentralCopies } from '../domain/evaluate/central-copies.js';
import type { ControllerDeps } from './deps.js';

/**
 * The org phase's read of the central vault: once per sweep, sliced by source account × Region into the
 * store, where each target's reconcile (sweep or event) finds its own slice when it loads the target. When
 * the read fails, the run records the error and the targets judge copies from the slices of the last read.
 */
export async function recordCentralCopies(deps: ControllerDeps, runId: string): Promise<void> {
  const { desired, clock, log } = deps;
  if (!desired.centralVault) return;
  const now = clock.now();
  try {
    const readings = await readCentralVaults(deps.factory, desired, now);
    const slices = sliceCentralCopies(readings, desired);
    const written = await deps.store.saveCentralCopies(slices, now);
    log.info('Central vault read', {
      runId,
      points: readings.reduce((sum, reading) => sum + reading.points.length, 0),
      slices: slices.length,
      written,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.error('Central vault not read; targets judge copies from its last reading', {
      runId,
      error: message,
    });
    deps.metrics.count('CentralVaultReadFailures', 1);
    await deps.store.recordRunProgress(runId, {
      now,
      actionsApplied: 0,
      actionsBlocked: 0,
      errors: [`central vault: ${message}`],
    });
  }
}
