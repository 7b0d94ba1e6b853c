import type { Action, DesiredState, ObservedOrganization, ObservedPolicy } from '../model.js';
import { normalizePolicyContent } from '../policy/normalize.js';
import { inExecutionOrder, plannedAction } from './action.js';

/** The Organizations endpoint, and with it every org action, lives in us-east-1 (facts §10.20). */
export const ORG_ACTION_REGION = 'us-east-1';

export interface OrgPlan {
  readonly actions: Action[];
  /** Config entries that cannot be acted on (e.g. an attach target that does not exist), one sentence each. */
  readonly problems: string[];
}

const ACCOUNT_ID = /^\d{12}$/;

/**
 * Plans the organization-level writes: policy type, the controller's policy and its attachments, and
 * cross-account backup. Only the policy named `desired.policy.name` is ever touched.
 */
export function planOrg(desired: DesiredState, org: ObservedOrganization): OrgPlan {
  const placement = (target: string, reason: string) => ({
    accountId: desired.context.managementAccountId,
    region: ORG_ACTION_REGION,
    target,
    reason,
  });
  const actions: Action[] = [];
  const problems: string[] = [];

  if (desired.centralVault && org.crossAccountBackupEnabled === false) {
    actions.push(
      plannedAction(
        { kind: 'EnableCrossAccountBackup' },
        placement(
          'isCrossAccountBackupEnabled',
          `Copies into the central vault ${desired.centralVault.arn} need cross-account backup turned on.`,
        ),
      ),
    );
  }

  // Attaching before the policy type is ENABLED fails (facts §10.8). The executor's EnablePolicyType waits
  // (polls ListRoots) until the type is ENABLED, so the policy and its attachments follow in the same run and
  // a new organization does not lose its first backup cycle; while another enablement is still pending,
  // the next run plans them.
  if (org.backupPolicyType === 'DISABLED') {
    actions.push(
      plannedAction(
        { kind: 'EnablePolicyType', rootId: org.rootId },
        placement(org.rootId, 'The BACKUP_POLICY policy type is disabled on the organization root.'),
      ),
    );
  } else if (org.backupPolicyType === 'PENDING_ENABLE') {
    return { actions: inExecutionOrder(actions), problems };
  } else if (org.backupPolicyType === 'PENDING_DISABLE') {
    problems.push(
      'The BACKUP_POLICY policy type is being disabled; it can be enabled again once that finishes.',
    );
    return { actions: inExecutionOrder(actions), problems };
  }

  const existing = org.backupPolicies.find((policy) => policy.name === desired.policy.name);
  actions.push(...planPolicyContent(desired, existing, placement));

  const desiredTargets = new Set<string>();
  for (const entry of desired.attachTo) {
    const targetId = resolveAttachTarget(entry, org, existing);
    if (targetId === null) problems.push(`attachTo entry "${entry}" matches no root, OU or account.`);
    else desiredTargets.add(targetId);
  }
  const attached = new Set(existing?.targets ?? []);
  for (const targetId of desiredTargets) {
    if (attached.has(targetId)) continue;
    actions.push(
      plannedAction(
        { kind: 'AttachPolicy', policyName: desired.policy.name, policyId: existing?.id, targetId },
        placement(
          targetId,
          `The config attaches ${desired.policy.name} to ${targetId}, where it is not attached.`,
        ),
      ),
    );
  }
  for (const targetId of attached) {
    if (desiredTargets.has(targetId) || existing === undefined) continue;
    actions.push(
      plannedAction(
        { kind: 'DetachPolicy', policyId: existing.id, targetId },
        placement(targetId, `The config no longer attaches ${desired.policy.name} to ${targetId}.`),
      ),
    );
  }
  return { actions: inExecutionOrder(actions), problems };
}

function planPolicyContent(
  desired: DesiredState,
  existing: ObservedPolicy | undefined,
  placement: (
    target: string,
    reason: string,
  ) => { accountId: string; region: string; target: string; reason: string },
): Action[] {
  const { name, description, content } = desired.policy;
  if (existing === undefined) {
    return [
      plannedAction(
        { kind: 'CreatePolicy', name, description, content },
        placement(name, `The backup policy ${name} does not exist.`),
      ),
    ];
  }
  if (normalizePolicyContent(existing.content) === normalizePolicyContent(content)) return [];
  return [
    plannedAction(
      { kind: 'UpdatePolicy', policyId: existing.id, content },
      placement(name, `The content of ${name} (${existing.id}) differs from the config.`),
    ),
  ];
}

/**
 * `root`, an OU id, an OU path (`/Workloads/Prod`) or an account id, to the target id Organizations uses.
 * An id the policy is already attached to counts as resolved even if the observed tree lacks it, so a
 * partial observation can never cause a detach.
 */
export function resolveAttachTarget(
  entry: string,
  org: ObservedOrganization,
  existing: ObservedPolicy | undefined,
): string | null {
  if (entry === 'root') return org.rootId;
  if (existing?.targets.includes(entry)) return entry;
  if (entry.startsWith('ou-')) return org.ous.some((ou) => ou.id === entry) ? entry : null;
  if (entry.startsWith('/')) {
    const path = entry.length > 1 ? entry.replace(/\/+$/, '') : entry;
    return org.ous.find((ou) => ou.path === path)?.id ?? null;
  }
  if (ACCOUNT_ID.test(entry)) return org.accounts.some((account) => account.id === entry) ? entry : null;
  return null;
}
