import { parseWorld, type World, type WorldInput } from '../sandbox/world.js';
import type { Config } from '../shared/domain/config/index.js';
import { BENCH_START, benchConfig, MANAGEMENT_ACCOUNT, memberAccountId, taggedResources } from './worlds.js';

/** The policy's Regions, in the order a sweep of `regions` Regions takes them. */
export const POLICY_REGIONS = [
  'us-east-1',
  'eu-west-1',
  'eu-central-1',
  'ap-southeast-2',
  'us-west-2',
  'ap-northeast-1',
  'eu-north-1',
  'sa-east-1',
] as const;
/** Regions enabled in every account that the config only scans (resources there are outside the policy). */
export const SCAN_ONLY_REGIONS = ['ca-central-1', 'eu-west-2'] as const;

const BACKUP_ROLE = 'OrgBackupServiceRole';

export interface ScaleWorldOptions {
  readonly accounts: number;
  /** Policy Regions (the first `regions` of `POLICY_REGIONS`). */
  readonly regions: number;
  readonly resourcesPerTarget: number;
}

/**
 * How often each planted problem occurs, by account or target index (deterministic: the same options give
 * the same world). Chosen so every problem appears at 100 accounts and none dominates the sweep.
 */
export const PROBLEM_MIX = {
  /** The member execution role is missing: the account's targets are unreachable. */
  unreachableAccountEvery: 97,
  /** The baseline's backup role was deleted by hand. */
  missingBackupRoleAccountEvery: 53,
  /** A team's own plan backs the account's resources up outside the policy. */
  teamPlanAccountEvery: 19,
  /** One resource is encrypted with a key whose policy does not let the backup role use it. */
  unusableKeyTargetEvery: 31,
  /** A resource type's opt-in is off in the Region (the first sweep turns it on). */
  optedOutTargetEvery: 41,
  /** Tagged resources in a scan-only Region, which no plan of the policy covers. */
  scanOnlyResourcesAccountEvery: 7,
} as const;

/**
 * Whether the generator planted a problem in the member account at `accountIndex` or in one of its
 * `regions` policy Regions (such accounts make fewer or more calls than a healthy one).
 */
export function plantedProblemAccount(accountIndex: number, regions: number): boolean {
  const every = (index: number, period: number) => index % period === period - 1;
  const targetIndexes = Array.from({ length: regions }, (_, region) => accountIndex * regions + region);
  return (
    every(accountIndex, PROBLEM_MIX.unreachableAccountEvery) ||
    every(accountIndex, PROBLEM_MIX.missingBackupRoleAccountEvery) ||
    every(accountIndex, PROBLEM_MIX.teamPlanAccountEvery) ||
    every(accountIndex, PROBLEM_MIX.scanOnlyResourcesAccountEvery) ||
    targetIndexes.some(
      (index) =>
        every(index, PROBLEM_MIX.unusableKeyTargetEvery) || every(index, PROBLEM_MIX.optedOutTargetEvery),
    )
  );
}

/** Whether the generator removed the member role of the account at `accountIndex` (its targets unreachable). */
export const plantedUnreachableAccount = (accountIndex: number): boolean =>
  accountIndex % PROBLEM_MIX.unreachableAccountEvery === PROBLEM_MIX.unreachableAccountEvery - 1;

/** Which of the mix's problems the world holds, counted, so a run can say what it swept over. */
export interface PlantedProblems {
  readonly unreachableAccounts: number;
  readonly missingBackupRoles: number;
  readonly teamPlans: number;
  readonly unusableKeys: number;
  readonly optedOutTargets: number;
  readonly scanOnlyResources: number;
  readonly nearMissTags: number;
}

export function policyRegions(count: number): string[] {
  if (count < 1 || count > POLICY_REGIONS.length) {
    throw new RangeError(`--regions must be between 1 and ${POLICY_REGIONS.length}`);
  }
  return POLICY_REGIONS.slice(0, count);
}

/**
 * An organization of `accounts` members spread over three OUs (two of them nested), each with `resourcesPerTarget` tagged
 * resources and the policy's vault in every policy Region, every account's enabled Regions set explicitly
 * (the policy's plus the scan-only ones), and the problems of `PROBLEM_MIX` planted by index.
 */
export function scaleWorld(options: ScaleWorldOptions): { world: World; planted: PlantedProblems } {
  const regions = policyRegions(options.regions);
  const policyVault = scaleConfig(options.regions).vault.name;
  const members = Array.from({ length: options.accounts }, (_, index) => memberAccountId(index));
  const accounts: NonNullable<WorldInput['accounts']> = { [MANAGEMENT_ACCOUNT]: { roles: [BACKUP_ROLE] } };
  const counts = {
    unreachableAccounts: 0,
    missingBackupRoles: 0,
    teamPlans: 0,
    unusableKeys: 0,
    optedOutTargets: 0,
    scanOnlyResources: 0,
    nearMissTags: 0,
  };
  const every = (index: number, period: number) => index % period === period - 1;
  let targetIndex = 0;
  members.forEach((account, accountIndex) => {
    const unreachable = plantedUnreachableAccount(accountIndex);
    const missingBackupRole = every(accountIndex, PROBLEM_MIX.missingBackupRoleAccountEvery);
    const teamPlan = every(accountIndex, PROBLEM_MIX.teamPlanAccountEvery);
    if (unreachable) counts.unreachableAccounts += 1;
    if (missingBackupRole) counts.missingBackupRoles += 1;
    const regionSpecs: Record<
      string,
      NonNullable<NonNullable<WorldInput['accounts']>[string]['regions']>[string]
    > = {};
    for (const region of regions) {
      const resources = taggedResources(account, region, options.resourcesPerTarget);
      counts.nearMissTags += resources.filter((resource) => resource.tags.BackupEnabled === 'true').length;
      // An earlier deployment made the policy's vault: the warm-up sweep then observes each target once
      // instead of creating the vault and observing again, which halved the benchmark's own time.
      const spec: (typeof regionSpecs)[string] = { resources, vaults: [{ name: policyVault }] };
      if (every(targetIndex, PROBLEM_MIX.unusableKeyTargetEvery) && resources[0]) {
        const keyArn = `arn:aws:kms:${region}:${account}:key/00000000-0000-4000-8000-${account}`;
        spec.keys = [{ arn: keyArn, allowsBackupRole: false }];
        resources[0] = { ...resources[0], kmsKeyArn: keyArn } as (typeof resources)[number];
        counts.unusableKeys += 1;
      }
      if (every(targetIndex, PROBLEM_MIX.optedOutTargetEvery)) {
        spec.optIn = { EFS: false };
        counts.optedOutTargets += 1;
      }
      if (teamPlan) {
        spec.vaults = [...(spec.vaults ?? []), { name: 'team-vault' }];
        spec.plans = [
          {
            name: 'team-nightly',
            schedule: 'cron(0 2 ? * * *)',
            vault: 'team-vault',
            tags: { Team: 'payments' },
          },
        ];
        const first = resources[1];
        if (first) resources[1] = { ...first, tags: { ...first.tags, Team: 'payments' } };
        counts.teamPlans += 1;
      }
      regionSpecs[region] = spec;
      targetIndex += 1;
    }
    if (every(accountIndex, PROBLEM_MIX.scanOnlyResourcesAccountEvery)) {
      const region = SCAN_ONLY_REGIONS[accountIndex % SCAN_ONLY_REGIONS.length] as string;
      regionSpecs[region] = { resources: taggedResources(account, region, 2) };
      counts.scanOnlyResources += 2;
    }
    accounts[account] = {
      roles: [BACKUP_ROLE],
      regions: regionSpecs,
      enabledRegions: [...regions, ...SCAN_ONLY_REGIONS],
      ...(unreachable ? { memberRole: false } : {}),
      ...(missingBackupRole ? { baseline: { backupRole: false, eventForwarding: true } } : {}),
    };
  });
  const world = parseWorld(
    {
      version: 1,
      start: BENCH_START.toISOString(),
      managementAccountId: MANAGEMENT_ACCOUNT,
      organizationId: 'o-bench12345',
      memberRoleName: 'OrgBackupControllerExecution',
      backupPolicyType: 'ENABLED',
      organization: {
        accounts: [MANAGEMENT_ACCOUNT],
        ous: [
          {
            name: 'workloads',
            ous: [
              { name: 'prod', accounts: members.filter((_, index) => index % 3 === 0) },
              { name: 'dev', accounts: members.filter((_, index) => index % 3 === 1) },
            ],
          },
          { name: 'sandbox', accounts: members.filter((_, index) => index % 3 === 2) },
        ],
      },
      accounts,
    } satisfies WorldInput,
    'scale world',
  );
  return { world, planted: counts };
}

/** The config the scale benchmark sweeps with: the policy Regions, the scan-only ones, one daily plan. */
export function scaleConfig(regionCount: number): Config {
  return benchConfig(policyRegions(regionCount), SCAN_ONLY_REGIONS);
}
