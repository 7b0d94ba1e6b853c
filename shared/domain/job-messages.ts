/**
 * Why did a backup or copy job fail? AWS reports it only as free text: `StatusMessage` in ListBackupJobs /
 * ListCopyJobs and `statusMessage` in `Backup Job State Change` / `Copy Job State Change` events
 * (docs/aws-behaviour.md#backup-jobs, docs/aws-behaviour.md#backup-events). `MessageCategory` (e.g.
 * `AccessDenied`) is too coarse to tell a missing role from a KMS key, so
 * the text is classified here, once, and every caller (observers, event handler, evaluator) gets the same
 * reason code.
 *
 * | pattern (case-insensitive)                                   | reason                          | example |
 * |--------------------------------------------------------------|---------------------------------|---------|
 * | `access denied trying to call aws backup service` (AWS's wording), `access policy of destination backup vault … does not allow` | CENTRAL_VAULT_POLICY_MISSING | copy into the central vault refused by its access policy |
 * | `cross-account backup is not enabled`                        | CROSS_ACCOUNT_BACKUP_DISABLED   | org global setting off |
 * | `backup vault … does not exist`                              | VAULT_MISSING (BACKUP) / COPY_MISSING (COPY) | `Backup vault org-backup does not exist.` |
 * | `unable to assume role`                                      | BACKUP_ROLE_MISSING             | role missing or not trusting backup.amazonaws.com |
 * | `pending deletion`, `key … is disabled`                      | KMS_KEY_PENDING_DELETION        | `KMS key arn:… is pending deletion.` |
 * | `given key id is not accessible`, `kms key does not exist, is not enabled or you do not have permissions`, `not authorized to perform: kms:` | KMS_ACCESS_DENIED (BACKUP) / SOURCE_KEY_NOT_SHARED (COPY: the source key refuses the destination account) | re:Post wording (docs/aws-behaviour.md#job-failure-messages) |
 * | `not supported for provided resource type` (COPY)            | COPY_UNSUPPORTED_FOR_TYPE       | `Copy job from us-west-2 to us-east-1 cannot be initiated for RDS resources. Feature is not supported for provided resource type.` |
 * | `retention … vault lock` (either order)                      | LOCK_RETENTION_CONFLICT         | lifecycle outside the lock's min/max |
 * | anything else, or no message (EXPIRED, ABORTED)              | JOB_FAILED                      | `The job was aborted because the completion window elapsed.` |
 *
 * Order matters: the pending-deletion test runs before the access test, because the re:Post wording
 * ("is not enabled") would otherwise claim a key that is merely scheduled for deletion. The key ARN is
 * extracted when the message names one, so the KMS checks can look at that key.
 */
import { ControllerError } from './errors.js';
import type { JobOutcome, ReasonCode } from './model.js';

export type JobFailureReason = Extract<
  ReasonCode,
  | 'VAULT_MISSING'
  | 'COPY_MISSING'
  | 'BACKUP_ROLE_MISSING'
  | 'KMS_ACCESS_DENIED'
  | 'KMS_KEY_PENDING_DELETION'
  | 'LOCK_RETENTION_CONFLICT'
  | 'CROSS_ACCOUNT_BACKUP_DISABLED'
  | 'CENTRAL_VAULT_POLICY_MISSING'
  | 'SOURCE_KEY_NOT_SHARED'
  | 'COPY_UNSUPPORTED_FOR_TYPE'
  | 'JOB_FAILED'
>;

export interface JobFailure {
  readonly reason: JobFailureReason;
  /** The KMS key the message names, for KMS reasons. */
  readonly keyArn?: string;
}

export type JobForClassification = Pick<JobOutcome, 'kind' | 'statusMessage'> & { readonly state: string };

export class JobNotFailedError extends ControllerError {
  constructor(state: string) {
    super(
      'JOB_NOT_FAILED',
      `A job in state ${state} has not failed; classify only jobs where isJobFailure() holds.`,
    );
  }
}

/**
 * States that leave no usable recovery point (or copy). COMPLETED with a message ("completed with issues")
 * did produce one, so it is not a failure.
 */
export const FAILED_JOB_STATES: readonly string[] = ['FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'];

export function isJobFailure(job: { readonly state: string }): boolean {
  return FAILED_JOB_STATES.includes(job.state);
}

interface MessageRule {
  readonly pattern: RegExp;
  readonly reason: (kind: JobOutcome['kind']) => JobFailureReason;
  readonly namesKey?: true;
}

const MESSAGE_RULES: readonly MessageRule[] = [
  // AWS's wording when the destination vault's access policy does not let the source account copy in
  // (https://repost.aws/knowledge-center/backup-resolve-access-denied-error).
  {
    pattern: /access denied trying to call aws backup service/i,
    reason: () => 'CENTRAL_VAULT_POLICY_MISSING',
  },
  {
    pattern: /access policy of destination backup vault .* does not allow/i,
    reason: () => 'CENTRAL_VAULT_POLICY_MISSING',
  },
  { pattern: /cross-account backup is not enabled/i, reason: () => 'CROSS_ACCOUNT_BACKUP_DISABLED' },
  {
    pattern: /backup vault \S+ does not exist/i,
    reason: (kind) => (kind === 'COPY' ? 'COPY_MISSING' : 'VAULT_MISSING'),
  },
  { pattern: /unable to assume role/i, reason: () => 'BACKUP_ROLE_MISSING' },
  {
    pattern: /pending deletion|\bkey \S+ is disabled/i,
    reason: () => 'KMS_KEY_PENDING_DELETION',
    namesKey: true,
  },
  {
    pattern:
      /given key id is not accessible|kms key does not exist, is not enabled or you do not have permissions|not authorized to perform: kms:/i,
    // A copy fails this way when the source key's policy does not let the destination account use it
    // (https://repost.aws/knowledge-center/backup-cross-account-copy-error).
    reason: (kind) => (kind === 'COPY' ? 'SOURCE_KEY_NOT_SHARED' : 'KMS_ACCESS_DENIED'),
    namesKey: true,
  },
  // AWS's wording for an RDS-family copy across Regions and accounts at once, a limit AWS has lifted for some
  // types since (https://repost.aws/knowledge-center/backup-troubleshoot-cross-account-copy).
  { pattern: /not supported for provided resource type/i, reason: () => 'COPY_UNSUPPORTED_FOR_TYPE' },
  { pattern: /retention.*vault lock|vault lock.*retention/i, reason: () => 'LOCK_RETENTION_CONFLICT' },
];

const KMS_KEY_ARN = /arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+/;

export function classifyJobFailure(job: JobForClassification): JobFailure {
  if (!isJobFailure(job)) throw new JobNotFailedError(job.state);
  const message = job.statusMessage ?? '';
  const rule = MESSAGE_RULES.find((candidate) => candidate.pattern.test(message));
  if (!rule) return { reason: 'JOB_FAILED' };
  const keyArn = rule.namesKey ? KMS_KEY_ARN.exec(message)?.[0] : undefined;
  return keyArn ? { reason: rule.reason(job.kind), keyArn } : { reason: rule.reason(job.kind) };
}
