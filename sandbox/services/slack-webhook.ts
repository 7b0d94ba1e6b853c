import type { SimState } from '../state.js';

/**
 * Slack's incoming webhook, as the controller's `fetch` sees it. It checks what Slack documents for a
 * message (https://docs.slack.dev/reference/block-kit/blocks): at most 50 blocks, section text at most
 * 3,000 characters, header text at most 150. Slack also rejects messages whose blocks hold much less text
 * than those limits allow (`msg_blocks_too_long`); the 12,000-character total used here is this sandbox's
 * own figure, not a documented one. Only https URLs on hooks.slack.com answer; anything else fails like an
 * unreachable host.
 */
const MAX_BLOCKS = 50;
const MAX_SECTION_TEXT = 3000;
const MAX_HEADER_TEXT = 150;
const MAX_TOTAL_BLOCK_TEXT = 12_000;

interface PostedBlock {
  readonly type?: string;
  readonly block_id?: string;
  readonly text?: { readonly text?: string };
  readonly elements?: readonly { readonly text?: string }[];
}

export function slackWebhookFetch(state: SimState): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (url.protocol !== 'https:' || url.hostname !== 'hooks.slack.com') {
      throw new TypeError('fetch failed', { cause: new Error(`getaddrinfo ENOTFOUND ${url.hostname}`) });
    }
    const failure = state.slackFailures.shift();
    if (failure) {
      // Like some proxies, the error page echoes the whole URL, token included.
      const headers: Record<string, string> = failure.retryAfterSeconds
        ? { 'retry-after': String(failure.retryAfterSeconds) }
        : {};
      return new Response(`upstream error for ${url.href}`, { status: failure.status, headers });
    }
    const body = String(init?.body ?? '');
    let message: { text?: unknown; blocks?: unknown };
    try {
      message = JSON.parse(body) as typeof message;
    } catch {
      return new Response('invalid_payload', { status: 400 });
    }
    const blocks = Array.isArray(message.blocks) ? (message.blocks as PostedBlock[]) : [];
    const problem = blockProblem(blocks);
    if (problem) return new Response(problem, { status: 400 });
    const header = blocks.find((block) => block.type === 'header')?.block_id ?? '';
    const [, severity = null, subject = null] = header.split(':');
    state.notifications.push({
      at: state.now.toISOString(),
      channel: 'slack',
      accountId: subject && /^\d{12}$/.test(subject) ? subject : null,
      severity,
      bytes: Buffer.byteLength(body),
      blocks: blocks.length,
    });
    state.slackPosts.push({ at: state.now, body });
    return new Response('ok', { status: 200 });
  };
}

function blockProblem(blocks: readonly PostedBlock[]): string | null {
  if (blocks.length > MAX_BLOCKS) return 'invalid_blocks';
  let total = 0;
  for (const block of blocks) {
    const text = block.text?.text ?? '';
    if (block.type === 'section' && text.length > MAX_SECTION_TEXT) return 'invalid_blocks';
    if (block.type === 'header' && text.length > MAX_HEADER_TEXT) return 'invalid_blocks';
    total +=
      text.length + (block.elements ?? []).reduce((sum, element) => sum + (element.text?.length ?? 0), 0);
  }
  return total > MAX_TOTAL_BLOCK_TEXT ? 'msg_blocks_too_long' : null;
}
