import { serviceLinkedBackupRoleArn } from './local-plans.js';
import { orgPathOf } from './organization.js';
import { arnMatchesPattern } from './resource-types.js';
import type { SimAccount, SimKey, SimState, SimVault } from './state.js';

/**
 * How AWS decides the IAM, key-policy and vault-policy questions a backup or copy job depends on. Written
 * independently of the controller's own readers of the same documents, so the two can disagree.
 */

const AWS_MIN_RETENTION_DAYS = 1;
const AWS_MAX_RETENTION_DAYS = 36500;

export function roleTrustsBackup(account: SimAccount, accountId: string, roleArn: string): boolean {
  // AWS Backup's service-linked role exists in every account that uses AWS Backup and trusts it by design.
  if (roleArn === serviceLinkedBackupRoleArn(accountId)) return true;
  const match = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  if (!match || match[1] !== accountId) return false;
  const role = account.roles.get(match[2]!);
  return role ? trustPolicyAllowsService(role.trustPolicy, 'backup.amazonaws.com') : false;
}

export function trustPolicyAllowsService(document: string, service: string): boolean {
  const statements = statementsOf(document);
  return statements.some(
    (statement) =>
      statement.Effect === 'Allow' &&
      asList(statement.Action).some(
        (action) => action === 'sts:AssumeRole' || action === 'sts:*' || action === '*',
      ) &&
      asList((statement.Principal as { Service?: unknown } | undefined)?.Service).includes(service),
  );
}

/** Key access comes from the key policy plus grants; AWS managed keys serve any principal of the account. */
export function keyUsableBy(key: SimKey, roleArn: string): boolean {
  return (
    key.manager === 'AWS' ||
    key.allowsBackupRole ||
    key.grants.some((grant) => grant.granteePrincipal === roleArn)
  );
}

export function lockConflict(vault: SimVault, deleteAfterDays: number | null): string | null {
  const lock = vault.lock;
  if (!lock) return null;
  const min = lock.minRetentionDays ?? AWS_MIN_RETENTION_DAYS;
  const max = lock.maxRetentionDays ?? AWS_MAX_RETENTION_DAYS;
  const tooShort = deleteAfterDays !== null && deleteAfterDays < min;
  const tooLong = lock.maxRetentionDays !== undefined && (deleteAfterDays === null || deleteAfterDays > max);
  if (!tooShort && !tooLong) return null;
  const retention = deleteAfterDays === null ? 'unlimited' : String(deleteAfterDays);
  return `Lifecycle retention of ${retention} days is outside the range allowed by the vault lock on ${vault.name} (minimum ${min} days, maximum ${max} days).`;
}

/**
 * Whether a vault access policy lets `sourceAccountId` copy in: an Allow of backup:CopyIntoBackupVault for
 * that account's root, for `*` conditioned on the organization id, or on an org path the account sits under.
 */
export function accessPolicyAllowsCopy(
  state: SimState,
  policy: string | undefined,
  sourceAccountId: string,
): boolean {
  if (!policy) return false;
  const account = state.account(sourceAccountId);
  if (!account) return false;
  const orgPath = orgPathOf(state, account);
  return statementsOf(policy).some((statement) => {
    if (statement.Effect !== 'Allow') return false;
    const actions = asList(statement.Action);
    if (!actions.some((a) => a === 'backup:CopyIntoBackupVault' || a === 'backup:*' || a === '*'))
      return false;
    const principal = statement.Principal;
    const principals = principal === '*' ? ['*'] : asList((principal as { AWS?: unknown } | undefined)?.AWS);
    const namesAccount = principals.some(
      (p) => p === sourceAccountId || p === `arn:aws:iam::${sourceAccountId}:root`,
    );
    const condition = (statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
    const orgIds = Object.values(condition).flatMap((c) => asList(c['aws:PrincipalOrgID']));
    const orgPaths = Object.values(condition).flatMap((c) => asList(c['aws:PrincipalOrgPaths']));
    if (namesAccount) return true;
    if (!principals.includes('*')) return false;
    if (orgIds.includes(state.organization.id)) return true;
    return orgPaths.some((pattern) => arnMatchesPattern(orgPath, pattern));
  });
}

interface PolicyStatement {
  Effect?: string;
  Action?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

function statementsOf(document: string): PolicyStatement[] {
  try {
    const parsed = JSON.parse(document) as { Statement?: unknown };
    const statements = parsed.Statement;
    return (Array.isArray(statements) ? statements : statements ? [statements] : []) as PolicyStatement[];
  } catch {
    return [];
  }
}

const asList = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];
