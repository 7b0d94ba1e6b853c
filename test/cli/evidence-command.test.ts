import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceCommand } from '../../cli/commands/evidence.js';
import { serveReport } from '../../cli/serve.js';
import type { ReportContext } from '../../shared/controller/report-context.js';
import { parseCsv, type SeededStore, seededFindings, seedReportStore } from '../controller/report-fixture.js';
import { runInProcess } from './run-cli.js';

const CONTEXT: ReportContext = {
  mode: 'enforce',
  configHash: `${'c0ffee'.repeat(10)}abcd`,
  controllerVersion: '9.8.7',
};

let seeded: SeededStore;
let local: { url: string; server: Server };
let out: string;
let written: Awaited<ReturnType<typeof runInProcess>>;

beforeAll(async () => {
  seeded = await seedReportStore();
  local = await serveReport(seeded.store, 0, CONTEXT);
  out = await mkdtemp(join(tmpdir(), 'orgbackup-evidence-'));
  written = await runInProcess(evidenceCommand, ['--endpoint', local.url, '--out', out]);
});

afterAll(async () => {
  local.server.closeAllConnections();
  await new Promise((resolve) => local.server.close(resolve));
  await seeded.close();
  await rm(out, { recursive: true, force: true });
});

const read = (name: string) => readFile(join(out, name), 'utf8');

describe('orgbackup evidence against the local server', () => {
  it('writes the five files of the pack and exits 0', async () => {
    expect(written.code, written.stderr).toBe(0);
    expect((await readdir(out)).sort()).toEqual([
      'actions.csv',
      'findings.csv',
      'manifest.json',
      'report.html',
      'report.json',
    ]);
  });

  it("the manifest's SHA-256 of every file verifies, and names the config hash and version served by /about", async () => {
    const manifest = JSON.parse(await read('manifest.json'));
    expect(manifest).toMatchObject({ ...CONTEXT, source: `${local.url}/` });
    expect(manifest.files.map((f: { name: string }) => f.name).sort()).toEqual([
      'actions.csv',
      'findings.csv',
      'report.html',
      'report.json',
    ]);
    for (const file of manifest.files as { name: string; sha256: string; bytes: number }[]) {
      const bytes = await readFile(join(out, file.name));
      expect(createHash('sha256').update(bytes).digest('hex'), file.name).toBe(file.sha256);
      expect(bytes.length).toBe(file.bytes);
    }
    expect(manifest.generatedAt).toBe(JSON.parse(await read('report.json')).generatedAt);
  });

  it('report.json is the report contract with every finding, check and action the API holds', async () => {
    const report = JSON.parse(await read('report.json'));
    expect(Object.keys(report)).toEqual([
      'generatedAt',
      'mode',
      'summary',
      'resources',
      'accounts',
      'actions',
    ]);
    expect(report.mode).toBe('enforce');
    expect(report.resources.map((f: { arn: string }) => f.arn).sort()).toEqual(
      seededFindings()
        .map((f) => f.arn)
        .sort(),
    );
    expect(report.summary.resources).toBe(seededFindings().length);
    expect(report.accounts).toHaveLength(6);
    expect(report.actions).toHaveLength(6);
  });

  it('the CSVs hold one row per finding and per action', async () => {
    expect(parseCsv(await read('findings.csv'))).toHaveLength(seededFindings().length + 1);
    const actions = parseCsv(await read('actions.csv'));
    expect(actions).toHaveLength(7);
    expect(actions.flat()).toContain(
      'IRREVERSIBLE_LOCK: A compliance lock is irreversible; set allowIrreversibleLock.',
    );
  });

  it('report.html is static and self-contained, and lists every resource that is not protected with its fix', async () => {
    const html = await read('report.html');
    expect(html).not.toMatch(/<script|[a-z]+:\/\/|\bsrc=|\bhref=/i);
    for (const finding of seededFindings().filter((f) => f.status !== 'PROTECTED')) {
      expect(html).toContain(finding.arn);
    }
    expect(html).toContain('Create the backup vault the policy names');
    // Details are escaped: the fixture's quote marks arrive as entities, never as markup.
    expect(html).toContain('&quot;org-backup&quot;');
  });

  it("report.html shows each finding's warnings, PROTECTED findings included, with what to do", async () => {
    const html = await read('report.html');
    const warned = seededFindings().filter((f) => f.warnings.length > 0);
    expect(warned.some((f) => f.status === 'PROTECTED')).toBe(true);
    const section = html.slice(html.indexOf('<h2>Warnings'), html.indexOf('<h2>Actions'));
    for (const finding of warned) {
      const row = section.split('\n').find((line) => line.includes(finding.arn));
      expect(row).toContain(`<td>${finding.warnings.join(' ')}</td>`);
      expect(row).toContain(`<td>${finding.warningDetail}</td>`);
    }
    expect(section).toContain(`<td>LOCK_BECOMES_IMMUTABLE</td><td>${warned.length}</td>`);
  });

  it('a server that cannot say what configuration it runs gives exit 1, naming the route', async () => {
    const bare = await serveReport(seeded.store, 0);
    try {
      const run = await runInProcess(evidenceCommand, ['--endpoint', bare.url, '--out', join(out, 'bare')]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/404: This server was started without a configuration/);
    } finally {
      bare.server.closeAllConnections();
      await new Promise((resolve) => bare.server.close(resolve));
    }
  });

  it.each([
    { args: ['--out', '/tmp/x'], message: /--endpoint URL is required/ },
    { args: ['--endpoint', 'http://127.0.0.1:1'], message: /--out DIR is required/ },
    { args: ['--endpoint', 'ftp://x', '--out', '/tmp/x'], message: /must be an http\(s\) URL/ },
    { args: ['--endpoint', 'https://reports.example.com', '--out', '/tmp/x'], message: /give --api-region/ },
  ])('bad options exit 2: $message', async ({ args, message }) => {
    const run = await runInProcess(evidenceCommand, args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
