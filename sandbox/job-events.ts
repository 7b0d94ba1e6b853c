import type { EventRouter } from './events.js';
import type { JobOrigin, SimBackupJob, SimCopyJob } from './state.js';

/** The `aws.backup` events a job's state changes put on its account's default bus, shaped as AWS sends them. */
export function emitBackupJobEvent(events: EventRouter, job: SimBackupJob): void {
  const isoOrUndefined = (date?: Date) => date?.toISOString();
  const detail: Record<string, unknown> =
    job.state === 'CREATED'
      ? { backupJobId: job.jobId, state: job.state, creationDate: job.creationDate.toISOString() }
      : {
          backupJobId: job.jobId,
          backupVaultArn: job.vaultArn,
          backupVaultName: job.vaultName,
          // Sizes arrive as strings in backup-job events.
          bytesTransferred: String(job.backupSizeInBytes),
          backupSizeInBytes: String(job.backupSizeInBytes),
          creationDate: job.creationDate.toISOString(),
          completionDate: isoOrUndefined(job.completionDate),
          startBy: job.startBy.toISOString(),
          expectedCompletionDate: legacyEventDate(job.expectedCompletionDate),
          iamRoleArn: job.iamRoleArn,
          resourceArn: job.resourceArn,
          resourceType: job.resourceType,
          state: job.state,
          statusMessage: job.statusMessage ?? '',
          percentDone: job.percentDone,
          retryCount: 0,
          ...createdByOf(job.createdBy),
        };
  events.emit(job.accountId, job.region, {
    source: 'aws.backup',
    detailType: 'Backup Job State Change',
    resources: job.state === 'COMPLETED' && job.recoveryPointArn ? [job.recoveryPointArn] : [],
    detail,
  });
}

export function emitCopyJobEvent(events: EventRouter, job: SimCopyJob): void {
  events.emit(job.accountId, job.region, {
    source: 'aws.backup',
    detailType: 'Copy Job State Change',
    resources: [job.sourceRecoveryPointArn],
    detail: {
      copyJobId: job.jobId,
      // A number here, unlike backup-job events.
      backupSizeInBytes: job.backupSizeInBytes,
      creationDate: job.creationDate.toISOString(),
      ...(job.completionDate ? { completionDate: job.completionDate.toISOString() } : {}),
      iamRoleArn: job.iamRoleArn,
      resourceArn: job.resourceArn,
      resourceType: job.resourceType,
      sourceBackupVaultArn: job.sourceVaultArn,
      destinationBackupVaultArn: job.destinationVaultArn,
      // `{}` until the destination recovery point exists.
      destinationRecoveryPointArn: job.destinationRecoveryPointArn ?? {},
      state: job.state,
      statusMessage: job.statusMessage ?? '',
      ...createdByOf(job.createdBy),
    },
  });
}

function createdByOf(origin: JobOrigin | undefined): { createdBy?: Record<string, string> } {
  if (!origin) return {};
  return {
    createdBy: {
      backupPlanId: origin.backupPlanId,
      backupPlanArn: origin.backupPlanArn,
      backupPlanVersion: origin.backupPlanVersion,
      backupPlanRuleId: origin.backupRuleId,
    },
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Backup's events print expectedCompletionDate like `Jul 15, 2020 9:39:07 PM`, in UTC here. */
function legacyEventDate(date: Date): string {
  const month = MONTHS[date.getUTCMonth()];
  const hours = date.getUTCHours();
  const hour12 = hours % 12 === 0 ? 12 : hours % 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${month} ${date.getUTCDate()}, ${date.getUTCFullYear()} ${hour12}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
}
