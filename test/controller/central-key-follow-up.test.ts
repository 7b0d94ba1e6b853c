import { describe, expect, it } from 'vitest';
import { reconcileFollowUps, targetsCopyingInto } from '../../shared/controller/central-key-follow-up.js';
import { silentLog } from '../../shared/controller/deps.js';
import {
  CENTRAL_ACCOUNT,
  CENTRAL_VAULT,
  desiredState,
  HOME_REGION,
  MEMBER_ACCOUNT,
  OTHER_REGION,
} from '../domain/fixtures/desired.js';

describe('targetsCopyingInto', () => {
  const single = desiredState({ centralVault: CENTRAL_VAULT });
  const perRegion = desiredState({ centralVault: { ...CENTRAL_VAULT, perRegion: true } });
  const accounts = [MEMBER_ACCOUNT, CENTRAL_ACCOUNT];
  it.each([
    {
      desired: desiredState(),
      changed: [HOME_REGION],
      expected: [],
      why: 'without a central vault no target copies anywhere',
    },
    {
      desired: single,
      changed: [CENTRAL_VAULT.region],
      expected: [
        `${MEMBER_ACCOUNT}/${HOME_REGION}`,
        `${MEMBER_ACCOUNT}/${OTHER_REGION}`,
        `${CENTRAL_ACCOUNT}/${HOME_REGION}`,
        `${CENTRAL_ACCOUNT}/${OTHER_REGION}`,
      ],
      why: 'one central vault receives the copies of every account in every policy Region',
    },
    {
      desired: single,
      changed: [OTHER_REGION],
      expected: [],
      why: 'a Region holding no central vault concerns nobody',
    },
    {
      desired: perRegion,
      changed: [OTHER_REGION],
      expected: [`${MEMBER_ACCOUNT}/${OTHER_REGION}`, `${CENTRAL_ACCOUNT}/${OTHER_REGION}`],
      why: "per-Region central vaults receive only their own Region's copies",
    },
  ])('$why', ({ desired, changed, expected }) => {
    const targets = targetsCopyingInto(desired, accounts, new Set(changed));
    expect(targets.map((target) => `${target.accountId}/${target.region}`)).toEqual(expected);
  });
});

describe('reconcileFollowUps', () => {
  const targets = [HOME_REGION, OTHER_REGION].map((region) => ({
    kind: 'account-region' as const,
    accountId: MEMBER_ACCOUNT,
    region,
  }));
  it.each([
    {
      left: undefined,
      fails: [] as string[],
      reconciled: 2,
      deferred: 0,
      why: 'no deadline known: every target',
    },
    { left: 600_000, fails: [], reconciled: 2, deferred: 0, why: 'minutes left: every target' },
    { left: 10_000, fails: [], reconciled: 0, deferred: 2, why: 'seconds left: all left to the sweep' },
    {
      left: 600_000,
      fails: [HOME_REGION],
      reconciled: 1,
      deferred: 1,
      why: 'one that fails is left to the sweep, the other still reconciled',
    },
  ])('$why', async ({ left, fails, reconciled, deferred }) => {
    const counted: Record<string, number> = {};
    const metrics = {
      count: (name: string, value: number) => {
        counted[name] = (counted[name] ?? 0) + value;
      },
      gauge() {},
    };
    const done: string[] = [];
    const outcome = await reconcileFollowUps(
      { log: silentLog, metrics },
      targets,
      async (target) => {
        if (fails.includes(target.region)) throw new Error('throttled');
        done.push(target.region);
      },
      () => left,
    );
    expect(outcome).toEqual({ reconciled, deferred });
    expect(done).toHaveLength(reconciled);
    expect(counted.CentralKeyFollowUpsDeferred ?? 0).toBe(deferred);
  });
});
