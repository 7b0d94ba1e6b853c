import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { doctorCommand } from '../../cli/commands/doctor.js';
import { runInProcess } from './run-cli.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const WORLD = join(fixtures, 'doctor-world.yaml');
const HEALTHY_WORLD = join(fixtures, 'plan-world.yaml');
const CONFIG = join(fixtures, 'plan.config.yaml');

const doctor = (...args: string[]) => runInProcess(doctorCommand, args);

interface Item {
  id: string;
  status: 'PASS' | 'WARN' | 'FAIL';
  message: string;
  fix: string;
}

const itemsOf = (stdout: string) => (JSON.parse(stdout) as { items: Item[] }).items;

describe('orgbackup doctor --world', () => {
  it('reports the planted problems of a world, each with its fix, and exits 1 on a FAIL', async () => {
    const run = await doctor('--config', CONFIG, '--world', WORLD, '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const body = JSON.parse(run.stdout) as { ok: boolean; items: Item[] };
    expect(body.ok).toBe(false);
    const status = (id: string) => body.items.filter((i) => i.id === id).map((i) => i.status);
    expect(status('TRUSTED_ACCESS_BACKUP')).toEqual(['WARN']);
    expect(status('TRUSTED_ACCESS_STACKSETS')).toEqual(['PASS']);
    expect(status('ALL_FEATURES')).toEqual(['PASS']);
    for (const item of body.items.filter((i) => i.status !== 'PASS')) expect(item.fix).not.toBe('');
  });

  it('reads the member role as an operator can: missing where the baseline did not reach, unchecked where it cannot look', async () => {
    const items = itemsOf((await doctor('--config', CONFIG, '--world', WORLD, '--json')).stdout);
    const memberRole = items.filter((i) => i.id === 'MEMBER_ROLE');
    // 222… has the deployed role (and so passes silently); 333… lacks it; 444… was invited, so it has no
    // OrganizationAccountAccessRole for the operator to look in with.
    expect(memberRole.map((i) => [i.status, i.message.slice(0, 21)])).toEqual([
      ['FAIL', 'Account 333333333333:'],
      ['WARN', 'Account 444444444444:'],
    ]);
    expect(memberRole[0]?.message).toContain(
      'no role OrgBackupControllerExecution, though 1 other sampled account has it',
    );
    expect(memberRole[1]?.message).toContain(
      'could not look into the account with OrganizationAccountAccessRole',
    );
    expect(memberRole[1]?.message).toContain('AccessDenied');
    // The member role trusts only the controller's functions: the operator never assumes it.
    expect(items.map((i) => i.message).join('\n')).not.toContain('OrgBackupControllerExecution/');
  });

  it('with another --access-role, says which role it could not look in with', async () => {
    const items = itemsOf(
      (
        await doctor(
          '--config',
          CONFIG,
          '--world',
          WORLD,
          '--access-role',
          'AWSControlTowerExecution',
          '--json',
        )
      ).stdout,
    );
    const unchecked = items.filter((i) => i.id === 'MEMBER_ROLE');
    expect(unchecked.map((i) => i.status)).toEqual(['WARN', 'WARN', 'WARN']);
    expect(unchecked[0]?.message).toContain('with AWSControlTowerExecution');
  });

  it.each([
    {
      world: HEALTHY_WORLD,
      status: 'PASS',
      message: 'The organization trail organization-trail records API calls in every Region.',
      fix: '',
    },
    {
      world: WORLD,
      status: 'WARN',
      message: 'No multi-Region organization trail: API calls that weaken backups',
      fix: 'Create an organization trail in CloudTrail that applies to all Regions.',
    },
  ])(
    "reads the organization trail with the operator's credentials: $status",
    async ({ world, status, message, fix }) => {
      const items = itemsOf(
        (await doctor('--config', CONFIG, '--world', world, '--sample', '1', '--json')).stdout,
      );
      const trail = items.filter((i) => i.id === 'ORGANIZATION_TRAIL');
      expect(trail).toEqual([
        { id: 'ORGANIZATION_TRAIL', status, message: expect.stringContaining(message), fix },
      ]);
    },
  );

  it.each([
    { mode: 'enforce', status: 'WARN', why: 'the controller enables the policy type on its first run' },
    { mode: 'audit', status: 'FAIL', why: 'audit mode never enables it' },
  ])('a disabled policy type is $status in $mode mode ($why)', async ({ mode, status }) => {
    const config = join(mkdtempSync(join(tmpdir(), 'orgbackup-doctor-')), 'config.yaml');
    writeFileSync(config, readFileSync(CONFIG, 'utf8').replace(/^mode: enforce$/m, `mode: ${mode}`));
    const body = JSON.parse((await doctor('--config', config, '--world', WORLD, '--json')).stdout) as {
      items: Item[];
    };
    expect(body.items.find((i) => i.id === 'BACKUP_POLICY_TYPE')?.status).toBe(status);
  });

  it('prints one line per item with its fix, and a count', async () => {
    const run = await doctor('--config', CONFIG, '--world', WORLD);
    expect(run.stdout).toMatch(/^FAIL +MEMBER_ROLE +Account 333333333333/m);
    expect(run.stdout).toMatch(
      /^ +fix: Check this account's stack instance of the member baseline StackSet/m,
    );
    expect(run.stdout).toMatch(/\n\d+ passed, \d+ warnings, 1 failed\n$/);
  });

  it('exits 0 when nothing fails', async () => {
    // The plan world: every account it samples has the role except 333…, so sample only one account.
    const run = await doctor('--config', CONFIG, '--world', HEALTHY_WORLD, '--sample', '1', '--json');
    const body = JSON.parse(run.stdout) as { ok: boolean; items: Item[] };
    expect(body.items.filter((i) => i.status === 'FAIL')).toEqual([]);
    expect(body.items.find((i) => i.id === 'MEMBER_ROLE')).toMatchObject({
      status: 'PASS',
      message: expect.stringContaining("trusts the controller's roles in the management account"),
    });
    expect(run.code).toBe(0);
  });

  it.each([
    [['--world', WORLD], '--config FILE is required'],
    [['--config', CONFIG, '--world', WORLD, '--sample', '0'], '--sample must be a whole number'],
    [['--config', CONFIG, '--world', WORLD, '--sample', '2x'], '--sample must be a whole number'],
    [
      ['--config', CONFIG, '--world', WORLD, '--access-role', 'a/b'],
      '--access-role must be an IAM role name',
    ],
  ])('refuses %j with exit 2', async (args, message) => {
    const run = await doctor(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});
