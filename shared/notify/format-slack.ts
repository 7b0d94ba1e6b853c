import { RESOURCE_STATUSES } from '../domain/model.js';
import type { AccountAlert, AlertItem, Severity } from './alerts.js';
import type { DailyDigest } from './digest.js';
import { changedKinds } from './format-email.js';
import { type AlertGroup, dashboardCommand, groupItems, whereToReadTheRest } from './groups.js';
import type { StormSummary } from './storm.js';
import { escapeMrkdwn, slackCode } from './untrusted-text.js';
import { explainReasons, KIND_HEADINGS, remedies } from './wording.js';

export type PlainText = { readonly type: 'plain_text'; readonly text: string; readonly emoji?: boolean };
export type Mrkdwn = { readonly type: 'mrkdwn'; readonly text: string };
export type SlackBlock =
  | { readonly type: 'header'; readonly block_id?: string; readonly text: PlainText }
  | { readonly type: 'section'; readonly text: Mrkdwn }
  | { readonly type: 'context'; readonly elements: readonly (PlainText | Mrkdwn)[] }
  | { readonly type: 'divider' };

/** The JSON body of an incoming-webhook post; `text` is the notification fallback. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/**
 * Block Kit limits, enforced here and asserted by the tests: 50 blocks per message, 3,000 characters per
 * section text, 150 per header (https://docs.slack.dev/reference/block-kit/blocks). Slack also rejects
 * messages whose blocks hold far less text than 50 × 3,000 (`msg_blocks_too_long`, reported from about
 * 13,000 characters), so the whole message's block text is kept under `totalText`.
 */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  contextElements: 10,
  totalText: 10_000,
  fallbackText: 3000,
} as const;

/** Resources listed per group in Slack; the rest are counted and pointed to. */
const SAMPLE_PER_GROUP = 5;
const SUBJECT_TEXT_MAX = 300;

const SEVERITY_EMOJI = {
  critical: ':rotating_light:',
  warning: ':warning:',
  info: ':white_check_mark:',
} as const;

/**
 * The header's block_id says what the message is about (`orgbackup:<severity>:<account id | organization>`),
 * so a receiver can count alerts without parsing the text.
 */
export function slackBlockId(severity: Severity, accountId: string | null): string {
  return `orgbackup:${severity}:${accountId ?? 'organization'}`;
}

/** `endpoint`: the report API URL the dashboard command of each group names (null: not known here). */
export function formatSlack(alert: AccountAlert, endpoint: string | null = null): SlackMessage {
  const count = alert.items.length;
  const text = `${alert.severity.toUpperCase()}: ${count} AWS Backup compliance change${count === 1 ? '' : 's'} in account ${alert.accountId}`;
  const head: SlackBlock[] = [
    header(
      `${SEVERITY_EMOJI[alert.severity]} AWS Backup: account ${alert.accountId}`,
      slackBlockId(alert.severity, alert.accountId),
    ),
    context([`*Severity:* ${alert.severity}`, `*Run:* ${slackCode(alert.runId, 200)}`, `*At:* ${alert.at}`]),
  ];
  const todo = remedies(alert.items.flatMap((item) => item.reasons));
  const tail: SlackBlock[] =
    todo.length > 0
      ? [{ type: 'divider' }, ...sections(['*What to do*', ...todo.map((step) => `• ${escapeMrkdwn(step)}`)])]
      : [];
  const groups = groupItems(alert.items).map((group) => ({
    heading: groupHeading(group),
    lines: groupLines(alert.accountId, group, endpoint),
    count: group.items.length,
  }));
  return { text, blocks: fitBody(head, groups, tail) };
}

function groupHeading(group: AlertGroup): string {
  const why = group.reasons.length > 0 ? ` — ${escapeMrkdwn(explainReasons(group.reasons))}` : '';
  return `*${KIND_HEADINGS[group.kind]}: ${escapeMrkdwn(group.outcome)} (${group.items.length})*${why}`;
}

function groupLines(accountId: string, group: AlertGroup, endpoint: string | null): string[] {
  const lines = group.items.slice(0, SAMPLE_PER_GROUP).map(slackLine);
  const rest = group.items.length - SAMPLE_PER_GROUP;
  if (rest > 0) lines.push(`_…and ${rest} more: ${escapeMrkdwn(whereToReadTheRest(accountId, group))}_`);
  lines.push(`Dashboard: ${slackCode(dashboardCommand(endpoint, accountId, group), 2000)}`);
  return lines;
}

/** Untrusted text (the ARN or target) only ever appears inside a code span. */
function slackLine(item: AlertItem): string {
  return `• *${escapeMrkdwn(item.region)}* ${slackCode(item.subject, SUBJECT_TEXT_MAX)} ${escapeMrkdwn(item.change)}`;
}

export function formatDigestSlack(digest: DailyDigest): SlackMessage {
  const { total } = digest;
  const text = `AWS Backup daily digest ${digest.day}: ${total.coveragePercent}% protected`;
  const head: SlackBlock[] = [
    header(`:bar_chart: AWS Backup daily digest ${digest.day}`, slackBlockId('info', null)),
    ...sections([
      `*${total.coveragePercent}%* of ${total.resources} tagged resources protected across ${total.accounts} accounts`,
      RESOURCE_STATUSES.map((status) => `${status}: *${total.byStatus[status]}*`).join('  ·  '),
    ]),
  ];
  const changes = changedKinds(digest).map((kind) => `• ${KIND_HEADINGS[kind]}: *${digest.changes[kind]}*`);
  const groups = [
    { heading: '*Changes today*', lines: changes.length > 0 ? changes : ['• none'], count: changes.length },
    ...(digest.flapping.length > 0
      ? [
          {
            heading: `*Flapping (${digest.flapping.length})*`,
            lines: digest.flapping.map(
              (flap) =>
                `• \`${flap.accountId}\` ${slackCode(flap.arn, SUBJECT_TEXT_MAX)}: ${flap.changes} changes`,
            ),
            count: digest.flapping.length,
          },
        ]
      : []),
    {
      heading: '*Accounts needing attention*',
      lines:
        digest.accountsNeedingAttention.length > 0
          ? digest.accountsNeedingAttention.map(
              (account) =>
                `• \`${account.accountId}\`: ${account.needsAttention} of ${account.resources} resources`,
            )
          : ['• none'],
      count: digest.accountsNeedingAttention.length,
    },
  ];
  return { text, blocks: fitBody(head, groups, []) };
}

export function formatStormSlack(storm: StormSummary): SlackMessage {
  const text = `${storm.severity.toUpperCase()}: AWS Backup compliance changed in ${storm.accountCount} accounts`;
  const head: SlackBlock[] = [
    header(
      `${SEVERITY_EMOJI[storm.severity]} AWS Backup: ${storm.accountCount} accounts changed`,
      slackBlockId(storm.severity, null),
    ),
    ...sections([
      `More than ${storm.threshold} accounts changed in run ${slackCode(storm.runId, 200)}, so this one summary replaces the per-account messages. The full list: \`orgbackup report\` (report API: GET /summary, GET /findings).`,
    ]),
  ];
  const kinds = Object.entries(storm.byKind).filter(([, count]) => count > 0);
  const groups = [
    {
      heading: '*Changes*',
      lines: kinds.map(
        ([kind, count]) => `• ${KIND_HEADINGS[kind as keyof typeof KIND_HEADINGS]}: *${count}*`,
      ),
      count: kinds.length,
    },
    {
      heading: '*Accounts with the most changes*',
      lines: storm.accounts.map((a) => `• \`${a.accountId}\` (${a.severity}): ${a.changes} changes`),
      count: storm.accountCount,
    },
  ];
  return { text, blocks: fitBody(head, groups, []) };
}

type Group = { readonly heading: string; readonly lines: readonly string[]; readonly count: number };

/**
 * Lays out the groups between a fixed head and tail within the block and text budgets; what does not fit
 * is counted in a last line pointing to the e-mail and the report, instead of Slack rejecting the message.
 */
function fitBody(
  head: readonly SlackBlock[],
  groups: readonly Group[],
  tail: readonly SlackBlock[],
): SlackBlock[] {
  const reserved = 1; // the "…and more" line
  let blocksLeft = SLACK_LIMITS.blocks - head.length - tail.length - reserved;
  let textLeft = SLACK_LIMITS.totalText - textOf(head) - textOf(tail) - 200;
  const body: SlackBlock[] = [];
  let omittedGroups = 0;
  for (const group of groups) {
    const blocks: SlackBlock[] = [{ type: 'divider' }, ...sections([group.heading, ...group.lines])];
    const size = textOf(blocks);
    if (omittedGroups > 0 || blocks.length > blocksLeft || size > textLeft) {
      omittedGroups += 1;
      continue;
    }
    body.push(...blocks);
    blocksLeft -= blocks.length;
    textLeft -= size;
  }
  const more =
    omittedGroups > 0
      ? [
          section(
            `_…and ${omittedGroups} more group${omittedGroups === 1 ? '' : 's'} not shown here; see the e-mail or the compliance report._`,
          ),
        ]
      : [];
  return [...head, ...body, ...more, ...tail];
}

function textOf(blocks: readonly SlackBlock[]): number {
  let total = 0;
  for (const block of blocks) {
    if (block.type === 'header' || block.type === 'section') total += block.text.text.length;
    if (block.type === 'context') for (const element of block.elements) total += element.text.length;
  }
  return total;
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

function header(text: string, blockId: string): SlackBlock {
  return {
    type: 'header',
    block_id: blockId,
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
