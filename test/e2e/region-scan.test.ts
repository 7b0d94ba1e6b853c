/**
 * Tagged resources outside the policy's Regions are found without a `scanRegions` list: every Region enabled
 * in each account is scanned once a day from the account's first policy Region, and a Region a Region-deny
 * SCP closes is skipped without findings or alerts.
 */
import { describe, expect, it } from 'vitest';
import { classifyTransition } from '../../shared/notify/alerts.js';
import {
  DEV,
  e2eConfig,
  ebsVolume,
  HOUR_MS,
  memberAccount,
  PROD,
  preparedWorld,
  REGION,
  tagged,
  withHarness,
} from './support.js';

const DEFAULT_ENABLED = 'us-east-1';
const OPTED_IN = 'il-central-1';
const DENIED = 'ap-south-1';

const inPolicy = ebsVolume(PROD, 'home');
const defaultRegionVolume = ebsVolume(PROD, 'virginia', DEFAULT_ENABLED);
const deniedVolume = ebsVolume(PROD, 'mumbai', DENIED);
const optedInVolume = ebsVolume(DEV, 'telaviv', OPTED_IN);
const disabledVolume = ebsVolume(DEV, 'jakarta', 'ap-southeast-3');

const config = e2eConfig({ scanRegions: undefined });
const world = preparedWorld(config, {
  accounts: {
    [PROD]: memberAccount(
      {
        [REGION]: { resources: tagged([inPolicy]) },
        [DEFAULT_ENABLED]: { resources: tagged([defaultRegionVolume]) },
        [DENIED]: { resources: tagged([deniedVolume]) },
      },
      { deniedRegions: [DENIED] },
    ),
    // Opted into il-central-1; ap-southeast-3 (an opt-in Region) is not enabled, so it is not scanned.
    [DEV]: memberAccount(
      {
        [OPTED_IN]: { resources: tagged([optedInVolume]) },
        'ap-southeast-3': { resources: tagged([disabledVolume]) },
      },
      { enabledRegions: [REGION, DEFAULT_ENABLED, OPTED_IN] },
    ),
  },
});

describe('scanning every enabled Region (no scanRegions in the config)', () => {
  it('reports tagged resources outside the policy, skips SCP-denied Regions silently, and scans once a day', async () => {
    await withHarness({ world, config }, async (harness) => {
      const first = await harness.sweep();
      const report = await harness.report();
      const finding = (arn: string) => report.resources.find((resource) => resource.arn === arn);

      for (const arn of [defaultRegionVolume, optedInVolume]) {
        expect(finding(arn)).toMatchObject({ status: 'UNPROTECTED', reasons: ['REGION_NOT_IN_POLICY'] });
      }
      expect(finding(inPolicy)?.status).toBe('PENDING');
      expect(finding(disabledVolume)).toBeUndefined();

      // The denied Region: no findings, one SKIPPED check that says why, no alert.
      expect(finding(deniedVolume)).toBeUndefined();
      const denied = report.accounts.find((t) => t.accountId === PROD && t.region === DENIED);
      expect(denied?.checks).toEqual([
        expect.objectContaining({ check: 'REGION_SCAN', status: 'SKIPPED', reason: 'REGION_DENIED_BY_SCP' }),
      ]);
      const { transitions } = await harness.store.runActivity(first.runId, harness.sim.now());
      const alerted = transitions.filter((transition) => classifyTransition(transition) !== null);
      expect(alerted.map((t) => t.region)).toContain(DEFAULT_ENABLED);
      expect(alerted.filter((t) => t.region === DENIED)).toEqual([]);
      // Empty Regions are scanned but hold no rows of their own.
      expect(new Set(report.accounts.map((t) => `${t.accountId}/${t.region}`))).not.toContain(
        `${PROD}/eu-north-1`,
      );

      // Later runs the same day leave the Regions outside the policy alone; the next day scans them again.
      harness.sim.advanceBy(HOUR_MS);
      harness.sim.resetCounters();
      await harness.sweep();
      expect(harness.sim.callCounts().byOperation['account:ListRegions'] ?? 0).toBe(0);
      expect((await harness.report()).resources.find((r) => r.arn === defaultRegionVolume)?.status).toBe(
        'UNPROTECTED',
      );
      harness.sim.advanceBy(24 * HOUR_MS);
      harness.sim.resetCounters();
      await harness.sweep();
      const counts = harness.sim.callCounts();
      // One ListRegions per account in scope (management, central, PROD, DEV).
      expect(counts.byOperation['account:ListRegions']).toBe(4);
    });
  });
});
