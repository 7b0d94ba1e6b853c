/**
 * Which backups are the policy's own. Only they make a resource PROTECTED: Protected Resources lists a
 * resource after any successful backup (a team's own plan, an on-demand backup, EFS automatic backups), and
 * those never had the policy's vault, retention, lock or copy
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ProtectedResource.html,
 * https://docs.aws.amazon.com/efs/latest/ug/awsbackup.html).
 *
 * A job or recovery point is the policy's when its plan id starts `orgs/` (plans an organization backup
 * policy creates) and its plan name is one the controller renders, compared ignoring case.
 */
import type {
  BackupOrigin,
  DesiredState,
  JobOutcome,
  JobState,
  ObservedTarget,
  PolicyJobRecord,
} from '../model.js';
import { regionalPlanName } from '../policy/render.js';
import { allowedAgeMs, NoScheduledRunError } from '../schedule.js';

const ORG_PLAN_ID_PREFIX = 'orgs/';
/** Recovery-point states that hold a usable, complete backup. PARTIAL, EXPIRED and DELETING never count. */
const USABLE_RECOVERY_POINT_STATES: readonly string[] = ['COMPLETED', 'AVAILABLE'];
/** Job states after which a job never changes again; CREATED, PENDING, RUNNING and ABORTING are still going. */
const FINISHED_JOB_STATES: readonly JobState[] = ['COMPLETED', 'FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'];
const SUCCESS_CATEGORY = 'SUCCESS';
/** Plans that never repeat have no allowed age; a week still shows their latest recovery point. */
const NO_SCHEDULE_LOOKBACK_MS = 7 * 24 * 60 * 60 * 1000;

export function isPolicyOrigin(
  origin: BackupOrigin | undefined,
  desired: DesiredState,
  region: string,
): boolean {
  if (!origin?.backupPlanId?.startsWith(ORG_PLAN_ID_PREFIX)) return false;
  const name = origin.backupPlanName?.toLowerCase();
  // Older recovery points and jobs may not carry the plan name; the `orgs/` id alone then decides.
  if (name === undefined) return true;
  return desired.plans.some(
    (plan) => plan.name.toLowerCase() === name || regionalPlanName(plan.name, region).toLowerCase() === name,
  );
}

/**
 * How far back the policy's recovery points are listed: twice the longest allowed age of any configured
 * plan, so a recovery point that has just gone stale is still seen (STALE, not "never backed up").
 */
export function recoveryPointLookbackMs(desired: DesiredState, now: Date): number {
  const ages = desired.plans.flatMap((plan) => {
    try {
      return [allowedAgeMs([plan], now)];
    } catch (error) {
      if (error instanceof NoScheduledRunError) return [];
      throw error;
    }
  });
  return 2 * (ages.length > 0 ? Math.max(...ages) : NO_SCHEDULE_LOOKBACK_MS);
}

/** The newest usable recovery point of the policy per resource ARN, in the configured vault. */
export function policyBackupTimes(
  observed: ObservedTarget,
  desired: DesiredState,
): ReadonlyMap<string, Date> {
  const newest = new Map<string, Date>();
  for (const point of observed.vaultRecoveryPoints) {
    if (!isUsableRecoveryPoint(point)) continue;
    if (!isPolicyOrigin(point, desired, observed.region)) continue;
    const known = newest.get(point.resourceArn);
    if (known === undefined || point.creationDate > known) newest.set(point.resourceArn, point.creationDate);
  }
  return newest;
}

/** COMPLETED or AVAILABLE: a complete backup that can be restored. PARTIAL is incomplete. */
export function isUsableRecoveryPoint(point: { readonly status: string }): boolean {
  return USABLE_RECOVERY_POINT_STATES.includes(point.status.toUpperCase());
}

export function isFinished(job: { readonly state: string }): boolean {
  return (FINISHED_JOB_STATES as readonly string[]).includes(job.state);
}

/**
 * COMPLETED is not always complete: "completed with issues" is a COMPLETED job whose message category is not
 * SUCCESS (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ListBackupJobs.html, ByMessageCategory);
 * for S3 it can mean objects were skipped because the role could not use their KMS key
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html). Without a category, a status
 * message on a COMPLETED job says the same.
 */
export function completedWithIssues(
  job: Pick<PolicyJobRecord, 'state' | 'statusMessage' | 'messageCategory'>,
): boolean {
  if (job.state !== 'COMPLETED') return false;
  if (job.messageCategory) return job.messageCategory.toUpperCase() !== SUCCESS_CATEGORY;
  return (job.statusMessage ?? '').trim() !== '';
}

export function toPolicyJobRecord(job: JobOutcome): PolicyJobRecord {
  return {
    jobId: job.jobId,
    state: job.state,
    creationDate: job.creationDate.toISOString(),
    statusMessage: job.statusMessage,
    messageCategory: job.messageCategory ?? null,
  };
}

/**
 * The newest finished policy backup job of a resource: from this run's job listing or, when the listing no
 * longer reaches it, the one the store kept. Jobs still running never count, so a FAILING resource stays
 * FAILING (same `since`) while its next job runs.
 */
export function lastPolicyJob(
  jobs: readonly JobOutcome[],
  desired: DesiredState,
  region: string,
  stored: PolicyJobRecord | null | undefined,
): PolicyJobRecord | null {
  let newest: PolicyJobRecord | null = stored ?? null;
  for (const job of jobs) {
    if (job.kind !== 'BACKUP' || !isFinished(job) || !isPolicyOrigin(job.origin, desired, region)) continue;
    if (job.vaultName && job.vaultName !== desired.vault.name) continue;
    if (newest === null || job.creationDate.toISOString() > newest.creationDate)
      newest = toPolicyJobRecord(job);
  }
  return newest;
}
