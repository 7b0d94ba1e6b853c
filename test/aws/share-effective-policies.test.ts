import {
  DescribeEffectivePolicyCommand,
  ListPoliciesCommand,
  ListTargetsForPolicyCommand,
  OrganizationsClient,
  PolicyChangesInProgressException,
} from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { noMetrics, silentLog } from '../../shared/controller/deps.js';
import {
  SETTLE_AFTER_CHANGE_MS,
  shareEffectivePolicies,
} from '../../shared/controller/share-effective-policies.js';
import type { SharedEffectivePolicyGroup } from '../../shared/store/shared-effective-policies.js';
import { MANAGEMENT, MEMBER, OTHER_MEMBER, testFactory } from './support.js';

const organizations = mockClient(OrganizationsClient);
afterAll(() => organizations.restore());

const NOW = new Date('2026-03-04T12:00:00Z');
const SETTLED = new Date(NOW.getTime() - SETTLE_AFTER_CHANGE_MS);
const TEAM_ACCOUNT = '444444444444';
const ORG_POLICY = '{"plans":{"org-daily":{}}}';
const TEAM_POLICY = '{"plans":{"org-daily":{},"team-nightly":{}}}';
const ORGANIZATION = {
  rootId: 'r-root',
  ous: [{ id: 'ou-team', name: 'Team', parentId: 'r-root', path: '/Team' }],
  accounts: [
    { id: MANAGEMENT, name: 'management', state: 'ACTIVE', parentId: 'r-root' },
    { id: MEMBER, name: 'member', state: 'ACTIVE', parentId: 'r-root' },
    { id: OTHER_MEMBER, name: 'suspended', state: 'SUSPENDED', parentId: 'r-root' },
    { id: TEAM_ACCOUNT, name: 'team', state: 'ACTIVE', parentId: 'ou-team' },
  ],
  backupPolicyIds: ['p-org', 'p-team'],
  // The controller's own policy, whose targets the organization's observation read.
  backupPolicies: [
    { id: 'p-org', name: 'org-backup', content: ORG_POLICY, targets: ['r-root'], createdByController: true },
  ],
};

/**
 * Root policy for all (the controller's, its targets known), a team policy on the Team OU: two chains,
 * represented by MANAGEMENT and TEAM_ACCOUNT.
 */
function serveAttachments() {
  organizations
    .on(ListTargetsForPolicyCommand, { PolicyId: 'p-team' })
    .resolves({ Targets: [{ TargetId: 'ou-team' }] });
}

function answer(accountId: string, content: string | null, lastUpdated: Date = SETTLED) {
  const response = content
    ? { EffectivePolicy: { PolicyContent: content, LastUpdatedTimestamp: lastUpdated } }
    : undefined;
  const stub = organizations.on(DescribeEffectivePolicyCommand, { TargetId: accountId });
  if (response) stub.resolves(response);
  else stub.rejects(Object.assign(new Error('not found'), { name: 'EffectivePolicyNotFoundException' }));
}

async function share(appliedKinds: readonly string[] = [], organization = ORGANIZATION) {
  const saved: SharedEffectivePolicyGroup[][] = [];
  const outcome = await shareEffectivePolicies(
    {
      factory: testFactory(),
      clock: { now: () => NOW },
      log: silentLog,
      metrics: noMetrics,
      store: {
        saveSharedEffectivePolicies: async (_runId, groups) => {
          saved.push([...groups]);
          return { chains: groups.length, accounts: groups.flatMap((group) => group.accounts).length };
        },
      },
    },
    'run-1',
    organization,
    appliedKinds,
  );
  return { outcome, saved: saved[0] ?? null };
}

const describeCalls = () => organizations.commandCalls(DescribeEffectivePolicyCommand).length;

describe('shareEffectivePolicies: one read per chain, shared only when it can stand for the chain', () => {
  beforeEach(() => {
    organizations.reset();
    serveAttachments();
  });

  it('reads one representative per chain (active accounts only) and shares what it found', async () => {
    answer(MANAGEMENT, ORG_POLICY);
    answer(TEAM_ACCOUNT, TEAM_POLICY);
    const { outcome, saved } = await share();
    expect(describeCalls()).toBe(2);
    expect(organizations.commandCalls(DescribeEffectivePolicyCommand).map((c) => c.args[0].input)).toEqual([
      { PolicyType: 'BACKUP_POLICY', TargetId: MANAGEMENT },
      { PolicyType: 'BACKUP_POLICY', TargetId: TEAM_ACCOUNT },
    ]);
    expect(saved).toEqual([
      { content: ORG_POLICY, accounts: [MANAGEMENT, MEMBER] },
      { content: TEAM_POLICY, accounts: [TEAM_ACCOUNT] },
    ]);
    expect(outcome).toEqual({ chains: 2, shared: 2, accounts: 3, skipped: null });
    // The backup policies, and the controller's own policy's targets, come from the organization's
    // observation, which read them already: only the team policy's targets are listed.
    expect(organizations.commandCalls(ListPoliciesCommand)).toHaveLength(0);
    expect(
      organizations.commandCalls(ListTargetsForPolicyCommand).map((c) => c.args[0].input.PolicyId),
    ).toEqual(['p-team']);
  });

  it.each([
    {
      why: 'a change still being applied (PolicyChangesInProgressException)',
      serve: () =>
        organizations
          .on(DescribeEffectivePolicyCommand, { TargetId: TEAM_ACCOUNT })
          .rejects(new PolicyChangesInProgressException({ message: 'in progress', $metadata: {} })),
    },
    {
      why: 'a policy that changed less than the settle time ago',
      serve: () => answer(TEAM_ACCOUNT, TEAM_POLICY, new Date(SETTLED.getTime() + 1)),
    },
    {
      why: 'policies attached on the chain but no effective policy yet',
      serve: () => answer(TEAM_ACCOUNT, null),
    },
  ])('leaves a chain to its accounts’ own reads on $why', async ({ serve }) => {
    answer(MANAGEMENT, ORG_POLICY);
    serve();
    const { saved } = await share();
    expect(saved).toEqual([{ content: ORG_POLICY, accounts: [MANAGEMENT, MEMBER] }]);
  });

  it('shares "no policy" for a chain without backup policies only when the read agrees', async () => {
    const withoutPolicies = { ...ORGANIZATION, backupPolicyIds: [], backupPolicies: [] };
    answer(MANAGEMENT, null);
    answer(TEAM_ACCOUNT, null);
    expect((await share([], withoutPolicies)).saved).toEqual([
      { content: null, accounts: [MANAGEMENT, MEMBER, TEAM_ACCOUNT] },
    ]);
    organizations.reset();
    answer(MANAGEMENT, ORG_POLICY);
    expect((await share([], withoutPolicies)).saved).toEqual([]);
  });

  it('shares nothing, and reads nothing, in a run that changed a backup policy', async () => {
    const { outcome, saved } = await share(['EnableCrossAccountBackup', 'UpdatePolicy']);
    expect(saved).toBeNull();
    expect(organizations.calls()).toHaveLength(0);
    expect(outcome.skipped).toMatch(/UpdatePolicy/);
  });

  it('never fails the org target: an unreadable organization leaves every target to its own read', async () => {
    organizations
      .on(ListTargetsForPolicyCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException' }));
    const { outcome, saved } = await share();
    expect(saved).toBeNull();
    expect(outcome.skipped).toMatch(/ListTargetsForPolicy/);
  });
});
