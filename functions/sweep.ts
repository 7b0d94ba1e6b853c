import type { ControllerDeps } from '../shared/controller/deps.js';
import { instrumented } from '../shared/controller/lambda-instrumentation.js';
import { lambdaDeps } from '../shared/controller/lambda-runtime.js';
import { startSweep, type TargetsPublisher } from '../shared/controller/sweep.js';
import { sweepTargetsPublisher } from '../shared/controller/sweep-targets-publisher.js';

export interface SweepResult {
  readonly runId: string;
  /** Where the Distributed Map reads the `{kind, accountId, region}` items from. */
  readonly targetsKey: string;
  readonly totalAccounts: number;
}

/** Scheduled start of a run: lists the accounts once and publishes the targets the state machine fans out over. */
export function createSweepHandler(deps: () => ControllerDeps, publish: () => TargetsPublisher) {
  return async (): Promise<SweepResult> => {
    const plan = await startSweep(deps(), 'schedule');
    const targetsKey = await publish()(plan);
    return { runId: plan.runId, targetsKey, totalAccounts: plan.totalAccounts };
  };
}

export const handler = instrumented(
  createSweepHandler(
    () => lambdaDeps(),
    () => sweepTargetsPublisher(),
  ),
);
