/**
 * Accounts grouped by the backup policies they inherit. Organizations merges an account's effective policy
 * from the policies attached to the root, then to each OU down its path, then to the account itself
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_mgmt.html), so
 * accounts with the same ordered chain of attached policies have the same effective policy. The effective
 * policy does not name the account it was read for: `$account` stays a placeholder in it
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_backup_effective.html).
 */

export interface PolicyTreeNode {
  readonly id: string;
  readonly parentId: string;
}

/** The organization as the org reconcile read it: its root, OUs and accounts, each with its parent. */
export interface PolicyTree {
  readonly rootId: string;
  readonly ous: readonly PolicyTreeNode[];
  readonly accounts: readonly PolicyTreeNode[];
}

export interface PolicyChainGroup {
  /**
   * Identifies the chain: one part per level that has backup policies attached, root first. A level with
   * one policy is that policy's id; a level with several also names the node, because policies on the same
   * node merge in the order they were attached, which the Organizations list calls do not tell.
   * `''`: no backup policy anywhere on the path.
   */
  readonly key: string;
  /** The policies of the chain, root level first (no duplicates). */
  readonly policyIds: readonly string[];
  /** Sorted by id. */
  readonly accounts: readonly string[];
}

/** OUs nest at most five deep under the root; a deeper or cyclic path means the tree read is broken. */
const MAX_LEVELS = 8;

/**
 * Groups accounts by their chain of attached backup policies. `attachments` maps a root, OU or account id
 * to the backup policies attached to it directly. An account whose path to the root cannot be followed
 * (a parent missing from the tree) is left out: it reads its own effective policy.
 */
export function groupAccountsByPolicyChain(
  tree: PolicyTree,
  attachments: ReadonlyMap<string, readonly string[]>,
): PolicyChainGroup[] {
  const parents = new Map(tree.ous.map((ou) => [ou.id, ou.parentId]));
  const groups = new Map<string, { policyIds: string[]; accounts: string[] }>();
  for (const account of tree.accounts) {
    const path = pathFromRoot(account, parents, tree.rootId);
    if (!path) continue;
    const levels = path.flatMap((nodeId) => {
      const policies = [...new Set(attachments.get(nodeId) ?? [])].sort();
      if (policies.length === 0) return [];
      return [
        { policies, part: policies.length === 1 ? policies.join() : `${nodeId}(${policies.join(',')})` },
      ];
    });
    const key = levels.map((level) => level.part).join('/');
    const group = groups.get(key) ?? {
      policyIds: [...new Set(levels.flatMap((level) => level.policies))],
      accounts: [],
    };
    group.accounts.push(account.id);
    groups.set(key, group);
  }
  return [...groups.entries()]
    .map(([key, group]) => ({ key, policyIds: group.policyIds, accounts: group.accounts.sort() }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** Root, OUs from the top down, then the account; null when a parent is unknown or the path loops. */
function pathFromRoot(
  account: PolicyTreeNode,
  parents: ReadonlyMap<string, string>,
  rootId: string,
): string[] | null {
  const path = [account.id];
  let parentId = account.parentId;
  for (let depth = 0; depth < MAX_LEVELS; depth++) {
    path.unshift(parentId);
    if (parentId === rootId) return path;
    const next = parents.get(parentId);
    if (next === undefined) return null;
    parentId = next;
  }
  return null;
}
