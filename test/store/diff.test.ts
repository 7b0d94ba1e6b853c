import { describe, expect, it } from 'vitest';
import type {
  ActionRecord,
  CheckResult,
  ResourceFinding,
  ResourceStatus,
} from '../../shared/domain/model.js';
import { findingFromItem, findingItem, type TargetRow } from '../../shared/store/codecs.js';
import { diffOutstandingActions, diffTarget, isStale, type StoredTarget } from '../../shared/store/diff.js';
import { StoreItemError } from '../../shared/store/errors.js';
import { keys, statusKey } from '../../shared/store/keys.js';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const NOW = new Date('2026-03-04T11:00:00.000Z');
const volume = (n: number) => `arn:aws:ec2:${REGION}:${ACCOUNT}:volume/vol-${n}`;

function finding(
  n: number,
  status: ResourceStatus,
  overrides: Partial<ResourceFinding> = {},
): ResourceFinding {
  return {
    accountId: ACCOUNT,
    region: REGION,
    arn: volume(n),
    resourceType: 'EBS',
    status,
    reasons: status === 'PROTECTED' ? [] : ['BACKUP_OVERDUE'],
    detail: `${status}`,
    warnings: [],
    lastBackupTime: null,
    lastCopyTime: null,
    expectedBy: null,
    firstSeen: '2026-03-01T00:00:00.000Z',
    coveredSince: null,
    since: '2026-03-01T00:00:00.000Z',
    ...overrides,
  };
}

const pass: CheckResult = { check: 'VAULT_EXISTS', status: 'PASS', detail: 'The vault exists.' };
const fail: CheckResult = {
  check: 'VAULT_EXISTS',
  status: 'FAIL',
  reason: 'VAULT_MISSING',
  detail: 'Missing.',
};

function row(findings: ResourceFinding[], checks: CheckResult[]): TargetRow {
  const byStatus = { PROTECTED: 0, PENDING: 0, UNPROTECTED: 0, STALE: 0, FAILING: 0, UNKNOWN: 0 };
  for (const f of findings) byStatus[f.status] += 1;
  return {
    accountId: ACCOUNT,
    region: REGION,
    checks,
    resources: findings.length,
    byStatus,
    observedAt: '2026-03-04T10:00:00.000Z',
    statuses: null,
    version: 3,
  };
}

function stored(findings: ResourceFinding[], checks: CheckResult[] = [pass]): StoredTarget {
  return {
    findings: new Map(findings.map((f) => [f.arn, f])),
    target: row(findings, checks),
    outstandingActions: new Map(),
  };
}

const result = (
  findings: ResourceFinding[],
  checks: CheckResult[] = [pass],
  actions: ActionRecord[] = [],
) => ({
  accountId: ACCOUNT,
  region: REGION,
  findings,
  checks,
  actions,
  runId: 'run-2',
  now: NOW,
});

describe('diffTarget', () => {
  it.each([
    {
      why: 'nothing changed: nothing to write, no news',
      before: stored([finding(1, 'PROTECTED')]),
      after: result([finding(1, 'PROTECTED')]),
      puts: [],
      deletes: [],
      transitions: [],
    },
    {
      why: 'first sight: every finding and the target row are written, each finding is a transition from null',
      before: { findings: new Map(), target: null, outstandingActions: new Map() },
      after: result([finding(1, 'PROTECTED'), finding(2, 'UNPROTECTED')]),
      puts: [volume(1), volume(2)],
      deletes: [],
      transitions: [
        [volume(1), null, 'PROTECTED'],
        [volume(2), null, 'UNPROTECTED'],
        ['VAULT_EXISTS', null, 'PASS'],
      ],
    },
    {
      why: 'a detail changed without a status change: rewrite, no transition, counts unchanged',
      before: stored([finding(1, 'PROTECTED')]),
      after: result([finding(1, 'PROTECTED', { lastBackupTime: NOW.toISOString() })]),
      puts: [volume(1)],
      deletes: [],
      transitions: [],
    },
    {
      why: 'a resource vanished: its row is deleted and it goes GONE; the counts change',
      before: stored([finding(1, 'PROTECTED'), finding(2, 'STALE')]),
      after: result([finding(1, 'PROTECTED')]),
      puts: [],
      deletes: [volume(2)],
      transitions: [[volume(2), 'STALE', 'GONE']],
    },
    {
      why: 'the row committed a status its finding row does not show yet: no second transition',
      before: {
        ...stored([finding(1, 'PENDING')]),
        target: {
          ...row([finding(1, 'UNPROTECTED')], [pass]),
          statuses: { [statusKey(volume(1))]: 'UNPROTECTED' as const },
        },
      },
      after: result([finding(1, 'UNPROTECTED')]),
      puts: [volume(1)],
      deletes: [],
      transitions: [],
    },
    {
      why: 'a check fails: only the target row changes',
      before: stored([]),
      after: result([], [fail]),
      puts: [],
      deletes: [],
      transitions: [['VAULT_EXISTS', 'PASS', 'FAIL']],
    },
    {
      why: 'a check is no longer evaluated: it goes GONE',
      before: stored([], [pass]),
      after: result([], []),
      puts: [],
      deletes: [],
      transitions: [['VAULT_EXISTS', 'PASS', 'GONE']],
    },
  ])('$why', ({ before, after, puts, deletes, transitions }) => {
    const changes = diffTarget(before, after);
    expect(changes.putFindings.map((f) => f.arn)).toEqual(puts);
    expect(changes.deletedFindings).toEqual(deletes);
    // The row always records the observation and commits on the next version.
    expect(changes.targetRow).toMatchObject({
      observedAt: NOW.toISOString(),
      version: (before.target?.version ?? 0) + 1,
      resources: after.findings.length,
    });
    expect(
      changes.transitions.map((t) => [
        t.subject.kind === 'resource' ? t.subject.arn : t.subject.check,
        t.from,
        t.to,
      ]),
    ).toEqual(transitions);
    expect(changes.transitions.every((t) => t.at === NOW.toISOString())).toBe(true);
  });
});

describe('isStale', () => {
  it.each([
    { why: 'nothing stored yet', storedAt: null, now: NOW, stale: false },
    { why: 'stored observation older', storedAt: '2026-03-04T10:00:00.000Z', now: NOW, stale: false },
    {
      why: 'same instant (the version check orders the two)',
      storedAt: NOW.toISOString(),
      now: NOW,
      stale: false,
    },
    { why: 'stored observation newer', storedAt: '2026-03-04T12:00:00.000Z', now: NOW, stale: true },
  ])('$why', ({ storedAt, now, stale }) => {
    const target = storedAt === null ? null : { ...row([], [pass]), observedAt: storedAt };
    expect(isStale({ findings: new Map(), target, outstandingActions: new Map() }, { now })).toBe(stale);
  });
});

describe('diffOutstandingActions', () => {
  const blocked: ActionRecord = {
    kind: 'PutVaultLock',
    accountId: ACCOUNT,
    region: REGION,
    target: 'vault-a',
    reason: 'The vault lock is missing.',
    applied: false,
    blocked: { by: 'IRREVERSIBLE_LOCK', message: 'Needs allowIrreversibleLock.' },
    at: '2026-03-04T10:00:00.000Z',
  };
  const applied: ActionRecord = { ...blocked, kind: 'CreateBackupVault', applied: true, blocked: undefined };
  const storedBlocked = new Map([[keys.outstandingAction(REGION, blocked), blocked]]);

  it.each([
    {
      why: 'a new outstanding action is stored and is news',
      before: new Map<string, ActionRecord>(),
      actions: [blocked],
      put: 1,
      deleted: 0,
      news: 1,
    },
    {
      why: 'the same outstanding action at a later time is not news',
      before: storedBlocked,
      actions: [{ ...blocked, at: NOW.toISOString() }],
      put: 0,
      deleted: 0,
      news: 0,
    },
    {
      why: 'what blocks it changed: rewritten and news again',
      before: storedBlocked,
      actions: [{ ...blocked, blocked: { by: 'BLAST_RADIUS' as const, message: 'Budget spent.' } }],
      put: 1,
      deleted: 0,
      news: 1,
    },
    {
      why: 'no longer planned: the row is deleted, nothing to tell',
      before: storedBlocked,
      actions: [],
      put: 0,
      deleted: 1,
      news: 0,
    },
    {
      why: 'an applied action is always news and never kept as outstanding',
      before: new Map<string, ActionRecord>(),
      actions: [applied, applied],
      put: 0,
      deleted: 0,
      news: 2,
    },
  ])('$why', ({ before, actions, put, deleted, news }) => {
    const changes = diffOutstandingActions(REGION, before, actions);
    expect([changes.put.length, changes.deleted.length, changes.newActions.length]).toEqual([
      put,
      deleted,
      news,
    ]);
  });
});

describe('item codecs', () => {
  it('reads back what it wrote, without the key attributes', () => {
    expect(findingFromItem(findingItem(finding(1, 'FAILING'), 2))).toEqual(finding(1, 'FAILING'));
  });

  it('reads back warnings and their sentence', () => {
    const warned = finding(1, 'PROTECTED', {
      warnings: ['LOCK_BECOMES_IMMUTABLE'],
      warningDetail: 'The vault lock becomes immutable on 2026-03-09.',
    });
    expect(findingFromItem(findingItem(warned, 2))).toEqual(warned);
  });

  it('reads a finding stored before findings carried warnings as one without warnings', () => {
    const { warnings: _none, ...older } = findingItem(finding(1, 'STALE'), 2);
    expect(findingFromItem(older)).toEqual(finding(1, 'STALE', { warnings: [] }));
  });

  it.each([
    { why: 'an unknown warning', change: { warnings: ['MAYBE_LATER'] } },
    { why: 'an unknown status', change: { status: 'MAYBE' } },
    { why: 'a missing field', change: { detail: undefined } },
    { why: 'another entity', change: { entity: 'RUN' } },
  ])('rejects a stored finding with $why, naming the item', ({ change }) => {
    const item = { ...findingItem(finding(1, 'PROTECTED'), 2), ...change };
    expect(() => findingFromItem(item)).toThrow(StoreItemError);
    expect(() => findingFromItem(item)).toThrow(`ACCOUNT#${ACCOUNT}`);
  });
});
