import {
  AlreadyExistsException,
  BackupClient,
  CreateBackupVaultCommand,
  DescribeRegionSettingsCommand,
  PutBackupVaultAccessPolicyCommand,
  PutBackupVaultLockConfigurationCommand,
  UpdateGlobalSettingsCommand,
  UpdateRegionSettingsCommand,
} from '@aws-sdk/client-backup';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateGrantCommand, DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  AttachPolicyCommand,
  ConcurrentModificationException,
  CreatePolicyCommand,
  DetachPolicyCommand,
  DuplicatePolicyAttachmentException,
  EnablePolicyTypeCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  OrganizationsClient,
  PolicyTypeAlreadyEnabledException,
  UpdatePolicyCommand,
} from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { applyActions } from '../../shared/aws/executor.js';
import { ACTION_CATALOG, ACTION_KINDS } from '../../shared/domain/actions.js';
import type { Action, ActionKind, ActionSpec } from '../../shared/domain/model.js';
import { HOME, MANAGEMENT, MEMBER, testFactory } from './support.js';

const organizations = mockClient(OrganizationsClient);
const backup = mockClient(BackupClient);
const iam = mockClient(IAMClient);
const kms = mockClient(KMSClient);
const events = mockClient(EventBridgeClient);
// The stubs sit on the clients' prototypes: later test files in the same worker get the real `send`.
afterAll(() => {
  for (const mock of [organizations, backup, iam, kms, events]) mock.restore();
});
const mocks = [organizations, backup, iam, kms, events];

const NOW = new Date('2026-03-04T00:00:00Z');
const KEY = `arn:aws:kms:${HOME}:${MEMBER}:key/k-1`;
const sleeps: number[] = [];
const sleep = async (ms: number) => void sleeps.push(ms);
const enforce = { mode: 'enforce' as const, now: NOW, organizationId: 'o-abc123', sleep };

function action(spec: ActionSpec, overrides: Partial<Action> = {}): Action {
  const info = ACTION_CATALOG[spec.kind];
  return {
    spec,
    scope: info.scope,
    accountId: info.runsIn === 'management' ? MANAGEMENT : MEMBER,
    region: HOME,
    target: spec.kind,
    reason: 'test',
    permissions: info.permissions,
    applied: false,
    ...overrides,
  };
}

const totalCalls = () => mocks.reduce((sum, mock) => sum + mock.calls().length, 0);

beforeEach(() => {
  for (const mock of mocks) mock.reset();
  sleeps.length = 0;
  organizations.on(ListRootsCommand).resolves({
    Roots: [{ Id: 'r-abcd', PolicyTypes: [{ Type: 'BACKUP_POLICY', Status: 'ENABLED' }] }],
  });
  backup.on(DescribeRegionSettingsCommand).resolves({ ResourceTypeOptInPreference: {} });
});

/** One example of every kind, with the calls it must make: a new kind without a row fails the last test. */
const MAPPINGS: { spec: ActionSpec; expect: () => void }[] = [
  {
    spec: { kind: 'EnablePolicyType', rootId: 'r-abcd' },
    expect: () => {
      expect(organizations).toHaveReceivedCommandWith(EnablePolicyTypeCommand, {
        RootId: 'r-abcd',
        PolicyType: 'BACKUP_POLICY',
      });
      expect(organizations).toHaveReceivedCommand(ListRootsCommand);
    },
  },
  {
    spec: { kind: 'CreatePolicy', name: 'org-backup', description: 'Managed', content: '{"plans":{}}' },
    expect: () =>
      expect(organizations).toHaveReceivedCommandWith(CreatePolicyCommand, {
        Name: 'org-backup',
        Description: 'Managed',
        Content: '{"plans":{}}',
        Type: 'BACKUP_POLICY',
        Tags: expect.arrayContaining([{ Key: 'managed-by', Value: 'org-backup-controller' }]),
      }),
  },
  {
    spec: { kind: 'UpdatePolicy', policyId: 'p-12345678', content: '{"plans":{"a":{}}}' },
    expect: () =>
      expect(organizations).toHaveReceivedCommandWith(UpdatePolicyCommand, {
        PolicyId: 'p-12345678',
        Content: '{"plans":{"a":{}}}',
      }),
  },
  {
    spec: {
      kind: 'AttachPolicy',
      policyName: 'org-backup',
      policyId: 'p-12345678',
      targetId: 'ou-ab-12345678',
    },
    expect: () =>
      expect(organizations).toHaveReceivedCommandWith(AttachPolicyCommand, {
        PolicyId: 'p-12345678',
        TargetId: 'ou-ab-12345678',
      }),
  },
  {
    spec: { kind: 'DetachPolicy', policyId: 'p-12345678', targetId: MEMBER },
    expect: () =>
      expect(organizations).toHaveReceivedCommandWith(DetachPolicyCommand, {
        PolicyId: 'p-12345678',
        TargetId: MEMBER,
      }),
  },
  {
    spec: { kind: 'EnableCrossAccountBackup' },
    expect: () =>
      expect(backup).toHaveReceivedCommandWith(UpdateGlobalSettingsCommand, {
        GlobalSettings: { isCrossAccountBackupEnabled: 'true' },
      }),
  },
  {
    spec: { kind: 'CreateBackupVault', vaultName: 'org-vault', kmsKey: { type: 'arn', arn: KEY } },
    expect: () =>
      expect(backup).toHaveReceivedCommandWith(CreateBackupVaultCommand, {
        BackupVaultName: 'org-vault',
        EncryptionKeyArn: KEY,
        CreatorRequestId: 'orgbackup-org-vault',
      }),
  },
  {
    spec: { kind: 'PutVaultLock', vaultName: 'org-vault', minRetentionDays: 7, maxRetentionDays: 365 },
    expect: () =>
      expect(backup).toHaveReceivedCommandWith(PutBackupVaultLockConfigurationCommand, {
        BackupVaultName: 'org-vault',
        MinRetentionDays: 7,
        MaxRetentionDays: 365,
      }),
  },
  {
    spec: { kind: 'PutVaultAccessPolicy', vaultName: 'central', policy: '{"Statement":[]}' },
    expect: () =>
      expect(backup).toHaveReceivedCommandWith(PutBackupVaultAccessPolicyCommand, {
        BackupVaultName: 'central',
        Policy: '{"Statement":[]}',
      }),
  },
  {
    spec: { kind: 'EnableRegionOptIn', resourceTypes: ['EBS'] },
    expect: () =>
      expect(backup).toHaveReceivedCommandWith(UpdateRegionSettingsCommand, {
        ResourceTypeOptInPreference: { EBS: true },
      }),
  },
  {
    spec: { kind: 'EnableAdvancedDynamoDbBackup' },
    expect: () =>
      expect(backup).toHaveReceivedCommandWith(UpdateRegionSettingsCommand, {
        ResourceTypeOptInPreference: { DynamoDB: true },
        ResourceTypeManagementPreference: { DynamoDB: true },
      }),
  },
  {
    spec: {
      kind: 'CreateKmsGrant',
      keyArn: KEY,
      granteePrincipal: `arn:aws:iam::${MEMBER}:role/OrgBackupRole`,
      grantName: 'org-backup-role',
      operations: ['Decrypt', 'GenerateDataKey'],
    },
    expect: () =>
      expect(kms).toHaveReceivedCommandWith(CreateGrantCommand, {
        KeyId: KEY,
        GranteePrincipal: `arn:aws:iam::${MEMBER}:role/OrgBackupRole`,
        Name: 'org-backup-role',
        Operations: ['Decrypt', 'GenerateDataKey'],
      }),
  },
];

describe('applyActions', () => {
  it.each(MAPPINGS.map((row) => ({ ...row, kind: row.spec.kind })))(
    '$kind maps to its calls',
    async (row) => {
      const [result] = await applyActions(testFactory(), [action(row.spec)], enforce);
      expect(result).toMatchObject({ applied: true });
      expect(result?.error).toBeUndefined();
      row.expect();
    },
  );

  it('has a mapping row for every action kind in the catalog', () => {
    const covered = new Set<ActionKind>(MAPPINGS.map((row) => row.spec.kind));
    expect(ACTION_KINDS.filter((kind) => !covered.has(kind))).toEqual([]);
  });

  it('never writes IAM or EventBridge: roles and forwarding belong to the deployed baseline', async () => {
    await applyActions(
      testFactory(),
      MAPPINGS.map((row) => action(row.spec)),
      enforce,
    );
    expect(iam.calls()).toEqual([]);
    expect(events.calls()).toEqual([]);
    expect(totalCalls()).toBeGreaterThan(MAPPINGS.length);
  });

  it('makes zero calls in audit mode and returns the actions unchanged', async () => {
    const actions = MAPPINGS.map((row) => action(row.spec));
    const results = await applyActions(testFactory(), actions, { ...enforce, mode: 'audit' });
    expect(results).toEqual(actions);
    expect(totalCalls()).toBe(0);
  });

  it('never executes a blocked action', async () => {
    const blocked = action(
      { kind: 'PutVaultLock', vaultName: 'v', changeableForDays: 3 },
      { blocked: { by: 'IRREVERSIBLE_LOCK', message: 'not allowed' } },
    );
    const [result] = await applyActions(testFactory(), [blocked], enforce);
    expect(result).toEqual(blocked);
    expect(totalCalls()).toBe(0);
  });

  it.each([
    {
      name: 'AlreadyExistsException',
      setup: () =>
        backup
          .on(CreateBackupVaultCommand)
          .rejects(new AlreadyExistsException({ message: 'x', $metadata: {} })),
      spec: { kind: 'CreateBackupVault', vaultName: 'v', kmsKey: { type: 'aws-managed' } } as ActionSpec,
    },
    {
      name: 'DuplicatePolicyAttachmentException',
      setup: () =>
        organizations
          .on(AttachPolicyCommand)
          .rejects(new DuplicatePolicyAttachmentException({ message: 'x', $metadata: {} })),
      spec: {
        kind: 'AttachPolicy',
        policyName: 'p',
        policyId: 'p-12345678',
        targetId: 'r-abcd',
      } as ActionSpec,
    },
    {
      name: 'PolicyTypeAlreadyEnabledException',
      setup: () =>
        organizations
          .on(EnablePolicyTypeCommand)
          .rejects(new PolicyTypeAlreadyEnabledException({ message: 'x', $metadata: {} })),
      spec: { kind: 'EnablePolicyType', rootId: 'r-abcd' } as ActionSpec,
    },
  ])('counts $name as applied', async ({ setup, spec }) => {
    setup();
    const [result] = await applyActions(testFactory(), [action(spec)], enforce);
    expect(result).toMatchObject({ applied: true });
    expect(result?.error).toBeUndefined();
  });

  it('retries a concurrent modification with the injected sleep, then applies', async () => {
    organizations
      .on(AttachPolicyCommand)
      .rejectsOnce(new ConcurrentModificationException({ message: 'busy', $metadata: {} }))
      .resolves({});
    const [result] = await applyActions(
      testFactory(),
      [action({ kind: 'AttachPolicy', policyName: 'p', policyId: 'p-12345678', targetId: 'r-abcd' })],
      enforce,
    );
    expect(result?.applied).toBe(true);
    expect(organizations).toHaveReceivedCommandTimes(AttachPolicyCommand, 2);
    expect(sleeps).toEqual([1000]);
  });

  it('records a failure on the action and carries on with the next one', async () => {
    backup
      .on(PutBackupVaultAccessPolicyCommand)
      .rejects(Object.assign(new Error('bad policy'), { name: 'InvalidParameterValueException' }));
    const results = await applyActions(
      testFactory(),
      [
        action({ kind: 'PutVaultAccessPolicy', vaultName: 'v', policy: '{' }),
        action({ kind: 'EnableCrossAccountBackup' }),
      ],
      enforce,
    );
    expect(results[0]).toMatchObject({
      applied: false,
      error: { code: 'InvalidParameterValueException', message: 'bad policy' },
    });
    expect(results[1]).toMatchObject({ applied: true });
  });

  it('resolves a missing policy id by name once per run', async () => {
    organizations.on(ListPoliciesCommand).resolves({ Policies: [{ Id: 'p-owned000', Name: 'org-backup' }] });
    const attach = (targetId: string) => action({ kind: 'AttachPolicy', policyName: 'org-backup', targetId });
    const results = await applyActions(testFactory(), [attach('r-abcd'), attach('ou-ab-12345678')], enforce);
    expect(results.every((result) => result.applied)).toBe(true);
    expect(organizations).toHaveReceivedCommandTimes(ListPoliciesCommand, 1);
    expect(organizations).toHaveReceivedCommandWith(AttachPolicyCommand, {
      PolicyId: 'p-owned000',
      TargetId: 'ou-ab-12345678',
    });
  });

  it('fails AttachPolicy by name when no such policy exists', async () => {
    organizations.on(ListPoliciesCommand).resolves({ Policies: [] });
    const [result] = await applyActions(
      testFactory(),
      [action({ kind: 'AttachPolicy', policyName: 'org-backup', targetId: 'r-abcd' })],
      enforce,
    );
    expect(result).toMatchObject({ applied: false, error: { code: 'PolicyNotFoundException' } });
    expect(organizations).toHaveReceivedCommandTimes(AttachPolicyCommand, 0);
  });

  it('polls ListRoots until the policy type is ENABLED, sleeping between polls', async () => {
    organizations
      .on(ListRootsCommand)
      .resolvesOnce({
        Roots: [{ Id: 'r-abcd', PolicyTypes: [{ Type: 'BACKUP_POLICY', Status: 'PENDING_ENABLE' }] }],
      })
      .resolvesOnce({
        Roots: [{ Id: 'r-abcd', PolicyTypes: [{ Type: 'BACKUP_POLICY', Status: 'PENDING_ENABLE' }] }],
      })
      .resolves({ Roots: [{ Id: 'r-abcd', PolicyTypes: [{ Type: 'BACKUP_POLICY', Status: 'ENABLED' }] }] });
    const [result] = await applyActions(
      testFactory(),
      [action({ kind: 'EnablePolicyType', rootId: 'r-abcd' })],
      enforce,
    );
    expect(result?.applied).toBe(true);
    expect(organizations).toHaveReceivedCommandTimes(ListRootsCommand, 3);
    expect(sleeps).toHaveLength(2);
  });

  it('gives up polling after a bounded number of tries and says why', async () => {
    organizations.on(ListRootsCommand).resolves({ Roots: [{ Id: 'r-abcd', PolicyTypes: [] }] });
    const [result] = await applyActions(
      testFactory(),
      [action({ kind: 'EnablePolicyType', rootId: 'r-abcd' })],
      enforce,
    );
    expect(result).toMatchObject({ applied: false, error: { code: 'POLICY_TYPE_NOT_YET_ENABLED' } });
    expect(organizations.commandCalls(ListRootsCommand).length).toBeLessThanOrEqual(12);
  });

  it.each([
    {
      kmsKey: { type: 'aws-managed' } as const,
      expected: undefined,
      why: 'omitting the key means the AWS managed key',
    },
    {
      kmsKey: { type: 'alias', alias: 'backup' } as const,
      expected: KEY,
      why: 'an alias is resolved to its key ARN',
    },
    {
      kmsKey: { type: 'alias', alias: 'alias/backup' } as const,
      expected: KEY,
      why: 'an alias/ prefix is accepted',
    },
  ])('CreateBackupVault: $why', async ({ kmsKey, expected }) => {
    kms
      .on(DescribeKeyCommand, { KeyId: 'alias/backup' })
      .resolves({ KeyMetadata: { KeyId: 'k-1', Arn: KEY } });
    await applyActions(
      testFactory(),
      [action({ kind: 'CreateBackupVault', vaultName: 'v', kmsKey })],
      enforce,
    );
    expect(backup.commandCalls(CreateBackupVaultCommand)[0]?.args[0].input.EncryptionKeyArn).toBe(expected);
  });

  it('EnableRegionOptIn writes the full merged map, keeping other types and the management map', async () => {
    backup.on(DescribeRegionSettingsCommand).resolves({
      ResourceTypeOptInPreference: { EBS: false, S3: false, RDS: true },
      ResourceTypeManagementPreference: { DynamoDB: true },
    });
    await applyActions(
      testFactory(),
      [action({ kind: 'EnableRegionOptIn', resourceTypes: ['EBS', 'S3'] })],
      enforce,
    );
    expect(backup).toHaveReceivedCommandWith(UpdateRegionSettingsCommand, {
      ResourceTypeOptInPreference: { EBS: true, S3: true, RDS: true },
      ResourceTypeManagementPreference: { DynamoDB: true },
    });
  });

  it('EnableAdvancedDynamoDbBackup merges DynamoDB: true into both maps, keeping every other type', async () => {
    backup.on(DescribeRegionSettingsCommand).resolves({
      ResourceTypeOptInPreference: { EBS: false, DynamoDB: false, RDS: true },
      ResourceTypeManagementPreference: { DynamoDB: false, EFS: true },
    });
    await applyActions(testFactory(), [action({ kind: 'EnableAdvancedDynamoDbBackup' })], enforce);
    expect(backup).toHaveReceivedCommandWith(UpdateRegionSettingsCommand, {
      ResourceTypeOptInPreference: { EBS: false, DynamoDB: true, RDS: true },
      ResourceTypeManagementPreference: { DynamoDB: true, EFS: true },
    });
  });

  it('sends org actions through the management account and target actions through the member', async () => {
    await applyActions(
      testFactory(),
      [
        action({ kind: 'EnableCrossAccountBackup' }),
        action({ kind: 'PutVaultAccessPolicy', vaultName: 'v', policy: '{}' }),
      ],
      enforce,
    );
    const accountOf = async (call: { thisValue: BackupClient }) => {
      const credentials = await call.thisValue.config.credentials();
      return credentials.accessKeyId;
    };
    const [globalCall] = backup.commandCalls(UpdateGlobalSettingsCommand);
    expect(globalCall && (await accountOf(globalCall as never))).toBe(`AKIA-${MANAGEMENT}`);
    const [memberCall] = backup.commandCalls(PutBackupVaultAccessPolicyCommand);
    // The member client's credentials come from the assume-role provider, not the management identity.
    expect(memberCall?.thisValue).not.toBe(globalCall?.thisValue);
  });
});
