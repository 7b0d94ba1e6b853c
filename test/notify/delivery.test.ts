import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertDelivery, type OutgoingMessage, webhookUrlFromSecret } from '../../shared/notify/delivery.js';
import { SlackWebhookSecretError } from '../../shared/notify/errors.js';
import { blockKitProblems } from './block-kit.js';

const TOPIC = 'arn:aws:sns:eu-west-1:999999999999:org-backup-alerts';
const TOKEN_PATH = '/services/T0SECRET/B0SECRET/xoxTopSecretToken';
const WEBHOOK = `https://hooks.slack.com${TOKEN_PATH}`;

type Reply = { status: number; headers?: Record<string, string>; body: string; takesMs?: number };

/**
 * Slack's side as a scripted `fetch` on a fake clock: each request takes its reply's time, and a request
 * that would outlast its abort signal's timeout fails the way fetch does.
 */
class FakeSlack {
  clock = 0;
  readonly requests: { url: string; body: string; timeoutMs: number }[] = [];
  replies: Reply[] = [];

  readonly fetch: typeof fetch = async (input, init) => {
    const timeoutMs = timeoutOf(init?.signal);
    this.requests.push({ url: String(input), body: String(init?.body), timeoutMs });
    const reply = this.replies.shift() ?? { status: 200, body: 'ok' };
    const takes = reply.takesMs ?? 100;
    if (takes > timeoutMs) {
      this.clock += timeoutMs;
      throw new DOMException(`The operation was aborted due to timeout (${WEBHOOK})`, 'TimeoutError');
    }
    this.clock += takes;
    return new Response(reply.body, {
      status: reply.status,
      ...(reply.headers ? { headers: reply.headers } : {}),
    });
  };
}

/** AbortSignal.timeout(ms) keeps no public trace of ms; the delivery passes it in a known shape. */
const timeouts = new WeakMap<AbortSignal, number>();
const realTimeout = AbortSignal.timeout.bind(AbortSignal);
function timeoutOf(signal: AbortSignal | null | undefined): number {
  return (signal && timeouts.get(signal)) ?? Number.POSITIVE_INFINITY;
}

const sns = mockClient(SNSClient);
const secrets = mockClient(SecretsManagerClient);
// The stubs sit on the clients' prototypes: later test files in the same worker get the real `send`.
afterAll(() => {
  for (const mock of [sns, secrets]) mock.restore();
});
let slack: FakeSlack;
let logs: string[];

function delivery(budgetMs = 40_000) {
  const record = (level: string) => (message: string, extra?: Record<string, unknown>) =>
    logs.push(`${level} ${message} ${JSON.stringify(extra ?? {})}`);
  return new AlertDelivery({
    clients: async () => ({
      sns: new SNSClient({ region: 'eu-west-1' }),
      secrets: new SecretsManagerClient({ region: 'eu-west-1' }),
    }),
    fetch: slack.fetch,
    now: () => slack.clock,
    sleep: async (ms) => {
      slack.clock += ms;
    },
    budgetMs,
    logger: { info: record('info'), warn: record('warn'), error: record('error') },
  });
}

function message(accountId: string, channel: 'sns' | 'slack'): OutgoingMessage {
  const base = {
    id: `run-1#${accountId}#${channel}`,
    createdAt: '2026-03-04T10:00:00.000Z',
    accountId,
    severity: 'critical' as const,
  };
  return channel === 'sns'
    ? {
        ...base,
        payload: {
          channel,
          topicArn: TOPIC,
          email: { subject: `alert ${accountId}`, body: 'body', attributes: {} },
        },
      }
    : {
        ...base,
        payload: {
          channel,
          secretName: 'org-backup/slack',
          slack: {
            text: `alert ${accountId}`,
            blocks: [{ type: 'section', text: { type: 'mrkdwn', text: accountId } }],
          },
        },
      };
}

const ACCOUNTS = ['222222222221', '222222222222', '222222222223', '222222222224'];

beforeEach(() => {
  slack = new FakeSlack();
  logs = [];
  sns.reset();
  secrets.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ webhookUrl: WEBHOOK }) });
  AbortSignal.timeout = (ms: number) => {
    const signal = realTimeout(ms);
    timeouts.set(signal, ms);
    return signal;
  };
});
afterEach(() => {
  AbortSignal.timeout = realTimeout;
  expect(logs.join('\n')).not.toContain('xoxTopSecretToken');
  expect(logs.join('\n')).not.toContain('hooks.slack.com');
});

describe('AlertDelivery', () => {
  it('sends every e-mail before any Slack post, so a rate-limited webhook cannot starve later accounts', async () => {
    // Slack answers 429 "retry after 30 s" to everything.
    slack.replies = Array.from({ length: 20 }, () => ({
      status: 429,
      headers: { 'retry-after': '30' },
      body: 'rate_limited',
    }));
    const messages = ACCOUNTS.flatMap((account) => [message(account, 'sns'), message(account, 'slack')]);

    const outcome = await delivery(40_000).deliver(messages);

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 4);
    expect(outcome.delivered.map((m) => m.id)).toEqual(ACCOUNTS.map((a) => `run-1#${a}#sns`));
    expect(outcome.undelivered.map((m) => m.id)).toEqual(ACCOUNTS.map((a) => `run-1#${a}#slack`));
    // Within the 40 s budget, never waiting out a Retry-After that would cross it.
    expect(slack.clock).toBeLessThanOrEqual(40_000);
  });

  it('gives every Slack request a timeout within the remaining budget, and stops when the budget is spent', async () => {
    slack.replies = Array.from({ length: 20 }, () => ({ status: 200, body: 'ok', takesMs: 60_000 }));
    const messages = ACCOUNTS.map((account) => message(account, 'slack'));

    const outcome = await delivery(12_000).deliver(messages);

    expect(slack.requests.length).toBeGreaterThan(0);
    for (const request of slack.requests) expect(request.timeoutMs).toBeLessThanOrEqual(5_000);
    expect(slack.clock).toBeLessThanOrEqual(12_000);
    expect(outcome.delivered).toEqual([]);
    expect(outcome.undelivered).toHaveLength(4);
  });

  it('waits for a Retry-After that fits the budget, then delivers', async () => {
    slack.replies = [
      { status: 429, headers: { 'retry-after': '3' }, body: 'rate_limited' },
      { status: 200, body: 'ok' },
    ];
    const outcome = await delivery().deliver([message(ACCOUNTS[0]!, 'slack')]);
    expect(outcome.delivered).toHaveLength(1);
    expect(slack.requests).toHaveLength(2);
    expect(slack.requests[1]!.body).toBe(slack.requests[0]!.body);
  });

  it('hands a failed SNS publish back as undelivered instead of throwing', async () => {
    sns.on(PublishCommand).rejects(new Error('SNS is down'));
    const outcome = await delivery().deliver([message(ACCOUNTS[0]!, 'sns'), message(ACCOUNTS[0]!, 'slack')]);
    expect(outcome.undelivered.map((m) => m.payload.channel)).toEqual(['sns']);
    expect(outcome.delivered.map((m) => m.payload.channel)).toEqual(['slack']);
  });

  it('does not retry a rejected payload and reads the secret again after a revoked webhook', async () => {
    slack.replies = [{ status: 404, body: `no_service ${TOKEN_PATH}` }];
    const shared = delivery();
    expect((await shared.deliver([message(ACCOUNTS[0]!, 'slack')])).undelivered).toHaveLength(1);
    await shared.deliver([message(ACCOUNTS[0]!, 'slack')]);
    expect(slack.requests).toHaveLength(2);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
    expect(logs.join('\n')).toContain('[slack-webhook-url]');
  });

  it('posts Block Kit bodies Slack accepts', async () => {
    await delivery().deliver([message(ACCOUNTS[0]!, 'slack')]);
    expect(blockKitProblems(JSON.parse(slack.requests[0]!.body))).toEqual([]);
  });
});

describe('webhookUrlFromSecret', () => {
  it.each([
    { why: 'plain URL', secret: WEBHOOK },
    { why: 'JSON webhookUrl', secret: JSON.stringify({ webhookUrl: WEBHOOK }) },
    { why: 'JSON url', secret: JSON.stringify({ url: WEBHOOK }) },
  ])('accepts $why', ({ secret }) => {
    expect(webhookUrlFromSecret('s', secret)).toBe(WEBHOOK);
  });

  it.each([
    { why: 'http is not encrypted', secret: 'http://hooks.slack.com/services/T0/B0/abc' },
    { why: 'not a URL', secret: 'hooks.slack.com/services/T0/B0/abc' },
    { why: 'empty', secret: '' },
    { why: 'a number where the URL goes', secret: '{"webhookUrl": 42}' },
  ])('rejects $why', ({ secret }) => {
    expect(() => webhookUrlFromSecret('s', secret)).toThrow(SlackWebhookSecretError);
  });

  it('never quotes a malformed secret in its error, not even the part a JSON parser would show', () => {
    const malformed = `{"webhookUrl": ${WEBHOOK}}`;
    let text = '';
    try {
      webhookUrlFromSecret('org-backup/slack', malformed);
    } catch (error) {
      text = `${String(error)} ${String((error as Error).cause ?? '')}`;
    }
    expect(text).toContain('org-backup/slack');
    expect(text).not.toContain('hooks');
    expect(text).not.toContain('xoxTop');
  });
});
