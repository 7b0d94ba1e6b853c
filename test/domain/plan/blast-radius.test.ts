import { describe, expect, it } from 'vitest';
import type { Action, ActionSpec } from '../../../shared/domain/model.js';
import { plannedAction } from '../../../shared/domain/plan/action.js';
import { applyBlastRadius, maxChangedAccounts } from '../../../shared/domain/plan/blast-radius.js';

const mutating: ActionSpec = { kind: 'PutVaultLock', vaultName: 'org-vault', minRetentionDays: 7 };
const additive: ActionSpec = {
  kind: 'CreateBackupVault',
  vaultName: 'org-vault',
  kmsKey: { type: 'aws-managed' },
};
const action = (accountId: string, spec: ActionSpec = mutating): Action =>
  plannedAction(spec, { accountId, region: 'eu-west-1', target: `${accountId}-target`, reason: 'drift' });
const orgAction = (spec: ActionSpec): Action =>
  plannedAction(spec, { accountId: 'mgmt', region: 'global', target: 'org', reason: 'drift' });
const dynamoDb: ActionSpec = { kind: 'EnableAdvancedDynamoDbBackup' };

describe('maxChangedAccounts', () => {
  it.each([
    { total: 100, percent: 10, max: 10, why: 'exact share' },
    { total: 3, percent: 10, max: 1, why: 'rounded up: a small org can still repair one account per run' },
    { total: 15, percent: 10, max: 2, why: '1.5 rounds up to 2' },
    { total: 50, percent: 0, max: 0, why: '0% allows no change to existing configuration' },
    { total: 4, percent: 100, max: 4, why: 'everything' },
  ])('$total accounts at $percent% → $max ($why)', ({ total, percent, max }) => {
    expect(maxChangedAccounts(total, percent)).toBe(max);
  });
});

describe('applyBlastRadius', () => {
  const blockedAccounts = (actions: readonly Action[]) =>
    actions
      .filter((candidate) => candidate.blocked?.by === 'BLAST_RADIUS')
      .map((candidate) => candidate.accountId);

  it.each([
    {
      actions: ['a', 'b', 'c'].map((id) => action(id)),
      alreadyChanged: [],
      blocked: ['c'],
      changed: ['a', 'b'],
      why: '20% of 10 accounts is 2: the third account is refused',
    },
    {
      actions: [action('a'), action('a'), action('b')],
      alreadyChanged: [],
      blocked: [],
      changed: ['a', 'b'],
      why: 'several actions in one account count once',
    },
    {
      actions: [action('a'), action('b')],
      alreadyChanged: ['x', 'y'],
      blocked: ['a', 'b'],
      changed: ['x', 'y'],
      why: 'accounts changed earlier in the run use up the budget',
    },
    {
      actions: [action('x'), action('a')],
      alreadyChanged: ['x', 'y'],
      blocked: ['a'],
      changed: ['x', 'y'],
      why: 'an account already changed may change further',
    },
    {
      actions: ['a', 'b', 'c', 'd'].map((id) => action(id, additive)),
      alreadyChanged: [],
      blocked: [],
      changed: [],
      why: 'creating missing prerequisites is additive and never counts',
    },
    {
      actions: ['a', 'b', 'c'].flatMap((id) => [action(id, additive), action(id)]),
      alreadyChanged: [],
      blocked: [],
      changed: [],
      why: 'a lock on a vault created in the same run is part of creating it: new accounts are prepared at once',
    },
    {
      actions: [
        orgAction({ kind: 'UpdatePolicy', policyId: 'p-1', content: '{}' }),
        orgAction({ kind: 'DetachPolicy', policyId: 'p-1', targetId: 'ou-1' }),
        orgAction({ kind: 'EnableCrossAccountBackup' }),
        action('a'),
        action('b'),
      ],
      alreadyChanged: [],
      blocked: [],
      changed: ['a', 'b'],
      why: 'organization-level repairs of the policy never count',
    },
    {
      actions: ['a', 'b', 'c'].map((id) => action(id, dynamoDb)),
      alreadyChanged: [],
      blocked: ['c'],
      changed: ['a', 'b'],
      why: "turning on advanced DynamoDB backup changes every team's DynamoDB backups: it counts",
    },
    {
      actions: [action('a', dynamoDb), action('b', dynamoDb), action('c', dynamoDb), action('c', additive)],
      alreadyChanged: [],
      blocked: ['c'],
      changed: ['a', 'b'],
      why: "a refused account's additive actions still go ahead",
    },
  ])('$why', ({ actions, alreadyChanged, blocked, changed }) => {
    const result = applyBlastRadius(actions, {
      totalAccounts: 10,
      alreadyChanged: new Set(alreadyChanged),
      maxPercent: 20,
    });
    expect(result.actions).toHaveLength(actions.length);
    expect(blockedAccounts(result.actions)).toEqual(blocked);
    expect([...result.changedAccounts].sort()).toEqual(changed);
  });

  it('keeps an action blocked for another reason as it was, without counting it', () => {
    const irreversible = { ...action('a'), blocked: { by: 'IRREVERSIBLE_LOCK' as const, message: 'no' } };
    const result = applyBlastRadius([irreversible, action('b')], {
      totalAccounts: 1,
      alreadyChanged: new Set(),
      maxPercent: 100,
    });
    expect(result.actions.map((candidate) => candidate.blocked?.by)).toEqual([
      'IRREVERSIBLE_LOCK',
      undefined,
    ]);
    expect([...result.changedAccounts]).toEqual(['b']);
  });

  it('explains the limit in the blocked message and leaves the action unapplied', () => {
    const [, refused] = applyBlastRadius([action('a'), action('b')], {
      totalAccounts: 4,
      alreadyChanged: new Set(),
      maxPercent: 25,
    }).actions;
    expect(refused?.blocked?.message).toContain('25% (1 of 4 accounts)');
    expect(refused?.applied).toBe(false);
  });
});
