import { Aws } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { MANAGEMENT_READ_PERMISSIONS, MEMBER_READ_PERMISSIONS } from '../shared/aws/permissions.js';
import { ACTION_CATALOG, type ActionKindInfo } from '../shared/domain/actions.js';
import { ControllerError } from '../shared/domain/errors.js';
import { GRANTABLE_KEY_OPERATIONS } from '../shared/domain/evaluate/key-access.js';
import { RESTORE_TESTING_PLAN_NAME } from '../shared/domain/evaluate/restore-tests.js';

/** Where a set of permissions is exercised: the management account itself, or a member account. */
export type PermissionScope = ActionKindInfo['runsIn'];

/**
 * Patterns the controller must never be granted, whatever the catalog or the read lists say: wildcards
 * (least privilege), anything that destroys backups or what they depend on, and IAM role writes (the
 * member baseline and the management stack own every role the controller relies on).
 */
export const FORBIDDEN_PERMISSIONS: readonly { readonly pattern: RegExp; readonly why: string }[] = [
  { pattern: /\*/, why: 'wildcard actions are not least privilege' },
  { pattern: /^[\w-]+:Delete/i, why: 'the controller never deletes anything' },
  {
    pattern: /^kms:(ScheduleKeyDeletion|DisableKey|RevokeGrant|RetireGrant)$/i,
    why: 'keys guard the backups',
  },
  {
    pattern: /^backup:(Disassociate|UpdateRecoveryPointLifecycle|StopBackupJob)/i,
    why: 'recovery points are kept',
  },
  {
    pattern:
      /^iam:(?!CreateServiceLinkedRole$|PassRole$)(Create|Put|Attach|Detach|Update|Tag|Untag|Remove|Add)/i,
    why: 'roles belong to the deployed baseline; a role write would let the controller make itself admin',
  },
];

export class ForbiddenPermissionError extends ControllerError {
  constructor(permission: string, why: string) {
    super('FORBIDDEN_PERMISSION', `The controller must not be granted ${permission}: ${why}.`);
  }
}

export class UnscopedWriteError extends ControllerError {
  constructor(permission: string) {
    super(
      'UNSCOPED_WRITE',
      `${permission} is a write with no resource scope in infra/permissions.ts; add a scoped statement for it ` +
        'before granting it.',
    );
  }
}

export function assertAllowedPermissions(permissions: Iterable<string>): void {
  for (const permission of permissions) {
    const forbidden = FORBIDDEN_PERMISSIONS.find(({ pattern }) => pattern.test(permission));
    if (forbidden) throw new ForbiddenPermissionError(permission, forbidden.why);
  }
}

const READ_PERMISSIONS: Readonly<Record<PermissionScope, readonly string[]>> = {
  management: MANAGEMENT_READ_PERMISSIONS,
  member: MEMBER_READ_PERMISSIONS,
};

/** Granted on its own, scoped to the member role inside the organization: see OrganizationBackupController. */
const ASSUME_ROLE = 'sts:AssumeRole';

/**
 * Union of the catalog's write permissions and the observers' read permissions for one scope, sorted,
 * without sts:AssumeRole.
 */
export function controllerPermissions(scope: PermissionScope): string[] {
  const writes = Object.values(ACTION_CATALOG)
    .filter((info) => info.runsIn === scope)
    .flatMap((info) => info.permissions);
  const all = [...new Set([...writes, ...READ_PERMISSIONS[scope]])].filter((p) => p !== ASSUME_ROLE).sort();
  assertAllowedPermissions(all);
  return all;
}

/**
 * What the sweep function calls, all reads: it lists the accounts (flat when `attachTo` names the root, by
 * walking the tree otherwise), and reads the cross-account backup setting that its organization facts carry
 * to every target. Policies, tags and effective policies are the org reconcile's reads, not the sweep's.
 */
export const SWEEP_PERMISSIONS: readonly string[] = [
  'organizations:ListAccounts',
  'organizations:ListRoots',
  'organizations:ListOrganizationalUnitsForParent',
  'organizations:ListAccountsForParent',
  'backup:DescribeGlobalSettings',
];

/** Names every controller write is scoped to; all of them are known when the app is synthesized. */
export interface PermissionNames {
  /** `o-…`: Organizations resources are scoped to it. */
  readonly organizationId: string;
  /** The AWS Backup service role (config `backupRoleName`): the only grantee of the controller's KMS grants. */
  readonly backupRoleName: string;
  /** The vaults the controller creates, locks or opens to the organization (member vault, central vault). */
  readonly vaultNames: readonly string[];
}

const READ_ACTION = /^[\w-]+:(Get|List|Describe)/;
const BACKUP_SERVICE_PATTERN = 'backup.*.amazonaws.com';

/** One statement of scoped writes: the actions it covers, and where and when they may act. */
interface ScopedWrite {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: (names: PermissionNames) => string[];
  readonly conditions?: (names: PermissionNames) => Record<string, Record<string, unknown>>;
}

const arn = (service: string, region: string, resource: string) =>
  `arn:${Aws.PARTITION}:${service}:${region}:${Aws.ACCOUNT_ID}:${resource}`;
const backupPolicies = ({ organizationId }: PermissionNames) =>
  arn('organizations', '', `policy/${organizationId}/backup_policy/*`);
const keys = () => [arn('kms', '*', 'key/*')];

/**
 * Every write the controller may be granted, with what it may touch. Account and Region come from the stack
 * (`Aws.ACCOUNT_ID` resolves to each member account inside the StackSet template).
 */
const SCOPED_WRITES: readonly ScopedWrite[] = [
  {
    sid: 'BackupPoliciesOnly',
    actions: [
      'organizations:AttachPolicy',
      'organizations:DetachPolicy',
      'organizations:UpdatePolicy',
      'organizations:EnablePolicyType',
      'organizations:TagResource',
    ],
    resources: (names) => [
      ...['root', 'ou', 'account'].map((kind) =>
        arn('organizations', '', `${kind}/${names.organizationId}/*`),
      ),
      backupPolicies(names),
    ],
    conditions: () => ({ StringLikeIfExists: { 'organizations:PolicyType': 'BACKUP_POLICY' } }),
  },
  {
    sid: 'CreateBackupPolicy',
    actions: ['organizations:CreatePolicy'],
    resources: (names) => [backupPolicies(names)],
    conditions: () => ({ StringEquals: { 'organizations:PolicyType': 'BACKUP_POLICY' } }),
  },
  {
    sid: 'ConfiguredVaultsOnly',
    actions: [
      'backup:CreateBackupVault',
      'backup:PutBackupVaultLockConfiguration',
      'backup:PutBackupVaultAccessPolicy',
    ],
    resources: (names) =>
      [...new Set(names.vaultNames)].map((name) => arn('backup', '*', `backup-vault:${name}`)),
  },
  {
    sid: 'GrantKeysToBackupRole',
    actions: ['kms:CreateGrant'],
    resources: keys,
    conditions: (names) => ({
      StringEquals: { 'kms:GranteePrincipal': arn('iam', '', `role/${names.backupRoleName}`) },
      'ForAllValues:StringEquals': { 'kms:GrantOperations': [...GRANTABLE_KEY_OPERATIONS] },
    }),
  },
  {
    sid: 'BackupGrantsForItself',
    actions: ['kms:CreateGrant'],
    resources: keys,
    conditions: () => ({
      Bool: { 'kms:GrantIsForAWSResource': 'true' },
      StringLike: { 'kms:ViaService': BACKUP_SERVICE_PATTERN },
    }),
  },
  {
    // Key use that only AWS Backup makes on the controller's behalf (CreateBackupVault with a customer key).
    sid: 'KeyUseThroughBackup',
    actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    resources: keys,
    conditions: () => ({ StringLike: { 'kms:ViaService': BACKUP_SERVICE_PATTERN } }),
  },
  {
    // The first vault creates AWSServiceRoleForBackup, the first restore testing plan
    // AWSServiceRoleForBackupRestoreTesting.
    // https://docs.aws.amazon.com/aws-backup/latest/devguide/using-service-linked-roles-AWSServiceRoleForBackupRestoreTesting.html
    sid: 'BackupServiceLinkedRoles',
    actions: ['iam:CreateServiceLinkedRole'],
    resources: () => [
      arn('iam', '', 'role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup'),
      arn(
        'iam',
        '',
        'role/aws-service-role/restore-testing.backup.amazonaws.com/AWSServiceRoleForBackupRestoreTesting',
      ),
    ],
    conditions: () => ({
      StringEquals: {
        'iam:AWSServiceName': ['backup.amazonaws.com', 'restore-testing.backup.amazonaws.com'],
      },
    }),
  },
  {
    sid: 'OwnRestoreTestingPlanOnly',
    actions: ['backup:CreateRestoreTestingPlan', 'backup:CreateRestoreTestingSelection'],
    resources: () => [arn('backup', '*', `restore-testing-plan:${RESTORE_TESTING_PLAN_NAME}-*`)],
  },
  {
    // The only role the controller passes: the backup role, named in its restore testing selections, to
    // AWS Backup alone.
    sid: 'PassBackupRoleToBackup',
    actions: ['iam:PassRole'],
    resources: (names) => [arn('iam', '', `role/${names.backupRoleName}`)],
    conditions: () => ({ StringEquals: { 'iam:PassedToService': 'backup.amazonaws.com' } }),
  },
  {
    // The Service Authorization Reference defines no resource type for these: Region and organization-wide
    // AWS Backup settings, and attaching a key to a vault's storage.
    sid: 'SettingsWithoutResourceTypes',
    actions: ['backup:UpdateRegionSettings', 'backup:UpdateGlobalSettings', 'backup-storage:MountCapsule'],
    resources: () => ['*'],
  },
];

/**
 * Turns a permission list into policy statements in which every write names what it may touch
 * (SCOPED_WRITES). Reads stay on `*` (the controller discovers what it reads). A write without a rule fails
 * synthesis instead of silently landing on `*`.
 */
export function permissionStatements(
  permissions: readonly string[],
  names: PermissionNames,
): PolicyStatement[] {
  assertAllowedPermissions(permissions);
  const scoped = SCOPED_WRITES.flatMap((write) => {
    const actions = write.actions.filter((action) => permissions.includes(action));
    if (actions.length === 0) return [];
    const conditions = write.conditions?.(names);
    return [
      new PolicyStatement({
        sid: write.sid,
        actions,
        resources: write.resources(names),
        ...(conditions ? { conditions } : {}),
      }),
    ];
  });
  const covered = new Set(SCOPED_WRITES.flatMap((write) => write.actions));
  const reads = [...new Set(permissions.filter((action) => !covered.has(action)))].sort();
  const unscopedWrite = reads.find((action) => !READ_ACTION.test(action));
  if (unscopedWrite) throw new UnscopedWriteError(unscopedWrite);
  return reads.length > 0
    ? [new PolicyStatement({ sid: 'Observe', actions: reads, resources: ['*'] }), ...scoped]
    : scoped;
}
