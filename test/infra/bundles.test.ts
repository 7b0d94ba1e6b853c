import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlerEntry } from '../../infra/controller-function.js';
import { type ProcessRun, runProcess } from '../support/child-process.js';
import { BUNDLING_CONTEXT, synthStack } from './synth-stack.js';
import { functionRoleId, resourcesOfType, type TemplateJson } from './templates.js';

/**
 * The functions as `cdk synth` bundles them (esbuild runs here, split into chunks): each must carry the SDK
 * and Smithy it was tested with, the report function only the clients it uses, and no function may load at
 * start a service client only some of its paths call.
 */
const RUNTIME_SDK_IMPORT = /\bfrom\s*["'](?:@aws-sdk|@smithy)\//;
/** Every SDK client carries its service's signing name in its runtime config. */
const clientsIn = (bundle: string) =>
  [...new Set([...bundle.matchAll(/defaultSigningName:"([^"]+)"/g)].map((match) => match[1]))].sort();

interface Bundle {
  readonly directory: string;
  /** The entry file and every chunk, concatenated. */
  readonly all: string;
  /** The entry file and the chunks it imports statically, transitively: what Node evaluates at start. */
  readonly atStart: string;
}

/** `import … from "./chunks/x.mjs"` and `import "./x.mjs"`, as esbuild writes them; `import(…)` is not one. */
const STATIC_IMPORT = /(?:\bfrom|\bimport)\s*"(\.{1,2}\/[^"]+\.mjs)"/g;

function loadedAtStart(file: string, seen = new Set<string>()): string {
  if (seen.has(file)) return '';
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  const imported = [...source.matchAll(STATIC_IMPORT)].map(([, specifier]) =>
    loadedAtStart(resolve(dirname(file), specifier as string), seen),
  );
  return [source, ...imported].join('\n');
}

function readBundle(directory: string): Bundle {
  const chunks = readdirSync(join(directory, 'chunks'))
    .filter((name) => name.endsWith('.mjs'))
    .map((name) => readFileSync(join(directory, 'chunks', name), 'utf8'));
  const entry = join(directory, 'index.mjs');
  return {
    directory,
    all: [readFileSync(entry, 'utf8'), ...chunks].join('\n'),
    atStart: loadedAtStart(entry),
  };
}

const FUNCTIONS = ['Sweep', 'ReconcileTarget', 'Events', 'Notify', 'Report'] as const;

let bundles: Record<string, Bundle>;
/** Each bundle loaded by a Node.js of its own; started together, since the worker only waits on them. */
let loadedAlone: Record<string, Promise<ProcessRun>>;
let assemblyDirectory: string;

/**
 * Copies `bundle` alone into an empty folder, away from any node_modules, and imports it in a new Node.js:
 * every chunk too, since each must load there, not only those the entry imports.
 */
async function loadAlone(bundle: Bundle): Promise<ProcessRun> {
  const directory = mkdtempSync(join(tmpdir(), 'orgbackup-bundle-'));
  try {
    cpSync(bundle.directory, directory, { recursive: true });
    const file = join(directory, 'index.mjs');
    const chunks = readdirSync(join(directory, 'chunks')).filter((name) => name.endsWith('.mjs'));
    const imports = [file, ...chunks.map((name) => join(directory, 'chunks', name))]
      .map((path) => `await import(${JSON.stringify(pathToFileURL(path).href)});`)
      .join('');
    return await runProcess(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `${imports} const m = await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(typeof m.handler);`,
      ],
      { cwd: directory, env: { PATH: process.env.PATH, AWS_REGION: 'eu-central-1' } },
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

beforeAll(() => {
  const { app, stack } = synthStack({ handlerEntry }, BUNDLING_CONTEXT);
  const assembly = app.synth();
  assemblyDirectory = assembly.directory;
  const template = assembly.getStackByName(stack.stackName).template as TemplateJson;
  bundles = {};
  for (const fn of FUNCTIONS) {
    const roleId = functionRoleId(stack, fn);
    const [id] = resourcesOfType(template, 'AWS::Lambda::Function').find(
      ([, resource]) => (resource.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] === roleId,
    )!;
    const code = template.Resources[id]!.Properties.Code as { S3Key: string };
    const directory = join(assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
    bundles[fn] = readBundle(directory);
  }
  loadedAlone = Object.fromEntries(FUNCTIONS.map((fn) => [fn, loadAlone(bundles[fn]!)]));
}, 600_000);

afterAll(() => {
  rmSync(assemblyDirectory, { recursive: true, force: true });
});

describe('function bundles', () => {
  it('recognises an import left to the runtime', () => {
    expect(RUNTIME_SDK_IMPORT.test('import{BackupClient as a}from"@aws-sdk/client-backup";')).toBe(true);
    expect(RUNTIME_SDK_IMPORT.test('import{ConfiguredRetryStrategy as r}from"@smithy/core/retry"')).toBe(
      true,
    );
    expect(
      RUNTIME_SDK_IMPORT.test('"register it by calling [require(\\"@aws-sdk/signature-v4-crt\\")]"'),
    ).toBe(false);
  });

  it.each(FUNCTIONS)('%s carries its SDK and Smithy, importing none from the Lambda runtime', (fn) => {
    const bundle = bundles[fn]!.all;
    expect(bundle.length).toBeGreaterThan(100_000);
    expect(bundle.match(RUNTIME_SDK_IMPORT)?.[0]).toBeUndefined();
    expect(clientsIn(bundle)).toContain('dynamodb');
  });

  it.each(FUNCTIONS)(
    '%s loads on its own, away from any node_modules, and exports its handler',
    async (fn) => {
      const loaded = await loadedAlone[fn]!;
      expect(loaded.stderr).toBe('');
      expect(loaded.stdout).toBe('function');
    },
  );

  it('gives the report function only the store and credential clients, no controller client', () => {
    const clients = clientsIn(bundles.Report!.all);
    for (const client of ['iam', 'kms', 'events', 'organizations', 'backup', 'tagging']) {
      expect(clients).not.toContain(client);
    }
  });

  /**
   * What each function loads at start (a service's client or one of its commands): the report function the
   * store alone; the sweep and notify functions the store and S3, their Organizations, Backup,
   * SNS and Secrets Manager use left to the invocation that reaches it; the reconcile function what every
   * target reads, and neither S3 (only the sweep, notify and evidence functions call it) nor Organizations
   * (the org target's reads and policy writes, and a target's own effective-policy read when its chain's
   * policy is not shared, load it); the events function the store alone, since most of its batches are
   * finished jobs applied to their findings, and the target's clients load with the first that reconciles.
   */
  it.each([
    ['Report', ['dynamodb']],
    ['Sweep', ['dynamodb', 's3']],
    ['Notify', ['dynamodb', 's3']],
    ['ReconcileTarget', ['account', 'backup', 'dynamodb', 'events', 'iam', 'kms', 'tagging']],
    ['Events', ['dynamodb']],
  ])('%s loads at start the clients %j and no other', (fn, clients) => {
    expect(clientsIn(bundles[fn]!.atStart)).toEqual(clients);
  });

  // The config arrives validated at synth; the functions decode store items, events and requests with zod/mini.
  it.each(FUNCTIONS)('%s carries neither the config validator nor the full zod, only zod/mini', (fn) => {
    const bundle = bundles[fn]!.all;
    expect(bundle).not.toContain('start from examples/orgbackup.config.yaml');
    expect(bundle).not.toMatch(/"ZodString"/);
    expect(bundle).toMatch(/"ZodMiniString"/);
  });

  it.each(['Sweep', 'Notify'])(
    '%s still carries the clients it loads later, on the paths that call them',
    (fn) => {
      const clients = clientsIn(bundles[fn]!.all);
      for (const client of ['organizations', 'backup', 'sns', 'secretsmanager'])
        expect(clients).toContain(client);
    },
  );

  it.each(['Sweep', 'Notify', 'Report'])(
    '%s loads at start no client of a service only member targets need (EC2, RDS, FSx)',
    (fn) => {
      const clients = clientsIn(bundles[fn]!.atStart);
      for (const client of ['ec2', 'rds', 'fsx']) expect(clients).not.toContain(client);
    },
  );

  it.each(['ReconcileTarget', 'Events'])(
    '%s carries the EC2, RDS and FSx clients but loads them only when a target has such resources',
    (fn) => {
      const bundle = bundles[fn]!;
      for (const client of ['ec2', 'rds', 'fsx']) {
        expect(clientsIn(bundle.all)).toContain(client);
        expect(clientsIn(bundle.atStart)).not.toContain(client);
      }
    },
  );
});
