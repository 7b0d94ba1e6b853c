import { applyActions } from '../aws/executor.js';
import { observeOrganization } from '../aws/observe-org.js';
import type { ActionRecord, FindingTransition } from '../domain/model.js';
import { planOrg } from '../domain/plan/index.js';
import { toActionRecord } from '../domain/report.js';
import { countOutcomes } from './action-records.js';
import type { ControllerDeps } from './deps.js';

export interface OrgOutcome {
  /** After any repair this run made, so the targets evaluate against the setting as it now is. */
  readonly crossAccountBackupEnabled: boolean | null;
  readonly problems: readonly string[];
  readonly actions: readonly ActionRecord[];
  readonly newActions: readonly ActionRecord[];
  readonly transitions: readonly FindingTransition[];
}

/**
 * The `org` target: policy type, the controller's policy (content and attachments) and cross-account
 * backup. Observe → plan → apply, from the management account only. Org actions never count against the
 * blast radius: one drift repair of the policy must not wait for a human.
 */
export async function reconcileOrg(deps: ControllerDeps, runId: string): Promise<OrgOutcome> {
  const { desired, factory, store, clock, log } = deps;
  const now = clock.now();
  const observed = await observeOrganization(factory, { policyName: desired.policy.name });
  const planned = planOrg(desired, observed);
  for (const problem of planned.problems) log.warn('Config target cannot be acted on', { problem });

  const actions = await applyActions(factory, planned.actions, {
    mode: desired.mode,
    now,
    organizationId: desired.context.organizationId,
    sleep: deps.sleep,
  });
  const enabledNow = actions.some(
    (action) => action.spec.kind === 'EnableCrossAccountBackup' && action.applied,
  );
  const records = actions.map((action) => toActionRecord(action, now));
  const { newActions } = await store.saveOrgActions({
    managementAccountId: desired.context.managementAccountId,
    actions: records,
    runId,
    now,
  });
  const outcome = countOutcomes(actions);
  await store.recordRunProgress(runId, {
    now,
    actionsApplied: outcome.applied,
    actionsBlocked: outcome.blocked,
    errors: [
      ...planned.problems,
      ...actions.flatMap((a) => (a.error ? [`${a.spec.kind}: ${a.error.message}`] : [])),
    ],
  });
  deps.metrics.count('ActionsApplied', outcome.applied);
  return {
    crossAccountBackupEnabled: enabledNow ? true : observed.crossAccountBackupEnabled,
    problems: planned.problems,
    actions: records,
    newActions,
    transitions: [],
  };
}
