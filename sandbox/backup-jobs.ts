import type { CopyJobLifecycle } from './copy-jobs.js';
import type { SimPlanRule } from './effective-policy.js';
import type { JobClock } from './job-clock.js';
import { emitBackupJobEvent } from './job-events.js';
import { findKey, vaultArn } from './lookup.js';
import { keyUsableBy, lockConflict, roleTrustsBackup } from './policy.js';
import { recordProtected, recoveryPointArnFor } from './recovery-points.js';
import type { JobOrigin, SimBackupJob, SimRegion, SimResource } from './state.js';

const MINUTE_MS = 60_000;

/** A job that cannot run: AWS's message and the message category it reports. */
interface JobFailure {
  readonly message: string;
  readonly category: string;
}

const ACCESS_DENIED = 'AccessDenied';
const INVALID_PARAMETERS = 'InvalidParameters';
const SUCCESS = 'SUCCESS';
/** Invented wording (AWS does not publish it): what an S3 job that skipped undecryptable objects reports. */
const SKIPPED_OBJECTS_MESSAGE =
  'Backup completed with issues: some objects were not backed up because the IAM role could not use their KMS key.';

/**
 * A backup job from its scheduled start: created, started inside the start window, then completed inside the
 * completion window (a recovery point, the Protected Resources entry, the rule's copies) or failed for the
 * reason AWS would give.
 */
export class BackupJobLifecycle {
  constructor(
    private readonly clock: JobClock,
    private readonly copies: CopyJobLifecycle,
  ) {}

  /** `origin` is the plan that made the job; none for an on-demand backup. */
  create(
    region: SimRegion,
    resource: SimResource,
    rule: SimPlanRule,
    iamRoleArn: string,
    origin: JobOrigin | undefined,
  ): void {
    const { state } = this.clock;
    const now = state.now.getTime();
    const startWindowMs = rule.startWindowMinutes * MINUTE_MS;
    const completionWindowMs = rule.completionWindowMinutes * MINUTE_MS;
    const startDelay = state.rng.int(1, Math.max(1, Math.min(60, rule.startWindowMinutes - 1))) * MINUTE_MS;
    const duration =
      state.rng.int(5, Math.max(5, Math.min(90, rule.completionWindowMinutes - 1))) * MINUTE_MS;
    const job: SimBackupJob = {
      jobId: state.nextId('backup-job', 32).toUpperCase(),
      accountId: region.accountId,
      region: region.region,
      resourceArn: resource.arn,
      resourceType: resource.resourceType ?? '',
      vaultName: rule.vaultName,
      vaultArn: vaultArn(region.region, region.accountId, rule.vaultName),
      iamRoleArn,
      createdBy: origin,
      creationDate: state.now,
      startBy: new Date(now + startWindowMs),
      expectedCompletionDate: new Date(now + startDelay + completionWindowMs),
      deleteAfterDays: rule.deleteAfterDays,
      copyActions: rule.copyActions,
      state: 'CREATED',
      backupSizeInBytes: 0,
      percentDone: 0,
    };
    region.backupJobs.push(job);
    emitBackupJobEvent(this.clock.events, job);
    this.clock.at(new Date(now + startDelay), () => this.start(job, duration));
  }

  private start(job: SimBackupJob, duration: number): void {
    const failure = this.failure(job);
    if (failure) {
      this.finish(job, 'FAILED', failure);
      return;
    }
    job.state = 'RUNNING';
    emitBackupJobEvent(this.clock.events, job);
    const startedAt = this.clock.state.now;
    this.clock.at(new Date(startedAt.getTime() + duration), () => this.complete(job, startedAt));
  }

  private complete(job: SimBackupJob, startedAt: Date): void {
    const { state } = this.clock;
    const region = state.region(job.accountId, job.region);
    const vault = region.vaults.get(job.vaultName);
    if (!vault) {
      this.finish(job, 'FAILED', {
        message: `Backup vault ${job.vaultName} does not exist.`,
        category: INVALID_PARAMETERS,
      });
      return;
    }
    job.backupSizeInBytes = state.rng.int(1, 500) * 1024 * 1024;
    const recoveryPointArn = recoveryPointArnFor(state, job.resourceArn, job.region, job.accountId);
    vault.recoveryPoints.push({
      arn: recoveryPointArn,
      vaultName: vault.name,
      vaultArn: vault.arn,
      resourceArn: job.resourceArn,
      resourceType: job.resourceType,
      creationDate: startedAt,
      completionDate: state.now,
      deleteAfterDays: job.deleteAfterDays,
      iamRoleArn: job.iamRoleArn,
      encryptionKeyArn: state.resources.get(job.resourceArn)?.kmsKeyArn ?? vault.encryptionKeyArn,
      backupSizeInBytes: job.backupSizeInBytes,
      ...(job.createdBy
        ? { backupPlanId: job.createdBy.backupPlanId, backupPlanName: job.createdBy.backupPlanName }
        : {}),
    });
    recordProtected(region, job.resourceArn, job.resourceType, startedAt, vault.arn, recoveryPointArn);
    job.recoveryPointArn = recoveryPointArn;
    this.finish(job, 'COMPLETED', this.skipsObjects(job) ?? undefined);
    for (const action of job.copyActions) this.copies.create(job, vault, action);
  }

  /** `outcome` is the failure, or for a COMPLETED job the issues it completed with. */
  private finish(job: SimBackupJob, state: 'COMPLETED' | 'FAILED', outcome?: JobFailure): void {
    job.state = state;
    job.statusMessage = outcome?.message;
    job.messageCategory = outcome?.category ?? SUCCESS;
    job.completionDate = this.clock.state.now;
    job.percentDone = state === 'COMPLETED' ? 100 : job.percentDone;
    emitBackupJobEvent(this.clock.events, job);
  }

  /**
   * An S3 job whose role cannot use the bucket's key still succeeds, without the objects it could not
   * decrypt: "completed with issues" (https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html).
   */
  private skipsObjects(job: SimBackupJob): JobFailure | null {
    const resource = this.clock.state.resources.get(job.resourceArn);
    if (job.resourceType !== 'S3' || !resource?.kmsKeyArn) return null;
    const key = findKey(this.clock.state, resource.kmsKeyArn);
    return key && !keyUsableBy(key, job.iamRoleArn)
      ? { message: SKIPPED_OBJECTS_MESSAGE, category: ACCESS_DENIED }
      : null;
  }

  /** Why AWS Backup would fail this job when it starts, or null. The messages are a contract (README). */
  private failure(job: SimBackupJob): JobFailure | null {
    const { state } = this.clock;
    const account = state.account(job.accountId);
    const region = state.region(job.accountId, job.region);
    const resource = state.resources.get(job.resourceArn);
    const invalid = (message: string) => ({ message, category: INVALID_PARAMETERS });
    const denied = (message: string) => ({ message, category: ACCESS_DENIED });
    if (!account || !resource || resource.deleted)
      return invalid(`Resource ${job.resourceArn} was not found.`);
    const vault = region.vaults.get(job.vaultName);
    if (!vault) return invalid(`Backup vault ${job.vaultName} does not exist.`);
    if (!roleTrustsBackup(account, job.accountId, job.iamRoleArn)) {
      return denied(
        `Unable to assume role ${job.iamRoleArn}. Verify that the role exists and trusts backup.amazonaws.com.`,
      );
    }
    // Invented wording: AWS documents the requirement, not the message.
    if (job.resourceType === 'S3' && !resource.versioning) {
      return invalid(`Versioning is not enabled on bucket ${job.resourceArn}; AWS Backup requires it.`);
    }
    if (resource.kmsKeyArn) {
      const key = findKey(state, resource.kmsKeyArn);
      if (key?.state === 'PendingDeletion') return denied(`KMS key ${key.arn} is pending deletion.`);
      const refused = key?.state !== 'Enabled' || !keyUsableBy(key, job.iamRoleArn);
      if (refused && !this.skipsObjects(job)) {
        return denied(`Given key ID is not accessible: ${resource.kmsKeyArn}`);
      }
    }
    const vaultKey = findKey(state, vault.encryptionKeyArn);
    if (vaultKey?.state === 'PendingDeletion') return denied(`KMS key ${vaultKey.arn} is pending deletion.`);
    const conflict = lockConflict(vault, job.deleteAfterDays);
    return conflict ? invalid(conflict) : null;
  }
}
