import { GetRoleCommand, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import {
  BACKUP_SERVICE_LINKED_ROLE,
  jobsPointingToServiceLinkedRole,
} from '../domain/evaluate/service-linked-role.js';
import type { DesiredState, JobOutcome, ObservedTarget } from '../domain/model.js';
import { trustsServicePrincipal } from '../domain/policy/trust-policy.js';
import type { ClientFactory } from './clients.js';
import { callSite, listAll, unlessNotFound } from './observe-reads.js';
import { iamClient } from './sdk/iam.js';

const BACKUP_SERVICE_PRINCIPAL = 'backup.amazonaws.com';

/** The backup role, whether AWS Backup may assume it, and the managed policies attached to it. */
export async function readBackupRole(
  factory: ClientFactory,
  accountId: string,
  roleName: string,
): Promise<ObservedTarget['backupRole']> {
  const iam = iamClient(factory, accountId);
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
    ...trustPolicyOf(role.Role.AssumeRolePolicyDocument),
    attachedPolicyArns: attached.flatMap((policy) => (policy.PolicyArn ? [policy.PolicyArn] : [])).sort(),
  };
}

/**
 * The central account's AWSServiceRoleForBackup: read where the central vault is held, and from a member
 * only when one of its failed copies names the role (one GetRole, so the planner knows whether to create it).
 */
export async function readCentralServiceLinkedRole(
  factory: ClientFactory,
  desired: DesiredState,
  holdsCentralVault: boolean,
  jobs: readonly JobOutcome[],
): Promise<ObservedTarget['serviceLinkedRole']> {
  const central = desired.centralVault;
  if (!central) return undefined;
  if (!holdsCentralVault && jobsPointingToServiceLinkedRole(jobs).length === 0) return undefined;
  const iam = iamClient(factory, central.accountId);
  const call = callSite(central.accountId, factory.homeRegion);
  const role = await unlessNotFound(() =>
    call('GetRole', () => iam.send(new GetRoleCommand({ RoleName: BACKUP_SERVICE_LINKED_ROLE }))),
  );
  return { accountId: central.accountId, exists: Boolean(role?.Role) };
}

/** GetRole returns the trust policy URL-encoded. */
function trustPolicyOf(encoded: string | undefined): { trustPolicy?: string } {
  if (encoded === undefined) return {};
  try {
    return { trustPolicy: decodeURIComponent(encoded) };
  } catch {
    return { trustPolicy: encoded };
  }
}
