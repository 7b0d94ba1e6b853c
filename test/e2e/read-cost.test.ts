import { describe, expect, it } from 'vitest';
import { readCostTable } from '../../bench/read-cost.js';
import type { CallCounts } from '../../sandbox/index.js';
import {
  advanceToHour,
  CENTRAL,
  DEV,
  e2eConfig,
  e2eWorld,
  memberAccount,
  PROD,
  REGION,
  taggedVolumes,
  withHarness,
} from './support.js';

const RESOURCES = 150;
const TAGGING_PAGE = 100;
const BACKUP_PAGE = 1000;
const VOLUMES_PAGE = 500;

/**
 * The calls of one full sweep over an organization whose PROD account holds `resources` tagged volumes,
 * each backed up once and copied to the central vault (so Protected Resources, backup and copy jobs and
 * the central vault's protected copies all grow with it too).
 */
async function sweepCalls(resources: number): Promise<CallCounts> {
  const world = e2eWorld({
    accounts: {
      [PROD]: memberAccount({ [REGION]: { resources: taggedVolumes(PROD, 'vol', resources) } }),
    },
  });
  return withHarness({ world, config: e2eConfig() }, async (harness) => {
    await harness.sweep();
    advanceToHour(harness, 10);
    await harness.sweep();
    expect((await harness.store.summary()).total.byStatus.PROTECTED).toBe(resources);

    advanceToHour(harness, 10.25);
    harness.sim.resetCounters();
    await harness.sweep();
    return harness.sim.callCounts();
  });
}

const pages = (items: number, pageSize: number) => Math.max(1, Math.ceil(items / pageSize));
const extraPages = (pageSize: number) => pages(10 * RESOURCES, pageSize) - pages(RESOURCES, pageSize);

function difference(more: Readonly<Record<string, number>>, fewer: Readonly<Record<string, number>>) {
  const keys = new Set([...Object.keys(more), ...Object.keys(fewer)]);
  return Object.fromEntries(
    [...keys]
      .map((key) => [key, (more[key] ?? 0) - (fewer[key] ?? 0)] as const)
      .filter(([, diff]) => diff !== 0),
  );
}

describe('read cost of a sweep', () => {
  it(`grows with pages, never per resource: ${RESOURCES} vs ${10 * RESOURCES} tagged resources in one account`, async () => {
    const small = await sweepCalls(RESOURCES);
    const large = await sweepCalls(10 * RESOURCES);

    expect(small.writes).toBe(0);
    expect(large.writes).toBe(0);
    // Every extra call is one more page of a listing that has ten times the items; no other call is made.
    expect(difference(large.byOperation, small.byOperation)).toEqual({
      'tag:GetResources': extraPages(TAGGING_PAGE),
      // PROD's protected volumes, and their copies protected in the central vault.
      'backup:ListProtectedResources': 2 * extraPages(BACKUP_PAGE),
      // Jobs come from the member account, read from the target's watermark: the measured sweep lists only
      // jobs created since the previous one, so its job listings do not grow with the resources at all.
      // The policy's recovery points in PROD's vault, and the copies in the central vault (listed once, by the
      // org phase, for every target).
      'backup:ListRecoveryPointsByBackupVault': 2 * extraPages(BACKUP_PAGE),
      // Which key encrypts each volume.
      'ec2:DescribeVolumes': extraPages(VOLUMES_PAGE),
    });
    expect(difference(large.byAccount, small.byAccount)).toEqual({
      [PROD]: extraPages(TAGGING_PAGE) + 2 * extraPages(BACKUP_PAGE) + extraPages(VOLUMES_PAGE),
      [CENTRAL]: 2 * extraPages(BACKUP_PAGE),
    });
    expect(large.byAccount[DEV]).toBe(small.byAccount[DEV]);
  });

  it('stays within its bound: at most 1.1 times the floor, and at most 20 reads per target of 100 resources', async () => {
    const [small, hundred] = await readCostTable([10, 100]);
    for (const row of [small!, hundred!]) expect(row.targetCalls / row.lowerBound).toBeLessThanOrEqual(1.1);
    expect(hundred!.targetCalls).toBeLessThanOrEqual(20);
    expect(hundred!.writesInSweep).toBe(0);
  });
});
