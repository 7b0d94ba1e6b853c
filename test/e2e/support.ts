import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type HarnessOptions, SandboxHarness } from '../../sandbox/harness.js';
import { parseWorld, type WorldInput } from '../../sandbox/index.js';
import { type Config, validateConfig } from '../../shared/domain/config/index.js';
import { renderBackupPolicy } from '../../shared/domain/policy/render.js';

export const MANAGEMENT = '111111111111';
export const PROD = '222222222222';
export const DEV = '333333333333';
export const CENTRAL = '444444444444';
export const REGION = 'eu-west-1';
export const SCAN_REGION = 'us-east-1';
export const START = '2026-03-02T00:00:00Z';
export const ORGANIZATION_ID = 'o-e2etest0001';
export const MEMBER_ROLE = 'OrgBackupControllerExecution';
export const BACKUP_ROLE = 'OrgBackupServiceRole';
export const TAG = { BackupEnabled: 'True' } as const;
const SEED = 11;

export const HOUR_MS = 3_600_000;

const exampleConfig = parse(
  readFileSync(join(import.meta.dirname, '../../examples/orgbackup.config.yaml'), 'utf8'),
) as Record<string, unknown>;

/**
 * The example config narrowed to what an e2e world needs — one daily plan, one Region, the central vault in
 * the central account, no blast-radius brake, no restore testing — with `overrides` laid over it (top-level keys replace the example's).
 */
export function e2eConfig(overrides: Record<string, unknown> = {}): Config {
  const [daily] = exampleConfig.plans as Record<string, unknown>[];
  // Restore testing only where a scenario asks for it: it adds actions and reads to every target.
  const { restoreTesting: _restoreTesting, ...example } = exampleConfig;
  const result = validateConfig({
    ...example,
    regions: [REGION],
    scanRegions: [],
    plans: [daily],
    alerts: { emails: [], slackWebhookSecretName: null },
    // The e2e worlds are small: the example's 25% would let one account change per run.
    blastRadius: { maxAccountsChangedPercent: 100 },
    ...overrides,
  });
  if (!result.ok) {
    throw new Error(
      `e2e config is invalid: ${result.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    );
  }
  return result.config;
}

/** The policy the controller renders for `config`, attached at the root as if an earlier run had done it. */
export function attachedPolicy(config: Config): NonNullable<WorldInput['policies']>[number] {
  return {
    name: config.policyName,
    description: 'made by an earlier run of the controller',
    tags: { 'managed-by': 'org-backup-controller' },
    content: renderBackupPolicy(config).minified,
    attachedTo: ['root'],
  };
}

type OrganizationSpec = WorldInput['organization'];

/**
 * The e2e organization's tree: management at the root, the central backup account under Security, and
 * `ous` beside it.
 */
export function organizationWith(ous: NonNullable<OrganizationSpec['ous']>): OrganizationSpec {
  return { accounts: [MANAGEMENT], ous: [{ name: 'Security', accounts: [CENTRAL] }, ...ous] };
}

/**
 * A small organization: management at the root, the central backup account under Security, and PROD and
 * DEV under Workloads. Every account has the backup service role; `accounts` entries replace an account's
 * defaults.
 */
export function e2eWorld(overrides: Partial<WorldInput> = {}): WorldInput {
  const { accounts, ...rest } = overrides;
  return {
    version: 1,
    start: START,
    managementAccountId: MANAGEMENT,
    organizationId: ORGANIZATION_ID,
    memberRoleName: MEMBER_ROLE,
    backupPolicyType: 'ENABLED',
    crossAccountBackupEnabled: true,
    organization: organizationWith([{ name: 'Workloads', accounts: [PROD, DEV] }]),
    accounts: {
      [MANAGEMENT]: { name: 'management', roles: [BACKUP_ROLE] },
      [CENTRAL]: { name: 'backup-central', roles: [BACKUP_ROLE] },
      [PROD]: { name: 'prod', roles: [BACKUP_ROLE] },
      [DEV]: { name: 'dev', roles: [BACKUP_ROLE] },
      ...accounts,
    },
    ...rest,
  };
}

/** An account's entry in a world. */
export type AccountSpec = NonNullable<WorldInput['accounts']>[string];
/** An account's entry for one Region in a world. */
export type RegionSpec = NonNullable<AccountSpec['regions']>[string];

/** The member vault the e2e config asks for, as an earlier run made it: governance lock of 7–365 days. */
export const MEMBER_VAULT = { name: 'org-backup', lock: { minRetentionDays: 7, maxRetentionDays: 365 } };

/**
 * An account with the backup service role (as e2eWorld's defaults) and, per Region, what the test puts
 * there; nothing the controller makes. `overrides` replace the account's other fields.
 */
export function memberAccount(
  regions: Readonly<Record<string, RegionSpec>>,
  overrides: Partial<AccountSpec> = {},
): AccountSpec {
  return { roles: [BACKUP_ROLE], regions, ...overrides };
}

/**
 * An account as an earlier controller run left it: the backup service role and, in REGION, the member
 * vault. `region` adds to or replaces REGION's entries (resources, keys, other vaults).
 */
export function preparedAccount(region: RegionSpec = {}, overrides: Partial<AccountSpec> = {}): AccountSpec {
  return memberAccount({ [REGION]: { vaults: [MEMBER_VAULT], ...region } }, overrides);
}

/**
 * The e2e world after an earlier controller run under `config`: its policy attached at the root.
 * `overrides` as for e2eWorld (accounts replace an account's defaults).
 */
export function preparedWorld(config: Config, overrides: Partial<WorldInput> = {}): WorldInput {
  return e2eWorld({ policies: [attachedPolicy(config)], ...overrides });
}

/** A key in PROD whose policy refuses the backup role: every backup of a resource it encrypts fails. */
const REFUSING_KEY = `arn:aws:kms:${REGION}:${PROD}:key/refuses-backup-role`;

/**
 * PROD prepared by an earlier run, with in REGION the volume `failing` on REFUSING_KEY (its backup fails
 * every day) next to `healthy` volumes.
 */
export function failingBackupAccount(failing: string, healthy: readonly string[]): AccountSpec {
  return preparedAccount({
    keys: [{ arn: REFUSING_KEY, state: 'Enabled', allowsBackupRole: false }],
    resources: [{ arn: failing, tags: { ...TAG }, kmsKeyArn: REFUSING_KEY }, ...tagged(healthy)],
  });
}

/**
 * The e2e world with every account as an earlier controller run under `config` left it: the policy
 * attached at the root, the member vault in each account and `centralVault` beside it in the central
 * account. `accounts` replace those accounts' entries, `overrides` the world's other fields.
 */
export function preparedOrganization(
  config: Config,
  centralVault: NonNullable<RegionSpec['vaults']>[number],
  accounts: Readonly<Record<string, AccountSpec>> = {},
  overrides: Partial<WorldInput> = {},
): WorldInput {
  return preparedWorld(config, {
    ...overrides,
    accounts: {
      [MANAGEMENT]: preparedAccount(),
      [CENTRAL]: preparedAccount({ vaults: [MEMBER_VAULT, centralVault] }),
      [PROD]: preparedAccount(),
      [DEV]: preparedAccount(),
      ...accounts,
    },
  });
}

/** World resource entries for `arns`, each tagged BackupEnabled=True. */
export function tagged(arns: readonly string[]) {
  return arns.map((arn) => ({ arn, tags: { ...TAG } }));
}

export const ebsVolume = (account: string, id: string, region = REGION) =>
  `arn:aws:ec2:${region}:${account}:volume/vol-${id}`;
export const dynamoTable = (account: string, name: string, region = REGION) =>
  `arn:aws:dynamodb:${region}:${account}:table/${name}`;

/** `count` tagged EBS volumes, named `<prefix>0001`…, for one account and Region. */
export function taggedVolumes(account: string, prefix: string, count: number, region = REGION) {
  return tagged(
    Array.from({ length: count }, (_, index) =>
      ebsVolume(account, `${prefix}${String(index + 1).padStart(4, '0')}`, region),
    ),
  );
}

export type E2EHarnessOptions = Omit<HarnessOptions, 'world' | 'seed'> & {
  readonly world: WorldInput;
  readonly seed?: number;
};

/** Starts a harness on `options`, runs `scenario`, and always stops the embedded DynamoDB. */
export async function withHarness<T>(
  options: E2EHarnessOptions,
  scenario: (harness: SandboxHarness) => Promise<T>,
): Promise<T> {
  const harness = await SandboxHarness.start({
    ...options,
    world: parseWorld(options.world),
    seed: options.seed ?? SEED,
  });
  try {
    return await scenario(harness);
  } finally {
    await harness.close();
  }
}

/** `hours` past the world's start. */
export function atHour(hours: number): Date {
  return new Date(Date.parse(START) + hours * HOUR_MS);
}

/** Moves the simulated clock `hours` past the world's start (never backwards). */
export function advanceToHour(harness: SandboxHarness, hours: number): void {
  const target = atHour(hours);
  if (target > harness.sim.now()) harness.sim.advanceTo(target);
}

/**
 * A sweep at `hours` past the world's start, as deployed: the events forwarded since the last run are
 * delivered first. Returns the report after it.
 */
export async function sweepAtHour(harness: SandboxHarness, hours: number) {
  advanceToHour(harness, hours);
  await harness.deliverEvents();
  await harness.sweep();
  return harness.report();
}
