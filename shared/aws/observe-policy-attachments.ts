import { ListPoliciesCommand, ListTargetsForPolicyCommand } from '@aws-sdk/client-organizations';
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
 * Every BACKUP_POLICY of the organization (the controller's and every team's) by the roots, OUs and accounts
 * it is attached to directly: one ListPolicies and one ListTargetsForPolicy per policy (paged), one call at
 * a time, since Organizations throttles the organization's callers together. Returns target id → policy ids.
 */
export async function readBackupPolicyAttachments(factory: ClientFactory): Promise<Map<string, string[]>> {
  const org = organizationsClient(factory);
  const call = <T>(operation: string, send: () => Promise<T>) =>
    atCallSite({ operation, accountId: factory.managementAccountId, region: ORGANIZATIONS_REGION }, send);
  const policies = await collectPages((NextToken) =>
    call('ListPolicies', () =>
      org.send(new ListPoliciesCommand({ Filter: 'BACKUP_POLICY', MaxResults: ORG_PAGE_SIZE, NextToken })),
    ).then((page) => ({ items: page.Policies, nextToken: page.NextToken })),
  );
  const attachments = new Map<string, string[]>();
  for (const policy of policies) {
    const policyId = policy.Id;
    if (!policyId) continue;
    const targets = await collectPages((NextToken) =>
      call('ListTargetsForPolicy', () =>
        org.send(
          new ListTargetsForPolicyCommand({ PolicyId: policyId, MaxResults: ORG_PAGE_SIZE, NextToken }),
        ),
      ).then((page) => ({ items: page.Targets, nextToken: page.NextToken })),
    );
    for (const target of targets) {
      if (!target.TargetId) continue;
      attachments.set(target.TargetId, [...(attachments.get(target.TargetId) ?? []), policyId]);
    }
  }
  return attachments;
}
