import * as z from 'zod';
import type { ReconcileTarget } from '../../model.js';
import { cloudTrailRecord } from '../cloudtrail.js';
import { accountRegion, ignored, reconcile } from '../effect.js';
import type { EventBase } from '../envelope.js';
import { optionalText, requiredText } from '../fields.js';
import type { EventKind } from '../kind.js';

export const ORG_EVENT_NAMES = [
  'CreateAccountResult',
  'MoveAccount',
  'AttachPolicy',
  'DetachPolicy',
  'UpdatePolicy',
  'DeletePolicy',
] as const;

/** Organizations records request fields in camelCase (`accountId`, `targetId`, `policyId`). */
const schema = z
  .object({
    detail: z.discriminatedUnion('eventName', [
      z.object({
        ...cloudTrailRecord,
        eventName: z.literal('CreateAccountResult'),
        serviceEventDetails: z.object({
          createAccountStatus: z.object({
            state: requiredText,
            accountId: optionalText,
            failureReason: optionalText,
          }),
        }),
      }),
      z.object({
        ...cloudTrailRecord,
        eventName: z.literal('MoveAccount'),
        requestParameters: z.object({ accountId: requiredText }),
      }),
      z.object({
        ...cloudTrailRecord,
        eventName: z.enum(['AttachPolicy', 'DetachPolicy']),
        requestParameters: z.object({ policyId: requiredText, targetId: requiredText }),
      }),
      z.object({
        ...cloudTrailRecord,
        eventName: z.enum(['UpdatePolicy', 'DeletePolicy']),
        requestParameters: z.object({ policyId: requiredText }),
      }),
    ]),
  })
  .transform(({ detail }) => {
    const common = { kind: 'org-api-call' as const, eventName: detail.eventName };
    switch (detail.eventName) {
      case 'CreateAccountResult': {
        const status = detail.serviceEventDetails.createAccountStatus;
        const failure = status.state === 'FAILED' ? (status.failureReason ?? 'FAILED') : detail.errorCode;
        return { ...common, accountId: status.accountId, failure };
      }
      case 'MoveAccount':
        return { ...common, accountId: detail.requestParameters.accountId, failure: detail.errorCode };
      default:
        return { ...common, accountId: null, failure: detail.errorCode };
    }
  });
/**
 * `accountId` is the account created or moved; `failure` is set when the call failed (CloudTrail
 * `errorCode`, or a FAILED account creation): nothing changed.
 */
export type OrgApiCallEvent = EventBase & z.output<typeof schema>;

export const organizationsCallKind: EventKind<'org-api-call', z.output<typeof schema>> = {
  kind: 'org-api-call',
  match: {
    source: 'aws.organizations',
    eventSource: 'organizations.amazonaws.com',
    eventNames: ORG_EVENT_NAMES,
  },
  schema,
  route: (event, ctx) => {
    if (event.failure !== null)
      return ignored(`${event.eventName} failed (${event.failure}); nothing changed`);
    // Organizations records these calls in the management account, whose bus feeds the controller; a copy
    // from another account (a delegated administrator's own trail) is left to the scheduled sweep.
    if (event.account !== ctx.managementAccountId) {
      return ignored(`${event.eventName} was recorded in ${event.account}, not the management account`);
    }
    const targets: ReconcileTarget[] = [{ kind: 'org' }];
    const { accountId } = event;
    if (accountId !== null && !ctx.excludeAccounts.includes(accountId)) {
      targets.push(...ctx.regions.map((region) => accountRegion(accountId, region)));
    }
    return reconcile(targets);
  },
};
