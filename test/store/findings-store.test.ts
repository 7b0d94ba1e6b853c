import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type {
  ActionRecord,
  CheckResult,
  ResourceFinding,
  ResourceStatus,
} from '../../shared/domain/model.js';
import { RUN_ERROR_MAX_CHARS } from '../../shared/store/codecs.js';
import { InvalidCursorError, StoreWriteError } from '../../shared/store/errors.js';
import { FindingsStore } from '../../shared/store/findings-store.js';
import { RUN_ERRORS_KEPT } from '../../shared/store/run-ledger.js';
import { TableAccess } from '../../shared/store/table-access.js';
import { createFindingsTable, type LocalDynamo, startLocalDynamo } from '../support/dynamo.js';

const ACCOUNT = '111111111111';
const OTHER_ACCOUNT = '222222222222';
const REGION = 'eu-west-1';
const T0 = new Date('2026-03-04T10:00:00.000Z');
const T1 = new Date('2026-03-04T11:00:00.000Z');

function finding(
  arn: string,
  status: ResourceStatus,
  overrides: Partial<ResourceFinding> = {},
): ResourceFinding {
  return {
    accountId: ACCOUNT,
    region: REGION,
    arn,
    resourceType: 'EBS',
    status,
    reasons: status === 'PROTECTED' ? [] : ['BACKUP_OVERDUE'],
    detail: `${arn} is ${status}`,
    warnings: [],
    lastBackupTime: status === 'PROTECTED' ? '2026-03-04T05:00:00.000Z' : null,
    lastCopyTime: null,
    expectedBy: null,
    firstSeen: '2026-03-01T00:00:00.000Z',
    coveredSince: null,
    since: '2026-03-01T00:00:00.000Z',
    ...overrides,
  };
}

const vaultArn = (n: number) => `arn:aws:ec2:${REGION}:${ACCOUNT}:volume/vol-${String(n).padStart(4, '0')}`;

const passingChecks: CheckResult[] = [
  { check: 'VAULT_EXISTS', status: 'PASS', detail: 'The vault exists.' },
  { check: 'BACKUP_ROLE', status: 'PASS', detail: 'The backup role exists.' },
];

let engine: LocalDynamo;
let tableCounter = 0;
let store: FindingsStore;

beforeAll(async () => {
  engine = await startLocalDynamo();
});
afterAll(async () => {
  await engine.stop();
});
beforeEach(async () => {
  tableCounter += 1;
  const tableName = `findings-${tableCounter}`;
  await createFindingsTable(engine.client, tableName);
  store = new FindingsStore({ client: engine.client, tableName });
});

function save(
  findings: ResourceFinding[],
  options: { checks?: CheckResult[]; actions?: ActionRecord[]; now?: Date; accountId?: string } = {},
) {
  return store.saveTargetResult({
    accountId: options.accountId ?? ACCOUNT,
    region: REGION,
    findings,
    checks: options.checks ?? passingChecks,
    actions: options.actions ?? [],
    runId: 'run-1',
    now: options.now ?? T0,
  });
}

describe('FindingsStore.saveTargetResult', () => {
  it('writes every row on first sight and only the observation time on an unchanged second save', async () => {
    const findings = Array.from({ length: 60 }, (_, n) =>
      finding(vaultArn(n), n % 3 === 0 ? 'UNPROTECTED' : 'PROTECTED'),
    );

    const first = await save(findings);
    expect(first.findingWrites).toBe(60);
    expect(first.transitions.filter((t) => t.subject.kind === 'resource')).toHaveLength(60);
    expect(first.transitions.every((t) => t.from === null)).toBe(true);

    const second = await save(findings, { now: T1 });
    expect(second).toEqual({ transitions: [], newActions: [], findingWrites: 0, rowWrites: 1, stale: false });
    expect((await store.listChecks({ accountId: ACCOUNT })).items[0]?.observedAt).toBe(T1.toISOString());
    expect((await store.listFindings({ accountId: ACCOUNT, limit: 1000 })).items).toHaveLength(60);
  });

  it('writes only the changed finding and records its transition', async () => {
    await save([finding(vaultArn(1), 'PROTECTED'), finding(vaultArn(2), 'PROTECTED')]);

    const changed = finding(vaultArn(2), 'FAILING', { reasons: ['JOB_FAILED'], since: T1.toISOString() });
    const outcome = await save([finding(vaultArn(1), 'PROTECTED'), changed], { now: T1 });

    expect(outcome.findingWrites).toBe(1);
    expect(outcome.transitions).toEqual([
      {
        accountId: ACCOUNT,
        region: REGION,
        subject: { kind: 'resource', arn: vaultArn(2) },
        from: 'PROTECTED',
        to: 'FAILING',
        at: T1.toISOString(),
        reasons: ['JOB_FAILED'],
        detail: changed.detail,
      },
    ]);
    expect(await store.getFinding(ACCOUNT, REGION, vaultArn(2))).toEqual(changed);
    const history = await store.listTransitions({ accountId: ACCOUNT, limit: 1 });
    expect(history.items[0]).toMatchObject({ from: 'PROTECTED', to: 'FAILING' });
  });

  it('rewrites a finding whose details changed without recording a transition', async () => {
    await save([finding(vaultArn(1), 'PROTECTED')]);
    const outcome = await save([finding(vaultArn(1), 'PROTECTED', { lastBackupTime: T1.toISOString() })], {
      now: T1,
    });
    expect(outcome.findingWrites).toBe(1);
    expect(outcome.transitions).toEqual([]);
  });

  it('deletes the finding of a resource that disappeared and records it as GONE', async () => {
    await save([finding(vaultArn(1), 'PROTECTED'), finding(vaultArn(2), 'STALE')]);
    const outcome = await save([finding(vaultArn(1), 'PROTECTED')], { now: T1 });

    expect(outcome.findingWrites).toBe(1);
    expect(outcome.transitions).toMatchObject([{ subject: { arn: vaultArn(2) }, from: 'STALE', to: 'GONE' }]);
    expect(await store.getFinding(ACCOUNT, REGION, vaultArn(2))).toBeNull();
    expect((await store.summary()).total.byStatus.STALE).toBe(0);
  });

  it('records check transitions: into FAIL, back to PASS, and a check that is no longer evaluated', async () => {
    await save([]);
    const failing: CheckResult[] = [
      { check: 'VAULT_EXISTS', status: 'FAIL', reason: 'VAULT_MISSING', detail: 'The vault is missing.' },
      { check: 'BACKUP_ROLE', status: 'PASS', detail: 'The backup role exists.' },
    ];
    const intoFail = await save([], { checks: failing, now: T1 });
    expect(intoFail.transitions).toMatchObject([
      {
        subject: { kind: 'check', check: 'VAULT_EXISTS' },
        from: 'PASS',
        to: 'FAIL',
        reasons: ['VAULT_MISSING'],
      },
    ]);
    expect(intoFail.findingWrites).toBe(0);

    const recovered = await save([], { checks: [passingChecks[0]!], now: new Date('2026-03-04T12:00:00Z') });
    expect(recovered.transitions.map((t) => [t.subject, t.from, t.to])).toEqual([
      [{ kind: 'check', check: 'VAULT_EXISTS' }, 'FAIL', 'PASS'],
      [{ kind: 'check', check: 'BACKUP_ROLE' }, 'PASS', 'GONE'],
    ]);
  });

  it('reports an outstanding action once, an applied action every time, and forgets resolved ones', async () => {
    const blocked: ActionRecord = {
      kind: 'PutVaultLock',
      accountId: ACCOUNT,
      region: REGION,
      target: 'vault-a',
      reason: 'The vault lock is missing.',
      applied: false,
      blocked: { by: 'IRREVERSIBLE_LOCK', message: 'Compliance lock needs allowIrreversibleLock.' },
      at: T0.toISOString(),
    };
    const repaired: ActionRecord = {
      kind: 'CreateBackupVault',
      accountId: ACCOUNT,
      region: REGION,
      target: 'vault-a',
      reason: 'The vault is missing.',
      applied: true,
      at: T0.toISOString(),
    };

    expect((await save([], { actions: [blocked, repaired] })).newActions).toEqual([blocked, repaired]);
    const again = await save([], { actions: [{ ...blocked, at: T1.toISOString() }], now: T1 });
    expect(again.newActions).toEqual([]);
    expect(again.rowWrites).toBe(1);
    expect((await store.getAccountView(ACCOUNT)).outstandingActions).toEqual([blocked]);

    await save([], { now: T1 });
    expect((await store.getAccountView(ACCOUNT)).outstandingActions).toEqual([]);
    expect((await store.listActions({ accountId: ACCOUNT })).items).toHaveLength(2);
  });
});

describe('FindingsStore queries', () => {
  beforeEach(async () => {
    await save([
      finding(vaultArn(1), 'PROTECTED'),
      finding(vaultArn(2), 'UNPROTECTED'),
      finding(vaultArn(3), 'UNPROTECTED', { resourceType: 'S3' }),
    ]);
    await store.saveTargetResult({
      accountId: OTHER_ACCOUNT,
      region: 'us-east-1',
      findings: [
        finding('arn:aws:s3:::bucket-b', 'UNPROTECTED', {
          accountId: OTHER_ACCOUNT,
          region: 'us-east-1',
          resourceType: 'S3',
        }),
      ],
      checks: passingChecks,
      actions: [],
      runId: 'run-1',
      now: T0,
    });
  });

  const arnsOf = (items: ResourceFinding[]) => items.map((item) => item.arn).sort();

  it.each([
    {
      why: 'account partition',
      query: { accountId: ACCOUNT },
      expected: [vaultArn(1), vaultArn(2), vaultArn(3)],
    },
    {
      why: 'account and Region',
      query: { accountId: ACCOUNT, region: REGION },
      expected: [vaultArn(1), vaultArn(2), vaultArn(3)],
    },
    {
      why: 'status index across accounts',
      query: { status: 'UNPROTECTED' as const },
      expected: ['arn:aws:s3:::bucket-b', vaultArn(2), vaultArn(3)],
    },
    {
      why: 'status index narrowed to one account',
      query: { status: 'UNPROTECTED' as const, accountId: OTHER_ACCOUNT },
      expected: ['arn:aws:s3:::bucket-b'],
    },
    { why: 'Region index', query: { region: 'us-east-1' }, expected: ['arn:aws:s3:::bucket-b'] },
    {
      why: 'Region index with status in the sort key',
      query: { region: REGION, status: 'PROTECTED' as const },
      expected: [vaultArn(1)],
    },
    {
      why: 'resource type is a filter',
      query: { resourceType: 'S3' },
      expected: ['arn:aws:s3:::bucket-b', vaultArn(3)],
    },
    {
      why: 'no filter walks every status partition',
      query: {},
      expected: ['arn:aws:s3:::bucket-b', vaultArn(1), vaultArn(2), vaultArn(3)],
    },
  ])('listFindings by $why', async ({ query, expected }) => {
    expect(arnsOf((await store.listFindings(query)).items)).toEqual(expected.sort());
  });

  it('pages with an opaque cursor until every finding was returned exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<FindingsStore['listFindings']>> = await store.listFindings({
        limit: 1,
        cursor,
      });
      seen.push(...page.items.map((item) => item.arn));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    expect(seen.sort()).toEqual(['arn:aws:s3:::bucket-b', vaultArn(1), vaultArn(2), vaultArn(3)].sort());
  });

  it('rejects a cursor it did not issue', async () => {
    await expect(store.listFindings({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('summarises counts per account and in total from the target rows', async () => {
    const summary = await store.summary();
    expect(summary.total).toEqual({
      accounts: 2,
      resources: 4,
      byStatus: { PROTECTED: 1, PENDING: 0, UNPROTECTED: 3, STALE: 0, FAILING: 0, UNKNOWN: 0 },
      coveragePercent: 25,
    });
    expect(summary.accounts.map((account) => [account.accountId, account.resources])).toEqual([
      [ACCOUNT, 3],
      [OTHER_ACCOUNT, 1],
    ]);
  });

  it('counts every target in the summary, wherever the counts index shards it', async () => {
    const accounts = Array.from({ length: 40 }, (_, n) => String(400_000_000_000 + n));
    for (const accountId of accounts) {
      await save([finding(`arn:aws:s3:::bucket-${accountId}`, 'PROTECTED', { accountId })], { accountId });
    }
    const summary = await store.summary();
    expect(summary.total.accounts).toBe(42);
    expect(summary.total.byStatus.PROTECTED).toBe(41);
    expect(summary.accounts.map((account) => account.accountId)).toEqual(
      [ACCOUNT, OTHER_ACCOUNT, ...accounts].sort(),
    );
  });

  it('puts a target row saved before the counts index existed into it at the next sweep’s start', async () => {
    const table = new TableAccess({ client: engine.client, tableName: `findings-${tableCounter}` });
    const legacy = await table.get(`ACCOUNT#${OTHER_ACCOUNT}`, 'us-east-1#TARGET');
    const { GSI3PK: _pk, GSI3SK: _sk, ...withoutCountsKeys } = legacy!;
    await table.put(withoutCountsKeys);
    expect((await store.summary()).total.accounts).toBe(1);

    await store.retireTargetsOutside(
      [
        { accountId: ACCOUNT, region: REGION },
        { accountId: OTHER_ACCOUNT, region: 'us-east-1' },
      ],
      { runId: 'run-2', now: T1 },
    );

    expect((await store.summary()).total).toMatchObject({ accounts: 2, resources: 4 });
    expect(await table.get(`ACCOUNT#${OTHER_ACCOUNT}`, 'us-east-1#TARGET')).toEqual(legacy);
  });

  it('keeps the summary a run ended with and serves it whole, across several items', async () => {
    expect(await store.latestSummary()).toBeNull();
    const accounts = Array.from({ length: 2_500 }, (_, n) => ({
      accountId: String(300_000_000_000 + n),
      resources: 2,
      byStatus: { PROTECTED: 1, PENDING: 0, UNPROTECTED: 1, STALE: 0, FAILING: 0, UNKNOWN: 0 },
    }));
    const large = {
      total: {
        accounts: 2_500,
        resources: 5_000,
        byStatus: { PROTECTED: 2_500, PENDING: 0, UNPROTECTED: 2_500, STALE: 0, FAILING: 0, UNKNOWN: 0 },
        coveragePercent: 50,
      },
      accounts,
    };
    await store.saveSummary(large, T0);
    expect(await store.latestSummary()).toEqual(large);

    // A smaller organization later: the parts of the larger summary left behind are not read.
    expect(await store.latestReasons()).toBeNull();
    const { reasons, ...small } = await store.summary();
    await store.saveSummary({ ...small, ...(reasons ? { reasons } : {}) }, T1);
    expect(await store.latestSummary()).toEqual(small);
    // The reason counts sit apart, so /reasons reads one small item.
    expect(reasons).toBeDefined();
    expect(await store.latestReasons()).toEqual(reasons);
  });

  it('lists checks by account, by Region and for the whole organization', async () => {
    expect((await store.listChecks({ accountId: ACCOUNT })).items).toEqual([
      { accountId: ACCOUNT, region: REGION, checks: passingChecks, observedAt: T0.toISOString() },
    ]);
    expect((await store.listChecks({ region: 'us-east-1' })).items.map((t) => t.accountId)).toEqual([
      OTHER_ACCOUNT,
    ]);
    expect((await store.listChecks()).items).toHaveLength(2);
  });

  it('gives an account view with the findings and checks of all its Regions', async () => {
    const view = await store.getAccountView(ACCOUNT);
    expect(arnsOf(view.findings)).toEqual([vaultArn(1), vaultArn(2), vaultArn(3)]);
    expect(view.targets).toHaveLength(1);
  });

  it('loads the evaluator history of one target', async () => {
    const { history } = await store.loadTarget(ACCOUNT, REGION);
    expect(history.get(vaultArn(2))).toEqual({
      accountId: ACCOUNT,
      region: REGION,
      status: 'UNPROTECTED',
      firstSeen: new Date('2026-03-01T00:00:00.000Z'),
      coveredSince: null,
      since: new Date('2026-03-01T00:00:00.000Z'),
      lastBackupTime: null,
      lastCopyTime: null,
    });
    expect(history.size).toBe(3);
  });

  it('lists the transitions of a day across accounts', async () => {
    const day = await store.listTransitions({ day: '2026-03-04', limit: 100 });
    expect(day.items.filter((t) => t.subject.kind === 'resource')).toHaveLength(4);
    expect((await store.listTransitions({ day: '2026-03-05' })).items).toEqual([]);
  });
});

describe('FindingsStore.putFinding (event-driven)', () => {
  it('writes nothing for an unchanged finding and returns the transition of a changed status', async () => {
    await save([finding(vaultArn(1), 'PENDING')]);
    expect(await store.putFinding(finding(vaultArn(1), 'PENDING'), T1)).toBeNull();

    const transition = await store.putFinding(finding(vaultArn(1), 'PROTECTED'), T1);
    expect(transition).toMatchObject({ from: 'PENDING', to: 'PROTECTED', at: T1.toISOString() });
    expect((await store.summary()).total.byStatus).toMatchObject({ PENDING: 0, PROTECTED: 1 });
    expect((await store.listTransitions({ accountId: ACCOUNT, limit: 1 })).items[0]).toEqual(transition);
  });
});

describe('FindingsStore runs', () => {
  it('accumulates progress from targets and lists runs newest first', async () => {
    await store.startRun({ runId: 'run-a', trigger: 'schedule', targets: 2, now: T0 });
    await store.startRun({ runId: 'run-b', trigger: 'cli', targets: 1, now: T1 });
    await store.recordRunProgress('run-a', { counts: { PROTECTED: 3 }, actionsApplied: 1, now: T0 });
    await store.recordRunProgress('run-a', {
      now: T0,
      counts: { PROTECTED: 1, UNKNOWN: 2 },
      errors: ['222222222222/us-east-1: AccessDenied'],
    });
    await store.finishRun({ runId: 'run-a', now: T1 });

    expect(await store.getRun('run-a')).toEqual({
      runId: 'run-a',
      startedAt: T0.toISOString(),
      finishedAt: T1.toISOString(),
      trigger: 'schedule',
      targets: 2,
      counts: { PROTECTED: 4, PENDING: 0, UNPROTECTED: 0, STALE: 0, FAILING: 0, UNKNOWN: 2 },
      errors: ['222222222222/us-east-1: AccessDenied'],
      errorCount: 1,
      actionsApplied: 1,
      actionsBlocked: 0,
    });
    expect((await store.listRuns()).items.map((run) => run.runId)).toEqual(['run-b', 'run-a']);
  });

  it('keeps a run with thousands of errors under the item size limit, every error counted', async () => {
    // 2,000 errors of ~300 characters are ~600 KB: more than one DynamoDB item may hold (400 KB). Each
    // report carries several, as a target with many failed repairs does, to keep the test quick.
    const reports = 250;
    const perReport = 8;
    const error = (n: number) =>
      `${String(n).padStart(12, '0')}/eu-west-1: AccessDenied: not authorized to perform backup:PutBackupVaultLockConfiguration ${'x'.repeat(180)}`;
    await store.startRun({ runId: 'run-big', trigger: 'schedule', targets: reports, now: T0 });
    for (let start = 0; start < reports; start += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, offset) =>
          store.recordRunProgress('run-big', {
            now: T0,
            counts: { UNKNOWN: 1 },
            errors: Array.from({ length: perReport }, (_, k) => error((start + offset) * perReport + k)),
          }),
        ),
      );
    }
    await store.finishRun({ runId: 'run-big', now: T1 });

    const run = await store.getRun('run-big');
    expect(run?.errorCount).toBe(reports * perReport);
    expect(run?.errors).toHaveLength(RUN_ERRORS_KEPT);
    expect(run?.counts.UNKNOWN).toBe(reports);
    const [listed] = (await store.listRuns({ limit: 1 })).items;
    expect(listed).toMatchObject({
      runId: 'run-big',
      errorCount: reports * perReport,
      finishedAt: T1.toISOString(),
    });
    expect(listed?.errors).toEqual(run?.errors);
  });

  it('caps each stored error message and stores a repeated one once', async () => {
    await store.startRun({ runId: 'run-long-error', trigger: 'event', targets: 1, now: T0 });
    const long = `notify: ${'y'.repeat(5_000)}`;
    await store.recordRunProgress('run-long-error', { now: T0, errors: [long, long] });
    await store.finishRun({ runId: 'run-long-error', now: T1, errors: [long] });
    const run = await store.getRun('run-long-error');
    expect(run?.errorCount).toBe(1);
    expect(run?.errors[0]).toHaveLength(RUN_ERROR_MAX_CHARS);
    expect(run?.errors[0]?.startsWith('notify: yyy')).toBe(true);
  });

  it.each([
    {
      limit: 2,
      claims: ['A', 'B', 'A', 'C', 'B'],
      admitted: [true, true, true, false, true],
      why: 'two accounts fit; an admitted account may claim again; a third is refused',
    },
    { limit: 0, claims: ['A'], admitted: [false], why: 'a 0 % budget admits no account' },
  ])('claims the run’s blast-radius budget atomically ($why)', async ({ limit, claims, admitted }) => {
    const runId = `claims-${limit}`;
    await store.startRun({ runId, trigger: 'schedule', targets: 3, now: T0 });
    const results: boolean[] = [];
    for (const account of claims) results.push(await store.claimAccountChange(runId, account, limit));
    expect(results).toEqual(admitted);
  });

  it('admits no more than the limit when targets claim concurrently', async () => {
    await store.startRun({ runId: 'claims-parallel', trigger: 'schedule', targets: 10, now: T0 });
    const accounts = Array.from({ length: 10 }, (_, i) => `acct-${i}`);
    const results = await Promise.all(accounts.map((a) => store.claimAccountChange('claims-parallel', a, 3)));
    expect(results.filter(Boolean)).toHaveLength(3);
  });
});

describe('FindingsStore batch writes', () => {
  it('retries UnprocessedItems and gives up with StoreWriteError', async () => {
    const documents = mockClient(DynamoDBDocumentClient);
    const sleeps: number[] = [];
    const mocked = new FindingsStore({
      client: DynamoDBDocumentClient.from(engine.client),
      tableName: 'mocked',
      maxBatchAttempts: 3,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    documents.on(BatchWriteCommand).callsFake((input) => ({ UnprocessedItems: input.RequestItems }));
    try {
      await expect(
        mocked.recordTransitions(
          [
            {
              accountId: ACCOUNT,
              region: REGION,
              subject: { kind: 'check', check: 'VAULT_EXISTS' },
              from: null,
              to: 'PASS',
              at: T0.toISOString(),
              reasons: [],
              detail: '',
            },
          ],
          { runId: null, now: T0 },
        ),
      ).rejects.toBeInstanceOf(StoreWriteError);
      expect(documents.commandCalls(BatchWriteCommand)).toHaveLength(3);
      expect(sleeps).toEqual([100, 200]);
    } finally {
      documents.restore();
    }
  });
});

describe('FindingsStore with ARNs of the longest lengths AWS allows', () => {
  // A 2,048-character ARN (the longest AWS issues), and an SSM parameter whose ARN is 1,011 characters.
  const longestArn = `arn:aws:ec2:${REGION}:${ACCOUNT}:volume/vol-`.padEnd(2048, 'x');
  const ssmParameter = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/p/`.padEnd(1011, 'p');
  const sameLongPrefix = `${longestArn.slice(0, 2000)}y`.padEnd(2048, 'x');

  it('saves, reads back, lists, updates and retires them like any other finding', async () => {
    const findings = [longestArn, ssmParameter, sameLongPrefix].map((arn) =>
      finding(arn, 'UNPROTECTED', { resourceType: null }),
    );
    const first = await save(findings);
    expect(first.findingWrites).toBe(3);
    expect(await store.getFinding(ACCOUNT, REGION, longestArn)).toEqual(findings[0]);
    expect(arnsOfPage((await store.listFindings({ status: 'UNPROTECTED' })).items)).toEqual(
      [longestArn, ssmParameter, sameLongPrefix].sort(),
    );
    expect(arnsOfPage((await store.listFindings({ region: REGION })).items)).toHaveLength(3);

    const transition = await store.putFinding(finding(ssmParameter, 'PROTECTED', { resourceType: null }), T1);
    expect(transition).toMatchObject({ from: 'UNPROTECTED', to: 'PROTECTED' });

    const second = await save([findings[0]!], { now: T1 });
    expect(
      second.transitions.map((t) => [t.subject.kind === 'resource' && t.subject.arn, t.to]).sort(),
    ).toEqual(
      [
        [ssmParameter, 'GONE'],
        [sameLongPrefix, 'GONE'],
      ].sort(),
    );
    expect((await store.getAccountView(ACCOUNT)).findings.map((f) => f.arn)).toEqual([longestArn]);
    // 3 first sights and 2 checks, the event's change, 2 GONE: each kept in the account's history.
    expect((await store.listTransitions({ accountId: ACCOUNT, limit: 100 })).items).toHaveLength(8);
  });
});

function arnsOfPage(items: ResourceFinding[]) {
  return items.map((item) => item.arn).sort();
}

describe('FindingsStore shared effective policies (one read per chain, handed to the run’s targets)', () => {
  const POLICY = '{"plans":{"org-daily":{"regions":["eu-west-1"]}}}';

  it('hands each account its chain’s policy (or none), only within the run that shared it', async () => {
    const stored = await store.saveSharedEffectivePolicies(
      'run-1',
      [
        { content: POLICY, accounts: [ACCOUNT] },
        { content: null, accounts: [OTHER_ACCOUNT] },
      ],
      T0,
    );
    expect(stored).toEqual({ chains: 2, accounts: 2 });
    expect(await store.sharedEffectivePolicy('run-1', ACCOUNT)).toEqual({ content: POLICY });
    expect(await store.sharedEffectivePolicy('run-1', OTHER_ACCOUNT)).toEqual({ content: null });
    // An account the org reconcile did not group (it joined since) and another run: no answer, own read.
    expect(await store.sharedEffectivePolicy('run-1', '333333333333')).toBeNull();
    expect(await store.sharedEffectivePolicy('run-2', ACCOUNT)).toBeNull();
  });

  it('writes a hundred account buckets at most, however many accounts share a chain', async () => {
    const accounts = Array.from({ length: 1000 }, (_, index) => String(100_000_000_000 + index));
    const writes = mockClient(DynamoDBDocumentClient).on(BatchWriteCommand).resolves({});
    try {
      await store.saveSharedEffectivePolicies('run-1', [{ content: POLICY, accounts }], T0);
      const items = writes
        .commandCalls(BatchWriteCommand)
        .flatMap((call) => Object.values(call.args[0].input.RequestItems ?? {}).flat());
      expect(items).toHaveLength(1 + 100);
    } finally {
      writes.restore();
    }
  });

  it('leaves out a chain whose policy is too large for one item; its accounts read their own', async () => {
    const huge = JSON.stringify({ plans: { big: { note: 'x'.repeat(400_000) } } });
    expect(
      await store.saveSharedEffectivePolicies('run-1', [{ content: huge, accounts: [ACCOUNT] }], T0),
    ).toEqual({ chains: 0, accounts: 0 });
    expect(await store.sharedEffectivePolicy('run-1', ACCOUNT)).toBeNull();
  });
});
