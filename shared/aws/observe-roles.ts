import { GetRoleCommand, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import type { ObservedTarget } from '../domain/model.js';
import { trustsServicePrincipal } from '../domain/policy/trust-policy.js';
import type { ClientFactory } from './clients.js';
import { callSite, listAll, unlessNotFound } from './observe-reads.js';

const BACKUP_SERVICE_PRINCIPAL = 'backup.amazonaws.com';

/** The backup role, whether AWS Backup may assume it, and the managed policies attached to it. */
export async function readBackupRole(
  factory: ClientFactory,
  accountId: string,
  roleName: string,
): Promise<ObservedTarget['backupRole']> {
  const iam = factory.iam(accountId);
  const call = callSite(accountId, factory.homeRegion);
  const role = await unlessNotFound(() =>
    call('GetRole', () => iam.send(new GetRoleCommand({ RoleName: roleName }))),
  );
  if (!role?.Role) return { exists: false, trustsBackup: false, attachedPolicyArns: [] };
  const attached = await listAll(
    call,
    'ListAttachedRolePolicies',
    (Marker) => iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker })),
    (page) => ({ items: page.AttachedPolicies, nextToken: page.IsTruncated ? page.Marker : undefined }),
  );
  return {
    exists: true,
    trustsBackup: trustsServicePrincipal(role.Role.AssumeRolePolicyDocument, BACKUP_SERVICE_PRINCIPAL),
    attachedPolicyArns: attached.flatMap((policy) => (policy.PolicyArn ? [policy.PolicyArn] : [])).sort(),
  };
}
