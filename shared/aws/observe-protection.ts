import {
  BackupClient,
  ListBackupJobsCommand,
  ListCopyJobsCommand,
  ListProtectedResourcesCommand,
  ListRecoveryPointsByBackupVaultCommand,
  type RecoveryPointCreator,
} from '@aws-sdk/client-backup';
import type {
  BackupOrigin,
  JobOutcome,
  JobState,
  ProtectedResource,
  VaultRecoveryPoint,
} from '../domain/model.js';
import type { ClientFactory } from './clients.js';
import { type Call, callSite, listAll, type TargetRef, unlessNotFound } from './observe-reads.js';

/**
 * Backup's list calls accept at most 1000 results per page
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ListBackupJobs.html).
 */
const BACKUP_PAGE_SIZE = 1000;

/** The newest backup of each resource, of any origin: used only to say that other backups exist. */
export async function readProtectedResources(backup: BackupClient, call: Call): Promise<ProtectedResource[]> {
  const results = await listAll(
    call,
    'ListProtectedResources',
    (NextToken) =>
      backup.send(new ListProtectedResourcesCommand({ MaxResults: BACKUP_PAGE_SIZE, NextToken })),
    (page) => ({ items: page.Results, nextToken: page.NextToken }),
  );
  return results
    .flatMap((result) =>
      result.ResourceArn
        ? [
            {
              arn: result.ResourceArn,
              resourceType: result.ResourceType ?? '',
              lastBackupTime: result.LastBackupTime ?? null,
              lastBackupVaultArn: result.LastBackupVaultArn ?? null,
              lastRecoveryPointArn: result.LastRecoveryPointArn ?? null,
            },
          ]
        : [],
    )
    .sort((a, b) => a.arn.localeCompare(b.arn));
}

/**
 * Every recovery point created since `since` in the configured vault, whoever made it; none when the vault
 * does not exist. This, not Protected Resources, says whether the policy itself backed a resource up.
 */
export async function readVaultRecoveryPoints(
  backup: BackupClient,
  call: Call,
  vaultName: string,
  since: Date,
): Promise<VaultRecoveryPoint[]> {
  const points = await listVaultRecoveryPoints(backup, call, vaultName, { ByCreatedAfter: since });
  return (points ?? []).flatMap((point) =>
    point.RecoveryPointArn && point.ResourceArn && point.CreationDate
      ? [
          {
            arn: point.RecoveryPointArn,
            resourceArn: point.ResourceArn,
            status: point.Status ?? 'COMPLETED',
            creationDate: point.CreationDate,
            ...originOf(point.CreatedBy),
            ...(point.SourceBackupVaultArn ? { sourceVaultArn: point.SourceBackupVaultArn } : {}),
          },
        ]
      : [],
  );
}

/**
 * How many recovery points in the vault are EXPIRED: past their retention, not deleted, still billed
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_RecoveryPointByBackupVault.html). Only points
 * created before `before` can have expired; where lifecycle works that listing is nearly empty, so it costs
 * one page. None when the vault does not exist.
 */
export async function countExpiredRecoveryPoints(
  backup: BackupClient,
  call: Call,
  vaultName: string,
  before: Date,
): Promise<{ vaultName: string; count: number }> {
  const points = await listVaultRecoveryPoints(backup, call, vaultName, { ByCreatedBefore: before });
  return { vaultName, count: (points ?? []).filter((point) => point.Status === 'EXPIRED').length };
}

/** The resources, in any account, whose recovery points (copies, in a central vault) are in the vault. */
export async function readRecoveryPointSources(
  backup: BackupClient,
  call: Call,
  vaultName: string,
): Promise<string[]> {
  const points = await listVaultRecoveryPoints(backup, call, vaultName, { ByCreatedAfter: new Date(0) });
  return [
    ...new Set((points ?? []).flatMap((point) => (point.ResourceArn ? [point.ResourceArn] : []))),
  ].sort();
}

/** Every page of a vault's recovery points created within `created`; null when the vault does not exist. */
function listVaultRecoveryPoints(
  backup: BackupClient,
  call: Call,
  vaultName: string,
  created: { readonly ByCreatedAfter: Date } | { readonly ByCreatedBefore: Date },
) {
  return unlessNotFound(() =>
    listAll(
      call,
      'ListRecoveryPointsByBackupVault',
      (NextToken) =>
        backup.send(
          new ListRecoveryPointsByBackupVaultCommand({
            BackupVaultName: vaultName,
            ...created,
            MaxResults: BACKUP_PAGE_SIZE,
            NextToken,
          }),
        ),
      (page) => ({ items: page.RecoveryPoints, nextToken: page.NextToken }),
    ),
  );
}

function originOf(createdBy: RecoveryPointCreator | undefined): BackupOrigin {
  return { backupPlanId: createdBy?.BackupPlanId ?? null, backupPlanName: createdBy?.BackupPlanName ?? null };
}

/**
 * Jobs are asked of the member account itself: it spends the member's own API quota, and it does not depend
 * on the organization's trusted access for cross-account job monitoring, without which the management
 * account sees no member jobs
 * (https://docs.aws.amazon.com/organizations/latest/userguide/services-that-can-integrate-backup.html).
 */
export function readJobs(factory: ClientFactory, target: TargetRef, since: Date): Promise<JobOutcome[]> {
  const backup = factory.clientOf(BackupClient, target.accountId, target.region);
  return listJobs(backup, callSite(target.accountId, target.region), since);
}

async function listJobs(backup: BackupClient, call: Call, since: Date): Promise<JobOutcome[]> {
  const filter = { ByCreatedAfter: since, MaxResults: BACKUP_PAGE_SIZE };
  const [backupJobs, copyJobs] = await Promise.all([
    listAll(
      call,
      'ListBackupJobs',
      (NextToken) => backup.send(new ListBackupJobsCommand({ ...filter, NextToken })),
      (page) => ({ items: page.BackupJobs, nextToken: page.NextToken }),
    ),
    listAll(
      call,
      'ListCopyJobs',
      (NextToken) => backup.send(new ListCopyJobsCommand({ ...filter, NextToken })),
      (page) => ({ items: page.CopyJobs, nextToken: page.NextToken }),
    ),
  ]);
  const outcome = (
    kind: JobOutcome['kind'],
    job: {
      ResourceArn?: string | undefined;
      State?: string | undefined;
      CreationDate?: Date | undefined;
      CompletionDate?: Date | undefined;
      StatusMessage?: string | undefined;
      MessageCategory?: string | undefined;
      CreatedBy?: RecoveryPointCreator | undefined;
    },
    jobId: string | undefined,
  ): JobOutcome => ({
    kind,
    jobId: jobId ?? '',
    resourceArn: job.ResourceArn ?? '',
    state: (job.State ?? 'CREATED') as JobState,
    creationDate: job.CreationDate ?? since,
    completionDate: job.CompletionDate ?? null,
    statusMessage: job.StatusMessage ?? null,
    messageCategory: job.MessageCategory ?? null,
    origin: originOf(job.CreatedBy),
  });
  const outcomes: JobOutcome[] = [
    ...backupJobs.map((job) => ({
      ...outcome('BACKUP', job, job.BackupJobId),
      vaultName: job.BackupVaultName ?? null,
    })),
    ...copyJobs.map((job) => ({
      ...outcome('COPY', job, job.CopyJobId),
      ...(job.DestinationBackupVaultArn ? { destinationVaultArn: job.DestinationBackupVaultArn } : {}),
    })),
  ];
  return outcomes.sort(
    (a, b) => b.creationDate.getTime() - a.creationDate.getTime() || a.jobId.localeCompare(b.jobId),
  );
}
