import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { reportCommand } from '../../cli/commands/report.js';
import { apiGatewayRegion, executeApiSigner, Sha256, signedHeaders } from '../../cli/report-client.js';
import { serveReport } from '../../cli/serve.js';
import { handleReportRequest } from '../../shared/controller/report-api.js';
import type { ResourceFinding } from '../../shared/domain/model.js';
import {
  ACCOUNTS,
  csvObjects,
  NOW,
  parseCsv,
  REGIONS,
  type SeededStore,
  seededFindings,
  seedReportStore,
} from '../controller/report-fixture.js';
import { orgbackup, runInProcess } from './run-cli.js';

const KEY = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

let seeded: SeededStore;
let local: { url: string; server: Server };

beforeAll(async () => {
  seeded = await seedReportStore();
  local = await serveReport(seeded.store, 0);
});

afterAll(async () => {
  await stop(local.server);
  await seeded.close();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

const report = (...args: string[]) => runInProcess(reportCommand, args);

/** The findings table's data rows, split on the column gaps. */
function tableRows(stdout: string): string[][] {
  const lines = stdout.split('\n');
  const header = lines.findIndex((line) => line.startsWith('ACCOUNT'));
  return lines
    .slice(header + 1)
    .filter((line) => line !== '')
    .map((line) => line.split(/ {2,}/));
}

const resourceName = (finding: ResourceFinding) => finding.arn.split(':').slice(5).join(':');

describe('orgbackup report against a local report API', () => {
  it('prints the summary line and every finding as a table, following the cursors', async () => {
    const run = await report('--endpoint', local.url, '--page-size', '5');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(
      'Coverage 16.7% — 36 resources in 3 accounts: PROTECTED 6, PENDING 6, UNPROTECTED 6, STALE 6, FAILING 6, UNKNOWN 6',
    );
    expect(lines[2]).toBe('36 findings');
    expect(lines[3]?.split(/ {2,}/)).toEqual([
      'ACCOUNT',
      'REGION',
      'TYPE',
      'RESOURCE',
      'STATUS',
      'REASONS',
      'WARNINGS',
      'LAST BACKUP',
    ]);
    const rows = tableRows(run.stdout);
    const expected = seededFindings().map((finding) => [
      finding.accountId,
      finding.region,
      finding.resourceType ?? '-',
      resourceName(finding),
      finding.status,
      finding.reasons.join(',') || '-',
      finding.warnings.join(',') || '-',
      finding.lastBackupTime ?? 'never',
    ]);
    expect([...rows].sort()).toEqual([...expected].sort());
  });

  it('filters by account, status and Region, with the account summary', async () => {
    const run = await report(
      '--endpoint',
      local.url,
      '--account',
      ACCOUNTS[1],
      '--status',
      'unprotected',
      '--region',
      REGIONS[0],
    );
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(
      `Coverage 16.7% — 12 resources in 1 account (account ${ACCOUNTS[1]}): PROTECTED 2, PENDING 2, UNPROTECTED 2, STALE 2, FAILING 2, UNKNOWN 2`,
    );
    expect(lines[2]).toBe(`1 finding (account=${ACCOUNTS[1]}, region=${REGIONS[0]}, status=unprotected)`);
    expect(tableRows(run.stdout)).toEqual([
      [
        ACCOUNTS[1],
        REGIONS[0],
        'DynamoDB',
        'table/orders',
        'UNPROTECTED',
        'OPT_IN_DISABLED,VAULT_MISSING',
        '-',
        'never',
      ],
    ]);
  });

  it('--format json prints the findings as the API returns them, every page merged', async () => {
    const run = await report('--endpoint', local.url, '--format', 'json', '--page-size', '7');
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout) as { items: ResourceFinding[]; nextCursor: string | null };
    expect(body.nextCursor).toBeNull();
    expect(body.items).toHaveLength(36);
    const byArn = (a: ResourceFinding, b: ResourceFinding) =>
      `${a.arn}${a.status}`.localeCompare(`${b.arn}${b.status}`);
    const observed = seededFindings().map((finding) => ({ ...finding, observedAt: NOW.toISOString() }));
    expect([...body.items].sort(byArn)).toEqual(observed.sort(byArn));
  });

  it('--limit stops early and hands back the cursor to continue from', async () => {
    const run = await report(
      '--endpoint',
      local.url,
      '--format',
      'json',
      '--limit',
      '10',
      '--page-size',
      '4',
    );
    const first = JSON.parse(run.stdout) as { items: ResourceFinding[]; nextCursor: string };
    expect(first.items).toHaveLength(10);
    expect(first.nextCursor).toEqual(expect.any(String));
    const rest = await fetch(`${local.url}/findings?limit=1000&cursor=${first.nextCursor}`);
    const remaining = ((await rest.json()) as { items: ResourceFinding[] }).items;
    const all = [...first.items, ...remaining].map((finding) => `${finding.arn}`);
    expect(new Set(all).size).toBe(36);
    const table = await report('--endpoint', local.url, '--limit', '3');
    expect(table.stdout.split('\n')[2]).toBe('3 findings, more not shown (raise --limit)');
    expect(tableRows(table.stdout)).toHaveLength(3);
  });

  it('--format csv prints the API CSV, one header row, every page', async () => {
    const run = await report('--endpoint', local.url, '--format', 'csv', '--page-size', '5');
    expect(run.code).toBe(0);
    const records = parseCsv(run.stdout);
    expect(records[0]?.[0]).toBe('accountId');
    expect(records.filter((record) => record[0] === 'accountId')).toHaveLength(1);
    const rows = csvObjects(run.stdout);
    expect(rows.map((row) => `${row.arn}${row.status}`).sort()).toEqual(
      seededFindings()
        .map((finding) => finding.arn + finding.status)
        .sort(),
    );
    const limited = await report(
      '--endpoint',
      local.url,
      '--format',
      'csv',
      '--status',
      'FAILING',
      '--limit',
      '4',
    );
    expect(csvObjects(limited.stdout).map((row) => row.status)).toEqual([
      'FAILING',
      'FAILING',
      'FAILING',
      'FAILING',
    ]);
  });

  it('an empty result prints the summary and no table', async () => {
    const run = await report('--endpoint', local.url, '--resource-type', 'EFS');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').slice(2)).toEqual(['0 findings (resourceType=EFS)', '']);
    const csv = await report('--endpoint', local.url, '--resource-type', 'EFS', '--format', 'csv');
    expect(csv.stdout).toBe('');
  });

  it('--warning lists only the findings carrying that warning', async () => {
    const run = await report(
      '--endpoint',
      local.url,
      '--warning',
      'LOCK_BECOMES_IMMUTABLE',
      '--format',
      'json',
    );
    expect(run.code).toBe(0);
    const { items } = JSON.parse(run.stdout) as { items: ResourceFinding[] };
    expect(items.length).toBeGreaterThan(0);
    for (const finding of items) expect(finding.warnings).toContain('LOCK_BECOMES_IMMUTABLE');
    const bad = await report('--endpoint', local.url, '--warning', 'SOON');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--warning must be one of KMS_KEY_PENDING_DELETION,');
  });

  it('an error from the API prints its message and exits 1', async () => {
    // A stage URL with a wrong path: the API answers 404 naming its routes.
    const run = await report('--endpoint', `${local.url}/wrong-stage`);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^orgbackup report: 404: No route \/wrong-stage\/\w+\. Routes: .*\/summary, /);
  });

  it('a bad status is refused before any request, exit 2', async () => {
    const run = await report('--endpoint', local.url, '--status', 'BROKEN');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'orgbackup report: --status must be one of PROTECTED, PENDING, UNPROTECTED, STALE, FAILING, UNKNOWN, not "BROKEN"',
    );
  });

  it('an unreachable endpoint is one clear line and exit 1', async () => {
    const closed = await serveReport(seeded.store, 0);
    await stop(closed.server);
    const run = await report('--endpoint', closed.url);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `orgbackup report: Cannot reach the report API at ${closed.url}: connect ECONNREFUSED ${closed.url.slice('http://'.length)}\n`,
    );
  });

  it.each([
    { why: '--endpoint is required', args: [], message: /--endpoint URL is required/ },
    {
      why: 'the endpoint must be http(s)',
      args: ['--endpoint', 'ftp://example.com'],
      message: /--endpoint must be an http\(s\) URL/,
    },
    {
      why: 'the endpoint must be a URL',
      args: ['--endpoint', 'reports'],
      message: /--endpoint must be an http\(s\) URL, not "reports"/,
    },
    {
      why: 'unknown format',
      args: ['--endpoint', 'http://127.0.0.1:9', '--format', 'xml'],
      message: /--format must be table, json or csv, not "xml"/,
    },
    {
      why: '--limit 0',
      args: ['--endpoint', 'http://127.0.0.1:9', '--limit', '0'],
      message: /--limit must be a whole number of at least 1, not "0"/,
    },
    {
      why: '--limit abc',
      args: ['--endpoint', 'http://127.0.0.1:9', '--limit', 'abc'],
      message: /--limit must be a whole number/,
    },
    {
      why: '--page-size too big',
      args: ['--endpoint', 'http://127.0.0.1:9', '--page-size', '5000'],
      message: /--page-size must be a whole number from 1 to 1000/,
    },
    {
      why: 'a custom domain needs --api-region to sign',
      args: ['--endpoint', 'https://reports.example.com/prod'],
      message: /cannot tell the Region to sign for from reports.example.com; give --api-region/,
    },
    {
      why: 'unknown option',
      args: ['--endpoint', 'http://127.0.0.1:9', '--acount', '1'],
      message: /Unknown option '--acount'/,
    },
  ])('exit 2 when $why', async ({ args, message }) => {
    const run = await report(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/Usage: orgbackup report --endpoint URL/);
  });

  it('runs from the installed entry point, and --help documents signing', async () => {
    const run = await orgbackup([
      'report',
      '--endpoint',
      local.url,
      '--format',
      'json',
      '--account',
      ACCOUNTS[2],
      '--status',
      'STALE',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(
      (JSON.parse(run.stdout) as { items: ResourceFinding[] }).items.map((f) => f.region).sort(),
    ).toEqual([...REGIONS].sort());
    const help = await orgbackup(['report', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--sign {2,}sign requests even to a local endpoint/);
    expect(help.stdout).toMatch(/SigV4 \(service execute-api\)/);
  });
});

describe('SigV4 signing', () => {
  it('the node:crypto Sha256 reproduces the AWS SigV4 test suite vector get-vanilla', async () => {
    const signer = new SignatureV4({
      service: 'service',
      region: 'us-east-1',
      credentials: KEY,
      sha256: Sha256,
      applyChecksum: false,
    });
    const signed = await signer.sign(
      {
        method: 'GET',
        protocol: 'https:',
        hostname: 'example.amazonaws.com',
        path: '/',
        query: {},
        headers: { host: 'example.amazonaws.com' },
      },
      { signingDate: new Date('2015-08-30T12:36:00Z') },
    );
    expect(signed.headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('signs a remote API Gateway URL for execute-api in the Region of its hostname', async () => {
    const url = new URL(
      'https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com/prod/findings?status=FAILING',
    );
    const region = apiGatewayRegion(url.hostname);
    expect(region).toBe('eu-central-1');
    const headers = await signedHeaders(
      executeApiSigner({
        region: region ?? '',
        credentials: async () => ({ ...KEY, sessionToken: 'TOKEN' }),
      }),
      url,
      'application/json',
      new Date('2026-03-04T12:00:00Z'),
    );
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20260304\/eu-central-1\/execute-api\/aws4_request, SignedHeaders=accept;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
    expect(headers['x-amz-date']).toBe('20260304T120000Z');
    expect(headers['x-amz-security-token']).toBe('TOKEN');
    expect(headers).not.toHaveProperty('host');
  });

  it.each([
    { host: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com', region: 'eu-west-1' },
    { host: 'abc123.execute-api.us-gov-west-1.amazonaws.com', region: 'us-gov-west-1' },
    { host: 'abc123.execute-api.cn-north-1.amazonaws.com.cn', region: 'cn-north-1' },
    { host: 'reports.example.com', region: undefined },
    { host: 'abc123.execute-api.eu-west-1.amazonaws.com.evil.example', region: undefined },
  ])('the Region of $host is $region', ({ host, region }) => {
    expect(apiGatewayRegion(host)).toBe(region);
  });

  describe('against a server that checks signatures like API Gateway', () => {
    let gateway: Server;
    let url: string;
    const seen: IncomingHttpHeaders[] = [];

    beforeAll(async () => {
      gateway = createServer((request, response) => {
        seen.push(request.headers);
        const target = new URL(request.url ?? '/', 'http://127.0.0.1');
        verify(request.method ?? 'GET', target, request.headers)
          .then(async (problem) => {
            if (problem) {
              response.writeHead(403, { 'content-type': 'application/json' });
              response.end(JSON.stringify({ message: problem }));
              return;
            }
            const result = await handleReportRequest(seeded.store, {
              method: request.method ?? 'GET',
              path: target.pathname.replace(/^\/prod/, ''),
              query: Object.fromEntries(target.searchParams),
              ...(request.headers.accept ? { accept: request.headers.accept } : {}),
            });
            response.writeHead(result.statusCode, result.headers);
            response.end(result.body);
          })
          .catch((error: unknown) => {
            response.writeHead(500);
            response.end(String(error));
          });
      });
      await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/prod`;
    });

    afterAll(async () => {
      await stop(gateway);
    });

    /** Recomputes the signature from what arrived; a mismatch is API Gateway's 403 message. */
    async function verify(
      method: string,
      target: URL,
      headers: IncomingHttpHeaders,
    ): Promise<string | undefined> {
      const authorization = headers.authorization;
      const amzDate = headers['x-amz-date'];
      if (typeof authorization !== 'string' || typeof amzDate !== 'string')
        return 'Missing Authentication Token';
      const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
      const signer = new SignatureV4({
        service: 'execute-api',
        region: 'eu-west-1',
        credentials: KEY,
        sha256: Sha256,
      });
      const expected = await signer.sign(
        {
          method,
          protocol: 'http:',
          hostname: target.hostname,
          path: target.pathname,
          query: Object.fromEntries(target.searchParams),
          headers: Object.fromEntries(signedNames.map((name) => [name, String(headers[name])])),
        },
        {
          signingDate: new Date(
            amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
          ),
        },
      );
      return expected.headers.authorization === authorization
        ? undefined
        : 'The request signature we calculated does not match the signature you provided.';
    }

    it('--sign signs every request, with the credentials of the standard chain, and the API answers', async () => {
      vi.stubEnv('AWS_ACCESS_KEY_ID', KEY.accessKeyId);
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', KEY.secretAccessKey);
      vi.stubEnv('AWS_SESSION_TOKEN', undefined);
      vi.stubEnv('AWS_PROFILE', undefined);
      seen.length = 0;
      const run = await report(
        '--endpoint',
        url,
        '--sign',
        '--api-region',
        'eu-west-1',
        '--status',
        'STALE',
        '--page-size',
        '2',
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(tableRows(run.stdout)).toHaveLength(6);
      // /findings in pages of 2 (the last one may be empty), then /summary.
      expect(seen.length).toBeGreaterThanOrEqual(4);
      const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
      for (const headers of seen) {
        expect(headers.authorization).toMatch(
          new RegExp(`^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${day}/eu-west-1/execute-api/aws4_request, `),
        );
      }
    });

    it('a wrong secret gets the 403 message printed and exit 1', async () => {
      vi.stubEnv('AWS_ACCESS_KEY_ID', KEY.accessKeyId);
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'not-the-secret');
      vi.stubEnv('AWS_SESSION_TOKEN', undefined);
      vi.stubEnv('AWS_PROFILE', undefined);
      const run = await report('--endpoint', url, '--sign', '--api-region', 'eu-west-1');
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        'orgbackup report: 403: The request signature we calculated does not match the signature you provided.\n',
      );
    });

    it('a local endpoint without --sign is sent unsigned', async () => {
      seen.length = 0;
      const run = await report('--endpoint', url, '--account', ACCOUNTS[0]);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('orgbackup report: 403: Missing Authentication Token\n');
      expect(seen[0]).not.toHaveProperty('authorization');
    });
  });
});
