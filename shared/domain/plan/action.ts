import { ACTION_CATALOG } from '../actions.js';
import type { Action, ActionKind, ActionSpec } from '../model.js';

/** Where an action runs, what it acts on and why; the rest of an Action comes from ACTION_CATALOG. */
export interface ActionPlacement {
  readonly accountId: string;
  readonly region: string;
  readonly target: string;
  readonly reason: string;
}

/** Planned actions are never applied: only the executor sets `applied`. */
export function plannedAction(spec: ActionSpec, placement: ActionPlacement): Action {
  const info = ACTION_CATALOG[spec.kind];
  return { spec, scope: info.scope, ...placement, permissions: info.permissions, applied: false };
}

/**
 * Execution order: whatever an action depends on comes earlier (policy type before policy, policy before
 * attachment, vault before its lock and access policy).
 * Attachments precede detachments so moving the policy between targets never leaves a gap in coverage.
 */
const EXECUTION_ORDER: readonly ActionKind[] = [
  'EnablePolicyType',
  'CreatePolicy',
  'UpdatePolicy',
  'AttachPolicy',
  'DetachPolicy',
  'EnableCrossAccountBackup',
  'CreateBackupVault',
  'PutVaultLock',
  'PutVaultAccessPolicy',
  'EnableRegionOptIn',
  'EnableAdvancedDynamoDbBackup',
  'CreateServiceLinkedRole',
  'CreateKmsGrant',
  'CreateRestoreTestingPlan',
  'CreateRestoreTestingSelection',
];

/** Stable: actions of the same kind keep the order they were planned in. */
export function inExecutionOrder(actions: readonly Action[]): Action[] {
  const rank = (action: Action) => EXECUTION_ORDER.indexOf(action.spec.kind);
  return [...actions].sort((a, b) => rank(a) - rank(b));
}
