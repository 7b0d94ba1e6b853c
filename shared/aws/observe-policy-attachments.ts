import { ListTargetsForPolicyCommand } from '@aws-sdk/client-organizations';
import { type ClientFactory, ORGANIZATIONS_REGION } from './clients.js';
import { atCallSite } from './errors.js';
import { collectPages } from './paginate.js';
import { organizationsClient } from './sdk/organizations.js';

/**
 * Organizations list calls accept at most 20 per page
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListTargetsForPolicy.html).
 */
const ORG_PAGE_SIZE = 20;

/**
 * The given backup policies (the organization's listing, which observeOrganization already made) by the
 * roots, OUs and accounts each is attached to directly. `known` holds the targets already read (the
 * controller's own policy); every other policy costs one ListTargetsForPolicy (paged), one call at a time,
 * since Organizations throttles the organization's callers together. Returns target id → policy ids.
 */
export async function readBackupPolicyAttachments(
  factory: ClientFactory,
  policyIds: readonly string[],
  known: ReadonlyMap<string, readonly string[]>,
): Promise<Map<string, string[]>> {
  const org = organizationsClient(factory);
  const call = <T>(operation: string, send: () => Promise<T>) =>
    atCallSite({ operation, accountId: factory.managementAccountId, region: ORGANIZATIONS_REGION }, send);
  const attachments = new Map<string, string[]>();
  const listTargets = async (policyId: string) => {
    const targets = await collectPages((NextToken) =>
      call('ListTargetsForPolicy', () =>
        org.send(
          new ListTargetsForPolicyCommand({ PolicyId: policyId, MaxResults: ORG_PAGE_SIZE, NextToken }),
        ),
      ).then((page) => ({ items: page.Targets, nextToken: page.NextToken })),
    );
    return targets.flatMap((target) => (target.TargetId ? [target.TargetId] : []));
  };
  for (const policyId of policyIds) {
    for (const targetId of known.get(policyId) ?? (await listTargets(policyId))) {
      attachments.set(targetId, [...(attachments.get(targetId) ?? []), policyId]);
    }
  }
  return attachments;
}
