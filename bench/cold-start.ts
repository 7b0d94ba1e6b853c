/**
 * Each function's cold start as far as the bundle decides it: the bundle built as the CDK construct builds
 * it (infra/function-bundle.ts), then a fresh `node` process that imports it, against a fresh `node`
 * process that imports an empty module — both timed in the same rounds, so load on the machine hits both
 * alike. The Lambda runtime's own start is the same for both and is not modelled. A third process per
 * function also imports every chunk of its bundle: the start of a path that needs all of them.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import type { HandlerName } from '../infra/controller-function.js';
import {
  bundleEntryPath,
  FUNCTION_BUNDLE_ENTRY_FILE,
  FUNCTION_BUNDLE_OPTIONS,
} from '../infra/function-bundle.js';
import { writeDeployedConfig } from '../shared/controller/deployed-config-writer.js';
import { loadConfigFromText } from '../shared/domain/config/index.js';
import { decimal, markdownTable, median, progress } from './measure.js';

const HANDLERS: readonly HandlerName[] = [
  'sweep',
  'reconcile-target',
  'events',
  'notify',
  'report',
  'evidence',
];
/** The report function answers API requests, so its start is held to a tighter bound. */
const GOAL_RATIO: Readonly<Record<HandlerName, number>> = {
  sweep: 4,
  'reconcile-target': 4,
  events: 4,
  notify: 4,
  report: 3,
  evidence: 4,
};

export interface ColdStartRow {
  readonly handler: HandlerName;
  /** Every file of the bundle (source maps left out). */
  readonly bundleBytes: number;
  /** The entry file and the chunks it imports statically: what a start reads and compiles. */
  readonly startBytes: number;
  /** Median CPU time of a process that imports the entry and then every chunk. */
  readonly allChunksCpuMs: number;
  /** Medians of the process's wall time and CPU time (user + system), and the same of a bare start. */
  readonly wallMs: number;
  readonly bareWallMs: number;
  readonly cpuMs: number;
  readonly bareCpuMs: number;
  /** CPU time against the bare start's: unlike wall time it does not grow with other work on the machine. */
  readonly ratio: number;
  readonly goal: number;
  /** The packages (or source folders) taking most of the bundle, with their KB. */
  readonly largest: string;
  /** The same for what the start loads: the entry file and the chunks it imports statically. */
  readonly largestAtStart: string;
}

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

export async function measureColdStarts(runs = 10): Promise<ColdStartRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'orgbackup-cold-'));
  try {
    const bundles = new Map<HandlerName, string>();
    const largest = new Map<HandlerName, string>();
    const largestAtStart = new Map<HandlerName, string>();
    for (const handler of HANDLERS) {
      const outdir = join(dir, handler);
      mkdirSync(outdir);
      const { metafile } = await build({
        ...FUNCTION_BUNDLE_OPTIONS,
        sourcemap: false,
        metafile: true,
        entryPoints: [join(import.meta.dirname, '..', 'functions', `${handler}.ts`)],
        outdir,
      });
      bundles.set(handler, bundleEntryPath(outdir));
      largest.set(handler, largestPackages(metafile, Object.keys(metafile.outputs)));
      largestAtStart.set(handler, largestPackages(metafile, startOutputs(metafile)));
    }
    const empty = join(dir, 'empty.mjs');
    writeFileSync(empty, '');
    const env = lambdaEnvironment();
    const start = (file: string, alsoImport: readonly string[] = []): Sample => {
      const script =
        [file, ...alsoImport].map((f) => `await import(${JSON.stringify(pathToFileURL(f).href)});`).join('') +
        'const u = process.resourceUsage(); process.stdout.write(String((u.userCPUTime + u.systemCPUTime) / 1000));';
      const started = performance.now();
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        env,
        encoding: 'utf8',
      });
      const wallMs = performance.now() - started;
      if (result.status !== 0) throw new Error(`importing ${file} failed: ${result.stderr}`);
      return { wallMs, cpuMs: Number(result.stdout) };
    };
    const samples = new Map<string, Sample[]>([
      ['bare', []],
      ...HANDLERS.flatMap((h) => [[h, []] as [string, Sample[]], [`${h}+all`, []] as [string, Sample[]]]),
    ]);
    // One untimed round warms the file cache.
    start(empty);
    for (const file of bundles.values()) start(file, chunksOf(file));
    for (let round = 0; round < runs; round += 1) {
      samples.get('bare')?.push(start(empty));
      for (const [handler, file] of bundles) {
        samples.get(handler)?.push(start(file));
        samples.get(`${handler}+all`)?.push(start(file, chunksOf(file)));
      }
    }
    const medians = (key: string) => {
      const taken = samples.get(key) ?? [];
      return { wallMs: median(taken.map((t) => t.wallMs)), cpuMs: median(taken.map((t) => t.cpuMs)) };
    };
    const bare = medians('bare');
    return HANDLERS.map((handler) => {
      const own = medians(handler);
      progress(`cold start ${handler}: ${decimal(own.cpuMs, 0)} ms CPU (bare ${decimal(bare.cpuMs, 0)} ms)`);
      const entry = bundles.get(handler) as string;
      return {
        handler,
        bundleBytes: [entry, ...chunksOf(entry)].reduce((sum, file) => sum + readFileSync(file).length, 0),
        startBytes: staticBytes(entry),
        allChunksCpuMs: medians(`${handler}+all`).cpuMs,
        wallMs: own.wallMs,
        bareWallMs: bare.wallMs,
        cpuMs: own.cpuMs,
        bareCpuMs: bare.cpuMs,
        ratio: own.cpuMs / bare.cpuMs,
        goal: GOAL_RATIO[handler],
        largest: largest.get(handler) ?? '',
        largestAtStart: largestAtStart.get(handler) ?? '',
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The chunk files next to an entry file. */
function chunksOf(entry: string): string[] {
  const directory = join(dirname(entry), 'chunks');
  return readdirSync(directory)
    .filter((name) => name.endsWith('.mjs'))
    .map((name) => join(directory, name));
}

/** Bytes of a file and of every chunk it imports statically, transitively (`import()` left out). */
function staticBytes(file: string, seen = new Set<string>()): number {
  if (seen.has(file)) return 0;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  let bytes = source.length;
  for (const [, specifier] of source.matchAll(STATIC_CHUNK_IMPORT)) {
    bytes += staticBytes(resolve(dirname(file), specifier as string), seen);
  }
  return bytes;
}

/** `import … from "./chunks/x.mjs"` or `import "./x.mjs"` as esbuild writes them (minified). */
const STATIC_CHUNK_IMPORT = /(?:\bfrom|\bimport)\s*"(\.{1,2}\/[^"]+\.mjs)"/g;

/** The entry output and every output it imports statically, transitively: what a start loads. */
function startOutputs(metafile: Metafile): string[] {
  const entry = Object.keys(metafile.outputs).find((path) => path.endsWith(`/${FUNCTION_BUNDLE_ENTRY_FILE}`));
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path) || !metafile.outputs[path]) return;
    seen.add(path);
    for (const imported of metafile.outputs[path].imports) {
      if (imported.kind === 'import-statement') visit(imported.path);
    }
  };
  if (entry) visit(entry);
  return [...seen];
}

/** The three packages or source folders that take most of the bytes of the given outputs. */
function largestPackages(metafile: Metafile, outputs: readonly string[]): string {
  const bytes = new Map<string, number>();
  for (const output of outputs.map((path) => metafile.outputs[path])) {
    for (const [path, input] of Object.entries(output?.inputs ?? {})) {
      const name =
        /node_modules\/((@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/').slice(0, 2).join('/');
      bytes.set(name, (bytes.get(name) ?? 0) + input.bytesInOutput);
    }
  }
  return [...bytes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([name, size]) => `${name} ${Math.round(size / 1024)}`)
    .join(', ');
}

/** The environment the deployed functions get (the example config as the document synth writes). */
function lambdaEnvironment(): NodeJS.ProcessEnv {
  const path = join(import.meta.dirname, '..', 'examples', 'orgbackup.config.yaml');
  const loaded = loadConfigFromText(readFileSync(path, 'utf8'), 'examples/orgbackup.config.yaml');
  if (!loaded.ok) throw new Error('the example config is invalid');
  return {
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: 'orgbackup-bench',
    ORGBACKUP_CONFIG: writeDeployedConfig(loaded.config),
    ORGANIZATION_ID: 'o-bench12345',
    MANAGEMENT_ACCOUNT_ID: '111111111111',
    FINDINGS_TABLE_NAME: 'orgbackup-findings',
    IDEMPOTENCY_TABLE_NAME: 'orgbackup-idempotency',
    EVENT_BUS_ARN: 'arn:aws:events:us-east-1:111111111111:event-bus/org-backup-events',
    POWERTOOLS_SERVICE_NAME: 'org-backup-controller',
    POWERTOOLS_METRICS_NAMESPACE: 'OrgBackupController',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
  };
}

export const COLD_START_HEADING = '## Cold starts';

export function coldStartSection(rows: readonly ColdStartRow[]): string {
  return [
    COLD_START_HEADING,
    '',
    'Each function bundled as `cdk synth` bundles it (infra/function-bundle.ts: esbuild, ESM, minified, ' +
      'AWS SDK included, split into chunks), then imported by a fresh `node` process; baseline: a fresh ' +
      '`node` importing an empty module. Median of 10 process starts each, interleaved in the same rounds on ' +
      'the same Node. The ratio compares CPU time (user + system) of the whole process, which other work on ' +
      'a shared machine does not inflate; wall times are shown too. "Start KB" is the entry file plus the ' +
      'chunks it imports statically; the rest is loaded by `import()` when a path first needs it. "All ' +
      'chunks" is a process that imports the entry and then every chunk: the start of a path that needs all ' +
      'of it. Goal: the report function ≤ 3× the bare start, the others ≤ 4×.',
    '',
    'What a start no longer loads, and where it went:',
    '',
    '- The config validator and the full zod: gone from every function, not deferred. Synth validates the ' +
      "config and hands each function the result as one document with the config schema's fingerprint and " +
      'a SHA-256 (shared/controller/deployed-config.ts); the function checks both and reads it with ' +
      '`JSON.parse`. Before, each function ran the validator again on its first invocation.',
    '- Store items, events and handler requests are decoded with `zod/mini` (the same checks and messages, ' +
      'about 35 KB at start instead of 100).',
    '- S3: left the reconcile and events functions, which never call it (it came with modules only the ' +
      'sweep and notify functions use). The sweep, notify and evidence functions still load it at start: ' +
      'they call it on most invocations.',
    '- Organizations: loads in the reconcile function when a path needs it: the org target (once per sweep), ' +
      "a policy write, or a target's own effective-policy read when its chain's policy is not shared.",
    '- Events: the target reconcile (observers, planner, executor and their clients) loads with the first ' +
      'batch that reconciles a target. Most batches are finished backup and copy jobs and recovery points, ' +
      'applied to their findings without one; a batch with a failed job, a tag change or a configuration ' +
      'change pays that load (at most the "all chunks" figure, which also holds EC2, RDS and FSx).',
    '- Report: the dashboard page (25 KB) loads on `GET /` only; the API routes the page calls do not load ' +
      "it. `@aws-sdk/nested-clients` is in the bundle but not in the start: the SDK's SSO, web-identity and " +
      'profile credential providers reach it by `import()`, and Lambda gives credentials in the environment.',
    '',
    'Not modelled: the deployed functions also run with `NODE_OPTIONS=--enable-source-maps` and their ' +
      'source maps (infra/controller-function.ts), which these processes leave out. Node then reads the map ' +
      'of every file it loads: measured once by hand on this machine (Node 20, median of 7, load 3–5), that ' +
      'added about 30 ms of CPU to the report start (122 → 151 ms) and 60 ms to the reconcile start ' +
      '(130 → 190 ms). Readable stack traces in the logs cost that much at every cold start.',
    '',
    markdownTable(
      [
        'function',
        'bundle KB',
        'start KB',
        'CPU ms',
        'bare CPU ms',
        'wall ms',
        'bare wall ms',
        'ratio (CPU)',
        'goal',
        'within goal',
        'all chunks CPU ms (ratio)',
        'largest parts of the start (KB)',
        'largest parts of the bundle (KB)',
      ],
      rows.map((row) => [
        row.handler,
        decimal(row.bundleBytes / 1024, 0),
        decimal(row.startBytes / 1024, 0),
        decimal(row.cpuMs, 0),
        decimal(row.bareCpuMs, 0),
        decimal(row.wallMs, 0),
        decimal(row.bareWallMs, 0),
        decimal(row.ratio, 1),
        `≤ ${row.goal}×`,
        row.ratio <= row.goal ? 'yes' : 'no',
        `${decimal(row.allChunksCpuMs, 0)} (${decimal(row.allChunksCpuMs / row.bareCpuMs, 1)}×)`,
        row.largestAtStart,
        row.largest,
      ]),
    ),
    '',
  ].join('\n');
}
