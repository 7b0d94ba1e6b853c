import type { Action, DesiredState, Mode, ObservedOrganization, ObservedTarget } from '../model.js';
import { accountsInScope } from '../scope.js';
import { applyBlastRadius } from './blast-radius.js';
import { planOrg } from './plan-org.js';
import { planTarget } from './plan-target.js';

export { planOrg } from './plan-org.js';
export { planTarget } from './plan-target.js';

export interface Plan {
  /** Every planned action in execution order, blocked ones included; all with `applied: false`. */
  readonly actions: Action[];
  readonly problems: string[];
  /** What the executor should run: the unblocked actions in enforce mode, nothing in audit mode. */
  readonly toApply: Action[];
  /** Accounts whose existing configuration the unblocked actions change. */
  readonly changedAccounts: Set<string>;
}

/**
 * The whole run's plan: org actions first, then each target's, with the blast-radius limit applied across
 * all of them. The base is the accounts in scope (active, not excluded), as in the deployed controller.
 */
export function plan(
  desired: DesiredState,
  observedOrg: ObservedOrganization,
  observedTargets: readonly ObservedTarget[],
  mode: Mode,
  now: Date,
): Plan {
  const org = planOrg(desired, observedOrg);
  const planned = [
    ...org.actions,
    ...observedTargets.flatMap((observed) => planTarget(desired, observed, now)),
  ];
  const limited = applyBlastRadius(planned, {
    totalAccounts: accountsInScope(observedOrg.accounts, desired).length,
    alreadyChanged: new Set(),
    maxPercent: desired.blastRadius.maxAccountsChangedPercent,
  });
  return {
    actions: limited.actions,
    problems: org.problems,
    toApply: mode === 'enforce' ? limited.actions.filter((action) => !action.blocked) : [],
    changedAccounts: limited.changedAccounts,
  };
}
