import { putEvidenceFiles } from '../aws/evidence-bucket.js';
import { buildComplianceReport } from './build-report.js';
import type { ControllerDeps } from './deps.js';
import { evidencePack } from './evidence-pack.js';
import { reportContext } from './report-context.js';

/**
 * The scheduled evidence pack: the report as the findings store holds it now, written with its manifest
 * under `evidence/<generatedAt>/`, where the bucket's Object Lock keeps it unchanged for the retention.
 */
export async function writeDailyEvidence(
  deps: ControllerDeps,
  bucket: string,
): Promise<{ readonly prefix: string; readonly keys: readonly string[] }> {
  const now = deps.clock.now();
  const summary = await deps.store.summary();
  const report = await buildComplianceReport(deps.store, {
    mode: deps.desired.mode,
    now,
    accountIds: summary.accounts.map((account) => account.accountId),
  });
  const files = evidencePack({
    report,
    context: reportContext(deps.desired),
    source: "the deployed controller's findings store",
  });
  const prefix = `evidence/${report.generatedAt}/`;
  const keys = await putEvidenceFiles(deps.factory, { bucket, prefix }, files);
  deps.log.info('Evidence pack written', { bucket, prefix, files: keys.length });
  return { prefix, keys };
}
