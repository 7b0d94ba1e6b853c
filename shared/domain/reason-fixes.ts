import type { ReasonCode, WarningCode } from './model.js';

/**
 * What to do about each reason code, one sentence each: the one table the dashboard, the evidence pack, the
 * alerts and docs/reasons.md all show. A new reason code does not compile until it has its sentence here.
 */
export const REASON_FIXES: Readonly<Record<ReasonCode, string>> = {
  NO_EFFECTIVE_POLICY:
    'Attach the controller policy to the account or its OU; in enforce mode the controller does this itself.',
  REGION_NOT_IN_POLICY: 'Add the Region to `regions` in the controller config, or move the resource.',
  OPT_IN_DISABLED:
    'Turn on the resource type in the AWS Backup settings of this Region, or set `manageRegionOptIn: true`.',
  VAULT_MISSING: 'Create the backup vault the policy names; in enforce mode the controller does this itself.',
  BACKUP_ROLE_MISSING:
    'Restore the backup role and its trust in backup.amazonaws.com through the member baseline stack.',
  KMS_ACCESS_DENIED: 'Let the backup role use the KMS key, in the key policy or with a grant.',
  KMS_KEY_PENDING_DELETION: 'Cancel the scheduled deletion of the KMS key, or enable the key again.',
  LOCK_RETENTION_CONFLICT: "Change the plan's retention to fit between the vault lock's minimum and maximum.",
  TAG_VALUE_MISMATCH:
    'Set the tag key and value to exactly what the policy selects (such as `BackupEnabled=True`).',
  UNSUPPORTED_RESOURCE_TYPE: 'Remove the backup tag, or protect this resource some other way.',
  JOB_FAILED: "Read the failed job's status message in AWS Backup and fix what it names.",
  BACKUP_INCOMPLETE:
    "Read the job's message category and status message; for S3, let the backup role use the bucket's KMS key in its key policy.",
  BACKED_UP_OUTSIDE_POLICY:
    "Fix what stops the policy's own backups: backups made another way (team plans, on-demand, EFS automatic backups) do not count.",
  COPY_MISSING: 'Check the copy jobs to the central vault and the central vault access policy.',
  CROSS_ACCOUNT_BACKUP_DISABLED:
    'Turn on cross-account backup in the AWS Backup settings of the management account.',
  CENTRAL_VAULT_POLICY_MISSING:
    'Restore the central vault access policy; in enforce mode the controller does this itself.',
  ACCOUNT_UNREACHABLE: 'Make sure the member role exists in the account and trusts the controller.',
  OBSERVATION_FAILED: 'Usually passes by the next run; if it stays, read the controller logs for the error.',
  AWAITING_FIRST_BACKUP: 'Nothing to do yet: the first backup is not due before the expected-by time.',
  BACKUP_OVERDUE: 'Look at the backup plan and the jobs for this resource in AWS Backup.',
  RECOVERY_POINT_STALE: 'Find out why the recent backup jobs did not start or did not complete.',
  VAULT_KEY_MISMATCH:
    'Create a vault with the configured key, or change the config to the key the vault already has.',
  VAULT_LOCK_MISMATCH:
    'Review the vault lock; in enforce mode the controller applies governance locks itself.',
  EVENT_FORWARDING_MISSING: 'Restore the event forwarding rule and role through the member baseline stack.',
  DYNAMODB_ADVANCED_DISABLED:
    'Turn on advanced DynamoDB backup in the AWS Backup settings of this Region, or set `dynamoDbAdvanced: manage`.',
  TRUSTED_ACCESS_DISABLED:
    'Enable trusted access for backup.amazonaws.com in AWS Organizations; the organization owner decides.',
  REGION_DENIED_BY_SCP:
    'Nothing to fix when the SCP keeps workloads out of the Region; to have it scanned, exempt the controller role from the SCP.',
  RECOVERY_POINTS_EXPIRED:
    'Find why lifecycle could not delete them (often a vault lock or a missing permission of the backup role), then delete them; they are still billed.',
};

/** What to do about each warning before it breaks a backup, one sentence each (docs/reasons.md shows them). */
export const WARNING_FIXES: Readonly<Record<WarningCode, string>> = {
  KMS_KEY_PENDING_DELETION:
    'Cancel the key deletion (`aws kms cancel-key-deletion --key-id <key>`, then enable the key) before the next backup runs.',
  RECOVERY_POINTS_LOST_ON:
    'Cancel the key deletion before that date; once the key is deleted, these recovery points can never be restored.',
  LOCK_BECOMES_IMMUTABLE:
    "Check the lock's minimum and maximum retention now; after that date not even the root user can change or remove the lock.",
  LOCK_RETENTION_CONFLICT:
    "Bring the plan's retention inside the vault lock's minimum and maximum before the next job, or the job fails.",
  RESTORE_UNTESTED:
    'Turn on restore testing for this resource type (`restoreTesting`), and check why recent restore jobs did not succeed.',
};
