import * as z from 'zod';
import type { ControllerDeps } from '../shared/controller/deps.js';
import { instrumented } from '../shared/controller/lambda-instrumentation.js';
import { lambdaDeps } from '../shared/controller/lambda-runtime.js';
import type { OrgOutcome } from '../shared/controller/reconcile-org.js';
import { reconcileTarget, type TargetOutcome } from '../shared/controller/reconcile-target.js';

/** One item of the fan-out, as the state machine passes it (see infra/sweep-workflow.ts). */
const requestSchema = z.object({
  runId: z.string().min(1),
  target: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('org') }),
    z.object({
      kind: z.literal('account-region'),
      accountId: z.string().regex(/^\d{12}$/),
      region: z.string().min(1),
    }),
  ]),
  totalAccounts: z.number().int().nonnegative().default(0),
  crossAccountBackupEnabled: z.boolean().nullable().default(null),
});

/** Small on purpose: Step Functions keeps every item's result, so only the numbers travel back. */
export interface ReconcileResult {
  readonly target: string;
  readonly crossAccountBackupEnabled?: boolean | null;
  readonly reachable?: boolean;
  /** The org target only: the organization could not be read; the account targets use the last known facts. */
  readonly failed?: boolean;
  readonly actionsApplied: number;
  readonly transitions: number;
}

export function createReconcileHandler(deps: () => ControllerDeps) {
  return async (event: unknown): Promise<ReconcileResult> => {
    const request = requestSchema.parse(event);
    const target = request.target;
    if (target.kind === 'org') {
      // Once per sweep: the org observers (Organizations, CloudTrail) load only in the invocation that needs them.
      const { reconcileOrg } = await import('../shared/controller/reconcile-org.js');
      return summarizeOrg(await reconcileOrg(deps(), request.runId));
    }
    return summarizeTarget(await reconcileTarget(deps(), { ...request, ...target }));
  };
}

function summarizeOrg(outcome: OrgOutcome): ReconcileResult {
  return {
    target: 'org',
    crossAccountBackupEnabled: outcome.crossAccountBackupEnabled,
    failed: outcome.failed,
    actionsApplied: outcome.actions.filter((action) => action.applied).length,
    transitions: outcome.transitions.length,
  };
}

function summarizeTarget(outcome: TargetOutcome): ReconcileResult {
  return {
    target: `${outcome.accountId}/${outcome.region}`,
    reachable: outcome.reachable,
    actionsApplied: outcome.actions.filter((action) => action.applied).length,
    transitions: outcome.transitions.length,
  };
}

export const handler = instrumented(createReconcileHandler(() => lambdaDeps()));
