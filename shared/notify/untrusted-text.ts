/**
 * Member accounts choose resource names, tag values and job messages, so any of that text may try to forge
 * lines or formatting in an alert. Everything untrusted passes through here before it is formatted.
 */

/**
 * Control characters (Cc: C0, DEL, C1), format characters (Cf: among them the bidirectional overrides and
 * isolates that make text display in another order than it reads, and zero-width characters), and the
 * line and paragraph separators.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/** One line of plain text: no controls, runs of any whitespace as one space, at most `max` characters. */
export function singleLine(text: string, max: number): string {
  const line = text.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** Slack mrkdwn treats &, < and > as control characters (mentions, links). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Untrusted text as a Slack inline code span: one line, escaped, and without backticks (a backtick would
 * end the span and let the rest be formatted and auto-linked), so nothing inside is formatted or linked.
 */
export function slackCode(text: string, max: number): string {
  return `\`${escapeMrkdwn(singleLine(text, max).replace(/`/g, "'"))}\``;
}
