import { describe, expect, it } from 'vitest';
import { accountsInScope, observedRegions } from '../../shared/domain/scope.js';

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

describe('observedRegions', () => {
  it('lists the policy Regions first, then the scan-only ones, each once', () => {
    expect(
      observedRegions({ regions: ['eu-west-1', 'eu-central-1'], scanRegions: ['us-east-1', 'eu-west-1'] }),
    ).toEqual(['eu-west-1', 'eu-central-1', 'us-east-1']);
  });
});
