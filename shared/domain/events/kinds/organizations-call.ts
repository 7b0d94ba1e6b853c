import type { ReconcileTarget } from '../../model.js';
import * as z from '../../zod-mini.js';
import { cloudTrailRecord } from '../cloudtrail.js';
import { accountRegion, ignored, reconcile } from '../effect.js';
import { optionalText, requiredText } from '../fields.js';
import type { CloudTrailMatch, EventKind } from '../kind.js';

/**
 * The Organizations calls and service events that change which accounts the policy reaches or what it says.
 * Names and fields as in the CloudTrail examples of the Organizations User Guide
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_cloudtrail-integration.html).
 * `CreateAccountResult` and `CloseAccountResult` arrive as `AWS Service Event via CloudTrail`, the others
 * as `AWS API Call via CloudTrail`.
 */
export const ORG_EVENT_NAMES = [
  'CreateAccountResult',
  'CloseAccountResult',
  'MoveAccount',
  'RemoveAccountFromOrganization',
  'CreateOrganizationalUnit',
  'AttachPolicy',
  'DetachPolicy',
  'UpdatePolicy',
  'DeletePolicy',
] as const;

/** The asynchronous result of creating or closing an account. */
const accountStatus = z.object({ state: requiredText, accountId: optionalText, failureReason: optionalText });

/** Organizations records request fields in camelCase (`accountId`, `targetId`, `policyId`). */
const schema = z.pipe(
  z.object({
    detail: z.discriminatedUnion('eventName', [
      z.object({
        ...cloudTrailRecord,
        eventName: z.literal('CreateAccountResult'),
        serviceEventDetails: z.object({ createAccountStatus: accountStatus }),
      }),
      z.object({
        ...cloudTrailRecord,
        eventName: z.literal('CloseAccountResult'),
        serviceEventDetails: z.object({ closeAccountStatus: accountStatus }),
      }),
      z.object({
        ...cloudTrailRecord,
        eventName: z.enum(['MoveAccount', 'RemoveAccountFromOrganization']),
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
      z.object({ ...cloudTrailRecord, eventName: z.literal('CreateOrganizationalUnit') }),
    ]),
  }),
  z.transform(({ detail }) => {
    const common = { kind: 'org-api-call' as const, eventName: detail.eventName };
    const none = { ...common, accountId: null, accountChange: null, failure: detail.errorCode };
    switch (detail.eventName) {
      case 'CreateAccountResult':
        return {
          ...common,
          ...fromStatus(detail.serviceEventDetails.createAccountStatus, detail.errorCode),
          accountChange: 'joined' as const,
        };
      case 'CloseAccountResult':
        return {
          ...common,
          ...fromStatus(detail.serviceEventDetails.closeAccountStatus, detail.errorCode),
          accountChange: 'left' as const,
        };
      case 'MoveAccount':
        return { ...none, accountId: detail.requestParameters.accountId, accountChange: 'moved' as const };
      case 'RemoveAccountFromOrganization':
        return { ...none, accountId: detail.requestParameters.accountId, accountChange: 'left' as const };
      default:
        return none;
    }
  }),
);

function fromStatus(status: z.output<typeof accountStatus>, errorCode: string | null) {
  return {
    accountId: status.accountId,
    failure: status.state === 'FAILED' ? (status.failureReason ?? 'FAILED') : errorCode,
  };
}

/**
 * `accountId` is the account created, closed, moved or removed (`accountChange` says which); `failure` is
 * set when the call failed (CloudTrail `errorCode`, or a FAILED asynchronous result): nothing changed.
 */
/** Where these calls come from, for the parser and the rules that deliver them. */
export const ORGANIZATIONS_CALLS: CloudTrailMatch = {
  source: 'aws.organizations',
  eventSource: 'organizations.amazonaws.com',
  eventNames: ORG_EVENT_NAMES,
};

export const organizationsCallKind: EventKind<'org-api-call', z.output<typeof schema>> = {
  kind: 'org-api-call',
  match: ORGANIZATIONS_CALLS,
  schema,
  route: (event, ctx) => {
    if (event.failure !== null)
      return ignored(`${event.eventName} failed (${event.failure}); nothing changed`);
    // Organizations records these calls in the management account, whose bus feeds the controller; a copy
    // from another account (a delegated administrator's own trail) is left to the scheduled sweep.
    if (event.account !== ctx.managementAccountId) {
      return ignored(`${event.eventName} was recorded in ${event.account}, not the management account`);
    }
    // The org target re-reads accounts and attachments; an account that left is no longer a target.
    const targets: ReconcileTarget[] = [{ kind: 'org' }];
    const { accountId } = event;
    const arrived = event.accountChange === 'joined' || event.accountChange === 'moved';
    if (arrived && accountId !== null && !ctx.excludeAccounts.includes(accountId)) {
      targets.push(...ctx.regions.map((region) => accountRegion(accountId, region)));
    }
    return reconcile(targets);
  },
};
