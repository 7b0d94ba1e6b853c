/**
 * The report's `/summary` is computed from the counts index until a run has ended, and kept at each run's
 * end after that: both must say what the finding rows say, after every kind of write to a target (a first
 * save, a save with changed statuses, a retired target).
 */
import { describe, expect, it } from 'vitest';
import type { SandboxHarness } from '../../sandbox/harness.js';
import { handleReportRequest } from '../../shared/controller/report-api.js';
import { startSweep } from '../../shared/controller/sweep.js';
import { RESOURCE_STATUSES, type ResourceStatus } from '../../shared/domain/model.js';
import { zeroCounts } from '../../shared/store/codecs.js';
import {
  advanceToHour,
  BACKUP_ROLE,
  DEV,
  e2eConfig,
  e2eWorld,
  PROD,
  REGION,
  SCAN_REGION,
  taggedVolumes,
  withHarness,
} from './support.js';

const world = e2eWorld({
  accounts: {
    [PROD]: {
      roles: [BACKUP_ROLE],
      regions: {
        [REGION]: { resources: taggedVolumes(PROD, 'prod', 3) },
        [SCAN_REGION]: { resources: taggedVolumes(PROD, 'scan', 2, SCAN_REGION) },
      },
    },
    [DEV]: { roles: [BACKUP_ROLE], regions: { [REGION]: { resources: taggedVolumes(DEV, 'dev', 4) } } },
  },
});

/** Counts by status per account, from the finding rows themselves. */
async function countedFromFindings(harness: SandboxHarness) {
  const accounts = new Map<string, Record<ResourceStatus, number>>();
  for (const finding of (await harness.report()).resources) {
    const counts = accounts.get(finding.accountId) ?? zeroCounts();
    counts[finding.status] += 1;
    accounts.set(finding.accountId, counts);
  }
  return [...accounts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([accountId, byStatus]) => ({
      accountId,
      resources: RESOURCE_STATUSES.reduce((sum, status) => sum + byStatus[status], 0),
      byStatus,
    }));
}

/** Accounts with no tagged resource (the management and central accounts) have findings to compare none. */
const withResources = <T extends { resources: number }>(accounts: readonly T[] | undefined) =>
  (accounts ?? []).filter((account) => account.resources > 0);

async function summaryRoute(harness: SandboxHarness) {
  const response = await handleReportRequest(harness.store, { method: 'GET', path: '/summary', query: {} });
  expect(response.statusCode, response.body).toBe(200);
  return JSON.parse(response.body) as { accounts: { resources: number }[]; total: { resources: number } };
}

describe('the organization summary', () => {
  it('computed before any run ended and kept at each run’s end, agrees with the finding rows', async () => {
    await withHarness({ world, config: e2eConfig({ scanRegions: [SCAN_REGION] }) }, async (harness) => {
      expect((await summaryRoute(harness)).total.resources).toBe(0);
      for (const hour of [0, 30, 60]) {
        advanceToHour(harness, hour);
        await harness.sweep();
        const expected = await countedFromFindings(harness);
        expect(expected.reduce((sum, account) => sum + account.resources, 0)).toBe(9);
        expect(withResources((await harness.store.summary()).accounts)).toEqual(expected);
        expect(withResources((await harness.store.latestSummary())?.accounts)).toEqual(expected);
        expect(withResources((await summaryRoute(harness)).accounts)).toEqual(expected);
      }

      // A Region no longer scanned is retired: it leaves the counts as it leaves the findings.
      advanceToHour(harness, 90);
      await harness.sweep();
      const narrowed = { ...harness.deps, desired: { ...harness.deps.desired, scanRegions: [] } };
      await startSweep(narrowed, 'schedule');
      const expected = await countedFromFindings(harness);
      expect(expected.reduce((sum, account) => sum + account.resources, 0)).toBe(7);
      expect(withResources((await harness.store.summary()).accounts)).toEqual(expected);
    });
  });
});
