import * as z from 'zod';
import { AWS_REGIONS, findRegion } from '../regions.js';
import { parseSchedule, ScheduleParseError } from '../schedule.js';
import { closestMatch } from './suggest.js';

/**
 * The shape of `orgbackup.config.yaml` with its per-field rules and defaults. Rules that relate two fields
 * (retention inside the lock, cold storage before delete, partitions, policy size) live in checks.ts, so
 * that each can be reported even when unrelated parts of the file are broken.
 *
 * Every object is strict: an unknown key is an error, because a misspelt optional key (`regoins`,
 * `deleteAfterDay`) would otherwise be dropped silently and the default would apply instead.
 */

/** Custom issues carry the fix in `params.fix`; problems.ts turns issues into problems. */
const withFix = (message: string, fix: string) => ({ error: message, params: { fix } });

const matching = (pattern: RegExp, message: string, fix: string) =>
  z.string().refine((value) => pattern.test(value), withFix(message, fix));

/** AWS Backup's limit for lifecycle days (100 years). */
export const MAX_RETENTION_DAYS = 36_500;
/** AWS Backup's limit for start and completion windows (100 years in minutes). */
export const MAX_WINDOW_MINUTES = 52_560_000;

const days = z.number().int().min(1).max(MAX_RETENTION_DAYS);

export const ACCOUNT_ID = /^\d{12}$/;
const accountId = matching(
  ACCOUNT_ID,
  'must be a 12-digit AWS account id',
  'write all 12 digits in quotes, e.g. "012345678901" (leading zeros count)',
);

/** BackupVaultName pattern from the AWS Backup API model. */
const vaultName = matching(
  /^[a-zA-Z0-9\-_]{2,50}$/,
  'must be 2-50 characters of letters, digits, - and _ (the AWS Backup vault name pattern)',
  'rename the vault, e.g. org-backup',
);

export const DEFAULT_VAULT_KEY = 'aws/backup';
export const DEFAULT_BACKUP_ROLE_NAME = 'OrgBackupServiceRole';
export const DEFAULT_MEMBER_ROLE_NAME = 'OrgBackupControllerExecution';

/** IAM role names: 1-64 of letters, digits and +=,.@_- */
const roleName = matching(
  /^[\w+=,.@-]{1,64}$/,
  'must be a valid IAM role name (1-64 characters of letters, digits and +=,.@_-)',
  'use a name such as OrgBackupServiceRole',
);

const uniqueList = <T extends z.ZodType<string>>(item: T) =>
  z
    .array(item)
    .refine(
      (items) => new Set(items).size === items.length,
      withFix('contains duplicates', 'list each entry once'),
    );

const regionName = z.string().superRefine((name, ctx) => {
  if (findRegion(name)) return;
  const suggestion = closestMatch(
    name,
    AWS_REGIONS.map((region) => region.name),
  );
  ctx.addIssue({
    code: 'custom',
    message: `"${name}" is not an AWS Region`,
    params: {
      fix: suggestion
        ? `did you mean ${suggestion}?`
        : 'use a Region code such as eu-west-1 (see shared/domain/regions.ts for the list)',
    },
  });
});

const regions = uniqueList(regionName).refine(
  (names) => names.length > 0,
  withFix('lists no Region', 'list at least one Region, e.g. [eu-west-1]'),
);

const schedule = z.string().superRefine((expression, ctx) => {
  try {
    parseSchedule(expression);
  } catch (error) {
    if (!(error instanceof ScheduleParseError)) throw error;
    ctx.addIssue({
      code: 'custom',
      message: error.message,
      params: { fix: 'use an AWS cron expression in UTC such as cron(0 5 ? * * *) (daily at 05:00)' },
    });
  }
});

/**
 * The rule name is the plan name (one rule per plan), so the stricter rule-name pattern applies. Plan and
 * rule keys come back lower-cased in effective policies, which is why duplicates are compared
 * case-insensitively in checks.ts.
 */
const planName = matching(
  /^[a-zA-Z0-9\-_.]{1,50}$/,
  'must be 1-50 characters of letters, digits, - _ and . (the AWS Backup rule name pattern)',
  'rename the plan, e.g. daily',
);

const planSchema = z.strictObject({
  name: planName,
  schedule: schedule.default('cron(0 5 ? * * *)'),
  startWindowMinutes: z.number().int().min(60).max(MAX_WINDOW_MINUTES).default(60),
  completionWindowMinutes: z.number().int().min(1).max(MAX_WINDOW_MINUTES).default(180),
  deleteAfterDays: days,
  coldStorageAfterDays: days.nullable().default(null),
  copyToCentralVault: z.boolean().default(false),
});

/** AWS-managed backup key, a key alias, or a key ARN (single- or multi-Region key). */
export const KMS_KEY_ARN =
  /^arn:aws(-[a-z]+)*:kms:([a-z0-9-]+):(\d{12}):key\/(mrk-[0-9a-f]{32}|[0-9a-f-]{36})$/;
const kmsKey = z
  .string()
  .refine(
    (value) =>
      value === 'aws/backup' ||
      value === 'alias/aws/backup' ||
      (/^alias\/[a-zA-Z0-9/_-]{1,250}$/.test(value) && !value.startsWith('alias/aws/')) ||
      KMS_KEY_ARN.test(value),
    withFix(
      'must be aws/backup, alias/NAME, or a KMS key ARN',
      'use aws/backup (the AWS-managed key), alias/NAME for a customer-managed key that exists in every account ' +
        'and Region, or arn:aws:kms:REGION:ACCOUNT:key/KEY-ID',
    ),
  );

const lockSchema = z.strictObject({
  mode: z.enum(['governance', 'compliance']),
  minRetentionDays: days.optional(),
  maxRetentionDays: days.optional(),
  changeableForDays: z.number().int().min(3).max(MAX_RETENTION_DAYS).optional(),
});

const vaultSchema = z.strictObject({
  name: vaultName.default('org-backup'),
  kmsKey: kmsKey.default(DEFAULT_VAULT_KEY),
  lock: lockSchema.optional(),
  allowIrreversibleLock: z.boolean().default(false),
});

const centralVaultSchema = z.strictObject({
  accountId,
  /** Omitted: a central vault in every configured Region (same-Region copies). */
  region: regionName.optional(),
  name: vaultName.default('org-backup-central'),
  deleteAfterDays: days,
});

const attachTarget = matching(
  /^(root|ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|\d{12}|(\/[^/]+)+)$/,
  'must be root, an OU id (ou-…), an OU path (/Workloads/Prod) or a 12-digit account id',
  'use root, an id such as ou-ab12-cdef3456, a path such as /Workloads/Prod, or "111122223333"',
);

/** Secrets Manager secret names: 1-512 of letters, digits and /_+=.@- */
const secretName = matching(
  /^[\w/+=.@-]{1,512}$/,
  'must be a Secrets Manager secret name',
  'use the secret name, e.g. org-backup/slack-webhook',
);

const principalArn = matching(
  /^arn:aws[a-z-]*:iam::\d{12}:(root|(role|user)\/[\w+=,.@/-]{1,512})$/,
  'must be the ARN of an IAM role, user or account root',
  'use e.g. arn:aws:iam::123456789012:role/Auditors',
);

/** An SNS topic ARN (topic names: 1-256 of letters, digits, - and _; FIFO topics end in .fifo). */
const snsTopicArn = matching(
  /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}(\.fifo)?$/,
  'must be an SNS topic ARN',
  'use the topic ARN, e.g. arn:aws:sns:eu-west-1:111122223333:team-backup-alerts',
);

/** Where the alerts of some OUs or accounts go; the first matching route wins. */
const alertRoute = z
  .strictObject({
    ous: uniqueList(
      matching(
        /^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|(\/[^/]+)+)$/,
        'must be an OU id (ou-…) or an OU path (/Workloads/Prod)',
        'use an id such as ou-ab12-cdef3456 (ids survive renames) or a path such as /Workloads/Prod',
      ),
    ).optional(),
    accounts: uniqueList(accountId).optional(),
    snsTopic: snsTopicArn.optional(),
    slackWebhookSecretName: secretName.optional(),
  })
  .refine(
    (route) => (route.ous?.length ?? 0) + (route.accounts?.length ?? 0) > 0,
    withFix('matches nothing', 'list the ous or accounts whose alerts this route sends'),
  )
  .refine(
    (route) => route.snsTopic !== undefined || route.slackWebhookSecretName !== undefined,
    withFix('names no channel', 'give snsTopic, slackWebhookSecretName or both'),
  );

export const configSchema = z.strictObject({
  version: z.literal(1),
  mode: z.enum(['enforce', 'audit']).default('audit'),
  policyName: z.string().min(1).max(128).default('org-backup-controller'),
  selection: z
    .strictObject({
      tagKey: z
        .string()
        .min(1)
        .max(128)
        .refine(
          (key) => !key.toLowerCase().startsWith('aws:'),
          withFix('tag keys starting with aws: are reserved by AWS', 'choose a key such as BackupEnabled'),
        )
        .default('BackupEnabled'),
      tagValue: z.string().max(256).default('True'),
    })
    .prefault({}),
  regions,
  /**
   * Regions outside `regions` scanned for tagged resources, so resources there are reported instead of
   * silently missed. Absent: every Region enabled in each account; a list narrows that; [] turns it off.
   */
  scanRegions: uniqueList(regionName).optional(),
  attachTo: uniqueList(attachTarget)
    .refine(
      (targets) => targets.length > 0,
      withFix('lists no target, so the policy would never apply', 'attach to root, or list OUs or accounts'),
    )
    .default(['root']),
  excludeAccounts: uniqueList(accountId).default([]),
  plans: z
    .array(planSchema)
    .refine((plans) => plans.length > 0, withFix('lists no plan', 'add at least one plan (see examples/)')),
  vault: vaultSchema.prefault({}),
  centralVault: centralVaultSchema.optional(),
  memberRoleName: roleName.default(DEFAULT_MEMBER_ROLE_NAME),
  backupRoleName: roleName.default(DEFAULT_BACKUP_ROLE_NAME),
  manageRegionOptIn: z.boolean().default(true),
  /**
   * report: say which key refuses the backup role and the key-policy statement to add, never write.
   * manage: also write the narrow named grant on same-account customer-managed resource keys.
   */
  kmsGrants: z.enum(['report', 'manage']).default('report'),
  /** manage: opt DynamoDB into advanced backup where tagged tables exist (counts against the blast radius). */
  dynamoDbAdvanced: z.enum(['manage', 'report']).default('manage'),
  blastRadius: z
    .strictObject({ maxAccountsChangedPercent: z.number().min(1).max(100).default(25) })
    .prefault({}),
  alerts: z
    .strictObject({
      emails: uniqueList(z.email()).default([]),
      slackWebhookSecretName: secretName.nullable().default(null),
      /** Above this many accounts changing in one run, one organization-wide summary is sent instead. */
      stormAccounts: z.number().int().min(1).default(25),
      flap: z
        .strictObject({
          maxChanges: z.number().int().min(1).max(100).default(2),
          windowHours: z.number().min(1).max(168).default(24),
        })
        .prefault({}),
      routes: z.array(alertRoute).default([]),
    })
    .prefault({}),
  report: z
    .strictObject({
      /** Principals in other accounts of the organization allowed to read the report API (SigV4). */
      readers: uniqueList(principalArn).default([]),
      /** Object Lock (governance) retention of each daily evidence pack. */
      evidenceRetentionDays: days.default(365),
    })
    .prefault({}),
});

/** The validated config with every default filled in. */
export type Config = z.output<typeof configSchema>;
export type PlanConfig = Config['plans'][number];
export type VaultLockConfig = NonNullable<Config['vault']['lock']>;
export type CentralVaultConfig = NonNullable<Config['centralVault']>;

/** Sub-schemas, so that cross-field checks can use whichever parts of a broken file are valid. */
export const sectionSchemas = {
  plan: planSchema,
  lock: lockSchema,
  kmsKey,
  centralVault: centralVaultSchema,
  regions,
} as const;
