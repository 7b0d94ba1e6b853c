import { describe, expect, it } from 'vitest';
import { evaluateTarget } from '../../../shared/domain/evaluate/evaluate-target.js';
import type { DesiredState, ObservedTarget, WarningCode } from '../../../shared/domain/model.js';
import { desiredState, NOW } from '../fixtures/desired.js';
import {
  compliantTarget,
  ebsVolumeArn,
  HOME_TARGET,
  hoursBefore,
  policyRecoveryPoint,
  selectedResource,
} from '../fixtures/observed.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const daysFromNow = (days: number) => new Date(NOW.getTime() + days * DAY_MS);
const volume = ebsVolumeArn();
const governance = desiredState({
  vault: {
    ...desiredState().vault,
    lock: { mode: 'governance', minRetentionDays: 7, maxRetentionDays: 365 },
  },
});
const compliance = desiredState({
  vault: {
    ...desiredState().vault,
    lock: { mode: 'compliance', minRetentionDays: 7, maxRetentionDays: 365, changeableForDays: 3 },
  },
});
/** The daily plan keeps 35 days; a recovery point of it 10 hours old. */
const backedUp = {
  protectedResources: [{ arn: volume, resourceType: 'EBS', lastBackupTime: hoursBefore(10) }],
  vaultRecoveryPoints: [policyRecoveryPoint({ resourceArn: volume, creationDate: hoursBefore(10) })],
};

interface Row {
  why: string;
  desired: DesiredState;
  /** The policy the account has in effect (default: the desired one). */
  effective?: DesiredState;
  observed?: (base: ObservedTarget) => Partial<ObservedTarget>;
  status: string;
  warnings: WarningCode[];
  /** A fragment the warning sentence must contain. */
  says?: string;
  check?: { id: string; status: string };
}

const rows: Row[] = [
  {
    why: 'nothing to come: no warnings, and the lock-date check passes',
    desired: governance,
    observed: () => backedUp,
    status: 'PROTECTED',
    warnings: [],
    check: { id: 'VAULT_LOCK_DATE', status: 'PASS' },
  },
  {
    why: 'a compliance lock in its grace period becomes immutable in 6 days: warned with its date',
    desired: compliance,
    observed: (base) => ({ ...backedUp, vault: { ...base.vault!, lockDate: daysFromNow(6) } }),
    status: 'PROTECTED',
    warnings: ['LOCK_BECOMES_IMMUTABLE'],
    says: daysFromNow(6).toISOString(),
    check: { id: 'VAULT_LOCK_DATE', status: 'WARN' },
  },
  {
    why: 'a compliance lock 8 days from its lock date: not yet',
    desired: compliance,
    observed: (base) => ({ ...backedUp, vault: { ...base.vault!, lockDate: daysFromNow(8) } }),
    status: 'PROTECTED',
    warnings: [],
    check: { id: 'VAULT_LOCK_DATE', status: 'PASS' },
  },
  {
    why: 'a compliance lock already immutable: nothing left to warn about',
    desired: compliance,
    observed: (base) => ({ ...backedUp, vault: { ...base.vault!, lockDate: daysFromNow(-1) } }),
    status: 'PROTECTED',
    warnings: [],
    check: { id: 'VAULT_LOCK_DATE', status: 'PASS' },
  },
  {
    why: "the lock's minimum was raised above the rules' 35 days: the next job fails, said while still PROTECTED",
    desired: governance,
    observed: (base) => ({ ...backedUp, vault: { ...base.vault!, minRetentionDays: 60 } }),
    status: 'PROTECTED',
    warnings: ['LOCK_RETENTION_CONFLICT'],
    says: 'The next job into vault',
    check: { id: 'VAULT_LOCK', status: 'FAIL' },
  },
  {
    why: 'the config now keeps 400 days, beyond the lock maximum, and the policy has not changed yet',
    desired: desiredState({
      plans: [{ ...desiredState().plans[0]!, deleteAfterDays: 400 }],
      vault: governance.vault,
    }),
    effective: governance,
    observed: () => backedUp,
    status: 'PROTECTED',
    warnings: ['LOCK_RETENTION_CONFLICT'],
    says: 'Once the changed policy reaches this account',
    check: { id: 'VAULT_LOCK', status: 'WARN' },
  },
  {
    why: 'a conflict the status already names as its reason is not repeated as a warning',
    desired: governance,
    observed: (base) => ({ vault: { ...base.vault!, minRetentionDays: 60 } }),
    status: 'PENDING',
    warnings: [],
  },
];

describe('evaluateTarget: warnings of risks to come', () => {
  it.each(rows)('$warnings — $why', (row) => {
    const base = compliantTarget(row.effective ?? row.desired, HOME_TARGET, {
      resources: [selectedResource(row.desired, volume)],
    });
    const { findings, checks } = evaluateTarget({
      desired: row.desired,
      observed: { ...base, ...row.observed?.(base) },
      org: { crossAccountBackupEnabled: true },
      history: new Map(),
      now: NOW,
    });
    expect(findings[0]?.status).toBe(row.status);
    expect(findings[0]?.warnings).toEqual(row.warnings);
    if (row.says) expect(findings[0]?.warningDetail).toContain(row.says);
    if (row.warnings.length === 0) expect(findings[0]?.warningDetail).toBeUndefined();
    if (row.check) {
      expect(checks.find((check) => check.check === row.check?.id)?.status).toBe(row.check.status);
    }
  });
});
