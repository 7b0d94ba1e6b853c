/**
 * Reconciling the set of targets, not only each target: what a sweep no longer reconciles (an account
 * excluded by the config or gone from the organization, a Region dropped from the config) leaves the
 * summary, the report and the alarms' counts, as GONE transitions in the history. Every finding and
 * account × Region says when it was last observed.
 */
import { describe, expect, it } from 'vitest';
import { finishRun } from '../../shared/controller/notify-run.js';
import { startSweep } from '../../shared/controller/sweep.js';
import {
  DEV,
  e2eConfig,
  e2eWorld,
  memberAccount,
  PROD,
  REGION,
  SCAN_REGION,
  START,
  taggedVolumes,
  withHarness,
} from './support.js';

const world = e2eWorld({
  accounts: {
    [PROD]: memberAccount({
      [REGION]: { resources: taggedVolumes(PROD, 'prod', 2) },
      [SCAN_REGION]: { resources: taggedVolumes(PROD, 'scan', 1, SCAN_REGION) },
    }),
    [DEV]: memberAccount({ [REGION]: { resources: taggedVolumes(DEV, 'dev', 3) } }),
  },
});

describe('targets that leave the sweep', () => {
  it('are retired from summary and report as GONE transitions; everything else carries observedAt', async () => {
    await withHarness({ world, config: e2eConfig({ scanRegions: [SCAN_REGION] }) }, async (harness) => {
      await harness.sweep();
      const before = await harness.report();
      expect(before.resources.map((f) => f.accountId)).toContain(DEV);
      expect(before.resources.some((f) => f.region === SCAN_REGION)).toBe(true);
      expect(new Set(before.resources.map((f) => f.observedAt))).toEqual(
        new Set([new Date(START).toISOString()]),
      );
      expect(before.accounts.every((target) => target.observedAt === new Date(START).toISOString())).toBe(
        true,
      );

      // The config now excludes DEV and no longer scans us-east-1.
      harness.sim.advanceBy(3_600_000);
      const narrowed = {
        ...harness.deps,
        desired: { ...harness.deps.desired, excludeAccounts: [DEV], scanRegions: [] },
      };
      const plan = await startSweep(narrowed, 'schedule');
      await finishRun(narrowed, plan.runId);

      const after = await harness.report();
      expect(after.resources.filter((f) => f.accountId === DEV || f.region === SCAN_REGION)).toEqual([]);
      expect(after.accounts.filter((t) => t.accountId === DEV || t.region === SCAN_REGION)).toEqual([]);
      const summary = await harness.store.summary();
      expect(summary.accounts.map((account) => account.accountId)).not.toContain(DEV);
      expect(summary.total.resources).toBe(after.resources.length);

      const { transitions } = await harness.store.runActivity(plan.runId, harness.sim.now());
      const gone = transitions.filter((t) => t.to === 'GONE');
      expect(gone.filter((t) => t.subject.kind === 'resource')).toHaveLength(4);
      expect(gone.every((t) => t.accountId === DEV || t.region === SCAN_REGION)).toBe(true);
      expect(gone.some((t) => t.subject.kind === 'check')).toBe(true);

      // Retiring is idempotent: the next sweep finds nothing left to retire.
      harness.sim.advanceBy(3_600_000);
      const again = await startSweep(narrowed, 'schedule');
      expect((await harness.store.runActivity(again.runId, harness.sim.now())).transitions).toEqual([]);
    });
  });
});
