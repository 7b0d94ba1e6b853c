import type { ActionKind } from './model.js';

/**
 * Every write the controller can make, with the IAM permissions it needs. The planner copies `permissions`
 * onto each action it emits; infra builds the controller's IAM policies from this table, so a new action
 * kind cannot ship without its permissions. Nothing here deletes a vault, recovery point, key or role, and
 * nothing writes IAM roles: the backup role, the controller's execution role and event forwarding belong to
 * the member baseline StackSet (the management stack in the management account); the controller only
 * verifies them.
 */
export interface ActionKindInfo {
  readonly scope: 'org' | 'target';
  /** Where the call runs: the management account (Organizations, global settings) or the member account. */
  readonly runsIn: 'management' | 'member';
  /**
   * True when the action modifies configuration that already exists (as opposed to creating something
   * missing). Only these count against the blast-radius limit: creating a missing prerequisite is additive.
   */
  readonly mutatesExisting: boolean;
  readonly permissions: readonly string[];
  readonly description: string;
}

export const ACTION_CATALOG: Readonly<Record<ActionKind, ActionKindInfo>> = {
  EnablePolicyType: {
    scope: 'org',
    runsIn: 'management',
    mutatesExisting: false,
    permissions: ['organizations:EnablePolicyType', 'organizations:ListRoots'],
    description: 'Enable the BACKUP_POLICY policy type on the organization root.',
  },
  CreatePolicy: {
    scope: 'org',
    runsIn: 'management',
    mutatesExisting: false,
    permissions: ['organizations:CreatePolicy', 'organizations:TagResource'],
    description: 'Create the controller-owned backup policy.',
  },
  UpdatePolicy: {
    scope: 'org',
    runsIn: 'management',
    mutatesExisting: true,
    permissions: ['organizations:UpdatePolicy', 'organizations:DescribePolicy'],
    description: 'Restore the controller-owned backup policy content after drift or a config change.',
  },
  AttachPolicy: {
    scope: 'org',
    runsIn: 'management',
    mutatesExisting: false,
    permissions: ['organizations:AttachPolicy'],
    description: 'Attach the controller-owned backup policy to a configured target.',
  },
  DetachPolicy: {
    scope: 'org',
    runsIn: 'management',
    mutatesExisting: true,
    permissions: ['organizations:DetachPolicy'],
    description: 'Detach the controller-owned backup policy from a target the config no longer lists.',
  },
  EnableCrossAccountBackup: {
    scope: 'org',
    runsIn: 'management',
    mutatesExisting: true,
    permissions: ['backup:UpdateGlobalSettings', 'backup:DescribeGlobalSettings'],
    description: 'Turn on isCrossAccountBackupEnabled so copies into the central vault can run.',
  },
  CreateBackupVault: {
    scope: 'target',
    runsIn: 'member',
    mutatesExisting: false,
    // With a customer-managed key AWS Backup creates a grant for itself and uses the key on the caller's
    // behalf; the first vault of an account also creates the AWS Backup service-linked role.
    // https://docs.aws.amazon.com/aws-backup/latest/devguide/create-a-vault.html
    permissions: [
      'backup:CreateBackupVault',
      'backup-storage:MountCapsule',
      'kms:DescribeKey',
      'kms:CreateGrant',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'iam:CreateServiceLinkedRole',
    ],
    description: 'Create the backup vault the policy targets, with the configured KMS key.',
  },
  PutVaultLock: {
    scope: 'target',
    runsIn: 'member',
    mutatesExisting: true,
    permissions: ['backup:PutBackupVaultLockConfiguration'],
    description: 'Apply the configured vault lock (governance, or compliance when explicitly allowed).',
  },
  PutVaultAccessPolicy: {
    scope: 'target',
    runsIn: 'member',
    mutatesExisting: true,
    permissions: ['backup:PutBackupVaultAccessPolicy'],
    description: 'Allow backup:CopyIntoBackupVault from the organization on the central vault.',
  },
  EnableRegionOptIn: {
    scope: 'target',
    runsIn: 'member',
    mutatesExisting: false,
    permissions: ['backup:DescribeRegionSettings', 'backup:UpdateRegionSettings'],
    description: 'Opt in the resource types present in the Region, so tag-based selections include them.',
  },
  EnableAdvancedDynamoDbBackup: {
    scope: 'target',
    runsIn: 'member',
    // It changes how every team's DynamoDB backups in the account and Region work (copies, cold storage,
    // backups under the vault's key), so it counts against the blast radius.
    mutatesExisting: true,
    permissions: ['backup:DescribeRegionSettings', 'backup:UpdateRegionSettings'],
    description:
      'Turn on advanced DynamoDB backup (opt-in and management preference) where tagged tables exist.',
  },
  CreateServiceLinkedRole: {
    scope: 'target',
    runsIn: 'member',
    mutatesExisting: false,
    // Scoped in infra to AWSServiceRoleForBackup with iam:AWSServiceName = backup.amazonaws.com.
    permissions: ['iam:CreateServiceLinkedRole'],
    description:
      'Create AWSServiceRoleForBackup in the central account, only after a copy or lifecycle job failed for want of it.',
  },
  CreateRestoreTestingPlan: {
    scope: 'target',
    runsIn: 'member',
    mutatesExisting: false,
    // AWS Backup creates AWSServiceRoleForBackupRestoreTesting with the first restore testing plan.
    permissions: ['backup:CreateRestoreTestingPlan', 'iam:CreateServiceLinkedRole'],
    description: "Create the restore testing plan that restores the policy vault's recent recovery points.",
  },
  CreateRestoreTestingSelection: {
    scope: 'target',
    runsIn: 'member',
    mutatesExisting: false,
    // The selection names the backup role, which AWS Backup assumes to create the restored resource.
    permissions: ['backup:CreateRestoreTestingSelection', 'iam:PassRole'],
    description: 'Add one resource type (tag-selected resources) to the restore testing plan.',
  },
  CreateKmsGrant: {
    scope: 'target',
    runsIn: 'member',
    mutatesExisting: false,
    permissions: ['kms:CreateGrant'],
    description:
      'Grant the backup service role the few operations one use needs on a same-account customer-managed ' +
      'resource key (kmsGrants: manage only).',
  },
};

export const ACTION_KINDS = Object.keys(ACTION_CATALOG) as ActionKind[];
