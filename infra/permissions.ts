import { Aws } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { MANAGEMENT_READ_PERMISSIONS, MEMBER_READ_PERMISSIONS } from '../shared/aws/permissions.js';
import { ACTION_CATALOG, type ActionKindInfo } from '../shared/domain/actions.js';
import { ControllerError } from '../shared/domain/errors.js';
import { GRANTABLE_KEY_OPERATIONS } from '../shared/domain/evaluate/key-access.js';

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

/** What the sweep function calls: it lists the organization, nothing else (read-only). */
export const SWEEP_PERMISSIONS: readonly string[] = MANAGEMENT_READ_PERMISSIONS.filter((permission) =>
  permission.startsWith('organizations:'),
);

/** Names every controller write is scoped to; all of them are known when the app is synthesized. */
export interface PermissionNames {
  /** `o-…`: Organizations resources are scoped to it. */
  readonly organizationId: string;
  /** The AWS Backup service role (config `backupRoleName`): the only grantee of the controller's KMS grants. */
  readonly backupRoleName: string;
  /** The vaults the controller creates, locks or opens to the organization (member vault, central vault). */
  readonly vaultNames: readonly string[];
}

const ORGANIZATIONS_BACKUP_POLICY_WRITES = [
  'organizations:AttachPolicy',
  'organizations:DetachPolicy',
  'organizations:UpdatePolicy',
  'organizations:EnablePolicyType',
  'organizations:TagResource',
];
const CREATE_POLICY = 'organizations:CreatePolicy';
const VAULT_WRITES = [
  'backup:CreateBackupVault',
  'backup:PutBackupVaultLockConfiguration',
  'backup:PutBackupVaultAccessPolicy',
];
const CREATE_GRANT = 'kms:CreateGrant';
/** Key use that only AWS Backup makes on the controller's behalf (CreateBackupVault with a customer key). */
const KEY_USE_THROUGH_BACKUP = ['kms:Decrypt', 'kms:GenerateDataKey'];
const SERVICE_LINKED_ROLE = 'iam:CreateServiceLinkedRole';
/**
 * Writes the Service Authorization Reference defines no resource type for: Region and organization-wide
 * AWS Backup settings, and attaching a key to a vault's storage.
 */
const WILDCARD_ONLY_WRITES = [
  'backup:UpdateRegionSettings',
  'backup:UpdateGlobalSettings',
  'backup-storage:MountCapsule',
];
const READ_ACTION = /^[\w-]+:(Get|List|Describe)/;

const BACKUP_SERVICE_PATTERN = 'backup.*.amazonaws.com';

/**
 * Turns a permission list into policy statements in which every write names what it may touch:
 * Organizations writes only backup policies of this organization, vault writes only the configured vaults,
 * KMS grants only to the backup role (with the operations the planner asks for) or by AWS Backup for
 * itself, and the service-linked role of AWS Backup. Reads stay on `*` (the controller discovers what it
 * reads). A write without a rule here fails synthesis instead of silently landing on `*`.
 * Account and Region come from the stack (`Aws.ACCOUNT_ID` resolves to each member account inside the
 * StackSet template).
 */
export function permissionStatements(
  permissions: readonly string[],
  names: PermissionNames,
): PolicyStatement[] {
  assertAllowedPermissions(permissions);
  const granted = new Set(permissions);
  const take = (actions: readonly string[]) => {
    const present = actions.filter((action) => granted.has(action));
    for (const action of present) granted.delete(action);
    return present;
  };
  const arn = (service: string, region: string, resource: string) =>
    `arn:${Aws.PARTITION}:${service}:${region}:${Aws.ACCOUNT_ID}:${resource}`;
  const org = names.organizationId;
  const statements: PolicyStatement[] = [];

  const orgWrites = take(ORGANIZATIONS_BACKUP_POLICY_WRITES);
  if (orgWrites.length > 0) {
    statements.push(
      new PolicyStatement({
        sid: 'BackupPoliciesOnly',
        actions: orgWrites,
        resources: [
          arn('organizations', '', `root/${org}/*`),
          arn('organizations', '', `ou/${org}/*`),
          arn('organizations', '', `account/${org}/*`),
          arn('organizations', '', `policy/${org}/backup_policy/*`),
        ],
        conditions: { StringLikeIfExists: { 'organizations:PolicyType': 'BACKUP_POLICY' } },
      }),
    );
  }
  if (take([CREATE_POLICY]).length > 0) {
    statements.push(
      new PolicyStatement({
        sid: 'CreateBackupPolicy',
        actions: [CREATE_POLICY],
        resources: [arn('organizations', '', `policy/${org}/backup_policy/*`)],
        conditions: { StringEquals: { 'organizations:PolicyType': 'BACKUP_POLICY' } },
      }),
    );
  }
  const vaultWrites = take(VAULT_WRITES);
  if (vaultWrites.length > 0) {
    statements.push(
      new PolicyStatement({
        sid: 'ConfiguredVaultsOnly',
        actions: vaultWrites,
        resources: [...new Set(names.vaultNames)].map((name) => arn('backup', '*', `backup-vault:${name}`)),
      }),
    );
  }
  const keys = arn('kms', '*', 'key/*');
  if (take([CREATE_GRANT]).length > 0) {
    statements.push(
      new PolicyStatement({
        sid: 'GrantKeysToBackupRole',
        actions: [CREATE_GRANT],
        resources: [keys],
        conditions: {
          StringEquals: { 'kms:GranteePrincipal': arn('iam', '', `role/${names.backupRoleName}`) },
          'ForAllValues:StringEquals': { 'kms:GrantOperations': [...GRANTABLE_KEY_OPERATIONS] },
        },
      }),
      new PolicyStatement({
        sid: 'BackupGrantsForItself',
        actions: [CREATE_GRANT],
        resources: [keys],
        conditions: {
          Bool: { 'kms:GrantIsForAWSResource': 'true' },
          StringLike: { 'kms:ViaService': BACKUP_SERVICE_PATTERN },
        },
      }),
    );
  }
  const keyUse = take(KEY_USE_THROUGH_BACKUP);
  if (keyUse.length > 0) {
    statements.push(
      new PolicyStatement({
        sid: 'KeyUseThroughBackup',
        actions: keyUse,
        resources: [keys],
        conditions: { StringLike: { 'kms:ViaService': BACKUP_SERVICE_PATTERN } },
      }),
    );
  }
  if (take([SERVICE_LINKED_ROLE]).length > 0) {
    statements.push(
      new PolicyStatement({
        sid: 'BackupServiceLinkedRole',
        actions: [SERVICE_LINKED_ROLE],
        resources: [arn('iam', '', 'role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup')],
        conditions: { StringEquals: { 'iam:AWSServiceName': 'backup.amazonaws.com' } },
      }),
    );
  }

  const settings = take(WILDCARD_ONLY_WRITES);
  if (settings.length > 0) {
    statements.push(
      new PolicyStatement({ sid: 'SettingsWithoutResourceTypes', actions: settings, resources: ['*'] }),
    );
  }
  const reads = [...granted].sort();
  const unscopedWrite = reads.find((action) => !READ_ACTION.test(action));
  if (unscopedWrite) throw new UnscopedWriteError(unscopedWrite);
  if (reads.length > 0) {
    statements.unshift(new PolicyStatement({ sid: 'Observe', actions: reads, resources: ['*'] }));
  }
  return statements;
}
