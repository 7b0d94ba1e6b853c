import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const root = join(import.meta.dirname, '../..');

/** Debian's `chromium` package (`.ci/run` installs it); ORGBACKUP_CHROMIUM points elsewhere. */
export function chromiumPath(): string {
  const path = process.env.ORGBACKUP_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(`No Chromium at ${path}: apt-get install -y chromium, or set ORGBACKUP_CHROMIUM.`);
  }
  return path;
}

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's own sandbox refuses to start.
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
}

export interface LocalServer {
  readonly url: string;
  readonly stdout: string;
  stop(): Promise<void>;
}

/**
 * Runs `orgbackup sandbox --serve 0` as a user would and waits for the dashboard URL it prints; the server
 * keeps the simulated organization's findings store until stopped (SIGINT, like Ctrl-C).
 */
export function serveSandbox(args: readonly string[]): Promise<LocalServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(root, 'cli/bin.js'), 'sandbox', ...args, '--serve', '0'],
    { cwd: root, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
  );
  let stdout = '';
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.stdout?.on('data', (chunk) => {
      stdout += String(chunk);
      const match = /^Dashboard: (http:\/\/127\.0\.0\.1:\d+)\/$/m.exec(stdout);
      if (match) {
        resolve({
          url: match[1]!,
          stdout,
          stop: async () => {
            child.kill('SIGINT');
            await exited;
          },
        });
      }
    });
    child.once('close', (code) => reject(new Error(`orgbackup sandbox exited ${code}: ${stderr}`)));
  });
}

/** Console errors, uncaught exceptions and every request URL of a page, recorded from the start. */
export function watch(page: Page): { errors: string[]; requests: string[] } {
  const seen = { errors: [] as string[], requests: [] as string[] };
  page.on('console', (message) => {
    if (message.type() === 'error') seen.errors.push(message.text());
  });
  page.on('pageerror', (error) => seen.errors.push(error.message));
  page.on('request', (request) => seen.requests.push(request.url()));
  return seen;
}
