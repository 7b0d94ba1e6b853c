import { describe, expect, it } from 'vitest';
import {
  centralVaultFor,
  coverageOf,
  lockRetentionConflicts,
} from '../../../shared/domain/evaluate/target-facts.js';
import {
  CENTRAL_ACCOUNT,
  CENTRAL_VAULT,
  desiredState,
  HOME_REGION,
  OTHER_REGION,
} from '../fixtures/desired.js';
import {
  compliantTarget,
  ebsVolumeArn,
  effectivePolicyFor,
  HOME_TARGET,
  vaultFor,
} from '../fixtures/observed.js';

describe('centralVaultFor', () => {
  const single = desiredState({ centralVault: CENTRAL_VAULT });
  const perRegion = desiredState({ centralVault: { ...CENTRAL_VAULT, perRegion: true } });
  it.each([
    { desired: desiredState(), region: HOME_REGION, arn: undefined, why: 'no central vault configured' },
    {
      desired: single,
      region: OTHER_REGION,
      arn: CENTRAL_VAULT.arn,
      why: 'one central vault receives copies from every Region',
    },
    {
      desired: perRegion,
      region: OTHER_REGION,
      arn: `arn:aws:backup:${OTHER_REGION}:${CENTRAL_ACCOUNT}:backup-vault:${CENTRAL_VAULT.name}`,
      why: 'per-Region central vaults receive same-Region copies',
    },
    {
      desired: perRegion,
      region: 'us-west-2',
      arn: undefined,
      why: 'no per-Region central vault outside the configured Regions',
    },
  ])('$region → $arn ($why)', ({ desired, region, arn }) => {
    expect(centralVaultFor(desired, region)?.arn).toBe(arn);
  });
});

describe('coverageOf', () => {
  const desired = desiredState();
  const observed = compliantTarget(desired);
  it.each([
    { tags: { BackupEnabled: 'True' }, covered: true, why: 'the plan selects the exact tag' },
    { tags: { BackupEnabled: 'true' }, covered: false, why: 'tag selections are case-sensitive' },
    { tags: { backupenabled: 'True' }, covered: false, why: 'so are tag keys' },
  ] as { tags: Record<string, string>; covered: boolean; why: string }[])(
    '$tags → covered=$covered ($why)',
    ({ tags, covered }) => {
      expect(coverageOf(observed, { arn: ebsVolumeArn(), tags }).covered).toBe(covered);
    },
  );

  it('compares Regions case-insensitively, as the effective policy returns values as strings', () => {
    const policy = effectivePolicyFor(desired);
    const shouting = {
      plans: policy.plans.map((plan) => ({ ...plan, regions: plan.regions.map((r) => r.toUpperCase()) })),
    };
    const result = coverageOf(
      { ...observed, effectivePolicy: shouting },
      { arn: ebsVolumeArn(), tags: { BackupEnabled: 'True' } },
    );
    expect(result.covered).toBe(true);
  });
});

describe("coverageOf: other teams' selections", () => {
  const desired = desiredState();
  const table = (name: string) => `arn:aws:dynamodb:${HOME_REGION}:222222222222:table/${name}`;
  const observed = compliantTarget(desired, HOME_TARGET, {
    effectivePolicy: {
      plans: [
        {
          name: 'team-weekly',
          regions: [HOME_REGION],
          rules: effectivePolicyFor(desired).plans[0]!.rules,
          tagSelections: [
            {
              roleArn: 'arn:aws:iam::222222222222:role/TeamBackup',
              tagKey: 'DataClass',
              tagValues: ['PII'],
              conditions: [{ operator: 'notEquals', tagKey: 'Stage', value: 'dev' }],
            },
          ],
          resourceSelections: [
            {
              roleArn: 'arn:aws:iam::222222222222:role/TeamBackup',
              resourceTypes: ['arn:aws:dynamodb:*:*:table/*'],
              notResourceTypes: ['arn:aws:dynamodb:*:*:table/scratch-*'],
              conditions: [{ operator: 'like', tagKey: 'Team', value: 'ledger*' }],
            },
          ],
        },
      ],
    },
  });
  it.each([
    {
      arn: table('ledger'),
      tags: { Team: 'ledger-eu' },
      covered: true,
      why: 'ARN pattern and like-condition hold',
    },
    {
      arn: table('scratch-1'),
      tags: { Team: 'ledger-eu' },
      covered: false,
      why: 'not_resource_types excludes it',
    },
    { arn: table('orders'), tags: { Team: 'shop' }, covered: false, why: 'the like-condition fails' },
    {
      arn: ebsVolumeArn(),
      tags: { Team: 'ledger' },
      covered: false,
      why: 'no resource pattern matches a volume',
    },
    { arn: ebsVolumeArn(), tags: { DataClass: 'PII' }, covered: true, why: 'tag selection, condition holds' },
    {
      arn: ebsVolumeArn(),
      tags: { DataClass: 'PII', Stage: 'dev' },
      covered: false,
      why: 'its condition fails',
    },
  ] as { arn: string; tags: Record<string, string>; covered: boolean; why: string }[])(
    '$arn $tags → covered=$covered ($why)',
    ({ arn, tags, covered }) => {
      expect(coverageOf(observed, { arn, tags }).covered).toBe(covered);
    },
  );
});

describe('lockRetentionConflicts', () => {
  const desired = desiredState();
  const rules = effectivePolicyFor(desired).plans.flatMap((plan) => plan.rules);
  const vault = vaultFor(desired, HOME_TARGET);
  it.each([
    {
      lock: { locked: false, minRetentionDays: 60 },
      conflicts: 0,
      why: 'an unlocked vault enforces nothing',
    },
    {
      lock: { locked: true, minRetentionDays: 7, maxRetentionDays: 35 },
      conflicts: 0,
      why: 'bounds are inclusive',
    },
    { lock: { locked: true, minRetentionDays: 36 }, conflicts: 1, why: '35 days is below the minimum' },
    { lock: { locked: true, maxRetentionDays: 34 }, conflicts: 1, why: '35 days is above the maximum' },
  ])('$why', ({ lock, conflicts }) => {
    expect(lockRetentionConflicts({ ...vault, ...lock }, rules)).toHaveLength(conflicts);
  });

  it('checks copy actions landing in the vault too', () => {
    const central = { ...vault, name: 'central', arn: 'arn:central', locked: true, maxRetentionDays: 30 };
    const copying = rules.map((rule) => ({
      ...rule,
      copyActions: [{ targetVaultArn: 'arn:central', deleteAfterDays: 90 }],
    }));
    expect(lockRetentionConflicts(central, copying)).toEqual([expect.stringContaining('copy action')]);
  });
});
