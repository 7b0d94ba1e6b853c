import { applyActions } from '../aws/executor.js';
import { observeOrganization } from '../aws/observe-org.js';
import { runOrgChecks } from '../domain/checks/trusted-access.js';
import type { ActionRecord, FindingTransition } from '../domain/model.js';
import { GLOBAL_REGION } from '../domain/model.js';
import { planOrg } from '../domain/plan/index.js';
import { toActionRecord } from '../domain/report.js';
import { countOutcomes } from './action-records.js';
import { recordCentralCopies } from './central-copies.js';
import type { ControllerDeps } from './deps.js';
import { shareEffectivePolicies } from './share-effective-policies.js';

export interface OrgOutcome {
  /** After any repair this run made, so the targets evaluate against the setting as it now is. */
  readonly crossAccountBackupEnabled: boolean | null;
  readonly problems: readonly string[];
  readonly actions: readonly ActionRecord[];
  readonly newActions: readonly ActionRecord[];
  readonly transitions: readonly FindingTransition[];
  /**
   * Set when the organization could not be read (e.g. throttled past the SDK's retries): nothing was
   * changed, the failure is in the run's errors, and the account targets go on with the last known facts.
   */
  readonly failed: boolean;
}

/**
 * The `org` target: policy type, the controller's policy (content and attachments) and cross-account
 * backup; it also reads the central vault once for every target (central-copies.ts). Observe → plan → apply, from the management account only. Org actions never count against the
 * blast radius: one drift repair of the policy must not wait for a human.
 */
export async function reconcileOrg(deps: ControllerDeps, runId: string): Promise<OrgOutcome> {
  const { desired, factory, store, clock, log } = deps;
  const now = clock.now();
  // Apart from the organization's own reads: a failure of either leaves the other to run.
  await recordCentralCopies(deps, runId);
  let observed: Awaited<ReturnType<typeof observeOrganization>>;
  try {
    // The whole tree: resolving attachTo needs its OUs, and the account directory (the report's coverage by
    // OU) needs where each account sits.
    observed = await observeOrganization(factory, { policyName: desired.policy.name });
  } catch (error) {
    return orgTargetFailed(deps, runId, error);
  }
  const ouPaths = new Map(observed.ous.map((ou) => [ou.id, ou.path]));
  await store.saveAccountDirectory(
    observed.accounts.map((a) => ({ accountId: a.id, name: a.name, ouPath: ouPaths.get(a.parentId) ?? '/' })),
  );
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
  // Organization-wide checks live on the management account's entry, Region "global".
  const checks = await store.saveTargetResult({
    accountId: desired.context.managementAccountId,
    region: GLOBAL_REGION,
    findings: [],
    checks: runOrgChecks(observed),
    actions: [],
    runId,
    now,
  });
  // After the repairs, so what the targets are handed is what this run leaves behind.
  await shareEffectivePolicies(
    deps,
    runId,
    observed,
    actions.flatMap((action) => (action.applied ? [action.spec.kind] : [])),
  );
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
  // An unreadable setting (null) keeps the last known value rather than erasing it.
  const crossAccountBackupEnabled = enabledNow
    ? true
    : (observed.crossAccountBackupEnabled ?? deps.orgFacts.knownCrossAccountBackup());
  deps.orgFacts.rememberCrossAccountBackup(crossAccountBackupEnabled);
  return {
    crossAccountBackupEnabled,
    problems: planned.problems,
    actions: records,
    newActions,
    transitions: checks.transitions,
    failed: false,
  };
}

async function orgTargetFailed(deps: ControllerDeps, runId: string, error: unknown): Promise<OrgOutcome> {
  const message = error instanceof Error ? error.message : String(error);
  deps.log.error('Organization target failed; account targets use the last known organization facts', {
    runId,
    error: message,
  });
  deps.metrics.count('OrgTargetFailures', 1);
  await deps.store.recordRunProgress(runId, {
    now: deps.clock.now(),
    actionsApplied: 0,
    actionsBlocked: 0,
    errors: [`org: ${message}`],
  });
  return {
    crossAccountBackupEnabled: deps.orgFacts.knownCrossAccountBackup(),
    problems: [],
    actions: [],
    newActions: [],
    transitions: [],
    failed: true,
  };
}
