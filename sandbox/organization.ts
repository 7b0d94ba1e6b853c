import {
  type EffectiveNode,
  mergeEffectivePolicy,
  parsePolicyDocument,
  plansOf,
  type SimPlan,
} from './effective-policy.js';
import type { SimAccount, SimOu, SimState } from './state.js';

/** Questions about the OU tree and the policies attached to it, shared by Organizations, jobs and timeline. */

export type BackupPolicyTypeStatus = 'ENABLED' | 'PENDING_ENABLE' | 'DISABLED';

/** EnablePolicyType is asynchronous: PENDING_ENABLE until its ready time passes on the simulated clock. */
export function backupPolicyTypeStatus(state: SimState): BackupPolicyTypeStatus {
  const org = state.organization;
  if (
    org.backupPolicyType === 'PENDING_ENABLE' &&
    org.backupPolicyTypeReadyAt &&
    org.backupPolicyTypeReadyAt <= state.now
  ) {
    org.backupPolicyType = 'ENABLED';
    state.policyChanged();
  }
  return org.backupPolicyType;
}

export function ouPath(state: SimState, ouId: string): string {
  const names: string[] = [];
  let current = state.organization.ous.get(ouId);
  while (current) {
    names.unshift(current.name);
    current = state.organization.ous.get(current.parentId);
  }
  return `/${names.join('/')}`;
}

/** `/` is the root; `/Workloads/Prod` an OU. Returns the parent id or undefined. */
export function parentIdForPath(state: SimState, path: string): string | undefined {
  if (path === '/') return state.organization.rootId;
  return [...state.organization.ous.values()].find((ou) => ouPath(state, ou.id) === path)?.id;
}

/** World-file targets (`root`, `/OU/Path`, account id) and API targets (`r-…`, `ou-…`, account id) to an id. */
export function resolveTargetId(state: SimState, target: string): string | undefined {
  if (target === 'root') return state.organization.rootId;
  if (target.startsWith('/')) return parentIdForPath(state, target);
  return target;
}

export type TargetKind = 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT';

export function describeTarget(
  state: SimState,
  targetId: string,
): { kind: TargetKind; arn: string; name: string } | undefined {
  const org = state.organization;
  if (targetId === org.rootId) return { kind: 'ROOT', arn: rootArn(state), name: 'Root' };
  const ou = org.ous.get(targetId);
  if (ou) return { kind: 'ORGANIZATIONAL_UNIT', arn: ou.arn, name: ou.name };
  const account = org.accounts.get(targetId);
  if (account) return { kind: 'ACCOUNT', arn: accountArn(state, account.id), name: account.name };
  return undefined;
}

export const rootArn = (state: SimState) =>
  `arn:aws:organizations::${state.organization.managementAccountId}:root/${state.organization.id}/${state.organization.rootId}`;
export const accountArn = (state: SimState, accountId: string) =>
  `arn:aws:organizations::${state.organization.managementAccountId}:account/${state.organization.id}/${accountId}`;

/** Root first, then each OU down to the account itself. */
export function chainOf(state: SimState, account: SimAccount): string[] {
  const chain = [account.id];
  let parent = account.parentId;
  while (parent !== state.organization.rootId) {
    chain.unshift(parent);
    const ou: SimOu | undefined = state.organization.ous.get(parent);
    if (!ou) break;
    parent = ou.parentId;
  }
  chain.unshift(state.organization.rootId);
  return chain;
}

/** `o-…/r-…/ou-…/` as aws:PrincipalOrgPaths spells an account's position. */
export function orgPathOf(state: SimState, account: SimAccount): string {
  return `${state.organization.id}/${chainOf(state, account).slice(0, -1).join('/')}/`;
}

export function policiesAttachedTo(state: SimState, targetId: string): string[] {
  return state.organization.attachments
    .filter((attachment) => attachment.targetId === targetId)
    .sort((a, b) => a.sequence - b.sequence)
    .map((attachment) => attachment.policyId);
}

const effectiveCache = new WeakMap<
  SimState,
  { revision: number; byAccount: Map<string, EffectiveNode | null> }
>();

/** The merged BACKUP_POLICY of an account, or null when it has none (or the policy type is not enabled). */
export function effectivePolicyOf(state: SimState, accountId: string): EffectiveNode | null {
  if (backupPolicyTypeStatus(state) !== 'ENABLED') return null;
  const account = state.account(accountId);
  if (!account) return null;
  let cache = effectiveCache.get(state);
  if (!cache || cache.revision !== state.organization.policyRevision) {
    cache = { revision: state.organization.policyRevision, byAccount: new Map() };
    effectiveCache.set(state, cache);
  }
  if (!cache.byAccount.has(accountId)) {
    const levels = chainOf(state, account).map((targetId) =>
      policiesAttachedTo(state, targetId).flatMap((policyId) => {
        const policy = state.organization.policies.get(policyId);
        return policy ? [parsePolicyDocument(policy.content)] : [];
      }),
    );
    cache.byAccount.set(accountId, mergeEffectivePolicy(levels));
  }
  return cache.byAccount.get(accountId) ?? null;
}

export function effectivePlansOf(state: SimState, accountId: string): SimPlan[] {
  const effective = effectivePolicyOf(state, accountId);
  return effective ? plansOf(effective, accountId) : [];
}
