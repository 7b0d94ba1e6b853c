import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FindingTransition } from '../../shared/domain/model.js';
import { buildAlerts } from '../../shared/notify/alerts.js';
import { AlertDeliveryError } from '../../shared/notify/errors.js';
import { AlertPublisher } from '../../shared/notify/publisher.js';
import { blockKitProblems } from './block-kit.js';

const NOW = new Date('2026-03-04T10:00:00.000Z');
const TOPIC = 'arn:aws:sns:eu-west-1:999999999999:org-backup-alerts';
const WEBHOOK_PATH = '/services/T0SECRET/B0SECRET/xoxTopSecretToken';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local stand-in for Slack's incoming webhook: records every request, answers from a script. */
class WebhookReceiver {
  readonly requests: Received[] = [];
  private replies: { status: number; headers?: Record<string, string>; body: string }[] = [];
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      this.requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const reply = this.replies.shift() ?? { status: 200, body: 'ok' };
      response.writeHead(reply.status, reply.headers).end(reply.body);
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${WEBHOOK_PATH}`;
  }

  answer(...replies: { status: number; headers?: Record<string, string>; body: string }[]): void {
    this.replies = replies;
  }

  reset(): void {
    this.requests.length = 0;
    this.replies = [];
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function degraded(accountId: string, n: number): FindingTransition {
  return {
    accountId,
    region: 'eu-west-1',
    subject: { kind: 'resource', arn: `arn:aws:ec2:eu-west-1:${accountId}:volume/vol-${n}` },
    from: 'PROTECTED',
    to: 'UNPROTECTED',
    at: NOW.toISOString(),
    reasons: ['VAULT_MISSING'],
    detail: 'No recovery point.',
  };
}

const receiver = new WebhookReceiver();
const sns = mockClient(SNSClient);
const secrets = mockClient(SecretsManagerClient);
let webhookUrl: string;
let logs: string[];
let sleeps: number[];

function publisher(overrides: { slackSecretName?: string | null } = {}) {
  const record = (level: string) => (message: string, extra?: Record<string, unknown>) =>
    logs.push(`${level} ${message} ${JSON.stringify(extra ?? {})}`);
  return new AlertPublisher({
    sns: new SNSClient({ region: 'eu-west-1' }),
    topicArn: TOPIC,
    secrets: new SecretsManagerClient({ region: 'eu-west-1' }),
    slackSecretName: 'org-backup/slack-webhook',
    logger: { info: record('info'), warn: record('warn'), error: record('error') },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
}

beforeAll(async () => {
  webhookUrl = await receiver.start();
});
afterAll(() => receiver.stop());
beforeEach(() => {
  receiver.reset();
  sns.reset();
  secrets.reset();
  logs = [];
  sleeps = [];
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ webhookUrl }) });
});
afterEach(() => {
  expect(logs.join('\n')).not.toContain(WEBHOOK_PATH);
  expect(logs.join('\n')).not.toContain('xoxTopSecretToken');
});

describe('AlertPublisher', () => {
  it('publishes one SNS message and one Slack post per account per run', async () => {
    const alerts = buildAlerts({
      runId: 'run-1',
      transitions: [degraded('111111111111', 1), degraded('111111111111', 2), degraded('222222222222', 3)],
      actions: [],
      now: NOW,
    });

    const outcome = await publisher().publish(alerts);

    expect(outcome).toEqual({ snsMessageIds: ['m-1', 'm-1'], slackDelivered: 2, slackFailed: 0 });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(sns).toHaveReceivedNthCommandWith(PublishCommand, 1, {
      TopicArn: TOPIC,
      Subject: '[CRITICAL] AWS Backup: 2 changes in account 111111111111',
      MessageAttributes: expect.objectContaining({
        accountId: { DataType: 'String', StringValue: '111111111111' },
        severity: { DataType: 'String', StringValue: 'critical' },
      }),
    });
    expect(receiver.requests).toHaveLength(2);
    for (const request of receiver.requests) {
      expect(request.method).toBe('POST');
      expect(request.url).toBe(WEBHOOK_PATH);
      expect(request.headers['content-type']).toBe('application/json');
      expect(blockKitProblems(JSON.parse(request.body))).toEqual([]);
    }
    expect(JSON.parse(receiver.requests[0]!.body).text).toContain(
      '2 AWS Backup compliance changes in account 111111111111',
    );
  });

  it('reads the webhook secret once and caches it', async () => {
    const alerts = buildAlerts({
      runId: 'run-1',
      transitions: [degraded('111111111111', 1)],
      actions: [],
      now: NOW,
    });
    const shared = publisher();
    await shared.publish(alerts);
    await shared.publish(alerts);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(receiver.requests).toHaveLength(2);
  });

  it('waits for Retry-After on 429, then delivers', async () => {
    receiver.answer(
      { status: 429, headers: { 'retry-after': '3' }, body: 'rate_limited' },
      { status: 200, body: 'ok' },
    );
    const alerts = buildAlerts({
      runId: 'run-1',
      transitions: [degraded('111111111111', 1)],
      actions: [],
      now: NOW,
    });

    const outcome = await publisher().publish(alerts);

    expect(outcome.slackDelivered).toBe(1);
    expect(sleeps).toEqual([3000]);
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[1]!.body).toBe(receiver.requests[0]!.body);
  });

  it('backs off exponentially on 5xx and, when Slack stays down, keeps the SNS alert and logs without the URL', async () => {
    receiver.answer(
      ...Array.from({ length: 4 }, () => ({ status: 503, body: `upstream ${WEBHOOK_PATH} unavailable` })),
    );
    const alerts = buildAlerts({
      runId: 'run-1',
      transitions: [degraded('111111111111', 1)],
      actions: [],
      now: NOW,
    });

    const outcome = await publisher().publish(alerts);

    expect(outcome).toEqual({ snsMessageIds: ['m-1'], slackDelivered: 0, slackFailed: 1 });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(receiver.requests).toHaveLength(4);
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(logs.some((line) => line.startsWith('error Slack alert not posted'))).toBe(true);
    expect(logs.join('\n')).toContain('[slack-webhook-url]');
  });

  it('does not retry a rejected payload (4xx) and reads the secret again after a revoked webhook', async () => {
    receiver.answer({ status: 404, body: 'no_service' });
    const alerts = buildAlerts({
      runId: 'run-1',
      transitions: [degraded('111111111111', 1)],
      actions: [],
      now: NOW,
    });
    const shared = publisher();

    expect((await shared.publish(alerts)).slackFailed).toBe(1);
    await shared.publish(alerts);

    expect(receiver.requests).toHaveLength(2);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('posts nothing to Slack without a secret name, and still publishes to SNS', async () => {
    const alerts = buildAlerts({
      runId: 'run-1',
      transitions: [degraded('111111111111', 1)],
      actions: [],
      now: NOW,
    });
    const outcome = await publisher({ slackSecretName: null }).publish(alerts);
    expect(outcome).toEqual({ snsMessageIds: ['m-1'], slackDelivered: 0, slackFailed: 0 });
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 0);
    expect(receiver.requests).toHaveLength(0);
  });

  it('still posts to Slack when SNS fails, then raises AlertDeliveryError', async () => {
    sns.on(PublishCommand).rejects(new Error('SNS is down'));
    const alerts = buildAlerts({
      runId: 'run-1',
      transitions: [degraded('111111111111', 1)],
      actions: [],
      now: NOW,
    });
    await expect(publisher().publish(alerts)).rejects.toBeInstanceOf(AlertDeliveryError);
    expect(receiver.requests).toHaveLength(1);
  });

  it('does not leak the URL when the network call itself fails', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: `http://127.0.0.1:1${WEBHOOK_PATH}` });
    const alerts = buildAlerts({
      runId: 'run-1',
      transitions: [degraded('111111111111', 1)],
      actions: [],
      now: NOW,
    });
    const outcome = await publisher().publish(alerts);
    expect(outcome.slackFailed).toBe(1);
    expect(logs.filter((line) => line.startsWith('warn'))).toHaveLength(3);
  });
});
