// Builds the `orgbackup` CLI into cli/dist/ with esbuild: one ES module per command (loaded only when the
// command runs), dependencies left in node_modules. Run by `npm ci` / `npm install` (the `prepare` script)
// and by cli/bin.js whenever a source file is newer than the build.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const outdir = join(root, 'cli/dist');
export const entry = join(outdir, 'main.js');
const metafile = join(outdir, 'meta.json');

export async function buildCli() {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['cli/main.ts'],
    outdir: 'cli/dist',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  writeFileSync(metafile, JSON.stringify(Object.keys(result.metafile.inputs)));
}

/** True when the build is missing or a source it was built from changed since. */
export function isStale() {
  let built;
  let inputs;
  try {
    built = statSync(entry).mtimeMs;
    inputs = JSON.parse(readFileSync(metafile, 'utf8'));
  } catch {
    return true;
  }
  return inputs.some((input) => {
    try {
      return statSync(join(root, input)).mtimeMs > built;
    } catch {
      return true;
    }
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await buildCli();
