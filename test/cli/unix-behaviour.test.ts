import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../support/child-process.js';
import { inTurn, orgbackup, root } from './run-cli.js';

const world = join(root, 'test/cli/fixtures/plan-world.yaml');
const config = join(root, 'test/cli/fixtures/plan.config.yaml');
const bin = join(root, 'cli/bin.js');

/** Runs a shell pipeline; returns orgbackup's exit status (first in the pipe) and what reached stderr. */
async function pipeline(
  command: string,
  cwd = root,
): Promise<{ status: string; stderr: string; stdout: string }> {
  // Without the variable the test runner sets, so the CLI's own silencing of the SDK banner is what counts.
  const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _silenced, ...env } = process.env;
  const { stdout, stderr } = await inTurn(() =>
    runProcess('bash', ['-c', `${command}; echo "status=\${PIPESTATUS[0]}"`], { cwd, env }),
  );
  return { status: /status=(\d+)/.exec(stdout)?.[1] ?? '', stderr, stdout };
}

/** The tests wait on child processes (two run at once, see run-cli.ts), so they run concurrently. */
describe('orgbackup as a Unix tool', { concurrent: true, timeout: 300_000 }, () => {
  it('ends quietly with exit 0 when the reader closes the pipe (no EPIPE stack trace)', async () => {
    const args = `sandbox --world ${world} --config ${config} --until 2026-03-02T01:00:00Z --json`;
    // `true` exits without reading: every write orgbackup makes meets a closed pipe.
    const [closed, head] = await Promise.all([
      pipeline(`node ${bin} ${args} | true`),
      pipeline(`node ${bin} ${args} | head -c 100`),
    ]);
    expect(closed.stderr).toBe('');
    expect(closed.status).toBe('0');
    expect(head.stderr).toBe('');
    expect(head.status).toBe('0');
    expect(head.stdout.startsWith('{\n  "generatedAt"')).toBe(true);
  });

  it('prints its version', async () => {
    const { code, stdout } = await orgbackup(['--version']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^orgbackup \d+\.\d+\.\d+\n$/);
  });

  it('finds its default world and config from any folder of the checkout, and never prints the SDK banner', async () => {
    const run = await pipeline(
      `node ${bin} sandbox --until 2026-03-02T01:00:00Z --no-serve`,
      join(root, 'docs'),
    );
    expect(run.status).toBe('0');
    expect(run.stdout).toContain('sandbox/demo/world.yaml');
    // The demo's story: the state before any repair and the alert volume.
    expect(run.stdout).toMatch(/What was wrong at the start \(before any repair\)\n {2}NO_EFFECTIVE_POLICY/);
    expect(run.stdout).toMatch(/at the start +0\.0% protected/);
    expect(run.stdout).toMatch(
      /Alerts sent \(\d+ e-mails\)\n {2}per day {6}03-02: \d+\n {2}per account {2}\d{12}: \d+/,
    );
    expect(run.stderr).not.toContain('NodeVersionSupportWarning');
  });

  it('reports a busy --serve port before running the simulation', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const run = await orgbackup(['sandbox', '--world', world, '--config', config, '--serve', String(port)]);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        `orgbackup sandbox: port ${port} on 127.0.0.1 is already in use; give another with --serve PORT, or --no-serve\n`,
      );
      // Nothing was simulated: no story, no report.
      expect(run.stdout).toBe('');
    } finally {
      blocker.close();
    }
  });

  it.each([
    {
      args: ['--status', 'NOPE'],
      message: '--status must be one of PROTECTED, PENDING, UNPROTECTED, STALE, FAILING, UNKNOWN, not "NOPE"',
    },
    { args: ['--account', '123'], message: '--account must be a 12-digit account id, not "123"' },
    { args: ['--region', 'xx'], message: '--region must be a Region name like eu-west-1, not "xx"' },
  ])('report refuses a bad filter $args with exit 2 before any request', async ({ args, message }) => {
    // Nothing listens on this endpoint: a request would fail with exit 1, so exit 2 proves none was made.
    const run = await orgbackup(['report', '--endpoint', 'http://127.0.0.1:9', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`orgbackup report: ${message}`);
  });
});
