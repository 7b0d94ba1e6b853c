import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESOURCE_STATUSES } from '../../shared/domain/model.js';

const root = join(import.meta.dirname, '../..');
const world = join(root, 'test/cli/fixtures/plan-world.yaml');
const config = join(root, 'test/cli/fixtures/plan.config.yaml');

/** Runs the installed entry point exactly as a user would (stdout is a pipe, so no progress bar, no colour). */
function orgbackup(...args: string[]) {
  const result = spawnSync(process.execPath, [join(root, 'cli/bin.js'), 'sandbox', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('orgbackup sandbox', () => {
  const json = orgbackup('--world', world, '--config', config, '--days', '1', '--json');

  it('with --json prints exactly the JSON report on stdout (the design contract) and exits 0', () => {
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
    ]);
    expect(Object.keys(report.summary.byStatus)).toEqual([...RESOURCE_STATUSES]);
    expect(report.resources.length).toBe(report.summary.resources);
    expect(report.calls.total).toBeGreaterThan(0);
    expect(report.generatedAt).toBe('2026-03-03T00:00:00.000Z');
  });

  it('is deterministic: the same world, config and seed give the same report byte for byte', () => {
    const again = orgbackup('--world', world, '--config', config, '--days', '1', '--json');
    expect(again.stdout).toBe(json.stdout);
  });

  it('prints the story for a person, without colour codes when stdout is not a terminal, and exits', () => {
    const story = orgbackup(
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
  ])('refuses $args with exit 2 ($why)', ({ args, message }) => {
    const result = orgbackup('--world', world, '--config', config, ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
