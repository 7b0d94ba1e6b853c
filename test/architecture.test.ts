import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  const abs = join(root, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(abs, name);
    if (statSync(path).isDirectory()) return sourceFiles(relative(root, path));
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [relative(root, path)] : [];
  });
}

const importsOf = (text: string) =>
  [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2] ?? '',
  );

/** Each rule: which files, what is forbidden, and why the house forbids it. */
const rules = [
  {
    files: 'shared/domain',
    why: 'the domain is pure: AWS calls live in shared/aws and shared/store',
    forbidden: (text: string) =>
      importsOf(text).filter((m) => m.startsWith('@aws-sdk/') || m.startsWith('@smithy/')),
  },
  {
    files: 'shared/domain',
    why: 'the domain does no I/O (files, network, processes)',
    forbidden: (text: string) =>
      importsOf(text).filter((m) =>
        /^(node:)?(fs|fs\/promises|http|https|net|dgram|child_process|dns|tls|worker_threads)$/.test(m),
      ),
  },
  {
    files: 'shared/domain',
    why: 'time is injected: the domain never reads the wall clock',
    forbidden: (text: string) =>
      [...text.matchAll(/Date\.now\(\)|new Date\(\)|performance\.now\(\)|process\.hrtime/g)].map((m) => m[0]),
  },
  {
    files: 'shared/domain',
    why: 'the domain reads no environment: configuration arrives as values',
    forbidden: (text: string) => [...text.matchAll(/process\.env/g)].map((m) => m[0]),
  },
  {
    files: 'functions',
    why: 'handlers are thin: no SDK calls in functions/, they call one use case in shared/controller',
    forbidden: (text: string) => importsOf(text).filter((m) => m.startsWith('@aws-sdk/client-')),
  },
  {
    files: 'shared',
    why: 'production code must not know about the sandbox',
    forbidden: (text: string) => importsOf(text).filter((m) => m.includes('sandbox/')),
  },
  {
    files: 'functions',
    why: 'production code must not know about the sandbox',
    forbidden: (text: string) => importsOf(text).filter((m) => m.includes('sandbox/')),
  },
  ...(['shared', 'functions'] as const).map((files) => ({
    files,
    why: 'a module loaded on demand is loaded through lazyImport: a bare import() goes through the module loader on every use',
    forbidden: (text: string) =>
      [...text.matchAll(/(lazyImport\(\(\) => |typeof )?import\(\s*['"]([^'"]+)['"]\s*\)/g)]
        .filter((m) => !m[1])
        .map((m) => `import('${m[2]}')`),
  })),
] as const;

describe('architecture rules', () => {
  it.each(rules)('$files: $why', ({ files, forbidden }) => {
    const violations = sourceFiles(files).flatMap((file) =>
      forbidden(readFileSync(join(root, file), 'utf8')).map((hit) => `${file}: ${hit}`),
    );
    expect(violations).toEqual([]);
  });

  it('the rules see the domain sources (guards against a wrong path making every rule pass)', () => {
    expect(sourceFiles('shared/domain')).toContain('shared/domain/model.ts');
  });

  it('detects a forbidden import (the scanner itself works)', () => {
    const sdkRule = rules[0];
    expect(sdkRule.forbidden("import { BackupClient } from '@aws-sdk/client-backup';")).toEqual([
      '@aws-sdk/client-backup',
    ]);
    expect(rules[2].forbidden('const t = Date.now();')).toEqual(['Date.now()']);
    const lazyRule = rules.at(-1);
    expect(
      lazyRule?.forbidden(
        "const a = await import('pkg-a'); const b = lazyImport(() => import('pkg-b')); type C = typeof import('pkg-c');",
      ),
    ).toEqual(["import('pkg-a')"]);
  });
});
