import { describe, expect, it } from 'vitest';
import type { ActionRecord } from '../../shared/domain/model.js';
import {
  advanceToHour,
  CENTRAL,
  DEV,
  e2eConfig,
  e2eWorld,
  MANAGEMENT,
  memberAccount,
  PROD,
  REGION,
  taggedVolumes,
  withHarness,
} from './support.js';

/**
 * The controller's brakes, end to end: the blast radius spreads changes to existing
 * configuration over runs, and a compliance lock is never applied without `allowIrreversibleLock`.
 */

const world = e2eWorld({
  accounts: {
    [PROD]: memberAccount({ [REGION]: { resources: taggedVolumes(PROD, 'p', 2) } }),
    [DEV]: memberAccount({ [REGION]: { resources: taggedVolumes(DEV, 'd', 2) } }),
  },
});

// Every account already has the vault, with a governance lock looser than the config's 7–365 days:
// tightening it modifies existing configuration in each account.
const looseLock = { name: 'org-backup', lock: { minRetentionDays: 1, maxRetentionDays: 1000 } };
const lockWorld = e2eWorld({
  accounts: Object.fromEntries(
    [MANAGEMENT, CENTRAL, PROD, DEV].map((id) => [
      id,
      memberAccount({ [REGION]: { vaults: [looseLock] } }, { name: `account-${id}` }),
    ]),
  ),
});

const accountsWith = (actions: readonly ActionRecord[], predicate: (action: ActionRecord) => boolean) =>
  [...new Set(actions.filter(predicate).map((action) => action.accountId))].sort();

describe('blast radius across the fanned-out targets of a run', () => {
  it('lets 25 % of 4 accounts (1) change existing configuration per run, blocks and reports the rest, and finishes over later runs', async () => {
    const config = e2eConfig({ blastRadius: { maxAccountsChangedPercent: 25 } });
    await withHarness({ world: lockWorld, config }, async (harness) => {
      // The loosely locked member vaults; locking the new central vault is creating, which never counts.
      const isLockChange = (action: ActionRecord) =>
        action.kind === 'PutVaultLock' && action.target.endsWith(':backup-vault:org-backup');
      const changedPerRun: string[][] = [];
      for (let run = 0; run < 4; run += 1) {
        advanceToHour(harness, run);
        await harness.sweep();
        const { actions } = await harness.report();
        const thisRun = actions.filter((action) => action.at === harness.sim.now().toISOString());
        changedPerRun.push(accountsWith(thisRun, (a) => isLockChange(a) && a.applied));
        if (run === 0) {
          const blocked = accountsWith(thisRun, (a) => isLockChange(a) && a.blocked?.by === 'BLAST_RADIUS');
          // One account changed, the three others blocked with the limit named, not silently dropped.
          expect(changedPerRun[0]).toHaveLength(1);
          expect(blocked).toHaveLength(3);
          expect(thisRun.find((a) => a.blocked)?.blocked?.message).toContain('25% (1 of 4 accounts)');
        }
      }
      // Each run admitted exactly one new account; after four runs every account's lock is the configured one.
      expect(changedPerRun.map((accounts) => accounts.length)).toEqual([1, 1, 1, 1]);
      expect(changedPerRun.flat().sort()).toEqual([CENTRAL, MANAGEMENT, PROD, DEV].sort());
      const outstanding = await Promise.all(
        [MANAGEMENT, CENTRAL, PROD, DEV].map((id) => harness.store.getAccountView(id)),
      );
      expect(outstanding.flatMap((view) => view.outstandingActions.filter(isLockChange))).toEqual([]);
    });
  });

  it('never counts creating what is missing: new vaults in every account are made in the first run', async () => {
    const config = e2eConfig({ blastRadius: { maxAccountsChangedPercent: 25 } });
    await withHarness({ world, config }, async (harness) => {
      await harness.sweep();
      for (const account of [MANAGEMENT, CENTRAL, PROD, DEV]) {
        expect(harness.sim.inspect.vaultExists(account, REGION, 'org-backup')).toBe(true);
      }
    });
  });
});

describe('irreversible vault lock', () => {
  const compliance = { mode: 'compliance', minRetentionDays: 7, maxRetentionDays: 365, changeableForDays: 3 };

  it('is planned but blocked without allowIrreversibleLock: no vault gets a lock, the block is reported', async () => {
    const config = e2eConfig({ vault: { name: 'org-backup', kmsKey: 'aws/backup', lock: compliance } });
    await withHarness({ world, config }, async (harness) => {
      await harness.sweep();
      const report = await harness.report();
      const blocked = report.actions.filter((a) => a.kind === 'PutVaultLock' && a.blocked);
      expect(blocked.map((a) => a.blocked?.by)).toEqual(blocked.map(() => 'IRREVERSIBLE_LOCK'));
      expect(accountsWith(blocked, () => true)).toEqual([CENTRAL, DEV, MANAGEMENT, PROD].sort());
      for (const account of [MANAGEMENT, CENTRAL, PROD, DEV]) {
        expect(harness.sim.inspect.vault(account, REGION, 'org-backup')?.lock).toBeUndefined();
      }
    });
  });

  it('is applied, with its grace period, once allowIrreversibleLock is true', async () => {
    const config = e2eConfig({
      vault: { name: 'org-backup', kmsKey: 'aws/backup', lock: compliance, allowIrreversibleLock: true },
    });
    await withHarness({ world, config }, async (harness) => {
      await harness.sweep();
      const lock = harness.sim.inspect.vault(PROD, REGION, 'org-backup')?.lock;
      expect(lock).toMatchObject({ minRetentionDays: 7, maxRetentionDays: 365 });
      expect(lock?.lockDate?.getTime()).toBe(harness.sim.now().getTime() + 3 * 86_400_000);
    });
  });
});
