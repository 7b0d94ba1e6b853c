import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlerEntry } from '../../infra/controller-function.js';
import { BUNDLING_CONTEXT, synthStack } from './synth-stack.js';
import { functionRoleId, resourcesOfType, type TemplateJson } from './templates.js';

/**
 * The functions as `cdk synth` bundles them (esbuild runs here): each must carry the SDK and Smithy it was
 * tested with, and the report function only the clients it uses.
 */
const RUNTIME_SDK_IMPORT = /\bfrom\s*["'](?:@aws-sdk|@smithy)\//;
/** Every SDK client carries its service's signing name in its runtime config. */
const clientsIn = (bundle: string) =>
  [...new Set([...bundle.matchAll(/defaultSigningName:"([^"]+)"/g)].map((match) => match[1]))].sort();

const FUNCTIONS = ['Sweep', 'ReconcileTarget', 'Events', 'Notify', 'Report'] as const;

let bundles: Record<string, string>;
/** Each bundle loaded by a Node.js of its own; started together, since the worker only waits on them. */
let loadedAlone: Record<string, Promise<{ stdout: string; stderr: string }>>;
let assemblyDirectory: string;

/** Writes `bundle` alone into an empty folder, away from any node_modules, and imports it in a new Node.js. */
async function loadAlone(bundle: string): Promise<{ stdout: string; stderr: string }> {
  const directory = mkdtempSync(join(tmpdir(), 'orgbackup-bundle-'));
  try {
    const file = join(directory, 'index.mjs');
    writeFileSync(file, bundle);
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(typeof m.handler);`,
      ],
      { cwd: directory, env: { PATH: process.env.PATH, AWS_REGION: 'eu-central-1' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    await new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    return { stdout, stderr };
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
    bundles[fn] = readFileSync(join(directory, 'index.mjs'), 'utf8');
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
    const bundle = bundles[fn]!;
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
    const clients = clientsIn(bundles.Report!);
    for (const client of ['iam', 'kms', 'events', 'organizations', 'backup', 'tagging']) {
      expect(clients).not.toContain(client);
    }
  });
});
