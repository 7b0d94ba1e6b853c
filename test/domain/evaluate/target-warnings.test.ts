import { describe, expect, it } from 'vitest';
import { evaluateTarget } from '../../../shared/domain/evaluate/evaluate-target.js';
import type { DesiredState, ObservedKey, ObservedTarget, WarningCode } from '../../../shared/domain/model.js';
import { CENTRAL_VAULT, desiredState, desiredWithCentralCopy, NOW } from '../fixtures/desired.js';
import {
  compliantTarget,
  ebsVolumeArn,
  HOME_TARGET,
  hoursBefore,
  keyArn,
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
const bucket = 'arn:aws:s3:::orders-archive';
/** The daily plan keeps 35 days; a recovery point of it 10 hours old. */
const backedUpAt = (arn: string, resourceType = 'EBS') => ({
  protectedResources: [{ arn, resourceType, lastBackupTime: hoursBefore(10) }],
  vaultRecoveryPoints: [policyRecoveryPoint({ resourceArn: arn, creationDate: hoursBefore(10) })],
});
const backedUp = backedUpAt(volume);
const DELETION = daysFromNow(7);
const dataKey = keyArn(HOME_TARGET, 'data');
const keyPendingDeletion = (arn: string, usedBy: 'vault' | 'resource'): ObservedKey => ({
  arn,
  state: 'PendingDeletion',
  manager: 'CUSTOMER',
  backupRoleHasGrant: true,
  usedBy,
  deletionDate: DELETION,
});
/** The resource is encrypted with `data`, which is scheduled for deletion. */
const resourceKeyDeleted = (arn: string) => (base: ObservedTarget) => ({
  keys: [...base.keys, keyPendingDeletion(dataKey, 'resource')],
  resourceDetails: { [arn]: { keyArn: dataKey } },
});
const vaultKeyDeleted = (base: ObservedTarget) => ({
  keys: base.keys.map((key) => keyPendingDeletion(key.arn, 'vault')),
});

const withCopy = desiredWithCentralCopy({ vault: governance.vault });
const centralKey = `arn:aws:kms:${CENTRAL_VAULT.region}:${CENTRAL_VAULT.accountId}:key/central`;
/** The central vault's key as the target holding the vault shared it, and a copy of the volume there. */
const centralKeyIs = (state: string, copied: boolean) => () => ({
  ...backedUp,
  centralVaultKey: { arn: centralKey, state, deletionDate: state === 'PendingDeletion' ? DELETION : null },
  // The central vault as the org phase read it: the volume's copy there holds its backup of 8 h ago.
  ...(copied
    ? {
        centralCopies: {
          observedAt: hoursBefore(0),
          newestCopy: (arn: string) => (arn === volume ? hoursBefore(8) : null),
        },
      }
    : {}),
});

interface Row {
  why: string;
  desired: DesiredState;
  /** The policy the account has in effect (default: the desired one). */
  effective?: DesiredState;
  observed?: (base: ObservedTarget) => Partial<ObservedTarget>;
  /** The one tagged resource (default: a volume). */
  arn?: string;
  status: string;
  reasons?: string[];
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
    why: "a volume's key scheduled for deletion: its snapshots keep that key, so its recovery point cannot be restored",
    desired: governance,
    observed: (base) => ({ ...backedUp, ...resourceKeyDeleted(volume)(base) }),
    status: 'UNPROTECTED',
    reasons: ['KMS_KEY_PENDING_DELETION'],
    warnings: ['RECOVERY_POINTS_LOST_ON'],
    says: `lost for good on ${DELETION.toISOString()}`,
    check: { id: 'KMS_KEY_STATE', status: 'FAIL' },
  },
  {
    why: 'a new volume on a key scheduled for deletion: nothing to lose yet, its first backup will fail',
    desired: governance,
    observed: resourceKeyDeleted(volume),
    status: 'PENDING',
    reasons: ['AWAITING_FIRST_BACKUP'],
    warnings: ['KMS_KEY_PENDING_DELETION'],
    says: DELETION.toISOString(),
  },
  {
    why: "a bucket's key scheduled for deletion: its recovery points use the vault key, only the next backup fails",
    desired: governance,
    arn: bucket,
    observed: (base) => ({ ...backedUpAt(bucket, 'S3'), ...resourceKeyDeleted(bucket)(base) }),
    status: 'PROTECTED',
    reasons: [],
    warnings: ['KMS_KEY_PENDING_DELETION'],
    says: 'The next backup fails',
  },
  {
    why: "the vault key scheduled for deletion: the bucket's recovery points are encrypted with it",
    desired: governance,
    arn: bucket,
    observed: (base) => ({ ...backedUpAt(bucket, 'S3'), ...vaultKeyDeleted(base) }),
    status: 'UNPROTECTED',
    reasons: ['KMS_KEY_PENDING_DELETION'],
    warnings: ['RECOVERY_POINTS_LOST_ON'],
  },
  {
    why: "the vault key scheduled for deletion: the volume's snapshots keep its own key, the next backup fails",
    desired: governance,
    observed: (base) => ({ ...backedUp, ...vaultKeyDeleted(base) }),
    status: 'PROTECTED',
    reasons: [],
    warnings: ['KMS_KEY_PENDING_DELETION'],
  },
  {
    why: "the central vault's key scheduled for deletion: the next copy fails, the copy there is lost on its date",
    desired: withCopy,
    observed: centralKeyIs('PendingDeletion', true),
    status: 'PROTECTED',
    reasons: [],
    warnings: ['KMS_KEY_PENDING_DELETION', 'RECOVERY_POINTS_LOST_ON'],
    says: `Its copies in the central vault ${CENTRAL_VAULT.name} (the newest ${hoursBefore(8).toISOString()}) are lost for good on ${DELETION.toISOString()}`,
  },
  {
    why: "the central vault's key scheduled for deletion before any copy: only the next copy fails",
    desired: withCopy,
    observed: centralKeyIs('PendingDeletion', false),
    status: 'PROTECTED',
    warnings: ['KMS_KEY_PENDING_DELETION'],
    says: `The next copy into the central vault ${CENTRAL_VAULT.name} fails`,
  },
  {
    why: "the central vault's key enabled: nothing to come",
    desired: withCopy,
    observed: centralKeyIs('Enabled', true),
    status: 'PROTECTED',
    warnings: [],
  },
  {
    why: "the central vault's key scheduled for deletion, but no plan copies there: not this resource's risk",
    desired: desiredState({ vault: governance.vault, centralVault: CENTRAL_VAULT }),
    observed: centralKeyIs('PendingDeletion', false),
    status: 'PROTECTED',
    warnings: [],
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
      resources: [selectedResource(row.desired, row.arn ?? volume)],
    });
    const { findings, checks } = evaluateTarget({
      desired: row.desired,
      observed: { ...base, ...row.observed?.(base) },
      org: { crossAccountBackupEnabled: true },
      history: new Map(),
      now: NOW,
    });
    expect(findings[0]?.status).toBe(row.status);
    if (row.reasons) expect(findings[0]?.reasons).toEqual(row.reasons);
    expect(findings[0]?.warnings).toEqual(row.warnings);
    if (row.says) expect(findings[0]?.warningDetail).toContain(row.says);
    if (row.warnings.length === 0) expect(findings[0]?.warningDetail).toBeUndefined();
    if (row.check) {
      expect(checks.find((check) => check.check === row.check?.id)?.status).toBe(row.check.status);
    }
  });
});
