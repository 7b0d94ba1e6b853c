import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const example = join(root, 'examples/orgbackup.config.yaml');
const invalid = join(root, 'examples/invalid.config.yaml');

/** Runs the installed entry point exactly as a user would. */
function orgbackup(...args: string[]) {
  const result = spawnSync(process.execPath, [join(root, 'cli/bin.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at /);

describe('orgbackup (dispatcher)', () => {
  it.each([
    {
      why: 'no command is a usage error',
      args: [],
      code: 2,
      stream: 'stderr' as const,
      text: /No command given/,
    },
    {
      why: 'an unknown command prints usage',
      args: ['frobnicate'],
      code: 2,
      stream: 'stderr' as const,
      text: /Unknown command: frobnicate[\s\S]*Usage: orgbackup <command>/,
    },
    {
      why: '--help lists the commands',
      args: ['--help'],
      code: 0,
      stream: 'stdout' as const,
      text: /validate[\s\S]*policy/,
    },
    {
      why: 'each command has --help',
      args: ['policy', '--help'],
      code: 0,
      stream: 'stdout' as const,
      text: /--minify/,
    },
    {
      why: 'an unknown option is a usage error',
      args: ['validate', '--cofnig', 'x'],
      code: 2,
      stream: 'stderr' as const,
      text: /Unknown option '--cofnig'/,
    },
    {
      why: '--config is required',
      args: ['validate'],
      code: 2,
      stream: 'stderr' as const,
      text: /--config FILE is required/,
    },
  ])('$why', ({ args, code, stream, text }) => {
    const run = orgbackup(...args);
    expect(run.code).toBe(code);
    expect(run[stream]).toMatch(text);
    noStackTrace(run.stderr);
  });
});

describe('orgbackup validate', () => {
  it('prints valid for the shipped example, warning that its aws/backup central vault blocks some copies', () => {
    const run = orgbackup('validate', '--config', example);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('valid');
    expect(run.stdout).toMatch(/Warnings:[\s\S]*vault\.kmsKey: is the AWS-managed aws\/backup key/);
  });

  it('rejects a rate schedule and a reserved backup role name, each with its path and fix', () => {
    const run = orgbackup('validate', '--config', invalid);
    expect(run.stderr).toMatch(
      /plans\[2\]\.schedule: .*cron expressions only; rate\(\.\.\.\) is not supported/,
    );
    expect(run.stderr).toMatch(
      /backupRoleName: OrganizationAccountAccessRole is the organization's administrator role/,
    );
  });

  it('says clearly when the file does not exist', () => {
    const run = orgbackup('validate', '--config', join(root, 'no-such-file.yaml'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Cannot read config file .*no-such-file\.yaml: file not found/);
    noStackTrace(run.stderr);
  });

  it('reports a YAML syntax error with its line, not a stack trace', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'orgbackup-')), 'broken.yaml');
    writeFileSync(file, 'version: 1\nregions: [eu-west-1\nplans: []\n');
    const run = orgbackup('validate', '--config', file);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^1\. .*broken\.yaml:\d+:\d+: /m);
    noStackTrace(run.stderr);
  });

  it('names every problem of a config with many kinds of mistakes, numbered, with a fix each', () => {
    const run = orgbackup('validate', '--config', invalid);
    expect(run.code).toBe(2);
    noStackTrace(run.stderr);
    const lines = run.stderr.split('\n').filter((line) => /^\d+\. /.test(line));
    const paths = lines.map((line) => /^\d+\. (\S+): /.exec(line)?.[1]);
    expect(new Set(paths)).toEqual(
      new Set([
        'version',
        'mode',
        'regoins',
        'regions[1]',
        'selection.tagValue',
        'attachTo[1]',
        'excludeAccounts[0]',
        'excludeAccounts[1]',
        'plans[0].schedule',
        'plans[0].startWindowMinutes',
        'plans[0].deleteAfterDays',
        'plans[1].name',
        'plans[1].retention',
        'plans[1].deleteAfterDays',
        'plans[2].schedule',
        'vault.name',
        'vault.kmsKey',
        'vault.lock.changeableForDays',
        'centralVault.accountId',
        'centralVault.deleteAfterDays',
        'backupRoleName',
        'blastRadius.maxAccountsChangedPercent',
        'alerts.emails[0]',
        'alerts.slackWebhook',
      ]),
    );
    expect(lines.map((line, index) => line.startsWith(`${index + 1}. `))).not.toContain(false);
    for (const line of lines) expect(line).toMatch(/: .+ — .+/);
    expect(run.stderr).toContain('regoins: is not a known key — did you mean regions?');
  });
});

describe('orgbackup policy', () => {
  it.each([
    { why: 'pretty by default', args: [] as string[], multiline: true },
    { why: '--minify prints exactly what is sent to Organizations', args: ['--minify'], multiline: false },
  ])('prints the document: $why', ({ args, multiline }) => {
    const run = orgbackup('policy', '--config', example, ...args);
    expect(run.code).toBe(0);
    const text = run.stdout.trimEnd();
    expect(text.includes('\n')).toBe(multiline);
    const document = JSON.parse(text);
    expect(Object.keys(document.plans)).toEqual([
      '@@operators_allowed_for_child_policies',
      'daily',
      'monthly',
    ]);
  });

  it('refuses a bad config with the problems and exit 2', () => {
    const run = orgbackup('policy', '--config', invalid);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/has \d+ problems/);
  });
});
