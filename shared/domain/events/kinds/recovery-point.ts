import * as z from '../../zod-mini.js';
import {
  foreignResource,
  ignored,
  isPolicyPlan,
  memberTarget,
  type ResourceUpdate,
  reconcile,
  rejected,
} from '../effect.js';
import type { EventBase } from '../envelope.js';
import { optionalDate, optionalText, withAliases } from '../fields.js';
import type { EventKind } from '../kind.js';

/** Recovery-point events say `status`, not `state`. */
const schema = z.pipe(
  z.object({
    detail: withAliases(
      { state: 'status' },
      z.object({
        status: z.string().check(z.minLength(1)),
        resourceArn: optionalText,
        backupVaultName: optionalText,
        completionDate: optionalDate,
        createdBy: z.nullish(z.object({ backupPlanId: optionalText })),
      }),
    ),
  }),
  z.transform(({ detail }) => ({
    kind: 'recovery-point' as const,
    status: detail.status,
    resourceArn: detail.resourceArn,
    vaultName: detail.backupVaultName,
    completionDate: detail.completionDate,
    backupPlanId: detail.createdBy?.backupPlanId ?? null,
  })),
);
export type RecoveryPointEvent = EventBase & z.output<typeof schema>;

/**
 * Every backup and every copy ends in a COMPLETED recovery point, and member accounts forward them all: a
 * completed one dates the resource's newest backup (or central copy) at once instead of reconciling the
 * whole account × Region each time. Any other status (partial, expired, deleting) is looked at by a reconcile.
 */
export const recoveryPointKind: EventKind<'recovery-point', z.output<typeof schema>> = {
  kind: 'recovery-point',
  match: { source: 'aws.backup', detailType: 'Recovery Point State Change' },
  schema,
  route: (event, ctx) => {
    const member = memberTarget(event, ctx);
    if ('ignored' in member) return member.ignored;
    if (event.status !== 'COMPLETED') return reconcile([member.target]);
    if (event.resourceArn === null) return ignored('a completed recovery point that names no resource');
    const central = ctx.centralVault;
    if (central && event.vaultName === central.name && event.account === central.accountId) {
      return copied(event, event.resourceArn);
    }
    if (event.vaultName !== ctx.policyVaultName) {
      return ignored(`recovery point in vault ${event.vaultName ?? '(unnamed)'}, not the policy's vault`);
    }
    const foreign = foreignResource(event.resourceArn, event);
    if (foreign) return rejected(foreign);
    return {
      targets: [],
      resourceUpdate: completed(event, event.resourceArn, event.account, event.region, 'BACKUP'),
      ignoredBecause: null,
    };
  },
};

/** A copy in the central vault: the source resource (another account's) gets its copy dated. */
function copied(event: RecoveryPointEvent, sourceArn: string) {
  const [, , , region, account] = sourceArn.split(':');
  if (!region || !account) {
    return ignored(
      `central copy of ${sourceArn}: its account and Region are not in its ARN; the sweep dates it`,
    );
  }
  return {
    targets: [],
    resourceUpdate: completed(event, sourceArn, account, region, 'COPY'),
    ignoredBecause: null,
  };
}

function completed(
  event: RecoveryPointEvent,
  arn: string,
  accountId: string,
  region: string,
  jobKind: 'BACKUP' | 'COPY',
): ResourceUpdate {
  return {
    type: 'job-completed',
    accountId,
    region,
    arn,
    jobKind,
    jobState: 'COMPLETED',
    statusMessage: null,
    byPolicy: isPolicyPlan(event.backupPlanId),
    at: event.completionDate ?? event.time,
  };
}
