import {
  ListBackupJobsCommand,
  ListProtectedResourcesCommand,
  ListRecoveryPointsByBackupVaultCommand,
} from '@aws-sdk/client-backup';
import { describe, expect, it } from 'vitest';
import {
  at,
  backupPolicy,
  baseWorld,
  clients,
  memberCredentials,
  PROD,
  REGION,
  simulate,
} from './helpers.js';

const VOLUME = `arn:aws:ec2:${REGION}:${PROD}:volume/vol-team`;
const FILE_SYSTEM = `arn:aws:elasticfilesystem:${REGION}:${PROD}:file-system/fs-1`;
const TABLE = `arn:aws:dynamodb:${REGION}:${PROD}:table/ledger`;
const BUCKET = 'arn:aws:s3:::prod-ledger-exports';
const BUCKET_KEY = `arn:aws:kms:${REGION}:${PROD}:key/bucket-key`;
const TAG = { BackupEnabled: 'True' };

describe('backups made outside the organization policy', () => {
  it('run like real ones: team plans, EFS automatic backups and on-demand backups, each with its own origin', async () => {
    const sim = simulate(
      baseWorld({
        accounts: {
          [PROD]: {
            regions: {
              [REGION]: {
                vaults: [{ name: 'team-vault' }],
                plans: [
                  { name: 'team-nightly', schedule: 'cron(0 2 ? * * *)', vault: 'team-vault', tags: TAG },
                ],
                resources: [
                  { arn: VOLUME, tags: TAG },
                  { arn: FILE_SYSTEM, tags: TAG, efsAutomaticBackup: true },
                  { arn: TABLE, tags: TAG },
                ],
              },
            },
          },
        },
        timeline: [{ at: '2026-03-02T12:00:00Z', onDemandBackup: { arn: TABLE, vault: 'team-vault' } }],
      }),
    );
    sim.advanceTo(at('2026-03-02T18:00:00Z'));
    const { backup } = clients(sim, memberCredentials(sim, PROD));

    const jobs = (await backup.send(new ListBackupJobsCommand({}))).BackupJobs ?? [];
    const byResource = new Map(jobs.map((job) => [job.ResourceArn, job]));
    // The team plan selects every resource with the tag; the volume's job is the team plan's.
    expect(byResource.get(VOLUME)).toMatchObject({
      State: 'COMPLETED',
      BackupVaultName: 'team-vault',
      MessageCategory: 'SUCCESS',
    });
    expect(byResource.get(VOLUME)?.CreatedBy?.BackupPlanName).toBe('team-nightly');
    expect(byResource.get(VOLUME)?.CreatedBy?.BackupPlanId).not.toMatch(/^orgs\//);
    const efsJobs = jobs.filter((job) => job.ResourceArn === FILE_SYSTEM);
    expect(efsJobs.map((job) => job.BackupVaultName).sort()).toEqual([
      'aws/efs/automatic-backup-vault',
      'team-vault',
    ]);
    const onDemand = jobs.find(
      (job) => job.ResourceArn === TABLE && job.CreationDate?.toISOString() === '2026-03-02T12:00:00.000Z',
    );
    expect(onDemand).toMatchObject({ State: 'COMPLETED', BackupVaultName: 'team-vault' });
    expect(onDemand?.CreatedBy).toBeUndefined();

    const protectedList = (await backup.send(new ListProtectedResourcesCommand({}))).Results ?? [];
    const efsEntry = protectedList.find((entry) => entry.ResourceArn === FILE_SYSTEM);
    // The automatic backup (07:00) is newer than the team plan's (02:00): it is the one listed.
    expect(efsEntry?.LastBackupVaultArn).toBe(
      `arn:aws:backup:${REGION}:${PROD}:backup-vault:aws/efs/automatic-backup-vault`,
    );

    const points =
      (await backup.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: 'team-vault' })))
        .RecoveryPoints ?? [];
    expect(points.find((point) => point.ResourceArn === VOLUME)?.CreatedBy?.BackupPlanName).toBe(
      'team-nightly',
    );
  });

  it('an S3 job on a bucket whose key refuses the backup role completes with issues', async () => {
    const sim = simulate(
      baseWorld({
        policies: [{ name: 'org-backup', content: backupPolicy(), attachedTo: ['root'] }],
        accounts: {
          [PROD]: {
            roles: ['OrgBackupServiceRole'],
            regions: {
              [REGION]: {
                optIn: { S3: true },
                vaults: [{ name: 'org-backup' }],
                keys: [{ arn: BUCKET_KEY, allowsBackupRole: false }],
                resources: [{ arn: BUCKET, tags: TAG, kmsKeyArn: BUCKET_KEY }],
              },
            },
          },
        },
      }),
    );
    sim.advanceTo(at('2026-03-02T09:00:00Z'));
    const { backup } = clients(sim, memberCredentials(sim, PROD));
    const [job] = (await backup.send(new ListBackupJobsCommand({}))).BackupJobs ?? [];
    expect(job).toMatchObject({ State: 'COMPLETED', MessageCategory: 'AccessDenied' });
    expect(job?.StatusMessage).toMatch(/KMS key/);
    expect(job?.CreatedBy?.BackupPlanId).toMatch(/^orgs\//);
  });
});
