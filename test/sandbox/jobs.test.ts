import {
  CreateBackupVaultCommand,
  ListBackupJobsCommand,
  ListProtectedResourcesCommand,
} from '@aws-sdk/client-backup';
import { describe, expect, it } from 'vitest';
import type { WorldInput } from '../../sandbox/index.js';
import {
  at,
  backupPolicy,
  baseWorld,
  clients,
  MANAGEMENT,
  memberCredentials,
  PROD,
  REGION,
  simulate,
} from './helpers.js';

const VOLUME = `arn:aws:ec2:${REGION}:${PROD}:volume/vol-0001`;
const KEY = `arn:aws:kms:${REGION}:${PROD}:key/k1`;

function prodWorld(
  region: NonNullable<WorldInput['accounts']>[string]['regions'],
  extra: Partial<WorldInput> = {},
): WorldInput {
  return baseWorld({
    policies: [{ name: 'org-backup', content: backupPolicy(), attachedTo: ['root'] }],
    accounts: { [PROD]: { roles: ['OrgBackupServiceRole'], regions: region } },
    ...extra,
  });
}

const lastJob = (sim: ReturnType<typeof simulate>) => sim.inspect.backupJobs({ accountId: PROD }).at(-1);

describe('scheduled backup jobs', () => {
  it('fail with the vault-missing message at the cron time, then succeed once the vault exists', async () => {
    const sim = simulate(
      prodWorld({ [REGION]: { resources: [{ arn: VOLUME, tags: { BackupEnabled: 'True' } }] } }),
    );
    sim.advanceTo(at('2026-03-02T04:59:00Z'));
    expect(sim.inspect.backupJobs()).toHaveLength(0);
    sim.advanceTo(at('2026-03-02T08:00:00Z'));
    const failed = lastJob(sim);
    expect(failed?.creationDate).toEqual(at('2026-03-02T05:00:00Z'));
    expect(failed?.state).toBe('FAILED');
    expect(failed?.statusMessage).toBe('Backup vault org-backup does not exist.');

    const { backup } = clients(sim, memberCredentials(sim, PROD));
    await backup.send(new CreateBackupVaultCommand({ BackupVaultName: 'org-backup' }));
    sim.advanceTo(at('2026-03-03T08:00:00Z'));
    const done = lastJob(sim);
    expect(done?.state).toBe('COMPLETED');
    expect(done?.completionDate?.getTime()).toBeLessThanOrEqual(
      done!.creationDate.getTime() + (60 + 180) * 60_000,
    );
    expect(sim.inspect.recoveryPoints(PROD, REGION, 'org-backup')).toHaveLength(1);

    const protectedList = await backup.send(new ListProtectedResourcesCommand({}));
    expect(protectedList.Results?.map((r) => [r.ResourceArn, r.ResourceType])).toEqual([[VOLUME, 'EBS']]);
    expect(protectedList.Results?.[0]?.LastBackupTime?.getTime()).toBeGreaterThan(
      at('2026-03-03T05:00:00Z').getTime(),
    );

    const jobs = await backup.send(new ListBackupJobsCommand({ ByState: 'FAILED' }));
    expect(jobs.BackupJobs?.map((j) => j.StatusMessage)).toEqual(['Backup vault org-backup does not exist.']);
    expect(jobs.BackupJobs?.[0]?.CreatedBy?.BackupPlanId).toMatch(/^orgs\//);
  });

  it.each([
    {
      why: 'the backup role does not exist',
      accounts: {
        [PROD]: {
          regions: {
            [REGION]: {
              vaults: [{ name: 'org-backup' }],
              resources: [{ arn: VOLUME, tags: { BackupEnabled: 'True' } }],
            },
          },
        },
      },
      message: `Unable to assume role arn:aws:iam::${PROD}:role/OrgBackupServiceRole. Verify that the role exists and trusts backup.amazonaws.com.`,
    },
    {
      why: 'the resource key policy refuses the backup role and no grant allows it',
      accounts: {
        [PROD]: {
          roles: ['OrgBackupServiceRole'],
          regions: {
            [REGION]: {
              vaults: [{ name: 'org-backup' }],
              keys: [{ arn: KEY, allowsBackupRole: false }],
              resources: [{ arn: VOLUME, tags: { BackupEnabled: 'True' }, kmsKeyArn: KEY }],
            },
          },
        },
      },
      message: `Given key ID is not accessible: ${KEY}`,
    },
    {
      why: 'the resource key is pending deletion',
      accounts: {
        [PROD]: {
          roles: ['OrgBackupServiceRole'],
          regions: {
            [REGION]: {
              vaults: [{ name: 'org-backup' }],
              keys: [
                {
                  arn: KEY,
                  state: 'PendingDeletion' as const,
                  grantees: [`arn:aws:iam::${PROD}:role/OrgBackupServiceRole`],
                },
              ],
              resources: [{ arn: VOLUME, tags: { BackupEnabled: 'True' }, kmsKeyArn: KEY }],
            },
          },
        },
      },
      message: `KMS key ${KEY} is pending deletion.`,
    },
    {
      why: 'the vault lock does not allow 35 days of retention',
      accounts: {
        [PROD]: {
          roles: ['OrgBackupServiceRole'],
          regions: {
            [REGION]: {
              vaults: [
                {
                  name: 'org-backup',
                  lock: { minRetentionDays: 60, maxRetentionDays: 400, lockDate: '2026-01-01T00:00:00Z' },
                },
              ],
              resources: [{ arn: VOLUME, tags: { BackupEnabled: 'True' } }],
            },
          },
        },
      },
      message:
        'Lifecycle retention of 35 days is outside the range allowed by the vault lock on org-backup (minimum 60 days, maximum 400 days).',
    },
  ])('fail when $why', ({ accounts, message }) => {
    const sim = simulate(
      baseWorld({
        policies: [{ name: 'org-backup', content: backupPolicy(), attachedTo: ['root'] }],
        accounts,
      }),
    );
    sim.advanceTo(at('2026-03-02T09:00:00Z'));
    expect(lastJob(sim)).toMatchObject({ state: 'FAILED', statusMessage: message });
  });

  it('use a customer key without any grant when its key policy allows the backup role (the default)', () => {
    const sim = simulate(
      prodWorld({
        [REGION]: {
          vaults: [{ name: 'org-backup' }],
          keys: [{ arn: KEY }],
          resources: [{ arn: VOLUME, tags: { BackupEnabled: 'True' }, kmsKeyArn: KEY }],
        },
      }),
    );
    sim.advanceTo(at('2026-03-02T09:00:00Z'));
    expect(lastJob(sim)).toMatchObject({ state: 'COMPLETED' });
  });

  it.each<{
    why: string;
    resource: { arn: string; tags: Record<string, string> };
    optIn: Record<string, boolean>;
  }>([
    {
      why: 'the tag value is only a near miss',
      resource: { arn: VOLUME, tags: { BackupEnabled: 'true' } },
      optIn: {},
    },
    {
      why: 'the tag key differs in case',
      resource: { arn: VOLUME, tags: { backupenabled: 'True' } },
      optIn: {},
    },
    {
      why: 'the resource type is not opted in',
      resource: { arn: VOLUME, tags: { BackupEnabled: 'True' } },
      optIn: { EBS: false },
    },
    {
      why: 'the type is off by default (S3)',
      resource: { arn: 'arn:aws:s3:::prod-data', tags: { BackupEnabled: 'True' } },
      optIn: {},
    },
  ])('never start when $why', ({ resource, optIn }) => {
    const sim = simulate(
      prodWorld({ [REGION]: { optIn, vaults: [{ name: 'org-backup' }], resources: [resource] } }),
    );
    sim.advanceTo(at('2026-03-03T09:00:00Z'));
    expect(sim.inspect.backupJobs()).toHaveLength(0);
  });

  it('never start in a Region the policy does not list', () => {
    const sim = simulate(
      prodWorld({
        'us-west-2': {
          vaults: [{ name: 'org-backup' }],
          resources: [{ arn: `arn:aws:ec2:us-west-2:${PROD}:volume/vol-9`, tags: { BackupEnabled: 'True' } }],
        },
      }),
    );
    sim.advanceTo(at('2026-03-03T09:00:00Z'));
    expect(sim.inspect.backupJobs()).toHaveLength(0);
  });

  it('stop after the policy is detached on the timeline, and the detach reaches the central bus', () => {
    const sim = simulate(
      prodWorld(
        {
          [REGION]: {
            vaults: [{ name: 'org-backup' }],
            resources: [{ arn: VOLUME, tags: { BackupEnabled: 'True' } }],
          },
        },
        { timeline: [{ at: '2026-03-02T12:00:00Z', detachPolicy: { target: 'root' } }] },
      ),
    );
    sim.advanceTo(at('2026-03-04T00:00:00Z'));
    expect(sim.inspect.backupJobs()).toHaveLength(1);
    const cloudTrail = sim
      .drainCentralBusEvents()
      .filter((e) => e['detail-type'] === 'AWS API Call via CloudTrail');
    expect(cloudTrail.map((e) => [e.account, e.detail.eventName])).toEqual([[MANAGEMENT, 'DetachPolicy']]);
  });

  it('are deterministic for a seed', () => {
    const world = prodWorld({
      [REGION]: {
        vaults: [{ name: 'org-backup' }],
        resources: [{ arn: VOLUME, tags: { BackupEnabled: 'True' } }],
      },
    });
    const run = () => {
      const sim = simulate(world, 42);
      sim.advanceTo(at('2026-03-05T00:00:00Z'));
      return sim.inspect.backupJobs().map((j) => [j.jobId, j.completionDate?.toISOString(), j.state]);
    };
    expect(run()).toEqual(run());
  });
});
