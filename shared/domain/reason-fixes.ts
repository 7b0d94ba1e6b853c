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
  COPY_MISSING:
    "The central vault (read once per sweep) holds no recent copy of the policy's: check the copy jobs, the central vault access policy, and whether copies were deleted from it.",
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
  RESTORE_TESTING_MISSING:
    'Create the restore testing plan and its selections; in enforce mode with `restoreTesting` configured the controller does this itself.',
  RESTORE_TEST_FAILED:
    "Restore the failed recovery point by hand and read the restore job's message: the backups of this type may not be usable.",
  RESTORE_TEST_BLOCKED:
    'Give restores somewhere to land: a default VPC, or a subnet in `restoreTesting.metadataOverrides` for the type.',
  RESTORE_UNTESTED:
    'Add the type to `restoreTesting.resourceTypes` and wait for its next run; if it ran, find out why no restore job of the type succeeded.',
  REGION_DENIED_BY_SCP:
    'Nothing to fix when the SCP keeps workloads out of the Region; to have it scanned, exempt the controller role from the SCP.',
  RECOVERY_POINTS_EXPIRED:
    'Find why lifecycle could not delete them (often a vault lock or a missing permission of the backup role), then delete them; they are still billed.',
  LOCK_BECOMES_IMMUTABLE:
    "Check the lock's minimum and maximum retention before its lock date; after it, nobody can change or remove the lock.",
  S3_VERSIONING_DISABLED:
    "Ask the bucket's owner to enable S3 Versioning: AWS Backup cannot back up a bucket without it.",
  COPY_UNSUPPORTED_FOR_TYPE:
    "AWS cannot make this copy for the resource type in one step: copy to the central account in the same Region, or change the central vault's Region.",
  SOURCE_KEY_NOT_SHAREABLE:
    'Encrypt the resource with a customer-managed key shared with the central account: AWS-managed keys cannot be shared, so its backups cannot be copied across accounts.',
  SOURCE_KEY_NOT_SHARED:
    'Have the key owner add the statement in the finding to the key policy, letting the central account use the key.',
  FSX_ONTAP_TAG_VOLUMES:
    "Tag the file system's ONTAP volumes instead: AWS Backup backs up ONTAP volumes, not the file system.",
  SERVICE_LINKED_ROLE_MISSING:
    'Create the AWSServiceRoleForBackup service-linked role in the central account (`aws iam create-service-linked-role --aws-service-name backup.amazonaws.com`); the controller creates it once a copy fails for want of it.',
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
