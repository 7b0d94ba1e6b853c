import { describe, expect, it } from 'vitest';
import type { DesiredState, ObservedOrganization } from '../../../shared/domain/model.js';
import { ORG_ACTION_REGION, planOrg } from '../../../shared/domain/plan/plan-org.js';
import { desiredState, MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT, ROOT_ID } from '../fixtures/desired.js';
import { compliantOrg } from '../fixtures/observed.js';

const desired = desiredState();

/** An org with a small OU tree, our policy attached nowhere, and another team's policy. */
function orgWithTree(overrides: Partial<ObservedOrganization> = {}): ObservedOrganization {
  const base = compliantOrg(desired);
  return {
    ...base,
    ous: [
      { id: 'ou-work-1111', name: 'Workloads', parentId: ROOT_ID, path: '/Workloads' },
      { id: 'ou-prod-2222', name: 'Prod', parentId: 'ou-work-1111', path: '/Workloads/Prod' },
    ],
    backupPolicies: [
      { ...base.backupPolicies[0]!, targets: [] },
      {
        id: 'p-theirs0001',
        name: 'team-backup',
        content: '{}',
        targets: [ROOT_ID, 'ou-prod-2222'],
        createdByController: false,
      },
    ],
    ...overrides,
  };
}

describe('planOrg: resolving attachTo', () => {
  it.each([
    { entry: 'root', targetId: ROOT_ID, why: '`root` is the organization root id' },
    { entry: 'ou-prod-2222', targetId: 'ou-prod-2222', why: 'an OU id is used as is when the OU exists' },
    {
      entry: '/Workloads/Prod',
      targetId: 'ou-prod-2222',
      why: 'an OU path resolves through ObservedOu.path',
    },
    { entry: '/Workloads/Prod/', targetId: 'ou-prod-2222', why: 'a trailing slash does not change the path' },
    {
      entry: MEMBER_ACCOUNT,
      targetId: MEMBER_ACCOUNT,
      why: 'a 12-digit account id is used as is when it exists',
    },
  ])('$entry → $targetId ($why)', ({ entry, targetId }) => {
    const { actions, problems } = planOrg(desiredState({ attachTo: [entry] }), orgWithTree());
    expect(problems).toEqual([]);
    expect(actions.map((action) => action.spec)).toEqual([
      { kind: 'AttachPolicy', policyName: desired.policy.name, policyId: 'p-ours0001', targetId },
    ]);
  });

  it.each([
    { entry: 'ou-none-9999', why: 'an OU id that does not exist' },
    { entry: '/Workloads/Dev', why: 'an OU path that does not exist' },
    { entry: '999999999999', why: 'an account that is not in the organization' },
    { entry: 'Workloads', why: 'neither root, id nor path' },
  ])('$entry is a problem, not an action ($why)', ({ entry }) => {
    const { actions, problems } = planOrg(desiredState({ attachTo: [entry] }), orgWithTree());
    expect(actions).toEqual([]);
    expect(problems).toEqual([expect.stringContaining(entry)]);
  });

  it('keeps an attachment whose target the observed tree lacks, so a partial observation never detaches', () => {
    const org = orgWithTree();
    const ours = { ...org.backupPolicies[0]!, targets: ['ou-unlisted-1'] };
    const { actions, problems } = planOrg(desiredState({ attachTo: ['ou-unlisted-1'] }), {
      ...org,
      backupPolicies: [ours],
    });
    expect(actions).toEqual([]);
    expect(problems).toEqual([]);
  });
});

describe('planOrg: the policy and its attachments', () => {
  it('moves the policy by attaching before detaching, so coverage never lapses', () => {
    const org = orgWithTree();
    const ours = { ...org.backupPolicies[0]!, targets: ['ou-work-1111'] };
    const { actions } = planOrg(desiredState({ attachTo: ['/Workloads/Prod'] }), {
      ...org,
      backupPolicies: [ours, org.backupPolicies[1]!],
    });
    expect(actions.map((action) => [action.spec.kind, action.target])).toEqual([
      ['AttachPolicy', 'ou-prod-2222'],
      ['DetachPolicy', 'ou-work-1111'],
    ]);
  });

  it('detaches a target only once it is removed from the config', () => {
    const org = orgWithTree();
    const ours = { ...org.backupPolicies[0]!, targets: [ROOT_ID, 'ou-prod-2222'] };
    const { actions, problems } = planOrg(desiredState({ attachTo: ['root'] }), {
      ...org,
      backupPolicies: [ours],
    });
    expect(problems).toEqual([]);
    expect(actions.map((action) => [action.spec.kind, action.target])).toEqual([
      ['DetachPolicy', 'ou-prod-2222'],
    ]);
  });

  it('keeps the policy on an OU named by path that was renamed: reported, never detached', () => {
    const org = orgWithTree();
    const renamed = org.ous.map((ou) =>
      ou.id === 'ou-prod-2222' ? { ...ou, name: 'Production', path: '/Workloads/Production' } : ou,
    );
    const ours = { ...org.backupPolicies[0]!, targets: ['ou-prod-2222'] };
    const { actions, problems } = planOrg(desiredState({ attachTo: ['/Workloads/Prod'] }), {
      ...org,
      ous: renamed,
      backupPolicies: [ours],
    });
    expect(actions).toEqual([]);
    expect(problems).toEqual([
      expect.stringMatching(/"\/Workloads\/Prod" matches no .*attachments are kept/),
    ]);
  });

  it('treats a path two OUs share (a root OU named "Workloads/Prod") as a problem: no attach, no detach', () => {
    const org = orgWithTree();
    const lookalike = {
      id: 'ou-evil-3333',
      name: 'Workloads/Prod',
      parentId: ROOT_ID,
      path: '/Workloads/Prod',
    };
    const ours = { ...org.backupPolicies[0]!, targets: ['ou-prod-2222'] };
    const { actions, problems } = planOrg(desiredState({ attachTo: ['/Workloads/Prod'] }), {
      ...org,
      ous: [...org.ous, lookalike],
      backupPolicies: [ours],
    });
    expect(actions).toEqual([]);
    expect(problems).toEqual([expect.stringContaining('matches 2 OUs (ou-prod-2222, ou-evil-3333)')]);
  });

  it('never adopts, updates or detaches a same-named policy it did not create (no managed-by tag)', () => {
    const org = orgWithTree();
    const impostor = {
      ...org.backupPolicies[0]!,
      content: '{"plans":{}}',
      targets: ['ou-work-1111'],
      createdByController: false,
    };
    const { actions, problems } = planOrg(desired, { ...org, backupPolicies: [impostor] });
    expect(actions).toEqual([]);
    expect(problems).toEqual([
      expect.stringMatching(/exists that the controller did not create .* left alone/),
    ]);
  });

  it('never detaches or updates a policy it does not own', () => {
    const { actions } = planOrg(desiredState({ attachTo: [] }), orgWithTree());
    expect(actions).toEqual([]);
  });

  it('creates the policy and attaches it by name in the same run (no policy id yet)', () => {
    const { actions } = planOrg(desired, orgWithTree({ backupPolicies: [] }));
    expect(actions.map((action) => action.spec)).toEqual([
      {
        kind: 'CreatePolicy',
        name: desired.policy.name,
        description: desired.policy.description,
        content: desired.policy.content,
      },
      { kind: 'AttachPolicy', policyName: desired.policy.name, policyId: undefined, targetId: ROOT_ID },
    ]);
  });

  it('compares content after normalization: key order and whitespace are not drift', () => {
    const org = compliantOrg(desired);
    const reordered = JSON.stringify(JSON.parse(desired.policy.content), null, 2);
    const { actions } = planOrg(desired, {
      ...org,
      backupPolicies: [{ ...org.backupPolicies[0]!, content: reordered }],
    });
    expect(actions).toEqual([]);
  });

  it('runs every org action in the management account, in us-east-1', () => {
    const { actions } = planOrg(desired, orgWithTree({ backupPolicies: [] }));
    expect(actions.every((action) => action.accountId === MANAGEMENT_ACCOUNT)).toBe(true);
    expect(actions.every((action) => action.region === ORG_ACTION_REGION && action.scope === 'org')).toBe(
      true,
    );
  });
});

describe('planOrg: the policy type', () => {
  it.each([
    {
      type: 'DISABLED' as const,
      kinds: ['EnablePolicyType', 'CreatePolicy', 'AttachPolicy'],
      problems: 0,
      why: 'enable it first (the executor waits until ENABLED), then create and attach the policy in the same run',
    },
    { type: 'PENDING_ENABLE' as const, kinds: [], problems: 0, why: 'enablement is asynchronous: just wait' },
    {
      type: 'PENDING_DISABLE' as const,
      kinds: [],
      problems: 1,
      why: 'someone is disabling it; it cannot be enabled until that finishes',
    },
  ])('$type → $kinds ($why)', ({ type, kinds, problems }) => {
    const plan = planOrg(desired, orgWithTree({ backupPolicyType: type, backupPolicies: [] }));
    expect(plan.actions.map((action) => action.spec.kind)).toEqual(kinds);
    expect(plan.problems).toHaveLength(problems);
  });

  it('still turns on cross-account backup while the policy type is pending', () => {
    const withCentral = desiredState({ centralVault: compliantCentral() });
    const plan = planOrg(
      withCentral,
      orgWithTree({ backupPolicyType: 'PENDING_ENABLE', crossAccountBackupEnabled: false }),
    );
    expect(plan.actions.map((action) => action.spec.kind)).toEqual(['EnableCrossAccountBackup']);
  });

  it.each([
    { enabled: null, why: 'an unreadable setting is not known to be off' },
    { enabled: true, why: 'already on' },
  ])('does not touch cross-account backup when it is $enabled ($why)', ({ enabled }) => {
    const withCentral = desiredState({ centralVault: compliantCentral() });
    const plan = planOrg(withCentral, compliantOrg(withCentral, { crossAccountBackupEnabled: enabled }));
    expect(plan.actions).toEqual([]);
  });
});

/** A central vault in the member account, for the org-level setting only. */
function compliantCentral(): NonNullable<DesiredState['centralVault']> {
  return {
    accountId: MEMBER_ACCOUNT,
    region: 'eu-west-1',
    name: 'central',
    arn: `arn:aws:backup:eu-west-1:${MEMBER_ACCOUNT}:backup-vault:central`,
    deleteAfterDays: 90,
  };
}
