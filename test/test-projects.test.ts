import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROWSER, E2E } from '../vitest.config.js';

const root = join(import.meta.dirname, '..');

/**
 * What makes a test slow enough for the `e2e` project: the embedded DynamoDB, the controller running in the
 * sandbox, the CDK app, a child process or a browser. Relative paths are project files (a folder ends with
 * `/`); the rest are packages.
 */
const SLOW = [
  'sandbox/local-dynamo/',
  'sandbox/harness.ts',
  'sandbox/runner.ts',
  'sandbox/iam/synthesize-snapshot.ts',
  'infra/',
  'aws-cdk-lib',
  'cdk-nag',
  'node:child_process',
  'playwright-core',
];

/** `test/**\/*.test.ts`-style globs as regular expressions (`**\/` any folders, `*` within one name). */
function globPattern(glob: string): RegExp {
  const source = glob
    .split(/(\*\*\/|\*)/)
    .map((part) =>
      part === '**/' ? '(?:.*/)?' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`);
}

function testFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(root, path)).isDirectory()) return testFiles(path);
    return path.endsWith('.test.ts') ? [path] : [];
  });
}

/** Import specifiers of a file: packages as written, relative ones as project paths of their `.ts` source. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [
    ...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ]
    .map((m) => m[1] ?? m[2] ?? '')
    .map((specifier) =>
      specifier.startsWith('.')
        ? relative(root, join(root, dirname(file), specifier)).replace(/\.js$/, '.ts')
        : specifier,
    );
}

/** What a test file reaches that makes it slow, following imports through test helpers (`test/`). */
function slowReach(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  return importsOf(file).flatMap((target) => {
    const slow = SLOW.filter((marker) =>
      marker.endsWith('/') ? target.startsWith(marker) : target === marker,
    );
    const through = target.startsWith('test/') ? slowReach(target, seen) : [];
    return [...slow.map((marker) => `${file} → ${marker}`), ...through];
  });
}

describe('vitest projects', () => {
  const slowProjects = [...E2E, ...BROWSER].map(globPattern);
  const unit = testFiles('test').filter((file) => !slowProjects.some((pattern) => pattern.test(file)));

  it('keep the unit project in memory: no unit test starts DynamoDB, the sandbox, the CDK app, a process or a browser', () => {
    expect(unit.flatMap((file) => slowReach(file))).toEqual([]);
  });

  it('see the test files (a wrong glob would make the rule pass)', () => {
    expect(unit).toContain('test/domain/schedule.test.ts');
    expect(unit).not.toContain('test/infra/iam.test.ts');
    expect(unit.length).toBeGreaterThan(40);
  });

  it('catch a slow import reached through a test helper', () => {
    expect(slowReach('test/functions/notify.test.ts').join('\n')).toContain('sandbox/local-dynamo/');
    expect(slowReach('test/infra/iam.test.ts').join('\n')).toContain('aws-cdk-lib');
  });
});
