import type { DesiredState, ObservedOrganization, ObservedPolicy } from '../domain/model.js';
import { deployedPolicyReach, type LocatedResource } from '../domain/policy/impact.js';
import type { ClientFactory } from './clients.js';
import { observeOrganization } from './observe-org.js';
import { readTaggedResources } from './observe-tagged.js';

/** Accounts × Regions read at once: tag reads through the member role, one paged call each. */
const CONCURRENCY = 8;

/** The controller's policy as deployed today and the tagged resources it reaches, read-only. */
export interface DeployedCoverage {
  readonly org: ObservedOrganization;
  /** The controller's own BACKUP_POLICY (recognised by its tag), or null before the first deployment. */
  readonly deployed: ObservedPolicy | null;
  readonly resources: readonly LocatedResource[];
}

/**
 * Reads the organization, the deployed policy and, in every account and Region it reaches, the resources
 * carrying one of its tag keys (GetResources through the member role: no write, no job or vault read).
 */
export async function readDeployedCoverage(
  factory: ClientFactory,
  desired: Pick<DesiredState, 'policy'>,
): Promise<DeployedCoverage> {
  const org = await observeOrganization(factory, { policyName: desired.policy.name });
  const deployed =
    org.backupPolicies.find((policy) => policy.name === desired.policy.name && policy.createdByController) ??
    null;
  if (deployed === null) return { org, deployed, resources: [] };
  const reach = deployedPolicyReach(deployed, org);
  const targets = [...reach.accounts].flatMap((accountId) =>
    reach.regions.flatMap((region) => reach.tagKeys.map((tagKey) => ({ accountId, region, tagKey }))),
  );
  const resources: LocatedResource[] = [];
  for (let start = 0; start < targets.length; start += CONCURRENCY) {
    const batch = await Promise.all(
      targets.slice(start, start + CONCURRENCY).map(async ({ accountId, region, tagKey }) =>
        (await readTaggedResources(factory, { accountId, region }, tagKey)).map((resource) => ({
          ...resource,
          accountId,
          region,
        })),
      ),
    );
    resources.push(...batch.flat());
  }
  return { org, deployed, resources };
}
