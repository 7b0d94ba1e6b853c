import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dashboardCommand } from '../../cli/commands/dashboard.js';
import { type DashboardProxy, startDashboardProxy } from '../../cli/dashboard-proxy.js';
import { ReportClient, Sha256 } from '../../cli/report-client.js';
import { runInProcess } from './run-cli.js';

const KEY = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const TOKEN = 'session-token-for-tests-0123456789abcdef';

/** A stand-in for API Gateway: records what arrives and answers like the report API. */
let upstream: Server;
let upstreamUrl: string;
let received: IncomingMessage[];
let proxy: DashboardProxy;

beforeAll(async () => {
  upstream = createServer((request, response) => {
    received.push(request);
    response.writeHead(200, {
      'content-type': 'application/json',
      'x-next-cursor': 'abc',
      'x-amzn-requestid': 'not-passed-on',
    });
    response.end(JSON.stringify({ path: request.url }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const address = upstream.address() as { port: number };
  upstreamUrl = `http://127.0.0.1:${address.port}/v1`;
  const client = new ReportClient(new URL(upstreamUrl), {
    region: 'eu-west-1',
    credentials: async () => KEY,
  });
  proxy = await startDashboardProxy({ client, port: 0, token: TOKEN, filters: { status: 'FAILING' } });
});

beforeEach(() => {
  received = [];
});

afterAll(async () => {
  for (const server of [proxy.server, upstream]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A raw GET, so the Host header and cookies are exactly what a test sets (fetch would fix them). */
function get(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: IncomingMessage['headers']; body: string }>(
    (resolve, reject) => {
      const request = httpRequest(`${proxy.origin}${path}`, { headers }, (response) => {
        let body = '';
        response.on('data', (chunk) => {
          body += String(chunk);
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      });
      request.once('error', reject);
      request.end();
    },
  );
}

const session = { cookie: `orgbackup_dashboard=${TOKEN}` };

describe('orgbackup dashboard: the local signing proxy', () => {
  it('the printed URL carries the token and the filters; opening it sets an HttpOnly same-site cookie', async () => {
    const url = new URL(proxy.url);
    expect(Object.fromEntries(url.searchParams)).toEqual({ token: TOKEN, status: 'FAILING' });
    const opened = await get(`${url.pathname}${url.search}`);
    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe('/?status=FAILING');
    expect(opened.headers['set-cookie']).toEqual([
      `orgbackup_dashboard=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`,
    ]);
    expect(received).toEqual([]);
  });

  it('forwards a request with the session to the API, SigV4-signed for execute-api with the user credentials', async () => {
    const reply = await get('/findings?status=FAILING&limit=50', { ...session, accept: 'application/json' });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ path: '/v1/findings?status=FAILING&limit=50' });
    expect(reply.headers['x-next-cursor']).toBe('abc');
    expect(reply.headers['x-amzn-requestid']).toBeUndefined();
    const [arrived] = received;
    const authorization = String(arrived!.headers.authorization);
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request/,
    );
    // The signature is the one SigV4 gives for exactly the request that arrived.
    const amzDate = String(arrived!.headers['x-amz-date']);
    const signer = new SignatureV4({
      service: 'execute-api',
      region: 'eu-west-1',
      credentials: KEY,
      sha256: Sha256,
    });
    const url = new URL(arrived!.url!, upstreamUrl);
    const expected = await signer.sign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: Number(url.port),
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { host: String(arrived!.headers.host), accept: 'application/json' },
      },
      {
        signingDate: new Date(
          `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
        ),
      },
    );
    expect(authorization).toBe(expected.headers.authorization);
  });

  it.each<{ why: string; headers: Record<string, string>; status: number }>([
    { why: 'no session cookie', headers: {}, status: 401 },
    { why: 'a wrong token', headers: { cookie: 'orgbackup_dashboard=guess' }, status: 401 },
    { why: 'a DNS-rebinding Host', headers: { ...session, host: 'attacker.example' }, status: 421 },
    { why: 'localhost instead of 127.0.0.1', headers: { ...session, host: 'localhost' }, status: 421 },
    { why: 'another site', headers: { ...session, 'sec-fetch-site': 'cross-site' }, status: 403 },
    {
      why: 'another local port (same site)',
      headers: { ...session, 'sec-fetch-site': 'same-site' },
      status: 403,
    },
  ])('refuses $why ($status) and sends nothing to the API', async ({ headers, status }) => {
    const reply = await get('/summary', headers);
    expect(reply.status).toBe(status);
    expect(received).toEqual([]);
  });

  it('refuses a wrong token in the URL', async () => {
    expect((await get('/?token=guess')).status).toBe(401);
  });

  it.each([
    { args: [], message: /--endpoint URL is required/ },
    {
      args: ['--endpoint', 'https://abc123.execute-api.eu-west-1.amazonaws.com/v1', '--filter', 'colour=red'],
      message: /--filter must be KEY=VALUE with KEY one of status/,
    },
    { args: ['--endpoint', 'https://reports.example.com/v1'], message: /give --api-region/ },
  ])('bad options exit 2: $message', async ({ args, message }) => {
    const run = await runInProcess(dashboardCommand, args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
