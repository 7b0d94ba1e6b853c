import {
  BackupClient,
  CreateBackupVaultCommand,
  CreateRestoreTestingPlanCommand,
  CreateRestoreTestingSelectionCommand,
  DescribeRegionSettingsCommand,
  PutBackupVaultAccessPolicyCommand,
  PutBackupVaultLockConfigurationCommand,
  UpdateGlobalSettingsCommand,
  UpdateRegionSettingsCommand,
} from '@aws-sdk/client-backup';
import { CreateServiceLinkedRoleCommand } from '@aws-sdk/client-iam';
import {
  CreateGrantCommand,
  DescribeKeyCommand,
  type GrantOperation,
  type KMSClient,
} from '@aws-sdk/client-kms';
import type { Tag } from '@aws-sdk/client-organizations';
import { ControllerError } from '../domain/errors.js';
import type { Action, ActionSpec, KmsKeySpec, Mode } from '../domain/model.js';
import { MANAGED_BY_TAG } from '../domain/policy/render.js';
import { lazyImport } from '../lazy-import.js';
import type { ClientFactory } from './clients.js';
import { classifyAwsError, realSleep, type Sleep, withConflictRetry } from './errors.js';
import { collectPages } from './paginate.js';

const kmsSdk = lazyImport(() => import('./sdk/kms.js'));
const iamSdk = lazyImport(() => import('./sdk/iam.js'));

const BACKUP_POLICY = 'BACKUP_POLICY';
const ORG_PAGE_SIZE = 20;
const CONFLICT_RETRY = { attempts: 5, baseDelayMs: 1000 };
/**
 * EnablePolicyType is asynchronous: the root lists the type as PENDING_ENABLE before ENABLED
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_EnablePolicyType.html); about two minutes
 * of polling before giving up this run.
 */
const POLICY_TYPE_POLL = { attempts: 12, delayMs: 10_000 };
/**
 * Success without change: the thing already exists or is already in the wanted state. A retried create,
 * or a concurrent reconcile, must not turn into a failure.
 */
const ALREADY_DONE = new Set([
  'AlreadyExistsException',
  'DuplicatePolicyException',
  'DuplicatePolicyAttachmentException',
  'PolicyTypeAlreadyEnabledException',
  'PolicyNotAttachedException',
]);

export interface ApplyOptions {
  readonly mode: Mode;
  /** Recorded on what the controller creates, so its provenance is visible in the console. */
  readonly now: Date;
  readonly organizationId: string;
  /** Waits between polls and conflict retries; the sandbox passes one that returns at once. */
  readonly sleep?: Sleep;
}

/** The write could not reach its goal although the calls succeeded (e.g. PutTargets' partial failure). */
export class ActionIncompleteError extends ControllerError {}

/**
 * Carries out planned actions in order (an AttachPolicy may depend on a CreatePolicy before it). Audit mode
 * and blocked actions make no call at all. A failed action is recorded on the action and does not stop the
 * others: each is independent enough that partial progress is better than none.
 */
export async function applyActions(
  factory: ClientFactory,
  actions: readonly Action[],
  options: ApplyOptions,
): Promise<Action[]> {
  if (options.mode === 'audit') return [...actions];
  const run = new ActionRunner(factory, options);
  const results: Action[] = [];
  for (const action of actions) {
    results.push(action.blocked ? action : await run.apply(action));
  }
  return results;
}

class ActionRunner {
  private readonly sleep: Sleep;
  /** Policy ids resolved by name during this run, so several AttachPolicy actions list policies once. */
  private readonly policyIds = new Map<string, string>();

  constructor(
    private readonly factory: ClientFactory,
    private readonly options: ApplyOptions,
  ) {
    this.sleep = options.sleep ?? realSleep;
  }

  async apply(action: Action): Promise<Action> {
    try {
      await withConflictRetry(() => this.execute(action), { ...CONFLICT_RETRY, sleep: this.sleep });
      return { ...action, applied: true };
    } catch (error) {
      const { code, message } = classifyAwsError(error);
      if (ALREADY_DONE.has(code)) return { ...action, applied: true };
      return { ...action, applied: false, error: { code, message } };
    }
  }

  private async execute(action: Action): Promise<void> {
    const spec = action.spec;
    switch (spec.kind) {
      case 'EnablePolicyType':
        return this.enablePolicyType(spec.rootId);
      case 'CreatePolicy': {
        const { organizationsClient, CreatePolicyCommand } = await organizations();
        await organizationsClient(this.factory).send(
          new CreatePolicyCommand({
            Name: spec.name,
            // Required by the API model (the SDK rejects a request without it) even though the docs call it optional.
            Description: spec.description,
            Content: spec.content,
            Type: BACKUP_POLICY,
            Tags: this.provenanceTags(),
          }),
        );
        return;
      }
      case 'UpdatePolicy': {
        const { organizationsClient, UpdatePolicyCommand } = await organizations();
        await organizationsClient(this.factory).send(
          new UpdatePolicyCommand({ PolicyId: spec.policyId, Content: spec.content }),
        );
        return;
      }
      case 'AttachPolicy': {
        const policyId = spec.policyId ?? (await this.policyIdByName(spec.policyName));
        const { organizationsClient, AttachPolicyCommand } = await organizations();
        await organizationsClient(this.factory).send(
          new AttachPolicyCommand({ PolicyId: policyId, TargetId: spec.targetId }),
        );
        return;
      }
      case 'DetachPolicy': {
        const { organizationsClient, DetachPolicyCommand } = await organizations();
        await organizationsClient(this.factory).send(
          new DetachPolicyCommand({ PolicyId: spec.policyId, TargetId: spec.targetId }),
        );
        return;
      }
      case 'EnableCrossAccountBackup':
        // Only the management account may change global settings; values are strings ("true").
        // https://docs.aws.amazon.com/aws-backup/latest/devguide/API_UpdateGlobalSettings.html
        await this.factory
          .clientOf(BackupClient, this.factory.managementAccountId, this.factory.homeRegion)
          .send(new UpdateGlobalSettingsCommand({ GlobalSettings: { isCrossAccountBackupEnabled: 'true' } }));
        return;
      case 'CreateBackupVault':
        return this.createBackupVault(action, spec);
      case 'PutVaultLock':
        await this.factory.clientOf(BackupClient, action.accountId, action.region).send(
          new PutBackupVaultLockConfigurationCommand({
            BackupVaultName: spec.vaultName,
            MinRetentionDays: spec.minRetentionDays,
            MaxRetentionDays: spec.maxRetentionDays,
            ChangeableForDays: spec.changeableForDays,
          }),
        );
        return;
      case 'PutVaultAccessPolicy':
        await this.factory
          .clientOf(BackupClient, action.accountId, action.region)
          .send(
            new PutBackupVaultAccessPolicyCommand({ BackupVaultName: spec.vaultName, Policy: spec.policy }),
          );
        return;
      case 'EnableRegionOptIn':
        return this.updateRegionSettings(action, { optIn: spec.resourceTypes, management: [] });
      case 'EnableAdvancedDynamoDbBackup':
        return this.updateRegionSettings(action, { optIn: ['DynamoDB'], management: ['DynamoDB'] });
      case 'CreateServiceLinkedRole':
        return this.createServiceLinkedRole(action.accountId, spec.serviceName);
      case 'CreateRestoreTestingPlan':
        await this.factory.clientOf(BackupClient, action.accountId, action.region).send(
          new CreateRestoreTestingPlanCommand({
            RestoreTestingPlan: {
              RestoreTestingPlanName: spec.planName,
              ScheduleExpression: spec.schedule,
              // The newest recovery point of the policy vault: the backup a restore would use today.
              RecoveryPointSelection: {
                Algorithm: 'LATEST_WITHIN_WINDOW',
                IncludeVaults: [spec.vaultArn],
                RecoveryPointTypes: ['SNAPSHOT'],
                SelectionWindowDays: spec.windowDays,
              },
            },
          }),
        );
        return;
      case 'CreateRestoreTestingSelection':
        await this.factory.clientOf(BackupClient, action.accountId, action.region).send(
          new CreateRestoreTestingSelectionCommand({
            RestoreTestingPlanName: spec.planName,
            RestoreTestingSelection: {
              RestoreTestingSelectionName: spec.selectionName,
              ProtectedResourceType: spec.resourceType,
              IamRoleArn: spec.iamRoleArn,
              // Every protected resource of the type that carries the selection tag.
              ProtectedResourceArns: ['*'],
              ProtectedResourceConditions: { StringEquals: [{ Key: spec.tagKey, Value: spec.tagValue }] },
              ...(Object.keys(spec.metadataOverrides).length > 0
                ? { RestoreMetadataOverrides: { ...spec.metadataOverrides } }
                : {}),
            },
          }),
        );
        return;
      case 'CreateKmsGrant':
        await (await this.kms(action)).send(
          new CreateGrantCommand({
            KeyId: spec.keyArn,
            GranteePrincipal: spec.granteePrincipal,
            Operations: spec.operations as GrantOperation[],
            // Reusing the name makes a retried CreateGrant return the existing grant.
            // https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html
            Name: spec.grantName,
          }),
        );
        return;
    }
  }

  /** Only member targets' key grants and aliased vault keys reach KMS: the org phase never loads it. */
  private async kms(action: Action): Promise<KMSClient> {
    const { KMSClient } = await kmsSdk();
    return this.factory.clientOf(KMSClient, action.accountId, action.region);
  }

  /**
   * A role created meanwhile (by AWS itself, or a concurrent run) answers InvalidInput "…has been taken in
   * this account…" (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceLinkedRole.html).
   */
  private async createServiceLinkedRole(accountId: string, serviceName: string): Promise<void> {
    try {
      const { iamClient } = await iamSdk();
      await iamClient(this.factory, accountId).send(
        new CreateServiceLinkedRoleCommand({ AWSServiceName: serviceName }),
      );
    } catch (error) {
      const { code, message } = classifyAwsError(error);
      if (code === 'InvalidInputException' && /has been taken/i.test(message)) return;
      throw error;
    }
  }

  private async enablePolicyType(rootId: string): Promise<void> {
    const { organizationsClient, EnablePolicyTypeCommand, ListRootsCommand } = await organizations();
    const org = organizationsClient(this.factory);
    try {
      await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: BACKUP_POLICY }));
    } catch (error) {
      // Already enabled (or being enabled by an earlier run): still wait for ENABLED below.
      if (classifyAwsError(error).code !== 'PolicyTypeAlreadyEnabledException') throw error;
    }
    for (let attempt = 1; attempt <= POLICY_TYPE_POLL.attempts; attempt++) {
      const roots = await collectPages((NextToken) =>
        org
          .send(new ListRootsCommand({ MaxResults: ORG_PAGE_SIZE, NextToken }))
          .then((page) => ({ items: page.Roots, nextToken: page.NextToken })),
      );
      const status = roots
        .find((root) => root.Id === rootId)
        ?.PolicyTypes?.find((type) => type.Type === BACKUP_POLICY)?.Status;
      if (status === 'ENABLED') return;
      if (attempt < POLICY_TYPE_POLL.attempts) await this.sleep(POLICY_TYPE_POLL.delayMs);
    }
    throw new ActionIncompleteError(
      'POLICY_TYPE_NOT_YET_ENABLED',
      `BACKUP_POLICY on ${rootId} is still not ENABLED; attaching would fail with PolicyTypeNotEnabledException`,
    );
  }

  private async policyIdByName(policyName: string): Promise<string> {
    const known = this.policyIds.get(policyName);
    if (known) return known;
    const { organizationsClient, ListPoliciesCommand } = await organizations();
    const org = organizationsClient(this.factory);
    const policies = await collectPages((NextToken) =>
      org
        .send(new ListPoliciesCommand({ Filter: BACKUP_POLICY, MaxResults: ORG_PAGE_SIZE, NextToken }))
        .then((page) => ({ items: page.Policies, nextToken: page.NextToken })),
    );
    const id = policies.find((policy) => policy.Name === policyName)?.Id;
    if (!id)
      throw new ActionIncompleteError('PolicyNotFoundException', `No BACKUP_POLICY named ${policyName}`);
    this.policyIds.set(policyName, id);
    return id;
  }

  private async createBackupVault(
    action: Action,
    spec: Extract<ActionSpec, { kind: 'CreateBackupVault' }>,
  ): Promise<void> {
    const encryptionKeyArn = await this.resolveKeyArn(action, spec.kmsKey);
    await this.factory.clientOf(BackupClient, action.accountId, action.region).send(
      new CreateBackupVaultCommand({
        BackupVaultName: spec.vaultName,
        ...(encryptionKeyArn ? { EncryptionKeyArn: encryptionKeyArn } : {}),
        CreatorRequestId: creatorRequestId(spec.vaultName),
      }),
    );
  }

  /**
   * CreateBackupVault takes a key ARN, not an alias; omitted means the AWS managed key.
   * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupVault.html
   */
  private async resolveKeyArn(action: Action, kmsKey: KmsKeySpec): Promise<string | undefined> {
    switch (kmsKey.type) {
      case 'aws-managed':
        return undefined;
      case 'arn':
        return kmsKey.arn;
      case 'alias': {
        const alias = kmsKey.alias.startsWith('alias/') ? kmsKey.alias : `alias/${kmsKey.alias}`;
        const described = await (await this.kms(action)).send(new DescribeKeyCommand({ KeyId: alias }));
        const arn = described.KeyMetadata?.Arn;
        if (!arn)
          throw new ActionIncompleteError('KmsAliasUnresolved', `DescribeKey(${alias}) returned no key ARN`);
        return arn;
      }
    }
  }

  /**
   * Read, merge, write both maps: AWS does not document whether a partial map leaves the other types
   * unchanged, so every type keeps the value it had unless it is being turned on.
   */
  private async updateRegionSettings(
    action: Action,
    turnOn: { readonly optIn: readonly string[]; readonly management: readonly string[] },
  ): Promise<void> {
    const backup = this.factory.clientOf(BackupClient, action.accountId, action.region);
    const current = await backup.send(new DescribeRegionSettingsCommand({}));
    const optIn = withTrue(current.ResourceTypeOptInPreference, turnOn.optIn);
    const management = withTrue(current.ResourceTypeManagementPreference, turnOn.management);
    await backup.send(
      new UpdateRegionSettingsCommand({
        ResourceTypeOptInPreference: optIn,
        ...(Object.keys(management).length > 0 ? { ResourceTypeManagementPreference: management } : {}),
      }),
    );
  }

  private provenanceTags(): Tag[] {
    return [
      { Key: MANAGED_BY_TAG.key, Value: MANAGED_BY_TAG.value },
      { Key: `${MANAGED_BY_TAG.value}:organization-id`, Value: this.options.organizationId },
      { Key: `${MANAGED_BY_TAG.value}:created-at`, Value: this.options.now.toISOString() },
    ];
  }
}

function withTrue(
  current: Readonly<Record<string, boolean>> | undefined,
  types: readonly string[],
): Record<string, boolean> {
  return { ...current, ...Object.fromEntries(types.map((type) => [type, true])) };
}

/** Deterministic, so a retried CreateBackupVault is recognised as the same request (1–50 of [A-Za-z0-9-_.]). */
function creatorRequestId(vaultName: string): string {
  return `orgbackup-${vaultName}`.slice(0, 50);
}

/**
 * The Organizations client and its policy commands, for the org target's actions only: member targets (most
 * reconcile invocations) never write to Organizations, so they do not load it.
 */
const organizations = lazyImport(() => import('./sdk/organizations.js'));
