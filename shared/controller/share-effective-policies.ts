import type { OrganizationObservation } from '../aws/observe-org.js';
import { readEffectivePolicyOf } from '../aws/observe-policy.js';
import { readBackupPolicyAttachments } from '../aws/observe-policy-attachments.js';
import { groupAccountsByPolicyChain } from '../domain/policy/policy-chains.js';
import type { FindingsStore } from '../store/findings-store.js';
import type { SharedEffectivePolicyGroup } from '../store/shared-effective-policies.js';
import type { ControllerDeps } from './deps.js';

/** What sharing needs of the controller's dependencies. */
export type SharingDeps = Pick<ControllerDeps, 'factory' | 'clock' | 'log' | 'metrics'> & {
  readonly store: Pick<FindingsStore, 'saveSharedEffectivePolicies'>;
};

/**
 * A chain's effective policy is shared only when it last changed at least this long ago. Organizations
 * applies a policy change to each account on its own and publishes no time for it; while it is under way
 * DescribeEffectivePolicy answers PolicyChangesInProgressException for that account
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeEffectivePolicy.html). One
 * account having finished says nothing about the others, so for a while after a change every account on the
 * chain reads its own policy again.
 */
export const SETTLE_AFTER_CHANGE_MS = 30 * 60 * 1000;

/** Org actions that change what accounts inherit: a run that applied one shares nothing. */
const POLICY_CHANGES: ReadonlySet<string> = new Set([
  'EnablePolicyType',
  'CreatePolicy',
  'UpdatePolicy',
  'AttachPolicy',
  'DetachPolicy',
]);

export interface SharingOutcome {
  /** Distinct chains of inherited backup policies among the organization's active accounts. */
  readonly chains: number;
  /** Chains whose effective policy the run's targets are handed; the others' accounts read their own. */
  readonly shared: number;
  /** Accounts on the shared chains. */
  readonly accounts: number;
  /** Why nothing was shared (null when the chains were looked at one by one). */
  readonly skipped: string | null;
}

/**
 * Reads each distinct chain's effective policy once, from the management account, and stores it for the
 * run's account targets, instead of every account × Region target reading its own: 20,000 targets of
 * 5,000 accounts × 4 Regions become one read per chain (plus one ListTargetsForPolicy per backup policy other
 * than the controller's, whose targets the organization's observation read), on a quota Organizations keeps for the whole organization.
 *
 * A chain is shared only when its representative's answer can stand for the others: the read succeeded,
 * policies on the chain ⇔ a policy came back, and the policy has not changed for SETTLE_AFTER_CHANGE_MS.
 * Accounts not on a shared chain (joined since the tree was read, or on a chain that is settling) and every
 * event-driven target without an org reconcile in its run read their own, as before. Never throws: sharing
 * is an optimisation, its failure leaves every target to its own read.
 */
export async function shareEffectivePolicies(
  deps: SharingDeps,
  runId: string,
  organization: Pick<
    OrganizationObservation,
    'rootId' | 'ous' | 'accounts' | 'backupPolicyIds' | 'backupPolicies'
  >,
  appliedKinds: readonly string[],
): Promise<SharingOutcome> {
  const changed = appliedKinds.find((kind) => POLICY_CHANGES.has(kind));
  if (changed) return skipped(deps, `this run applied ${changed}; effective policies are settling`);
  const now = deps.clock.now();
  try {
    // Read before this run's repairs; a run that changed a backup policy or its targets stopped above.
    const attachments = await readBackupPolicyAttachments(
      deps.factory,
      organization.backupPolicyIds,
      new Map(organization.backupPolicies.map((policy) => [policy.id, policy.targets])),
    );
    const active = organization.accounts.filter((account) => account.state === 'ACTIVE');
    const chains = groupAccountsByPolicyChain({ ...organization, accounts: active }, attachments);
    const shared: SharedEffectivePolicyGroup[] = [];
    // One chain after another: Organizations throttles the organization's callers together.
    for (const chain of chains) {
      const representative = chain.accounts[0];
      if (representative === undefined) continue;
      const read = await readEffectivePolicyOf(deps.factory, representative).catch((error: unknown) => {
        deps.log.info('Effective policy not shared; its accounts read their own', {
          chain: chain.key,
          error: error instanceof Error ? error.message : String(error),
        });
        return null;
      });
      if (!read || (read.content !== null) !== chain.policyIds.length > 0) continue;
      if (read.lastUpdated && now.getTime() - read.lastUpdated.getTime() < SETTLE_AFTER_CHANGE_MS) continue;
      shared.push({ content: read.content, accounts: chain.accounts });
    }
    const stored = await deps.store.saveSharedEffectivePolicies(runId, shared, now);
    const outcome = {
      chains: chains.length,
      shared: stored.chains,
      accounts: stored.accounts,
      skipped: null,
    };
    deps.log.info('Effective policies shared with the targets', { runId, ...outcome });
    deps.metrics.count('EffectivePolicyChainsShared', stored.chains);
    return outcome;
  } catch (error) {
    return skipped(deps, error instanceof Error ? error.message : String(error));
  }
}

function skipped(deps: SharingDeps, why: string): SharingOutcome {
  deps.log.info('No effective policy shared; every target reads its own', { why });
  return { chains: 0, shared: 0, accounts: 0, skipped: why };
}
