import { RESOURCE_STATUSES } from '../domain/model.js';
import { type AccountAlert, ALERT_KINDS, type AlertItem } from './alerts.js';
import type { DailyDigest } from './digest.js';
import { changedKinds } from './format-email.js';
import { explainReasons, KIND_HEADINGS, remedies } from './wording.js';

export type PlainText = { readonly type: 'plain_text'; readonly text: string; readonly emoji?: boolean };
export type Mrkdwn = { readonly type: 'mrkdwn'; readonly text: string };
export type SlackBlock =
  | { readonly type: 'header'; readonly text: PlainText }
  | { readonly type: 'section'; readonly text: Mrkdwn }
  | { readonly type: 'context'; readonly elements: readonly (PlainText | Mrkdwn)[] }
  | { readonly type: 'divider' };

/** The JSON body of an incoming-webhook post; `text` is the notification fallback. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/** Block Kit limits (api.slack.com/reference/block-kit): enforced here, asserted by the tests. */
export const SLACK_LIMITS = { blocks: 50, headerText: 150, sectionText: 3000, contextElements: 10 } as const;

const SEVERITY_EMOJI = {
  critical: ':rotating_light:',
  warning: ':warning:',
  info: ':white_check_mark:',
} as const;

export function formatSlack(alert: AccountAlert): SlackMessage {
  const count = alert.items.length;
  const text = `${alert.severity.toUpperCase()}: ${count} AWS Backup compliance change${count === 1 ? '' : 's'} in account ${alert.accountId}`;
  const head: SlackBlock[] = [
    header(`${SEVERITY_EMOJI[alert.severity]} AWS Backup: account ${alert.accountId}`),
    context([`*Severity:* ${alert.severity}`, `*Run:* ${escapeMrkdwn(alert.runId)}`, `*At:* ${alert.at}`]),
  ];
  const todo = remedies(alert.items.flatMap((item) => item.reasons));
  const tail: SlackBlock[] =
    todo.length > 0
      ? [{ type: 'divider' }, ...sections(['*What to do*', ...todo.map((step) => `• ${escapeMrkdwn(step)}`)])]
      : [];
  const groups = ALERT_KINDS.flatMap((kind) => {
    const items = alert.items.filter((item) => item.kind === kind);
    return items.length === 0
      ? []
      : [{ heading: `*${KIND_HEADINGS[kind]} (${items.length})*`, lines: items.map(slackLine) }];
  });
  return { text, blocks: fitBody(head, groups, tail) };
}

export function formatDigestSlack(digest: DailyDigest): SlackMessage {
  const { total } = digest;
  const text = `AWS Backup daily digest ${digest.day}: ${total.coveragePercent}% protected`;
  const head: SlackBlock[] = [
    header(`:bar_chart: AWS Backup daily digest ${digest.day}`),
    ...sections([
      `*${total.coveragePercent}%* of ${total.resources} tagged resources protected across ${total.accounts} accounts`,
      RESOURCE_STATUSES.map((status) => `${status}: *${total.byStatus[status]}*`).join('  ·  '),
    ]),
  ];
  const changes = changedKinds(digest).map((kind) => `• ${KIND_HEADINGS[kind]}: *${digest.changes[kind]}*`);
  const groups = [
    { heading: '*Changes today*', lines: changes.length > 0 ? changes : ['• none'] },
    {
      heading: '*Accounts needing attention*',
      lines:
        digest.accountsNeedingAttention.length > 0
          ? digest.accountsNeedingAttention.map(
              (account) =>
                `• \`${account.accountId}\`: ${account.needsAttention} of ${account.resources} resources`,
            )
          : ['• none'],
    },
  ];
  return { text, blocks: fitBody(head, groups, []) };
}

function slackLine(item: AlertItem): string {
  const why = item.reasons.length > 0 ? ` — ${escapeMrkdwn(explainReasons(item.reasons))}` : '';
  return `• *${escapeMrkdwn(item.region)}* \`${escapeMrkdwn(item.subject)}\` ${escapeMrkdwn(item.change)}${why}`;
}

/**
 * Lays out the groups between a fixed head and tail within the block budget; when they do not fit, the
 * last block says how many lines were left out instead of Slack rejecting the whole message.
 */
function fitBody(
  head: readonly SlackBlock[],
  groups: readonly { heading: string; lines: readonly string[] }[],
  tail: readonly SlackBlock[],
): SlackBlock[] {
  const body: { block: SlackBlock; lines: number }[] = [];
  for (const group of groups) {
    body.push({ block: { type: 'divider' }, lines: 0 });
    for (const chunk of chunkLines([group.heading, ...group.lines])) {
      body.push({
        block: section(chunk.join('\n')),
        lines: chunk.filter((line) => line !== group.heading).length,
      });
    }
  }
  const budget = SLACK_LIMITS.blocks - head.length - tail.length;
  if (body.length <= budget) return [...head, ...body.map((entry) => entry.block), ...tail];
  const kept = body.slice(0, budget - 1);
  const omitted = body.slice(budget - 1).reduce((sum, entry) => sum + entry.lines, 0);
  return [
    ...head,
    ...kept.map((entry) => entry.block),
    section(`_…and ${omitted} more not shown here; see the e-mail or the compliance report._`),
    ...tail,
  ];
}

function chunkLines(lines: readonly string[]): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const raw of lines) {
    const line = truncate(raw, SLACK_LIMITS.sectionText);
    if (current.length > 0 && length + 1 + line.length > SLACK_LIMITS.sectionText) {
      chunks.push(current);
      current = [];
      length = 0;
    }
    length += (current.length > 0 ? 1 : 0) + line.length;
    current.push(line);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function sections(lines: readonly string[]): SlackBlock[] {
  return chunkLines(lines).map((chunk) => section(chunk.join('\n')));
}

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) } };
}

function header(text: string): SlackBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text: truncate(text, SLACK_LIMITS.headerText), emoji: true },
  };
}

function context(texts: readonly string[]): SlackBlock {
  return {
    type: 'context',
    elements: texts.slice(0, SLACK_LIMITS.contextElements).map((text) => ({ type: 'mrkdwn', text })),
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Slack mrkdwn treats &, < and > as control characters. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
