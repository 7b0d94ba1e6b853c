import type { CloudTrailMatch } from '../kind.js';
import { memberCallKind } from './member-call.js';

/** Backup calls in a member account that weaken what protects its recovery points. */
export const BACKUP_API_EVENT_NAMES = [
  'DeleteBackupVault',
  'DeleteBackupVaultLockConfiguration',
  'PutBackupVaultAccessPolicy',
  'DeleteBackupVaultAccessPolicy',
  'DeleteRecoveryPoint',
] as const;

/** Where these calls come from, for the parser and the rules that deliver them. */
export const BACKUP_CALLS: CloudTrailMatch = {
  source: 'aws.backup',
  eventSource: 'backup.amazonaws.com',
  eventNames: BACKUP_API_EVENT_NAMES,
};

export const backupCallKind = memberCallKind({
  kind: 'backup-api-call',
  match: BACKUP_CALLS,
  requiredParameter: 'backupVaultName',
});
