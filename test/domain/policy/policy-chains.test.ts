import { describe, expect, it } from 'vitest';
import { groupAccountsByPolicyChain, type PolicyTree } from '../../../shared/domain/policy/policy-chains.js';

// r-root ─┬─ ou-work ─┬─ ou-prod: 111111111111, 222222222222
//         │           └─ ou-dev:  333333333333
//         ├─ ou-team: 444444444444, 555555555555
//         └─ 666666666666 (directly under the root)
const TREE: PolicyTree = {
  rootId: 'r-root',
  ous: [
    { id: 'ou-work', parentId: 'r-root' },
    { id: 'ou-prod', parentId: 'ou-work' },
    { id: 'ou-dev', parentId: 'ou-work' },
    { id: 'ou-team', parentId: 'r-root' },
  ],
  accounts: [
    { id: '222222222222', parentId: 'ou-prod' },
    { id: '111111111111', parentId: 'ou-prod' },
    { id: '333333333333', parentId: 'ou-dev' },
    { id: '444444444444', parentId: 'ou-team' },
    { id: '555555555555', parentId: 'ou-team' },
    { id: '666666666666', parentId: 'r-root' },
  ],
};
const ALL = ['111111111111', '222222222222', '333333333333', '444444444444', '555555555555', '666666666666'];

describe('groupAccountsByPolicyChain: one group per distinct chain of inherited backup policies', () => {
  it.each([
    {
      why: 'no backup policy anywhere: one group with the empty chain',
      attachments: {},
      groups: [{ key: '', policyIds: [], accounts: ALL }],
    },
    {
      why: 'one policy on the root: every account inherits the same',
      attachments: { 'r-root': ['p-org'] },
      groups: [{ key: 'p-org', policyIds: ['p-org'], accounts: ALL }],
    },
    {
      why: 'two OUs with different team policies: each OU its own group, the rest the root chain',
      attachments: { 'r-root': ['p-org'], 'ou-prod': ['p-prod'], 'ou-team': ['p-team'] },
      groups: [
        { key: 'p-org', policyIds: ['p-org'], accounts: ['333333333333', '666666666666'] },
        { key: 'p-org/p-prod', policyIds: ['p-org', 'p-prod'], accounts: ['111111111111', '222222222222'] },
        { key: 'p-org/p-team', policyIds: ['p-org', 'p-team'], accounts: ['444444444444', '555555555555'] },
      ],
    },
    {
      why: 'the same policy on two OUs: one chain, since the effective policy names no account',
      attachments: { 'ou-prod': ['p-team'], 'ou-team': ['p-team'] },
      groups: [
        { key: '', policyIds: [], accounts: ['333333333333', '666666666666'] },
        {
          key: 'p-team',
          policyIds: ['p-team'],
          accounts: ['111111111111', '222222222222', '444444444444', '555555555555'],
        },
      ],
    },
    {
      why: 'the level matters: a policy on the root then one on the OU is not the reverse',
      attachments: { 'r-root': ['p-a'], 'ou-prod': ['p-b'], 'ou-dev': ['p-a'], 'ou-work': ['p-b'] },
      groups: [
        { key: 'p-a', policyIds: ['p-a'], accounts: ['444444444444', '555555555555', '666666666666'] },
        { key: 'p-a/p-b/p-a', policyIds: ['p-a', 'p-b'], accounts: ['333333333333'] },
        { key: 'p-a/p-b/p-b', policyIds: ['p-a', 'p-b'], accounts: ['111111111111', '222222222222'] },
      ],
    },
    {
      why: 'several policies on one node merge in attachment order, which is per node: the node is in the key',
      attachments: { 'ou-prod': ['p-b', 'p-a'], 'ou-team': ['p-a', 'p-b'] },
      groups: [
        { key: '', policyIds: [], accounts: ['333333333333', '666666666666'] },
        { key: 'ou-prod(p-a,p-b)', policyIds: ['p-a', 'p-b'], accounts: ['111111111111', '222222222222'] },
        { key: 'ou-team(p-a,p-b)', policyIds: ['p-a', 'p-b'], accounts: ['444444444444', '555555555555'] },
      ],
    },
    {
      why: 'a policy attached to one account directly sets that account apart',
      attachments: { 'r-root': ['p-org'], '222222222222': ['p-own'] },
      groups: [
        {
          key: 'p-org',
          policyIds: ['p-org'],
          accounts: ['111111111111', '333333333333', '444444444444', '555555555555', '666666666666'],
        },
        { key: 'p-org/p-own', policyIds: ['p-org', 'p-own'], accounts: ['222222222222'] },
      ],
    },
  ])('$why', ({ attachments, groups }) => {
    expect(groupAccountsByPolicyChain(TREE, new Map(Object.entries(attachments)))).toEqual(groups);
  });

  it('an account whose parent is not in the tree is left out (it reads its own effective policy)', () => {
    const tree = { ...TREE, accounts: [...TREE.accounts, { id: '777777777777', parentId: 'ou-unknown' }] };
    const grouped = groupAccountsByPolicyChain(tree, new Map([['r-root', ['p-org']]]));
    expect(grouped.flatMap((group) => group.accounts)).toEqual(ALL);
  });

  it('a parent loop is left out instead of walked for ever', () => {
    const tree: PolicyTree = {
      rootId: 'r-root',
      ous: [
        { id: 'ou-a', parentId: 'ou-b' },
        { id: 'ou-b', parentId: 'ou-a' },
      ],
      accounts: [{ id: '111111111111', parentId: 'ou-a' }],
    };
    expect(groupAccountsByPolicyChain(tree, new Map())).toEqual([]);
  });
});
