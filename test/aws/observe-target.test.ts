import {
  BackupClient,
  DescribeBackupVaultCommand,
  DescribeRegionSettingsCommand,
  GetBackupVaultAccessPolicyCommand,
  ListBackupJobsCommand,
  ListCopyJobsCommand,
  ListProtectedResourcesCommand,
  ListRecoveryPointsByBackupVaultCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-backup';
import { DescribeVolumesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import {
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { DescribeKeyCommand, KMSClient, ListGrantsCommand } from '@aws-sdk/client-kms';
import {
  DescribeEffectivePolicyCommand,
  EffectivePolicyNotFoundException,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  GetResourcesCommand,
  type GetResourcesCommandInput,
  GetTagKeysCommand,
  ResourceGroupsTaggingAPIClient,
  type ResourceTagMapping,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { observeTarget, trustsServicePrincipal } from '../../shared/aws/observe-target.js';
import { READ_PERMISSIONS } from '../../shared/aws/permissions.js';
import { DAILY_PLAN } from '../domain/fixtures/desired.js';
import { CENTRAL, desiredState, HOME, MANAGEMENT, MEMBER, testFactory } from './support.js';

const backup = mockClient(BackupClient);
const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const organizations = mockClient(OrganizationsClient);
const iam = mockClient(IAMClient);
const events = mockClient(EventBridgeClient);
const kms = mockClient(KMSClient);
const ec2 = mockClient(EC2Client);
const mocks = [backup, tagging, organizations, iam, events, kms, ec2];
// The stubs sit on the clients' prototypes: later test files in the same worker get the real `send`.
afterAll(() => {
  for (const mock of mocks) mock.restore();
});

const NOW = new Date('2026-03-04T00:00:00Z');
const TARGET = { accountId: MEMBER, region: HOME };
const VAULT_KEY = `arn:aws:kms:${HOME}:${MEMBER}:key/vault-key`;
const ROLE_ARN = `arn:aws:iam::${MEMBER}:role/OrgBackupRole`;
const BACKUP_TRUST = encodeURIComponent(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  }),
);
const EFFECTIVE = JSON.stringify({
  plans: { daily: { regions: [HOME], rules: { r: { target_backup_vault_name: 'org-vault' } } } },
});

const notFound = (name: string) =>
  new ResourceNotFoundException({ message: `${name} not found`, $metadata: {} });
const volume = (id: string) => `arn:aws:ec2:${HOME}:${MEMBER}:volume/vol-${id}`;
const mapping = (arn: string, tags: Record<string, string>): ResourceTagMapping => ({
  ResourceARN: arn,
  Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
});

/** Serves GetResources from per-key page lists and records each call's key and token: the SDK's paginator reuses one input object across pages, so the token is copied at call time. */
/** Keys in use are the served ones plus unrelated keys, listed over two GetTagKeys pages ending in "". */
function serveTagPages(pagesByKey: Record<string, ResourceTagMapping[][]>) {
  const seen: { key: string; token: string | undefined }[] = [];
  const keys = [...Object.keys(pagesByKey), 'Name', 'BackupEnabledUntil'];
  tagging
    .on(GetTagKeysCommand)
    .callsFake((input: { PaginationToken?: string }) =>
      input.PaginationToken
        ? { TagKeys: keys.slice(1), PaginationToken: '' }
        : { TagKeys: keys.slice(0, 1), PaginationToken: 'k1' },
    );
  tagging.on(GetResourcesCommand).callsFake((input: GetResourcesCommandInput) => {
    const key = input.TagFilters?.[0]?.Key ?? '';
    seen.push({ key, token: input.PaginationToken });
    const pages = pagesByKey[key] ?? [[]];
    const index = input.PaginationToken ? Number(input.PaginationToken.slice(1)) : 0;
    // AWS ends a Tagging listing with "" rather than an absent PaginationToken (GetResources API reference).
    const next = index + 1 < pages.length ? `p${index + 1}` : '';
    return { ResourceTagMappingList: pages[index] ?? [], PaginationToken: next };
  });
  return seen;
}

function serveHealthyAccount() {
  // The tagged volumes' keys; which keys they are is observe-resource-details' own test.
  ec2.on(DescribeVolumesCommand).resolves({ Volumes: [] });
  backup.on(ListProtectedResourcesCommand).resolves({ Results: [] });
  backup.on(DescribeBackupVaultCommand).resolves({
    BackupVaultName: 'org-vault',
    BackupVaultArn: `arn:aws:backup:${HOME}:${MEMBER}:backup-vault:org-vault`,
    EncryptionKeyArn: VAULT_KEY,
    Locked: false,
  });
  backup
    .on(DescribeRegionSettingsCommand)
    .resolves({ ResourceTypeOptInPreference: { EBS: true, S3: false } });
  backup.on(ListBackupJobsCommand).resolves({ BackupJobs: [] });
  backup.on(ListCopyJobsCommand).resolves({ CopyJobs: [] });
  backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: [] });
  organizations
    .on(DescribeEffectivePolicyCommand)
    .resolves({ EffectivePolicy: { PolicyContent: EFFECTIVE } });
  iam.on(GetRoleCommand).resolves({
    Role: {
      RoleName: 'OrgBackupRole',
      Arn: ROLE_ARN,
      Path: '/',
      RoleId: 'AROA',
      CreateDate: NOW,
      AssumeRolePolicyDocument: BACKUP_TRUST,
    },
  });
  iam.on(ListAttachedRolePoliciesCommand).resolves({
    AttachedPolicies: [
      { PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup' },
    ],
    IsTruncated: false,
  });
  kms.on(DescribeKeyCommand).resolves({
    KeyMetadata: { KeyId: 'vault-key', Arn: VAULT_KEY, KeyState: 'Enabled', KeyManager: 'CUSTOMER' },
  });
  kms
    .on(ListGrantsCommand)
    .resolves({ Grants: [{ GrantId: 'g1', GranteePrincipal: ROLE_ARN }], Truncated: false });
  serveTagPages({});
}

const totalCalls = () => mocks.reduce((sum, mock) => sum + mock.calls().length, 0);

beforeEach(() => {
  for (const mock of mocks) mock.reset();
});

describe('observeTarget', () => {
  it('reads a healthy account × Region into the observed model', async () => {
    serveHealthyAccount();
    const observed = await observeTarget(testFactory(), desiredState(), TARGET, NOW);

    expect(observed.reachability).toEqual({ ok: true });
    expect(observed.vault).toMatchObject({
      name: 'org-vault',
      encryptionKeyArn: VAULT_KEY,
      locked: false,
      lockDate: null,
    });
    expect(observed.regionOptIn).toEqual({ EBS: true, S3: false });
    expect(observed.effectivePolicy?.plans.map((plan) => plan.name)).toEqual(['daily']);
    expect(observed.backupRole).toEqual({
      exists: true,
      trustsBackup: true,
      trustPolicy: decodeURIComponent(BACKUP_TRUST),
      attachedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup'],
    });
    expect(observed.keys).toEqual([
      { arn: VAULT_KEY, state: 'Enabled', manager: 'CUSTOMER', backupRoleHasGrant: true, usedBy: 'vault' },
    ]);
    expect(kms).toHaveReceivedCommandWith(ListGrantsCommand, {
      KeyId: VAULT_KEY,
      GranteePrincipal: ROLE_ARN,
    });
    expect(observed.centralVault).toBeUndefined();
    // Without desired event forwarding nothing is asked of EventBridge.
    expect(events.calls()).toHaveLength(0);
    expect(observed.eventForwarding).toEqual({
      ruleExists: false,
      targetsBus: false,
      roleExists: false,
      ruleState: null,
      eventPattern: null,
    });
  });

  it('asks for the effective policy with the member credentials and no TargetId', async () => {
    serveHealthyAccount();
    await observeTarget(testFactory(), desiredState(), TARGET, NOW);
    expect(organizations).toHaveReceivedCommandTimes(DescribeEffectivePolicyCommand, 1);
    expect(organizations.commandCalls(DescribeEffectivePolicyCommand)[0]?.args[0].input).toEqual({
      PolicyType: 'BACKUP_POLICY',
    });
  });

  it('queries only the key spellings in use, follows tokens until "", merges by ARN, drops backup artifacts', async () => {
    serveHealthyAccount();
    const snapshot = `arn:aws:ec2:${HOME}::snapshot/snap-1`;
    const queue = `arn:aws:sqs:${HOME}:${MEMBER}:orders`;
    const seen = serveTagPages({
      BackupEnabled: [
        [mapping(volume('b'), { BackupEnabled: 'True' }), mapping(snapshot, { BackupEnabled: 'True' })],
        [mapping(queue, { BackupEnabled: 'True' })],
      ],
      backupenabled: [[mapping(volume('a'), { backupenabled: 'yes' })]],
    });

    const observed = await observeTarget(testFactory(), desiredState(), TARGET, NOW);

    expect(observed.resources).toEqual([
      { arn: volume('a'), tags: { backupenabled: 'yes' } },
      { arn: volume('b'), tags: { BackupEnabled: 'True' } },
      { arn: queue, tags: { BackupEnabled: 'True' } },
    ]);
    const keysQueried = [...new Set(seen.map((call) => call.key))].sort();
    // The spellings GetTagKeys reported; unrelated keys (Name, BackupEnabledUntil) are never listed.
    expect(keysQueried).toEqual(['BackupEnabled', 'backupenabled']);
    expect(tagging).toHaveReceivedCommandTimes(GetTagKeysCommand, 2);
    expect(seen.filter((call) => call.key === 'BackupEnabled').map((call) => call.token)).toEqual([
      undefined,
      'p1',
    ]);
    expect(tagging).toHaveReceivedCommandWith(GetResourcesCommand, {
      TagFilters: [{ Key: 'backupenabled' }],
      ResourcesPerPage: 100,
    });
  });

  it('keeps the number of calls independent of the number of resources', async () => {
    serveHealthyAccount();
    serveTagPages({ BackupEnabled: [[mapping(volume('only'), { BackupEnabled: 'True' })]] });
    await observeTarget(testFactory(), desiredState(), TARGET, NOW);
    const baseline = totalCalls();

    for (const mock of mocks) mock.reset();
    serveHealthyAccount();
    const pages = Array.from({ length: 10 }, (_, page) =>
      Array.from({ length: 100 }, (_, i) => mapping(volume(`${page}-${i}`), { BackupEnabled: 'True' })),
    );
    serveTagPages({ BackupEnabled: pages });
    backup.on(ListProtectedResourcesCommand).resolves({
      Results: pages.flat().map((resource) => ({ ResourceArn: resource.ResourceARN, ResourceType: 'EBS' })),
    });
    const observed = await observeTarget(testFactory(), desiredState(), TARGET, NOW);

    expect(observed.resources).toHaveLength(1000);
    expect(observed.protectedResources).toHaveLength(1000);
    expect(tagging).toHaveReceivedCommandTimes(GetResourcesCommand, 10);
    // The only extra calls for 1000 resources are the nine further GetResources pages.
    expect(totalCalls()).toBe(baseline + 9);
  });

  it('costs a bounded number of calls when a member uses thousands of case variants of the tag key', async () => {
    serveHealthyAccount();
    // 3,000 of the 8,192 case variants of BackupEnabled, one per resource, 50 tags to a resource.
    const spellings = Array.from({ length: 3000 }, (_, n) =>
      [...'BackupEnabled']
        .map((letter, bit) => ((n >> bit) & 1 ? letter.toUpperCase() : letter.toLowerCase()))
        .join(''),
    );
    const resources = Array.from({ length: 60 }, (_, r) =>
      mapping(
        volume(`hostile-${r}`),
        Object.fromEntries(spellings.slice(r * 50, r * 50 + 50).map((key) => [key, 'yes'])),
      ),
    );
    const untagged = mapping(volume('other'), { Name: 'web' });
    const everything = [...resources, untagged];
    tagging.on(GetTagKeysCommand).resolves({ TagKeys: [...spellings, 'Name'], PaginationToken: '' });
    tagging.on(GetResourcesCommand).callsFake((input: GetResourcesCommandInput) => {
      const index = input.PaginationToken ? Number(input.PaginationToken) : 0;
      const next = (index + 1) * 25 < everything.length ? String(index + 1) : '';
      return {
        ResourceTagMappingList: everything.slice(index * 25, (index + 1) * 25),
        PaginationToken: next,
      };
    });

    const observed = await observeTarget(testFactory(), desiredState(), TARGET, NOW);

    // One unfiltered listing (3 pages here) instead of 3,000 filtered ones; every near miss is still found.
    expect(tagging).toHaveReceivedCommandTimes(GetResourcesCommand, 3);
    expect(tagging).not.toHaveReceivedCommandWith(GetResourcesCommand, { TagFilters: expect.anything() });
    expect(observed.resources.map((resource) => resource.arn).sort()).toEqual(
      resources.map((resource) => resource.ResourceARN).sort(),
    );
  });

  it('pages ListProtectedResources with MaxResults 1000 and sorts the result', async () => {
    serveHealthyAccount();
    const tokens: (string | undefined)[] = [];
    backup.on(ListProtectedResourcesCommand).callsFake((input) => {
      tokens.push(input.NextToken);
      return input.NextToken
        ? { Results: [{ ResourceArn: volume('a'), ResourceType: 'EBS', LastBackupTime: NOW }] }
        : { Results: [{ ResourceArn: volume('b'), ResourceType: 'EBS' }], NextToken: 't1' };
    });
    const observed = await observeTarget(testFactory(), desiredState(), TARGET, NOW);
    expect(tokens).toEqual([undefined, 't1']);
    expect(backup).toHaveReceivedCommandWith(ListProtectedResourcesCommand, { MaxResults: 1000 });
    const noVault = { lastBackupVaultArn: null, lastRecoveryPointArn: null };
    expect(observed.protectedResources).toEqual([
      { arn: volume('a'), resourceType: 'EBS', lastBackupTime: NOW, ...noVault },
      { arn: volume('b'), resourceType: 'EBS', lastBackupTime: null, ...noVault },
    ]);
  });

  it('reads jobs of the last 8 days from the member account itself, newest first, with who made them', async () => {
    serveHealthyAccount();
    const older = new Date('2026-03-02T00:00:00Z');
    const newer = new Date('2026-03-03T00:00:00Z');
    backup.on(ListBackupJobsCommand).resolves({
      BackupJobs: [
        {
          BackupJobId: 'b1',
          ResourceArn: volume('a'),
          State: 'COMPLETED',
          CreationDate: older,
          MessageCategory: 'AccessDenied',
          BackupVaultName: 'org-vault',
          CreatedBy: { BackupPlanId: 'orgs/p1', BackupPlanName: 'daily' },
        },
      ],
    });
    backup.on(ListCopyJobsCommand).resolves({
      CopyJobs: [
        {
          CopyJobId: 'c1',
          ResourceArn: volume('a'),
          State: 'COMPLETED',
          CreationDate: newer,
          CompletionDate: newer,
          DestinationBackupVaultArn: 'arn:central',
        },
      ],
    });
    const observed = await observeTarget(testFactory(), desiredState(), TARGET, NOW);

    const since = new Date('2026-02-24T00:00:00Z');
    expect(backup).toHaveReceivedCommandWith(ListBackupJobsCommand, {
      ByCreatedAfter: since,
      MaxResults: 1000,
    });
    expect(backup).toHaveReceivedCommandWith(ListCopyJobsCommand, { ByCreatedAfter: since });
    const inputs = backup.commandCalls(ListBackupJobsCommand).map((call) => call.args[0].input);
    expect(inputs.every((input) => input.ByAccountId === undefined)).toBe(true);
    expect(observed.jobs).toEqual([
      {
        kind: 'COPY',
        jobId: 'c1',
        resourceArn: volume('a'),
        state: 'COMPLETED',
        creationDate: newer,
        completionDate: newer,
        statusMessage: null,
        messageCategory: null,
        origin: { backupPlanId: null, backupPlanName: null },
        destinationVaultArn: 'arn:central',
      },
      {
        kind: 'BACKUP',
        jobId: 'b1',
        resourceArn: volume('a'),
        state: 'COMPLETED',
        creationDate: older,
        completionDate: null,
        statusMessage: null,
        messageCategory: 'AccessDenied',
        origin: { backupPlanId: 'orgs/p1', backupPlanName: 'daily' },
        vaultName: 'org-vault',
      },
    ]);
  });

  it("lists the configured vault's recovery points back to twice the longest allowed age, with who made them", async () => {
    serveHealthyAccount();
    backup.on(ListRecoveryPointsByBackupVaultCommand).callsFake((input: { NextToken?: string }) =>
      input.NextToken
        ? {
            RecoveryPoints: [
              {
                RecoveryPointArn: 'rp-2',
                ResourceArn: volume('a'),
                Status: 'PARTIAL',
                CreationDate: NOW,
                CreatedBy: { BackupPlanId: 'team-plan' },
              },
            ],
          }
        : {
            RecoveryPoints: [
              {
                RecoveryPointArn: 'rp-1',
                ResourceArn: volume('a'),
                Status: 'COMPLETED',
                CreationDate: NOW,
                CreatedBy: { BackupPlanId: 'orgs/p1', BackupPlanName: 'daily' },
              },
            ],
            NextToken: 't2',
          },
    );
    const observed = await observeTarget(testFactory(), desiredState({ plans: [DAILY_PLAN] }), TARGET, NOW);
    // The daily 05:00 plan allows 24 h + 4 h of windows; twice that is 56 h.
    expect(backup).toHaveReceivedCommandWith(ListRecoveryPointsByBackupVaultCommand, {
      BackupVaultName: 'org-vault',
      ByCreatedAfter: new Date(NOW.getTime() - 56 * 3_600_000),
      MaxResults: 1000,
    });
    expect(observed.vaultRecoveryPoints).toEqual([
      {
        arn: 'rp-1',
        resourceArn: volume('a'),
        status: 'COMPLETED',
        creationDate: NOW,
        backupPlanId: 'orgs/p1',
        backupPlanName: 'daily',
      },
      {
        arn: 'rp-2',
        resourceArn: volume('a'),
        status: 'PARTIAL',
        creationDate: NOW,
        backupPlanId: 'team-plan',
        backupPlanName: null,
      },
    ]);
  });

  it('reports absent things as absent, not as failures', async () => {
    serveHealthyAccount();
    backup.on(DescribeBackupVaultCommand).rejects(notFound('vault'));
    organizations
      .on(DescribeEffectivePolicyCommand)
      .rejects(new EffectivePolicyNotFoundException({ message: 'none', $metadata: {} }));
    iam.on(GetRoleCommand).rejects(new NoSuchEntityException({ message: 'no role', $metadata: {} }));
    const observed = await observeTarget(testFactory(), desiredState(), TARGET, NOW);
    expect(observed.reachability).toEqual({ ok: true });
    expect(observed.vault).toBeNull();
    expect(observed.effectivePolicy).toBeNull();
    expect(observed.backupRole).toEqual({ exists: false, trustsBackup: false, attachedPolicyArns: [] });
    expect(observed.keys).toEqual([]);
    expect(iam).toHaveReceivedCommandTimes(ListAttachedRolePoliciesCommand, 0);
  });

  it('reads the central vault and its access policy only where it lives (one Region, or each when perRegion)', async () => {
    serveHealthyAccount();
    const central = {
      accountId: CENTRAL,
      region: HOME,
      name: 'central-vault',
      arn: `arn:aws:backup:${HOME}:${CENTRAL}:backup-vault:central-vault`,
      deleteAfterDays: 35,
    };
    backup.on(GetBackupVaultAccessPolicyCommand).resolves({ Policy: '{"Statement":[]}' });
    const desired = desiredState({ centralVault: central });

    const elsewhere = await observeTarget(testFactory(), desired, TARGET, NOW);
    expect(elsewhere.centralVault).toBeUndefined();
    expect(backup).toHaveReceivedCommandTimes(GetBackupVaultAccessPolicyCommand, 0);

    const here = await observeTarget(testFactory(), desired, { accountId: CENTRAL, region: HOME }, NOW);
    expect(here.centralVault?.accessPolicy).toBe('{"Statement":[]}');
    expect(backup).toHaveReceivedCommandWith(DescribeBackupVaultCommand, {
      BackupVaultName: 'central-vault',
    });
    expect(backup).toHaveReceivedCommandWith(GetBackupVaultAccessPolicyCommand, {
      BackupVaultName: 'central-vault',
    });

    const perRegion = desiredState({
      regions: [HOME, 'us-east-1'],
      centralVault: { ...central, perRegion: true },
    });
    await observeTarget(testFactory(), perRegion, { accountId: CENTRAL, region: 'us-east-1' }, NOW);
    expect(backup).toHaveReceivedCommandTimes(GetBackupVaultAccessPolicyCommand, 2);

    backup.on(GetBackupVaultAccessPolicyCommand).rejects(notFound('policy'));
    const withoutPolicy = await observeTarget(
      testFactory(),
      desired,
      { accountId: CENTRAL, region: HOME },
      NOW,
    );
    expect(withoutPolicy.centralVault?.accessPolicy).toBeNull();
  });

  it('checks event forwarding only when desired: rule, bus target and role', async () => {
    serveHealthyAccount();
    const busArn = `arn:aws:events:${HOME}:${MANAGEMENT}:event-bus/org-backup`;
    events.on(DescribeRuleCommand).resolves({ Name: 'fwd', State: 'DISABLED', EventPattern: '{}' });
    events.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: 't', Arn: busArn }] });
    const desired = desiredState({
      eventForwarding: { ruleName: 'fwd', busArn, roleName: 'FwdRole', eventPattern: '{}' },
    });
    const observed = await observeTarget(testFactory(), desired, TARGET, NOW);
    expect(observed.eventForwarding).toEqual({
      ruleExists: true,
      targetsBus: true,
      roleExists: true,
      ruleState: 'DISABLED',
      eventPattern: '{}',
    });
    expect(events).toHaveReceivedCommandWith(DescribeRuleCommand, { Name: 'fwd', EventBusName: 'default' });
    expect(iam).toHaveReceivedCommandWith(GetRoleCommand, { RoleName: 'FwdRole' });

    events.on(DescribeRuleCommand).rejects(notFound('rule'));
    const missing = await observeTarget(testFactory(), desired, TARGET, NOW);
    expect(missing.eventForwarding.ruleExists).toBe(false);
    expect(missing.eventForwarding.targetsBus).toBe(false);
  });

  it('reports an undescribable key as Unavailable instead of failing the target', async () => {
    serveHealthyAccount();
    kms.on(DescribeKeyCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
    const observed = await observeTarget(testFactory(), desiredState(), TARGET, NOW);
    expect(observed.reachability.ok).toBe(true);
    expect(observed.keys).toEqual([
      {
        arn: VAULT_KEY,
        state: 'Unavailable',
        manager: 'CUSTOMER',
        backupRoleHasGrant: false,
        usedBy: 'vault',
      },
    ]);
  });

  it("also reads the keys that failed jobs name, in the key's own Region, once per key", async () => {
    serveHealthyAccount();
    const resourceKey = `arn:aws:kms:us-west-2:${MEMBER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const failed = (id: string) => ({
      BackupJobId: id,
      ResourceArn: volume(id),
      State: 'FAILED' as const,
      CreationDate: NOW,
      StatusMessage: `The given key ID is not accessible: ${resourceKey}`,
    });
    backup.on(ListBackupJobsCommand).resolves({ BackupJobs: [failed('j1'), failed('j2')] });
    kms.on(DescribeKeyCommand, { KeyId: resourceKey }).resolves({
      KeyMetadata: { KeyId: 'k', Arn: resourceKey, KeyState: 'Enabled', KeyManager: 'CUSTOMER' },
    });
    kms.on(ListGrantsCommand, { KeyId: resourceKey }).resolves({ Grants: [], Truncated: false });

    const observed = await observeTarget(testFactory(), desiredState(), TARGET, NOW);

    expect(observed.keys.map((key) => [key.arn, key.usedBy, key.backupRoleHasGrant])).toEqual([
      [VAULT_KEY, 'vault', true],
      [resourceKey, 'resource', false],
    ]);
    expect(kms).toHaveReceivedCommandTimes(DescribeKeyCommand, 2);
    const regions = await Promise.all(kms.calls().map((call) => call.thisValue.config.region()));
    expect(new Set(regions)).toEqual(new Set([HOME, 'us-west-2']));
  });

  it('does not ask for grants on AWS managed keys', async () => {
    serveHealthyAccount();
    kms
      .on(DescribeKeyCommand)
      .resolves({ KeyMetadata: { KeyId: 'k', Arn: VAULT_KEY, KeyManager: 'AWS', KeyState: 'Enabled' } });
    const observed = await observeTarget(testFactory(), desiredState(), TARGET, NOW);
    expect(observed.keys[0]?.backupRoleHasGrant).toBe(true);
    expect(kms).toHaveReceivedCommandTimes(ListGrantsCommand, 0);
  });

  it('turns a terminal failure into OBSERVATION_FAILED without throwing', async () => {
    serveHealthyAccount();
    backup
      .on(DescribeRegionSettingsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const observed = await observeTarget(testFactory(), desiredState(), TARGET, NOW);
    expect(observed.reachability).toMatchObject({ ok: false, reason: 'OBSERVATION_FAILED' });
    expect(observed.reachability.ok === false && observed.reachability.message).toContain('Rate exceeded');
    expect(observed.resources).toEqual([]);
  });

  it('only sends commands whose IAM actions are in READ_PERMISSIONS', async () => {
    serveHealthyAccount();
    events.on(DescribeRuleCommand).resolves({ Name: 'fwd' });
    events.on(ListTargetsByRuleCommand).resolves({ Targets: [] });
    const desired = desiredState({
      eventForwarding: { ruleName: 'fwd', busArn: 'arn:bus', roleName: 'FwdRole', eventPattern: '{}' },
    });
    await observeTarget(testFactory(), desired, TARGET, NOW);
    const sent = [
      ...backup.calls().map((call) => `backup:${call.args[0].constructor.name}`),
      ...tagging.calls().map((call) => `tag:${call.args[0].constructor.name}`),
      ...organizations.calls().map((call) => `organizations:${call.args[0].constructor.name}`),
      ...iam.calls().map((call) => `iam:${call.args[0].constructor.name}`),
      ...events.calls().map((call) => `events:${call.args[0].constructor.name}`),
      ...kms.calls().map((call) => `kms:${call.args[0].constructor.name}`),
      ...ec2.calls().map((call) => `ec2:${call.args[0].constructor.name}`),
    ].map((action) => action.replace(/Command$/, ''));
    expect(new Set(sent).size).toBe(14);
    for (const action of sent) expect(READ_PERMISSIONS).toContain(action);
  });
});

describe('trustsServicePrincipal', () => {
  it.each([
    { document: BACKUP_TRUST, expected: true, why: 'the URL-encoded document GetRole returns' },
    {
      document: encodeURIComponent(
        JSON.stringify({
          Statement: {
            Effect: 'Allow',
            Principal: { Service: ['ec2.amazonaws.com'] },
            Action: ['sts:AssumeRole'],
          },
        }),
      ),
      expected: false,
      why: 'trusts another service only',
    },
    {
      document: encodeURIComponent(
        JSON.stringify({
          Statement: [
            { Effect: 'Deny', Principal: { Service: 'backup.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      ),
      expected: false,
      why: 'a Deny statement is not trust',
    },
    { document: '%7Bnot json', expected: false, why: 'an unreadable document trusts nobody' },
    { document: undefined, expected: false, why: 'no document at all' },
  ])('$why', ({ document, expected }) => {
    expect(trustsServicePrincipal(document, 'backup.amazonaws.com')).toBe(expected);
  });
});
