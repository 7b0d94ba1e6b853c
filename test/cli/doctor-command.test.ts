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
    expect(status('ORGANIZATION_TRAIL')).toEqual(['WARN']);
    expect(status('MEMBER_ROLE')).toEqual(['FAIL']);
    expect(body.items.find((i) => i.id === 'MEMBER_ROLE')?.message).toContain('333333333333');
    expect(status('ALL_FEATURES')).toEqual(['PASS']);
    for (const item of body.items.filter((i) => i.status !== 'PASS')) expect(item.fix).not.toBe('');
  });

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
    expect(run.stdout).toMatch(/^ +fix: Deploy the member baseline/m);
    expect(run.stdout).toMatch(/\n\d+ passed, \d+ warnings, 1 failed\n$/);
  });

  it('exits 0 when nothing fails', async () => {
    // The plan world: every account it samples has the role except 333…, so sample only one account.
    const run = await doctor('--config', CONFIG, '--world', HEALTHY_WORLD, '--sample', '1', '--json');
    const body = JSON.parse(run.stdout) as { ok: boolean; items: Item[] };
    expect(body.items.filter((i) => i.status === 'FAIL')).toEqual([]);
    expect(run.code).toBe(0);
  });

  it.each([
    [['--world', WORLD], '--config FILE is required'],
    [['--config', CONFIG, '--world', WORLD, '--sample', '0'], '--sample must be a whole number'],
    [['--config', CONFIG, '--world', WORLD, '--sample', '2x'], '--sample must be a whole number'],
  ])('refuses %j with exit 2', async (args, message) => {
    const run = await doctor(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});
