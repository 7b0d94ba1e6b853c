import { RESOURCE_STATUSES } from '../domain/model.js';
import { type AccountAlert, ALERT_KINDS, type AlertItem, type AlertKind } from './alerts.js';
import type { DailyDigest } from './digest.js';
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
/** Keeps a message for an unreachable account with thousands of resources far below SNS's 256 KB. */
const MAX_ITEMS_IN_BODY = 200;

export function formatEmail(alert: AccountAlert): EmailMessage {
  const count = alert.items.length;
  const subject = toSubject(
    `[${alert.severity.toUpperCase()}] AWS Backup: ${count} change${count === 1 ? '' : 's'} in account ${alert.accountId}`,
  );
  const lines = [
    `AWS Backup compliance changed in account ${alert.accountId} (run ${alert.runId}, ${alert.at}).`,
    '',
  ];
  const shown = alert.items.slice(0, MAX_ITEMS_IN_BODY);
  for (const kind of ALERT_KINDS) {
    const items = shown.filter((item) => item.kind === kind);
    if (items.length === 0) continue;
    lines.push(`${KIND_HEADINGS[kind].toUpperCase()} (${items.length})`);
    for (const item of items) lines.push(...describeItem(item), '');
  }
  if (count > shown.length) {
    lines.push(`…and ${count - shown.length} more changes; see the compliance report for the full list.`, '');
  }
  const todo = remedies(shown.flatMap((item) => item.reasons));
  if (todo.length > 0) {
    lines.push('WHAT TO DO');
    lines.push(...todo.map((step) => `- ${step}`), '');
  }
  lines.push('You receive this because you subscribed to the org-backup-controller alerts topic.');
  return {
    subject,
    body: lines.join('\n'),
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

function describeItem(item: AlertItem): string[] {
  const lines = [`- [${item.region}] ${item.subject}: ${item.change}`];
  if (item.reasons.length > 0) lines.push(`    Why: ${explainReasons(item.reasons)}`);
  if (item.detail) lines.push(`    Detail: ${item.detail}`);
  return lines;
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
  lines.push('', 'ACCOUNTS NEEDING ATTENTION');
  if (digest.accountsNeedingAttention.length === 0) lines.push('- none');
  for (const account of digest.accountsNeedingAttention.slice(0, MAX_ITEMS_IN_BODY)) {
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
    body: lines.join('\n'),
    attributes: {
      kind: { DataType: 'String', StringValue: 'DAILY_DIGEST' },
      severity: { DataType: 'String', StringValue: 'info' },
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
