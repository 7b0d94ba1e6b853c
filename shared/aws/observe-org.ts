import { BackupClient, DescribeGlobalSettingsCommand } from '@aws-sdk/client-backup';
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListOrganizationalUnitsForParentCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  ListTargetsForPolicyCommand,
  type OrganizationsClient,
  type PolicySummary,
} from '@aws-sdk/client-organizations';
import { ControllerError } from '../domain/errors.js';
import type { ObservedAccount, ObservedOrganization, ObservedOu, ObservedPolicy } from '../domain/model.js';
import { MANAGED_BY_TAG } from '../domain/policy/render.js';
import { type ClientFactory, ORGANIZATIONS_REGION } from './clients.js';
import { atCallSite } from './errors.js';
import { collectPages } from './paginate.js';
import { organizationsClient } from './sdk/organizations.js';

const BACKUP_POLICY = 'BACKUP_POLICY';
/**
 * Organizations list calls accept at most 20 per page
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html).
 */
const ORG_PAGE_SIZE = 20;

/**
 * The organization as observeOrganization read it: what the planner and checks judge, plus the listing of
 * every backup policy it made on the way, so that the org phase's other readers need not list them again.
 */
export interface OrganizationObservation extends ObservedOrganization {
  /** Every BACKUP_POLICY of the organization (the controller's and every team's), from ListPolicies. */
  readonly backupPolicyIds: readonly string[];
}

export interface ObserveOrganizationOptions {
  /** Name of the controller-owned backup policy; only its content and targets are read. */
  readonly policyName: string;
}

/**
 * Reads the organization as the management account sees it. Every Organizations call is awaited one after
 * another: its throttling is organization-wide, so concurrency buys little and risks
 * TooManyRequests for every other caller in the org.
 *
 * Only the controller-owned policy (by name) is described: the planner and evaluator act on that one
 * policy, and describing every BACKUP_POLICY in a large org would cost two serialized calls each.
 */
export async function observeOrganization(
  factory: ClientFactory,
  options: ObserveOrganizationOptions,
): Promise<OrganizationObservation> {
  const org = organizationsClient(factory);
  const call = orgCallSite(factory);

  const description = await call('DescribeOrganization', () => org.send(new DescribeOrganizationCommand({})));
  const root = await readRoot(org, call);
  const backupPolicyType =
    root.PolicyTypes?.find((type) => type.Type === BACKUP_POLICY)?.Status ?? 'DISABLED';

  const { ous, accounts } = await walkTree(org, call, root.Id);
  const summaries = await listBackupPolicies(org, call);
  const backupPolicies = await readOwnedPolicy(org, call, summaries, options.policyName);
  const crossAccountBackupEnabled = await readCrossAccountBackup(factory);
  const trustedAccessServices = await readTrustedAccess(org, call);

  return {
    organizationId: description.Organization?.Id ?? '',
    managementAccountId: description.Organization?.MasterAccountId ?? factory.managementAccountId,
    rootId: root.Id,
    backupPolicyType,
    ous,
    accounts,
    backupPolicies,
    crossAccountBackupEnabled,
    trustedAccessServices,
    backupPolicyIds: summaries.flatMap((summary) => (summary.Id ? [summary.Id] : [])),
  };
}

/** Service principals with trusted access; null when the list cannot be read (the check then SKIPs). */
async function readTrustedAccess(org: OrganizationsClient, call: OrgCall): Promise<string[] | null> {
  try {
    const services = await collectPages((NextToken) =>
      call('ListAWSServiceAccessForOrganization', () =>
        org.send(new ListAWSServiceAccessForOrganizationCommand({ MaxResults: ORG_PAGE_SIZE, NextToken })),
      ).then((page) => ({ items: page.EnabledServicePrincipals, nextToken: page.NextToken })),
    );
    return services.flatMap((service) => (service.ServicePrincipal ? [service.ServicePrincipal] : []));
  } catch {
    return null;
  }
}

/** The root, every OU (with its path) and every account with its parent: what `attachTo` resolves against. */
export async function readOrganizationTree(
  factory: ClientFactory,
): Promise<{ rootId: string; ous: ObservedOu[]; accounts: ObservedAccount[] }> {
  const org = organizationsClient(factory);
  const call = orgCallSite(factory);
  const root = await readRoot(org, call);
  return { rootId: root.Id, ...(await walkTree(org, call, root.Id)) };
}

async function readRoot(org: OrganizationsClient, call: OrgCall) {
  const roots = await collectPages((NextToken) =>
    call('ListRoots', () => org.send(new ListRootsCommand({ MaxResults: ORG_PAGE_SIZE, NextToken }))).then(
      (page) => ({ items: page.Roots, nextToken: page.NextToken }),
    ),
  );
  const root = roots[0];
  const id = root?.Id;
  if (!root || !id) throw new ControllerError('ORGANIZATION_ROOT_MISSING', 'ListRoots returned no root');
  return { ...root, Id: id };
}

export interface OrganizationAccount {
  readonly id: string;
  readonly name: string;
  /** `State` (ACTIVE, SUSPENDED, …); `Status` is retired. */
  readonly state: string;
}

/** Every account of the organization, for the sweep to fan out over; sorted by id. */
export async function listAccounts(factory: ClientFactory): Promise<OrganizationAccount[]> {
  const org = organizationsClient(factory);
  const call = orgCallSite(factory);
  const accounts = await collectPages((NextToken) =>
    call('ListAccounts', () =>
      org.send(new ListAccountsCommand({ MaxResults: ORG_PAGE_SIZE, NextToken })),
    ).then((page) => ({ items: page.Accounts, nextToken: page.NextToken })),
  );
  return accounts
    .map((account) => ({ id: account.Id ?? '', name: account.Name ?? '', state: account.State ?? 'UNKNOWN' }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

type OrgCall = <T>(operation: string, send: () => Promise<T>) => Promise<T>;

function orgCallSite(factory: ClientFactory): OrgCall {
  return (operation, send) =>
    atCallSite({ operation, accountId: factory.managementAccountId, region: ORGANIZATIONS_REGION }, send);
}

/** Breadth-first walk from the root; OU paths are slash-joined names (`/Workloads/Prod`). */
async function walkTree(
  org: OrganizationsClient,
  call: OrgCall,
  rootId: string,
): Promise<{ ous: ObservedOu[]; accounts: ObservedAccount[] }> {
  const ous: ObservedOu[] = [];
  const accounts: ObservedAccount[] = [];
  const queue: { id: string; path: string }[] = [{ id: rootId, path: '' }];
  for (let parent = queue.shift(); parent; parent = queue.shift()) {
    const parentId = parent.id;
    const children = await collectPages((NextToken) =>
      call('ListOrganizationalUnitsForParent', () =>
        org.send(
          new ListOrganizationalUnitsForParentCommand({
            ParentId: parentId,
            MaxResults: ORG_PAGE_SIZE,
            NextToken,
          }),
        ),
      ).then((page) => ({ items: page.OrganizationalUnits, nextToken: page.NextToken })),
    );
    for (const child of children) {
      const ou = {
        id: child.Id ?? '',
        name: child.Name ?? '',
        parentId,
        path: `${parent.path}/${child.Name ?? ''}`,
      };
      ous.push(ou);
      queue.push({ id: ou.id, path: ou.path });
    }
    const direct = await collectPages((NextToken) =>
      call('ListAccountsForParent', () =>
        org.send(
          new ListAccountsForParentCommand({ ParentId: parentId, MaxResults: ORG_PAGE_SIZE, NextToken }),
        ),
      ).then((page) => ({ items: page.Accounts, nextToken: page.NextToken })),
    );
    for (const account of direct) {
      accounts.push({
        id: account.Id ?? '',
        name: account.Name ?? '',
        state: account.State ?? 'UNKNOWN',
        parentId,
      });
    }
  }
  return {
    ous: ous.sort((a, b) => a.path.localeCompare(b.path) || a.id.localeCompare(b.id)),
    accounts: accounts.sort((a, b) => a.id.localeCompare(b.id)),
  };
}

function listBackupPolicies(org: OrganizationsClient, call: OrgCall): Promise<PolicySummary[]> {
  return collectPages((NextToken) =>
    call('ListPolicies', () =>
      org.send(new ListPoliciesCommand({ Filter: BACKUP_POLICY, MaxResults: ORG_PAGE_SIZE, NextToken })),
    ).then((page) => ({ items: page.Policies, nextToken: page.NextToken })),
  );
}

async function readOwnedPolicy(
  org: OrganizationsClient,
  call: OrgCall,
  summaries: readonly PolicySummary[],
  policyName: string,
): Promise<ObservedPolicy[]> {
  const owned = summaries.filter((summary) => summary.Name === policyName && summary.Id);
  const policies: ObservedPolicy[] = [];
  for (const summary of owned) {
    const policyId = summary.Id ?? '';
    const described = await call('DescribePolicy', () =>
      org.send(new DescribePolicyCommand({ PolicyId: policyId })),
    );
    const targets = await collectPages((NextToken) =>
      call('ListTargetsForPolicy', () =>
        org.send(
          new ListTargetsForPolicyCommand({ PolicyId: policyId, MaxResults: ORG_PAGE_SIZE, NextToken }),
        ),
      ).then((page) => ({ items: page.Targets, nextToken: page.NextToken })),
    );
    const tags = await collectPages((NextToken) =>
      call('ListTagsForResource', () =>
        org.send(new ListTagsForResourceCommand({ ResourceId: policyId, NextToken })),
      ).then((page) => ({ items: page.Tags, nextToken: page.NextToken })),
    );
    policies.push({
      id: policyId,
      name: summary.Name ?? '',
      content: described.Policy?.Content ?? '',
      targets: targets.flatMap((target) => (target.TargetId ? [target.TargetId] : [])).sort(),
      createdByController: tags.some(
        (tag) => tag.Key === MANAGED_BY_TAG.key && tag.Value === MANAGED_BY_TAG.value,
      ),
    });
  }
  return policies;
}

/** null when global settings cannot be read (e.g. trusted access not enabled); the check then says so. */
export async function readCrossAccountBackup(factory: ClientFactory): Promise<boolean | null> {
  try {
    const settings = await factory
      .clientOf(BackupClient, factory.managementAccountId, factory.homeRegion)
      .send(new DescribeGlobalSettingsCommand({}));
    // Values are the strings "true" / "false".
    return settings.GlobalSettings?.isCrossAccountBackupEnabled === 'true';
  } catch {
    return null;
  }
}
