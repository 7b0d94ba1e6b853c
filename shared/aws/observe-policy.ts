import { DescribeEffectivePolicyCommand } from '@aws-sdk/client-organizations';
import type { EffectivePolicy } from '../domain/model.js';
import { parseEffectivePolicy } from '../domain/policy/effective.js';
import { type ClientFactory, ORGANIZATIONS_REGION } from './clients.js';
import { callSite, unlessNotFound } from './observe-reads.js';

/**
 * Asked with the member account's own credentials and no TargetId: from a member, "not found" means
 * exactly "this account has no backup policy"
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeEffectivePolicy.html), and the
 * org-wide Organizations quota is not spent by the management account on every target.
 */
export async function readEffectivePolicy(
  factory: ClientFactory,
  accountId: string,
): Promise<EffectivePolicy | null> {
  const call = callSite(accountId, ORGANIZATIONS_REGION);
  const response = await unlessNotFound(() =>
    call('DescribeEffectivePolicy', () =>
      factory
        .organizations(accountId)
        .send(new DescribeEffectivePolicyCommand({ PolicyType: 'BACKUP_POLICY' })),
    ),
  );
  const content = response?.EffectivePolicy?.PolicyContent;
  return content ? parseEffectivePolicy(content) : null;
}
