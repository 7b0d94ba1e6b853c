import type { SandboxResult } from '../sandbox/runner.js';
import { ACTION_CATALOG } from '../shared/domain/actions.js';
import type {
  ActionRecord,
  ComplianceReport,
  ReasonCode,
  ReportSummary,
  ResourceFinding,
} from '../shared/domain/model.js';
import { RESOURCE_STATUSES } from '../shared/domain/model.js';
import type { ReadinessItem } from '../shared/domain/readiness/rules.js';
import { WARNING_FIXES } from '../shared/domain/reason-fixes.js';
import { BLOCKED_WORDS, REASON_WORDS } from '../shared/notify/wording.js';
import { readinessLines } from './readiness.js';

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';
const CODES: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

/** ANSI styling, only when asked to (a terminal without NO_COLOR). */
export function paint(color: boolean, style: Style, text: string): string {
  const [open, close] = CODES[style];
  return color ? `\u001b[${open}m${text}\u001b[${close}m` : text;
}

const STATUS_STYLE: Record<string, Style> = {
  PROTECTED: 'green',
  PENDING: 'cyan',
  UNPROTECTED: 'red',
  STALE: 'yellow',
  FAILING: 'red',
  UNKNOWN: 'yellow',
};

/**
 * The story of a sandbox run for a person: what was wrong, what the controller changed, what it could not
 * fix and why, and coverage before and after.
 */
export function formatStory(
  result: Pick<SandboxResult, 'report' | 'history' | 'events' | 'outstandingActions'> & {
    /** The world before any repair (runSandbox with lookBeforeRepairs). */
    readonly initial: ComplianceReport;
    /** `orgbackup doctor` on the world before the run. */
    readonly doctor?: readonly ReadinessItem[];
  },
  options: { readonly worldPath: string; readonly seconds: number; readonly color: boolean },
): string {
  const { initial, report, history } = result;
  const c = (style: Style, text: string) => paint(options.color, style, text);
  const out: string[] = [];
  const first = history[0]?.at ?? initial.generatedAt;
  const regions = new Set(report.accounts.map((target) => target.region));

  out.push(c('bold', 'org-backup-controller — sandbox run'));
  out.push(
    `${options.worldPath}: ${report.summary.accounts} accounts, ${regions.size} Regions, mode ${report.mode}. ` +
      `Simulated ${first.slice(0, 16).replace('T', ' ')} → ${report.generatedAt.slice(0, 16).replace('T', ' ')} UTC ` +
      `(${plural(history.length, 'hourly sweep')}, ${plural(result.events.delivered, 'event')}) in ${options.seconds.toFixed(1)} s.`,
  );

  out.push(...doctorSection(result.doctor ?? [], c));

  out.push('', c('bold', 'Coverage'));
  out.push(`  at the start  ${coverageLine(initial.summary, c)}`);
  out.push(`  at the end    ${coverageLine(report.summary, c)}`);

  out.push('', c('bold', 'What was wrong at the start (before any repair)'));
  const initialReasons = countReasons(initial.resources);
  const failedChecks = countFailedChecks(initial);
  if (initialReasons.size === 0 && failedChecks.size === 0) out.push('  nothing');
  for (const [reason, count] of sortedEntries(initialReasons)) {
    out.push(
      `  ${c('yellow', reason.padEnd(28))} ${plural(count, 'resource').padStart(14)} — ${REASON_WORDS[reason].why}`,
    );
  }
  for (const [check, count] of sortedEntries(failedChecks)) {
    out.push(
      `  ${c('yellow', `check ${check}`.padEnd(28))} ${String(count).padStart(4)} account × Region failing`,
    );
  }

  const applied = report.actions.filter((action) => action.applied);
  out.push('', c('bold', `What the controller changed (${applied.length} actions applied)`));
  if (applied.length === 0)
    out.push(report.mode === 'audit' ? '  nothing: audit mode never writes' : '  nothing');
  for (const [kind, actions] of groupBy(applied, (action) => action.kind)) {
    out.push(
      `  ${c('green', kind.padEnd(28))} ${String(actions.length).padStart(4)}× — ${ACTION_CATALOG[kind].description}`,
    );
    out.push(c('dim', `  ${' '.repeat(28)}       e.g. ${example(actions)}`));
  }

  out.push(...heldBack(report.actions, c));

  const open = report.resources.filter(
    (finding) => finding.status !== 'PROTECTED' && finding.status !== 'PENDING',
  );
  const blocked = result.outstandingActions.filter((action) => action.blocked);
  const failed = result.outstandingActions.filter((action) => action.error && !action.applied);
  const unreachable = report.accounts.filter((target) =>
    target.checks.some((check) => check.reason === 'ACCOUNT_UNREACHABLE'),
  );
  out.push('', c('bold', `What it could not fix, and why (${open.length} resources)`));
  if (open.length + blocked.length + failed.length + unreachable.length === 0) out.push('  nothing left');
  for (const [reason, findings] of groupBy(
    open.flatMap((finding) => specificReasons(finding).map((reason) => [reason, finding] as const)),
    ([reason]) => reason,
  )) {
    const words = REASON_WORDS[reason as ReasonCode];
    const statuses = [...new Set(findings.map(([, finding]) => finding.status))].join('/');
    out.push(
      `  ${c('red', reason.padEnd(28))} ${String(findings.length).padStart(4)} ${statuses} — ${words.why}`,
    );
    out.push(c('dim', `  ${' '.repeat(28)}      fix: ${words.fix}`));
    out.push(
      c(
        'dim',
        `  ${' '.repeat(28)}      e.g. ${findings[0]?.[1].accountId}/${findings[0]?.[1].region} ${findings[0]?.[1].arn}`,
      ),
    );
  }
  for (const action of blocked) {
    const by = action.blocked?.by ?? 'IRREVERSIBLE_LOCK';
    out.push(
      `  ${c('yellow', `blocked ${action.kind}`.padEnd(28))} ${action.accountId}/${action.region} — ${BLOCKED_WORDS[by].why}`,
    );
  }
  for (const [accountId, targets] of groupBy(unreachable, (target) => target.accountId)) {
    out.push(
      `  ${c('red', 'ACCOUNT_UNREACHABLE'.padEnd(28))} ${accountId} (${targets.map((t) => t.region).join(', ')}) — ${REASON_WORDS.ACCOUNT_UNREACHABLE.why}`,
    );
    out.push(c('dim', `  ${' '.repeat(28)}      fix: ${REASON_WORDS.ACCOUNT_UNREACHABLE.fix}`));
  }
  for (const action of failed) {
    out.push(
      `  ${c('red', `failed ${action.kind}`.padEnd(28))} ${action.accountId}/${action.region} — ${action.error?.message}`,
    );
  }

  out.push(...warningsAhead(report, c));
  out.push(...restoreTests(report, c));

  out.push('', c('bold', 'Status by account at the end'));
  for (const [accountId, findings] of groupBy(report.resources, (finding) => finding.accountId)) {
    const counts = RESOURCE_STATUSES.flatMap((status) => {
      const n = findings.filter((finding) => finding.status === status).length;
      return n === 0 ? [] : [c(STATUS_STYLE[status] ?? 'bold', `${status} ${n}`)];
    });
    out.push(`  ${accountId}  ${counts.join('  ')}`);
  }

  out.push(...alertVolume(report.notifications, c));

  out.push('');
  out.push(`AWS calls answered by the sandbox: ${report.calls.total} (${report.calls.writes} writes).`);
  out.push(
    c(
      'dim',
      'JSON report: npx orgbackup sandbox --json   ·   another world: npm start -- --world FILE --config FILE',
    ),
  );
  return `${out.join('\n')}\n`;
}

/** Risks that will break protection later, and the findings waived on purpose, as the run ended. */
/** What the doctor would have said before deploying: the items that are not PASS, and how many are. */
function doctorSection(items: readonly ReadinessItem[], c: (style: Style, text: string) => string): string[] {
  if (items.length === 0) return [];
  const flagged = items.filter((item) => item.status !== 'PASS');
  return [
    '',
    c('bold', 'Before deploying: `orgbackup doctor --world` on this organization'),
    ...(flagged.length === 0 ? ['  every item passes'] : readinessLines(flagged, '  ')),
    `  (${plural(items.length - flagged.length, 'item')} passed)`,
  ];
}

function warningsAhead(report: ComplianceReport, c: (style: Style, text: string) => string): string[] {
  const warned = report.resources.filter((finding) => finding.warnings.length > 0);
  const lines = ['', c('bold', `Warnings: what breaks next (${plural(warned.length, 'resource')})`)];
  if (warned.length === 0) lines.push('  none');
  for (const [code, findings] of groupBy(
    warned.flatMap((finding) => finding.warnings.map((code) => [code, finding] as const)),
    ([code]) => code,
  )) {
    const sample = findings[0]![1];
    lines.push(
      `  ${c('yellow', code.padEnd(28))} ${String(findings.length).padStart(4)} — ${WARNING_FIXES[code]}`,
    );
    lines.push(c('dim', `  ${' '.repeat(28)}      e.g. ${sample.arn}: ${sample.warningDetail ?? ''}`));
  }
  const waived = report.summary.waived;
  if (waived) {
    const example = report.resources.find((finding) => finding.waiver);
    lines.push(
      `  ${c('cyan', 'waived'.padEnd(28))} ${String(waived.resources).padStart(4)} — not alerted until their waiver ` +
        `ends; coverage without them ${waived.coveragePercentWithoutWaived.toFixed(1)}%`,
    );
    if (example?.waiver) {
      lines.push(
        c(
          'dim',
          `  ${' '.repeat(28)}      e.g. ${example.arn}: ${example.waiver.reason} (${example.waiver.owner}, until ${example.waiver.expires})`,
        ),
      );
    }
  }
  return lines;
}

/** Repairs the safety brakes held back during the run (most are applied by later runs). */
function heldBack(actions: readonly ActionRecord[], c: (style: Style, text: string) => string): string[] {
  const blocked = actions.filter((action) => action.blocked && !action.applied);
  if (blocked.length === 0) return [];
  const lines = ['', c('bold', `Held back by the safety brakes (${plural(blocked.length, 'action')})`)];
  for (const [by, records] of groupBy(blocked, (action) => action.blocked?.by ?? 'BLAST_RADIUS')) {
    const kinds = [...groupBy(records, (action) => action.kind)]
      .map(([kind, r]) => `${kind} ${r.length}`)
      .join(', ');
    lines.push(
      `  ${c('yellow', by.padEnd(28))} ${String(records.length).padStart(4)}× — ${BLOCKED_WORDS[by].why}`,
    );
    lines.push(c('dim', `  ${' '.repeat(28)}       ${kinds}`));
  }
  return lines;
}

/** How many messages people received, per day and per account: the alert volume a team would live with. */
function alertVolume(
  sent: SandboxResult['report']['notifications'],
  c: (style: Style, text: string) => string,
): string[] {
  const sns = sent.filter((message) => message.channel === 'sns');
  const slack = sent.length - sns.length;
  const lines = [
    '',
    c(
      'bold',
      `Alerts sent (${plural(sns.length, 'e-mail')}${slack > 0 ? `, ${plural(slack, 'Slack post')}` : ''})`,
    ),
  ];
  if (sns.length === 0) return [...lines, '  none'];
  const byDay = groupBy(sns, (message) => message.at.slice(0, 10));
  lines.push(
    `  per day      ${[...byDay].map(([day, messages]) => `${day.slice(5)}: ${messages.length}`).join('  ')}`,
  );
  const byAccount = sortedEntries(
    new Map(
      [...groupBy(sns, (message) => message.accountId ?? 'organization')].map(([account, messages]) => [
        account,
        messages.length,
      ]),
    ),
  );
  lines.push(`  per account  ${byAccount.map(([account, count]) => `${account}: ${count}`).join('  ')}`);
  return lines;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function coverageLine(summary: ReportSummary, c: (style: Style, text: string) => string): string {
  const statuses = RESOURCE_STATUSES.flatMap((status) =>
    summary.byStatus[status] === 0
      ? []
      : [c(STATUS_STYLE[status] ?? 'bold', `${status} ${summary.byStatus[status]}`)],
  );
  return `${c('bold', `${summary.coveragePercent.toFixed(1)}%`.padStart(6))} protected of ${summary.resources}  (${statuses.join(', ')})`;
}

function countReasons(findings: readonly ResourceFinding[]): Map<ReasonCode, number> {
  const counts = new Map<ReasonCode, number>();
  for (const finding of findings) {
    for (const reason of finding.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return counts;
}

/** The RESTORE_TESTING checks at the end: how many passed, and each one that did not, with its detail. */
function restoreTests(report: ComplianceReport, c: (style: Style, text: string) => string): string[] {
  const results = report.accounts.flatMap((target) =>
    target.checks
      .filter((check) => check.check === 'RESTORE_TESTING' && check.status !== 'SKIPPED')
      .map((check) => ({ target, check })),
  );
  if (results.length === 0) return [];
  const passed = results.filter(({ check }) => check.status === 'PASS').length;
  return [
    '',
    c('bold', 'Restore tests at the end'),
    `  ${c('green', 'PASS'.padEnd(28))} ${String(passed).padStart(4)} account × Region`,
    ...results
      .filter(({ check }) => check.status !== 'PASS')
      .map(
        ({ target, check }) =>
          `  ${c(check.status === 'FAIL' ? 'red' : 'yellow', (check.reason ?? check.status).padEnd(28))} ${target.accountId}/${target.region} — ${check.detail}`,
      ),
  ];
}

function countFailedChecks(report: ComplianceReport): Map<string, number> {
  const counts = new Map<string, number>();
  for (const target of report.accounts) {
    for (const check of target.checks) {
      if (check.status === 'FAIL') counts.set(check.check, (counts.get(check.check) ?? 0) + 1);
    }
  }
  return counts;
}

function sortedEntries<K>(map: Map<K, number>): [K, number][] {
  return [...map.entries()].sort((a, b) => b[1] - a[1]);
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** JOB_FAILED says a job failed; when the finding also names why, the why is the story. */
function specificReasons(finding: ResourceFinding): readonly ReasonCode[] {
  const specific = finding.reasons.filter((reason) => reason !== 'JOB_FAILED');
  return specific.length > 0 ? specific : finding.reasons;
}

function example(actions: readonly ActionRecord[]): string {
  const first = actions[0];
  if (!first) return '';
  const more = actions.length > 1 ? ` (+${actions.length - 1} more)` : '';
  return `${first.accountId}/${first.region} ${first.target}${more}`;
}
