import type { JobClock } from './job-clock.js';
import { emitCopyJobEvent } from './job-events.js';
import { findKey, vaultByArn } from './lookup.js';
import { accessPolicyAllowsCopy, lockConflict } from './policy.js';
import { recordProtected } from './recovery-points.js';
import { parseArn } from './resource-types.js';
import type { CopyActionSpec, SimBackupJob, SimCopyJob, SimVault } from './state.js';

const MINUTE_MS = 60_000;
const RDS_FAMILY: ReadonlySet<string> = new Set(['RDS', 'Aurora', 'DocumentDB', 'Neptune']);
/** Types whose snapshots keep the source resource's key (not fully managed by AWS Backup). */
const SOURCE_KEY_TYPES: ReadonlySet<string> = new Set(['EBS', 'EC2', ...RDS_FAMILY]);

/** A copy job from the moment its backup completes: created, started a few minutes later, then done or failed. */
export class CopyJobLifecycle {
  constructor(private readonly clock: JobClock) {}

  create(source: SimBackupJob, sourceVault: SimVault, action: CopyActionSpec): void {
    const { state } = this.clock;
    const region = state.region(source.accountId, source.region);
    const job: SimCopyJob = {
      jobId: state.nextId('copy-job', 32).toUpperCase(),
      accountId: source.accountId,
      region: source.region,
      resourceArn: source.resourceArn,
      resourceType: source.resourceType,
      sourceVaultArn: sourceVault.arn,
      sourceRecoveryPointArn: source.recoveryPointArn ?? '',
      destinationVaultArn: action.destinationVaultArn,
      deleteAfterDays: action.deleteAfterDays,
      iamRoleArn: source.iamRoleArn,
      createdBy: source.createdBy,
      createdByBackupJobId: source.jobId,
      creationDate: state.now,
      state: 'CREATED',
      backupSizeInBytes: source.backupSizeInBytes,
    };
    region.copyJobs.push(job);
    emitCopyJobEvent(this.clock.events, job);
    const startDelay = state.rng.int(1, 10) * MINUTE_MS;
    const duration = state.rng.int(5, 30) * MINUTE_MS;
    this.clock.at(new Date(state.now.getTime() + startDelay), () => this.start(job, duration));
  }

  private start(job: SimCopyJob, duration: number): void {
    const failure = this.failure(job);
    if (failure) {
      this.finish(job, 'FAILED', failure);
      return;
    }
    job.state = 'RUNNING';
    emitCopyJobEvent(this.clock.events, job);
    const startedAt = this.clock.state.now;
    this.clock.at(new Date(startedAt.getTime() + duration), () => this.complete(job, startedAt));
  }

  private complete(job: SimCopyJob, startedAt: Date): void {
    const { state } = this.clock;
    const failure = this.failure(job);
    const destination = vaultByArn(state, job.destinationVaultArn);
    if (failure || !destination) {
      this.finish(
        job,
        'FAILED',
        failure ?? `Destination backup vault ${job.destinationVaultArn} does not exist.`,
      );
      return;
    }
    const destinationRegion = state.region(destination.accountId, destination.region);
    const arn = `arn:aws:backup:${destination.region}:${destination.accountId}:recovery-point:${state.rng.uuid()}`;
    // A copy keeps its source's creation date and names the plan that made it and the vault it came from
    // (https://docs.aws.amazon.com/aws-backup/latest/devguide/recov-point-create-a-copy.html).
    const source = vaultByArn(state, job.sourceVaultArn)?.recoveryPoints.find(
      (point) => point.arn === job.sourceRecoveryPointArn,
    );
    destination.recoveryPoints.push({
      arn,
      vaultName: destination.name,
      vaultArn: destination.arn,
      resourceArn: job.resourceArn,
      resourceType: job.resourceType,
      creationDate: source?.creationDate ?? startedAt,
      sourceVaultArn: job.sourceVaultArn,
      ...(job.createdBy
        ? { backupPlanId: job.createdBy.backupPlanId, backupPlanName: job.createdBy.backupPlanName }
        : {}),
      completionDate: state.now,
      deleteAfterDays: job.deleteAfterDays,
      iamRoleArn: job.iamRoleArn,
      encryptionKeyArn: destination.encryptionKeyArn,
      backupSizeInBytes: job.backupSizeInBytes,
      sourceRecoveryPointArn: job.sourceRecoveryPointArn,
    });
    recordProtected(destinationRegion, job.resourceArn, job.resourceType, startedAt, destination.arn, arn);
    job.destinationRecoveryPointArn = arn;
    this.finish(job, 'COMPLETED');
  }

  private finish(job: SimCopyJob, state: 'COMPLETED' | 'FAILED', statusMessage?: string): void {
    job.state = state;
    job.statusMessage = statusMessage;
    // The category values are AWS's; which failure gets which is the sandbox's guess.
    job.messageCategory =
      state === 'COMPLETED'
        ? 'SUCCESS'
        : /access/i.test(statusMessage ?? '')
          ? 'AccessDenied'
          : 'InvalidParameters';
    job.completionDate = this.clock.state.now;
    emitCopyJobEvent(this.clock.events, job);
  }

  private failure(job: SimCopyJob): string | null {
    const { state } = this.clock;
    const destination = parseArn(job.destinationVaultArn);
    const crossAccount = destination?.accountId !== job.accountId;
    if (crossAccount && !state.organization.crossAccountBackupEnabled) {
      return 'Cross-account backup is not enabled for this organization.';
    }
    const vault = vaultByArn(state, job.destinationVaultArn);
    if (!vault) return `Destination backup vault ${job.destinationVaultArn} does not exist.`;
    if (crossAccount && !accessPolicyAllowsCopy(state, vault.accessPolicy, job.accountId)) {
      // AWS's own wording (https://repost.aws/knowledge-center/backup-resolve-access-denied-error).
      return 'Access Denied trying to call AWS Backup service';
    }
    return (
      (crossAccount ? this.crossAccountFailure(job, vault) : null) ?? lockConflict(vault, job.deleteAfterDays)
    );
  }

  /**
   * What only a copy into another account runs into: the destination's service-linked role performs it
   * (invented wording), the old RDS-family limit on crossing Regions too (AWS's wording), and a source key the
   * destination account may not use (AWS's wordings: an AWS-managed key cannot be shared at all).
   */
  private crossAccountFailure(job: SimCopyJob, destination: SimVault): string | null {
    const { state } = this.clock;
    if (!state.account(destination.accountId)?.serviceLinkedRole) {
      return `AWS Backup could not use the service-linked role AWSServiceRoleForBackup in the destination account ${destination.accountId} to copy the recovery point.`;
    }
    if (!SOURCE_KEY_TYPES.has(job.resourceType)) return null;
    if (
      state.organization.legacyRdsCopyLimit &&
      RDS_FAMILY.has(job.resourceType) &&
      destination.region !== job.region
    ) {
      return `Copy job from ${job.region} to ${destination.region} cannot be initiated for RDS resources. Feature is not supported for provided resource type.`;
    }
    const keyArn = state.resources.get(job.resourceArn)?.kmsKeyArn;
    const key = keyArn ? findKey(state, keyArn) : undefined;
    if (key?.manager === 'AWS') {
      return 'The source snapshot KMS key does not exist, is not enabled or you do not have permissions to access it.';
    }
    return key && !key.allowsBackupRole ? `Given key ID is not accessible: ${key.arn}` : null;
  }
}
