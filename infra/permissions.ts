import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { MANAGEMENT_READ_PERMISSIONS, MEMBER_READ_PERMISSIONS } from '../shared/aws/permissions.js';
import { ACTION_CATALOG, type ActionKindInfo } from '../shared/domain/actions.js';
import { ControllerError } from '../shared/domain/errors.js';

/** Where a set of permissions is exercised: the management account itself, or a member account. */
export type PermissionScope = ActionKindInfo['runsIn'];

/**
 * Patterns the controller must never be granted, whatever the catalog or the read lists say: wildcards
 * (least privilege) and anything that destroys backups or what they depend on (design: "never deletes
 * vaults, recovery points, keys or roles").
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
  { pattern: /^iam:(DetachRolePolicy|RemoveRoleFromInstanceProfile)$/i, why: 'roles are never weakened' },
];

export class ForbiddenPermissionError extends ControllerError {
  constructor(permission: string, why: string) {
    super('FORBIDDEN_PERMISSION', `The controller must not be granted ${permission}: ${why}.`);
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

/**
 * Granted on its own, scoped to the member role inside the organization, never on `*`: see
 * OrganizationBackupController.
 */
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

/** The only AWS managed policies the controller may attach to a role: the AWS Backup service-role ones. */
const BACKUP_MANAGED_POLICY_PATTERNS = [
  `arn:${Aws.PARTITION}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyFor*`,
  `arn:${Aws.PARTITION}:iam::aws:policy/AWSBackupServiceRolePolicyForS3*`,
];

const IAM_ROLE_WRITE = /^iam:(Create|Attach|Put|Update|Tag)/;

/**
 * Turns a permission list into policy statements, narrowing what IAM lets us narrow without knowing
 * resource names the config may change at run time: IAM writes only on roles of the account the policy
 * lives in, attachments only of AWS Backup managed policies, PassRole only to EventBridge. The rest of the
 * catalog (Organizations, Backup, KMS, EventBridge, tagging reads) acts on resources the controller
 * discovers, so it stays on `*` (acknowledged in nag-acknowledgements.ts).
 */
export function permissionStatements(scope: IConstruct, permissions: readonly string[]): PolicyStatement[] {
  assertAllowedPermissions(permissions);
  const rolesInThisAccount = Stack.of(scope).formatArn({
    service: 'iam',
    region: '',
    resource: 'role',
    resourceName: '*',
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
  const passRole = permissions.filter((p) => p === 'iam:PassRole');
  const attachPolicy = permissions.filter((p) => p === 'iam:AttachRolePolicy');
  const roleWrites = permissions.filter((p) => IAM_ROLE_WRITE.test(p) && p !== 'iam:AttachRolePolicy');
  const special = new Set([...passRole, ...attachPolicy, ...roleWrites]);
  const rest = permissions.filter((p) => !special.has(p));

  const statements: PolicyStatement[] = [];
  if (rest.length > 0)
    statements.push(new PolicyStatement({ sid: 'ObserveAndReconcile', actions: rest, resources: ['*'] }));
  if (roleWrites.length > 0) {
    statements.push(
      new PolicyStatement({ sid: 'ManageRoles', actions: roleWrites, resources: [rolesInThisAccount] }),
    );
  }
  if (attachPolicy.length > 0) {
    statements.push(
      new PolicyStatement({
        sid: 'AttachBackupManagedPolicies',
        actions: attachPolicy,
        resources: [rolesInThisAccount],
        conditions: { ArnLike: { 'iam:PolicyARN': BACKUP_MANAGED_POLICY_PATTERNS } },
      }),
    );
  }
  if (passRole.length > 0) {
    statements.push(
      new PolicyStatement({
        sid: 'PassForwardingRoleToEventBridge',
        actions: passRole,
        resources: [rolesInThisAccount],
        conditions: { StringEquals: { 'iam:PassedToService': 'events.amazonaws.com' } },
      }),
    );
  }
  return statements;
}
