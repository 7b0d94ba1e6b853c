import { describe, expect, it } from 'vitest';
import {
  accountsInScope,
  accountsReachedBy,
  attachesToWholeOrganization,
  isScanningTarget,
  scanOnlyRegions,
} from '../../shared/domain/scope.js';

describe('accountsInScope', () => {
  it.each([
    { account: { id: '111111111111', state: 'ACTIVE' }, inScope: true, why: 'an active account is managed' },
    {
      account: { id: '222222222222', state: 'SUSPENDED' },
      inScope: false,
      why: 'a suspended account cannot be acted on',
    },
    {
      account: { id: '333333333333', state: 'PENDING_CLOSURE' },
      inScope: false,
      why: 'an account being closed is left alone',
    },
    { account: { id: '444444444444', state: 'ACTIVE' }, inScope: false, why: 'the config excludes it' },
  ])('$account.id $account.state → $inScope ($why)', ({ account, inScope }) => {
    expect(accountsInScope([account], { excludeAccounts: ['444444444444'] })).toEqual(
      inScope ? [account] : [],
    );
  });
});

describe('scanOnlyRegions', () => {
  const enabled = ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-south-1', 'us-east-1'];
  it.each([
    {
      scanRegions: null,
      expected: ['ap-south-1', 'us-east-1'],
      why: 'without a list every enabled Region outside the policy, each once',
    },
    {
      scanRegions: ['us-east-1', 'sa-east-1'],
      expected: ['us-east-1'],
      why: 'a list narrows the enabled Regions; a listed Region not enabled there is not scanned',
    },
    { scanRegions: [], expected: [], why: '[] turns the scan off' },
  ])('$scanRegions → $expected ($why)', ({ scanRegions, expected }) => {
    expect(scanOnlyRegions({ regions: ['eu-west-1', 'eu-central-1'], scanRegions }, enabled)).toEqual(
      expected,
    );
  });
});

describe('isScanningTarget', () => {
  it.each([
    { region: 'eu-west-1', scans: true, why: 'the first policy Region scans for the account' },
    { region: 'eu-central-1', scans: false, why: 'other policy Regions do not, so each account scans once' },
  ])('$region → $scans ($why)', ({ region, scans }) => {
    expect(isScanningTarget({ regions: ['eu-west-1', 'eu-central-1'] }, region)).toBe(scans);
  });
});

describe('accountsReachedBy', () => {
  // root r-ab12 ─┬─ Workloads (ou-w) ─── Prod (ou-p): 333
  //              │                   └── 222
  //              ├─ Sandbox (ou-s): 444
  //              └─ 111 (management)
  const tree = {
    rootId: 'r-ab12',
    ous: [
      { id: 'ou-ab12-work0001', parentId: 'r-ab12', path: '/Workloads' },
      { id: 'ou-ab12-prod0001', parentId: 'ou-ab12-work0001', path: '/Workloads/Prod' },
      { id: 'ou-ab12-sand0001', parentId: 'r-ab12', path: '/Sandbox' },
    ],
    accounts: [
      { id: '111111111111', parentId: 'r-ab12' },
      { id: '222222222222', parentId: 'ou-ab12-work0001' },
      { id: '333333333333', parentId: 'ou-ab12-prod0001' },
      { id: '444444444444', parentId: 'ou-ab12-sand0001' },
    ],
  };
  it.each([
    {
      attachTo: ['root'],
      reached: ['111111111111', '222222222222', '333333333333', '444444444444'],
      why: 'the root reaches every account',
    },
    {
      attachTo: ['/Workloads'],
      reached: ['222222222222', '333333333333'],
      why: 'an OU path reaches its accounts and those of nested OUs',
    },
    {
      attachTo: ['ou-ab12-prod0001'],
      reached: ['333333333333'],
      why: 'an OU id reaches only what lies under it',
    },
    {
      attachTo: ['/Workloads/Prod/', '444444444444'],
      reached: ['333333333333', '444444444444'],
      why: 'a trailing slash is ignored; a single account is reached directly',
    },
    {
      attachTo: ['/Nowhere'],
      reached: [],
      why: 'an entry matching nothing reaches nothing (the org reconcile reports it)',
    },
  ])('$attachTo → $reached ($why)', ({ attachTo, reached }) => {
    expect([...accountsReachedBy(attachTo, tree)].sort()).toEqual(reached);
  });

  it.each([
    { attachTo: ['root'], whole: true },
    { attachTo: ['/Workloads', 'r-ab12'], whole: true },
    { attachTo: ['/Workloads', 'ou-ab12-prod0001'], whole: false },
  ])('attachesToWholeOrganization($attachTo) is $whole', ({ attachTo, whole }) => {
    expect(attachesToWholeOrganization(attachTo)).toBe(whole);
  });
});
