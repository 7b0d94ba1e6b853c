import { ACTION_CATALOG } from '../actions.js';
import type { Action, ActionKind } from '../model.js';

export interface BlastRadiusBudget {
  /** Accounts in scope for this run. */
  readonly totalAccounts: number;
  /** Accounts whose existing configuration was already changed earlier in the same run. */
  readonly alreadyChanged: ReadonlySet<string>;
  readonly maxPercent: number;
}

/**
 * The most accounts whose existing configuration one run may change. Rounded UP, so any positive share
 * allows at least one account: with 3 accounts and 10% a run still repairs one account, where rounding down
 * would block every repair in small organizations forever. 0% allows none.
 */
export function maxChangedAccounts(totalAccounts: number, maxPercent: number): number {
  return Math.ceil((totalAccounts * maxPercent) / 100);
}

/**
 * Blocks the actions that would take the number of changed accounts past the budget (the same rule the
 * deployed controller applies per target with its run ledger). Accounts are admitted in the order their
 * first counting action appears, and once an account is refused all its counting actions are blocked.
 * Blocked actions stay in the output so the report and alerts show them.
 */
export function applyBlastRadius(
  actions: readonly Action[],
  budget: BlastRadiusBudget,
): { actions: Action[]; changedAccounts: Set<string> } {
  const limit = maxChangedAccounts(budget.totalAccounts, budget.maxPercent);
  const changedAccounts = new Set(budget.alreadyChanged);
  const counting = new Set(actionsCountingAgainstBlastRadius(actions));
  const result = actions.map((action): Action => {
    if (!counting.has(action)) return action;
    if (changedAccounts.has(action.accountId)) return action;
    if (changedAccounts.size < limit) {
      changedAccounts.add(action.accountId);
      return action;
    }
    return {
      ...action,
      blocked: blastRadiusBlock({
        accountId: action.accountId,
        totalAccounts: budget.totalAccounts,
        percent: budget.maxPercent,
      }),
    };
  });
  return { actions: result, changedAccounts };
}

/**
 * The one blast-radius rule, used by `orgbackup plan` and the deployed controller alike: an unblocked action
 * counts when it modifies configuration that already exists in a member account. Never counted:
 * - creating something missing (additive);
 * - a lock or access policy on a vault created in the same plan: part of creating it, so a new account is
 *   prepared completely in the run that sees it;
 * - organization-level repairs of the controller's own policy and settings: one drift repair must not wait
 *   for a human.
 */
export function actionsCountingAgainstBlastRadius(actions: readonly Action[]): Action[] {
  const createdVaults = new Set(
    actions.filter((action) => action.spec.kind === 'CreateBackupVault').map((action) => action.target),
  );
  return actions.filter(
    (action) =>
      !action.blocked &&
      action.scope === 'target' &&
      ACTION_CATALOG[action.spec.kind].mutatesExisting &&
      !(VAULT_SETTINGS.has(action.spec.kind) && createdVaults.has(action.target)),
  );
}

/** Settings of a vault, written right after the vault itself when the controller creates it. */
const VAULT_SETTINGS: ReadonlySet<ActionKind> = new Set(['PutVaultLock', 'PutVaultAccessPolicy']);

/** The block recorded on an account's modifying actions once the run's budget of changed accounts is spent. */
export function blastRadiusBlock(input: {
  readonly accountId: string;
  readonly totalAccounts: number;
  readonly percent: number;
}): NonNullable<Action['blocked']> {
  const limit = maxChangedAccounts(input.totalAccounts, input.percent);
  return {
    by: 'BLAST_RADIUS',
    message:
      `Changing account ${input.accountId} would exceed the blast-radius limit of ` +
      `${input.percent}% (${limit} of ${input.totalAccounts} accounts) for one run.`,
  };
}
