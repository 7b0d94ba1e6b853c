import { DescribeEffectivePolicyCommand } from '@aws-sdk/client-organizations';
import type { EffectivePolicy } from '../domain/model.js';
import { parseEffectivePolicy } from '../domain/policy/effective.js';
import { type ClientFactory, ORGANIZATIONS_REGION } from './clients.js';
import { atCallSite, classifyAwsError } from './errors.js';
import { callSite, unlessNotFound } from './observe-reads.js';
import { organizationsClient } from './sdk/organizations.js';

/**
 * Asked with the member account's own credentials and no TargetId: from a member, "not found" means
 * exactly "this account has no backup policy"
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeEffectivePolicy.html), and the
 * org-wide Organizations quota is not spent by the management account on every target. A sweep's targets
 * are usually handed their policy by the org reconcile instead (shared-effective-policies.ts); this read is
 * for the accounts it could not vouch for.
 */
export async function readEffectivePolicy(
  factory: ClientFactory,
  accountId: string,
): Promise<EffectivePolicy | null> {
  const call = callSite(accountId, ORGANIZATIONS_REGION);
  const response = await unlessNotFound(() =>
    call('DescribeEffectivePolicy', () =>
      organizationsClient(factory, accountId).send(
        new DescribeEffectivePolicyCommand({ PolicyType: 'BACKUP_POLICY' }),
      ),
    ),
  );
  const content = response?.EffectivePolicy?.PolicyContent;
  return content ? parseEffectivePolicy(content) : null;
}

/** An account's effective backup policy as the management account reads it, unparsed. */
export interface EffectivePolicyDocument {
  /** null: the account has no effective backup policy. */
  readonly content: string | null;
  /** When the account's effective policy last changed; null when AWS did not say (or there is none). */
  readonly lastUpdated: Date | null;
}

/**
 * One account's effective backup policy, read by the management account with `TargetId`. From the
 * management account "not found" means the policy type is not enabled; either way the account has no
 * effective backup policy. Any other failure is thrown, `PolicyChangesInProgressException` (a change still
 * being applied) and `TargetNotFoundException` (the account just left) among them.
 */
export async function readEffectivePolicyOf(
  factory: ClientFactory,
  accountId: string,
): Promise<EffectivePolicyDocument> {
  try {
    const response = await atCallSite(
      {
        operation: 'DescribeEffectivePolicy',
        accountId: factory.managementAccountId,
        region: ORGANIZATIONS_REGION,
      },
      () =>
        organizationsClient(factory).send(
          new DescribeEffectivePolicyCommand({ PolicyType: 'BACKUP_POLICY', TargetId: accountId }),
        ),
    );
    return {
      content: response.EffectivePolicy?.PolicyContent || null,
      lastUpdated: response.EffectivePolicy?.LastUpdatedTimestamp ?? null,
    };
  } catch (error) {
    // Only this exception says "no policy"; TargetNotFound (the account just left) is a failure.
    if (classifyAwsError(error).code === 'EffectivePolicyNotFoundException') {
      return { content: null, lastUpdated: null };
    }
    throw error;
  }
}
