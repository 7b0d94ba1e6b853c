import type { FailedTarget } from '../shared/aws/fan-out-results.js';
import type { ControllerDeps } from '../shared/controller/deps.js';
import { instrumented } from '../shared/controller/lambda-instrumentation.js';
import { lambdaDeps } from '../shared/controller/lambda-runtime.js';
import { reconcileTargetBatch } from '../shared/controller/reconcile-batch.js';
import type { OrgOutcome } from '../shared/controller/reconcile-org.js';
import { reconcileTarget, type TargetOutcome } from '../shared/controller/reconcile-target.js';
import * as z from '../shared/domain/zod-mini.js';
import { lazyImport } from '../shared/lazy-import.js';

const orgReconcile = lazyImport(() => import('../shared/controller/reconcile-org.js'));

const accountRegion = () =>
  z.object({
    kind: z.literal('account-region'),
    accountId: z.string().check(z.regex(/^\d{12}$/)),
    region: z.string().check(z.minLength(1)),
  });

const runFacts = () => ({
  runId: z.string().check(z.minLength(1)),
  totalAccounts: z._default(z.int().check(z.nonnegative()), 0),
  crossAccountBackupEnabled: z._default(z.nullable(z.boolean()), null),
});

/**
 * What the state machine passes (see infra/sweep-workflow.ts): the org target, one target, or a fan-out
 * item's batch of targets (`ItemBatcher`: `BatchInput` plus `Items`). Built on the first request, not at
 * import, so a cold start does not pay for it.
 */
let requestSchema: ReturnType<typeof buildRequestSchema> | undefined;
function buildRequestSchema() {
  return z.union([
    z.object({
      ...runFacts(),
      target: z.discriminatedUnion('kind', [z.object({ kind: z.literal('org') }), accountRegion()]),
    }),
    z.object({ BatchInput: z.object(runFacts()), Items: z.array(accountRegion()).check(z.minLength(1)) }),
  ]);
}

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

/** A batch's outcome: its counts, and each target that failed (the fan-out's results carry them to notify). */
export interface BatchResult {
  readonly targets: number;
  readonly failedTargets: readonly FailedTarget[];
  readonly actionsApplied: number;
  readonly transitions: number;
}

/** A fan-out item of several targets, as the Map's ItemBatcher writes it. */
export interface TargetBatchRequest {
  readonly BatchInput: {
    readonly runId: string;
    readonly totalAccounts: number;
    readonly crossAccountBackupEnabled: boolean | null;
  };
  readonly Items: readonly {
    readonly kind: 'account-region';
    readonly accountId: string;
    readonly region: string;
  }[];
}

/** A batch gets a batch's result; the org target or a single target gets its own. */
export interface ReconcileHandler {
  (event: TargetBatchRequest): Promise<BatchResult>;
  (event: unknown): Promise<ReconcileResult>;
}

export function createReconcileHandler(deps: () => ControllerDeps): ReconcileHandler {
  const handle = async (event: unknown): Promise<ReconcileResult | BatchResult> => {
    requestSchema ??= buildRequestSchema();
    const request = requestSchema.parse(event);
    if ('Items' in request) {
      const { BatchInput, Items } = request;
      // All of the batch at once: the batch size (infra/sizing.ts) is the bound.
      const outcome = await reconcileTargetBatch(deps(), { ...BatchInput, targets: Items }, Items.length);
      return {
        targets: Items.length,
        failedTargets: outcome.failed,
        actionsApplied: outcome.reconciled.reduce((sum, target) => sum + applied(target), 0),
        transitions: outcome.reconciled.reduce((sum, target) => sum + target.transitions.length, 0),
      };
    }
    const target = request.target;
    if (target.kind === 'org') {
      // Once per sweep: the org observers load only in the invocation that needs them.
      const { reconcileOrg } = await orgReconcile();
      return summarizeOrg(await reconcileOrg(deps(), request.runId));
    }
    return summarizeTarget(await reconcileTarget(deps(), { ...request, ...target }));
  };
  return handle as ReconcileHandler;
}

const applied = (outcome: { readonly actions: readonly { readonly applied: boolean }[] }) =>
  outcome.actions.filter((action) => action.applied).length;

function summarizeOrg(outcome: OrgOutcome): ReconcileResult {
  return {
    target: 'org',
    crossAccountBackupEnabled: outcome.crossAccountBackupEnabled,
    failed: outcome.failed,
    actionsApplied: applied(outcome),
    transitions: outcome.transitions.length,
  };
}

export function summarizeTarget(outcome: TargetOutcome): ReconcileResult {
  return {
    target: `${outcome.accountId}/${outcome.region}`,
    reachable: outcome.reachable,
    actionsApplied: applied(outcome),
    transitions: outcome.transitions.length,
  };
}

export const handler = instrumented(createReconcileHandler(() => lambdaDeps()));
