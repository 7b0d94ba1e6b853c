/**
 * Vault-lock risks to come in one account × Region, before any job fails:
 * - a compliance-mode lock becomes immutable within LOCK_DATE_WARNING_DAYS: after its LockDate nobody can
 *   change or remove it (https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html), so a wrong
 *   minimum or maximum is then permanent;
 * - a retention cliff: retentions the lock rejects, from the effective rules (the lock changed under them)
 *   or from the configured plans that the controller's policy will carry once it reaches the account (the
 *   policy changed). Jobs with such a retention fail, so this is said before the next one runs.
 */
import type { DesiredState, ObservedTarget } from '../model.js';
import type { Warning } from '../warnings.js';
import { lockRetentionConflicts, rulesCoveringRegion } from './target-facts.js';
import { vaultLocksHere } from './target-locks.js';
import { retentionsOutside } from './vault-lock.js';

export const LOCK_DATE_WARNING_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface LockBecomingImmutable {
  readonly vaultName: string;
  readonly lockDate: Date;
}

/** Compliance locks here whose LockDate is still ahead, but no more than LOCK_DATE_WARNING_DAYS away. */
export function locksBecomingImmutable(
  desired: DesiredState,
  observed: ObservedTarget,
  now: Date,
): LockBecomingImmutable[] {
  return vaultLocksHere(desired, observed, now).flatMap(({ vaultName, vault }) => {
    const lockDate = vault?.locked ? vault.lockDate : null;
    if (lockDate === null || lockDate <= now) return [];
    return lockDate.getTime() - now.getTime() <= LOCK_DATE_WARNING_DAYS * DAY_MS
      ? [{ vaultName, lockDate }]
      : [];
  });
}

export function describeLockDate({ vaultName, lockDate }: LockBecomingImmutable): string {
  return (
    `The compliance lock of vault ${vaultName} becomes immutable on ${lockDate.toISOString()}; ` +
    'until then its minimum and maximum retention can still be changed'
  );
}

export interface RetentionCliff {
  /** Jobs into the member vault fail from the next one on, under the rules in effect now. */
  readonly now: readonly string[];
  /** Jobs would fail once the configured plans reach this account's effective policy. */
  readonly afterPolicyChange: readonly string[];
}

/** Retentions the member vault's lock rejects, now and after the pending policy change. */
export function retentionCliff(desired: DesiredState, observed: ObservedTarget): RetentionCliff {
  const vault = observed.vault;
  if (vault === null || !vault.locked) return { now: [], afterPolicyChange: [] };
  const current = lockRetentionConflicts(vault, rulesCoveringRegion(observed));
  const effective = new Set(
    rulesCoveringRegion(observed)
      .filter((rule) => rule.vaultName === vault.name)
      .map((rule) => rule.deleteAfterDays),
  );
  const bounds = { min: vault.minRetentionDays, max: vault.maxRetentionDays };
  // Only retentions the effective policy does not carry yet: those already in effect are counted above.
  const pending = desired.plans
    .filter((plan) => !effective.has(plan.deleteAfterDays))
    .map((plan) => ({ source: `configured plan ${plan.name}`, deleteAfterDays: plan.deleteAfterDays }));
  const afterPolicyChange = retentionsOutside(bounds, pending).map((conflict) =>
    conflict.replace(' outside ', " outside the lock's "),
  );
  return { now: current, afterPolicyChange };
}

/** The retention-cliff warning of a resource whose jobs go into the member vault (none when no cliff). */
export function retentionCliffWarning(cliff: RetentionCliff, vaultName: string): Warning[] {
  const parts = [
    ...(cliff.now.length > 0 ? [`the next job into vault ${vaultName} fails: ${cliff.now.join('; ')}`] : []),
    ...(cliff.afterPolicyChange.length > 0
      ? [
          `once the changed policy reaches this account, jobs into vault ${vaultName} fail: ` +
            cliff.afterPolicyChange.join('; '),
        ]
      : []),
  ];
  if (parts.length === 0) return [];
  const why = parts.join('; and ');
  return [{ code: 'LOCK_RETENTION_CONFLICT', why: `${why[0]!.toUpperCase()}${why.slice(1)}` }];
}
