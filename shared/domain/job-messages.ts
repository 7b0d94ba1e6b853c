/**
 * Why did a backup or copy job fail? AWS reports it only as free text: `StatusMessage` in ListBackupJobs /
 * ListCopyJobs and `statusMessage` in `Backup Job State Change` / `Copy Job State Change` events
 * (docs/aws-behaviour.md#backup-jobs, docs/aws-behaviour.md#backup-events). `MessageCategory` (e.g.
 * `AccessDenied`) is too coarse to tell a vault access policy from a KMS key, so the text is classified here,
 * once, and every caller (observers, event handler, evaluator) gets the same reason code.
 *
 * Only wording AWS has published is classified; anything else is JOB_FAILED, and the finding's detail carries
 * the raw message, so no cause is ever guessed from wording nobody has seen AWS use.
 *
 * | AWS's wording (case-insensitive)                                 | reason                       | source |
 * |------------------------------------------------------------------|------------------------------|--------|
 * | `Access Denied trying to call AWS Backup service`                | CENTRAL_VAULT_POLICY_MISSING | https://repost.aws/knowledge-center/backup-resolve-access-denied-error |
 * | `Given key ID is not accessible`, `KMS key does not exist, is not enabled or you do not have permissions` | KMS_ACCESS_DENIED | https://repost.aws/knowledge-center/backup-cross-account-copy-error |
 * | anything else, or no message (EXPIRED, ABORTED)                  | JOB_FAILED                   | — |
 *
 * The key ARN is extracted when a KMS message names one, so the KMS checks can look at that key.
 */
import { ControllerError } from './errors.js';
import type { JobOutcome, ReasonCode } from './model.js';

export type JobFailureReason = Extract<
  ReasonCode,
  'KMS_ACCESS_DENIED' | 'CENTRAL_VAULT_POLICY_MISSING' | 'JOB_FAILED'
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
  readonly reason: JobFailureReason;
  readonly namesKey?: true;
}

const MESSAGE_RULES: readonly MessageRule[] = [
  // The destination vault's access policy does not let the source account copy in.
  { pattern: /access denied trying to call aws backup service/i, reason: 'CENTRAL_VAULT_POLICY_MISSING' },
  // A copy whose source key policy does not let the destination account use the key.
  {
    pattern:
      /given key id is not accessible|kms key does not exist, is not enabled or you do not have permissions/i,
    reason: 'KMS_ACCESS_DENIED',
    namesKey: true,
  },
];

const KMS_KEY_ARN = /arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+/;

export function classifyJobFailure(job: JobForClassification): JobFailure {
  if (!isJobFailure(job)) throw new JobNotFailedError(job.state);
  const message = job.statusMessage ?? '';
  const rule = MESSAGE_RULES.find((candidate) => candidate.pattern.test(message));
  if (!rule) return { reason: 'JOB_FAILED' };
  const keyArn = rule.namesKey ? kmsKeyNamedIn(message) : undefined;
  return keyArn ? { reason: rule.reason, keyArn } : { reason: rule.reason };
}

/**
 * The KMS key ARN a job message names, whatever its wording: reading an ARN guesses no cause, and it tells
 * the observer which key to look at (its state then says what is wrong).
 */
export function kmsKeyNamedIn(message: string | null): string | undefined {
  return message === null ? undefined : KMS_KEY_ARN.exec(message)?.[0];
}
