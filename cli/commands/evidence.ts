import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { evidencePack, MANIFEST_FILE } from '../../shared/controller/evidence-pack.js';
import type { ReportContext } from '../../shared/controller/report-context.js';
import type {
  ActionRecord,
  OrganizationSummary,
  ResourceFinding,
  TargetChecks,
} from '../../shared/domain/model.js';
import { buildReport } from '../../shared/domain/report.js';
import { EXIT, parseCommandArgs } from '../args.js';
import { credentialsFailure } from '../credentials.js';
import { parseEndpoint, readAllPages, signingFor } from '../endpoint.js';
import { ReportApiError, ReportApiUnreachableError, ReportClient } from '../report-client.js';
import type { CliCommand } from './index.js';

const spec = {
  name: 'evidence',
  usage: '--endpoint URL --out DIR [--sign] [--api-region R]',
  help: [
    '  --endpoint URL       the report API (deployed stage URL, or http://127.0.0.1:PORT from `npm start`)',
    '  --out DIR            where to write the pack (created if missing; files of the same names are replaced)',
    '  --sign               sign requests even to a local endpoint (they always are to a remote one)',
    '  --api-region R       Region to sign for; read from an execute-api hostname, needed for a custom domain',
    '',
    'Writes report.json (the report contract), findings.csv, actions.csv, report.html (a static, printable',
    'dashboard) and manifest.json (every file with its SHA-256, the time, config hash and controller version).',
    'Exit codes: 0 written, 1 the API refused or could not be reached, 2 bad options.',
  ].join('\n'),
  options: {
    endpoint: { type: 'string' },
    out: { type: 'string' },
    sign: { type: 'boolean' },
    'api-region': { type: 'string' },
  },
} as const;

export const evidenceCommand: CliCommand = {
  async run(argv) {
    const parsed = parseCommandArgs(argv, spec);
    if (parsed.kind === 'exit') return parsed.code;
    const options = parsed.values;
    const usage = (message: string) => {
      process.stderr.write(`orgbackup evidence: ${message}\nUsage: orgbackup evidence ${spec.usage}\n`);
      return EXIT.usage;
    };
    if (!options.endpoint) return usage('--endpoint URL is required');
    if (!options.out) return usage('--out DIR is required');
    const endpoint = parseEndpoint(options.endpoint);
    if (!endpoint) return usage(`--endpoint must be an http(s) URL, not "${options.endpoint}"`);
    const signing = signingFor(endpoint, { sign: options.sign, apiRegion: options['api-region'] });
    if (typeof signing === 'string') return usage(signing);

    const client = new ReportClient(endpoint, signing);
    try {
      const get = async <T>(route: string) =>
        JSON.parse((await client.get(route, {}, 'application/json')).body) as T;
      const [context, summary, findings, targets, actions] = await Promise.all([
        get<ReportContext>('/about'),
        get<OrganizationSummary>('/summary'),
        readAllPages<ResourceFinding>(client, '/findings'),
        readAllPages<TargetChecks>(client, '/targets'),
        readAllPages<ActionRecord>(client, '/actions'),
      ]);
      const report = buildReport({
        generatedAt: new Date(),
        mode: context.mode,
        findings,
        targetChecks: targets.map(({ accountId, region, checks }) => ({ accountId, region, checks })),
        // The API lists actions newest first; the report keeps execution order.
        actions: actions.reverse(),
        accountIds: summary.accounts.map((account) => account.accountId),
      });
      const files = evidencePack({ report, context, source: endpoint.href });
      await mkdir(options.out, { recursive: true });
      for (const file of files) await writeFile(join(options.out, file.name), file.body);
      process.stdout.write(
        `Wrote ${files.map((f) => f.name).join(', ')} to ${options.out} (${findings.length} findings; hashes in ${MANIFEST_FILE}).\n`,
      );
      return EXIT.ok;
    } catch (error) {
      if (error instanceof ReportApiError || error instanceof ReportApiUnreachableError) {
        process.stderr.write(`orgbackup evidence: ${error.message}\n`);
        return EXIT.failure;
      }
      const credentials = credentialsFailure(error);
      if (credentials) {
        process.stderr.write(`orgbackup evidence: ${credentials}\n`);
        return EXIT.failure;
      }
      throw error;
    }
  },
};
