import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planCommand } from '../../cli/commands/plan.js';
import { planOrganization } from '../../cli/plan-organization.js';
import { SandboxHarness } from '../../sandbox/harness.js';
import { loadWorld } from '../../sandbox/world.js';
import { observeOrganization } from '../../shared/aws/observe-org.js';
import { loadConfigFromText } from '../../shared/domain/config/index.js';
import type { ActionRecord, ResourceFinding } from '../../shared/domain/model.js';
import { orgbackup, runInProcess } from './run-cli.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const WORLD = join(fixtures, 'plan-world.yaml');
const CONFIG = join(fixtures, 'plan.config.yaml');
const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at /);

const plan = (...args: string[]) => runInProcess(planCommand, args);

const actionKey = (action: ActionRecord) =>
  [
    action.kind,
    action.accountId,
    action.region,
    action.target,
    action.reason,
    action.blocked?.by ?? '-',
  ].join(' | ');

describe('orgbackup plan --world', () => {
  it('prints the planned actions, the findings by reason and zero write calls, from the installed command', async () => {
    const run = await orgbackup(['plan', '--config', CONFIG, '--world', WORLD]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'Plan for organization o-plantest123: 4 accounts × 2 Regions (eu-west-1, us-east-1) at 2026-03-02T00:00:00.000Z',
      'Audit mode: nothing was changed.',
      '',
      'Planned actions: 9 (3 blocked)',
    ]);
    expect(lines[4]?.split(/ {2,}/)).toEqual(['KIND', 'ACCOUNT', 'REGION', 'TARGET', 'BLOCKED', 'REASON']);
    // Org actions first, in the order they depend on each other; then each target's.
    expect(lines.slice(5, 8).map((line) => line.split(/ {2,}/).slice(0, 3))).toEqual([
      ['CreatePolicy', '111111111111', 'us-east-1'],
      ['AttachPolicy', '111111111111', 'us-east-1'],
      ['CreateBackupVault', '111111111111', 'eu-west-1'],
    ]);
    const lock = lines.find((line) => line.startsWith('PutVaultLock') && line.includes('222222222222'));
    expect(lock?.split(/ {2,}/)).toEqual([
      'PutVaultLock',
      '222222222222',
      'eu-west-1',
      'arn:aws:backup:eu-west-1:222222222222:backup-vault:org-backup',
      'IRREVERSIBLE_LOCK',
      'The new vault has no lock yet. The compliance lock is applied to org-backup.',
    ]);
    // Nothing is planned for the scan-only Region or the account the controller cannot enter.
    expect(lines.filter((line) => / us-east-1 /.test(line) && !line.startsWith('  '))).toHaveLength(2);
    expect(lines.filter((line) => line.includes('333333333333') && !line.startsWith('  -'))).toEqual([]);

    const findings = run.stdout.slice(run.stdout.indexOf('Not compliant'));
    expect(findings).toContain(
      [
        'Not compliant: 4 of 4 resources (coverage 0.0%)',
        'NO_EFFECTIVE_POLICY (3)',
        '  ACCOUNT       REGION     TYPE      STATUS       RESOURCE',
        '  222222222222  eu-west-1  DynamoDB  UNPROTECTED  arn:aws:dynamodb:eu-west-1:222222222222:table/orders',
        '  222222222222  eu-west-1  EBS       UNPROTECTED  arn:aws:ec2:eu-west-1:222222222222:volume/vol-0001',
        '  222222222222  us-east-1  EBS       UNPROTECTED  arn:aws:ec2:us-east-1:222222222222:volume/vol-0009',
        'OPT_IN_DISABLED (1)',
      ].join('\n'),
    );
    expect(findings).toContain(
      'TAG_VALUE_MISMATCH (1)\n  ACCOUNT       REGION     TYPE  STATUS       RESOURCE\n  222222222222  eu-west-1  S3    UNPROTECTED  arn:aws:s3:::prod-logs\n',
    );
    // The unreachable account's Regions outside the policy are scanned only from its policy Region.
    expect(findings).toContain('Problems: 1\n  - 333333333333/eu-west-1: ');
    expect(findings).toMatch(/Cannot assume arn:aws:iam::333333333333:role\/OrgBackupControllerExecution/);
    expect(lines.at(-2)).toBe('Write calls: 0');
  });

  it('--json carries the same plan, and the same world gives the same output every time', async () => {
    const first = await plan('--config', CONFIG, '--world', WORLD, '--json');
    expect(first.code).toBe(0);
    const body = JSON.parse(first.stdout) as {
      mode: string;
      accounts: string[];
      summary: { resources: number; byStatus: Record<string, number> };
      actions: ActionRecord[];
      findings: ResourceFinding[];
      problems: string[];
      writeCalls: number;
    };
    expect(body.mode).toBe('audit');
    expect(body.writeCalls).toBe(0);
    expect(body.accounts).toEqual(['111111111111', '222222222222', '333333333333', '444444444444']);
    expect(body.summary.resources).toBe(4);
    expect(body.actions).toHaveLength(9);
    expect(body.actions.every((action) => !action.applied)).toBe(true);
    expect(body.actions.filter((action) => action.blocked).map((action) => action.accountId)).toEqual([
      '111111111111',
      '222222222222',
      '444444444444',
    ]);
    expect(body.findings.map((finding) => finding.reasons)).toEqual([
      ['NO_EFFECTIVE_POLICY', 'OPT_IN_DISABLED'],
      ['NO_EFFECTIVE_POLICY'],
      ['TAG_VALUE_MISMATCH'],
      ['NO_EFFECTIVE_POLICY'],
    ]);
    expect(body.problems).toHaveLength(1);
    const again = await plan('--config', CONFIG, '--world', WORLD, '--json');
    expect(again.stdout).toBe(first.stdout);
  });

  it('the read-only planner used against AWS agrees with the audit sweep, and makes no write call', async () => {
    const loaded = loadConfigFromText(readFileSync(CONFIG, 'utf8'), CONFIG);
    if (!loaded.ok) throw new Error('fixture config is invalid');
    const harness = await SandboxHarness.start({
      world: loadWorld(readFileSync(WORLD, 'utf8'), WORLD),
      config: { ...loaded.config, mode: 'audit' },
      seed: 1,
    });
    try {
      const { factory, desired } = harness.deps;
      const now = harness.sim.now();
      const org = await observeOrganization(factory, { policyName: desired.policy.name });
      const planned = await planOrganization({ factory, desired, org, now });
      expect(harness.sim.writeCallCount()).toBe(0);
      expect(harness.sim.callCounts().total).toBeGreaterThan(0);

      const sweep = await harness.sweep();
      const activity = await harness.store.runActivity(sweep.runId, harness.sim.now());
      const report = await harness.report();
      const run = await harness.store.getRun(sweep.runId);
      expect(planned.actions.map(actionKey).sort()).toEqual(activity.actions.map(actionKey).sort());
      expect(planned.actions).toHaveLength(9);
      const byArn = (a: ResourceFinding, b: ResourceFinding) => a.arn.localeCompare(b.arn);
      expect([...planned.findings].sort(byArn)).toEqual([...report.resources].sort(byArn));
      expect([...planned.problems].sort()).toEqual([...(run?.errors ?? [])].sort());
      expect(planned.accountIds).toEqual(['111111111111', '222222222222', '333333333333', '444444444444']);
    } finally {
      await harness.close();
    }
  });
});

describe('orgbackup plan --world and an enforce run apply one blast-radius rule', () => {
  it('block the same actions', async () => {
    const world = join(fixtures, 'blast-world.yaml');
    const config = join(fixtures, 'blast.config.yaml');
    const planned = await plan('--config', config, '--world', world, '--json');
    expect(planned.code).toBe(0);
    const { actions } = JSON.parse(planned.stdout) as { actions: ActionRecord[] };

    const loaded = loadConfigFromText(readFileSync(config, 'utf8'), config);
    if (!loaded.ok) throw new Error('fixture config is invalid');
    const harness = await SandboxHarness.start({
      world: loadWorld(readFileSync(world, 'utf8'), world),
      config: loaded.config,
      seed: 1,
    });
    try {
      const sweep = await harness.sweep();
      const enforced = await harness.store.runActivity(sweep.runId, harness.sim.now());
      const blocked = (records: readonly ActionRecord[]) =>
        records
          .filter((record) => record.blocked)
          .map(actionKey)
          .sort();
      const blockedAccounts = new Set(
        actions.filter((action) => action.blocked).map((action) => action.accountId),
      );
      // 25% of 6 accounts in scope admits 2 of the 4 accounts whose existing locks are tightened.
      expect(blockedAccounts.size).toBe(2);
      expect(actions.filter((action) => action.blocked).map((action) => action.blocked?.by)).toContain(
        'BLAST_RADIUS',
      );
      expect(
        actions.filter((action) => action.blocked).every((action) => action.blocked?.by === 'BLAST_RADIUS'),
      ).toBe(true);
      expect(blocked(enforced.actions)).toEqual(blocked(actions));
      // The new vault of 666666666666 and of the management account get their lock in the same run.
      const applied = enforced.actions
        .filter((record) => record.applied)
        .map((record) => `${record.kind} ${record.accountId}`);
      expect(applied).toEqual(
        expect.arrayContaining(['CreateBackupVault 666666666666', 'PutVaultLock 666666666666']),
      );
    } finally {
      await harness.close();
    }
  });
});

describe('orgbackup plan: options and failures', () => {
  it.each([
    { why: '--config is required', args: [], message: /--config FILE is required/ },
    {
      why: '--home-region is for AWS only',
      args: ['--config', CONFIG, '--world', WORLD, '--home-region', 'eu-west-1'],
      message: /--home-region applies only without --world/,
    },
    {
      why: 'a bad --home-region',
      args: ['--config', CONFIG, '--home-region', 'Ireland'],
      message: /--home-region must be a Region name like eu-west-1, not "Ireland"/,
    },
    {
      why: 'a missing config file',
      args: ['--config', join(fixtures, 'nope.yaml')],
      message: /file not found/,
    },
    {
      why: 'a missing world file',
      args: ['--config', CONFIG, '--world', join(fixtures, 'nope.yaml')],
      message: /Cannot read world file .*nope\.yaml/,
    },
    {
      why: 'a world file that is not a world',
      args: ['--config', CONFIG, '--world', CONFIG],
      message: /is not a valid world file/,
    },
    { why: 'an unknown option', args: ['--config', CONFIG, '--apply'], message: /Unknown option '--apply'/ },
  ])('exit 2 for $why', async ({ args, message }) => {
    const run = await plan(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('without --world and without AWS credentials: one clear line, exit 1, no stack trace', async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
    const run = await orgbackup(['plan', '--config', CONFIG], {
      ...env,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SHARED_CREDENTIALS_FILE: join(fixtures, 'no-credentials'),
      AWS_CONFIG_FILE: join(fixtures, 'no-config'),
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'orgbackup plan: no AWS credentials found (Could not load credentials from any providers). Set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run "aws sso login".\n',
    );
    noStackTrace(run.stderr);
  });

  it('--help says it changes nothing', async () => {
    const run = await plan('--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/read calls only and changes nothing/);
  });
});
