import { createHash } from 'node:crypto';
import { renderStaticReport } from '../dashboard/static-report.js';
import type { ComplianceReport } from '../domain/model.js';
import { findingCsvRow, toCsv } from './csv.js';
import type { ReportContext } from './report-context.js';

export interface EvidenceFile {
  readonly name: string;
  readonly body: string;
}

export interface EvidenceManifest {
  readonly generatedAt: string;
  /** Where the data was read: the report API's URL, or the findings table of the deployed controller. */
  readonly source: string;
  readonly mode: ReportContext['mode'];
  readonly configHash: string;
  readonly controllerVersion: string;
  readonly files: readonly { readonly name: string; readonly sha256: string; readonly bytes: number }[];
}

export const MANIFEST_FILE = 'manifest.json';

/**
 * A point-in-time evidence pack: the report (JSON contract), its findings and actions as CSV, a static
 * printable page, and a manifest with each file's SHA-256, so a later reader can tell the files are the ones
 * written then.
 */
export function evidencePack(input: {
  readonly report: ComplianceReport;
  readonly context: ReportContext;
  readonly source: string;
}): EvidenceFile[] {
  const { report, context } = input;
  const files: EvidenceFile[] = [
    { name: 'report.json', body: `${JSON.stringify(report, null, 2)}\n` },
    {
      name: 'findings.csv',
      body: toCsv(report.resources.map(findingCsvRow)),
    },
    {
      name: 'actions.csv',
      body: toCsv(
        report.actions.map((action) => ({
          ...action,
          blocked: action.blocked ? `${action.blocked.by}: ${action.blocked.message}` : '',
          error: action.error ? `${action.error.code}: ${action.error.message}` : '',
        })),
      ),
    },
    { name: 'report.html', body: renderStaticReport(report, context) },
  ];
  const manifest: EvidenceManifest = {
    generatedAt: report.generatedAt,
    source: input.source,
    mode: context.mode,
    configHash: context.configHash,
    controllerVersion: context.controllerVersion,
    files: files.map((file) => ({
      name: file.name,
      sha256: sha256(file.body),
      bytes: Buffer.byteLength(file.body, 'utf8'),
    })),
  };
  return [...files, { name: MANIFEST_FILE, body: `${JSON.stringify(manifest, null, 2)}\n` }];
}

export function sha256(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}
