import { describe, expect, it } from 'vitest';
import {
  BACKUP_ROLE,
  CENTRAL,
  DEV,
  e2eConfig,
  MANAGEMENT,
  MEMBER_VAULT,
  PROD,
  preparedWorld,
  sweepAtHour,
  taggedVolumes,
  withHarness,
} from './support.js';

/**
 * The deployment the README recommends: the controller in us-east-1, backups in two EU Regions. No account
 * declares a backup role: every one comes from the simulated member baseline (the main stack's in the
 * management account).
 */
const EU = ['eu-west-1', 'eu-central-1'] as const;
const NEWCOMER = '666666666666';
const config = e2eConfig({ regions: [...EU] });

const world = preparedWorld(config, {
  controllerRegion: 'us-east-1',
  baselineDelayMinutes: 90,
  accounts: {
    [MANAGEMENT]: { name: 'management' },
    [CENTRAL]: { name: 'backup-central' },
    [DEV]: { name: 'dev' },
    [PROD]: {
      name: 'prod',
      regions: {
        [EU[0]]: { resources: taggedVolumes(PROD, 'west', 2, EU[0]) },
        [EU[1]]: { resources: taggedVolumes(PROD, 'central', 2, EU[1]) },
      },
    },
  },
  timeline: [
    {
      // Joins ten minutes before the 05:00 run, with a vault an account factory made; the baseline (and with
      // it the backup role the inherited policy names) follows 90 minutes later.
      at: '2026-03-02T04:50:00Z',
      createAccount: {
        id: NEWCOMER,
        ou: '/Workloads',
        account: {
          regions: {
            [EU[0]]: { resources: taggedVolumes(NEWCOMER, 'new', 1, EU[0]), vaults: [MEMBER_VAULT] },
          },
        },
      },
    },
  ],
});

describe('the controller deployed in us-east-1 with policy Regions in the EU', () => {
  it('protects resources in both EU Regions with the backup role of the simulated baseline, and covers an account that joins once its baseline arrives', async () => {
    await withHarness({ world, config }, async (harness) => {
      const { sim } = harness;
      expect(sim.controllerRegion()).toBe('us-east-1');
      await sweepAtHour(harness, 0);

      // The 05:00 job started (by 06:00) in the newcomer before its baseline: no role to assume.
      sim.advanceTo(new Date('2026-03-02T06:10:00Z'));
      expect(sim.inspect.role(NEWCOMER, BACKUP_ROLE)).toBeUndefined();
      const failedJob = sim.inspect.backupJobs({ accountId: NEWCOMER })[0];
      expect(failedJob?.statusMessage).toMatch(
        /^Unable to assume role arn:aws:iam::666666666666:role\/OrgBackupServiceRole/,
      );

      const first = await sweepAtHour(harness, 10);
      const prod = first.resources.filter((finding) => finding.accountId === PROD);
      expect(prod.map((finding) => [finding.region, finding.status]).sort()).toEqual([
        ['eu-central-1', 'PROTECTED'],
        ['eu-central-1', 'PROTECTED'],
        ['eu-west-1', 'PROTECTED'],
        ['eu-west-1', 'PROTECTED'],
      ]);
      const backupRole = sim.inspect.role(PROD, BACKUP_ROLE);
      expect(backupRole?.managedPolicyArns).toContain(
        'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup',
      );
      expect(
        sim.inspect.backupJobs({ accountId: PROD }).every((job) => job.iamRoleArn === backupRole?.arn),
      ).toBe(true);
      for (const region of EU) {
        const target = first.accounts.find((t) => t.accountId === PROD && t.region === region);
        expect(target?.checks.find((check) => check.check === 'BACKUP_ROLE')?.status).toBe('PASS');
      }

      // The baseline arrived at 06:20; the sweep reaches the account and reports the failed backup with
      // AWS Backup's message (the role exists now, so nothing observed stands in the way).
      expect(sim.inspect.role(NEWCOMER, BACKUP_ROLE)).toBeDefined();
      const joined = first.resources.find((finding) => finding.accountId === NEWCOMER);
      expect(joined?.reasons).toEqual(['JOB_FAILED']);
      expect(joined?.detail).toContain('Unable to assume role');

      // The next day's run uses the role: covered.
      const nextDay = await sweepAtHour(harness, 24 + 10);
      expect(nextDay.resources.find((finding) => finding.accountId === NEWCOMER)?.status).toBe('PROTECTED');
    });
  });

  it('the demo world runs the controller in us-east-1', async () => {
    const { readFileSync } = await import('node:fs');
    const { loadWorld } = await import('../../sandbox/world.js');
    const demo = loadWorld(readFileSync(new URL('../../sandbox/demo/world.yaml', import.meta.url), 'utf8'));
    expect(demo.controllerRegion).toBe('us-east-1');
  });
});
