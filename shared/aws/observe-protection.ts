import {
  type BackupClient,
  ListBackupJobsCommand,
  ListCopyJobsCommand,
  ListProtectedResourcesCommand,
} from '@aws-sdk/client-backup';
import type { JobOutcome, JobState, ProtectedResource } from '../domain/model.js';
import type { ClientFactory } from './clients.js';
import { classifyAwsError } from './errors.js';
import { type Call, callSite, listAll, type TargetRef } from './observe-reads.js';

/**
 * Backup's list calls accept at most 1000 results per page
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ListBackupJobs.html).
 */
const BACKUP_PAGE_SIZE = 1000;

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
            },
          ]
        : [],
    )
    .sort((a, b) => a.arn.localeCompare(b.arn));
}

/**
 * Jobs are asked of the management account, which answers for the whole organization with ByAccountId:
 * one place for the permissions and no member quota spent. When cross-account monitoring is not enabled
 * (denied or invalid), the member account is asked about its own jobs instead.
 */
export async function readJobs(
  factory: ClientFactory,
  target: TargetRef,
  since: Date,
): Promise<JobOutcome[]> {
  try {
    const management = factory.backup(factory.managementAccountId, target.region);
    return await listJobs(
      management,
      callSite(factory.managementAccountId, target.region),
      since,
      target.accountId,
    );
  } catch (error) {
    const { category } = classifyAwsError(error);
    if (category !== 'access-denied' && category !== 'invalid') throw error;
    const member = factory.backup(target.accountId, target.region);
    return listJobs(member, callSite(target.accountId, target.region), since, undefined);
  }
}

async function listJobs(
  backup: BackupClient,
  call: Call,
  since: Date,
  byAccountId: string | undefined,
): Promise<JobOutcome[]> {
  const filter = {
    ByCreatedAfter: since,
    MaxResults: BACKUP_PAGE_SIZE,
    ...(byAccountId ? { ByAccountId: byAccountId } : {}),
  };
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
      ResourceArn?: string;
      State?: string;
      CreationDate?: Date;
      CompletionDate?: Date;
      StatusMessage?: string;
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
  });
  const outcomes: JobOutcome[] = [
    ...backupJobs.map((job) => outcome('BACKUP', job, job.BackupJobId)),
    ...copyJobs.map((job) => ({
      ...outcome('COPY', job, job.CopyJobId),
      ...(job.DestinationBackupVaultArn ? { destinationVaultArn: job.DestinationBackupVaultArn } : {}),
    })),
  ];
  return outcomes.sort(
    (a, b) => b.creationDate.getTime() - a.creationDate.getTime() || a.jobId.localeCompare(b.jobId),
  );
}
