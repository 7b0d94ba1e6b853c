import * as z from 'zod';
import { cloudTrailRecord } from '../cloudtrail.js';
import { ignored, memberTarget, reconcile } from '../effect.js';
import type { EventBase } from '../envelope.js';
import { requiredText } from '../fields.js';
import type { CloudTrailMatch, EventKind } from '../kind.js';

/** Backup calls in a member account that weaken what protects its recovery points. */
export const BACKUP_API_EVENT_NAMES = [
  'DeleteBackupVault',
  'DeleteBackupVaultLockConfiguration',
  'PutBackupVaultAccessPolicy',
  'DeleteBackupVaultAccessPolicy',
  'DeleteRecoveryPoint',
] as const;

const schema = z
  .object({
    account: z.string(),
    region: z.string(),
    detail: z.object({
      ...cloudTrailRecord,
      eventName: z.enum(BACKUP_API_EVENT_NAMES),
      requestParameters: z.object({ backupVaultName: requiredText }),
    }),
  })
  .transform(({ account, region, detail }) => ({
    kind: 'backup-api-call' as const,
    // The CloudTrail record names where the call ran; the envelope is a fallback for trimmed records.
    account: detail.recipientAccountId ?? account,
    region: detail.awsRegion ?? region,
    eventName: detail.eventName,
    failure: detail.errorCode,
  }));
export type BackupApiCallEvent = EventBase & z.output<typeof schema>;

/** Where these calls come from, for the parser and the rules that deliver them. */
export const BACKUP_CALLS: CloudTrailMatch = {
  source: 'aws.backup',
  eventSource: 'backup.amazonaws.com',
  eventNames: BACKUP_API_EVENT_NAMES,
};

export const backupCallKind: EventKind<'backup-api-call', z.output<typeof schema>> = {
  kind: 'backup-api-call',
  match: BACKUP_CALLS,
  schema,
  route: (event, ctx) => {
    const member = memberTarget(event, ctx);
    if ('ignored' in member) return member.ignored;
    if (event.failure !== null)
      return ignored(`${event.eventName} failed (${event.failure}); nothing changed`);
    return reconcile([member.target]);
  },
};
