/**
 * Jobs are read from each target's watermark, not the whole 8-day window: a week of sweeps that read
 * incrementally ends with the same verdicts as a reconcile that reads the whole window (its memory lost),
 * with daily backup failures and daily copy failures in the mix.
 */
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import type { SandboxHarness } from '../../sandbox/harness.js';
import type { ObservedCall } from '../../sandbox/simulated-organization.js';
import {
  advanceToHour,
  CENTRAL,
  DEV,
  e2eConfig,
  ebsVolume,
  failingBackupAccount,
  HOUR_MS,
  MANAGEMENT,
  MEMBER_VAULT,
  PROD,
  preparedAccount,
  preparedWorld,
  REGION,
  withHarness,
} from './support.js';

const config = e2eConfig({ mode: 'audit' });
const world = preparedWorld(config, {
  accounts: {
    [PROD]: failingBackupAccount(ebsVolume(PROD, 'fails-daily'), [
      ebsVolume(PROD, 'healthy'),
      ebsVolume(PROD, 'also-healthy'),
    ]),
    // The central vault has no access policy: every copy into it fails.
    [CENTRAL]: preparedAccount({ vaults: [MEMBER_VAULT, { name: 'org-backup-central' }] }),
  },
});

async function verdicts(harness: SandboxHarness) {
  const report = await harness.report();
  return report.resources
    .map(({ arn, status, reasons, since }) => ({ arn, status, reasons, since }))
    .sort((a, b) => a.arn.localeCompare(b.arn));
}

/** Where the member's backup-job listings started, in hours before now. */
function jobListingsFrom(calls: readonly ObservedCall[], now: Date): number[] {
  return calls
    .filter((call) => call.operationKey === 'backup:ListBackupJobs' && call.accountId === PROD)
    .map(
      (call) => (now.getTime() - (call.input as { ByCreatedAfter: Date }).ByCreatedAfter.getTime()) / HOUR_MS,
    );
}

describe('jobs read from a watermark', () => {
  it('a week of incremental reads ends with the verdicts a whole-window read gives', async () => {
    await withHarness({ world, config }, async (harness) => {
      const calls: ObservedCall[] = [];
      harness.sim.onCall((call) => calls.push(call));
      for (let hour = 10; hour <= 7 * 24 + 10; hour += 12) {
        advanceToHour(harness, hour);
        await harness.deliverEvents();
        calls.length = 0;
        await harness.sweep();
      }
      // Steady state: the listing starts where the previous sweep read (12 h ago), less the margin.
      const incremental = jobListingsFrom(calls, harness.sim.now());
      expect(incremental.length).toBeGreaterThan(0);
      for (const from of incremental) expect(from).toBeLessThanOrEqual(13);
      const week = await verdicts(harness);
      expect(new Set(week.map((finding) => finding.status))).toEqual(new Set(['FAILING']));
      expect(week.some((finding) => finding.reasons.includes('COPY_MISSING'))).toBe(true);
      expect(week.some((finding) => finding.reasons.includes('JOB_FAILED'))).toBe(true);

      // The memory lost: the next reconcile reads the whole window and must judge the same.
      const { client, tableName } = harness.findingsTable;
      for (const account of [MANAGEMENT, CENTRAL, PROD, DEV]) {
        await client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: { PK: { S: `ACCOUNT#${account}` }, SK: { S: `${REGION}#JOBS` } },
          }),
        );
      }
      harness.sim.advanceBy(60_000);
      calls.length = 0;
      await harness.sweep();
      expect(jobListingsFrom(calls, harness.sim.now())).toEqual([8 * 24]);
      expect(await verdicts(harness)).toEqual(week);
    });
  });
});
