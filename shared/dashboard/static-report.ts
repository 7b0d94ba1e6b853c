import { createHash } from 'node:crypto';
import type { ReportContext } from '../controller/report-context.js';
import {
  CHECK_IDS,
  type ComplianceReport,
  RESOURCE_STATUSES,
  type ReasonCode,
  WARNING_CODES,
} from '../domain/model.js';
import { REASON_FIXES, WARNING_FIXES } from '../domain/reason-fixes.js';

const STYLE = [
  'body{font:13px/1.4 system-ui,sans-serif;margin:24px;color:#111;background:#fff}',
  'table{border-collapse:collapse;width:100%;margin:8px 0 20px}',
  'th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}',
  'thead th{background:#eee}.num{text-align:right}.wrap{word-break:break-all}',
  'h2{margin-top:28px;break-after:avoid}tr{break-inside:avoid}',
].join('');

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for HTML: member accounts' names and details are hostile input. */
function text(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => escapes[c]!);
}

function table(caption: string, headings: readonly string[], rows: readonly (readonly unknown[])[]): string {
  if (rows.length === 0) return `<p>${text(caption)}: none.</p>`;
  const head = headings.map((h) => `<th scope="col">${text(h)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${row.map((cell) => `<td>${text(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><caption>${text(caption)}</caption><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/**
 * The dashboard for one moment, as a static page that prints: no script, no request, its one inline style
 * allowed by hash. Lists every resource that is not PROTECTED with the fix for its reasons, and every resource
 * with warnings (PROTECTED ones too) with what each warning says.
 */
export function renderStaticReport(report: ComplianceReport, context: ReportContext): string {
  const summary = report.summary;
  const byKey = (key: (f: ComplianceReport['resources'][number]) => string) => {
    const groups = new Map<string, { resources: number; protectedCount: number }>();
    for (const finding of report.resources) {
      const group = groups.get(key(finding)) ?? { resources: 0, protectedCount: 0 };
      group.resources += 1;
      if (finding.status === 'PROTECTED') group.protectedCount += 1;
      groups.set(key(finding), group);
    }
    return [...groups]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, g]) => [name, g.resources, `${((g.protectedCount / g.resources) * 100).toFixed(1)}%`]);
  };
  const reasons = new Map<string, number>();
  for (const finding of report.resources) {
    for (const reason of finding.reasons) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const ranked = [...reasons].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  const gaps = report.resources.filter((finding) => finding.status !== 'PROTECTED');
  const warned = report.resources.filter((finding) => finding.warnings.length > 0);
  const warningCounts = WARNING_CODES.map(
    (code) => [code, warned.filter((finding) => finding.warnings.includes(code)).length] as const,
  ).filter(([, count]) => count > 0);
  const failedChecks = report.accounts.flatMap((target) =>
    target.checks
      .filter((check) => check.status !== 'PASS')
      .map((check) => [
        target.accountId,
        target.region,
        check.check,
        check.status,
        check.reason ?? '',
        check.detail,
      ]),
  );
  const sections = [
    `<h1>Backup compliance evidence</h1>`,
    `<p>Generated ${text(report.generatedAt)} · mode ${text(report.mode)} · controller ${text(context.controllerVersion)} · configuration SHA-256 <code>${text(context.configHash)}</code></p>`,
    `<h2>Coverage</h2><p><strong>${summary.coveragePercent.toFixed(1)}%</strong> of ${summary.resources} tagged resources protected, in ${summary.accounts} accounts.</p>`,
    table(
      'Resources by status',
      ['Status', 'Resources'],
      RESOURCE_STATUSES.map((status) => [status, summary.byStatus[status]]),
    ),
    table(
      'By account',
      ['Account', 'Resources', 'Coverage'],
      byKey((f) => f.accountId),
    ),
    table(
      'By Region',
      ['Region', 'Resources', 'Coverage'],
      byKey((f) => f.region),
    ),
    `<h2>What blocks protection</h2>`,
    table(
      'Reasons, by resources blocked',
      ['Reason', 'Resources', 'What to do'],
      ranked.map(([reason, count]) => [reason, count, REASON_FIXES[reason as ReasonCode] ?? '']),
    ),
    `<h2>Warnings: what will break protection later</h2>`,
    table(
      'Warnings, by resources at risk',
      ['Warning', 'Resources', 'What to do'],
      warningCounts.map(([code, count]) => [code, count, WARNING_FIXES[code]]),
    ),
    table(
      `${warned.length} resources with warnings, whatever their status`,
      ['Status', 'Account', 'Region', 'Resource', 'Warnings', 'Detail'],
      warned.map((f) => [
        f.status,
        f.accountId,
        f.region,
        f.arn,
        f.warnings.join(' '),
        f.warningDetail ?? '',
      ]),
    ),
    `<h2>Actions</h2>`,
    table(
      'Actions taken',
      ['When', 'Action', 'Account', 'Region', 'Target', 'Why'],
      report.actions
        .filter((a) => a.applied)
        .map((a) => [a.at, a.kind, a.accountId, a.region, a.target, a.reason]),
    ),
    table(
      'Actions blocked or failed',
      ['When', 'Action', 'Account', 'Region', 'Target', 'Why not'],
      report.actions
        .filter((a) => !a.applied && (a.blocked || a.error))
        .map((a) => [
          a.at,
          a.kind,
          a.accountId,
          a.region,
          a.target,
          a.blocked ? `${a.blocked.by}: ${a.blocked.message}` : `${a.error?.code}: ${a.error?.message}`,
        ]),
    ),
    `<h2>Checks not passing</h2>`,
    table(
      `Checks per account × Region (${report.accounts.length} targets, ${CHECK_IDS.length} checks each)`,
      ['Account', 'Region', 'Check', 'Status', 'Reason', 'Detail'],
      failedChecks,
    ),
    `<h2>Resources not protected</h2>`,
    table(
      `${gaps.length} of ${summary.resources} resources`,
      [
        'Status',
        'Account',
        'Region',
        'Resource',
        'Reasons',
        'Warnings',
        'Last backup',
        'Expected by',
        'Detail',
      ],
      gaps.map((f) => [
        f.status,
        f.accountId,
        f.region,
        f.arn,
        f.reasons.join(' '),
        f.warnings.join(' '),
        f.lastBackupTime ?? 'never',
        f.expectedBy ?? '',
        f.detail,
      ]),
    ),
  ];
  const styleHash = createHash('sha256').update(STYLE, 'utf8').digest('base64');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-${styleHash}'">
<title>Backup compliance evidence ${text(report.generatedAt)}</title>
<style>${STYLE}</style>
</head>
<body>
${sections.join('\n')}
</body>
</html>
`;
}
