import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FindingTransition } from '../../shared/domain/model.js';
import { AlertMemory } from '../../shared/notify/alert-memory.js';
import { buildAlerts } from '../../shared/notify/alerts.js';
import { dampFlaps, type FlapRecord, flapKey } from '../../shared/notify/flaps.js';
import { AlertPublisher } from '../../shared/notify/publisher.js';
import { type AlertRoute, routeAccount } from '../../shared/notify/routing.js';
import { summariseStorm } from '../../shared/notify/storm.js';
import { createFindingsTable, type LocalDynamo, startLocalDynamo } from '../support/dynamo.js';

const A = '111111111111';
const ARN = `arn:aws:ec2:eu-west-1:${A}:volume/vol-1`;
const FLAP = { maxChanges: 2, windowHours: 24 };

function change(
  from: FindingTransition['from'],
  to: FindingTransition['to'],
  at: string,
  accountId = A,
): FindingTransition {
  return {
    accountId,
    region: 'eu-west-1',
    subject: {
      kind: 'resource',
      arn: accountId === A ? ARN : `arn:aws:ec2:eu-west-1:${accountId}:volume/vol-1`,
    },
    from,
    to,
    at,
    reasons: to === 'PROTECTED' ? [] : ['JOB_FAILED'],
    detail: '',
  };
}

describe('dampFlaps', () => {
  it.each([
    {
      why: 'two class changes within the window alert as usual',
      changes: [
        change('PROTECTED', 'FAILING', '2026-03-02T05:00:00Z'),
        change('FAILING', 'PROTECTED', '2026-03-02T09:00:00Z'),
      ],
      alert: 2,
      flapping: 0,
      suppressed: 0,
    },
    {
      why: 'the third change within 24 h makes it flapping: alerted once as such',
      changes: [
        change('PROTECTED', 'FAILING', '2026-03-02T05:00:00Z'),
        change('FAILING', 'PROTECTED', '2026-03-02T09:00:00Z'),
        change('PROTECTED', 'STALE', '2026-03-02T12:00:00Z'),
      ],
      alert: 2,
      flapping: 1,
      suppressed: 0,
    },
    {
      why: 'further changes of a flapping resource are left to the digest',
      changes: [
        change('PROTECTED', 'FAILING', '2026-03-02T05:00:00Z'),
        change('FAILING', 'PROTECTED', '2026-03-02T09:00:00Z'),
        change('PROTECTED', 'STALE', '2026-03-02T12:00:00Z'),
        change('STALE', 'PROTECTED', '2026-03-02T13:00:00Z'),
        change('PROTECTED', 'FAILING', '2026-03-02T14:00:00Z'),
      ],
      alert: 2,
      flapping: 1,
      suppressed: 2,
    },
    {
      why: 'changes a window apart never add up',
      changes: [
        change('PROTECTED', 'FAILING', '2026-03-02T05:00:00Z'),
        change('FAILING', 'PROTECTED', '2026-03-03T06:00:00Z'),
        change('PROTECTED', 'FAILING', '2026-03-04T07:00:00Z'),
      ],
      alert: 3,
      flapping: 0,
      suppressed: 0,
    },
    {
      why: 'changes within a class are not counted (FAILING ↔ UNPROTECTED)',
      changes: [
        change('PROTECTED', 'FAILING', '2026-03-02T05:00:00Z'),
        change('FAILING', 'UNPROTECTED', '2026-03-02T06:00:00Z'),
        change('UNPROTECTED', 'FAILING', '2026-03-02T07:00:00Z'),
        change('FAILING', 'UNPROTECTED', '2026-03-02T08:00:00Z'),
      ],
      alert: 4,
      flapping: 0,
      suppressed: 0,
    },
  ])('$why', ({ changes, alert, flapping, suppressed }) => {
    // One run per change, carrying the records forward as the store would.
    let records = new Map<string, FlapRecord>();
    const totals = { alert: 0, flapping: 0, suppressed: 0 };
    for (const transition of changes) {
      const damped = dampFlaps([transition], records, FLAP);
      totals.alert += damped.alert.length;
      totals.flapping += damped.flapping.length;
      totals.suppressed += damped.suppressed;
      records = new Map([
        ...records,
        ...damped.records.map((r) => [flapKey(r.accountId, r.region, r.arn), r] as const),
      ]);
    }
    expect(totals).toEqual({ alert, flapping, suppressed });
  });
});

describe('summariseStorm', () => {
  const alertsFor = (accounts: number) =>
    buildAlerts({
      runId: 'first-sweep',
      transitions: Array.from({ length: accounts }, (_, n) =>
        change(null, 'UNPROTECTED', '2026-03-02T00:00:00Z', String(300000000000 + n)),
      ),
      actions: [],
      now: new Date('2026-03-02T00:00:00Z'),
    });

  it('lets each account have its own message up to the threshold', () => {
    expect(summariseStorm(alertsFor(25), 25)).toBeNull();
  });

  it('replaces 5,000 per-account messages with one organization-wide summary', () => {
    const storm = summariseStorm(alertsFor(5000), 25);
    expect(storm).toMatchObject({ accountCount: 5000, threshold: 25, severity: 'critical' });
    expect(storm?.byKind.RESOURCE_DEGRADED).toBe(5000);
    expect(storm?.accounts).toHaveLength(50);
  });
});

describe('routeAccount', () => {
  const globals = { topicArn: 'arn:aws:sns:eu-west-1:111111111111:global', slackSecretName: 'global/slack' };
  const routes: AlertRoute[] = [
    { accounts: ['222222222222'], snsTopic: 'arn:aws:sns:eu-west-1:111111111111:payments' },
    { ous: ['/Workloads/Prod'], slackWebhookSecretName: 'prod/slack' },
    {
      ous: ['ou-ab12-cdef3456'],
      snsTopic: 'arn:aws:sns:eu-west-1:111111111111:sandbox',
      slackWebhookSecretName: 'sandbox/slack',
    },
  ];
  it.each([
    {
      why: 'a listed account',
      account: '222222222222',
      ancestry: null,
      expected: { topicArn: 'arn:aws:sns:eu-west-1:111111111111:payments', slackSecretName: 'global/slack' },
    },
    {
      why: 'an account below an OU path',
      account: '333333333333',
      ancestry: {
        ouIds: ['ou-ab12-prod0001', 'ou-ab12-work0001'],
        ouPaths: ['/Workloads/Prod', '/Workloads'],
      },
      expected: { topicArn: globals.topicArn, slackSecretName: 'prod/slack' },
    },
    {
      why: 'an account below an OU id',
      account: '444444444444',
      ancestry: { ouIds: ['ou-ab12-cdef3456'], ouPaths: ['/Sandbox'] },
      expected: { topicArn: 'arn:aws:sns:eu-west-1:111111111111:sandbox', slackSecretName: 'sandbox/slack' },
    },
    {
      why: 'first match wins',
      account: '222222222222',
      ancestry: { ouIds: ['ou-ab12-cdef3456'], ouPaths: ['/Sandbox'] },
      expected: { topicArn: 'arn:aws:sns:eu-west-1:111111111111:payments', slackSecretName: 'global/slack' },
    },
    {
      why: 'no match: the global channels',
      account: '555555555555',
      ancestry: { ouIds: [], ouPaths: [] },
      expected: globals,
    },
  ])('$why', ({ account, ancestry, expected }) => {
    expect(routeAccount(account, ancestry, routes, globals)).toEqual(expected);
  });
});

describe('AlertPublisher with its outbox', () => {
  const TABLE = 'alert-policy-test';
  const TOPIC = 'arn:aws:sns:eu-west-1:111111111111:global';
  let engine: LocalDynamo;
  let memory: AlertMemory;
  const sns = mockClient(SNSClient);

  beforeAll(async () => {
    engine = await startLocalDynamo();
    await createFindingsTable(engine.client, TABLE);
    memory = new AlertMemory({ client: engine.client, tableName: TABLE, outboxTtlHours: 24 });
  });
  afterAll(() => {
    sns.restore();
    return engine.stop();
  });
  beforeEach(() => sns.reset());

  const publisher = () =>
    new AlertPublisher({
      clients: async () => ({
        sns: new SNSClient({ region: 'eu-west-1' }),
        secrets: new SecretsManagerClient({ region: 'eu-west-1' }),
      }),
      topicArn: TOPIC,
      settings: { stormAccounts: 25, flap: FLAP, routes: [] },
      memory,
      logger: { info() {}, warn() {}, error() {} },
    });

  it('keeps what SNS refused, retries it on the next run, and reports the age of the oldest waiting message', async () => {
    sns.on(PublishCommand).rejects(new Error('throttled'));
    const first = await publisher().publishRun({
      runId: 'run-1',
      transitions: [change('PROTECTED', 'FAILING', '2026-03-02T05:00:00Z')],
      actions: [],
      now: new Date('2026-03-02T05:00:00Z'),
    });
    expect(first).toMatchObject({ delivered: 0, undelivered: 1, oldestUndeliveredMs: 0 });

    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const next = await publisher().publishRun({
      runId: 'run-2',
      transitions: [],
      actions: [],
      now: new Date('2026-03-02T06:00:00Z'),
    });
    expect(next).toMatchObject({ delivered: 1, undelivered: 0, oldestUndeliveredMs: null });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toContain(`account ${A}`);
    expect(await memory.pendingMessages(new Date('2026-03-02T06:00:00Z'))).toEqual([]);
  });

  it('loses nothing when the function is stopped mid-delivery: the message is in the outbox before the first attempt', async () => {
    const at = new Date('2026-03-04T05:00:00Z');
    // SNS never answers: the function would run into its timeout here.
    sns.on(PublishCommand).callsFake(() => new Promise(() => {}));
    void publisher().publishRun({
      runId: 'run-killed',
      transitions: [change('PROTECTED', 'FAILING', at.toISOString())],
      actions: [],
      now: at,
    });
    let waiting = await memory.pendingMessages(at);
    for (let tries = 0; waiting.length === 0 && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      waiting = await memory.pendingMessages(at);
    }
    expect(waiting.map((m) => m.id)).toEqual([`run-killed#${A}#sns`]);

    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    const next = await publisher().publishRun({
      runId: 'run-next',
      transitions: [],
      actions: [],
      now: new Date('2026-03-04T06:00:00Z'),
    });
    expect(next).toMatchObject({ delivered: 1, undelivered: 0 });
    expect(await memory.pendingMessages(new Date('2026-03-04T06:00:00Z'))).toEqual([]);
  });

  it('drops a message nobody could deliver once its TTL passed', async () => {
    sns.on(PublishCommand).rejects(new Error('down'));
    await publisher().publishRun({
      runId: 'run-3',
      transitions: [change('PROTECTED', 'FAILING', '2026-03-05T05:00:00Z')],
      actions: [],
      now: new Date('2026-03-05T05:00:00Z'),
    });
    expect(await memory.pendingMessages(new Date('2026-03-05T06:00:00Z'))).toHaveLength(1);
    expect(await memory.pendingMessages(new Date('2026-03-06T06:00:00Z'))).toEqual([]);
  });
});
