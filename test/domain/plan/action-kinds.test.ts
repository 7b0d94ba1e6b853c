import { describe, expect, it } from 'vitest';
import { ACTION_CATALOG, ACTION_KINDS } from '../../../shared/domain/actions.js';
import type { Action, ActionKind } from '../../../shared/domain/model.js';
import { planOrg } from '../../../shared/domain/plan/plan-org.js';
import { planTarget } from '../../../shared/domain/plan/plan-target.js';
import {
  CENTRAL_ACCOUNT,
  CENTRAL_VAULT,
  desiredState,
  desiredWithCentralCopy,
  EVENT_FORWARDING,
  HOME_REGION,
  MANAGEMENT_ACCOUNT,
  MEMBER_ACCOUNT,
  NOW,
  ROOT_ID,
} from '../fixtures/desired.js';
import {
  compliantOrg,
  compliantTarget,
  dynamoTableArn,
  ebsVolumeArn,
  job,
  keyArn,
  selectedResource,
} from '../fixtures/observed.js';

const central = { accountId: CENTRAL_ACCOUNT, region: HOME_REGION };
const withForwarding = desiredState({ eventForwarding: EVENT_FORWARDING });
const plain = desiredState();
const restoreTesting = desiredState({
  restoreTesting: {
    planName: 'orgbackup_restore_tests',
    schedule: 'cron(0 5 ? * * *)',
    resourceTypes: ['EBS'],
    windowDays: 30,
    maxRestoresPerDay: 10,
    metadataOverrides: {},
  },
});
const volumeToTest = (testing: NonNullable<Parameters<typeof compliantTarget>[2]>['restoreTesting']) =>
  compliantTarget(restoreTesting, undefined, {
    resources: [selectedResource(restoreTesting, ebsVolumeArn())],
    ...(testing ? { restoreTesting: testing } : {}),
  });
const ebsSelection = {
  planName: 'orgbackup_restore_tests',
  selectionName: 'orgbackup_EBS',
  resourceType: 'EBS',
  iamRoleArn: `arn:aws:iam::${MEMBER_ACCOUNT}:role/OrgBackupRole`,
  tagKey: 'BackupEnabled',
  tagValue: 'True',
  metadataOverrides: {},
};
const withLock = desiredState({
  vault: { ...plain.vault, lock: { mode: 'governance', minRetentionDays: 7, maxRetentionDays: 365 } },
});

/** One row per action kind: the smallest drift from a compliant state that makes the planner emit it. */
interface Row {
  kind: ActionKind;
  why: string;
  plan: () => Action[];
  spec: Record<string, unknown>;
  at: string;
  /** The whole plan's kinds when the drift needs more than this one action. */
  planned?: ActionKind[];
}

const rows: Row[] = [
  {
    kind: 'EnablePolicyType',
    why: 'attaching a backup policy fails until the policy type is enabled on the root',
    plan: () => planOrg(plain, compliantOrg(plain, { backupPolicyType: 'DISABLED' })).actions,
    spec: { rootId: ROOT_ID },
    at: MANAGEMENT_ACCOUNT,
  },
  {
    kind: 'CreatePolicy',
    why: 'the controller-owned policy was deleted',
    plan: () => planOrg(plain, compliantOrg(plain, { backupPolicies: [] })).actions,
    spec: { name: plain.policy.name, description: plain.policy.description, content: plain.policy.content },
    at: MANAGEMENT_ACCOUNT,
    planned: ['CreatePolicy', 'AttachPolicy'],
  },
  {
    kind: 'UpdatePolicy',
    why: 'someone edited the policy content in the console',
    plan: () => {
      const org = compliantOrg(plain);
      const edited = { ...org.backupPolicies[0]!, content: '{"plans":{}}' };
      return planOrg(plain, { ...org, backupPolicies: [edited] }).actions;
    },
    spec: { policyId: 'p-ours0001', content: plain.policy.content },
    at: MANAGEMENT_ACCOUNT,
  },
  {
    kind: 'AttachPolicy',
    why: 'the policy was detached from the root the config names',
    plan: () => {
      const org = compliantOrg(plain);
      return planOrg(plain, { ...org, backupPolicies: [{ ...org.backupPolicies[0]!, targets: [] }] }).actions;
    },
    spec: { policyName: plain.policy.name, policyId: 'p-ours0001', targetId: ROOT_ID },
    at: MANAGEMENT_ACCOUNT,
  },
  {
    kind: 'DetachPolicy',
    why: 'the config no longer lists an OU the policy is attached to',
    plan: () => {
      const org = compliantOrg(plain);
      const ours = org.backupPolicies[0]!;
      return planOrg(plain, { ...org, backupPolicies: [{ ...ours, targets: [...ours.targets, 'ou-gone'] }] })
        .actions;
    },
    spec: { policyId: 'p-ours0001', targetId: 'ou-gone' },
    at: MANAGEMENT_ACCOUNT,
  },
  {
    kind: 'EnableCrossAccountBackup',
    why: 'copies into the central vault need cross-account backup on',
    plan: () => {
      const desired = desiredWithCentralCopy();
      return planOrg(desired, compliantOrg(desired, { crossAccountBackupEnabled: false })).actions;
    },
    spec: {},
    at: MANAGEMENT_ACCOUNT,
  },
  {
    kind: 'CreateBackupVault',
    why: 'the vault the policy targets is missing and jobs would fail',
    plan: () => planTarget(plain, compliantTarget(plain, undefined, { vault: null }), NOW),
    spec: { vaultName: plain.vault.name, kmsKey: { type: 'aws-managed' } },
    at: MEMBER_ACCOUNT,
  },
  {
    kind: 'PutVaultLock',
    why: 'the configured governance lock is not on the vault',
    plan: () => {
      const observed = compliantTarget(withLock);
      return planTarget(withLock, { ...observed, vault: { ...observed.vault!, locked: false } }, NOW);
    },
    spec: { vaultName: plain.vault.name, minRetentionDays: 7, maxRetentionDays: 365 },
    at: MEMBER_ACCOUNT,
  },
  {
    kind: 'PutVaultAccessPolicy',
    why: 'the central vault has no policy letting the organization copy in',
    plan: () => {
      const desired = desiredWithCentralCopy();
      const observed = compliantTarget(desired, central);
      return planTarget(
        desired,
        { ...observed, centralVault: { ...observed.centralVault!, accessPolicy: null } },
        NOW,
      );
    },
    spec: { vaultName: CENTRAL_VAULT.name },
    at: CENTRAL_ACCOUNT,
  },
  {
    kind: 'EnableRegionOptIn',
    why: 'tag-only selections silently skip a type whose opt-in is off',
    plan: () =>
      planTarget(
        plain,
        compliantTarget(plain, undefined, {
          resources: [selectedResource(plain, ebsVolumeArn())],
          regionOptIn: { EBS: false },
        }),
        NOW,
      ),
    spec: { resourceTypes: ['EBS'] },
    at: MEMBER_ACCOUNT,
  },
  {
    kind: 'EnableAdvancedDynamoDbBackup',
    why: 'policy-created DynamoDB backups get no copies or cold storage without it',
    plan: () =>
      planTarget(
        plain,
        compliantTarget(plain, undefined, {
          resources: [selectedResource(plain, dynamoTableArn())],
          regionManagement: { DynamoDB: false },
        }),
        NOW,
      ),
    spec: {},
    at: MEMBER_ACCOUNT,
  },
  {
    kind: 'CreateKmsGrant',
    why: 'kmsGrants: manage, and the policy of a tagged bucket key does not allow the backup role',
    plan: () => {
      const manage = desiredState({ kmsGrants: 'manage' });
      const observed = compliantTarget(manage);
      const cmk = {
        arn: keyArn(undefined, 'key-data'),
        state: 'Enabled',
        manager: 'CUSTOMER',
        backupRoleHasGrant: false,
        usedBy: 'resource',
        encrypts: 'S3',
      } as const;
      return planTarget(manage, { ...observed, keys: [...observed.keys, cmk] }, NOW);
    },
    spec: {
      keyArn: keyArn(undefined, 'key-data'),
      granteePrincipal: `arn:aws:iam::${MEMBER_ACCOUNT}:role/OrgBackupRole`,
      grantName: 'org-backup-controller-OrgBackupRole',
      operations: ['Decrypt', 'DescribeKey'],
    },
    at: MEMBER_ACCOUNT,
  },
  {
    kind: 'CreateServiceLinkedRole',
    why: "a member's copy failed naming AWSServiceRoleForBackup, which the central account lacks",
    plan: () => {
      const desired = desiredWithCentralCopy();
      const observed = compliantTarget(desired);
      return planTarget(
        desired,
        {
          ...observed,
          serviceLinkedRole: { accountId: CENTRAL_ACCOUNT, exists: false },
          jobs: [
            job({
              kind: 'COPY',
              resourceArn: ebsVolumeArn(),
              state: 'FAILED',
              statusMessage: `AWS Backup could not use the service-linked role AWSServiceRoleForBackup in the destination account ${CENTRAL_ACCOUNT}.`,
            }),
          ],
        },
        NOW,
      );
    },
    spec: { serviceName: 'backup.amazonaws.com' },
    at: CENTRAL_ACCOUNT,
  },
  {
    kind: 'CreateRestoreTestingPlan',
    why: 'restoreTesting is configured and no plan restores the backups of this account and Region',
    plan: () =>
      planTarget(
        restoreTesting,
        volumeToTest({ plan: null, selections: [], serviceLinkedRole: false, jobs: [] }),
        NOW,
      ),
    spec: {
      planName: 'orgbackup_restore_tests',
      schedule: 'cron(0 5 ? * * *)',
      windowDays: 30,
      vaultArn: `arn:aws:backup:${HOME_REGION}:${MEMBER_ACCOUNT}:backup-vault:${restoreTesting.vault.name}`,
    },
    at: MEMBER_ACCOUNT,
    planned: ['CreateRestoreTestingPlan', 'CreateRestoreTestingSelection'],
  },
  {
    kind: 'CreateRestoreTestingSelection',
    why: 'the plan exists, but no selection restores the tagged EBS volumes',
    plan: () =>
      planTarget(
        restoreTesting,
        volumeToTest({
          plan: {
            name: 'orgbackup_restore_tests',
            arn: 'arn:plan',
            schedule: 'cron(0 5 ? * * *)',
            lastRun: null,
          },
          selections: [],
          serviceLinkedRole: true,
          jobs: [],
        }),
        NOW,
      ),
    spec: ebsSelection,
    at: MEMBER_ACCOUNT,
  },
];

describe('planner: one row per action kind', () => {
  it('covers every kind in ACTION_CATALOG', () => {
    expect(rows.map((row) => row.kind).sort()).toEqual([...ACTION_KINDS].sort());
  });

  it.each(rows)('$kind — $why', ({ kind, plan, spec, at, planned }) => {
    const actions = plan();
    expect(actions.map((action) => action.spec.kind)).toEqual(planned ?? [kind]);
    const action = actions.find((candidate) => candidate.spec.kind === kind);
    expect(action!.spec).toEqual({
      kind,
      ...spec,
      ...(kind === 'PutVaultAccessPolicy' ? { policy: expect.any(String) } : {}),
    });
    expect(action!.permissions).toEqual(ACTION_CATALOG[kind].permissions);
    expect(action!.scope).toBe(ACTION_CATALOG[kind].scope);
    expect(action!.accountId).toBe(at);
    expect(action!.applied).toBe(false);
    expect(action!.blocked).toBeUndefined();
    expect(action!.reason.length).toBeGreaterThan(10);
    expect(action!.target.length).toBeGreaterThan(0);
  });
});

describe('planner: what the member baseline owns is verified, never written', () => {
  const observed = compliantTarget(withForwarding);
  it.each([
    {
      why: 'the backup role is missing',
      drift: { backupRole: { exists: false, trustsBackup: false, attachedPolicyArns: [] } },
    },
    {
      why: 'the backup role does not trust AWS Backup',
      drift: { backupRole: { ...observed.backupRole, trustsBackup: false } },
    },
    {
      why: 'the backup role lacks the S3 managed policy',
      drift: {
        backupRole: {
          ...observed.backupRole,
          attachedPolicyArns: withForwarding.backupRole.managedPolicyArns.slice(0, 1),
        },
      },
    },
    {
      why: 'the forwarding role is missing',
      drift: { eventForwarding: { ...observed.eventForwarding, roleExists: false } },
    },
    {
      why: 'the forwarding rule targets another bus',
      drift: { eventForwarding: { ...observed.eventForwarding, targetsBus: false } },
    },
    {
      why: 'the forwarding rule is missing',
      drift: { eventForwarding: { ...observed.eventForwarding, ruleExists: false, targetsBus: false } },
    },
  ])('plans nothing when $why', ({ drift }) => {
    expect(planTarget(withForwarding, { ...observed, ...drift }, NOW)).toEqual([]);
  });
});
