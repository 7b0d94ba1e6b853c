import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'org-backup-controller';

/**
 * The checkout's root folder, found from this file's own location (the sources or the built bundle), so
 * the CLI's default files resolve the same from any working directory.
 */
export function packageRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest) && readManifest(manifest).name === PACKAGE_NAME) return folder;
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`cannot find the ${PACKAGE_NAME} package folder`);
    folder = parent;
  }
}

export function packageVersion(): string {
  return readManifest(join(packageRoot(), 'package.json')).version ?? 'unknown';
}

/** A default file of the checkout (e.g. `sandbox/demo/world.yaml`), wherever the command runs from. */
export function bundledFile(relativePath: string): string {
  return join(packageRoot(), relativePath);
}

function readManifest(path: string): { name?: string; version?: string } {
  return JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version?: string };
}
