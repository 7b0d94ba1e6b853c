import type {
  BackupJob,
  BackupVaultListMember,
  CopyJob,
  CreateBackupVaultCommandInput,
  CreateBackupVaultCommandOutput,
  DeleteBackupVaultAccessPolicyCommandInput,
  DeleteBackupVaultCommandInput,
  DeleteBackupVaultLockConfigurationCommandInput,
  DescribeBackupVaultCommandInput,
  DescribeBackupVaultCommandOutput,
  DescribeGlobalSettingsCommandOutput,
  DescribeRegionSettingsCommandOutput,
  GetBackupVaultAccessPolicyCommandInput,
  GetBackupVaultAccessPolicyCommandOutput,
  ListBackupJobsCommandInput,
  ListBackupPlansCommandInput,
  ListBackupVaultsCommandInput,
  ListCopyJobsCommandInput,
  ListProtectedResourcesCommandInput,
  ListRecoveryPointsByBackupVaultCommandInput,
  PutBackupVaultAccessPolicyCommandInput,
  PutBackupVaultLockConfigurationCommandInput,
  RecoveryPointByBackupVault,
  UpdateGlobalSettingsCommandInput,
  UpdateRegionSettingsCommandInput,
} from '@aws-sdk/client-backup';
import { type Call, fail, isManagement, type ServiceHandlers } from '../call.js';
import type { EventRouter } from '../events.js';
import { orgPlanIdentity, RETENTION_WINDOW_MS } from '../jobs.js';
import { vaultArn } from '../lookup.js';
import { effectivePlansOf } from '../organization.js';
import { InvalidTokenError, paginate } from '../paging.js';
import { DEFAULT_MANAGEMENT_PREFERENCE, DEFAULT_OPT_IN } from '../resource-types.js';
import { ensureAwsManagedBackupKey, type SimRecoveryPoint, type SimRegion, type SimVault } from '../state.js';

/** AWS Backup, per account × Region. */

const VAULT_NAME = /^[a-zA-Z0-9\-_]{2,50}$/;
const MAX_LIST_RESULTS = 1000;
const DAY_MS = 86_400_000;

const here = (call: Call): SimRegion => call.state.region(call.caller.accountId, call.region);

function requireVault(call: Call, name: string | undefined): SimVault {
  const vault = name ? here(call).vaults.get(name) : undefined;
  if (!vault) {
    fail(call, 'ResourceNotFoundException', `Backup vault ${name} does not exist.`, {
      Code: 'ResourceNotFoundException',
      Type: 'BackupVault',
    });
  }
  return vault;
}

export function page<T>(
  call: Call,
  items: readonly T[],
  input: { MaxResults?: number | undefined; NextToken?: string | undefined },
  query: string,
) {
  if (input.MaxResults !== undefined && (input.MaxResults < 1 || input.MaxResults > MAX_LIST_RESULTS)) {
    fail(call, 'InvalidParameterValueException', `MaxResults must be between 1 and ${MAX_LIST_RESULTS}.`);
  }
  try {
    const result = paginate(items, {
      token: input.NextToken,
      pageSize: input.MaxResults ?? MAX_LIST_RESULTS,
      query,
      now: call.state.now,
    });
    return { items: result.items, NextToken: result.nextToken };
  } catch (error) {
    if (error instanceof InvalidTokenError) fail(call, 'InvalidParameterValueException', error.message);
    throw error;
  }
}

function vaultOut(vault: SimVault): BackupVaultListMember {
  return {
    BackupVaultName: vault.name,
    BackupVaultArn: vault.arn,
    VaultType: 'BACKUP_VAULT',
    VaultState: 'AVAILABLE',
    EncryptionKeyArn: vault.encryptionKeyArn,
    EncryptionKeyType: vault.encryptionKeyType,
    CreationDate: vault.creationDate,
    CreatorRequestId: vault.creatorRequestId,
    NumberOfRecoveryPoints: vault.recoveryPoints.length,
    Locked: vault.lock !== undefined,
    MinRetentionDays: vault.lock?.minRetentionDays,
    MaxRetentionDays: vault.lock?.maxRetentionDays,
    LockDate: vault.lock?.lockDate,
  };
}

const lockIsImmutable = (vault: SimVault, now: Date) =>
  vault.lock?.lockDate !== undefined && vault.lock.lockDate <= now;

/** Removes a vault (API or timeline) and emits what AWS emits: the vault event and the CloudTrail record. */
export function removeVault(
  events: EventRouter,
  region: SimRegion,
  vault: SimVault,
  callerArn: string,
): void {
  region.vaults.delete(vault.name);
  events.emit(region.accountId, region.region, {
    source: 'aws.backup',
    detailType: 'Backup Vault State Change',
    resources: [vault.arn],
    detail: { backupVaultName: vault.name, state: 'DELETED' },
  });
  events.emitApiCall(
    {
      accountId: region.accountId,
      region: region.region,
      callerArn,
      service: 'backup',
      eventName: 'DeleteBackupVault',
    },
    { backupVaultName: vault.name },
  );
}

/** Removes a vault lock (API or timeline) and emits the CloudTrail record. */
export function removeVaultLock(
  events: EventRouter,
  region: SimRegion,
  vault: SimVault,
  callerArn: string,
): void {
  vault.lock = undefined;
  events.emitApiCall(
    {
      accountId: region.accountId,
      region: region.region,
      callerArn,
      service: 'backup',
      eventName: 'DeleteBackupVaultLockConfiguration',
    },
    { backupVaultName: vault.name },
  );
}

function regionOptIn(region: SimRegion): Record<string, boolean> {
  return { ...DEFAULT_OPT_IN, ...Object.fromEntries(region.optIn) };
}

const backupJobOut = (job: SimRegion['backupJobs'][number]): BackupJob => ({
  AccountId: job.accountId,
  BackupJobId: job.jobId,
  BackupVaultName: job.vaultName,
  BackupVaultArn: job.vaultArn,
  RecoveryPointArn: job.recoveryPointArn,
  ResourceArn: job.resourceArn,
  ResourceType: job.resourceType,
  CreationDate: job.creationDate,
  CompletionDate: job.completionDate,
  State: job.state,
  StatusMessage: job.statusMessage,
  PercentDone: String(job.percentDone),
  BackupSizeInBytes: job.backupSizeInBytes,
  IamRoleArn: job.iamRoleArn,
  CreatedBy: job.createdBy && {
    BackupPlanId: job.createdBy.backupPlanId,
    BackupPlanArn: job.createdBy.backupPlanArn,
    BackupPlanName: job.createdBy.backupPlanName,
    BackupPlanVersion: job.createdBy.backupPlanVersion,
    BackupRuleId: job.createdBy.backupRuleId,
    BackupRuleName: job.createdBy.backupRuleName,
    BackupRuleCron: job.createdBy.backupRuleCron,
    BackupRuleTimezone: 'Etc/UTC',
  },
  StartBy: job.startBy,
  ExpectedCompletionDate: job.expectedCompletionDate,
  RecoveryPointLifecycle: job.deleteAfterDays === null ? undefined : { DeleteAfterDays: job.deleteAfterDays },
  BackupType: '',
  IsParent: false,
  MessageCategory: job.messageCategory,
});

const copyJobOut = (job: SimRegion['copyJobs'][number]): CopyJob => ({
  AccountId: job.accountId,
  CopyJobId: job.jobId,
  SourceBackupVaultArn: job.sourceVaultArn,
  SourceRecoveryPointArn: job.sourceRecoveryPointArn,
  DestinationBackupVaultArn: job.destinationVaultArn,
  DestinationRecoveryPointArn: job.destinationRecoveryPointArn,
  ResourceArn: job.resourceArn,
  ResourceType: job.resourceType,
  CreationDate: job.creationDate,
  CompletionDate: job.completionDate,
  State: job.state,
  StatusMessage: job.statusMessage,
  BackupSizeInBytes: job.backupSizeInBytes,
  IamRoleArn: job.iamRoleArn,
  CreatedBy: job.createdBy && {
    BackupPlanId: job.createdBy.backupPlanId,
    BackupPlanArn: job.createdBy.backupPlanArn,
    BackupPlanVersion: job.createdBy.backupPlanVersion,
    BackupRuleId: job.createdBy.backupRuleId,
  },
  CreatedByBackupJobId: job.createdByBackupJobId,
  MessageCategory: job.messageCategory,
});

/** Jobs of the caller's account, or of other accounts when the management account asks (docs/aws-behaviour.md#backup-jobs). */
/** The filters ListBackupJobs and ListCopyJobs share, over the jobs of the last 30 days. */
function matchesJobFilters(
  call: Call,
  job: { readonly creationDate: Date; readonly resourceArn: string; readonly state: string },
  input: {
    ByResourceArn?: string | undefined;
    ByState?: string | undefined;
    ByCreatedAfter?: Date | undefined;
    ByCreatedBefore?: Date | undefined;
  },
): boolean {
  return (
    withinRetention(call, job.creationDate) &&
    (input.ByResourceArn === undefined || job.resourceArn === input.ByResourceArn) &&
    (input.ByState === undefined || job.state === input.ByState) &&
    (input.ByCreatedAfter === undefined || job.creationDate > input.ByCreatedAfter) &&
    (input.ByCreatedBefore === undefined || job.creationDate < input.ByCreatedBefore)
  );
}

/** What a job listing's pagination token belongs to: every filter, not the page position. */
function jobQuery(input: { NextToken?: string | undefined; MaxResults?: number | undefined }): string {
  return JSON.stringify({ ...input, NextToken: undefined, MaxResults: undefined });
}

function jobRegions(call: Call, byAccountId: string | undefined): SimRegion[] {
  if (byAccountId === undefined || byAccountId === call.caller.accountId) return [here(call)];
  if (!isManagement(call)) {
    fail(
      call,
      'InvalidParameterValueException',
      'ByAccountId for other accounts is available only from the management account.',
    );
  }
  const accounts = byAccountId === '*' ? [...call.state.organization.accounts.keys()] : [byAccountId];
  return accounts.filter((id) => call.state.account(id)).map((id) => call.state.region(id, call.region));
}

const withinRetention = (call: Call, date: Date) =>
  call.state.now.getTime() - date.getTime() <= RETENTION_WINDOW_MS;
const newestFirst = <T extends { creationDate: Date }>(a: T, b: T) =>
  b.creationDate.getTime() - a.creationDate.getTime();

export const backupHandlers: ServiceHandlers = {
  CreateBackupVault: (
    call: Call,
    input: CreateBackupVaultCommandInput,
  ): Omit<CreateBackupVaultCommandOutput, '$metadata'> => {
    const name = input.BackupVaultName ?? '';
    if (!VAULT_NAME.test(name))
      fail(call, 'InvalidParameterValueException', `Invalid backup vault name ${name}.`);
    const region = here(call);
    const existing = region.vaults.get(name);
    if (existing) {
      fail(call, 'AlreadyExistsException', `Backup vault with the same name already exists`, {
        Code: 'AlreadyExistsException',
        Arn: existing.arn,
        CreatorRequestId: existing.creatorRequestId,
      });
    }
    if (
      input.EncryptionKeyArn !== undefined &&
      !/^arn:aws:kms:[a-z0-9-]+:\d{12}:key\//.test(input.EncryptionKeyArn)
    ) {
      fail(
        call,
        'InvalidParameterValueException',
        'EncryptionKeyArn must be a KMS key ARN, not an alias or key id.',
      );
    }
    const defaultKey = ensureAwsManagedBackupKey(call.state, region);
    const keyArn = input.EncryptionKeyArn ?? defaultKey.arn;
    const vault: SimVault = {
      name,
      arn: vaultArn(call.region, call.caller.accountId, name),
      accountId: call.caller.accountId,
      region: call.region,
      encryptionKeyArn: keyArn,
      encryptionKeyType: keyArn === defaultKey.arn ? 'AWS_OWNED_KMS_KEY' : 'CUSTOMER_MANAGED_KMS_KEY',
      creationDate: call.state.now,
      creatorRequestId: input.CreatorRequestId,
      recoveryPoints: [],
    };
    region.vaults.set(name, vault);
    call.events.emit(call.caller.accountId, call.region, {
      source: 'aws.backup',
      detailType: 'Backup Vault State Change',
      resources: [vault.arn],
      detail: { backupVaultName: name, state: 'CREATED' },
    });
    return { BackupVaultName: name, BackupVaultArn: vault.arn, CreationDate: vault.creationDate };
  },

  DescribeBackupVault: (
    call: Call,
    input: DescribeBackupVaultCommandInput,
  ): Omit<DescribeBackupVaultCommandOutput, '$metadata'> =>
    vaultOut(requireVault(call, input.BackupVaultName)),

  ListBackupVaults: (call: Call, input: ListBackupVaultsCommandInput) => {
    const vaults = [...here(call).vaults.values()].map(vaultOut);
    const { items, NextToken } = page(call, vaults, input, 'vaults');
    return { BackupVaultList: items, NextToken };
  },

  DeleteBackupVault: (call: Call, input: DeleteBackupVaultCommandInput) => {
    const vault = requireVault(call, input.BackupVaultName);
    if (vault.recoveryPoints.length > 0) {
      fail(
        call,
        'InvalidRequestException',
        `Backup vault ${vault.name} cannot be deleted because it contains recovery points.`,
      );
    }
    removeVault(call.events, here(call), vault, call.caller.arn);
    return {};
  },

  PutBackupVaultLockConfiguration: (call: Call, input: PutBackupVaultLockConfigurationCommandInput) => {
    const vault = requireVault(call, input.BackupVaultName);
    if (lockIsImmutable(vault, call.state.now)) {
      fail(
        call,
        'InvalidRequestException',
        `Vault lock on ${vault.name} is in compliance mode and can no longer be changed.`,
      );
    }
    const { MinRetentionDays: min, MaxRetentionDays: max, ChangeableForDays: changeable } = input;
    if (min !== undefined && min < 1)
      fail(call, 'InvalidParameterValueException', 'MinRetentionDays must be at least 1.');
    if (max !== undefined && max > 36500)
      fail(call, 'InvalidParameterValueException', 'MaxRetentionDays must be at most 36500.');
    if (min !== undefined && max !== undefined && min > max) {
      fail(
        call,
        'InvalidParameterValueException',
        'MinRetentionDays must not be greater than MaxRetentionDays.',
      );
    }
    if (changeable !== undefined && (changeable < 3 || changeable > 36500)) {
      fail(call, 'InvalidParameterValueException', 'ChangeableForDays must be between 3 and 36500.');
    }
    vault.lock = {
      minRetentionDays: min,
      maxRetentionDays: max,
      lockDate:
        changeable === undefined ? undefined : new Date(call.state.now.getTime() + changeable * DAY_MS),
    };
    call.events.emit(call.caller.accountId, call.region, {
      source: 'aws.backup',
      detailType: 'Backup Vault State Change',
      resources: [vault.arn],
      detail: { backupVaultName: vault.name, state: 'MODIFIED', isLocked: 'true' },
    });
    return {};
  },

  DeleteBackupVaultLockConfiguration: (call: Call, input: DeleteBackupVaultLockConfigurationCommandInput) => {
    const vault = requireVault(call, input.BackupVaultName);
    if (lockIsImmutable(vault, call.state.now)) {
      fail(
        call,
        'InvalidRequestException',
        `Vault lock on ${vault.name} is in compliance mode and can no longer be deleted.`,
      );
    }
    removeVaultLock(call.events, here(call), vault, call.caller.arn);
    return {};
  },

  GetBackupVaultAccessPolicy: (
    call: Call,
    input: GetBackupVaultAccessPolicyCommandInput,
  ): Omit<GetBackupVaultAccessPolicyCommandOutput, '$metadata'> => {
    const vault = requireVault(call, input.BackupVaultName);
    if (vault.accessPolicy === undefined) {
      fail(call, 'ResourceNotFoundException', `Backup vault ${vault.name} has no access policy.`, {
        Type: 'BackupVaultAccessPolicy',
      });
    }
    return { BackupVaultName: vault.name, BackupVaultArn: vault.arn, Policy: vault.accessPolicy };
  },

  PutBackupVaultAccessPolicy: (call: Call, input: PutBackupVaultAccessPolicyCommandInput) => {
    const vault = requireVault(call, input.BackupVaultName);
    try {
      JSON.parse(input.Policy ?? '');
    } catch {
      fail(call, 'InvalidParameterValueException', 'Policy is not valid JSON.');
    }
    vault.accessPolicy = input.Policy;
    return {};
  },

  DeleteBackupVaultAccessPolicy: (call: Call, input: DeleteBackupVaultAccessPolicyCommandInput) => {
    requireVault(call, input.BackupVaultName).accessPolicy = undefined;
    return {};
  },

  DescribeRegionSettings: (call: Call): Omit<DescribeRegionSettingsCommandOutput, '$metadata'> => {
    const region = here(call);
    return {
      ResourceTypeOptInPreference: regionOptIn(region),
      ResourceTypeManagementPreference: {
        ...DEFAULT_MANAGEMENT_PREFERENCE,
        ...Object.fromEntries(region.managementPreference),
      },
    };
  },

  UpdateRegionSettings: (call: Call, input: UpdateRegionSettingsCommandInput) => {
    const region = here(call);
    const optIn = input.ResourceTypeOptInPreference ?? {};
    const management = input.ResourceTypeManagementPreference ?? {};
    for (const type of Object.keys(optIn)) {
      if (!(type in DEFAULT_OPT_IN))
        fail(call, 'InvalidParameterValueException', `Unsupported resource type ${type}.`);
    }
    for (const type of Object.keys(management)) {
      if (!(type in DEFAULT_MANAGEMENT_PREFERENCE))
        fail(call, 'InvalidParameterValueException', `Unsupported resource type ${type}.`);
    }
    // Omitted types keep their value: the sandbox merges. AWS does not document this, so the controller reads,
    // merges and writes the whole map anyway (docs/aws-behaviour.md#region-opt-in).
    for (const [type, value] of Object.entries(optIn)) region.optIn.set(type, value);
    for (const [type, value] of Object.entries(management)) region.managementPreference.set(type, value);
    call.events.emit(call.caller.accountId, call.region, {
      source: 'aws.backup',
      detailType: 'Region Setting State Change',
      detail: {
        state: 'MODIFIED',
        modifiedAt: call.state.now.toISOString(),
        ResourceTypeOptInPreference: optIn,
      },
    });
    return {};
  },

  DescribeGlobalSettings: (call: Call): Omit<DescribeGlobalSettingsCommandOutput, '$metadata'> => ({
    GlobalSettings: {
      isCrossAccountBackupEnabled: String(call.state.organization.crossAccountBackupEnabled),
      isMpaEnabled: 'false',
      isDelegatedAdministratorEnabled: 'false',
    },
    LastUpdateTime: call.state.organization.globalSettingsUpdatedAt,
  }),

  UpdateGlobalSettings: (call: Call, input: UpdateGlobalSettingsCommandInput) => {
    if (!isManagement(call)) {
      fail(
        call,
        'InvalidRequestException',
        'Only the management account of the organization can update global settings.',
      );
    }
    const value = input.GlobalSettings?.isCrossAccountBackupEnabled;
    if (value !== undefined) {
      if (value !== 'true' && value !== 'false') {
        fail(
          call,
          'InvalidParameterValueException',
          'isCrossAccountBackupEnabled must be "true" or "false".',
        );
      }
      call.state.organization.crossAccountBackupEnabled = value === 'true';
      call.state.organization.globalSettingsUpdatedAt = call.state.now;
    }
    return {};
  },

  ListProtectedResources: (call: Call, input: ListProtectedResourcesCommandInput) => {
    const results = [...here(call).protectedResources.values()]
      .sort((a, b) => a.resourceArn.localeCompare(b.resourceArn))
      .map((resource) => ({
        ResourceArn: resource.resourceArn,
        ResourceType: resource.resourceType,
        LastBackupTime: resource.lastBackupTime,
        ResourceName: resource.resourceArn.split(/[:/]/).pop(),
        LastBackupVaultArn: resource.lastBackupVaultArn,
        LastRecoveryPointArn: resource.lastRecoveryPointArn,
      }));
    const { items, NextToken } = page(call, results, input, 'protected');
    return { Results: items, NextToken };
  },

  ListBackupJobs: (call: Call, input: ListBackupJobsCommandInput) => {
    const jobs = jobRegions(call, input.ByAccountId)
      .flatMap((region) => region.backupJobs)
      .filter(
        (job) =>
          matchesJobFilters(call, job, input) &&
          (input.ByBackupVaultName === undefined || job.vaultName === input.ByBackupVaultName) &&
          (input.ByResourceType === undefined || job.resourceType === input.ByResourceType),
      )
      .sort(newestFirst)
      .map(backupJobOut);
    const { items, NextToken } = page(call, jobs, input, `backup-jobs:${jobQuery(input)}`);
    return { BackupJobs: items, NextToken };
  },

  ListCopyJobs: (call: Call, input: ListCopyJobsCommandInput) => {
    const jobs = jobRegions(call, input.ByAccountId)
      .flatMap((region) => region.copyJobs)
      .filter(
        (job) =>
          matchesJobFilters(call, job, input) &&
          (input.ByDestinationVaultArn === undefined ||
            job.destinationVaultArn === input.ByDestinationVaultArn),
      )
      .sort(newestFirst)
      .map(copyJobOut);
    const { items, NextToken } = page(call, jobs, input, `copy-jobs:${jobQuery(input)}`);
    return { CopyJobs: items, NextToken };
  },

  ListRecoveryPointsByBackupVault: (call: Call, input: ListRecoveryPointsByBackupVaultCommandInput) => {
    const vault = requireVault(call, input.BackupVaultName);
    const expired = expireRecoveryPoints(call, vault);
    const points: RecoveryPointByBackupVault[] = vault.recoveryPoints
      .filter(
        (point) =>
          (input.ByResourceArn === undefined || point.resourceArn === input.ByResourceArn) &&
          (input.ByCreatedAfter === undefined || point.creationDate > input.ByCreatedAfter) &&
          (input.ByCreatedBefore === undefined || point.creationDate < input.ByCreatedBefore),
      )
      .map((point) => ({
        RecoveryPointArn: point.arn,
        BackupVaultName: point.vaultName,
        BackupVaultArn: point.vaultArn,
        ResourceArn: point.resourceArn,
        ResourceType: point.resourceType,
        IamRoleArn: point.iamRoleArn,
        Status: expired.has(point) ? 'EXPIRED' : 'COMPLETED',
        CreationDate: point.creationDate,
        CompletionDate: point.completionDate,
        BackupSizeInBytes: point.backupSizeInBytes,
        EncryptionKeyArn: point.encryptionKeyArn,
        IsEncrypted: true,
        Lifecycle: point.deleteAfterDays === null ? undefined : { DeleteAfterDays: point.deleteAfterDays },
        SourceBackupVaultArn: point.sourceVaultArn ?? point.vaultArn,
        CreatedBy: point.backupPlanId
          ? { BackupPlanId: point.backupPlanId, BackupPlanName: point.backupPlanName }
          : undefined,
      }));
    const { items, NextToken } = page(
      call,
      points,
      input,
      `recovery-points:${vault.name}:${input.ByResourceArn}:${input.ByCreatedAfter?.toISOString()}:${input.ByCreatedBefore?.toISOString()}`,
    );
    return { RecoveryPoints: items, NextToken };
  },

  ListBackupPlans: (call: Call, input: ListBackupPlansCommandInput) => {
    const plans = effectivePlansOf(call.state, call.caller.accountId)
      .filter((plan) => plan.regions.includes(call.region))
      .map((plan) => {
        const identity = orgPlanIdentity(
          call.caller.accountId,
          call.region,
          plan.name,
          call.state.organization.policyRevision,
        );
        return {
          BackupPlanArn: identity.backupPlanArn,
          BackupPlanId: identity.backupPlanId,
          BackupPlanName: plan.name,
          VersionId: identity.versionId,
          CreationDate: call.state.organization.policyChangedAt,
        };
      });
    const { items, NextToken } = page(call, plans, input, 'plans');
    return { BackupPlansList: items, NextToken };
  },
};

/**
 * Recovery points past their retention: deleted by lifecycle, or — where the world says AWS Backup cannot
 * delete them (`lifecycleDeletes: false`) — kept with status EXPIRED, which "indicates that the recovery point
 * has exceeded its retention period, but AWS Backup lacks permission or is otherwise unable to delete it"
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_RecoveryPointByBackupVault.html). Applied when
 * the vault is listed, which is when anyone can tell.
 */
function expireRecoveryPoints(call: Call, vault: SimVault): ReadonlySet<SimRecoveryPoint> {
  const now = call.state.now.getTime();
  const pastRetention = (point: SimRecoveryPoint) =>
    point.deleteAfterDays !== null && point.creationDate.getTime() + point.deleteAfterDays * DAY_MS <= now;
  const lifecycleDeletes = call.state.region(vault.accountId, vault.region).lifecycleDeletes;
  if (!lifecycleDeletes) return new Set(vault.recoveryPoints.filter(pastRetention));
  const kept = vault.recoveryPoints.filter((point) => !pastRetention(point));
  vault.recoveryPoints.splice(0, vault.recoveryPoints.length, ...kept);
  return new Set();
}
