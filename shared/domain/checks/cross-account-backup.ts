import { defineCheck } from './check.js';

export const crossAccountBackupCheck = defineCheck(
  'CROSS_ACCOUNT_BACKUP',
  'Copies into a vault of another account run only while isCrossAccountBackupEnabled is on in the ' +
    "organization's AWS Backup global settings.",
  ({ desired, org }, verdict) => {
    if (!desired.centralVault) return verdict.skipped('No central vault is configured.');
    if (org.crossAccountBackupEnabled === null) {
      return verdict.skipped('The organization global settings could not be read.');
    }
    return org.crossAccountBackupEnabled
      ? verdict.pass('Cross-account backup is enabled for the organization.')
      : verdict.fail(
          'CROSS_ACCOUNT_BACKUP_DISABLED',
          'Cross-account backup is disabled for the organization.',
        );
  },
);
