import type * as z from 'zod';
import { EVENT_FORWARDING_ROLE_NAME } from '../desired.js';
import { regionalPlanName } from '../policy/render.js';
import { findRegion } from '../regions.js';
import { intervalBounds, NoScheduledRunError, parseSchedule } from '../schedule.js';
import type { ConfigProblem } from './problems.js';
import {
  type CentralVaultConfig,
  DEFAULT_BACKUP_ROLE_NAME,
  DEFAULT_MEMBER_ROLE_NAME,
  DEFAULT_VAULT_KEY,
  KMS_KEY_ARN,
  type PlanConfig,
  sectionSchemas,
  type VaultLockConfig,
} from './schema.js';

/**
 * Rules that relate several fields. They run on whichever sections of the file are valid on their own, so a
 * broken `alerts` block does not hide a retention that the vault lock would reject.
 */

/** Cold storage has a 90-day minimum: AWS rejects a lifecycle that deletes sooner. */
const COLD_STORAGE_MINIMUM_DAYS = 90;
/** AWS Backup rejects schedules whose runs are less than an hour apart. */
const MIN_SCHEDULE_INTERVAL_MS = 60 * 60_000;

export interface CheckOutcome {
  readonly problems: ConfigProblem[];
  /** Valid but worth knowing (e.g. a compliance lock the planner will hold back). */
  readonly warnings: ConfigProblem[];
}

interface ConfigView {
  /** Each plan's fields that are valid on their own. */
  readonly plans: readonly { readonly index: number; readonly plan: Partial<PlanConfig> }[];
  readonly regions: readonly string[] | undefined;
  readonly lock: VaultLockConfig | undefined;
  readonly allowIrreversibleLock: unknown;
  readonly kmsKey: string | undefined;
  readonly centralVaultPresent: boolean;
  /** true when centralVault is given without a region: one central vault per configured Region. */
  readonly centralVaultPerRegion: boolean;
  readonly centralVault: Partial<CentralVaultConfig>;
  readonly scanRegions: readonly unknown[];
  readonly attachTo: readonly unknown[];
  readonly excludeAccounts: readonly unknown[];
  readonly backupRoleName: unknown;
  readonly memberRoleName: unknown;
}

export function crossFieldChecks(raw: Readonly<Record<string, unknown>>, scheduleAnchor: Date): CheckOutcome {
  const view = viewOf(raw);
  const problems: ConfigProblem[] = [
    ...lockShapeProblems(view),
    ...retentionProblems(view),
    ...planProblems(view, scheduleAnchor),
    ...duplicatePlanNames(view),
    ...partitionProblems(view),
    ...kmsKeyProblems(view),
    ...attachExcludeOverlap(view),
    ...scanRegionOverlap(view),
    ...reservedBackupRoleName(view),
  ];
  return { problems, warnings: warnings(view) };
}

function viewOf(raw: Readonly<Record<string, unknown>>): ConfigView {
  const vault = isRecord(raw.vault) ? raw.vault : {};
  const plans = Array.isArray(raw.plans) ? raw.plans : [];
  return {
    plans: plans.flatMap((plan, index) =>
      isRecord(plan) ? [{ index, plan: validFields(sectionSchemas.plan, plan) }] : [],
    ),
    regions: section(sectionSchemas.regions, raw.regions),
    lock: section(sectionSchemas.lock, vault.lock),
    allowIrreversibleLock: vault.allowIrreversibleLock,
    kmsKey: section(sectionSchemas.kmsKey, vault.kmsKey ?? DEFAULT_VAULT_KEY),
    centralVaultPresent: raw.centralVault !== undefined,
    centralVaultPerRegion: isRecord(raw.centralVault) && raw.centralVault.region === undefined,
    centralVault: isRecord(raw.centralVault)
      ? validFields(sectionSchemas.centralVault, raw.centralVault)
      : {},
    scanRegions: Array.isArray(raw.scanRegions) ? raw.scanRegions : [],
    attachTo: Array.isArray(raw.attachTo) ? raw.attachTo : [],
    excludeAccounts: Array.isArray(raw.excludeAccounts) ? raw.excludeAccounts : [],
    backupRoleName: raw.backupRoleName ?? DEFAULT_BACKUP_ROLE_NAME,
    memberRoleName: raw.memberRoleName ?? DEFAULT_MEMBER_ROLE_NAME,
  };
}

function lockShapeProblems({ lock }: ConfigView): ConfigProblem[] {
  if (!lock) return [];
  const problems: ConfigProblem[] = [];
  const { minRetentionDays: min, maxRetentionDays: max } = lock;
  if (min !== undefined && max !== undefined && min > max) {
    problems.push({
      path: 'vault.lock.minRetentionDays',
      message: `is ${min}, more than maxRetentionDays (${max}), so no retention could satisfy the lock`,
      fix: 'make minRetentionDays less than or equal to maxRetentionDays',
    });
  }
  if (lock.mode === 'compliance' && lock.changeableForDays === undefined) {
    problems.push({
      path: 'vault.lock.changeableForDays',
      message: 'is required for a compliance lock (it is the grace period before the lock becomes immutable)',
      fix: 'set changeableForDays to 3 or more (AWS enforces a 72-hour minimum)',
    });
  }
  if (lock.mode === 'governance' && lock.changeableForDays !== undefined) {
    problems.push({
      path: 'vault.lock.changeableForDays',
      message: 'makes the lock a compliance lock; a governance lock has no grace period',
      fix: 'remove changeableForDays, or set mode: compliance if you mean an irreversible lock',
    });
  }
  return problems;
}

/** Backup and copy jobs whose retention falls outside the target vault's lock fail, every time. */
function retentionProblems({ lock, plans, centralVault }: ConfigView): ConfigProblem[] {
  // A lock whose min exceeds its max is reported on its own; measuring retentions against it adds noise.
  if (!lock || (lock.minRetentionDays ?? 0) > (lock.maxRetentionDays ?? Number.POSITIVE_INFINITY)) return [];
  const outside = (days: number, path: string, what: string): ConfigProblem[] => {
    const { minRetentionDays: min, maxRetentionDays: max } = lock;
    if (min !== undefined && days < min) {
      return [
        {
          path,
          message: `${what} (${days} days) is shorter than the vault lock's minRetentionDays (${min}); every job would fail`,
          fix: `keep recovery points at least ${min} days, or lower vault.lock.minRetentionDays`,
        },
      ];
    }
    if (max !== undefined && days > max) {
      return [
        {
          path,
          message: `${what} (${days} days) is longer than the vault lock's maxRetentionDays (${max}); every job would fail`,
          fix: `keep recovery points at most ${max} days, or raise vault.lock.maxRetentionDays`,
        },
      ];
    }
    return [];
  };
  return [
    ...plans.flatMap(({ index, plan }) =>
      plan.deleteAfterDays === undefined
        ? []
        : outside(plan.deleteAfterDays, `plans[${index}].deleteAfterDays`, 'the retention'),
    ),
    // The central vault is created with the same lock, so copies into it obey the same bounds.
    ...(centralVault.deleteAfterDays === undefined
      ? []
      : outside(centralVault.deleteAfterDays, 'centralVault.deleteAfterDays', 'the copy retention')),
  ];
}

function planProblems(view: ConfigView, scheduleAnchor: Date): ConfigProblem[] {
  return view.plans.flatMap(({ index, plan }) => {
    const problems: ConfigProblem[] = [];
    const cold = plan.coldStorageAfterDays;
    if (
      cold !== undefined &&
      cold !== null &&
      plan.deleteAfterDays !== undefined &&
      plan.deleteAfterDays < cold + COLD_STORAGE_MINIMUM_DAYS
    ) {
      problems.push({
        path: `plans[${index}].deleteAfterDays`,
        message:
          `is ${plan.deleteAfterDays}, but recovery points moved to cold storage after ${cold} days must stay ` +
          `there at least ${COLD_STORAGE_MINIMUM_DAYS} days`,
        fix: `set deleteAfterDays to ${cold + COLD_STORAGE_MINIMUM_DAYS} or more, or coldStorageAfterDays to null`,
      });
    }
    if (plan.copyToCentralVault && !view.centralVaultPresent) {
      problems.push({
        path: `plans[${index}].copyToCentralVault`,
        message: 'is true, but no centralVault is configured to copy to',
        fix: 'add a centralVault section, or set copyToCentralVault: false',
      });
    }
    const interval =
      plan.schedule === undefined ? null : scheduleIntervalProblem(plan.schedule, scheduleAnchor);
    if (interval) problems.push({ path: `plans[${index}].schedule`, ...interval });
    return problems;
  });
}

function scheduleIntervalProblem(expression: string, anchor: Date): { message: string; fix: string } | null {
  try {
    const { minMs } = intervalBounds(parseSchedule(expression), anchor);
    if (minMs >= MIN_SCHEDULE_INTERVAL_MS) return null;
    return {
      message: `has runs only ${Math.round(minMs / 60_000)} minutes apart; AWS Backup needs at least 60 minutes between runs`,
      fix: 'schedule at most one run per hour, e.g. cron(0 * ? * * *)',
    };
  } catch (error) {
    if (!(error instanceof NoScheduledRunError)) throw error;
    return {
      message: 'does not repeat, so it cannot keep resources protected',
      fix: 'use a recurring schedule',
    };
  }
}

/** Effective policies lower-case plan names, so `Daily` and `daily` would merge into one plan. */
function duplicatePlanNames(view: ConfigView): ConfigProblem[] {
  const seen = new Map<string, number>();
  return view.plans.flatMap(({ index, plan }) => {
    if (plan.name === undefined) return [];
    const { name: planName } = plan;
    const names =
      plan.copyToCentralVault && view.centralVaultPerRegion
        ? (view.regions ?? []).map((region) => regionalPlanName(planName, region))
        : [planName];
    return names.flatMap((name) => {
      const key = name.toLowerCase();
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, index);
        return [];
      }
      return [
        {
          path: `plans[${index}].name`,
          message: `renders plan "${name}", which plans[${first}] already uses (plan names are compared ignoring case)`,
          fix: 'give each plan a distinct name',
        },
      ];
    });
  });
}

/** A Region cannot be both backed up and merely scanned. */
function scanRegionOverlap({ regions, scanRegions }: ConfigView): ConfigProblem[] {
  const backedUp = new Set(regions ?? []);
  return scanRegions.flatMap((region, index) =>
    typeof region === 'string' && backedUp.has(region)
      ? [
          {
            path: `scanRegions[${index}]`,
            message: `${region} is already in regions (backed up), so scanning it separately means nothing`,
            fix: 'remove it from scanRegions',
          },
        ]
      : [],
  );
}

/**
 * Roles AWS Backup must never be handed: the controller's own execution role and the event-forwarding role
 * (their trust would be wrong for backup), the organization's break-glass roles (administrator access), and
 * service-linked roles (owned by AWS services). IAM role names are unique ignoring case.
 */
function reservedBackupRoleName({ backupRoleName, memberRoleName }: ConfigView): ConfigProblem[] {
  if (typeof backupRoleName !== 'string') return [];
  const name = backupRoleName.toLowerCase();
  const reserved = [
    ...(typeof memberRoleName === 'string' ? [[memberRoleName, "the controller's own execution role"]] : []),
    [EVENT_FORWARDING_ROLE_NAME, 'the role that forwards events to the controller'],
    ['OrganizationAccountAccessRole', "the organization's administrator role in every member account"],
    ['AWSControlTowerExecution', "AWS Control Tower's administrator role"],
  ];
  const taken = reserved.find(([roleName]) => roleName!.toLowerCase() === name);
  const role = taken
    ? `is ${taken[1]}`
    : name.startsWith('awsservicerole')
      ? 'names a service-linked role, which belongs to an AWS service'
      : null;
  if (role === null) return [];
  return [
    {
      path: 'backupRoleName',
      message: `${backupRoleName} ${role}; AWS Backup must get a role of its own`,
      fix: `use a dedicated name such as ${DEFAULT_BACKUP_ROLE_NAME}`,
    },
  ];
}

function partitionProblems({ regions, scanRegions, centralVault }: ConfigView): ConfigProblem[] {
  const partitions = new Set((regions ?? []).map((name) => findRegion(name)?.partition));
  if (partitions.size > 1) {
    return [
      {
        path: 'regions',
        message: `mixes partitions (${[...partitions].join(', ')}); one organization lives in one partition`,
        fix: 'list Regions of one partition only (commercial, GovCloud or China)',
      },
    ];
  }
  const [partition] = partitions;
  if (!partition) return [];
  const elsewhere = (region: unknown) => {
    const other = typeof region === 'string' ? findRegion(region)?.partition : undefined;
    return other !== undefined && other !== partition;
  };
  const problems: ConfigProblem[] = scanRegions.flatMap((region, index) =>
    elsewhere(region)
      ? [
          {
            path: `scanRegions[${index}]`,
            message: `is in another partition than the configured Regions (${partition})`,
            fix: 'scan Regions of the same partition only',
          },
        ]
      : [],
  );
  if (elsewhere(centralVault.region)) {
    problems.push({
      path: 'centralVault.region',
      message: `is in another partition than the configured Regions (${partition})`,
      fix: 'choose a central Region in the same partition',
    });
  }
  return problems;
}

/** A vault's key must live in the vault's Region, so one key ARN cannot serve vaults in several Regions. */
function kmsKeyProblems({ kmsKey, regions }: ConfigView): ConfigProblem[] {
  const keyRegion = kmsKey ? KMS_KEY_ARN.exec(kmsKey)?.[2] : undefined;
  if (!keyRegion || !regions || (regions.length === 1 && regions[0] === keyRegion)) return [];
  return [
    {
      path: 'vault.kmsKey',
      message: `is a key in ${keyRegion}, but vaults are created in ${regions.join(', ')}; a vault needs a key in its own Region`,
      fix: 'use alias/NAME with a key of that alias in every account and Region, or aws/backup',
    },
  ];
}

function attachExcludeOverlap({ attachTo, excludeAccounts }: ConfigView): ConfigProblem[] {
  const attached = new Set(attachTo.filter((target) => typeof target === 'string'));
  return excludeAccounts.flatMap((account, index) =>
    typeof account === 'string' && attached.has(account)
      ? [
          {
            path: `excludeAccounts[${index}]`,
            message: `account ${account} is also listed in attachTo`,
            fix: 'remove it from one of the two lists',
          },
        ]
      : [],
  );
}

function warnings(view: ConfigView): ConfigProblem[] {
  const notes: ConfigProblem[] = [];
  if (view.lock?.mode === 'compliance') {
    notes.push(
      view.allowIrreversibleLock === true
        ? {
            path: 'vault.lock.mode',
            message: `compliance locks become irreversible ${view.lock.changeableForDays ?? 3} days after they are applied`,
            fix: 'nothing to fix if that is intended; nobody, AWS included, can remove the lock or delete early',
          }
        : {
            path: 'vault.lock.mode',
            message:
              'is compliance, but allowIrreversibleLock is not true, so the controller will plan the lock and not apply it',
            fix: 'set vault.allowIrreversibleLock: true once you accept an irreversible lock, or use mode: governance',
          },
    );
  }
  for (const [index, name] of (view.regions ?? []).entries()) {
    if (findRegion(name)?.optIn) {
      notes.push({
        path: `regions[${index}]`,
        message: `${name} is an opt-in Region; accounts that have not enabled it get no backups there`,
        fix: 'enable the Region in every account (Account Management), or remove it',
      });
    }
  }
  const copying = view.plans.some(({ plan }) => plan.copyToCentralVault);
  // https://repost.aws/knowledge-center/backup-cross-account-copy: AWS-managed keys (aws/ebs, aws/rds,
  // aws/backup) cannot be shared, so cross-account copies of those types need customer-managed keys.
  if (view.centralVaultPresent && copying && isAwsManagedBackupKey(view.kmsKey)) {
    notes.push({
      path: 'vault.kmsKey',
      message:
        'is the AWS-managed aws/backup key, which the central vault is created with too; cross-account copies of ' +
        'types AWS Backup does not fully manage (EBS, EC2, RDS, Aurora, DocumentDB, Neptune…) need customer-managed ' +
        'keys, because AWS-managed keys cannot be shared between accounts',
      fix: 'use alias/NAME for a customer-managed key that exists in every account and Region (the central one included)',
    });
  }
  if (view.centralVaultPresent && view.plans.length > 0 && !copying) {
    notes.push({
      path: 'centralVault',
      message: 'is configured, but no plan sets copyToCentralVault: true',
      fix: 'set copyToCentralVault: true on the plans whose backups should be copied',
    });
  }
  return notes;
}

function isAwsManagedBackupKey(kmsKey: string | undefined): boolean {
  return kmsKey === 'aws/backup' || kmsKey === 'alias/aws/backup';
}

/** The fields of an object section that are valid on their own (defaults applied). */
function validFields<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
  value: Record<string, unknown>,
): Partial<z.output<z.ZodObject<Shape>>> {
  const fields: Record<string, unknown> = {};
  for (const [key, fieldSchema] of Object.entries(schema.shape)) {
    const result = (fieldSchema as z.ZodType).safeParse(value[key]);
    if (result.success && result.data !== undefined) fields[key] = result.data;
  }
  return fields as Partial<z.output<z.ZodObject<Shape>>>;
}

function section<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
