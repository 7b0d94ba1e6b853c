import { describe, expect, it } from 'vitest';
import { CHECKS, runChecks } from '../../../shared/domain/checks/index.js';
import { runOrgChecks } from '../../../shared/domain/checks/trusted-access.js';
import { ORG_CHECK_IDS, TARGET_CHECK_IDS } from '../../../shared/domain/model.js';
import { desiredState, NOW } from '../fixtures/desired.js';
import { compliantOrg, compliantTarget, HOME_TARGET } from '../fixtures/observed.js';

describe('runOrgChecks (organization-wide, on the management account entry with region "global")', () => {
  it.each([
    { services: ['backup.amazonaws.com'], status: 'PASS', reason: undefined, why: 'trusted access on' },
    {
      services: ['member.org.stacksets.cloudformation.amazonaws.com'],
      status: 'WARN',
      reason: 'TRUSTED_ACCESS_DISABLED',
      why: 'off: job monitoring loses the organization view, backups still run',
    },
    { services: null, status: 'SKIPPED', reason: undefined, why: 'the list could not be read' },
  ])('$status for $services ($why)', ({ services, status, reason }) => {
    const org = { ...compliantOrg(desiredState()), trustedAccessServices: services };
    const [result] = runOrgChecks(org);
    expect([result?.check, result?.status, result?.reason]).toEqual(['TRUSTED_ACCESS', status, reason]);
    expect(runOrgChecks(org).map((check) => check.check)).toEqual([...ORG_CHECK_IDS]);
  });
});

describe('runChecks', () => {
  it('lists every check once, in CHECK_IDS order, each with an explanation', () => {
    expect(CHECKS.map((check) => check.id)).toEqual([...TARGET_CHECK_IDS]);
    for (const check of CHECKS) expect(check.explanation.length).toBeGreaterThan(40);
  });

  it.each([
    {
      reason: 'ACCOUNT_UNREACHABLE' as const,
      message: 'AssumeRole was denied',
      why: 'the member role is missing',
    },
    {
      reason: 'OBSERVATION_FAILED' as const,
      message: 'Throttled after 5 retries',
      why: 'throttled past retries',
    },
  ])('SKIPs every check when the target is $reason ($why)', ({ reason, message }) => {
    const desired = desiredState();
    const observed = compliantTarget(desired, HOME_TARGET, {
      reachability: { ok: false, reason, message },
      vault: null,
    });
    const results = runChecks({ desired, observed, org: { crossAccountBackupEnabled: false }, now: NOW });
    expect(results.map((result) => result.check)).toEqual([...TARGET_CHECK_IDS]);
    for (const result of results) {
      expect(result.status).toBe('SKIPPED');
      expect(result.detail).toContain(message);
    }
  });

  it('evaluates every check on a reachable target', () => {
    const desired = desiredState();
    const observed = compliantTarget(desired, HOME_TARGET, { vault: null });
    const results = runChecks({ desired, observed, org: { crossAccountBackupEnabled: null }, now: NOW });
    expect(results.find((result) => result.check === 'VAULT_EXISTS')?.status).toBe('FAIL');
  });
});

describe('runChecks in a scan-only Region', () => {
  it('reports only whether the policy covers it; prerequisites are SKIPPED, not FAILed', () => {
    const desired = desiredState({ scanRegions: ['us-west-2'] });
    const observed = compliantTarget(desired, { ...HOME_TARGET, region: 'us-west-2' }, { vault: null });
    const results = runChecks({ desired, observed, org: { crossAccountBackupEnabled: null }, now: NOW });
    expect(results.filter((result) => result.status !== 'SKIPPED')).toEqual([
      expect.objectContaining({ check: 'EFFECTIVE_POLICY', status: 'FAIL', reason: 'REGION_NOT_IN_POLICY' }),
    ]);
  });
});
