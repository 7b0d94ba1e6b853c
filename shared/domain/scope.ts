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

/** The Regions each account is observed in: the policy's, then the ones only scanned, each once. */
export function observedRegions(desired: Pick<DesiredState, 'regions' | 'scanRegions'>): string[] {
  return [...new Set([...desired.regions, ...desired.scanRegions])];
}
