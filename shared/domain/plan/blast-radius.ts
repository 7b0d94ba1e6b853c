import { ACTION_CATALOG } from '../actions.js';
import type { Action } from '../model.js';

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
 * Blocks the actions that would take the number of changed accounts past the budget. Only kinds that modify
 * existing configuration count (creating something missing is additive); org actions count against the
 * management account they run in. Accounts are admitted in the order their first counting action appears,
 * and once an account is refused all its counting actions are blocked. Blocked actions stay in the output so
 * the report and alerts show them.
 */
export function applyBlastRadius(
  actions: readonly Action[],
  budget: BlastRadiusBudget,
): { actions: Action[]; changedAccounts: Set<string> } {
  const limit = maxChangedAccounts(budget.totalAccounts, budget.maxPercent);
  const changedAccounts = new Set(budget.alreadyChanged);
  const result = actions.map((action): Action => {
    if (action.blocked || !ACTION_CATALOG[action.spec.kind].mutatesExisting) return action;
    if (changedAccounts.has(action.accountId)) return action;
    if (changedAccounts.size < limit) {
      changedAccounts.add(action.accountId);
      return action;
    }
    return {
      ...action,
      blocked: {
        by: 'BLAST_RADIUS',
        message:
          `Changing account ${action.accountId} would exceed the blast-radius limit of ` +
          `${budget.maxPercent}% (${limit} of ${budget.totalAccounts} accounts) for one run.`,
      },
    };
  });
  return { actions: result, changedAccounts };
}
