import { SLACK_LIMITS } from '../../shared/notify/format-slack.js';

/**
 * Structural Block Kit validation of an incoming-webhook body (what Slack rejects with `invalid_blocks`):
 * known block types, text object types, and the documented size limits. Returns the problems found.
 */
export function blockKitProblems(body: unknown): string[] {
  const problems: string[] = [];
  const message = body as { text?: unknown; blocks?: unknown };
  if (typeof message.text !== 'string' || message.text.length === 0) problems.push('missing fallback text');
  if (!Array.isArray(message.blocks)) return [...problems, 'blocks is not an array'];
  if (message.blocks.length === 0 || message.blocks.length > SLACK_LIMITS.blocks) {
    problems.push(`${message.blocks.length} blocks (1..${SLACK_LIMITS.blocks} allowed)`);
  }
  const textObject = (where: string, value: unknown, types: string[], max: number) => {
    const text = value as { type?: unknown; text?: unknown };
    if (!types.includes(String(text?.type))) problems.push(`${where}: text type ${String(text?.type)}`);
    if (typeof text?.text !== 'string' || text.text.length === 0 || text.text.length > max) {
      problems.push(
        `${where}: text length ${String((text?.text as string | undefined)?.length)} (1..${max})`,
      );
    }
  };
  message.blocks.forEach((raw, index) => {
    const block = raw as { type?: unknown; text?: unknown; elements?: unknown };
    const where = `blocks[${index}] ${String(block.type)}`;
    switch (block.type) {
      case 'header':
        textObject(where, block.text, ['plain_text'], SLACK_LIMITS.headerText);
        break;
      case 'section':
        textObject(where, block.text, ['mrkdwn', 'plain_text'], SLACK_LIMITS.sectionText);
        break;
      case 'context':
        if (!Array.isArray(block.elements) || block.elements.length === 0)
          problems.push(`${where}: no elements`);
        else if (block.elements.length > SLACK_LIMITS.contextElements)
          problems.push(`${where}: too many elements`);
        else
          block.elements.forEach((element, i) => {
            textObject(`${where}[${i}]`, element, ['mrkdwn', 'plain_text'], 3000);
          });
        break;
      case 'divider':
        if (Object.keys(block).length !== 1) problems.push(`${where}: unexpected fields`);
        break;
      default:
        problems.push(`${where}: unknown block type`);
    }
  });
  return problems;
}
