import { describe, expect, it } from 'vitest';
import type { Action, ResourceFinding, ResourceStatus } from '../../shared/domain/model.js';
import { plannedAction } from '../../shared/domain/plan/action.js';
import { buildReport, summarize, toActionRecord } from '../../shared/domain/report.js';
import { MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT, NOW } from './fixtures/desired.js';

function finding(
  status: ResourceStatus,
  arn: string,
  accountId = MEMBER_ACCOUNT,
  region = 'eu-west-1',
): ResourceFinding {
  return {
    accountId,
    region,
    arn,
    resourceType: 'EBS',
    status,
    reasons: status === 'PROTECTED' ? [] : ['BACKUP_OVERDUE'],
    detail: 'fixture',
    warnings: [],
    lastBackupTime: null,
    lastCopyTime: null,
    expectedBy: null,
    firstSeen: NOW.toISOString(),
    since: NOW.toISOString(),
  };
}

const statuses = (list: ResourceStatus[]) => list.map((status, index) => finding(status, `arn:${index}`));

describe('summarize', () => {
  it.each([
    { findings: [], coverage: 100, why: 'nothing tagged means nothing uncovered' },
    { findings: statuses(['PROTECTED', 'PROTECTED']), coverage: 100, why: 'all protected' },
    {
      findings: statuses(['PROTECTED', 'PENDING', 'UNPROTECTED']),
      coverage: 33.3,
      why: 'one decimal, PENDING is not yet covered',
    },
    {
      findings: statuses(['PROTECTED', 'PROTECTED', 'STALE']),
      coverage: 66.7,
      why: 'rounded to one decimal',
    },
    {
      findings: statuses(['UNKNOWN']),
      coverage: 0,
      why: 'an unobserved resource is not known to be protected',
    },
  ])('coverage $coverage% ($why)', ({ findings, coverage }) => {
    expect(summarize(findings, [MEMBER_ACCOUNT]).coveragePercent).toBe(coverage);
  });

  it('counts every status (zero included) and distinct accounts', () => {
    const summary = summarize(statuses(['PROTECTED', 'FAILING', 'FAILING']), [
      MEMBER_ACCOUNT,
      MANAGEMENT_ACCOUNT,
      MEMBER_ACCOUNT,
    ]);
    expect(summary).toEqual({
      accounts: 2,
      resources: 3,
      byStatus: { PROTECTED: 1, PENDING: 0, UNPROTECTED: 0, STALE: 0, FAILING: 2, UNKNOWN: 0 },
      coveragePercent: 33.3,
    });
  });
});

describe('buildReport', () => {
  const orgAction = plannedAction(
    { kind: 'EnableCrossAccountBackup' },
    {
      accountId: MANAGEMENT_ACCOUNT,
      region: 'us-east-1',
      target: 'isCrossAccountBackupEnabled',
      reason: 'copies',
    },
  );
  const memberActions: Action[] = [
    plannedAction(
      { kind: 'CreateBackupVault', vaultName: 'v', kmsKey: { type: 'aws-managed' } },
      {
        accountId: MEMBER_ACCOUNT,
        region: 'eu-west-1',
        target: 'vault',
        reason: 'missing',
      },
    ),
    {
      ...plannedAction(
        { kind: 'PutVaultLock', vaultName: 'v', changeableForDays: 3 },
        {
          accountId: MEMBER_ACCOUNT,
          region: 'eu-west-1',
          target: 'vault',
          reason: 'lock',
        },
      ),
      blocked: { by: 'IRREVERSIBLE_LOCK', message: 'not allowed' },
    },
  ];

  const report = buildReport({
    generatedAt: NOW,
    mode: 'audit',
    findings: [
      finding('PROTECTED', 'arn:b'),
      finding('PENDING', 'arn:a'),
      finding('STALE', 'arn:c', MANAGEMENT_ACCOUNT),
    ],
    targetChecks: [
      {
        accountId: MEMBER_ACCOUNT,
        region: 'eu-west-1',
        checks: [
          { check: 'VAULT_LOCK', status: 'PASS', detail: 'ok' },
          { check: 'EFFECTIVE_POLICY', status: 'PASS', detail: 'ok' },
        ],
      },
      { accountId: MANAGEMENT_ACCOUNT, region: 'eu-west-1', checks: [] },
    ],
    actions: [...memberActions, orgAction].map((action) => toActionRecord(action, NOW)),
    accountIds: [MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT],
  });

  it('sorts resources by account, Region and ARN', () => {
    expect(report.resources.map((resource) => resource.arn)).toEqual(['arn:c', 'arn:a', 'arn:b']);
  });

  it('sorts targets by account and their checks in CHECK_IDS order', () => {
    expect(report.accounts.map((target) => target.accountId)).toEqual([MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT]);
    expect(report.accounts[1]!.checks.map((check) => check.check)).toEqual([
      'EFFECTIVE_POLICY',
      'VAULT_LOCK',
    ]);
  });

  it('lists org actions first and keeps execution order within a target, stamped with the report time', () => {
    expect(report.actions.map((action) => action.kind)).toEqual([
      'EnableCrossAccountBackup',
      'CreateBackupVault',
      'PutVaultLock',
    ]);
    expect(report.actions[2]).toEqual({
      kind: 'PutVaultLock',
      accountId: MEMBER_ACCOUNT,
      region: 'eu-west-1',
      target: 'vault',
      reason: 'lock',
      applied: false,
      blocked: { by: 'IRREVERSIBLE_LOCK', message: 'not allowed' },
      at: NOW.toISOString(),
    });
  });

  it('carries the mode, time and summary', () => {
    expect(report.generatedAt).toBe(NOW.toISOString());
    expect(report.mode).toBe('audit');
    expect(report.summary.resources).toBe(3);
    expect(report.summary.accounts).toBe(2);
  });
});
