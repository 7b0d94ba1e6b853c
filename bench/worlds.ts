import { readFileSync } from 'node:fs';
import { loadWorld, parseWorld, type World, type WorldInput } from '../sandbox/world.js';
import { type Config, loadConfigFromText, validateConfig } from '../shared/domain/config/index.js';

export const BENCH_START = new Date('2026-03-02T00:00:00Z');
export const MANAGEMENT_ACCOUNT = '111111111111';
const BACKUP_ROLE = 'OrgBackupServiceRole';
const TAG = { BackupEnabled: 'True' };

/** Member account ids 200000000001, 200000000002, ... */
export function memberAccountId(index: number): string {
  return String(200_000_000_001 + index);
}

/**
 * `count` tagged resources in one account and Region, cycling through five backup types so the sandbox's
 * jobs and the evaluator see a realistic mix; every 20th carries a near-miss value (`true`), which the
 * controller must report although AWS Backup will not select it.
 */
export function taggedResources(
  accountId: string,
  region: string,
  count: number,
): { arn: string; tags: Record<string, string> }[] {
  return Array.from({ length: count }, (_, n) => {
    const id = String(n).padStart(6, '0');
    const kind = n % 5;
    const arn =
      kind === 0
        ? `arn:aws:ec2:${region}:${accountId}:volume/vol-${id}`
        : kind === 1
          ? `arn:aws:dynamodb:${region}:${accountId}:table/table-${id}`
          : kind === 2
            ? `arn:aws:rds:${region}:${accountId}:db:db-${id}`
            : kind === 3
              ? `arn:aws:elasticfilesystem:${region}:${accountId}:file-system/fs-${id}`
              : `arn:aws:ec2:${region}:${accountId}:instance/i-${id}`;
    const tags = n % 20 === 19 ? { BackupEnabled: 'true' } : TAG;
    return { arn, tags: { ...tags, Name: `bench-${id}` } };
  });
}

/**
 * An organization of `accounts` member accounts (all under the root) with `resourcesPerTarget` tagged
 * resources in each of `regions`. Nothing is prepared: the first sweep creates vaults, the policy and the
 * rest, which is why the benchmarks measure a later sweep. With `resourcesAppearAt` the resources are
 * created by the timeline at that time instead, so a warm-up sweep before it does not pay for storing
 * thousands of first findings.
 */
export function benchWorld(options: {
  readonly accounts: number;
  readonly regions: readonly string[];
  readonly resourcesPerTarget: number;
  readonly resourcesAppearAt?: Date;
}): World {
  const members = Array.from({ length: options.accounts }, (_, index) => memberAccountId(index));
  const accounts: NonNullable<WorldInput['accounts']> = { [MANAGEMENT_ACCOUNT]: { roles: [BACKUP_ROLE] } };
  const timeline: NonNullable<WorldInput['timeline']> = [];
  for (const account of members) {
    const regions: Record<string, { resources: ReturnType<typeof taggedResources> }> = {};
    for (const region of options.regions) {
      const resources = taggedResources(account, region, options.resourcesPerTarget);
      if (options.resourcesAppearAt) {
        const at = options.resourcesAppearAt.toISOString();
        timeline.push(
          ...resources.map((resource) => ({ at, createResource: { account, region, ...resource } })),
        );
      } else {
        regions[region] = { resources };
      }
    }
    accounts[account] = { roles: [BACKUP_ROLE], regions };
  }
  return parseWorld(
    {
      version: 1,
      start: BENCH_START.toISOString(),
      managementAccountId: MANAGEMENT_ACCOUNT,
      organizationId: 'o-bench12345',
      memberRoleName: 'OrgBackupControllerExecution',
      backupPolicyType: 'ENABLED',
      organization: { accounts: [MANAGEMENT_ACCOUNT, ...members] },
      accounts,
      timeline,
    } satisfies WorldInput,
    'bench world',
  );
}

/**
 * The controller config of the scale benchmarks: one daily plan in the given Regions, no central vault
 * (so copy jobs do not enter the read counts) and a blast radius that lets the first sweep repair every
 * account at once.
 */
export function benchConfig(regions: readonly string[], scanRegions?: readonly string[]): Config {
  const result = validateConfig(
    {
      version: 1,
      mode: 'enforce',
      regions,
      ...(scanRegions ? { scanRegions } : {}),
      attachTo: ['root'],
      plans: [{ name: 'daily', schedule: 'cron(0 5 ? * * *)', deleteAfterDays: 35 }],
      blastRadius: { maxAccountsChangedPercent: 100 },
    },
    { scheduleAnchor: BENCH_START },
  );
  if (!result.ok) {
    throw new Error(`bench config is invalid: ${result.problems.map((p) => p.message).join('; ')}`);
  }
  return result.config;
}

/** The world and config `npm start` runs: the demo organization's week. */
export function demoWorldAndConfig(): { world: World; config: Config } {
  const world = loadWorld(readFileSync('sandbox/demo/world.yaml', 'utf8'), 'sandbox/demo/world.yaml');
  const configPath = 'examples/orgbackup.config.yaml';
  const loaded = loadConfigFromText(readFileSync(configPath, 'utf8'), configPath, {
    scheduleAnchor: new Date(world.start),
  });
  if (!loaded.ok)
    throw new Error(`${configPath} is invalid: ${loaded.problems.map((p) => p.message).join('; ')}`);
  return { world, config: loaded.config };
}
