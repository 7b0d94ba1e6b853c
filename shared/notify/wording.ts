import type { BlockedReason, ReasonCode } from '../domain/model.js';
import type { AlertKind } from './alerts.js';

/** Reason codes in words for people reading an alert: what it means and what to do about it. */
export const REASON_WORDS: Readonly<Record<ReasonCode, { readonly why: string; readonly fix: string }>> = {
  NO_EFFECTIVE_POLICY: {
    why: 'the account has no effective backup policy',
    fix: 'attach the controller policy to the account or its OU (the controller repairs this in enforce mode)',
  },
  REGION_NOT_IN_POLICY: {
    why: "the resource's Region is not in the backup policy's Regions",
    fix: 'add the Region to `regions` in the controller config',
  },
  OPT_IN_DISABLED: {
    why: 'AWS Backup opt-in is off for this resource type in the Region, so tag selections skip it',
    fix: 'enable the resource type in AWS Backup settings (or set manageRegionOptIn: true)',
  },
  VAULT_MISSING: {
    why: 'the backup vault the policy targets does not exist here',
    fix: 'create the vault (the controller does this in enforce mode)',
  },
  BACKUP_ROLE_MISSING: {
    why: 'the backup IAM role is missing or does not trust backup.amazonaws.com',
    fix:
      'redeploy the member baseline StackSet instance of this account (the management stack in the ' +
      'management account): it owns the role, its trust and its managed policies',
  },
  KMS_ACCESS_DENIED: {
    why: 'the backup role cannot use a KMS key the backup needs',
    fix: 'grant the backup role use of the key (key policy or grant)',
  },
  KMS_KEY_PENDING_DELETION: {
    why: 'a KMS key the backups depend on is disabled or scheduled for deletion',
    fix: 'cancel the key deletion or re-enable the key',
  },
  LOCK_RETENTION_CONFLICT: {
    why: "a backup rule's retention is outside the vault lock's minimum/maximum",
    fix: 'align the plan retention with the vault lock settings',
  },
  TAG_VALUE_MISMATCH: {
    why: 'the resource carries a near-miss of the backup tag (wrong value or key case), so it is not selected',
    fix: 'fix the tag key and value to exactly what the policy selects',
  },
  UNSUPPORTED_RESOURCE_TYPE: {
    why: 'AWS Backup cannot back up this resource type',
    fix: 'remove the backup tag or protect the resource another way',
  },
  JOB_FAILED: {
    why: 'the latest backup job failed, aborted, expired or completed partially',
    fix: "read the job's status message in AWS Backup and fix its cause",
  },
  COPY_MISSING: {
    why: 'no recent copy exists in the central vault',
    fix: 'check the copy jobs and the central vault access policy',
  },
  CROSS_ACCOUNT_BACKUP_DISABLED: {
    why: 'cross-account backup is off for the organization, so central copies cannot run',
    fix: 'turn on cross-account backup in AWS Backup settings of the management account',
  },
  CENTRAL_VAULT_POLICY_MISSING: {
    why: 'the central vault does not allow copies from the organization',
    fix: 'restore the central vault access policy (the controller does this in enforce mode)',
  },
  ACCOUNT_UNREACHABLE: {
    why: 'the controller could not assume its role in the account',
    fix: 'check that the member role exists and trusts the controller',
  },
  OBSERVATION_FAILED: {
    why: 'the controller could not read the account (throttling or a service error)',
    fix: 'usually transient; if it persists, check the controller logs',
  },
  AWAITING_FIRST_BACKUP: {
    why: 'the resource is newly covered and its first backup is not due yet',
    fix: 'nothing to do yet',
  },
  BACKUP_OVERDUE: {
    why: 'no backup exists although one was due',
    fix: 'check the backup plan and jobs for this resource in AWS Backup',
  },
  BACKED_UP_OUTSIDE_POLICY: {
    why: "the resource is backed up outside the policy (a team's own plan, an on-demand backup or EFS automatic backups), which does not give it the policy's vault, retention, lock or copy",
    fix: "fix what stops the policy's own backups; backups made another way do not count",
  },
  BACKUP_INCOMPLETE: {
    why: 'the latest policy backup job completed with issues, so the recovery point may lack data (for S3: objects the backup role could not decrypt)',
    fix: "read the job's message category and status message in AWS Backup; for S3, let the backup role use the bucket's KMS key in the key policy",
  },
  RECOVERY_POINT_STALE: {
    why: 'the newest recovery point of the policy is older than the plan allows',
    fix: 'check why recent backup jobs did not run or complete',
  },
  VAULT_KEY_MISMATCH: {
    why: 'the vault is encrypted with another KMS key than the config names (a vault key cannot change)',
    fix: 'create a new vault with the configured key, or change the config to the existing key',
  },
  VAULT_LOCK_MISMATCH: {
    why: "the vault lock's mode or retention limits differ from the config",
    fix: 'review the vault lock; the controller only creates or tightens locks, never loosens one',
  },
  EVENT_FORWARDING_MISSING: {
    why: 'the rule forwarding AWS Backup and tag events to the central bus is missing',
    fix:
      'redeploy the member baseline StackSet instance of this account and Region (the management stack in ' +
      'the management account): it owns the forwarding rule and role',
  },
  REGION_DENIED_BY_SCP: {
    why: 'a Region-deny SCP closes the Region to the controller, so it is not scanned for tagged resources',
    fix: 'nothing, when the SCP keeps workloads out; otherwise exempt the controller role from the SCP',
  },
  RECOVERY_POINTS_EXPIRED: {
    why: 'recovery points in the policy vault are past their retention but were not deleted, and are still billed',
    fix: 'find why lifecycle could not delete them (vault lock, backup role permissions), then delete them',
  },
  TRUSTED_ACCESS_DISABLED: {
    why: 'trusted access for AWS Backup is off, so cross-account job monitoring loses the organization view',
    fix: 'enable trusted access for backup.amazonaws.com in AWS Organizations (the organization owner decides)',
  },
  DYNAMODB_ADVANCED_DISABLED: {
    why: 'advanced DynamoDB backup is off, so policy backups of tables get no copies and no cold storage',
    fix: 'turn on advanced DynamoDB backup in the Region (the controller does this with dynamoDbAdvanced: manage)',
  },
};

/** Why a planned repair was held back, in words. */
export const BLOCKED_WORDS: Readonly<Record<BlockedReason, { readonly why: string; readonly fix: string }>> =
  {
    IRREVERSIBLE_LOCK: {
      why: 'a compliance-mode vault lock cannot be undone after its grace period',
      fix: 'set allowIrreversibleLock: true in the config only if the permanent lock is intended',
    },
    BLAST_RADIUS: {
      why: 'the run would have changed more accounts than the blast-radius limit allows',
      fix: 'review the planned changes, then apply them deliberately or raise blastRadius.maxAccountsChangedPercent',
    },
  };

export const KIND_HEADINGS: Readonly<Record<AlertKind, string>> = {
  RESOURCE_DEGRADED: 'Resources needing attention',
  RESOURCE_FLAPPING: 'Resources flapping',
  CHECK_FAILED: 'Prerequisite checks that failed',
  ACTION_FAILED: 'Repairs that failed',
  ACTION_BLOCKED: 'Repairs held back',
  DRIFT_REPAIRED: 'Drift repaired',
  RESOURCE_RECOVERED: 'Resources protected again',
  CHECK_RECOVERED: 'Checks passing again',
};

function wordsFor(code: string): { readonly why: string; readonly fix: string } | undefined {
  return REASON_WORDS[code as ReasonCode] ?? BLOCKED_WORDS[code as BlockedReason];
}

/** "why (CODE)", falling back to the bare code for one this build does not know. */
export function explainReasons(codes: readonly string[]): string {
  return codes.map((code) => (wordsFor(code) ? `${wordsFor(code)?.why} (${code})` : code)).join('; ');
}

export function remedies(codes: readonly string[]): string[] {
  return [...new Set(codes.flatMap((code) => wordsFor(code)?.fix ?? []))];
}
