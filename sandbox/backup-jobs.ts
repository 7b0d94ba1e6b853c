import type { CopyJobLifecycle } from './copy-jobs.js';
import type { SimPlanRule } from './effective-policy.js';
import type { JobClock } from './job-clock.js';
import { emitBackupJobEvent } from './job-events.js';
import { findKey, vaultArn } from './lookup.js';
import { keyUsableBy, lockConflict, roleTrustsBackup } from './policy.js';
import { recordProtected, recoveryPointArnFor } from './recovery-points.js';
import type { JobOrigin, SimBackupJob, SimRegion, SimResource } from './state.js';

const MINUTE_MS = 60_000;

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

  create(
    region: SimRegion,
    resource: SimResource,
    rule: SimPlanRule,
    iamRoleArn: string,
    origin: JobOrigin,
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
      this.finish(job, 'FAILED', `Backup vault ${job.vaultName} does not exist.`);
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
      backupPlanId: job.createdBy.backupPlanId,
    });
    recordProtected(region, job.resourceArn, job.resourceType, startedAt, vault.arn, recoveryPointArn);
    job.recoveryPointArn = recoveryPointArn;
    this.finish(job, 'COMPLETED');
    for (const action of job.copyActions) this.copies.create(job, vault, action);
  }

  private finish(job: SimBackupJob, state: 'COMPLETED' | 'FAILED', statusMessage?: string): void {
    job.state = state;
    job.statusMessage = statusMessage;
    job.completionDate = this.clock.state.now;
    job.percentDone = state === 'COMPLETED' ? 100 : job.percentDone;
    emitBackupJobEvent(this.clock.events, job);
  }

  /** Why AWS Backup would fail this job when it starts, or null. The messages are a contract (README). */
  private failure(job: SimBackupJob): string | null {
    const { state } = this.clock;
    const account = state.account(job.accountId);
    const region = state.region(job.accountId, job.region);
    const resource = state.resources.get(job.resourceArn);
    if (!account || !resource || resource.deleted) return `Resource ${job.resourceArn} was not found.`;
    const vault = region.vaults.get(job.vaultName);
    if (!vault) return `Backup vault ${job.vaultName} does not exist.`;
    if (!roleTrustsBackup(account, job.accountId, job.iamRoleArn)) {
      return `Unable to assume role ${job.iamRoleArn}. Verify that the role exists and trusts backup.amazonaws.com.`;
    }
    if (resource.kmsKeyArn) {
      const key = findKey(state, resource.kmsKeyArn);
      if (key?.state === 'PendingDeletion') return `KMS key ${key.arn} is pending deletion.`;
      if (key?.state !== 'Enabled' || !keyUsableBy(key, job.iamRoleArn)) {
        return `Given key ID is not accessible: ${resource.kmsKeyArn}`;
      }
    }
    const vaultKey = findKey(state, vault.encryptionKeyArn);
    if (vaultKey?.state === 'PendingDeletion') return `KMS key ${vaultKey.arn} is pending deletion.`;
    return lockConflict(vault, job.deleteAfterDays);
  }
}
