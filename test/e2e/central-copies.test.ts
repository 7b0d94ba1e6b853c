/**
 * Copies are judged from the central vault itself, read once per sweep by the org phase and handed to the
 * targets through the store: a copy deleted from the central vault (or never landing there) turns its
 * resource STALE / COPY_MISSING although the member's copy jobs say COMPLETED, and no target lists the
 * central vault.
 */
import { describe, expect, it } from 'vitest';
import type { ObservedCall } from '../../sandbox/simulated-organization.js';
import { withOrgCopyIn } from '../../shared/domain/plan/central-vault-policy.js';
import {
  advanceToHour,
  CENTRAL,
  DEV,
  e2eConfig,
  ebsVolume,
  MEMBER_VAULT,
  ORGANIZATION_ID,
  PROD,
  preparedAccount,
  preparedWorld,
  REGION,
  tagged,
  withHarness,
} from './support.js';

const config = e2eConfig({ mode: 'audit' });
const CENTRAL_VAULT = config.centralVault?.name ?? '';
const kept = ebsVolume(PROD, 'copy-kept');
const deleted = ebsVolume(PROD, 'copy-deleted');
const world = preparedWorld(config, {
  accounts: {
    [PROD]: preparedAccount({ resources: tagged([kept, deleted]) }),
    [DEV]: preparedAccount({ resources: tagged([ebsVolume(DEV, 'dev-volume')]) }),
    [CENTRAL]: preparedAccount({
      vaults: [MEMBER_VAULT, { name: CENTRAL_VAULT, accessPolicy: withOrgCopyIn(null, ORGANIZATION_ID) }],
    }),
  },
});

/** The central vault's copies listings (first pages) and all their pages, as the simulation received them. */
function centralListings(calls: readonly ObservedCall[]) {
  const listings = calls.filter((call) => {
    const input = call.input as { BackupVaultName?: string; ByCreatedAfter?: Date };
    return (
      call.operationKey === 'backup:ListRecoveryPointsByBackupVault' &&
      call.accountId === CENTRAL &&
      input.BackupVaultName === CENTRAL_VAULT &&
      input.ByCreatedAfter !== undefined
    );
  });
  return {
    listings: listings.filter((call) => (call.input as { NextToken?: string }).NextToken === undefined)
      .length,
    pages: listings.length,
  };
}

describe('copies judged from the central vault', () => {
  it('a copy deleted from the central vault is COPY_MISSING although its copy jobs completed; one listing per sweep', async () => {
    await withHarness({ world, config }, async (harness) => {
      const calls: ObservedCall[] = [];
      harness.sim.onCall((call) => calls.push(call));
      const sweepAt = async (hour: number) => {
        advanceToHour(harness, hour);
        harness.sim.deleteRecoveryPoints(CENTRAL, REGION, CENTRAL_VAULT, deleted);
        calls.length = 0;
        const run = await harness.sweep();
        expect(run.targets.length).toBeGreaterThan(1);
        expect(centralListings(calls)).toEqual({ listings: 1, pages: 1 });
        const report = await harness.report();
        return (arn: string) => report.resources.find((finding) => finding.arn === arn);
      };

      // Day 1 after the copies landed: the deleted copy is not due yet (covered since this sweep).
      const first = await sweepAt(10);
      expect(first(kept)).toMatchObject({ status: 'PROTECTED' });
      expect(first(kept)?.lastCopyTime).not.toBeNull();
      expect(first(deleted)).toMatchObject({ status: 'PROTECTED', lastCopyTime: null });

      // Two days on, its copy has been deleted each day after landing: overdue.
      await sweepAt(34);
      const later = await sweepAt(46);
      expect(later(kept)).toMatchObject({ status: 'PROTECTED', reasons: [] });
      expect(later(deleted)).toMatchObject({
        status: 'STALE',
        reasons: ['COPY_MISSING'],
        lastCopyTime: null,
      });
      expect(later(deleted)?.detail).toContain(`No copy of the policy's in the central vault`);
      // The member's own copy jobs say every copy completed: only the vault tells the difference.
      const jobs = harness.sim.inspect
        .copyJobs({ accountId: PROD, region: REGION })
        .filter((job) => job.resourceArn === deleted);
      expect(jobs.length).toBeGreaterThan(0);
      expect(jobs.every((job) => job.state === 'COMPLETED')).toBe(true);
    });
  });
});
