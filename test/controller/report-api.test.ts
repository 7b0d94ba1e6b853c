import type { Server } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveReport } from '../../cli/serve.js';
import { createReportHandler } from '../../functions/report.js';
import type { ControllerDeps } from '../../shared/controller/deps.js';
import { RESOURCE_STATUSES, type ResourceFinding } from '../../shared/domain/model.js';
import {
  ACCOUNTS,
  csvObjects,
  NOW,
  parseCsv,
  REGIONS,
  type SeededStore,
  seededFindings,
  seedReportStore,
} from './report-fixture.js';

interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly nextCursor: string | null;
  readonly body: string;
}

interface Call {
  readonly method?: string;
  readonly path: string;
  /** An array: the parameter repeated in the query string. */
  readonly query?: Record<string, string | string[]>;
  readonly accept?: string;
}

type Transport = (call: Call) => Promise<Reply>;

let seeded: SeededStore;
let server: Server;
let lambda: Transport;
let http: Transport;

/** The API Gateway REST proxy event as the deployed stage hands it to the function (IAM-authorized). */
function proxyEvent(call: Call): APIGatewayProxyEvent {
  const query = call.query && Object.keys(call.query).length > 0 ? call.query : null;
  const headers = call.accept ? { Accept: call.accept } : {};
  return {
    httpMethod: call.method ?? 'GET',
    path: call.path,
    resource: '/{proxy+}',
    pathParameters: { proxy: call.path.slice(1) },
    // API Gateway's single-value map keeps a repeated parameter's last value; the multi-value map all.
    queryStringParameters: query
      ? Object.fromEntries(Object.entries(query).map(([key, value]) => [key, [value].flat().at(-1)!]))
      : null,
    multiValueQueryStringParameters: query
      ? Object.fromEntries(Object.entries(query).map(([key, value]) => [key, [value].flat()]))
      : null,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, [value]])),
    body: null,
    isBase64Encoded: false,
    stageVariables: null,
    requestContext: {
      accountId: ACCOUNTS[0],
      apiId: 'a1b2c3d4e5',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: call.method ?? 'GET',
      identity: {
        accessKey: 'AKIDEXAMPLE',
        accountId: ACCOUNTS[0],
        apiKey: null,
        apiKeyId: null,
        caller: 'AIDAEXAMPLE',
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: 'o-exampleorgid',
        sourceIp: '203.0.113.7',
        user: 'AIDAEXAMPLE',
        userAgent: 'orgbackup',
        userArn: `arn:aws:iam::${ACCOUNTS[0]}:user/auditor`,
      },
      path: `/prod${call.path}`,
      stage: 'prod',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTimeEpoch: 1_772_625_600_000,
      resourceId: 'proxy1',
      resourcePath: '/{proxy+}',
    },
  };
}

beforeAll(async () => {
  seeded = await seedReportStore();
  // The report function reads only the store; the rest of the controller's dependencies play no part.
  const handler = createReportHandler(() => ({ store: seeded.store }) as ControllerDeps);
  lambda = async (call) => {
    const result = await handler(proxyEvent(call));
    const headers = result.headers ?? {};
    return {
      status: result.statusCode,
      contentType: String(headers['content-type'] ?? ''),
      nextCursor: headers['x-next-cursor'] === undefined ? null : String(headers['x-next-cursor']),
      body: result.body,
    };
  };
  const served = await serveReport(seeded.store, 0);
  server = served.server;
  http = async (call) => {
    const url = new URL(call.path, served.url);
    for (const [key, values] of Object.entries(call.query ?? {})) {
      for (const value of [values].flat()) url.searchParams.append(key, value);
    }
    const response = await fetch(url, {
      method: call.method ?? 'GET',
      headers: call.accept ? { accept: call.accept } : {},
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      nextCursor: response.headers.get('x-next-cursor'),
      body: await response.text(),
    };
  };
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await seeded.close();
});

const transports = [
  { transport: 'Lambda handler', send: (call: Call) => lambda(call) },
  { transport: 'local HTTP server', send: (call: Call) => http(call) },
];

async function getJson<T>(send: Transport, call: Call): Promise<T> {
  const reply = await send(call);
  expect(reply.status, reply.body).toBe(200);
  expect(reply.contentType).toBe('application/json');
  return JSON.parse(reply.body) as T;
}

/** Walks every page of a listing; fails on a repeated item. */
async function walk(
  send: Transport,
  path: string,
  query: Record<string, string>,
): Promise<{ items: ResourceFinding[]; pages: number }> {
  const items: ResourceFinding[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: { items: ResourceFinding[]; nextCursor: string | null } = await getJson(send, {
      path,
      query: { ...query, ...(cursor ? { cursor } : {}) },
    });
    pages++;
    items.push(...page.items);
    cursor = page.nextCursor;
    expect(pages).toBeLessThan(100);
  } while (cursor);
  expect(new Set(items.map((item) => item.arn)).size).toBe(items.length);
  return { items, pages };
}

const arns = (findings: readonly ResourceFinding[]) => findings.map((finding) => finding.arn).sort();

describe.each(transports)('report API through the $transport', ({ send }) => {
  it('GET /summary counts every status per account and in total', async () => {
    const summary = await getJson<{
      total: {
        accounts: number;
        resources: number;
        byStatus: Record<string, number>;
        coveragePercent: number;
      };
      accounts: { accountId: string; resources: number }[];
      lastRun: { runId: string; finishedAt: string; errors: string[] } | null;
    }>(send, { path: '/summary' });
    expect(summary.total).toEqual({
      accounts: 3,
      resources: 36,
      byStatus: Object.fromEntries(RESOURCE_STATUSES.map((status) => [status, 6])),
      coveragePercent: 16.7,
    });
    expect(summary.accounts.map((account) => [account.accountId, account.resources])).toEqual(
      ACCOUNTS.map((accountId) => [accountId, 12]),
    );
    expect(summary.lastRun).toMatchObject({
      runId: 'schedule-2026-03-04T12:00:00.000Z',
      finishedAt: '2026-03-04T12:01:00.000Z',
      errors: ['333333333333/eu-west-1: throttled'],
    });
  });

  it.each<{ why: string; query: Record<string, string>; expected: (f: ResourceFinding) => boolean }>([
    { why: 'no filter lists everything', query: {}, expected: (f: ResourceFinding) => Boolean(f) },
    {
      why: 'by account',
      query: { account: ACCOUNTS[1] },
      expected: (f: ResourceFinding) => f.accountId === ACCOUNTS[1],
    },
    {
      why: 'by Region',
      query: { region: REGIONS[1] },
      expected: (f: ResourceFinding) => f.region === REGIONS[1],
    },
    {
      why: 'by status (any case)',
      query: { status: 'failing' },
      expected: (f: ResourceFinding) => f.status === 'FAILING',
    },
    {
      why: 'by resource type',
      query: { resourceType: 'EBS' },
      expected: (f: ResourceFinding) => f.resourceType === 'EBS',
    },
    {
      why: 'account and Region',
      query: { account: ACCOUNTS[2], region: REGIONS[0] },
      expected: (f: ResourceFinding) => f.accountId === ACCOUNTS[2] && f.region === REGIONS[0],
    },
    {
      why: 'Region and status',
      query: { region: REGIONS[0], status: 'STALE' },
      expected: (f: ResourceFinding) => f.region === REGIONS[0] && f.status === 'STALE',
    },
    {
      why: 'by reason',
      query: { reason: 'JOB_FAILED' },
      expected: (f: ResourceFinding) => f.reasons.includes('JOB_FAILED'),
    },
    {
      why: 'by warning (PROTECTED findings carry warnings too)',
      query: { warning: 'LOCK_BECOMES_IMMUTABLE' },
      expected: (f: ResourceFinding) => f.warnings.includes('LOCK_BECOMES_IMMUTABLE'),
    },
    {
      why: 'warning and account',
      query: { warning: 'LOCK_BECOMES_IMMUTABLE', account: ACCOUNTS[1] },
      expected: (f: ResourceFinding) =>
        f.accountId === ACCOUNTS[1] && f.warnings.includes('LOCK_BECOMES_IMMUTABLE'),
    },
    {
      why: 'account, status and type',
      query: { account: ACCOUNTS[0], status: 'PENDING', resourceType: 'EBS' },
      expected: (f: ResourceFinding) =>
        f.accountId === ACCOUNTS[0] && f.status === 'PENDING' && f.resourceType === 'EBS',
    },
  ])('GET /findings $why: pages of 4 cover exactly the matching findings', async ({ query, expected }) => {
    const wanted = seededFindings().filter(expected);
    expect(wanted.length).toBeGreaterThan(0);
    const { items, pages } = await walk(send, '/findings', { ...query, limit: '4' });
    expect(arns(items)).toEqual(arns(wanted));
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(wanted.length / 4));
    const single = await getJson<{ items: ResourceFinding[]; nextCursor: string | null }>(send, {
      path: '/findings',
      query: { ...query, limit: '1000' },
    });
    expect(single.nextCursor).toBeNull();
    expect(arns(single.items)).toEqual(arns(wanted));
  });

  it('GET /findings returns the stored finding, with when its account × Region was observed', async () => {
    const page = await getJson<{ items: ResourceFinding[] }>(send, {
      path: '/findings',
      query: { account: ACCOUNTS[0], region: REGIONS[0], status: 'UNKNOWN' },
    });
    expect(page.items).toEqual(
      seededFindings()
        .filter((f) => f.accountId === ACCOUNTS[0] && f.region === REGIONS[0] && f.status === 'UNKNOWN')
        .map((f) => ({ ...f, observedAt: NOW.toISOString() })),
    );
  });

  it('GET /accounts/{id} has the account findings, checks per Region and outstanding actions', async () => {
    const view = await getJson<{
      accountId: string;
      findings: ResourceFinding[];
      targets: { region: string; checks: { check: string; status: string }[] }[];
      outstandingActions: { kind: string; blocked?: { by: string } }[];
    }>(send, { path: `/accounts/${ACCOUNTS[1]}` });
    expect(view.accountId).toBe(ACCOUNTS[1]);
    expect(arns(view.findings)).toEqual(arns(seededFindings().filter((f) => f.accountId === ACCOUNTS[1])));
    expect(view.targets.map((target) => target.region).sort()).toEqual([...REGIONS].sort());
    expect(view.targets[0]?.checks).toContainEqual(
      expect.objectContaining({ check: 'VAULT_EXISTS', status: 'FAIL' }),
    );
    expect(view.outstandingActions).toHaveLength(2);
    expect(
      view.outstandingActions.every(
        (action) => action.kind === 'PutVaultLock' && action.blocked?.by === 'IRREVERSIBLE_LOCK',
      ),
    ).toBe(true);
  });

  it('GET /actions lists applied, blocked and failed actions, filterable by account, in pages', async () => {
    const all = await getJson<{
      items: { kind: string; accountId: string; applied: boolean }[];
      nextCursor: null;
    }>(send, {
      path: '/actions',
    });
    expect(all.items).toHaveLength(6);
    expect(new Set(all.items.map((action) => action.kind))).toEqual(
      new Set(['CreateBackupVault', 'PutVaultLock', 'EnableRegionOptIn']),
    );
    const one = await getJson<{ items: { accountId: string }[] }>(send, {
      path: '/actions',
      query: { account: ACCOUNTS[2] },
    });
    expect(one.items.map((action) => action.accountId)).toEqual([ACCOUNTS[2], ACCOUNTS[2]]);
    const first = await getJson<{ items: unknown[]; nextCursor: string }>(send, {
      path: '/actions',
      query: { limit: '4' },
    });
    const rest = await getJson<{ items: unknown[]; nextCursor: null }>(send, {
      path: '/actions',
      query: { limit: '4', cursor: first.nextCursor },
    });
    expect([...first.items, ...rest.items]).toEqual(all.items);
    expect(rest.nextCursor).toBeNull();
  });

  it('GET /runs lists runs newest first', async () => {
    const runs = await getJson<{ items: { runId: string; trigger: string }[]; nextCursor: null }>(send, {
      path: '/runs',
    });
    expect(runs.items.map((run) => run.runId)).toEqual([
      'schedule-2026-03-04T12:00:00.000Z',
      'schedule-2026-03-04T11:00:00.000Z',
    ]);
    const newest = await getJson<{ items: unknown[]; nextCursor: string | null }>(send, {
      path: '/runs',
      query: { limit: '1' },
    });
    expect(newest.items).toHaveLength(1);
    expect(newest.nextCursor).not.toBeNull();
  });

  it.each<{ why: string; call: Call }>([
    {
      why: 'Accept: text/csv',
      call: { path: '/findings', query: { account: ACCOUNTS[0] }, accept: 'text/csv' },
    },
    { why: '?format=csv', call: { path: '/findings', query: { account: ACCOUNTS[0], format: 'csv' } } },
    {
      why: 'Accept listing csv among others',
      call: {
        path: '/findings',
        query: { account: ACCOUNTS[0] },
        accept: 'text/csv, application/json;q=0.5',
      },
    },
  ])('GET /findings as RFC 4180 CSV with $why', async ({ call }) => {
    const reply = await send(call);
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe('text/csv; charset=utf-8');
    const records = parseCsv(reply.body);
    expect(records[0]).toEqual([
      'accountId',
      'region',
      'arn',
      'resourceType',
      'status',
      'reasons',
      'detail',
      'warnings',
      'warningDetail',
      'lastBackupTime',
      'lastCopyTime',
      'expectedBy',
      'firstSeen',
      'coveredSince',
      'since',
      'observedAt',
    ]);
    const rows = csvObjects(reply.body);
    const expected = seededFindings().filter((f) => f.accountId === ACCOUNTS[0]);
    expect(rows.map((row) => row.arn).sort()).toEqual(arns(expected));
    const failing = rows.find((row) => row.status === 'FAILING' && row.region === REGIONS[0]);
    // Quotes, commas and line breaks survive the round trip.
    expect(failing?.detail).toBe('Backup job failed: "Access denied to KMS key", see job 1234.');
    expect(rows.find((row) => row.status === 'UNKNOWN')?.detail).toBe(
      'Throttled past retries,\nwill retry next sweep.',
    );
    expect(rows.find((row) => row.status === 'UNPROTECTED')?.reasons).toBe('OPT_IN_DISABLED VAULT_MISSING');
    expect(rows.find((row) => row.status === 'UNKNOWN')?.resourceType).toBe('');
    expect(rows.find((row) => row.status === 'PROTECTED')?.warnings).toBe('LOCK_BECOMES_IMMUTABLE');
    expect(rows.find((row) => row.status === 'PENDING')?.warnings).toBe('');
  });

  it('a CSV page names the next page in x-next-cursor, so CSV clients can page too', async () => {
    const rows: Record<string, string>[] = [];
    let cursor: string | null = null;
    do {
      const reply: Reply = await send({
        path: '/findings',
        query: { format: 'csv', limit: '5', ...(cursor ? { cursor } : {}) },
      });
      expect(reply.status).toBe(200);
      rows.push(...csvObjects(reply.body));
      cursor = reply.nextCursor;
    } while (cursor);
    expect(rows.map((row) => row.arn).sort()).toEqual(arns(seededFindings()));
  });

  it.each([
    { path: '/summary', first: ['accountId', 'resources', ...RESOURCE_STATUSES, 'coveragePercent'], rows: 3 },
    { path: `/accounts/${ACCOUNTS[2]}`, first: ['accountId', 'region', 'arn'], rows: 12 },
    { path: '/actions', first: ['kind', 'accountId', 'region', 'target', 'reason', 'applied'], rows: 6 },
    { path: '/runs', first: ['runId', 'startedAt'], rows: 2 },
  ])('GET $path as CSV', async ({ path, first, rows }) => {
    const reply = await send({ path, query: { format: 'csv' } });
    expect(reply.status, reply.body).toBe(200);
    const records = parseCsv(reply.body);
    expect(records[0]?.slice(0, first.length)).toEqual(first);
    expect(records).toHaveLength(rows + 1);
    const viaAccept = await send({ path, accept: 'text/csv' });
    expect(viaAccept.body).toBe(reply.body);
  });

  it.each<{ why: string; call: Call; message: RegExp }>([
    {
      why: 'account id not 12 digits',
      call: { path: '/findings', query: { account: '12345' } },
      message: /"account" must be a 12-digit account id, not "12345"/,
    },
    {
      why: 'unknown status',
      call: { path: '/findings', query: { status: 'BROKEN' } },
      message:
        /"status" must be one of PROTECTED, PENDING, UNPROTECTED, STALE, FAILING, UNKNOWN, not "BROKEN"/,
    },
    {
      why: 'unknown warning',
      call: { path: '/findings', query: { warning: 'SOON' } },
      message: /"warning" must be a warning code \(KMS_KEY_PENDING_DELETION, .*\), not "SOON"/,
    },
    {
      why: 'bad Region',
      call: { path: '/findings', query: { region: 'Europe' } },
      message: /"region" must be a Region name/,
    },
    {
      why: 'limit 0',
      call: { path: '/findings', query: { limit: '0' } },
      message: /"limit" must be a whole number from 1 to 1000, not "0"/,
    },
    {
      why: 'limit 5000',
      call: { path: '/actions', query: { limit: '5000' } },
      message: /"limit" must be a whole number from 1 to 1000, not "5000"/,
    },
    {
      why: 'limit abc',
      call: { path: '/runs', query: { limit: 'abc' } },
      message: /"limit" must be a whole number/,
    },
    ...['1e2', '0x10', ' 100', '100.0', '+5', '-1'].map((limit) => ({
      why: `limit "${limit}" (digits only)`,
      call: { path: '/findings', query: { limit } },
      message: /"limit" must be a whole number from 1 to 1000/,
    })),
    {
      why: 'a repeated parameter',
      call: { path: '/findings', query: { status: ['FAILING', 'PROTECTED'] } },
      message: /Parameter "status" is given 2 times; give it once/,
    },
    ...[
      { why: 'a number DynamoDB cannot marshal', k: '{"PK":1e400}' },
      { why: 'a 23-digit number', k: '{"PK":12345678901234567890123}' },
      { why: 'a nested object', k: '{"PK":{"S":"ACCOUNT#111111111111"}}' },
      { why: 'an array', k: '["ACCOUNT#111111111111"]' },
    ].map(({ why, k }) => ({
      why: `cursor whose key holds ${why}`,
      call: { path: '/findings', query: { cursor: Buffer.from(`{"p":0,"k":${k}}`).toString('base64url') } },
      message: /"cursor" is not valid/,
    })),
    {
      why: 'cursor that is not one',
      call: { path: '/findings', query: { cursor: 'not-a-cursor' } },
      message: /"cursor" is not valid/,
    },
    {
      why: 'cursor with a forged key',
      call: {
        path: '/findings',
        query: { cursor: Buffer.from(JSON.stringify({ p: 0, k: { PK: 'nope' } })).toString('base64url') },
      },
      message: /"cursor" is not valid/,
    },
    {
      why: 'unknown parameter',
      call: { path: '/findings', query: { acount: ACCOUNTS[0] } },
      message: /Unknown query parameter "acount"; this route accepts: account, region/,
    },
    {
      why: 'unknown parameter on /summary',
      call: { path: '/summary', query: { status: 'FAILING' } },
      message: /Unknown query parameter "status"/,
    },
    {
      why: 'format=xml',
      call: { path: '/summary', query: { format: 'xml' } },
      message: /"format" must be json or csv, not "xml"/,
    },
    {
      why: 'bad account in the path',
      call: { path: '/accounts/abc' },
      message: /Account id "abc" is not 12 digits/,
    },
  ])('400 for $why, naming the parameter', async ({ call, message }) => {
    const reply = await send(call);
    expect(reply.status).toBe(400);
    expect(reply.contentType).toBe('application/json');
    expect(JSON.parse(reply.body).error).toMatch(message);
  });

  it('404 for an unknown route, listing the routes', async () => {
    const reply = await send({ path: '/report' });
    expect(reply.status).toBe(404);
    expect(JSON.parse(reply.body).error).toBe(
      'No route /report. Routes: / (dashboard), /about, /summary, /findings, /accounts/{id}, /actions, /runs, /targets, /reasons, /resource, /organization.',
    );
  });

  it.each(['POST', 'DELETE', 'PUT'])('405 for %s', async (method) => {
    const reply = await send({ method, path: '/findings' });
    expect(reply.status).toBe(405);
    expect(JSON.parse(reply.body).error).toBe(`Method ${method} is not allowed; use GET.`);
  });
});

describe('the Lambda handler and the local server', () => {
  it.each([
    { path: '/summary' },
    { path: '/findings', query: { status: 'UNPROTECTED', limit: '3' } },
    { path: '/findings', query: { region: REGIONS[0], format: 'csv' } },
    { path: `/accounts/${ACCOUNTS[0]}` },
    { path: '/actions', query: { account: ACCOUNTS[1] } },
    { path: '/runs' },
    { path: '/findings', query: { limit: '0' } },
    { path: '/nowhere' },
  ] as Call[])('answer $path $query identically', async (call) => {
    const [fromLambda, fromHttp] = await Promise.all([lambda(call), http(call)]);
    expect(fromHttp).toEqual(fromLambda);
  });
});
