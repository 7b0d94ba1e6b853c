import { describe, expect, it } from 'vitest';
import type { Mode } from '../../../shared/domain/model.js';
import { plan } from '../../../shared/domain/plan/index.js';
import { desiredState, MEMBER_ACCOUNT, NOW } from '../fixtures/desired.js';
import {
  compliantOrg,
  compliantTarget,
  dynamoTableArn,
  HOME_TARGET,
  selectedResource,
} from '../fixtures/observed.js';

const desired = desiredState({ blastRadius: { maxAccountsChangedPercent: 30 } });
const org = compliantOrg(desired);
const other = { accountId: '444444444444', region: HOME_TARGET.region };
const orgWithThree = {
  ...org,
  accounts: [...org.accounts, { id: other.accountId, name: 'x', state: 'ACTIVE', parentId: org.rootId }],
};
const table = (place: typeof HOME_TARGET) => [selectedResource(desired, dynamoTableArn(place))];
/** Advanced DynamoDB backup off where a tagged table exists (counts), and the vault missing (never counts). */
const untrusting = (place: typeof HOME_TARGET) => {
  const observed = compliantTarget(desired, place);
  return { ...observed, resources: table(place), regionManagement: { DynamoDB: false }, vault: null };
};

describe('plan', () => {
  it.each([
    { mode: 'enforce' as Mode, toApply: 3, why: 'enforce hands every unblocked action to the executor' },
    { mode: 'audit' as Mode, toApply: 0, why: 'audit makes zero write calls: nothing to apply' },
  ])('$mode → $toApply to apply ($why)', ({ mode, toApply }) => {
    const result = plan(desired, orgWithThree, [untrusting(HOME_TARGET), untrusting(other)], mode, NOW);
    expect(result.actions.map((action) => [action.accountId, action.spec.kind, action.blocked?.by])).toEqual([
      [MEMBER_ACCOUNT, 'CreateBackupVault', undefined],
      [MEMBER_ACCOUNT, 'EnableAdvancedDynamoDbBackup', undefined],
      [other.accountId, 'CreateBackupVault', undefined],
      [other.accountId, 'EnableAdvancedDynamoDbBackup', 'BLAST_RADIUS'],
    ]);
    expect(result.actions.every((action) => !action.applied)).toBe(true);
    expect(result.toApply).toHaveLength(toApply);
    expect(result.toApply.some((action) => action.blocked)).toBe(false);
  });

  it('counts only accounts in scope: excluded accounts shrink the budget', () => {
    // 40% of 3 accounts allows 2; with one excluded, 40% of 2 allows 1.
    const budget = { maxAccountsChangedPercent: 40 };
    const targets = [untrusting(HOME_TARGET), untrusting(other)];
    const all = plan(desiredState({ blastRadius: budget }), orgWithThree, targets, 'enforce', NOW);
    const excluding = desiredState({ blastRadius: budget, excludeAccounts: [other.accountId] });
    const scoped = plan(excluding, orgWithThree, targets, 'enforce', NOW);
    expect(all.changedAccounts).toEqual(new Set([MEMBER_ACCOUNT, other.accountId]));
    expect(scoped.changedAccounts).toEqual(new Set([MEMBER_ACCOUNT]));
  });

  it('counts only active accounts: a suspended account is not in scope', () => {
    const suspended = {
      ...orgWithThree,
      accounts: orgWithThree.accounts.map((account) =>
        account.id === other.accountId ? { ...account, state: 'SUSPENDED' } : account,
      ),
    };
    const wide = desiredState({ blastRadius: { maxAccountsChangedPercent: 50 } });
    const targets = [untrusting(HOME_TARGET), untrusting(other)];
    // 50% of 3 in scope allows 2; of 2 in scope (one suspended) allows 1.
    expect(plan(wide, orgWithThree, targets, 'enforce', NOW).changedAccounts.size).toBe(2);
    expect(plan(wide, suspended, targets, 'enforce', NOW).changedAccounts.size).toBe(1);
  });

  it('passes org problems through', () => {
    const result = plan(desiredState({ attachTo: ['/Nowhere'] }), org, [], 'enforce', NOW);
    expect(result.problems).toEqual([expect.stringContaining('/Nowhere')]);
  });
});
