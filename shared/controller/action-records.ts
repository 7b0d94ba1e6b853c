import type { Action } from '../domain/model.js';

/** How a run's actions ended, for the run record and metrics. */
export function countOutcomes(actions: readonly Action[]): {
  applied: number;
  blocked: number;
  failed: number;
} {
  return {
    applied: actions.filter((action) => action.applied).length,
    blocked: actions.filter((action) => action.blocked).length,
    failed: actions.filter((action) => action.error).length,
  };
}
