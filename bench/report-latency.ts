import { createFindingsTable } from '../sandbox/local-dynamo/create-table.js';
import { handleReportRequest } from '../shared/controller/report-api.js';
import type { ResourceFinding, ResourceStatus } from '../shared/domain/model.js';
import { findingItem, targetItem } from '../shared/store/codecs.js';
import { FindingsStore } from '../shared/store/findings-store.js';
import { statusKey } from '../shared/store/keys.js';
import { TableAccess } from '../shared/store/table-access.js';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.js';
import { decimal, markdownTable, progress, timed } from './measure.js';

/**
 * Report API latency at scale: the real routes (`handleReportRequest`) on a findings table in DynamoDB
 * Local holding `findings` findings — 25 per account × Region, 4 Regions per account, a mix of statuses —
 * each route warmed up, then timed one request after another. DynamoDB Local runs on this machine, so the
 * numbers leave out the network and are indicative only; what they compare is the work each route asks of
 * the table.
 */
const PER_TARGET = 25;
const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-1', 'ap-southeast-2'];
const WARM_UP = 5;
const SAMPLES = 40;
const OBSERVED_AT = '2026-03-04T10:00:00.000Z';

export interface ReportLatencyRow {
  readonly findings: number;
  readonly route: string;
  readonly p50: number;
  readonly p95: number;
}

const STATUS_MIX: readonly ResourceStatus[] = [
  ...Array<ResourceStatus>(16).fill('PROTECTED'),
  'UNPROTECTED',
  'UNPROTECTED',
  'FAILING',
  'STALE',
];

const accountId = (n: number) => String(200_000_000_000 + n);

function findingOf(account: string, region: string, n: number): ResourceFinding {
  const status = STATUS_MIX[n % STATUS_MIX.length]!;
  return {
    accountId: account,
    region,
    arn: `arn:aws:ec2:${region}:${account}:volume/vol-${String(n).padStart(8, '0')}`,
    resourceType: 'EBS',
    status,
    reasons: status === 'PROTECTED' ? [] : status === 'UNPROTECTED' ? ['TAG_VALUE_MISMATCH'] : ['JOB_FAILED'],
    detail: `The volume is ${status.toLowerCase()}.`,
    warnings: [],
    lastBackupTime: '2026-03-04T05:10:00.000Z',
    lastCopyTime: null,
    expectedBy: null,
    firstSeen: '2026-03-01T00:00:00.000Z',
    coveredSince: '2026-03-01T00:00:00.000Z',
    since: '2026-03-02T00:00:00.000Z',
  };
}

/** Writes the findings and target rows as a sweep would have left them. */
async function load(table: TableAccess, findings: number): Promise<number> {
  const accounts = Math.ceil(findings / (PER_TARGET * REGIONS.length));
  const targets = Array.from({ length: accounts }, (_, a) => REGIONS.map((region) => ({ a, region }))).flat();
  for (let start = 0; start < targets.length; start += 16) {
    await Promise.all(
      targets.slice(start, start + 16).map(async ({ a, region }) => {
        const account = accountId(a);
        const rows = Array.from({ length: PER_TARGET }, (_, n) => findingOf(account, region, n));
        const byStatus = { PROTECTED: 0, PENDING: 0, UNPROTECTED: 0, STALE: 0, FAILING: 0, UNKNOWN: 0 };
        for (const row of rows) byStatus[row.status] += 1;
        await table.batchWrite([
          ...rows.map((finding) => ({ PutRequest: { Item: findingItem(finding, 1) } })),
          {
            PutRequest: {
              Item: targetItem({
                accountId: account,
                region,
                checks: [{ check: 'VAULT_EXISTS', status: 'PASS', detail: 'The vault exists.' }],
                resources: rows.length,
                byStatus,
                observedAt: OBSERVED_AT,
                statuses: Object.fromEntries(rows.map((row) => [statusKey(row.arn), row.status])),
                version: 1,
              }),
            },
          },
        ]);
      }),
    );
  }
  return accounts;
}

function percentile(samples: readonly number[], fraction: number): number {
  const sorted = [...samples].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

async function measureAt(local: DynamoDbLocal, findings: number): Promise<ReportLatencyRow[]> {
  const tableName = `findings-${findings}`;
  await createFindingsTable(local.client, tableName);
  const table = new TableAccess({ client: local.client, tableName });
  let accounts = 0;
  const loadMs = await timed(async () => {
    accounts = await load(table, findings);
  });
  progress(`loaded ${findings} findings (${accounts} accounts) in ${decimal(loadMs / 1000, 1)} s`);
  const store = new FindingsStore({ client: local.client, tableName });
  // Every run's end keeps the summary (notify does); /summary before the first run ends is timed apart,
  // with fewer samples: it reads every target row.
  const computedSummary = await measureRoute(store, '/summary', {}, 10);
  await store.saveSummary(await store.summary(), new Date(OBSERVED_AT));
  const routes: { route: string; path: string; query: Record<string, string> }[] = [
    { route: '/summary (kept at the last run’s end)', path: '/summary', query: {} },
    { route: '/findings?status=UNPROTECTED', path: '/findings', query: { status: 'UNPROTECTED' } },
    {
      route: '/findings?account=…',
      path: '/findings',
      query: { account: accountId(Math.floor(accounts / 2)) },
    },
    {
      route: '/findings?status=PROTECTED&format=csv',
      path: '/findings',
      query: { status: 'PROTECTED', format: 'csv' },
    },
    {
      route: '/findings?status=PROTECTED&limit=1000&format=csv',
      path: '/findings',
      query: { status: 'PROTECTED', limit: '1000', format: 'csv' },
    },
  ];
  const rows: ReportLatencyRow[] = [
    { findings, route: '/summary (before any run ended: from the target rows)', ...computedSummary },
  ];
  for (const { route, path, query } of routes) {
    rows.push({ findings, route, ...(await measureRoute(store, path, query)) });
    progress(`${findings} findings ${route}: p50 ${decimal(rows.at(-1)!.p50, 1)} ms`);
  }
  return rows;
}

/** p50 and p95 of `count` requests, one after another, after `WARM_UP` untimed ones. */
async function measureRoute(
  store: FindingsStore,
  path: string,
  query: Record<string, string>,
  count = SAMPLES,
): Promise<{ p50: number; p95: number }> {
  const request = { method: 'GET', path, query };
  for (let n = 0; n < WARM_UP; n++) await handleReportRequest(store, request);
  const samples: number[] = [];
  for (let n = 0; n < count; n++) {
    samples.push(
      await timed(async () => {
        const response = await handleReportRequest(store, request);
        if (response.statusCode !== 200) throw new Error(`${path}: ${response.statusCode} ${response.body}`);
      }),
    );
  }
  return { p50: percentile(samples, 0.5), p95: percentile(samples, 0.95) };
}

export async function reportLatencyTable(sizes: readonly number[]): Promise<ReportLatencyRow[]> {
  const local = await startDynamoDbLocal();
  try {
    const rows: ReportLatencyRow[] = [];
    for (const findings of sizes) rows.push(...(await measureAt(local, findings)));
    return rows;
  } finally {
    await local.stop();
  }
}

export function reportLatencySection(rows: readonly ReportLatencyRow[]): string {
  return [
    '## Report API latency (DynamoDB Local)',
    '',
    'The report routes as the API serves them (`handleReportRequest`), on DynamoDB Local (the jar from ' +
      '`amplify-dynamodb-simulator`, fetched into a cache with `npm pack`, Java 17), warm: ' +
      `${WARM_UP} requests first, then ${SAMPLES} timed one after another. ${PER_TARGET} findings per account × ` +
      `Region, ${REGIONS.length} Regions per account. Indicative only: no network, one machine. Goal: p95 ≤ 300 ms ` +
      'at 100,000 findings. Regenerate with `npm run bench -- report-latency`.',
    '',
    markdownTable(
      ['findings', 'route', 'p50 ms', 'p95 ms'],
      rows.map((row) => [String(row.findings), `\`${row.route}\``, decimal(row.p50, 1), decimal(row.p95, 1)]),
    ),
    '',
  ].join('\n');
}
