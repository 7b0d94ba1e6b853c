import { describe, expect, it } from 'vitest';
import { CHECKS, runChecks } from '../../../shared/domain/checks/index.js';
import { runOrgChecks } from '../../../shared/domain/checks/trusted-access.js';
import { type ObservedTarget, ORG_CHECK_IDS, TARGET_CHECK_IDS } from '../../../shared/domain/model.js';
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

describe('runChecks in a Region outside the policy', () => {
  const desired = desiredState({ scanRegions: null });
  const outside = (extra: Partial<ObservedTarget> = {}) => ({
    ...compliantTarget(desired, { ...HOME_TARGET, region: 'us-west-2' }, { vault: null }),
    ...extra,
  });

  it('reports only the scan: nothing is managed there, and a Region without a plan is expected', () => {
    const results = runChecks({
      desired,
      observed: outside(),
      org: { crossAccountBackupEnabled: null },
      now: NOW,
    });
    expect(results).toEqual([expect.objectContaining({ check: 'REGION_SCAN', status: 'PASS' })]);
  });

  it('SKIPs the scan with REGION_DENIED_BY_SCP when a Region-deny SCP refused it', () => {
    const observed = outside({ regionScanDenied: 'explicit deny in a service control policy' });
    const results = runChecks({ desired, observed, org: { crossAccountBackupEnabled: null }, now: NOW });
    expect(results).toEqual([
      expect.objectContaining({ check: 'REGION_SCAN', status: 'SKIPPED', reason: 'REGION_DENIED_BY_SCP' }),
    ]);
  });
});
