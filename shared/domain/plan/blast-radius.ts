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
    if (!countsAgainstBlastRadius(action)) return action;
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

/** An unblocked action that modifies existing configuration: the only kind the blast radius limits. */
export function countsAgainstBlastRadius(action: Action): boolean {
  return !action.blocked && ACTION_CATALOG[action.spec.kind].mutatesExisting;
}

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
