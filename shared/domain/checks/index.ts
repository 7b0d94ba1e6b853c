import { isManagedRegion } from '../evaluate/target-facts.js';
import type { CheckId, CheckResult } from '../model.js';
import { backupRoleCheck } from './backup-role.js';
import { centralVaultPolicyCheck } from './central-vault-policy.js';
import type { Check, CheckContext } from './check.js';
import { verdictsFor } from './check.js';
import { crossAccountBackupCheck } from './cross-account-backup.js';
import { dynamoDbAdvancedCheck } from './dynamodb-advanced.js';
import { effectivePolicyCheck } from './effective-policy.js';
import { eventForwardingCheck } from './event-forwarding.js';
import { expiredRecoveryPointsCheck } from './expired-recovery-points.js';
import { kmsGrantsCheck } from './kms-grants.js';
import { kmsKeyStateCheck } from './kms-key-state.js';
import { regionOptInCheck } from './region-opt-in.js';
import { regionScanCheck } from './region-scan.js';
import { vaultExistsCheck } from './vault-exists.js';
import { vaultKeyCheck } from './vault-key.js';
import { vaultLockCheck } from './vault-lock.js';

export type { Check, CheckContext } from './check.js';

/** Every account × Region check, in TARGET_CHECK_IDS order (the order the report lists them in). */
export const CHECKS: readonly Check[] = [
  effectivePolicyCheck,
  vaultExistsCheck,
  vaultKeyCheck,
  vaultLockCheck,
  centralVaultPolicyCheck,
  crossAccountBackupCheck,
  backupRoleCheck,
  regionOptInCheck,
  kmsGrantsCheck,
  kmsKeyStateCheck,
  eventForwardingCheck,
  dynamoDbAdvancedCheck,
  expiredRecoveryPointsCheck,
  regionScanCheck,
];

/**
 * Outside the policy nothing is managed, so only the scan itself is reported: a Region without a plan is
 * expected there (its tagged resources say REGION_NOT_IN_POLICY themselves).
 */
const SCAN_ONLY_REGION_CHECKS: ReadonlySet<CheckId> = new Set(['REGION_SCAN']);

/**
 * Runs the checks. An unreachable target SKIPs them all with the reason it could not be observed; a Region
 * outside the policy gets only REGION_SCAN, since the controller never changes anything there.
 */
export function runChecks(context: CheckContext): CheckResult[] {
  const { desired, observed } = context;
  const reachability = observed.reachability;
  if (!reachability.ok) {
    // The reason travels with the skip, so reports and alerts can say the account could not be reached.
    return CHECKS.map((check) => ({
      ...verdictsFor(check.id).skipped(`Not observed (${reachability.reason}): ${reachability.message}`),
      reason: reachability.reason,
    }));
  }
  const managed = isManagedRegion(desired, observed.region);
  return CHECKS.filter((check) => managed || SCAN_ONLY_REGION_CHECKS.has(check.id)).map((check) =>
    check.evaluate(context),
  );
}
