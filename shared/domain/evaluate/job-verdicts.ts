import { classifyJobFailure, isJobFailure, kmsKeyNamedIn } from '../job-messages.js';
import type {
  DesiredState,
  JobOutcome,
  ObservedTarget,
  PolicyJobRecord,
  ProtectedResource,
  ReasonCode,
  ResourceStatus,
} from '../model.js';
import type { EvaluateTargetInput } from './evaluate-target.js';
import { completedWithIssues, isFinished, policyBackupTimes } from './policy-backups.js';
import { centralVaultFor, isUsableKey, latestJob } from './target-facts.js';

/**
 * What a target's jobs say of one resource: whether its newest policy backup or copy into the central vault
 * failed (and why, from AWS's wording); its newest copy comes from the central vault itself. Jobs are
 * indexed by resource once per observation.
 */

/** The part of a verdict a failed job decides. */
export interface JobVerdict {
  readonly status: ResourceStatus;
  readonly reasons: readonly ReasonCode[];
  readonly detail: string;
}

/**
 * The newest finished policy job completed with issues, or failed with no newer policy recovery point.
 * A job that completed with issues did leave a recovery point, so a recovery point never clears it.
 */
export function failedPolicyJob(
  job: PolicyJobRecord,
  lastBackup: Date | null,
  observed: ObservedTarget,
): JobVerdict | null {
  if (completedWithIssues(job)) {
    const category = job.messageCategory ? ` (category ${job.messageCategory})` : '';
    return {
      status: 'FAILING',
      reasons: ['BACKUP_INCOMPLETE'],
      detail:
        `The latest policy backup job ${job.jobId} completed with issues${category}` +
        `${job.statusMessage ? `: ${job.statusMessage}` : '.'}`,
    };
  }
  if (!isJobFailure(job)) return null;
  const recoveredSince = lastBackup !== null && lastBackup > new Date(job.creationDate);
  return recoveredSince ? null : failingBecause({ ...job, kind: 'BACKUP' }, 'JOB_FAILED', observed);
}

/** The newest finished copy job into the central vault failed. */
export function failedLatestCopy(
  { desired, observed }: Pick<EvaluateTargetInput, 'desired' | 'observed'>,
  arn: string,
): JobVerdict | null {
  const latestCopyJob = latestJob(centralCopyJobs({ desired, observed }, arn).filter(isFinished));
  if (latestCopyJob && isJobFailure(latestCopyJob)) {
    return failingBecause(latestCopyJob, 'COPY_MISSING', observed);
  }
  return null;
}

/**
 * FAILING with the primary reason, the cause AWS's published wording names, and — when the message names a
 * KMS key the observer found unusable — KMS_KEY_PENDING_DELETION from that key's observed state.
 */
function failingBecause(
  job: Pick<JobOutcome, 'kind' | 'jobId' | 'state' | 'statusMessage'>,
  primary: ReasonCode,
  observed: ObservedTarget,
): JobVerdict {
  const cause = classifyJobFailure({ kind: job.kind, state: job.state, statusMessage: job.statusMessage });
  const namedKeyArn = kmsKeyNamedIn(job.statusMessage);
  const namedKey = observed.keys.find((key) => key.arn === namedKeyArn);
  const reasons: ReasonCode[] = [
    primary,
    ...(cause.reason === 'JOB_FAILED' ? [] : [cause.reason]),
    ...(namedKey && !isUsableKey(namedKey) ? (['KMS_KEY_PENDING_DELETION'] as const) : []),
  ];
  const what = job.kind === 'BACKUP' ? 'backup' : 'copy';
  return {
    status: 'FAILING',
    reasons,
    detail:
      `The latest ${what} job ${job.jobId} ended ${job.state}` +
      `${job.statusMessage ? `: ${job.statusMessage}` : '.'}${cause.keyArn ? ` (key ${cause.keyArn})` : ''}`,
  };
}

/** Copy jobs of the resource into the central vault serving this Region (none without a central vault). */
export function centralCopyJobs(
  { desired, observed }: Pick<EvaluateTargetInput, 'desired' | 'observed'>,
  arn: string,
): JobOutcome[] {
  const central = centralVaultFor(desired, observed.region);
  if (central === undefined) return [];
  return jobsOf(observed, arn).filter(
    (job) => job.kind === 'COPY' && job.destinationVaultArn === central.arn,
  );
}

interface ObservedIndex {
  readonly jobs: ReadonlyMap<string, readonly JobOutcome[]>;
  readonly protectedEntries: ReadonlyMap<string, ProtectedResource>;
  /** The newest usable policy recovery point per resource. */
  readonly policyBackups: ReadonlyMap<string, Date>;
}

/**
 * Jobs and Protected Resources entries by resource ARN, built once per observation: scanning every job for
 * every resource made evaluation quadratic (1,500 resources with one day of jobs took seconds).
 */
const indexes = new WeakMap<ObservedTarget, ObservedIndex>();

export function indexOf(observed: ObservedTarget, desired: DesiredState): ObservedIndex {
  const known = indexes.get(observed);
  if (known) return known;
  const jobs = new Map<string, JobOutcome[]>();
  for (const job of observed.jobs) {
    const ofResource = jobs.get(job.resourceArn);
    if (ofResource) ofResource.push(job);
    else jobs.set(job.resourceArn, [job]);
  }
  const protectedEntries = new Map<string, ProtectedResource>();
  for (const entry of observed.protectedResources) {
    if (!protectedEntries.has(entry.arn)) protectedEntries.set(entry.arn, entry);
  }
  const index = { jobs, protectedEntries, policyBackups: policyBackupTimes(observed, desired) };
  indexes.set(observed, index);
  return index;
}

export function jobsOf(observed: ObservedTarget, arn: string): readonly JobOutcome[] {
  return indexes.get(observed)?.jobs.get(arn) ?? [];
}

/**
 * The creation date of the resource's newest policy copy in the central vault (a copy keeps its source's), as
 * the sweep's org phase read the central vault; null when there is none, no central vault, or no reading yet.
 * Copy jobs only explain failures: a completed job says nothing about a copy deleted since.
 */
export function newestCentralCopy(
  { desired, observed }: Pick<EvaluateTargetInput, 'desired' | 'observed'>,
  arn: string,
): Date | null {
  if (centralVaultFor(desired, observed.region) === undefined) return null;
  return observed.centralCopies?.newestCopy(arn) ?? null;
}
