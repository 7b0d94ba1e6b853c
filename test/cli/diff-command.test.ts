import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffCommand } from '../../cli/commands/diff.js';
import { runInProcess } from './run-cli.js';

const WORLD = join(import.meta.dirname, 'fixtures', 'plan-world.yaml');
const dir = mkdtempSync(join(tmpdir(), 'orgbackup-diff-'));

function config(name: string, regions: string, deleteAfterDays = 35): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `version: 1\nmode: audit\nregions: ${regions}\n` +
      `plans:\n  - { name: daily, schedule: "cron(0 5 ? * * *)", deleteAfterDays: ${deleteAfterDays} }\n`,
  );
  return path;
}

const ONE_REGION = config('one-region.yaml', '[eu-west-1]');
const TWO_REGIONS = config('two-regions.yaml', '[eu-west-1, us-east-1]');
const LONGER = config('longer.yaml', '[eu-west-1]', 90);

const diff = (...args: string[]) => runInProcess(diffCommand, args);
const VOLUME_US = 'arn:aws:ec2:us-east-1:222222222222:volume/vol-0009';

describe('orgbackup diff --world', () => {
  it('lists the resources of a Region added to the policy as gained, with the policy diff and planned actions', async () => {
    const run = await diff('--from', ONE_REGION, '--to', TWO_REGIONS, '--world', WORLD, '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout);
    expect(body.policyChanged).toBe(true);
    expect(body.gained).toEqual([VOLUME_US]);
    expect(body.lost).toEqual([]);
    expect(body.changed).toEqual([]);
    expect(body.policyDiff.some((line: string) => line.startsWith('+') && line.includes('us-east-1'))).toBe(
      true,
    );
    // The new Region needs a vault in every reachable account: planned, not applied.
    expect(
      body.actions.filter(
        (action: { kind: string; region: string }) =>
          action.kind === 'CreateBackupVault' && action.region === 'us-east-1',
      ).length,
    ).toBeGreaterThan(0);
    expect(body.actions.every((action: { applied: boolean }) => !action.applied)).toBe(true);
  });

  it('lists the same resources as lost the other way round, with the share of coverage lost', async () => {
    const run = await diff('--from', TWO_REGIONS, '--to', ONE_REGION, '--world', WORLD, '--json');
    const body = JSON.parse(run.stdout);
    expect(body.gained).toEqual([]);
    expect(body.lost).toEqual([VOLUME_US]);
    expect(body.coveredBefore).toBeGreaterThan(1);
    expect(body.coverageDropPercent).toBeCloseTo(100 / body.coveredBefore);
  });

  it('reports changed retention per resource and an unchanged policy when the configs render the same', async () => {
    const longer = JSON.parse(
      (await diff('--from', ONE_REGION, '--to', LONGER, '--world', WORLD, '--json')).stdout,
    );
    expect(longer.changed.map((change: { arn: string }) => change.arn)).toContain(
      'arn:aws:ec2:eu-west-1:222222222222:volume/vol-0001',
    );
    expect(longer.changed[0].what).toEqual(['daily: deleteAfterDays 35 → 90']);
    const same = JSON.parse(
      (await diff('--from', ONE_REGION, '--to', ONE_REGION, '--world', WORLD, '--json')).stdout,
    );
    expect(same).toMatchObject({ policyChanged: false, gained: [], lost: [], changed: [], policyDiff: [] });
  });

  it('prints a summary for a person', async () => {
    const run = await diff('--from', ONE_REGION, '--to', TWO_REGIONS, '--world', WORLD);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('BACKUP_POLICY changes:');
    expect(run.stdout).toContain(`Coverage gained: 1\n  + ${VOLUME_US}`);
    expect(run.stdout).toContain('Coverage lost: 0 of');
  });

  it.each([
    [['--to', ONE_REGION, '--world', WORLD], '--from FILE and --to FILE are both required'],
    [
      ['--from', ONE_REGION, '--to', ONE_REGION, '--world', WORLD, '--home-region', 'eu-west-1'],
      '--home-region',
    ],
  ])('refuses %j with exit 2', async (args, message) => {
    const run = await diff(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});
