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
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { listAccounts, observeOrganization } from '../../shared/aws/observe-org.js';
import { MANAGEMENT, MEMBER, OTHER_MEMBER, testFactory } from './support.js';

const organizations = mockClient(OrganizationsClient);
const backup = mockClient(BackupClient);
// The stubs sit on the clients' prototypes: later test files in the same worker get the real `send`.
afterAll(() => {
  for (const mock of [organizations, backup]) mock.restore();
});

const ROOT = 'r-abcd';
const WORKLOADS = 'ou-abcd-11111111';
const PROD = 'ou-abcd-22222222';

function serveOrganization() {
  organizations.on(DescribeOrganizationCommand).resolves({
    Organization: { Id: 'o-abc123', MasterAccountId: MANAGEMENT, FeatureSet: 'ALL' },
  });
  organizations.on(ListRootsCommand).resolves({
    Roots: [{ Id: ROOT, Name: 'Root', PolicyTypes: [{ Type: 'BACKUP_POLICY', Status: 'ENABLED' }] }],
  });
  // Organizations may return an empty page that still carries a NextToken.
  organizations.on(ListOrganizationalUnitsForParentCommand).callsFake((input) => {
    if (input.ParentId === ROOT && !input.NextToken) return { OrganizationalUnits: [], NextToken: 'more' };
    if (input.ParentId === ROOT) return { OrganizationalUnits: [{ Id: WORKLOADS, Name: 'Workloads' }] };
    if (input.ParentId === WORKLOADS) return { OrganizationalUnits: [{ Id: PROD, Name: 'Prod' }] };
    return { OrganizationalUnits: [] };
  });
  organizations.on(ListAccountsForParentCommand).callsFake((input) => {
    if (input.ParentId === ROOT) return { Accounts: [{ Id: MANAGEMENT, Name: 'mgmt', State: 'ACTIVE' }] };
    if (input.ParentId === PROD) {
      return {
        Accounts: [
          { Id: OTHER_MEMBER, Name: 'b', State: 'SUSPENDED' },
          { Id: MEMBER, Name: 'a', State: 'ACTIVE' },
        ],
      };
    }
    return { Accounts: [] };
  });
  organizations.on(ListPoliciesCommand).resolves({
    Policies: [
      { Id: 'p-other0000', Name: 'someone-elses' },
      { Id: 'p-owned0000', Name: 'org-backup' },
    ],
  });
  organizations.on(DescribePolicyCommand).resolves({ Policy: { Content: '{"plans":{}}' } });
  organizations
    .on(ListTargetsForPolicyCommand)
    .resolves({ Targets: [{ TargetId: WORKLOADS }, { TargetId: ROOT }] });
  organizations.on(ListAWSServiceAccessForOrganizationCommand).resolves({
    EnabledServicePrincipals: [{ ServicePrincipal: 'backup.amazonaws.com' }],
  });
  organizations
    .on(ListTagsForResourceCommand)
    .resolves({ Tags: [{ Key: 'managed-by', Value: 'org-backup-controller' }] });
  backup
    .on(DescribeGlobalSettingsCommand)
    .resolves({ GlobalSettings: { isCrossAccountBackupEnabled: 'true' } });
}

beforeEach(() => {
  organizations.reset();
  backup.reset();
});

describe('observeOrganization', () => {
  it('walks the OU tree with paths, keeps every account with its State and reads the owned policy', async () => {
    serveOrganization();
    const observed = await observeOrganization(testFactory(), { policyName: 'org-backup' });

    expect(observed).toMatchObject({
      organizationId: 'o-abc123',
      managementAccountId: MANAGEMENT,
      rootId: ROOT,
      backupPolicyType: 'ENABLED',
      crossAccountBackupEnabled: true,
      trustedAccessServices: ['backup.amazonaws.com'],
    });
    expect(observed.ous).toEqual([
      { id: WORKLOADS, name: 'Workloads', parentId: ROOT, path: '/Workloads' },
      { id: PROD, name: 'Prod', parentId: WORKLOADS, path: '/Workloads/Prod' },
    ]);
    expect(observed.accounts).toEqual([
      { id: MANAGEMENT, name: 'mgmt', state: 'ACTIVE', parentId: ROOT },
      { id: MEMBER, name: 'a', state: 'ACTIVE', parentId: PROD },
      { id: OTHER_MEMBER, name: 'b', state: 'SUSPENDED', parentId: PROD },
    ]);
    expect(observed.backupPolicies).toEqual([
      {
        id: 'p-owned0000',
        name: 'org-backup',
        content: '{"plans":{}}',
        targets: [WORKLOADS, ROOT].sort(),
        createdByController: true,
      },
    ]);
    expect(organizations).toHaveReceivedCommandWith(ListTagsForResourceCommand, {
      ResourceId: 'p-owned0000',
    });
    expect(organizations).toHaveReceivedCommandWith(DescribePolicyCommand, { PolicyId: 'p-owned0000' });
    expect(organizations).toHaveReceivedCommandTimes(DescribePolicyCommand, 1);
    expect(organizations).toHaveReceivedCommandWith(ListPoliciesCommand, {
      Filter: 'BACKUP_POLICY',
      MaxResults: 20,
    });
    // Every backup policy, not only the owned one: the chains' attachments are read from this listing.
    expect(organizations).toHaveReceivedCommandTimes(ListPoliciesCommand, 1);
    expect(observed.backupPolicyIds).toEqual(['p-other0000', 'p-owned0000']);
  });

  it('follows a NextToken past an empty page', async () => {
    serveOrganization();
    await observeOrganization(testFactory(), { policyName: 'org-backup' });
    const rootCalls = organizations
      .commandCalls(ListOrganizationalUnitsForParentCommand)
      .filter((call) => call.args[0].input.ParentId === ROOT);
    expect(rootCalls).toHaveLength(2);
  });

  it('sends Organizations calls one at a time', async () => {
    serveOrganization();
    let inFlight = 0;
    let maxInFlight = 0;
    organizations.on(ListAccountsForParentCommand).callsFake(async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight--;
      return { Accounts: [] };
    });
    await observeOrganization(testFactory(), { policyName: 'org-backup' });
    expect(maxInFlight).toBe(1);
  });

  it('reports the policy type as DISABLED and an unreadable global setting as null', async () => {
    serveOrganization();
    organizations.on(ListRootsCommand).resolves({ Roots: [{ Id: ROOT, PolicyTypes: [] }] });
    backup
      .on(DescribeGlobalSettingsCommand)
      .rejects(Object.assign(new Error('no org'), { name: 'InvalidRequestException' }));
    const observed = await observeOrganization(testFactory(), { policyName: 'absent' });
    expect(observed.backupPolicyType).toBe('DISABLED');
    expect(observed.crossAccountBackupEnabled).toBeNull();
    expect(observed.backupPolicies).toEqual([]);
    expect(organizations).toHaveReceivedCommandTimes(DescribePolicyCommand, 0);
  });

  it('reads "false" as false: global settings are strings', async () => {
    serveOrganization();
    backup
      .on(DescribeGlobalSettingsCommand)
      .resolves({ GlobalSettings: { isCrossAccountBackupEnabled: 'false' } });
    const observed = await observeOrganization(testFactory(), { policyName: 'org-backup' });
    expect(observed.crossAccountBackupEnabled).toBe(false);
  });

  it('names the failing call when Organizations refuses', async () => {
    serveOrganization();
    organizations
      .on(ListRootsCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(observeOrganization(testFactory(), { policyName: 'org-backup' })).rejects.toMatchObject({
      name: 'AwsCallError',
      code: 'AccessDeniedException',
      operation: 'ListRoots',
    });
  });
});

describe('listAccounts', () => {
  it('pages ListAccounts and returns accounts sorted by id with their State', async () => {
    const tokens: (string | undefined)[] = [];
    organizations.on(ListAccountsCommand).callsFake((input) => {
      tokens.push(input.NextToken);
      return input.NextToken
        ? { Accounts: [{ Id: MEMBER, Name: 'a', State: 'ACTIVE', Status: 'ACTIVE' }] }
        : { Accounts: [{ Id: OTHER_MEMBER, Name: 'b', State: 'CLOSED' }], NextToken: 't1' };
    });
    expect(await listAccounts(testFactory())).toEqual([
      { id: MEMBER, name: 'a', state: 'ACTIVE' },
      { id: OTHER_MEMBER, name: 'b', state: 'CLOSED' },
    ]);
    expect(tokens).toEqual([undefined, 't1']);
  });
});
