import { describe, expect, it } from 'vitest';
import type { DesiredState, ObservedOrganization } from '../../../shared/domain/model.js';
import type { ObservedPolicyOfType, ObservedReadiness } from '../../../shared/domain/readiness/observed.js';
import {
  assessReadiness,
  deniesAction,
  POLICIES_PER_TARGET_LIMIT,
  type ReadinessItem,
} from '../../../shared/domain/readiness/rules.js';
import {
  CENTRAL_VAULT,
  DAILY_PLAN,
  desiredState,
  HOME_REGION,
  MANAGEMENT_ACCOUNT,
  MEMBER_ACCOUNT,
  ORG_ID,
  OTHER_REGION,
  ROOT_ID,
} from '../fixtures/desired.js';

const org: ObservedOrganization = {
  organizationId: ORG_ID,
  managementAccountId: MANAGEMENT_ACCOUNT,
  rootId: ROOT_ID,
  backupPolicyType: 'ENABLED',
  ous: [],
  accounts: [
    { id: MANAGEMENT_ACCOUNT, name: 'management', state: 'ACTIVE', parentId: ROOT_ID },
    { id: MEMBER_ACCOUNT, name: 'prod', state: 'ACTIVE', parentId: ROOT_ID },
  ],
  backupPolicies: [],
  crossAccountBackupEnabled: true,
  trustedAccessServices: ['backup.amazonaws.com'],
};

const scp = (content: object, targets = [ROOT_ID]): ObservedPolicyOfType => ({
  id: 'p-scp',
  name: 'guard-rails',
  awsManaged: false,
  content: JSON.stringify(content),
  targets,
});
const DENY_BOTH = scp({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Action: ['kms:ScheduleKeyDeletion', 'backup:Delete*'], Resource: '*' }],
});

/** The member role's trust policy as the member baseline writes it, URL-encoded as GetRole returns it. */
const trustPolicy = (principals: string[]) =>
  encodeURIComponent(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: principals } }],
    }),
  );
const TRUSTS_CONTROLLER = trustPolicy([`arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/controller-reconcile`]);

/** An organization with nothing to complain about. */
const ready: ObservedReadiness = {
  featureSet: { ok: true, value: 'ALL' },
  trustedServices: {
    ok: true,
    value: ['backup.amazonaws.com', 'member.org.stacksets.cloudformation.amazonaws.com'],
  },
  organizationTrails: { ok: true, value: [{ name: 'org-trail', organization: true, multiRegion: true }] },
  backupPolicies: { ok: true, value: [] },
  serviceControlPolicies: { ok: true, value: [DENY_BOTH] },
  accessRoleName: 'OrganizationAccountAccessRole',
  memberProbes: [{ accountId: MEMBER_ACCOUNT, kind: 'present', trustPolicy: TRUSTS_CONTROLLER }],
  enabledRegions: [
    { accountId: MEMBER_ACCOUNT, regions: { ok: true, value: [HOME_REGION, OTHER_REGION, 'us-east-1'] } },
  ],
  centralVault: { ok: true, value: { exists: true, vaultType: 'LOGICALLY_AIR_GAPPED_BACKUP_VAULT' } },
};
const withCentral = desiredState({
  centralVault: CENTRAL_VAULT,
  plans: [{ ...DAILY_PLAN, copyToCentralVault: true }],
});

const statusOf = (items: readonly ReadinessItem[], id: string) =>
  items.filter((i) => i.id === id).map((i) => i.status);

describe('assessReadiness', () => {
  it('passes every item for a ready organization', () => {
    const items = assessReadiness({ desired: withCentral, org, readiness: ready });
    expect(items.filter((i) => i.status !== 'PASS')).toEqual([]);
    expect(items.every((i) => i.fix === '')).toBe(true);
  });

  const otherPolicies = (count: number): ObservedPolicyOfType[] =>
    Array.from({ length: count }, (_, i) => ({
      id: `p-${i}`,
      name: `team-${i}`,
      awsManaged: false,
      content: '{}',
      targets: [ROOT_ID],
    }));

  const cases: {
    reason: string;
    desired?: DesiredState;
    org?: Partial<ObservedOrganization>;
    readiness?: Partial<ObservedReadiness>;
    id: string;
    expected: ReadinessItem['status'][];
  }[] = [
    {
      reason: 'consolidated billing only cannot hold backup policies',
      readiness: { featureSet: { ok: true, value: 'CONSOLIDATED_BILLING' } },
      id: 'ALL_FEATURES',
      expected: ['FAIL'],
    },
    {
      reason: 'a disabled policy type blocks an audit-mode controller, which never enables it',
      desired: { ...withCentral, mode: 'audit' },
      org: { backupPolicyType: 'DISABLED' },
      id: 'BACKUP_POLICY_TYPE',
      expected: ['FAIL'],
    },
    {
      reason: 'an enforce-mode controller enables the policy type itself',
      org: { backupPolicyType: 'DISABLED' },
      id: 'BACKUP_POLICY_TYPE',
      expected: ['WARN'],
    },
    {
      reason: 'without Backup trusted access the org view of jobs is lost, but verdicts still work',
      readiness: {
        trustedServices: { ok: true, value: ['member.org.stacksets.cloudformation.amazonaws.com'] },
      },
      id: 'TRUSTED_ACCESS_BACKUP',
      expected: ['WARN'],
    },
    {
      reason: 'without StackSets trusted access the member baseline cannot be deployed',
      readiness: { trustedServices: { ok: true, value: ['backup.amazonaws.com'] } },
      id: 'TRUSTED_ACCESS_STACKSETS',
      expected: ['FAIL'],
    },
    {
      reason: 'a single-Region or account trail misses calls elsewhere',
      readiness: {
        organizationTrails: { ok: true, value: [{ name: 'local', organization: false, multiRegion: true }] },
      },
      id: 'ORGANIZATION_TRAIL',
      expected: ['WARN'],
    },
    {
      reason: 'an unreadable trail list is a warning, not a pass',
      readiness: { organizationTrails: { ok: false, error: 'AccessDeniedException: no' } },
      id: 'ORGANIZATION_TRAIL',
      expected: ['WARN'],
    },
    {
      reason: 'another team’s backup policy merges with ours',
      readiness: { backupPolicies: { ok: true, value: otherPolicies(1) } },
      id: 'EXISTING_BACKUP_POLICIES',
      expected: ['WARN'],
    },
    {
      reason: 'a root already holding the maximum of backup policies has no room for ours',
      readiness: { backupPolicies: { ok: true, value: otherPolicies(POLICIES_PER_TARGET_LIMIT) } },
      id: 'POLICIES_PER_TARGET',
      expected: ['FAIL'],
    },
    {
      reason: 'one below the limit still has room',
      readiness: { backupPolicies: { ok: true, value: otherPolicies(POLICIES_PER_TARGET_LIMIT - 1) } },
      id: 'POLICIES_PER_TARGET',
      expected: ['PASS'],
    },
    {
      reason: 'a policy over 10,000 characters is refused by Organizations',
      desired: { ...withCentral, policy: { ...withCentral.policy, content: 'x'.repeat(10_001) } },
      id: 'POLICY_SIZE',
      expected: ['FAIL'],
    },
    {
      reason: 'an account without the role others have: the member baseline did not reach it',
      readiness: {
        memberProbes: [
          { accountId: '333333333333', kind: 'absent' },
          { accountId: '444444444444', kind: 'absent' },
          { accountId: MEMBER_ACCOUNT, kind: 'present', trustPolicy: TRUSTS_CONTROLLER },
        ],
      },
      id: 'MEMBER_ROLE',
      expected: ['FAIL', 'FAIL'],
    },
    {
      reason: 'no sampled account has the role yet: not deployed, the StackSet creates it',
      readiness: { memberProbes: [{ accountId: MEMBER_ACCOUNT, kind: 'absent' }] },
      id: 'MEMBER_ROLE',
      expected: ['PASS'],
    },
    {
      reason: 'a role of that name trusting another account: the controller cannot assume it',
      readiness: {
        memberProbes: [
          {
            accountId: MEMBER_ACCOUNT,
            kind: 'present',
            trustPolicy: trustPolicy(['arn:aws:iam::999999999999:root']),
          },
        ],
      },
      id: 'MEMBER_ROLE',
      expected: ['FAIL'],
    },
    {
      reason: 'an account the access role cannot reach is unchecked, not failed',
      readiness: {
        memberProbes: [
          { accountId: '333333333333', kind: 'unreadable', error: 'AccessDenied: not authorized' },
          { accountId: MEMBER_ACCOUNT, kind: 'present', trustPolicy: TRUSTS_CONTROLLER },
        ],
      },
      id: 'MEMBER_ROLE',
      expected: ['WARN'],
    },
    {
      reason: 'a policy Region that is off in an account: nothing there is backed up',
      readiness: {
        enabledRegions: [{ accountId: MEMBER_ACCOUNT, regions: { ok: true, value: [HOME_REGION] } }],
      },
      id: 'REGIONS_ENABLED',
      expected: ['FAIL'],
    },
    {
      reason: 'a scan-only Region that is off cannot be scanned, backups are not affected',
      desired: { ...withCentral, scanRegions: ['ap-east-1'] },
      id: 'REGIONS_ENABLED',
      expected: ['WARN'],
    },
    {
      reason: 'enabled Regions that cannot be listed are reported, not guessed',
      readiness: {
        enabledRegions: [
          { accountId: MEMBER_ACCOUNT, regions: { ok: false, error: 'AccessDeniedException: no' } },
        ],
      },
      id: 'REGIONS_ENABLED',
      expected: ['WARN'],
    },
    {
      reason: 'an SCP that is not attached anywhere guards nothing',
      readiness: { serviceControlPolicies: { ok: true, value: [{ ...DENY_BOTH, targets: [] }] } },
      id: 'SCP_KEY_DELETION_GUARD',
      expected: ['WARN'],
    },
    {
      reason: 'a standard central vault works, an air-gapped one isolates better',
      readiness: { centralVault: { ok: true, value: { exists: true, vaultType: 'BACKUP_VAULT' } } },
      id: 'CENTRAL_VAULT',
      expected: ['WARN'],
    },
    {
      reason: 'a central vault the controller will create is fine',
      readiness: { centralVault: { ok: true, value: { exists: false, vaultType: null } } },
      id: 'CENTRAL_VAULT',
      expected: ['PASS'],
    },
    {
      reason: 'no central vault at all leaves backups deletable by the account they protect',
      desired: desiredState(),
      readiness: { centralVault: null },
      id: 'CENTRAL_VAULT',
      expected: ['WARN'],
    },
    {
      reason: 'central copies with cross-account backup off fail in audit mode',
      desired: { ...withCentral, mode: 'audit' },
      org: { crossAccountBackupEnabled: false },
      id: 'CROSS_ACCOUNT_BACKUP',
      expected: ['FAIL'],
    },
    {
      reason: 'without central copies cross-account backup does not matter',
      desired: desiredState(),
      org: { crossAccountBackupEnabled: false },
      readiness: { centralVault: null },
      id: 'CROSS_ACCOUNT_BACKUP',
      expected: [],
    },
  ];

  it.each(cases)('$id: $reason', ({ desired, org: orgChanges, readiness, id, expected }) => {
    const items = assessReadiness({
      desired: desired ?? withCentral,
      org: { ...org, ...orgChanges },
      readiness: { ...ready, ...readiness },
    });
    expect(statusOf(items, id)).toEqual(expected);
    for (const failing of items.filter((i) => i.id === id && i.status !== 'PASS')) {
      expect(failing.fix).not.toBe('');
    }
  });
});

describe('deniesAction', () => {
  it.each([
    { statement: { Effect: 'Deny', Action: 'kms:ScheduleKeyDeletion' }, denies: true, why: 'exact action' },
    { statement: { Effect: 'Deny', Action: ['kms:*'] }, denies: true, why: 'service wildcard' },
    { statement: { Effect: 'Deny', Action: 'KMS:schedulekey*' }, denies: true, why: 'actions ignore case' },
    {
      statement: { Effect: 'Deny', Action: 'kms:Schedule?eyDeletion' },
      denies: true,
      why: '? is one character',
    },
    {
      statement: { Effect: 'Allow', Action: 'kms:ScheduleKeyDeletion' },
      denies: false,
      why: 'allow is no guard',
    },
    { statement: { Effect: 'Deny', Action: 'kms:Disable*' }, denies: false, why: 'another action' },
    {
      statement: { Effect: 'Deny', NotAction: 'iam:*' },
      denies: false,
      why: 'NotAction is not read as a guard',
    },
  ])('$why → $denies', ({ statement, denies }) => {
    expect(deniesAction(JSON.stringify({ Statement: [statement] }), 'kms:ScheduleKeyDeletion')).toBe(denies);
    expect(deniesAction(JSON.stringify({ Statement: statement }), 'kms:ScheduleKeyDeletion')).toBe(denies);
  });

  it('treats a document it cannot parse as no guard', () => {
    expect(deniesAction('{not json', 'kms:ScheduleKeyDeletion')).toBe(false);
  });
});
