import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

/**
 * Which folder may import which, inward only: the domain knows nothing, adapters know the domain, use
 * cases know the adapters, handlers know the use cases. `sandbox/` is the simulated AWS: apart from the
 * files that wire the real controller into it, it decides AWS behaviour with its own code, so it may not
 * borrow the controller's beliefs. Nothing that ships (shared, functions, infra) imports the sandbox or
 * the CLI. Any layer may read package.json (the version it reports). The first matching rule (most specific path first) applies to a file.
 */
const LAYERS: readonly { readonly files: string; readonly mayImport: readonly string[] }[] = [
  { files: 'shared/domain', mayImport: ['shared/domain'] },
  // shared/lazy-import.ts: a leaf with no imports, how every layer loads a module on demand.
  { files: 'shared/aws', mayImport: ['shared/aws', 'shared/domain', 'shared/lazy-import.ts'] },
  { files: 'shared/store', mayImport: ['shared/store', 'shared/domain', 'shared/lazy-import.ts'] },
  { files: 'shared/notify', mayImport: ['shared/notify', 'shared/domain', 'shared/lazy-import.ts'] },
  { files: 'shared/controller', mayImport: ['shared'] },
  { files: 'functions', mayImport: ['functions', 'shared'] },
  { files: 'infra', mayImport: ['infra', 'shared'] },
  // The dashboard's browser code: the report API's vocabulary and fix sentences, nothing that does I/O.
  { files: 'dashboard/app', mayImport: ['dashboard/app', 'shared/domain'] },
  // The controller's composition inside the sandbox, and the local DynamoDB engine behind its store.
  { files: 'sandbox/harness.ts', mayImport: ['sandbox', 'shared', 'functions'] },
  { files: 'sandbox/runner.ts', mayImport: ['sandbox', 'shared'] },
  { files: 'sandbox/local-dynamo', mayImport: ['sandbox', 'shared/store'] },
  // Builds the IAM snapshot the sandbox enforces from the CDK app itself (a development command).
  { files: 'sandbox/iam/synthesize-snapshot.ts', mayImport: ['sandbox', 'shared', 'infra', 'cdk.json'] },
  // The simulated AWS itself: its own code, plus the error base class every named error extends.
  { files: 'sandbox', mayImport: ['sandbox', 'shared/domain/errors.ts'] },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Project-relative paths of a file's relative imports (`.js` specifiers name the `.ts` source). */
function relativeImports(file: string, text: string): string[] {
  const specifiers = [
    ...text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] ?? m[2] ?? '');
  return specifiers.map((specifier) =>
    relative(root, join(root, dirname(file), specifier)).replace(/\.js$/, '.ts'),
  );
}

const within = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);

/** `file imports target`, for every import the layer table forbids. */
function layerViolations(file: string, imports: readonly string[]): string[] {
  const layer = LAYERS.find((candidate) => within(file, candidate.files));
  if (layer === undefined) return [];
  return imports
    .filter((target) => target !== 'package.json')
    .filter((target) => !layer.mayImport.some((allowed) => within(target, allowed)))
    .map((target) => `${file} imports ${target}`);
}

describe('layer rules', () => {
  const files = LAYERS.flatMap((layer) => layer.files)
    .filter((path) => !path.endsWith('.ts'))
    .flatMap((folder) => sourceFiles(folder));

  it('every import points inward', () => {
    const violations = [...new Set(files)].flatMap((file) =>
      layerViolations(file, relativeImports(file, readFileSync(join(root, file), 'utf8'))),
    );
    expect(violations).toEqual([]);
  });

  it('sees the sources of every layer (a wrong path would make every rule pass)', () => {
    for (const layer of LAYERS) {
      expect(
        files.some((file) => within(file, layer.files)),
        layer.files,
      ).toBe(true);
    }
  });

  it.each([
    ['shared/domain/model.ts', '../aws/clients.js', 'shared/domain/model.ts imports shared/aws/clients.ts'],
    ['shared/store/keys.ts', '../../sandbox/world.js', 'shared/store/keys.ts imports sandbox/world.ts'],
    ['functions/sweep.ts', '../cli/main.js', 'functions/sweep.ts imports cli/main.ts'],
    ['infra/app.ts', '../sandbox/harness.js', 'infra/app.ts imports sandbox/harness.ts'],
    [
      'sandbox/services/backup.ts',
      '../../shared/domain/schedule.js',
      'sandbox/services/backup.ts imports shared/domain/schedule.ts',
    ],
    [
      'shared/notify/alerts.ts',
      '../store/findings-store.js',
      'shared/notify/alerts.ts imports shared/store/findings-store.ts',
    ],
  ])('catches a forbidden import: %s → %s', (file, specifier, violation) => {
    const text = `import { x } from '${specifier}';`;
    expect(layerViolations(file, relativeImports(file, text))).toEqual([violation]);
  });

  it.each([
    ['shared/controller/sweep.ts', '../aws/clients.js'],
    ['sandbox/harness.ts', '../shared/controller/sweep.js'],
    ['sandbox/world.ts', '../shared/domain/errors.js'],
  ])('allows an inward import: %s → %s', (file, specifier) => {
    expect(layerViolations(file, relativeImports(file, `import { x } from '${specifier}';`))).toEqual([]);
  });
});
