import { describe, expect, it } from 'vitest';
import type { DesiredState, ObservedOrganization } from '../../../shared/domain/model.js';
import {
  coverageDropPercent,
  type LocatedResource,
  policyImpact,
} from '../../../shared/domain/policy/impact.js';
import {
  DAILY_PLAN,
  desiredState,
  HOME_REGION,
  MANAGEMENT_ACCOUNT,
  MEMBER_ACCOUNT,
  ORG_ID,
  OTHER_REGION,
  ROOT_ID,
} from '../fixtures/desired.js';

const SECOND_MEMBER = '555555555555';
const PROD_OU = 'ou-ab12-prod0001';
const DEV_OU = 'ou-ab12-dev00001';

/** Root → Prod OU (member 222…) and Dev OU (member 555…). */
const org: ObservedOrganization = {
  organizationId: ORG_ID,
  managementAccountId: MANAGEMENT_ACCOUNT,
  rootId: ROOT_ID,
  backupPolicyType: 'ENABLED',
  ous: [
    { id: PROD_OU, name: 'Prod', parentId: ROOT_ID, path: '/Prod' },
    { id: DEV_OU, name: 'Dev', parentId: ROOT_ID, path: '/Dev' },
  ],
  accounts: [
    { id: MANAGEMENT_ACCOUNT, name: 'management', state: 'ACTIVE', parentId: ROOT_ID },
    { id: MEMBER_ACCOUNT, name: 'prod', state: 'ACTIVE', parentId: PROD_OU },
    { id: SECOND_MEMBER, name: 'dev', state: 'ACTIVE', parentId: DEV_OU },
  ],
  backupPolicies: [],
  crossAccountBackupEnabled: true,
};

const volume = (
  accountId: string,
  region: string,
  tags: Record<string, string> = { BackupEnabled: 'True' },
) =>
  ({
    arn: `arn:aws:ec2:${region}:${accountId}:volume/vol-${accountId}`,
    accountId,
    region,
    tags,
  }) satisfies LocatedResource;

const base = desiredState({ regions: [HOME_REGION] });
const withPolicyContent = (desired: DesiredState, content: string): DesiredState => ({
  ...desired,
  policy: { ...desired.policy, content },
});

describe('policyImpact: what a config change would do to each resource', () => {
  const cases: {
    reason: string;
    to: DesiredState;
    resource: LocatedResource;
    gained: boolean;
    lost: boolean;
    what: string[];
  }[] = [
    {
      reason: 'a Region added to the policy gains its tagged resources',
      to: { ...base, regions: [HOME_REGION, OTHER_REGION] },
      resource: volume(MEMBER_ACCOUNT, OTHER_REGION),
      gained: true,
      lost: false,
      what: [],
    },
    {
      reason: 'a Region dropped from the policy loses its tagged resources',
      to: { ...base, regions: [OTHER_REGION] },
      resource: volume(MEMBER_ACCOUNT, HOME_REGION),
      gained: false,
      lost: true,
      what: [],
    },
    {
      reason: 'attaching to one OU only loses the accounts under the other OU',
      to: { ...base, attachTo: ['/Prod'] },
      resource: volume(SECOND_MEMBER, HOME_REGION),
      gained: false,
      lost: true,
      what: [],
    },
    {
      reason: 'attaching to one OU keeps the accounts under it',
      to: { ...base, attachTo: [PROD_OU] },
      resource: volume(MEMBER_ACCOUNT, HOME_REGION),
      gained: false,
      lost: false,
      what: [],
    },
    {
      reason: 'an excluded account loses coverage',
      to: { ...base, excludeAccounts: [MEMBER_ACCOUNT] },
      resource: volume(MEMBER_ACCOUNT, HOME_REGION),
      gained: false,
      lost: true,
      what: [],
    },
    {
      reason: 'a new selection value drops resources tagged the old way (values are case-sensitive)',
      to: { ...base, selection: { tagKey: 'BackupEnabled', tagValue: 'true' } },
      resource: volume(MEMBER_ACCOUNT, HOME_REGION),
      gained: false,
      lost: true,
      what: [],
    },
    {
      reason: 'longer retention changes the terms, not the coverage',
      to: { ...base, plans: [{ ...DAILY_PLAN, deleteAfterDays: 90 }] },
      resource: volume(MEMBER_ACCOUNT, HOME_REGION),
      gained: false,
      lost: false,
      what: [`${DAILY_PLAN.name}: deleteAfterDays ${DAILY_PLAN.deleteAfterDays} → 90`],
    },
    {
      reason: 'a second plan and a lock are both listed',
      to: {
        ...base,
        plans: [DAILY_PLAN, { ...DAILY_PLAN, name: 'weekly', schedule: 'cron(0 5 ? * 1 *)' }],
        vault: { ...base.vault, lock: { mode: 'governance', minRetentionDays: 7 } },
      },
      resource: volume(MEMBER_ACCOUNT, HOME_REGION),
      gained: false,
      lost: false,
      what: ['plan weekly added', 'vault lock none → governance min 7d'],
    },
    {
      reason: 'an unsupported type is never covered, so a Region change does not gain it',
      to: { ...base, regions: [HOME_REGION, OTHER_REGION] },
      resource: {
        arn: `arn:aws:sqs:${OTHER_REGION}:${MEMBER_ACCOUNT}:jobs`,
        accountId: MEMBER_ACCOUNT,
        region: OTHER_REGION,
        tags: { BackupEnabled: 'True' },
      },
      gained: false,
      lost: false,
      what: [],
    },
  ];

  it.each(cases)('$reason', ({ to, resource, gained, lost, what }) => {
    const impact = policyImpact({ from: base, to, org, resources: [resource] });
    expect(impact.gained).toEqual(gained ? [resource.arn] : []);
    expect(impact.lost).toEqual(lost ? [resource.arn] : []);
    expect(impact.changed).toEqual(
      what.length > 0
        ? [{ arn: resource.arn, accountId: resource.accountId, region: resource.region, what }]
        : [],
    );
  });

  it('says whether the rendered policy changed, and the share of covered resources lost', () => {
    const resources = [volume(MEMBER_ACCOUNT, HOME_REGION), volume(SECOND_MEMBER, HOME_REGION)];
    const same = policyImpact({ from: base, to: base, org, resources });
    expect(same.policyChanged).toBe(false);
    expect(coverageDropPercent(same)).toBe(0);
    const narrowed = withPolicyContent({ ...base, attachTo: [PROD_OU] }, '{"plans":{"other":{}}}');
    const impact = policyImpact({ from: base, to: narrowed, org, resources });
    expect(impact.policyChanged).toBe(true);
    expect(impact.coveredBefore).toBe(2);
    expect(coverageDropPercent(impact)).toBe(50);
  });
});
