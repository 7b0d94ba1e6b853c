import { createFindingsTable } from '../sandbox/local-dynamo/create-table.js';
import { startEmbeddedDynamo } from '../sandbox/local-dynamo/engine.js';
import { handleReportRequest } from '../shared/controller/report-api.js';
import type { ReasonCode, ResourceFinding, ResourceStatus } from '../shared/domain/model.js';
import { FindingsStore } from '../shared/store/findings-store.js';
import { progress, timed } from './measure.js';

const NOW = new Date('2026-03-04T12:00:00.000Z');
/** One in ten findings is not protected, each with one or two of these reasons. */
const GAPS: readonly { status: ResourceStatus; reasons: ReasonCode[] }[] = [
  { status: 'FAILING', reasons: ['JOB_FAILED'] },
  { status: 'UNPROTECTED', reasons: ['OPT_IN_DISABLED', 'VAULT_MISSING'] },
  { status: 'STALE', reasons: ['RECOVERY_POINT_STALE'] },
];

/** The requests the dashboard makes to show its first view (see dashboard/app/index.ts `start`). */
const FIRST_VIEW = [
  ['/summary', {}],
  ['/runs', { limit: '100' }],
  ['/targets', { limit: '1000' }],
  ['/reasons', {}],
  ['/actions', { limit: '200' }],
  ['/organization', { limit: '1000' }],
  ['/findings', { limit: '50' }],
] as const;

export interface DashboardLoadRow {
  readonly findings: number;
  readonly targets: number;
  /** Per request of the first view: the time to answer it and the bytes sent. */
  readonly requests: readonly { readonly route: string; readonly ms: number; readonly bytes: number }[];
}

/**
 * What the dashboard's first view costs the report API on an organization of `findings` findings spread over
 * `targets` account × Region targets (local DynamoDB engine; the page itself never holds more than one page
 * of findings).
 */
export async function measureDashboardLoad(findings: number, targets: number): Promise<DashboardLoadRow> {
  const engine = await startEmbeddedDynamo();
  try {
    await createFindingsTable(engine.client, 'bench-dashboard');
    const store = new FindingsStore({ client: engine.client, tableName: 'bench-dashboard' });
    const perTarget = Math.ceil(findings / targets);
    for (let t = 0; t < targets; t++) {
      const accountId = String(100_000_000_000 + Math.floor(t / 4));
      const region = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2'][t % 4]!;
      await store.saveTargetResult({
        accountId,
        region,
        findings: Array.from({ length: perTarget }, (_, i) => finding(accountId, region, i)),
        checks: [{ check: 'VAULT_EXISTS', status: 'PASS', detail: 'The vault exists.' }],
        actions: [],
        runId: 'bench',
        now: NOW,
      });
      if (t % 10 === 9) progress(`dashboard load: stored ${(t + 1) * perTarget} findings`);
    }
    const requests = [];
    for (const [route, query] of FIRST_VIEW) {
      let bytes = 0;
      const ms = await timed(async () => {
        const reply = await handleReportRequest(store, { method: 'GET', path: route, query });
        bytes = Buffer.byteLength(reply.body);
      });
      requests.push({ route, ms, bytes });
    }
    return { findings: perTarget * targets, targets, requests };
  } finally {
    await engine.stop();
  }
}

function finding(accountId: string, region: string, index: number): ResourceFinding {
  const gap = index % 10 === 0 ? GAPS[(index / 10) % GAPS.length] : undefined;
  return {
    accountId,
    region,
    arn: `arn:aws:ec2:${region}:${accountId}:volume/vol-${String(index).padStart(8, '0')}`,
    resourceType: 'EBS',
    status: gap?.status ?? 'PROTECTED',
    reasons: gap?.reasons ?? [],
    detail: gap ? 'A gap planted by the benchmark.' : 'Backed up by the policy.',
    warnings: [],
    lastBackupTime: gap ? null : '2026-03-04T05:00:00.000Z',
    lastCopyTime: null,
    expectedBy: null,
    firstSeen: '2026-03-01T00:00:00.000Z',
    coveredSince: '2026-03-01T00:00:00.000Z',
    since: '2026-03-03T00:00:00.000Z',
  };
}
