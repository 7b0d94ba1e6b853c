import type { CloudTrailMatch } from '../kind.js';
import { memberCallKind } from './member-call.js';

/**
 * KMS calls in a member account that can make its backups unusable: a key scheduled for deletion or
 * disabled may be the vault's key or the key of a backed-up resource. The event does not say which, so the
 * account × Region is reconciled and its KMS checks decide.
 */
export const KMS_API_EVENT_NAMES = ['ScheduleKeyDeletion', 'DisableKey'] as const;

/** Where these calls come from, for the parser and the rules that deliver them. */
export const KMS_CALLS: CloudTrailMatch = {
  source: 'aws.kms',
  eventSource: 'kms.amazonaws.com',
  eventNames: KMS_API_EVENT_NAMES,
};

export const kmsCallKind = memberCallKind({
  kind: 'kms-api-call',
  match: KMS_CALLS,
  requiredParameter: 'keyId',
});
