/**
 * The shared vocabulary of org-backup-controller: desired state, observed state, actions, findings and the
 * report. Every layer (domain, aws, store, notify, controller, sandbox, cli, infra) speaks these types.
 * Times inside the domain are `Date`; anything that leaves the process (findings, report) uses ISO strings.
 */

// ---------------------------------------------------------------------------------------------------------
// Statuses, reason codes and checks (the report's vocabulary; see README "Statuses and reason codes")
// ---------------------------------------------------------------------------------------------------------

export const RESOURCE_STATUSES = [
  'PROTECTED',
  'PENDING',
  'UNPROTECTED',
  'STALE',
  'FAILING',
  'UNKNOWN',
] as const;
export type ResourceStatus = (typeof RESOURCE_STATUSES)[number];

export const REASON_CODES = [
  /** The account has no effective BACKUP_POLICY (not attached, detached, or the merge is invalid). */
  'NO_EFFECTIVE_POLICY',
  /** The resource lives in a Region the effective policy's `regions` list does not include. */
  'REGION_NOT_IN_POLICY',
  /** Tag-only selections skip resource types whose Region opt-in is off. */
  'OPT_IN_DISABLED',
  /** The policy's target vault does not exist in this account and Region. */
  'VAULT_MISSING',
  /** The policy's `iam_role_arn` does not exist here or does not trust backup.amazonaws.com. */
  'BACKUP_ROLE_MISSING',
  /** A KMS key the backup needs is not usable by the backup role. */
  'KMS_ACCESS_DENIED',
  /** A KMS key the backups depend on is pending deletion or disabled. */
  'KMS_KEY_PENDING_DELETION',
  /** A rule's (or copy action's) retention is outside the target vault lock's min/max. */
  'LOCK_RETENTION_CONFLICT',
  /** The resource carries a near-miss of the selection tag (`true`, `yes`, other key case) and is not selected. */
  'TAG_VALUE_MISMATCH',
  /** AWS Backup cannot back up this resource type. */
  'UNSUPPORTED_RESOURCE_TYPE',
  /** The latest backup job for the resource failed, aborted, expired or completed partially. */
  'JOB_FAILED',
  /** A central-vault copy is required but none is recent enough. */
  'COPY_MISSING',
  /** Cross-account backup is off in the organization's global settings, so central copies cannot run. */
  'CROSS_ACCOUNT_BACKUP_DISABLED',
  /** The central vault's access policy does not allow `backup:CopyIntoBackupVault` from the organization. */
  'CENTRAL_VAULT_POLICY_MISSING',
  /** The controller could not assume its role in the account. */
  'ACCOUNT_UNREACHABLE',
  /** Observation failed for another reason (throttled past retries, service error). */
  'OBSERVATION_FAILED',
  /** Newly covered; the first backup is not due yet. */
  'AWAITING_FIRST_BACKUP',
  /** Past the expected-by time and no recovery point exists, with no more specific cause found. */
  'BACKUP_OVERDUE',
  /** The newest recovery point is older than the plan's allowed age. */
  'RECOVERY_POINT_STALE',
  /** Check only: the vault is encrypted with another key than the config names (a vault's key cannot change). */
  'VAULT_KEY_MISMATCH',
  /** Check only: the vault lock's mode or min/max retention is not what the config asks for. */
  'VAULT_LOCK_MISMATCH',
  /** Check only: the rule (or its role) forwarding aws.backup / aws.tag events to the central bus is missing. */
  'EVENT_FORWARDING_MISSING',
  /** DynamoDB advanced backup is off where tagged tables exist: no copies, no cold storage for policy jobs. */
  'DYNAMODB_ADVANCED_DISABLED',
  /**
   * The resource has backups made outside the policy (a team's plan, an on-demand backup, EFS automatic
   * backups) but not the policy's own; added to the status's other reasons.
   */
  'BACKED_UP_OUTSIDE_POLICY',
  /** The latest policy backup job completed with issues (a message category other than SUCCESS). */
  'BACKUP_INCOMPLETE',
  /** Org check only: trusted access for backup.amazonaws.com is off (no organization-wide job monitoring). */
  'TRUSTED_ACCESS_DISABLED',
  /** Check only: the restore testing plan, one of its selections, or its service-linked role is missing. */
  'RESTORE_TESTING_MISSING',
  /** Check only: a restore test of a resource type failed: that type's backups did not restore. */
  'RESTORE_TEST_FAILED',
  /** Check only: restore tests could not run for the account's setup (no default VPC, no subnet override). */
  'RESTORE_TEST_BLOCKED',
  /** No restore of this resource type succeeded within the restore-testing window. */
  'RESTORE_UNTESTED',
  /** Check only: a Region-deny SCP refuses the controller in this Region outside the policy, so it is not scanned. */
  'REGION_DENIED_BY_SCP',
  /** Check only: recovery points in the policy's vaults are EXPIRED (lifecycle could not delete them; still billed). */
  'RECOVERY_POINTS_EXPIRED',
  /** Check only: a compliance-mode vault lock becomes immutable within 7 days (also a finding warning). */
  'LOCK_BECOMES_IMMUTABLE',
  /** A tagged S3 bucket without versioning: AWS Backup cannot back it up. */
  'S3_VERSIONING_DISABLED',
  /** A copy job failed because AWS does not support this copy for the resource type (AWS's own message). */
  'COPY_UNSUPPORTED_FOR_TYPE',
  /** The source is on an AWS-managed key (`aws/ebs`, `aws/rds`), which cannot be shared: no cross-account copy. */
  'SOURCE_KEY_NOT_SHAREABLE',
  /** The source's customer-managed key policy does not let the central account use it: copies fail. */
  'SOURCE_KEY_NOT_SHARED',
  /** An FSx for ONTAP file system carries the tag: AWS Backup selects ONTAP volumes, not file systems. */
  'FSX_ONTAP_TAG_VOLUMES',
  /** Check only: the service-linked role AWSServiceRoleForBackup is missing in the central account. */
  'SERVICE_LINKED_ROLE_MISSING',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/**
 * Risks that will break protection later, while the status still says what is true now. A code may be a
 * warning before it breaks anything and a reason once it does (KMS_KEY_PENDING_DELETION).
 */
export const WARNING_CODES = [
  /** A KMS key the resource's backups need is scheduled for deletion; the next backup job will fail. */
  'KMS_KEY_PENDING_DELETION',
  /** Existing recovery points are encrypted with a key scheduled for deletion: unrestorable, lost on that date. */
  'RECOVERY_POINTS_LOST_ON',
  /** The vault's compliance-mode lock becomes immutable within 7 days; after that it cannot be changed. */
  'LOCK_BECOMES_IMMUTABLE',
  /** A rule's retention (now, or after the pending policy or lock change) is outside the vault lock's range. */
  'LOCK_RETENTION_CONFLICT',
  /** No restore of this resource type succeeded in the restore-testing window. */
  'RESTORE_UNTESTED',
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

/** Checks of one account × Region. */
export const TARGET_CHECK_IDS = [
  'EFFECTIVE_POLICY',
  'VAULT_EXISTS',
  'VAULT_KEY',
  'VAULT_LOCK',
  'CENTRAL_VAULT_POLICY',
  'CROSS_ACCOUNT_BACKUP',
  'BACKUP_ROLE',
  'REGION_OPT_IN',
  'KMS_GRANTS',
  'KMS_KEY_STATE',
  'EVENT_FORWARDING',
  'DYNAMODB_ADVANCED',
  'RESTORE_TESTING',
  'EXPIRED_RECOVERY_POINTS',
  'REGION_SCAN',
  'VAULT_LOCK_DATE',
  'SERVICE_LINKED_ROLE',
] as const;
/** Organization-wide checks, reported on the management account's entry with region GLOBAL_REGION. */
export const ORG_CHECK_IDS = ['TRUSTED_ACCESS'] as const;
export const CHECK_IDS = [...TARGET_CHECK_IDS, ...ORG_CHECK_IDS] as const;
export type CheckId = (typeof CHECK_IDS)[number];
/** WARN: needs attention, but does not stop backups. */
export const CHECK_STATUSES = ['PASS', 'WARN', 'FAIL', 'SKIPPED'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];
/** The `region` of organization-wide checks, reported on the management account's entry. */
export const GLOBAL_REGION = 'global';

export interface CheckResult {
  readonly check: CheckId;
  readonly status: CheckStatus;
  /** Set when status is FAIL or WARN, and on SKIPPED when the target could not be observed (ACCOUNT_UNREACHABLE). */
  readonly reason?: ReasonCode | undefined;
  /** One sentence a person can act on. */
  readonly detail: string;
}

// ---------------------------------------------------------------------------------------------------------
// Desired state (built from the validated config plus the runtime context)
// ---------------------------------------------------------------------------------------------------------

export type Mode = 'enforce' | 'audit';

/** Facts about the deployment that are not in the config file. */
export interface RuntimeContext {
  readonly managementAccountId: string;
  readonly organizationId: string;
  /** The Region the controller runs in; account-global actions (IAM) are planned in the target of this Region. */
  readonly homeRegion: string;
  /** ARN of the central event bus that member accounts forward `aws.backup` / `aws.tag` events to. */
  readonly eventBusArn?: string;
  readonly partition?: string;
}

export type KmsKeySpec =
  | { readonly type: 'aws-managed' }
  | { readonly type: 'alias'; readonly alias: string }
  | { readonly type: 'arn'; readonly arn: string };

export interface VaultLockSpec {
  readonly mode: 'governance' | 'compliance';
  readonly minRetentionDays?: number | undefined;
  readonly maxRetentionDays?: number | undefined;
  /** Compliance mode only (>= 3). */
  readonly changeableForDays?: number | undefined;
}

export interface PlanSpec {
  readonly name: string;
  readonly schedule: string;
  readonly startWindowMinutes: number;
  readonly completionWindowMinutes: number;
  readonly deleteAfterDays: number;
  readonly coldStorageAfterDays: number | null;
  readonly copyToCentralVault: boolean;
}

export interface DesiredState {
  readonly mode: Mode;
  readonly context: RuntimeContext;
  readonly selection: { readonly tagKey: string; readonly tagValue: string };
  readonly regions: readonly string[];
  /**
   * Regions outside `regions` scanned (once a day) for tagged resources, never changed: resources there are
   * reported with REGION_NOT_IN_POLICY instead of silently going unprotected. null: every Region enabled in
   * each account; a list narrows that; [] scans none.
   */
  readonly scanRegions: readonly string[] | null;
  /** Raw targets from the config: `root`, `ou-…`, `/OU/Path`, or a 12-digit account id. */
  readonly attachTo: readonly string[];
  readonly excludeAccounts: readonly string[];
  readonly plans: readonly PlanSpec[];
  readonly policy: {
    readonly name: string;
    readonly description: string;
    /** Minified JSON exactly as sent to CreatePolicy/UpdatePolicy. */
    readonly content: string;
  };
  readonly vault: {
    readonly name: string;
    readonly kmsKey: KmsKeySpec;
    readonly lock?: VaultLockSpec;
    readonly allowIrreversibleLock: boolean;
  };
  readonly centralVault?: {
    readonly accountId: string;
    readonly region: string;
    readonly name: string;
    readonly arn: string;
    readonly deleteAfterDays: number;
    /**
     * true when the config names no central Region: a vault of this name in the central account in EVERY
     * configured Region, each receiving same-Region copies. `region`/`arn` then name the home Region's one.
     */
    readonly perRegion?: boolean;
  };
  readonly backupRole: {
    readonly name: string;
    /** `$account` is substituted per account. */
    readonly arnTemplate: string;
    readonly managedPolicyArns: readonly string[];
  };
  readonly memberRoleName: string;
  readonly manageRegionOptIn: boolean;
  /** report: diagnose keys that refuse the backup role; manage: also write narrow named grants. */
  readonly kmsGrants: 'report' | 'manage';
  /** manage: opt DynamoDB into advanced backup where tagged tables exist. */
  readonly dynamoDbAdvanced: 'manage' | 'report';
  readonly blastRadius: { readonly maxAccountsChangedPercent: number };
  /** Waivers from the config's `exceptions` (absent: none). */
  readonly exceptions?: readonly FindingException[];
  /** Absent when restore testing is not configured or not enabled. */
  readonly restoreTesting?: RestoreTestingSpec;
  readonly eventForwarding?: {
    readonly ruleName: string;
    readonly busArn: string;
    /** Role in the member account that EventBridge assumes to put events on the central bus. */
    readonly roleName: string;
    readonly eventPattern: string;
  };
}

/** Why, by whom and until when a finding is accepted as it is. */
export interface Waiver {
  readonly reason: string;
  readonly owner: string;
  /** The UTC day (YYYY-MM-DD) the waiver ends: from then on the finding alerts again. */
  readonly expires: string;
}

/** A configured waiver and what it matches: one resource, a whole account, or resources with a tag. */
export interface FindingException extends Waiver {
  readonly match:
    | { readonly arn: string }
    | { readonly account: string }
    | { readonly tag: { readonly key: string; readonly value: string } };
}

/** The restore testing plan the controller keeps in every managed account × Region. */
export interface RestoreTestingSpec {
  /** Letters, digits and underscores only (the restore testing plan name pattern). */
  readonly planName: string;
  readonly schedule: string;
  /** In the config's order: selections are created in this order, as many as the daily budget allows. */
  readonly resourceTypes: readonly string[];
  readonly windowDays: number;
  readonly maxRestoresPerDay: number;
  readonly metadataOverrides: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

// ---------------------------------------------------------------------------------------------------------
// Observed state (what observers read; never written by the domain)
// ---------------------------------------------------------------------------------------------------------

export interface ObservedOu {
  readonly id: string;
  readonly name: string;
  readonly parentId: string;
  /** Slash path of OU names from the root, e.g. `/Workloads/Prod`. */
  readonly path: string;
}

/** The OUs an account sits in, from its parent up to (not including) the root: ids and paths. */
export interface AccountAncestry {
  readonly ouIds: readonly string[];
  readonly ouPaths: readonly string[];
}

export interface ObservedAccount {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly parentId: string;
}

export interface ObservedPolicy {
  readonly id: string;
  readonly name: string;
  readonly content: string;
  /** Ids of roots, OUs and accounts it is directly attached to. */
  readonly targets: readonly string[];
  /** It carries the `managed-by: org-backup-controller` tag the controller writes when it creates it. */
  readonly createdByController: boolean;
}

export interface ObservedOrganization {
  readonly organizationId: string;
  readonly managementAccountId: string;
  readonly rootId: string;
  readonly backupPolicyType: 'ENABLED' | 'PENDING_ENABLE' | 'PENDING_DISABLE' | 'DISABLED';
  readonly ous: readonly ObservedOu[];
  readonly accounts: readonly ObservedAccount[];
  /** Backup policies that exist in the organization (content included). */
  readonly backupPolicies: readonly ObservedPolicy[];
  /** `isCrossAccountBackupEnabled` from DescribeGlobalSettings; null when it could not be read. */
  readonly crossAccountBackupEnabled: boolean | null;
  /** Service principals with trusted access (ListAWSServiceAccessForOrganization); null when unreadable. */
  readonly trustedAccessServices: readonly string[] | null;
}

/** A parsed effective policy (DescribeEffectivePolicy): keys arrive lower-cased, values as strings. */
export interface EffectivePolicy {
  readonly plans: readonly EffectivePlan[];
}
export interface EffectivePlan {
  readonly name: string;
  readonly regions: readonly string[];
  readonly rules: readonly EffectiveRule[];
  readonly tagSelections: readonly {
    readonly roleArn: string;
    readonly tagKey: string;
    readonly tagValues: readonly string[];
    /** Further tag conditions, all of which must hold too. */
    readonly conditions?: readonly SelectionCondition[];
  }[];
  /** `selections.resources`: ARN patterns (and conditions) instead of one tag, as other teams may write. */
  readonly resourceSelections?: readonly {
    readonly roleArn: string;
    readonly resourceTypes: readonly string[];
    readonly notResourceTypes: readonly string[];
    readonly conditions: readonly SelectionCondition[];
  }[];
}

/** A selection condition on a resource tag (`aws:ResourceTag/<key>`); `like` values may hold `*`. */
export interface SelectionCondition {
  readonly operator: 'equals' | 'notEquals' | 'like' | 'notLike';
  readonly tagKey: string;
  readonly value: string;
}
export interface EffectiveRule {
  readonly name: string;
  readonly schedule: string;
  readonly startWindowMinutes: number;
  readonly completionWindowMinutes: number;
  readonly vaultName: string;
  readonly deleteAfterDays: number | null;
  readonly coldStorageAfterDays: number | null;
  readonly copyActions: readonly {
    readonly targetVaultArn: string;
    readonly deleteAfterDays: number | null;
  }[];
  /** `schedule_expression_timezone` when the rule names one (the schedule is then read in that zone). */
  readonly scheduleTimezone?: string;
  /** `enable_continuous_backup`: point-in-time recovery points next to the scheduled ones. */
  readonly continuousBackup?: boolean;
}

export interface ObservedVault {
  readonly name: string;
  readonly arn: string;
  readonly encryptionKeyArn: string | null;
  readonly locked: boolean;
  readonly minRetentionDays: number | null;
  readonly maxRetentionDays: number | null;
  /** Present for compliance-mode locks; immutable once in the past. */
  readonly lockDate: Date | null;
}

/** What the targets sending copies to the central vault learn of its key. */
export type CentralVaultKeyState = Pick<ObservedKey, 'arn' | 'state' | 'deletionDate'>;

export interface ObservedKey {
  readonly arn: string;
  readonly state: 'Enabled' | 'Disabled' | 'PendingDeletion' | 'PendingImport' | 'Unavailable' | string;
  readonly manager: 'AWS' | 'CUSTOMER';
  /** A grant (or key policy) lets the backup role use it. */
  readonly backupRoleHasGrant: boolean;
  /** Why the key is of interest: the vault key, or the key of a tagged resource (or named by a failed job). */
  readonly usedBy: 'vault' | 'resource';
  /** For resource keys: the AWS Backup type of the tagged resource it encrypts, when known (`S3`, `RDS`…). */
  readonly encrypts?: string;
  /** The controller's own named grant for the backup role already exists on the key. */
  readonly controllerGrantExists?: boolean;
  /** PendingDeletion keys: when KMS deletes the key (DescribeKey `DeletionDate`). */
  readonly deletionDate?: Date | null;
  /**
   * Customer-managed keys of tagged resources: the key policy (kms:GetKeyPolicy, read at most daily); null
   * when the controller may not read it. Absent when it was not read.
   */
  readonly policy?: string | null;
}

export interface TaggedResource {
  readonly arn: string;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * What the services' own list calls say about one tagged resource: the KMS key that encrypts it and the
 * details that decide how AWS Backup treats it. Keyed by resource ARN in ObservedTarget.resourceDetails;
 * a resource the lists did not return (type not listed, deleted meanwhile) has no entry.
 */
export interface ResourceDetails {
  /** The KMS key ARN the service reports for the resource; null: not encrypted with a KMS key. */
  readonly keyArn: string | null;
  /** EC2 instances: the keys of every attached volume (a backup snapshots them all), sorted, unique. */
  readonly volumeKeyArns?: readonly string[];
  /** RDS-family: the engine (`aurora-postgresql`, `docdb`, `neptune`, `postgres`…). */
  readonly engine?: string;
  /** FSx file systems: `ONTAP`, `WINDOWS`, `LUSTRE` or `OPENZFS`. */
  readonly fileSystemType?: string;
  /** S3 buckets: whether versioning is on (off covers never enabled and suspended). */
  readonly versioningEnabled?: boolean;
}

export interface ProtectedResource {
  readonly arn: string;
  readonly resourceType: string;
  /** The newest backup of any origin (any plan, on-demand, EFS automatic backups). */
  readonly lastBackupTime: Date | null;
  /** The vault holding that newest backup. */
  readonly lastBackupVaultArn?: string | null;
  readonly lastRecoveryPointArn?: string | null;
}

/** Who made a job or recovery point: the backup plan id (`orgs/…` for an organization policy) and name. */
export interface BackupOrigin {
  readonly backupPlanId: string | null;
  readonly backupPlanName: string | null;
}

/** A recovery point in the configured vault, as ListRecoveryPointsByBackupVault reports it. */
export interface VaultRecoveryPoint extends BackupOrigin {
  readonly arn: string;
  readonly resourceArn: string;
  /** COMPLETED, PARTIAL, DELETING, EXPIRED (and AVAILABLE, STOPPED, CREATING for continuous backups). */
  readonly status: string;
  readonly creationDate: Date;
  /** A copy's: the vault it was copied from (`SourceBackupVaultArn`); absent when AWS gave none. */
  readonly sourceVaultArn?: string | undefined;
}

/**
 * The policy's usable copies in the central vault of one source account × Region, as the sweep's org phase
 * last read the central vault (once per sweep, for every target).
 */
export interface CentralCopies {
  /** When the org phase read the central vault and this slice last changed. */
  readonly observedAt: Date;
  /** The creation date of the resource's newest usable policy copy (a copy keeps its source's), or null. */
  readonly newestCopy: (resourceArn: string) => Date | null;
}

/** Every state AWS Backup reports for a backup or copy job. */
export const JOB_STATES = [
  'CREATED',
  'PENDING',
  'RUNNING',
  'ABORTING',
  'ABORTED',
  'COMPLETED',
  'FAILED',
  'EXPIRED',
  'PARTIAL',
] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface JobOutcome {
  readonly kind: 'BACKUP' | 'COPY';
  readonly jobId: string;
  readonly resourceArn: string;
  readonly state: JobState;
  readonly creationDate: Date;
  readonly completionDate: Date | null;
  readonly statusMessage: string | null;
  /** COPY jobs: where the copy went. */
  readonly destinationVaultArn?: string;
  /** `SUCCESS`, or for a job that did not fully succeed a category such as `AccessDenied`. */
  readonly messageCategory?: string | null;
  /** Who made the job; absent when not observed. */
  readonly origin?: BackupOrigin;
  /** BACKUP jobs: the vault the recovery point goes to. */
  readonly vaultName?: string | null;
}

/**
 * What a target keeps of its job listings between reconciles, so the next one reads only jobs created after
 * the watermark (job-memory.ts).
 */
export interface JobMemory {
  /** The next listing asks for jobs created after this. */
  readonly watermark: Date;
  /** The window's failed jobs, and the newest finished job of each resource and kind that has failures. */
  readonly jobs: readonly JobOutcome[];
}

export type Reachability =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: 'ACCOUNT_UNREACHABLE' | 'OBSERVATION_FAILED';
      readonly message: string;
      /** Throttling or a transient service error: observing again in a moment may well succeed. */
      readonly transient?: boolean;
    };

export interface ObservedTarget {
  readonly accountId: string;
  readonly region: string;
  readonly reachability: Reachability;
  /** null: the account has no effective backup policy. */
  readonly effectivePolicy: EffectivePolicy | null;
  /** The vault named by `vault.name`, or null when it does not exist. */
  readonly vault: ObservedVault | null;
  /**
   * The central account's AWS Backup service-linked role (AWSServiceRoleForBackup), which performs copies
   * into it: read where the central vault is held, and where a failed copy names the role.
   */
  readonly serviceLinkedRole?: { readonly accountId: string; readonly exists: boolean };
  /** Only when this target holds the central vault: the vault and its access policy (null = none). */
  readonly centralVault?: {
    readonly vault: ObservedVault | null;
    readonly accessPolicy: string | null;
    /**
     * Only while the vault's key is scheduled for deletion: the resources (any account) whose copies are in
     * the vault, read from its recovery points, so the one alert can name what is lost.
     */
    readonly copiedResources?: readonly string[];
  };
  /**
   * Targets whose copies go to another account's central vault: that vault's KMS key as the target holding
   * it last observed it (null: not observed yet). Absent where the target holds the vault itself.
   */
  readonly centralVaultKey?: CentralVaultKeyState | null;
  readonly backupRole: {
    readonly exists: boolean;
    readonly trustsBackup: boolean;
    readonly attachedPolicyArns: readonly string[];
    /** The role's trust policy document (decoded), when the role exists. */
    readonly trustPolicy?: string;
  };
  readonly regionOptIn: Readonly<Record<string, boolean>>;
  /** ResourceTypeManagementPreference: `DynamoDB: true` means advanced DynamoDB backup is on. */
  readonly regionManagement: Readonly<Record<string, boolean>>;
  readonly keys: readonly ObservedKey[];
  readonly eventForwarding: {
    readonly ruleExists: boolean;
    readonly targetsBus: boolean;
    readonly roleExists: boolean;
    /** The rule's `State` (`ENABLED`, `DISABLED`, …); null when there is no rule. */
    readonly ruleState: string | null;
    /** The rule's event pattern as EventBridge returns it; null when there is no rule or no pattern. */
    readonly eventPattern: string | null;
  };
  /** Resources carrying the selection tag key in any case, with any value (near misses included). */
  readonly resources: readonly TaggedResource[];
  /** Keys and engine/type details of the tagged resources, by resource ARN (see ResourceDetails). */
  readonly resourceDetails: Readonly<Record<string, ResourceDetails>>;
  readonly protectedResources: readonly ProtectedResource[];
  /** Recovery points in the configured vault created within the allowed age (of any origin and status). */
  readonly vaultRecoveryPoints: readonly VaultRecoveryPoint[];
  /** Recent backup and copy jobs (last days), newest first not guaranteed. */
  readonly jobs: readonly JobOutcome[];
  /** What the next reconcile keeps of these jobs, and where its listing starts; absent when not read. */
  readonly jobMemory?: JobMemory;
  /** Read only where restore testing is configured and the Region is managed. */
  readonly restoreTesting?: ObservedRestoreTesting;
  /**
   * A Region outside the policy that a Region-deny SCP closes to the controller: the AccessDenied message.
   * Nothing was read there.
   */
  readonly regionScanDenied?: string;
  /**
   * Tagging types (`ec2:volume`, `rds:db`…) whose own service listing was read in full here: a tagged resource
   * of such a type without a `resourceDetails` entry no longer exists (the Tagging API returns deleted
   * resources for a while).
   */
  readonly typesListedInFull?: readonly string[];
  /** EXPIRED recovery points (past retention, not deleted) per policy vault held here. */
  readonly expiredRecoveryPoints?: readonly { readonly vaultName: string; readonly count: number }[];
  /**
   * This account × Region's copies in the central vault, from the sweep's org phase (not read per target);
   * absent when the central vault has never been read.
   */
  readonly centralCopies?: CentralCopies;
}

export interface ObservedRestoreTesting {
  /** The controller's restore testing plan, or null when it does not exist. */
  readonly plan: {
    readonly name: string;
    readonly arn: string;
    readonly schedule: string;
    /** When the plan last started its restore tests; null before its first run. */
    readonly lastRun: Date | null;
  } | null;
  /** The plan's selections (empty without a plan). */
  readonly selections: readonly { readonly name: string; readonly resourceType: string }[];
  /** AWSServiceRoleForBackupRestoreTesting exists in the account. */
  readonly serviceLinkedRole: boolean;
  /** Restore jobs created within the window, of any origin. */
  readonly jobs: readonly RestoreJobOutcome[];
}

export interface RestoreJobOutcome {
  readonly jobId: string;
  readonly resourceType: string;
  readonly sourceResourceArn: string | null;
  /** PENDING, RUNNING, COMPLETED, ABORTED or FAILED. */
  readonly status: string;
  readonly statusMessage: string | null;
  readonly creationDate: Date;
  /** SUCCESSFUL, FAILED, TIMED_OUT or VALIDATING when a validation ran; null otherwise. */
  readonly validationStatus: string | null;
  /** The restore testing plan that started it; null for a restore someone started. */
  readonly restoreTestingPlanArn: string | null;
}

// ---------------------------------------------------------------------------------------------------------
// Actions (every write the controller can make)
// ---------------------------------------------------------------------------------------------------------

export type ActionSpec =
  | { readonly kind: 'EnablePolicyType'; readonly rootId: string }
  | {
      readonly kind: 'CreatePolicy';
      readonly name: string;
      readonly description: string;
      readonly content: string;
    }
  | { readonly kind: 'UpdatePolicy'; readonly policyId: string; readonly content: string }
  /** policyId is absent when the policy is created in the same run; the executor resolves it by name. */
  | {
      readonly kind: 'AttachPolicy';
      readonly policyName: string;
      readonly policyId?: string | undefined;
      readonly targetId: string;
    }
  | { readonly kind: 'DetachPolicy'; readonly policyId: string; readonly targetId: string }
  | { readonly kind: 'EnableCrossAccountBackup' }
  | { readonly kind: 'CreateBackupVault'; readonly vaultName: string; readonly kmsKey: KmsKeySpec }
  | {
      readonly kind: 'PutVaultLock';
      readonly vaultName: string;
      readonly minRetentionDays?: number | undefined;
      readonly maxRetentionDays?: number | undefined;
      readonly changeableForDays?: number | undefined;
    }
  | { readonly kind: 'PutVaultAccessPolicy'; readonly vaultName: string; readonly policy: string }
  | { readonly kind: 'EnableRegionOptIn'; readonly resourceTypes: readonly string[] }
  | { readonly kind: 'EnableAdvancedDynamoDbBackup' }
  /** AWS Backup's service-linked role, in the central account (the action's account). */
  | { readonly kind: 'CreateServiceLinkedRole'; readonly serviceName: 'backup.amazonaws.com' }
  | {
      readonly kind: 'CreateRestoreTestingPlan';
      readonly planName: string;
      readonly schedule: string;
      readonly windowDays: number;
      /** The policy vault of this account × Region: the recovery points the tests restore. */
      readonly vaultArn: string;
    }
  | {
      readonly kind: 'CreateRestoreTestingSelection';
      readonly planName: string;
      readonly selectionName: string;
      readonly resourceType: string;
      /** The backup role, passed to AWS Backup to create the restored resource. */
      readonly iamRoleArn: string;
      readonly tagKey: string;
      readonly tagValue: string;
      readonly metadataOverrides: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'CreateKmsGrant';
      readonly keyArn: string;
      readonly granteePrincipal: string;
      readonly grantName: string;
      readonly operations: readonly string[];
    };

export type ActionKind = ActionSpec['kind'];

export type BlockedReason = 'IRREVERSIBLE_LOCK' | 'BLAST_RADIUS';

export interface Action {
  readonly spec: ActionSpec;
  /** `org` actions run in the management account; `target` actions in one account × Region. */
  readonly scope: 'org' | 'target';
  readonly accountId: string;
  readonly region: string;
  /** What is acted on, e.g. a vault ARN, a role ARN, a policy name, an OU id. */
  readonly target: string;
  /** Why this action is needed, in one sentence. */
  readonly reason: string;
  /** IAM actions the controller needs to carry it out. */
  readonly permissions: readonly string[];
  readonly blocked?: { readonly by: BlockedReason; readonly message: string } | undefined;
  /** false in audit mode, when blocked, or when it failed. */
  readonly applied: boolean;
  /** Set by the executor when the write failed. */
  readonly error?: { readonly code: string; readonly message: string } | undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Findings and the report (one contract for CLI, sandbox and API)
// ---------------------------------------------------------------------------------------------------------

export interface ResourceFinding {
  readonly accountId: string;
  readonly region: string;
  readonly arn: string;
  /** AWS Backup resource type (`EBS`, `S3`, …) or null when unsupported / unknown. */
  readonly resourceType: string | null;
  readonly status: ResourceStatus;
  /** Empty only for PROTECTED. */
  readonly reasons: readonly ReasonCode[];
  /** A sentence explaining the status. */
  readonly detail: string;
  /** Risks to come (possibly none); the status does not count them. */
  readonly warnings: readonly WarningCode[];
  /** One sentence per warning, with its date where it has one; absent without warnings. */
  readonly warningDetail?: string | undefined;
  /** Set while a configured exception waives the finding: it keeps its status, but is not alerted. */
  readonly waiver?: Waiver | undefined;
  readonly lastBackupTime: string | null;
  /** Newest copy in the central vault, when a central vault is configured. */
  readonly lastCopyTime: string | null;
  readonly expectedBy: string | null;
  /** When the resource was first seen selected (or near-missing) by the controller. */
  readonly firstSeen: string;
  /**
   * When an effective backup rule began to cover the resource (its expected-by counts from here); null while
   * nothing covers it (no effective policy, Region not in the policy, near-miss tag).
   */
  readonly coveredSince?: string | null;
  /** When the current status began. */
  readonly since: string;
  /**
   * The newest finished backup job of the policy for this resource, kept across runs: job listings reach
   * back only so far, and a FAILING verdict must hold until a newer policy job finishes.
   */
  readonly lastPolicyJob?: PolicyJobRecord | null | undefined;
  /**
   * Since when the Tagging API no longer returns the resource, while its finding is kept (for at most 24
   * hours) because nothing confirmed it deleted; absent while it is returned.
   */
  readonly absentSince?: string | undefined;
  /**
   * When the controller last observed the resource's account × Region (set when read back from the store);
   * an old value means its reconciles have been failing or not running.
   */
  readonly observedAt?: string | null;
}

/** A finished policy backup job as the store keeps it. */
export interface PolicyJobRecord {
  readonly jobId: string;
  readonly state: JobState;
  readonly creationDate: string;
  readonly statusMessage: string | null;
  readonly messageCategory: string | null;
}

export interface TargetChecks {
  readonly accountId: string;
  readonly region: string;
  readonly checks: readonly CheckResult[];
  /** When the controller last observed this account × Region (set when read back from the store). */
  readonly observedAt?: string | null;
}

export interface ReportSummary {
  readonly accounts: number;
  readonly resources: number;
  readonly byStatus: Readonly<Record<ResourceStatus, number>>;
  /** PROTECTED as a share of every finding, waived ones included. */
  readonly coveragePercent: number;
  /** Findings carrying a waiver, counted apart (they are included above); absent when none is waived. */
  readonly waived?: WaivedSummary | undefined;
}

export interface WaivedSummary {
  readonly resources: number;
  readonly byStatus: Readonly<Record<ResourceStatus, number>>;
  /** Coverage with the waived findings left out of the count. */
  readonly coveragePercentWithoutWaived: number;
}

export interface ActionRecord {
  readonly kind: ActionKind;
  readonly accountId: string;
  readonly region: string;
  readonly target: string;
  readonly reason: string;
  readonly applied: boolean;
  readonly blocked?: { readonly by: BlockedReason; readonly message: string } | undefined;
  readonly error?: { readonly code: string; readonly message: string } | undefined;
  readonly at: string;
}

/** A change of one finding's status (or one check's), kept as history and turned into alerts. */
export interface FindingTransition {
  readonly accountId: string;
  readonly region: string;
  readonly subject:
    | { readonly kind: 'resource'; readonly arn: string }
    | { readonly kind: 'check'; readonly check: CheckId };
  /** null: first seen. */
  readonly from: ResourceStatus | CheckStatus | null;
  /** GONE: the resource (or check) is no longer reported. */
  readonly to: ResourceStatus | CheckStatus | 'GONE';
  readonly at: string;
  /** Reason codes of the new state (empty for GONE and PROTECTED/PASS). */
  readonly reasons: readonly string[];
  readonly detail: string;
  /**
   * Resources only. `waived`: the finding carries a waiver, so it is not alerted. `expired`: its waiver
   * ended (from and to are then its unchanged status), so it alerts again.
   */
  readonly waiver?: 'waived' | 'expired' | undefined;
}

/** Counts by status for one account (all its Regions). */
export interface AccountStatusSummary {
  readonly accountId: string;
  readonly resources: number;
  readonly byStatus: Readonly<Record<ResourceStatus, number>>;
}

/** Organization-wide counts, as kept by the findings store and shown in the daily digest. */
export interface OrganizationSummary {
  readonly total: ReportSummary;
  readonly accounts: readonly AccountStatusSummary[];
  /**
   * How many findings carry each reason code, most first; absent when some target was stored before the
   * store counted reasons.
   */
  readonly reasons?: readonly ReasonCount[];
}

export interface ReasonCount {
  readonly reason: ReasonCode;
  readonly resources: number;
}

export interface ComplianceReport {
  readonly generatedAt: string;
  readonly mode: Mode;
  readonly summary: ReportSummary;
  readonly resources: readonly ResourceFinding[];
  readonly accounts: readonly TargetChecks[];
  readonly actions: readonly ActionRecord[];
}

/** Time is injected; domain code never reads the wall clock. */
export interface Clock {
  now(): Date;
}

/**
 * What one reconcile run covers: the organization (policy document, attachments, global settings; run from
 * the management account) or one member account × Region. Schedule, events and CLI all become these.
 */
export type ReconcileTarget =
  | { readonly kind: 'org' }
  | { readonly kind: 'account-region'; readonly accountId: string; readonly region: string };
