import { defineCheck } from './check.js';

export const expiredRecoveryPointsCheck = defineCheck(
  'EXPIRED_RECOVERY_POINTS',
  'A recovery point whose lifecycle could not delete it at the end of its retention stays in the vault with ' +
    'status EXPIRED and is still billed; AWS Backup does not alert on it.',
  ({ observed }, verdict) => {
    const expired = (observed.expiredRecoveryPoints ?? []).filter((vault) => vault.count > 0);
    if (expired.length === 0) return verdict.pass('No EXPIRED recovery points in the policy vaults here.');
    const total = expired.reduce((sum, vault) => sum + vault.count, 0);
    return verdict.warn(
      'RECOVERY_POINTS_EXPIRED',
      `${total} EXPIRED recovery point(s): ${expired.map((vault) => `${vault.count} in ${vault.vaultName}`).join(', ')}.`,
    );
  },
);
