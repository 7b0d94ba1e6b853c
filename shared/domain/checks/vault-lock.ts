import { lockRetentionConflicts, lockState, rulesCoveringRegion } from '../evaluate/target-facts.js';
import { defineCheck } from './check.js';

function describeLock(lock: { mode: string; minRetentionDays?: number; maxRetentionDays?: number }): string {
  return `${lock.mode} ${lock.minRetentionDays ?? 1}-${lock.maxRetentionDays ?? '∞'} days`;
}

/**
 * Two questions: does any rule (or copy action) keep recovery points for a time the lock rejects — those jobs
 * fail, so it is reported first — and is the lock the one the config asks for?
 */
export const vaultLockCheck = defineCheck(
  'VAULT_LOCK',
  'A vault lock rejects every backup or copy job whose retention is outside its min/max, and a compliance-mode ' +
    'lock can never be changed once its grace period ends.',
  ({ desired, observed, now }, verdict) => {
    const vault = observed.vault;
    if (vault === null) return verdict.skipped('There is no vault to check (see VAULT_EXISTS).');
    const conflicts = lockRetentionConflicts(vault, rulesCoveringRegion(observed));
    if (conflicts.length > 0) {
      return verdict.fail(
        'LOCK_RETENTION_CONFLICT',
        `Jobs into ${vault.name} will fail: ${conflicts.join('; ')}.`,
      );
    }
    const lock = desired.vault.lock;
    switch (lockState(lock, vault, now)) {
      case 'AS_DESIRED':
        return verdict.pass(
          lock
            ? `Vault ${vault.name} has the configured ${describeLock(lock)} lock.`
            : 'No vault lock is configured.',
        );
      case 'IMMUTABLE_AND_DIFFERS':
        return verdict.fail(
          'VAULT_LOCK_MISMATCH',
          `Vault ${vault.name} has an immutable compliance lock that differs from the configured one; ` +
            'it can no longer be changed.',
        );
      case 'DIFFERS':
        return verdict.fail(
          'VAULT_LOCK_MISMATCH',
          `Vault ${vault.name} does not have the configured ${lock ? describeLock(lock) : ''} lock.`,
        );
    }
  },
);
