import type { CentralVaultConfig, Config, PlanConfig } from '../config/schema.js';
import { type Partition, partitionOf } from '../regions.js';

/**
 * Renders the config into the BACKUP_POLICY document exactly as it is sent to CreatePolicy / UpdatePolicy.
 *
 * Choices (docs/config.md explains them for users):
 * - Every leaf is `@@assign`, numbers are strings, as in AWS's policy syntax examples.
 * - Child control: every node of our plans carries `["@@none"]`, so no policy attached lower in the tree can
 *   change a schedule, shrink retention, `@@append` a Region we do not prepare, or `@@remove` the tag value.
 *   AWS does not document whether `@@none` cascades to the nodes beneath, so it is repeated at every level
 *   as in AWS's own lock-everything example. `plans` itself carries `["@@append"]`: teams may still add
 *   their own plans in child policies, they just cannot alter ours.
 * - Copy actions are keyed by the destination vault ARN and also set `target_backup_vault_arn`; without it
 *   AWS falls back to the lower-cased key, which breaks vault names with capitals.
 * - Policies have no `$region` variable for copy destinations, so a per-Region central vault (no
 *   `centralVault.region`) renders one plan per Region, each naming its own Region's vault.
 */

export const POLICY_DESCRIPTION =
  'Managed by org-backup-controller from its config file; edits here are reverted.';
export const MANAGED_BY_TAG = { key: 'managed-by', value: 'org-backup-controller' } as const;
/** The id of our tag selection inside each plan (ids are compared lower-cased, so it is lower-case). */
const SELECTION_ID = 'org-backup-selection';

const CHILD_CONTROL = '@@operators_allowed_for_child_policies';

/** One plan as it appears in the policy: a config plan, or one Region's share of it. */
export interface PolicyPlan {
  readonly name: string;
  readonly plan: PlanConfig;
  readonly regions: readonly string[];
  /** Destination vault ARN of the central-vault copy, or null when the plan does not copy. */
  readonly copyTargetArn: string | null;
}

export interface RenderedPolicy {
  readonly document: object;
  readonly minified: string;
  readonly pretty: string;
}

export function renderBackupPolicy(config: Config): RenderedPolicy {
  const partition = configPartition(config);
  const roleArn = `arn:${partition}:iam::$account:role/${config.backupRoleName}`;
  const plans: Record<string, unknown> = { [CHILD_CONTROL]: ['@@append'] };
  for (const instance of config.plans.flatMap((plan) =>
    expandPlan(plan, config.regions, config.centralVault, partition),
  )) {
    plans[instance.name] = renderPlan(instance, config, roleArn);
  }
  const document = { plans };
  return { document, minified: JSON.stringify(document), pretty: JSON.stringify(document, null, 2) };
}

/** The partition of the configured Regions (validation guarantees they share one). */
export function configPartition(config: Pick<Config, 'regions'>): Partition {
  return partitionOf(config.regions[0] ?? '(no Region configured)');
}

export function backupVaultArn(
  partition: Partition,
  region: string,
  accountId: string,
  name: string,
): string {
  return `arn:${partition}:backup:${region}:${accountId}:backup-vault:${name}`;
}

/** The policy plans one config plan becomes (see the per-Region note at the top of this file). */
export function expandPlan(
  plan: PlanConfig,
  regions: readonly string[],
  centralVault: CentralVaultConfig | undefined,
  partition: Partition,
): PolicyPlan[] {
  const copyTarget = plan.copyToCentralVault ? centralVault : undefined;
  if (!copyTarget) return [{ name: plan.name, plan, regions, copyTargetArn: null }];
  const { region: centralRegion, accountId, name } = copyTarget;
  if (centralRegion !== undefined) {
    return [
      {
        name: plan.name,
        plan,
        regions,
        copyTargetArn: backupVaultArn(partition, centralRegion, accountId, name),
      },
    ];
  }
  return regions.map((region) => ({
    name: regionalPlanName(plan.name, region),
    plan,
    regions: [region],
    copyTargetArn: backupVaultArn(partition, region, accountId, name),
  }));
}

/** The name of one Region's share of a plan that copies to a per-Region central vault. */
export function regionalPlanName(planName: string, region: string): string {
  return `${planName}-${region}`;
}

function renderPlan(instance: PolicyPlan, config: Config, roleArn: string): object {
  const { plan } = instance;
  const rule: Record<string, unknown> = {
    schedule_expression: leaf(plan.schedule),
    start_backup_window_minutes: leaf(String(plan.startWindowMinutes)),
    complete_backup_window_minutes: leaf(String(plan.completionWindowMinutes)),
    target_backup_vault_name: leaf(config.vault.name),
    lifecycle: lifecycle(plan.deleteAfterDays, plan.coldStorageAfterDays),
    recovery_point_tags: node({
      [MANAGED_BY_TAG.key]: node({
        tag_key: leaf(MANAGED_BY_TAG.key),
        tag_value: leaf(MANAGED_BY_TAG.value),
      }),
    }),
  };
  if (instance.copyTargetArn !== null && config.centralVault) {
    rule.copy_actions = node({
      [instance.copyTargetArn]: node({
        target_backup_vault_arn: leaf(instance.copyTargetArn),
        lifecycle: lifecycle(config.centralVault.deleteAfterDays, null),
      }),
    });
  }
  return node({
    regions: leaf([...instance.regions]),
    // The rule takes the config plan's name: it is the same in every per-Region plan.
    rules: node({ [plan.name]: node(rule) }),
    selections: node({
      tags: node({
        [SELECTION_ID]: node({
          iam_role_arn: leaf(roleArn),
          tag_key: leaf(config.selection.tagKey),
          tag_value: leaf([config.selection.tagValue]),
        }),
      }),
    }),
  });
}

function lifecycle(deleteAfterDays: number, coldStorageAfterDays: number | null): object {
  return node({
    ...(coldStorageAfterDays === null
      ? {}
      : { move_to_cold_storage_after_days: leaf(String(coldStorageAfterDays)) }),
    delete_after_days: leaf(String(deleteAfterDays)),
  });
}

function node(children: Record<string, unknown>): object {
  return { [CHILD_CONTROL]: ['@@none'], ...children };
}

function leaf(value: string | string[]): object {
  return { '@@assign': value, [CHILD_CONTROL]: ['@@none'] };
}
