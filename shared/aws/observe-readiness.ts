import { BackupClient, DescribeBackupVaultCommand } from '@aws-sdk/client-backup';
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListPoliciesCommand,
  ListTargetsForPolicyCommand,
} from '@aws-sdk/client-organizations';
import type { DesiredState, ObservedOrganization } from '../domain/model.js';
import type {
  MemberRoleProbe,
  ObservedPolicyOfType,
  ObservedReadiness,
  Readable,
} from '../domain/readiness/observed.js';
import type { ClientFactory } from './clients.js';
import { classifyAwsError } from './errors.js';
import { observeOrganization } from './observe-org.js';
import { readEnabledRegions } from './observe-scan-regions.js';
import { collectPages } from './paginate.js';
import { iamClient } from './sdk/iam.js';
import { organizationsClient } from './sdk/organizations.js';

/** Organizations list calls accept at most 20 per page. */
const ORG_PAGE_SIZE = 20;

/**
 * Everything `orgbackup doctor` looks at, read-only, from the management account (and, for the sampled
 * members and the central vault, through the factory's member-account role: the access role the caller's
 * credentials may assume, such as OrganizationAccountAccessRole). A read that fails is recorded
 * with its error instead of stopping the others: the doctor reports what it could not see.
 */
export async function observeReadiness(
  factory: ClientFactory,
  desired: DesiredState,
  options: { readonly sampleSize: number },
): Promise<{ org: ObservedOrganization; readiness: ObservedReadiness }> {
  const org = await observeOrganization(factory, { policyName: desired.policy.name });
  const organizations = organizationsClient(factory);
  const memberProbes = await probeMembers(factory, desired, org, options.sampleSize);
  const readiness: ObservedReadiness = {
    featureSet: await readable(async () => {
      const out = await organizations.send(new DescribeOrganizationCommand({}));
      return out.Organization?.FeatureSet ?? 'UNKNOWN';
    }),
    // observeOrganization reads it for the controller's own TRUSTED_ACCESS check; null when unreadable.
    trustedServices:
      org.trustedAccessServices === null
        ? { ok: false, error: 'ListAWSServiceAccessForOrganization could not be read' }
        : { ok: true, value: org.trustedAccessServices },
    organizationTrails: await readable(async () => {
      const out = await factory
        .clientOf(CloudTrailClient, factory.managementAccountId, factory.homeRegion)
        .send(new DescribeTrailsCommand({ includeShadowTrails: true }));
      return (out.trailList ?? []).map((trail) => ({
        name: trail.Name ?? '',
        organization: trail.IsOrganizationTrail === true,
        multiRegion: trail.IsMultiRegionTrail === true,
      }));
    }),
    backupPolicies: await readable(() => readPolicies(factory, 'BACKUP_POLICY')),
    serviceControlPolicies: await readable(() => readPolicies(factory, 'SERVICE_CONTROL_POLICY')),
    accessRoleName: factory.memberRoleName,
    memberProbes,
    enabledRegions: await Promise.all(
      [
        org.managementAccountId,
        ...memberProbes.filter((probe) => probe.kind !== 'unreadable').map((probe) => probe.accountId),
      ].map(async (accountId) => ({
        accountId,
        regions: await readable(() => readEnabledRegions(factory, accountId)),
      })),
    ),
    centralVault: desired.centralVault
      ? await readable(async () => {
          const central = desired.centralVault!;
          try {
            const out = await factory
              .clientOf(BackupClient, central.accountId, central.region)
              .send(new DescribeBackupVaultCommand({ BackupVaultName: central.name }));
            return { exists: true, vaultType: out.VaultType ?? 'BACKUP_VAULT' };
          } catch (error) {
            if (classifyAwsError(error).code === 'ResourceNotFoundException') {
              return { exists: false, vaultType: null };
            }
            throw error;
          }
        })
      : null,
  };
  return { org, readiness };
}

async function readable<T>(read: () => Promise<T>): Promise<Readable<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    const { code, message } = classifyAwsError(error);
    return { ok: false, error: `${code}: ${message}` };
  }
}

/** Every policy of a type with its content and direct targets: two calls per policy, one after another. */
async function readPolicies(
  factory: ClientFactory,
  type: 'BACKUP_POLICY' | 'SERVICE_CONTROL_POLICY',
): Promise<ObservedPolicyOfType[]> {
  const organizations = organizationsClient(factory);
  const summaries = await collectPages((NextToken) =>
    organizations
      .send(new ListPoliciesCommand({ Filter: type, MaxResults: ORG_PAGE_SIZE, NextToken }))
      .then((page) => ({ items: page.Policies, nextToken: page.NextToken })),
  );
  const policies: ObservedPolicyOfType[] = [];
  for (const summary of summaries) {
    if (!summary.Id) continue;
    const described = await organizations.send(new DescribePolicyCommand({ PolicyId: summary.Id }));
    const targets = await collectPages((NextToken) =>
      organizations
        .send(new ListTargetsForPolicyCommand({ PolicyId: summary.Id, MaxResults: ORG_PAGE_SIZE, NextToken }))
        .then((page) => ({ items: page.Targets, nextToken: page.NextToken })),
    );
    policies.push({
      id: summary.Id,
      name: summary.Name ?? summary.Id,
      awsManaged: summary.AwsManaged === true,
      content: described.Policy?.Content ?? '',
      targets: targets.flatMap((target) => (target.TargetId ? [target.TargetId] : [])),
    });
  }
  return policies;
}

/**
 * Reads the member role (GetRole) in a spread of in-scope member accounts (first, last and evenly between, in
 * id order, so the same organization gives the same sample), through the factory's member-account role: the
 * access role, since the member role itself trusts only the controller's functions.
 */
async function probeMembers(
  factory: ClientFactory,
  desired: DesiredState,
  org: ObservedOrganization,
  sampleSize: number,
): Promise<MemberRoleProbe[]> {
  const excluded = new Set(desired.excludeAccounts);
  const members = org.accounts
    .filter((account) => account.state === 'ACTIVE' && !excluded.has(account.id))
    .filter((account) => account.id !== org.managementAccountId)
    .map((account) => account.id)
    .sort();
  const picked =
    members.length <= sampleSize
      ? members
      : [
          ...new Set(
            Array.from(
              { length: sampleSize },
              (_, i) => members[Math.round((i * (members.length - 1)) / Math.max(1, sampleSize - 1))]!,
            ),
          ),
        ];
  const probes: MemberRoleProbe[] = [];
  for (const accountId of picked) {
    try {
      const out = await iamClient(factory, accountId).send(
        new GetRoleCommand({ RoleName: desired.memberRoleName }),
      );
      probes.push({ accountId, kind: 'present', trustPolicy: out.Role?.AssumeRolePolicyDocument ?? '' });
    } catch (error) {
      const { category, code, message } = classifyAwsError(error);
      if (category === 'not-found') probes.push({ accountId, kind: 'absent' });
      else probes.push({ accountId, kind: 'unreadable', error: `${code}: ${message}` });
    }
  }
  return probes;
}
