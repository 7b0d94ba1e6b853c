import { join } from 'node:path';
import { vi } from 'vitest';
import { type ProcessRun, runProcess } from '../support/child-process.js';

export const root = join(import.meta.dirname, '../..');

/**
 * Child processes the CLI tests run at once. The test worker waits while a child runs, so two of them keep
 * both cores of a small machine busy; more would only make each slower.
 */
const PROCESSES_AT_ONCE = 2;
let running = 0;
const waiting: (() => void)[] = [];

/** Runs `start` once fewer than PROCESSES_AT_ONCE children of the CLI tests are running. */
export async function inTurn<T>(start: () => Promise<T>): Promise<T> {
  while (running >= PROCESSES_AT_ONCE) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await start();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * Runs the installed entry point (`cli/bin.js`) in a child process, exactly as a user would, with stdout
 * and stderr captured (pipes, so no progress bar and no colour). Asynchronous, so a server the command
 * talks to can run in the test's own process. At most PROCESSES_AT_ONCE run at a time; the others wait.
 */
export function orgbackup(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProcessRun> {
  return inTurn(() =>
    runProcess(process.execPath, [join(root, 'cli/bin.js'), ...args], {
      cwd: root,
      env: { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    }),
  );
}

/** Runs a command in this process, capturing what it writes to stdout and stderr. */
export async function runInProcess(
  command: { run(argv: readonly string[]): Promise<number> },
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await command.run(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
