import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESOURCE_STATUSES } from '../../shared/domain/model.js';
import { longArnDay, runLongArnDay } from './long-arn-day.js';
import { orgbackup, root } from './run-cli.js';

const world = join(root, 'test/cli/fixtures/plan-world.yaml');
const config = join(root, 'test/cli/fixtures/plan.config.yaml');

const sandbox = (...args: string[]) => orgbackup(['sandbox', ...args]);

/**
 * The tests wait on child processes (two run at once, see run-cli.ts), so they run concurrently; a test's
 * time includes its wait for a turn, hence the timeout of the slowest tests elsewhere.
 */
const CONCURRENT = { concurrent: true, timeout: 300_000 };

describe('orgbackup sandbox', CONCURRENT, () => {
  it('with --json prints exactly the JSON report on stdout (the design contract) and exits 0', async () => {
    const json = await longArnDay();
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(Object.keys(report)).toEqual([
      'generatedAt',
      'mode',
      'summary',
      'resources',
      'accounts',
      'actions',
      'calls',
      'notifications',
    ]);
    expect(Object.keys(report.summary.byStatus)).toEqual([...RESOURCE_STATUSES]);
    expect(report.resources.length).toBe(report.summary.resources);
    expect(report.calls.total).toBeGreaterThan(0);
    expect(report.generatedAt).toBe('2026-03-03T00:00:00.000Z');
  });

  it('is deterministic: the same world, config and seed give the same report byte for byte', async () => {
    const [first, again] = await Promise.all([longArnDay(), runLongArnDay()]);
    expect(again.stdout).toBe(first.stdout);
  });

  it('prints the story for a person, without colour codes when stdout is not a terminal, and exits', async () => {
    const story = await sandbox(
      '--world',
      world,
      '--config',
      config,
      '--until',
      '2026-03-02T12:00:00Z',
      '--no-serve',
    );
    expect(story.code).toBe(0);
    expect(story.stdout).toContain('What was wrong at the start');
    expect(story.stdout).toContain('What the controller changed');
    expect(story.stdout).toContain('What it could not fix, and why');
    expect(story.stdout).not.toContain('\u001b[');
  });

  it.each([
    { args: ['--days', '0'], message: /--days must be a number from 1 to 90/, why: 'no empty runs' },
    { args: ['--days', '2', '--until', '2026-03-05T00:00:00Z'], message: /not both/, why: 'one end only' },
    {
      args: ['--world', 'missing.yaml'],
      message: /Cannot read world file missing\.yaml/,
      why: 'a clear message, no stack',
    },
    { args: ['--seed', 'x'], message: /--seed must be a whole number/, why: 'seeds are integers' },
    {
      args: ['--days', '-1'],
      message: /^orgbackup sandbox: --days must be a number from 1 to 90, not "-1"\n$/,
      why: 'a negative number is a value, not an option',
    },
    {
      args: ['--serve', '99999'],
      message: /--serve must be a port from 0 to 65535, not "99999"/,
      why: 'checked before the simulation',
    },
  ])('refuses $args with exit 2 ($why)', async ({ args, message }) => {
    const result = await sandbox('--world', world, '--config', config, ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
