import { describe, expect, it } from 'vitest';
import {
  type ConfigProblem,
  ConfigValidationError,
  loadConfigFromText,
  parseConfigText,
  validateConfig,
} from '../../../shared/domain/config/index.js';

// biome-ignore lint/suspicious/noExplicitAny: rows mutate arbitrary parts of a raw config
type Raw = Record<string, any>;

/** Valid, and exercises every cross-field rule's inputs (lock, central vault, copies). */
const base = (): Raw => ({
  version: 1,
  regions: ['eu-west-1', 'eu-central-1'],
  plans: [{ name: 'daily', deleteAfterDays: 35, copyToCentralVault: true }],
  vault: {
    kmsKey: 'alias/org-backup',
    lock: { mode: 'governance', minRetentionDays: 7, maxRetentionDays: 365 },
  },
  centralVault: { accountId: '444444444444', region: 'eu-west-1', deleteAfterDays: 90 },
});

const problemsOf = (raw: unknown, anchor?: Date): readonly ConfigProblem[] => {
  const result = validateConfig(raw, anchor ? { scheduleAnchor: anchor } : {});
  return result.ok ? [] : result.problems;
};

describe('validateConfig: one row per kind of mistake', () => {
  const rows: { why: string; change: (c: Raw) => void; path: string; fix?: RegExp }[] = [
    {
      why: 'a misspelt key would silently fall back to a default',
      change: (c) => {
        c.regoins = c.regions;
      },
      path: 'regoins',
      fix: /did you mean regions\?/,
    },
    {
      why: 'typos are caught inside nested objects too',
      change: (c) => {
        c.plans[0].deleteAfterDay = 3;
      },
      path: 'plans[0].deleteAfterDay',
      fix: /deleteAfterDays/,
    },
    {
      why: 'only format version 1 exists',
      change: (c) => {
        c.version = 2;
      },
      path: 'version',
    },
    {
      why: 'mode is enforce or audit',
      change: (c) => {
        c.mode = 'enforced';
      },
      path: 'mode',
      fix: /did you mean enforce\?/,
    },
    {
      why: 'a Region typo would make AWS never run the plan there',
      change: (c) => {
        c.regions = ['eu-west-4'];
      },
      path: 'regions[0]',
      fix: /did you mean eu-west-/,
    },
    {
      why: 'a policy without Regions backs up nothing',
      change: (c) => {
        c.regions = [];
      },
      path: 'regions',
    },
    {
      why: 'a Region listed twice is a copy-paste slip',
      change: (c) => {
        c.regions = ['eu-west-1', 'eu-west-1'];
      },
      path: 'regions',
    },
    {
      why: 'one organization lives in one partition',
      change: (c) => {
        c.regions = ['eu-west-1', 'us-gov-west-1'];
      },
      path: 'regions',
    },
    {
      why: 'the central Region must be in the same partition',
      change: (c) => {
        c.centralVault.region = 'cn-north-1';
      },
      path: 'centralVault.region',
    },
    {
      why: 'unquoted account ids become numbers and lose leading zeros',
      change: (c) => {
        c.excludeAccounts = [12345678901];
      },
      path: 'excludeAccounts[0]',
      fix: /quotes/,
    },
    {
      why: 'account ids have 12 digits',
      change: (c) => {
        c.centralVault.accountId = '44444444444';
      },
      path: 'centralVault.accountId',
    },
    {
      why: 'attach targets are root, OU ids, OU paths or accounts',
      change: (c) => {
        c.attachTo = ['ou-x'];
      },
      path: 'attachTo[0]',
    },
    {
      why: 'a policy attached nowhere applies nowhere',
      change: (c) => {
        c.attachTo = [];
      },
      path: 'attachTo',
    },
    {
      why: 'an account both attached and excluded is contradictory',
      change: (c) => {
        c.attachTo = ['123456789012'];
        c.excludeAccounts = ['123456789012'];
      },
      path: 'excludeAccounts[0]',
    },
    {
      why: 'plan names become rule names with the AWS rule-name pattern',
      change: (c) => {
        c.plans[0].name = 'daily backup';
      },
      path: 'plans[0].name',
    },
    {
      why: 'effective policies lower-case plan names, so these would merge',
      change: (c) => {
        c.plans.push({ name: 'Daily', deleteAfterDays: 35 });
      },
      path: 'plans[1].name',
    },
    {
      why: 'no plan means no backups',
      change: (c) => {
        c.plans = [];
      },
      path: 'plans',
    },
    {
      why: 'the schedule must parse as an AWS schedule expression',
      change: (c) => {
        c.plans[0].schedule = 'cron(0 5 * * *)';
      },
      path: 'plans[0].schedule',
    },
    {
      why: 'AWS Backup needs an hour between runs',
      change: (c) => {
        c.plans[0].schedule = 'cron(0/30 * ? * * *)';
      },
      path: 'plans[0].schedule',
      fix: /one run per hour/,
    },
    {
      why: 'AWS rejects a start window under 60 minutes',
      change: (c) => {
        c.plans[0].startWindowMinutes = 30;
      },
      path: 'plans[0].startWindowMinutes',
    },
    {
      why: 'a completion window must be positive',
      change: (c) => {
        c.plans[0].completionWindowMinutes = 0;
      },
      path: 'plans[0].completionWindowMinutes',
    },
    {
      why: 'windows are whole minutes',
      change: (c) => {
        c.plans[0].completionWindowMinutes = 90.5;
      },
      path: 'plans[0].completionWindowMinutes',
    },
    {
      why: 'retention is a decision, never a default',
      change: (c) => {
        delete c.plans[0].deleteAfterDays;
      },
      path: 'plans[0].deleteAfterDays',
      fix: /add this key/,
    },
    {
      why: 'cold storage has a 90-day minimum',
      change: (c) => {
        c.plans[0].coldStorageAfterDays = 30;
        c.plans[0].deleteAfterDays = 100;
      },
      path: 'plans[0].deleteAfterDays',
      fix: /120/,
    },
    {
      why: 'copying needs somewhere to copy to',
      change: (c) => {
        delete c.centralVault;
      },
      path: 'plans[0].copyToCentralVault',
    },
    {
      why: 'jobs shorter than the lock minimum fail',
      change: (c) => {
        c.plans[0].deleteAfterDays = 3;
      },
      path: 'plans[0].deleteAfterDays',
      fix: /at least 7/,
    },
    {
      why: 'jobs longer than the lock maximum fail',
      change: (c) => {
        c.plans[0].deleteAfterDays = 400;
      },
      path: 'plans[0].deleteAfterDays',
      fix: /at most 365/,
    },
    {
      why: 'copies into the central vault obey the same lock',
      change: (c) => {
        c.centralVault.deleteAfterDays = 400;
      },
      path: 'centralVault.deleteAfterDays',
    },
    {
      why: 'a lock with min above max rejects every retention',
      change: (c) => {
        c.vault.lock.minRetentionDays = 400;
      },
      path: 'vault.lock.minRetentionDays',
    },
    {
      why: 'a compliance lock needs its grace period',
      change: (c) => {
        c.vault.lock.mode = 'compliance';
      },
      path: 'vault.lock.changeableForDays',
    },
    {
      why: 'AWS enforces a 72-hour grace period',
      change: (c) => {
        c.vault.lock = { mode: 'compliance', changeableForDays: 2 };
      },
      path: 'vault.lock.changeableForDays',
    },
    {
      why: 'changeableForDays turns a governance lock into compliance',
      change: (c) => {
        c.vault.lock.changeableForDays = 3;
      },
      path: 'vault.lock.changeableForDays',
    },
    {
      why: 'vault names follow the AWS Backup pattern',
      change: (c) => {
        c.vault.name = 'org backup';
      },
      path: 'vault.name',
    },
    {
      why: 'kmsKey is aws/backup, an alias or a key ARN',
      change: (c) => {
        c.vault.kmsKey = 'my-key';
      },
      path: 'vault.kmsKey',
    },
    {
      why: 'a vault key must be in the vault Region',
      change: (c) => {
        c.vault.kmsKey = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
      },
      path: 'vault.kmsKey',
      fix: /alias/,
    },
    {
      why: 'unquoted True is a YAML boolean',
      change: (c) => {
        c.selection = { tagValue: true };
      },
      path: 'selection.tagValue',
      fix: /quotes/,
    },
    {
      why: 'aws: tag keys are reserved',
      change: (c) => {
        c.selection = { tagKey: 'aws:backup' };
      },
      path: 'selection.tagKey',
    },
    {
      why: 'alert addresses must be deliverable',
      change: (c) => {
        c.alerts = { emails: ['ops'] };
      },
      path: 'alerts.emails[0]',
    },
    {
      why: 'an alert route must match something',
      change: (c) => {
        c.alerts = { routes: [{ snsTopic: 'arn:aws:sns:eu-west-1:111122223333:team' }] };
      },
      path: 'alerts.routes[0]',
    },
    {
      why: 'an alert route must name a channel',
      change: (c) => {
        c.alerts = { routes: [{ accounts: ['111122223333'] }] };
      },
      path: 'alerts.routes[0]',
    },
    {
      why: 'an alert route topic is an SNS topic ARN',
      change: (c) => {
        c.alerts = { routes: [{ ous: ['/Workloads'], snsTopic: 'team-topic' }] };
      },
      path: 'alerts.routes[0].snsTopic',
    },
    {
      why: 'flap damping needs at least one change',
      change: (c) => {
        c.alerts = { flap: { maxChanges: 0 } };
      },
      path: 'alerts.flap.maxChanges',
    },
    {
      why: 'blast radius is a percentage',
      change: (c) => {
        c.blastRadius = { maxAccountsChangedPercent: 0 };
      },
      path: 'blastRadius.maxAccountsChangedPercent',
    },
    {
      why: 'IAM role names have a pattern',
      change: (c) => {
        c.backupRoleName = 'backup role';
      },
      path: 'backupRoleName',
    },
    {
      why: 'AWS Backup rules take cron only; a rate would leave every account without backups',
      change: (c) => {
        c.plans[0].schedule = 'rate(12 hours)';
      },
      path: 'plans[0].schedule',
      fix: /cron\(0 5 \? \* \* \*\)/,
    },
    ...[
      { name: 'OrgBackupControllerExecution', why: "the controller's own role" },
      { name: 'orgbackupcontrollerexecution', why: 'IAM names ignore case' },
      { name: 'OrganizationAccountAccessRole', why: 'the break-glass administrator role' },
      { name: 'AWSControlTowerExecution', why: "Control Tower's administrator role" },
      { name: 'OrgBackupEventForwarding', why: 'the event-forwarding role' },
      { name: 'AWSServiceRoleForBackup', why: 'a service-linked role' },
    ].map(({ name, why }) => ({
      why: `backupRoleName may not be ${why}`,
      change: (c: Raw) => {
        c.backupRoleName = name;
      },
      path: 'backupRoleName',
      fix: /OrgBackupServiceRole/,
    })),
    {
      why: 'a renamed controller role is still the controller role',
      change: (c) => {
        c.memberRoleName = 'ControllerRole';
        c.backupRoleName = 'ControllerRole';
      },
      path: 'backupRoleName',
    },
    {
      why: 'kmsGrants is report or manage',
      change: (c) => {
        c.kmsGrants = 'always';
      },
      path: 'kmsGrants',
    },
    {
      why: 'dynamoDbAdvanced is manage or report',
      change: (c) => {
        c.dynamoDbAdvanced = true;
      },
      path: 'dynamoDbAdvanced',
    },
    {
      why: 'a waiver without an expiry would silence a finding for ever',
      change: (c) => {
        c.exceptions = [{ account: '222222222222', reason: 'Decommissioning', owner: 'ops@example.com' }];
      },
      path: 'exceptions[0].expires',
    },
    {
      why: 'a waiver expiry is a day',
      change: (c) => {
        c.exceptions = [
          { account: '222222222222', reason: 'Migration', owner: 'ops', expires: 'next month' },
        ];
      },
      path: 'exceptions[0].expires',
      fix: /2026-06-30/,
    },
    {
      why: 'a waiver matches exactly one of arn, account or tag',
      change: (c) => {
        c.exceptions = [
          {
            account: '222222222222',
            tag: { key: 'Tier', value: 'scratch' },
            reason: 'Scratch data',
            owner: 'data-team',
            expires: '2026-06-30',
          },
        ];
      },
      path: 'exceptions[0]',
      fix: /one exception per/,
    },
    {
      why: 'Organizations rejects policies over 10,000 characters',
      change: (c) => {
        delete c.centralVault.region;
        c.regions = ['eu-west-1', 'eu-central-1', 'eu-north-1'];
        c.plans = ['a', 'b', 'c'].map((name) => ({ name, deleteAfterDays: 35, copyToCentralVault: true }));
      },
      path: 'plans',
      fix: /fewer plans/,
    },
  ];

  it.each(rows)('$path: $why', ({ change, path, fix }) => {
    const raw = base();
    change(raw);
    const problems = problemsOf(raw);
    expect(problems.map((p) => p.path)).toEqual([path]);
    expect(problems[0]!.message.length).toBeGreaterThan(0);
    if (fix) expect(problems[0]!.fix).toMatch(fix);
  });

  it.each([
    { why: 'an empty file parses to null', raw: null, message: /empty/ },
    { why: 'a list is not a config', raw: [1, 2], message: /mapping/ },
  ])('(root): $why', ({ raw, message }) => {
    const problems = problemsOf(raw);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('(root)');
    expect(problems[0]!.message).toMatch(message);
  });

  it('rejects a schedule whose only run is before the anchor (it never repeats)', () => {
    const raw = base();
    raw.plans[0].schedule = 'cron(0 5 1 1 ? 2020)';
    expect(problemsOf(raw, new Date('2026-01-01T00:00:00Z')).map((p) => p.path)).toEqual([
      'plans[0].schedule',
    ]);
  });
});

describe('validateConfig: valid configs', () => {
  it('accepts waivers by ARN, account or tag, each with its expiry', () => {
    const raw = base();
    raw.exceptions = [
      {
        arn: 'arn:aws:ec2:eu-west-1:222222222222:volume/vol-1',
        reason: 'Scratch',
        owner: 'a',
        expires: '2026-06-30',
      },
      { account: '333333333333', reason: 'Closing', owner: 'b', expires: '2026-04-01' },
      { tag: { key: 'Tier', value: 'scratch' }, reason: 'Scratch', owner: 'c', expires: '2026-05-01' },
    ];
    const result = validateConfig(raw);
    expect(result.ok && result.config.exceptions).toHaveLength(3);
  });

  it('accepts the base config and fills every default', () => {
    const result = validateConfig(base());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toMatchObject({
      mode: 'audit',
      policyName: 'org-backup-controller',
      selection: { tagKey: 'BackupEnabled', tagValue: 'True' },
      attachTo: ['root'],
      excludeAccounts: [],
      vault: { name: 'org-backup', kmsKey: 'alias/org-backup', allowIrreversibleLock: false },
      centralVault: { name: 'org-backup-central' },
      memberRoleName: 'OrgBackupControllerExecution',
      backupRoleName: 'OrgBackupServiceRole',
      manageRegionOptIn: true,
      kmsGrants: 'report',
      dynamoDbAdvanced: 'manage',
      blastRadius: { maxAccountsChangedPercent: 25 },
      alerts: {
        emails: [],
        slackWebhookSecretName: null,
        stormAccounts: 25,
        flap: { maxChanges: 2, windowHours: 24 },
        routes: [],
      },
    });
    expect(result.config.plans[0]).toEqual({
      name: 'daily',
      schedule: 'cron(0 5 ? * * *)',
      startWindowMinutes: 60,
      completionWindowMinutes: 180,
      deleteAfterDays: 35,
      coldStorageAfterDays: null,
      copyToCentralVault: true,
    });
    expect(result.warnings).toEqual([]);
  });

  it.each([
    {
      why: 'a compliance lock without allowIrreversibleLock is valid; the planner holds it back',
      change: (c: Raw) => {
        c.vault.lock = { mode: 'compliance', changeableForDays: 3, minRetentionDays: 7 };
      },
      warning: /not apply it/,
    },
    {
      why: 'an allowed compliance lock still says it is irreversible',
      change: (c: Raw) => {
        c.vault.lock = { mode: 'compliance', changeableForDays: 5 };
        c.vault.allowIrreversibleLock = true;
      },
      warning: /irreversible 5 days/,
    },
    {
      why: 'opt-in Regions only work where enabled',
      change: (c: Raw) => {
        c.regions = ['eu-west-1', 'eu-south-2'];
      },
      warning: /opt-in/,
    },
    {
      why: 'copies of EBS/EC2/RDS-family backups cannot cross accounts on the AWS-managed key',
      change: (c: Raw) => {
        delete c.vault.kmsKey;
      },
      warning: /aws\/backup key.*customer-managed keys/,
    },
    {
      why: 'the AWS-managed key named by alias is the same key',
      change: (c: Raw) => {
        c.vault.kmsKey = 'alias/aws/backup';
      },
      warning: /aws\/backup key/,
    },
    {
      why: 'a central vault nobody copies to is probably a slip',
      change: (c: Raw) => {
        c.plans[0].copyToCentralVault = false;
      },
      warning: /no plan sets/,
    },
  ])('warns: $why', ({ change, warning }) => {
    const raw = base();
    change(raw);
    const result = validateConfig(raw);
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.message).join('\n')).toMatch(warning);
  });

  it.each([
    { why: 'alias keys resolve per account and Region', kmsKey: 'alias/org-backup' },
    { why: 'the AWS-managed key by alias', kmsKey: 'alias/aws/backup' },
  ])('accepts kmsKey $kmsKey: $why', ({ kmsKey }) => {
    const raw = base();
    raw.vault.kmsKey = kmsKey;
    expect(problemsOf(raw)).toEqual([]);
  });

  it('accepts a key ARN when there is one Region and the key lives there', () => {
    const raw = base();
    raw.regions = ['eu-west-1'];
    raw.vault.kmsKey = 'arn:aws:kms:eu-west-1:111122223333:key/mrk-1234567890abcdef1234567890abcdef';
    expect(problemsOf(raw)).toEqual([]);
  });
});

describe('many mistakes at once', () => {
  it('names every path, including cross-field ones next to schema ones', () => {
    const raw = base();
    raw.regoins = ['eu-west-1'];
    raw.mode = 'enforced';
    raw.plans[0].deleteAfterDays = 3; // below the lock minimum
    raw.plans[0].startWindowMinutes = 10;
    raw.plans.push({ name: 'DAILY', deleteAfterDays: 100, coldStorageAfterDays: 30, extra: 1 });
    raw.centralVault.accountId = 444444444444;
    raw.centralVault.deleteAfterDays = 500;
    raw.alerts = { emails: ['x'] };
    expect(
      problemsOf(raw)
        .map((p) => p.path)
        .sort(),
    ).toEqual(
      [
        'regoins',
        'mode',
        'plans[0].deleteAfterDays',
        'plans[0].startWindowMinutes',
        'plans[1].extra',
        'plans[1].deleteAfterDays',
        'plans[1].name',
        'centralVault.accountId',
        'centralVault.deleteAfterDays',
        'alerts.emails[0]',
      ].sort(),
    );
  });
});

describe('parseConfigText and loadConfigFromText', () => {
  it.each([
    {
      why: 'unclosed flow sequence',
      text: 'version: 1\nregions: [eu-west-1\nplans: []\n',
      line: /^c\.yaml:\d+:\d+$/,
    },
    {
      why: 'duplicate keys would silently drop one value',
      text: 'version: 1\nversion: 1\n',
      line: /^c\.yaml:2:1$/,
    },
    { why: 'bad indentation', text: 'vault:\n  name: a\n   kmsKey: b\n', line: /^c\.yaml:\d+:\d+$/ },
  ])('reports YAML syntax errors with file:line:column: $why', ({ text, line }) => {
    const parsed = parseConfigText(text, 'c.yaml');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems[0]!.path).toMatch(line);
    expect(parsed.problems[0]!.message).not.toContain('\n');
  });

  it('reads JSON as well as YAML', () => {
    const result = loadConfigFromText(JSON.stringify(base()), 'orgbackup.config.json');
    expect(result.ok).toBe(true);
  });

  it('ConfigValidationError carries the problems and a stable code', () => {
    const result = loadConfigFromText('version: 1\nregions: [mars-1]\n', 'c.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const error = new ConfigValidationError(result.problems);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.problems.map((p) => p.path)).toEqual(['regions[0]', 'plans']);
    expect(error.message).toContain('regions[0]');
  });
});
