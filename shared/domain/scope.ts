import type { DesiredState } from './model.js';

/** Accounts in these states can be acted on; closed or suspended accounts would only report errors. */
const MANAGED_STATES: ReadonlySet<string> = new Set(['ACTIVE']);

/**
 * The accounts the controller manages: active, not excluded by the config. Also the base of the
 * blast-radius percentage, so the sweep, event runs and `orgbackup plan` must agree on it.
 */
export function accountsInScope<A extends { readonly id: string; readonly state: string }>(
  accounts: readonly A[],
  desired: Pick<DesiredState, 'excludeAccounts'>,
): A[] {
  const excluded = new Set(desired.excludeAccounts);
  return accounts.filter((account) => MANAGED_STATES.has(account.state) && !excluded.has(account.id));
}

/**
 * The Regions outside the policy to scan in an account, from the Regions enabled there: all of them without
 * `scanRegions`, those it lists otherwise.
 */
export function scanOnlyRegions(
  desired: Pick<DesiredState, 'regions' | 'scanRegions'>,
  enabledRegions: readonly string[],
): string[] {
  const wanted = desired.scanRegions === null ? null : new Set(desired.scanRegions);
  return [...new Set(enabledRegions)]
    .filter((region) => !desired.regions.includes(region) && (wanted === null || wanted.has(region)))
    .sort();
}

/**
 * The account whose Regions outside the policy are scanned from its target in the first policy Region: one
 * target per account does it, once a day, so the fan-out stays one item per account × policy Region.
 */
export function isScanningTarget(desired: Pick<DesiredState, 'regions'>, region: string): boolean {
  return desired.regions[0] === region;
}

/** `attachTo` reaches every account when it names the root (by word or id). */
export function attachesToWholeOrganization(attachTo: readonly string[]): boolean {
  return attachTo.some((entry) => entry === 'root' || /^r-[0-9a-z]{4,32}$/.test(entry));
}

interface OrganizationTree {
  readonly rootId: string;
  readonly ous: readonly { readonly id: string; readonly parentId: string; readonly path: string }[];
  readonly accounts: readonly { readonly id: string; readonly parentId: string }[];
}

/**
 * The accounts under the roots, OUs and accounts `attachTo` names (OUs by id or by path): where the backup
 * policy applies and where the member baseline StackSet deploys the controller's role. Accounts elsewhere
 * are no targets, so they are never reported unreachable for lacking the role. Entries that match nothing
 * reach no account (the org reconcile reports them).
 */
export function accountsReachedBy(attachTo: readonly string[], tree: OrganizationTree): ReadonlySet<string> {
  const heads = new Set<string>();
  for (const entry of attachTo) {
    if (entry === 'root') heads.add(tree.rootId);
    else if (entry.startsWith('/')) {
      const path = entry.length > 1 ? entry.replace(/\/+$/, '') : entry;
      for (const ou of tree.ous) if (ou.path === path) heads.add(ou.id);
    } else heads.add(entry);
  }
  const parentOf = new Map(tree.ous.map((ou) => [ou.id, ou.parentId]));
  const reached = (parentId: string): boolean => {
    for (let id: string | undefined = parentId; id !== undefined; id = parentOf.get(id)) {
      if (heads.has(id)) return true;
    }
    return false;
  };
  return new Set(
    tree.accounts.filter((account) => heads.has(account.id) || reached(account.parentId)).map((a) => a.id),
  );
}
