import { retentionCliff } from '../evaluate/lock-risks.js';
import { lockRetentionConflicts, rulesCoveringRegion } from '../evaluate/target-facts.js';
import { vaultLocksHere } from '../evaluate/target-locks.js';
import type { CheckResult } from '../model.js';
import { defineCheck, type Verdicts, worstOf } from './check.js';

/**
 * Per vault the lock applies to (the member vault, and the central vault where this target holds it): does
 * any rule or copy action keep recovery points for a time the lock rejects — those jobs fail, so it comes
 * first; would the configured plans, once the policy carries them, be rejected (a WARN before the change
 * lands) — and is the lock the configured one? A lock the controller will create or tighten FAILs until it
 * has; a different lock it must leave alone (stricter, compliance, or one whose tightening would break jobs)
 * WARNs.
 */
export const vaultLockCheck = defineCheck(
  'VAULT_LOCK',
  'A vault lock rejects every backup or copy job whose retention is outside its min/max; the controller ' +
    'only creates or tightens locks, and never rewrites a compliance lock.',
  ({ desired, observed, now }, verdict) => {
    const results = vaultLocksHere(desired, observed, now).flatMap(({ vaultName, vault, decision }) => {
      if (vault === null) return [];
      const conflicts = lockRetentionConflicts(vault, rulesCoveringRegion(observed));
      if (conflicts.length > 0) {
        return [
          verdict.fail(
            'LOCK_RETENTION_CONFLICT',
            `Jobs into ${vaultName} will fail: ${conflicts.join('; ')}.`,
          ),
        ];
      }
      const pending =
        vaultName === desired.vault.name ? retentionCliff(desired, observed).afterPolicyChange : [];
      if (pending.length > 0) {
        return [
          verdict.warn(
            'LOCK_RETENTION_CONFLICT',
            `Jobs into ${vaultName} will fail once the changed policy reaches this account: ${pending.join('; ')}.`,
          ),
        ];
      }
      return [lockVerdict(verdict, vaultName, decision)];
    });
    return worstOf(results) ?? verdict.skipped('There is no vault to check (see VAULT_EXISTS).');
  },
);

function lockVerdict(
  verdict: Verdicts,
  vaultName: string,
  decision: ReturnType<typeof vaultLocksHere>[number]['decision'],
): CheckResult {
  switch (decision.kind) {
    case 'NOT_CONFIGURED':
      return verdict.pass('No vault lock is configured.');
    case 'AS_CONFIGURED':
      return verdict.pass(`Vault ${vaultName} has the configured lock.`);
    case 'CREATE':
    case 'TIGHTEN':
      return verdict.fail('VAULT_LOCK_MISMATCH', `Vault ${vaultName}: ${decision.why}`);
    case 'KEEP':
      return verdict.warn('VAULT_LOCK_MISMATCH', `Vault ${vaultName} keeps its lock: ${decision.why}.`);
  }
}
