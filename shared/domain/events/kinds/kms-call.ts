import * as z from 'zod';
import { cloudTrailRecord } from '../cloudtrail.js';
import { ignored, memberTarget, reconcile } from '../effect.js';
import type { EventBase } from '../envelope.js';
import { requiredText } from '../fields.js';
import type { CloudTrailMatch, EventKind } from '../kind.js';

/**
 * KMS calls in a member account that can make its backups unusable: a key scheduled for deletion or
 * disabled may be the vault's key or the key of a backed-up resource. The event does not say which, so the
 * account × Region is reconciled and its KMS checks decide.
 */
export const KMS_API_EVENT_NAMES = ['ScheduleKeyDeletion', 'DisableKey'] as const;

const schema = z
  .object({
    account: z.string(),
    region: z.string(),
    detail: z.object({
      ...cloudTrailRecord,
      eventName: z.enum(KMS_API_EVENT_NAMES),
      requestParameters: z.object({ keyId: requiredText }),
    }),
  })
  .transform(({ account, region, detail }) => ({
    kind: 'kms-api-call' as const,
    // The CloudTrail record names where the call ran; the envelope is a fallback for trimmed records.
    account: detail.recipientAccountId ?? account,
    region: detail.awsRegion ?? region,
    eventName: detail.eventName,
    failure: detail.errorCode,
  }));
export type KmsApiCallEvent = EventBase & z.output<typeof schema>;

/** Where these calls come from, for the parser and the rules that deliver them. */
export const KMS_CALLS: CloudTrailMatch = {
  source: 'aws.kms',
  eventSource: 'kms.amazonaws.com',
  eventNames: KMS_API_EVENT_NAMES,
};

export const kmsCallKind: EventKind<'kms-api-call', z.output<typeof schema>> = {
  kind: 'kms-api-call',
  match: KMS_CALLS,
  schema,
  route: (event, ctx) => {
    const member = memberTarget(event, ctx);
    if ('ignored' in member) return member.ignored;
    if (event.failure !== null)
      return ignored(`${event.eventName} failed (${event.failure}); nothing changed`);
    return reconcile([member.target]);
  },
};
