import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleReportRequest } from '../../shared/controller/report-api.js';
import { REASON_CODES } from '../../shared/domain/model.js';
import {
  ACCOUNTS,
  NOW,
  REGIONS,
  type SeededStore,
  seededFindings,
  seedReportStore,
} from '../controller/report-fixture.js';

let seeded: SeededStore;

beforeAll(async () => {
  seeded = await seedReportStore();
  await seeded.store.saveAccountDirectory([
    { accountId: ACCOUNTS[0], name: 'payments-prod', ouPath: '/Workloads/Prod' },
    { accountId: ACCOUNTS[1], name: '<img src=x onerror=alert(1)>', ouPath: '/Workloads/Dev' },
    { accountId: ACCOUNTS[2], name: 'sandbox', ouPath: '/' },
  ]);
});
afterAll(() => seeded.close());

async function get<T>(path: string, query: Record<string, string> = {}): Promise<T> {
  const reply = await handleReportRequest(seeded.store, { method: 'GET', path, query });
  expect(reply.statusCode, reply.body).toBe(200);
  return JSON.parse(reply.body) as T;
}

async function all<T>(path: string, query: Record<string, string>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: T[]; nextCursor: string | null } = await get(path, {
      ...query,
      ...(cursor ? { cursor } : {}),
    });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

describe('report API routes behind the dashboard', () => {
  it.each(REASON_CODES.filter((code) => seededFindings().some((f) => f.reasons.includes(code))))(
    '/findings?reason=%s lists exactly the findings carrying it, across pages',
    async (reason) => {
      const listed = await all<{ arn: string }>('/findings', { reason, limit: '2' });
      const expected = seededFindings().filter((finding) => finding.reasons.includes(reason));
      expect(listed.map((f) => f.arn).sort()).toEqual(expected.map((f) => f.arn).sort());
    },
  );

  it('a reason filter combines with account and status filters', async () => {
    const listed = await all<{ arn: string }>('/findings', {
      reason: 'VAULT_MISSING',
      account: ACCOUNTS[1],
      status: 'UNPROTECTED',
    });
    expect(listed).toHaveLength(REGIONS.length);
    expect(await all('/findings', { reason: 'VAULT_MISSING', status: 'PROTECTED' })).toEqual([]);
  });

  it('an unknown reason code is a 400 naming the parameter', async () => {
    const reply = await handleReportRequest(seeded.store, {
      method: 'GET',
      path: '/findings',
      query: { reason: 'VAULT_GONE' },
    });
    expect(reply.statusCode).toBe(400);
    expect(JSON.parse(reply.body).error).toMatch(/Parameter "reason" must be a reason code/);
  });

  it('/reasons ranks reason codes by how many findings carry them', async () => {
    const counts = new Map<string, number>();
    for (const finding of seededFindings()) {
      for (const reason of finding.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
    }
    const { items } = await get<{ items: { reason: string; resources: number }[] }>('/reasons');
    expect(Object.fromEntries(items.map((item) => [item.reason, item.resources]))).toEqual(
      Object.fromEntries(counts),
    );
    const ranked = items.map((item) => item.resources);
    expect(ranked).toEqual([...ranked].sort((a, b) => b - a));
  });

  it('/targets gives every account × Region with counts adding up to /summary, and its checks', async () => {
    const targets = await all<{
      accountId: string;
      resources: number;
      checks: { check: string; status: string }[];
    }>('/targets', { limit: '4' });
    expect(targets).toHaveLength(ACCOUNTS.length * REGIONS.length);
    const summary = await get<{ total: { resources: number } }>('/summary');
    expect(targets.reduce((sum, target) => sum + target.resources, 0)).toBe(summary.total.resources);
    const failing = targets.filter((t) =>
      t.checks.some((c) => c.check === 'VAULT_EXISTS' && c.status === 'FAIL'),
    );
    expect(failing.map((t) => t.accountId)).toEqual([ACCOUNTS[1], ACCOUNTS[1]]);
  });

  it('/resource gives the finding and its transitions; another resource in the account is not mixed in', async () => {
    const finding = seededFindings().find((f) => f.status === 'FAILING' && f.region === REGIONS[1])!;
    const before = await get<{ transitions: unknown[] }>('/resource', {
      account: finding.accountId,
      region: finding.region,
      arn: finding.arn,
    });
    expect(before.transitions).toEqual([
      expect.objectContaining({ from: null, to: 'FAILING', at: NOW.toISOString() }),
    ]);
    const later = new Date(NOW.getTime() + 3_600_000);
    await seeded.store.putFinding(
      { ...finding, status: 'PROTECTED', reasons: [], since: later.toISOString() },
      later,
    );
    const after = await get<{ finding: { status: string }; transitions: { from: string; to: string }[] }>(
      '/resource',
      { account: finding.accountId, region: finding.region, arn: finding.arn },
    );
    expect(after.finding.status).toBe('PROTECTED');
    expect(after.transitions.map((t) => `${t.from}->${t.to}`)).toEqual([
      'FAILING->PROTECTED',
      'null->FAILING',
    ]);
  });

  it('/resource without its arn is a 400 naming it', async () => {
    const reply = await handleReportRequest(seeded.store, {
      method: 'GET',
      path: '/resource',
      query: { account: ACCOUNTS[0], region: REGIONS[0] },
    });
    expect(reply.statusCode).toBe(400);
    expect(JSON.parse(reply.body).error).toBe('Parameter "arn" is required here.');
  });

  it('/organization lists where each account sits, names as given', async () => {
    const entries = await all<{ accountId: string; name: string; ouPath: string }>('/organization', {});
    expect(entries.map((e) => [e.accountId, e.ouPath])).toEqual([
      [ACCOUNTS[0], '/Workloads/Prod'],
      [ACCOUNTS[1], '/Workloads/Dev'],
      [ACCOUNTS[2], '/'],
    ]);
    await seeded.store.saveAccountDirectory([
      { accountId: ACCOUNTS[0], name: 'payments-prod', ouPath: '/Moved' },
    ]);
    const moved = await all<{ accountId: string; ouPath: string }>('/organization', {});
    expect(moved).toEqual([{ accountId: ACCOUNTS[0], name: 'payments-prod', ouPath: '/Moved' }]);
  });
});
