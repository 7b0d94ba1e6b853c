import { RESOURCE_STATUSES } from '../domain/model.js';
import type { AccountAlert, AlertItem, AlertKind } from './alerts.js';
import { ALERT_KINDS } from './alerts.js';
import type { DailyDigest } from './digest.js';
import { type AlertGroup, dashboardCommand, groupItems, whereToReadTheRest } from './groups.js';
import type { StormSummary } from './storm.js';
import { singleLine } from './untrusted-text.js';
import { explainReasons, KIND_HEADINGS, remedies } from './wording.js';

/** An SNS message attribute (the shape SNS Publish takes), for subscription filter policies. */
export interface MessageAttribute {
  readonly DataType: 'String' | 'String.Array' | 'Number';
  readonly StringValue: string;
}

export interface EmailMessage {
  /** SNS subjects are at most 100 printable ASCII characters. */
  readonly subject: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, MessageAttribute>>;
}

const SUBJECT_MAX = 100;
/**
 * An SNS message, attributes included, is at most 262,144 bytes
 * (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html); the body stays well below, whatever one
 * account's failure count.
 */
export const EMAIL_BODY_MAX_BYTES = 200_000;
/** Resources listed per group; the rest are counted and pointed to. */
const SAMPLE_PER_GROUP = 10;
/** Untrusted text per line: long ARNs and job messages are cut, never allowed to fill the message. */
const SUBJECT_TEXT_MAX = 400;
const DETAIL_TEXT_MAX = 400;
const FOOTER = 'You receive this because you subscribed to the org-backup-controller alerts topic.';

/** `endpoint`: the report API URL the dashboard command of each group names (null: not known here). */
export function formatEmail(alert: AccountAlert, endpoint: string | null = null): EmailMessage {
  const count = alert.items.length;
  const subject = toSubject(
    `[${alert.severity.toUpperCase()}] AWS Backup: ${count} change${count === 1 ? '' : 's'} in account ${alert.accountId}`,
  );
  const lines = [
    `AWS Backup compliance changed in account ${alert.accountId} (run ${singleLine(alert.runId, 200)}, ${alert.at}).`,
    '',
  ];
  for (const kind of ALERT_KINDS) {
    const groups = groupItems(alert.items).filter((group) => group.kind === kind);
    if (groups.length === 0) continue;
    const total = groups.reduce((sum, group) => sum + group.items.length, 0);
    lines.push(`${KIND_HEADINGS[kind].toUpperCase()} (${total})`);
    for (const group of groups) lines.push(...describeGroup(alert.accountId, group, endpoint), '');
  }
  const todo = remedies(alert.items.flatMap((item) => item.reasons));
  const tail = todo.length > 0 ? ['WHAT TO DO', ...todo.map((step) => `- ${step}`), '', FOOTER] : [FOOTER];
  return {
    subject,
    body: fitBody(lines, tail),
    attributes: {
      kind: { DataType: 'String', StringValue: 'ACCOUNT_ALERT' },
      severity: { DataType: 'String', StringValue: alert.severity },
      accountId: { DataType: 'String', StringValue: alert.accountId },
      events: {
        DataType: 'String.Array',
        StringValue: JSON.stringify([...new Set(alert.items.map((i) => i.kind))]),
      },
    },
  };
}

function describeGroup(accountId: string, group: AlertGroup, endpoint: string | null): string[] {
  const why = group.reasons.length > 0 ? ` — ${explainReasons(group.reasons)}` : '';
  const lines = [`${group.outcome}: ${group.items.length}${why}`];
  for (const item of group.items.slice(0, SAMPLE_PER_GROUP)) lines.push(...describeItem(item));
  const rest = group.items.length - SAMPLE_PER_GROUP;
  if (rest > 0) lines.push(`  …and ${rest} more; the full list: ${whereToReadTheRest(accountId, group)}`);
  lines.push(`  Dashboard: ${dashboardCommand(endpoint, accountId, group)}`);
  return lines;
}

/** Untrusted text is one indented line each, so it cannot start a line of its own or a fake section. */
function describeItem(item: AlertItem): string[] {
  const lines = [`  - [${item.region}] ${singleLine(item.subject, SUBJECT_TEXT_MAX)}: ${item.change}`];
  if (item.detail) lines.push(`      Detail: ${singleLine(item.detail, DETAIL_TEXT_MAX)}`);
  return lines;
}

/** Keeps the body within EMAIL_BODY_MAX_BYTES: lines that do not fit are counted, the tail always stays. */
function fitBody(lines: readonly string[], tail: readonly string[]): string {
  const tailText = tail.join('\n');
  let budget = EMAIL_BODY_MAX_BYTES - Buffer.byteLength(tailText) - 200;
  const kept: string[] = [];
  for (const line of lines) {
    const size = Buffer.byteLength(line) + 1;
    if (size > budget) {
      kept.push(
        `…${lines.length - kept.length} more lines left out to stay within the e-mail size limit.`,
        '',
      );
      break;
    }
    kept.push(line);
    budget -= size;
  }
  return [...kept, tailText].join('\n');
}

export function formatDigestEmail(digest: DailyDigest): EmailMessage {
  const { total } = digest;
  const lines = [
    `AWS Backup compliance on ${digest.day}: ${total.coveragePercent}% of ${total.resources} tagged resources protected ` +
      `across ${total.accounts} accounts.`,
    '',
    'STATUS',
    ...RESOURCE_STATUSES.map((status) => `- ${status}: ${total.byStatus[status]}`),
    '',
    'CHANGES TODAY',
    ...changedKinds(digest).map((kind) => `- ${KIND_HEADINGS[kind]}: ${digest.changes[kind]}`),
  ];
  if (changedKinds(digest).length === 0) lines.push('- none');
  if (digest.flapping.length > 0) {
    lines.push('', `FLAPPING (${digest.flapping.length}; alerted once, then only summarised here)`);
    for (const flap of digest.flapping.slice(0, SAMPLE_PER_GROUP * 5)) {
      lines.push(
        `- ${flap.accountId} [${flap.region}] ${singleLine(flap.arn, SUBJECT_TEXT_MAX)}: ${flap.changes} changes`,
      );
    }
  }
  lines.push('', 'ACCOUNTS NEEDING ATTENTION');
  if (digest.accountsNeedingAttention.length === 0) lines.push('- none');
  for (const account of digest.accountsNeedingAttention) {
    const statuses = RESOURCE_STATUSES.filter(
      (s) => s !== 'PROTECTED' && s !== 'PENDING' && account.byStatus[s] > 0,
    )
      .map((s) => `${account.byStatus[s]} ${s}`)
      .join(', ');
    lines.push(
      `- ${account.accountId}: ${account.needsAttention} of ${account.resources} resources (${statuses})`,
    );
  }
  return {
    subject: toSubject(`AWS Backup daily digest ${digest.day}: ${total.coveragePercent}% protected`),
    body: fitBody(lines, []),
    attributes: {
      kind: { DataType: 'String', StringValue: 'DAILY_DIGEST' },
      severity: { DataType: 'String', StringValue: 'info' },
    },
  };
}

/** One message for the whole organization when too many accounts changed in one run. */
export function formatStormEmail(storm: StormSummary): EmailMessage {
  const lines = [
    `AWS Backup compliance changed in ${storm.accountCount} accounts in one run (run ${singleLine(storm.runId, 200)}, ${storm.at}).`,
    `That is more than ${storm.threshold} accounts, so this one summary replaces the per-account messages.`,
    '',
    'CHANGES',
    ...ALERT_KINDS.filter((kind) => storm.byKind[kind] > 0).map(
      (kind) => `- ${KIND_HEADINGS[kind]}: ${storm.byKind[kind]}`,
    ),
    '',
    'ACCOUNTS WITH THE MOST CHANGES',
    ...storm.accounts.map(
      (account) => `- ${account.accountId} (${account.severity}): ${account.changes} changes`,
    ),
    '',
    'The full list: orgbackup report (report API: GET /summary and GET /findings).',
  ];
  return {
    subject: toSubject(
      `[${storm.severity.toUpperCase()}] AWS Backup: changes in ${storm.accountCount} accounts`,
    ),
    body: fitBody(lines, [FOOTER]),
    attributes: {
      kind: { DataType: 'String', StringValue: 'ORGANIZATION_SUMMARY' },
      severity: { DataType: 'String', StringValue: storm.severity },
    },
  };
}

export function changedKinds(digest: DailyDigest): AlertKind[] {
  return ALERT_KINDS.filter((kind) => digest.changes[kind] > 0);
}

function toSubject(text: string): string {
  const printable = text.replace(/[^\x20-\x7e]/g, '-');
  return printable.length <= SUBJECT_MAX ? printable : `${printable.slice(0, SUBJECT_MAX - 3)}...`;
}
