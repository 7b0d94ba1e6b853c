import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's `chromium` package (`.ci/run` installs it); ORGBACKUP_CHROMIUM points elsewhere. */
export function chromiumPath(): string {
  const path = process.env.ORGBACKUP_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(`No Chromium at ${path}: apt-get install -y chromium, or set ORGBACKUP_CHROMIUM.`);
  }
  return path;
}

/** Chromium as the browser tests and `npm run screenshot` drive it. */
export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's own sandbox refuses to start.
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
}
