import { describe, expect, it } from 'vitest';
import {
  PROBLEM_MIX,
  policyRegions,
  SCAN_ONLY_REGIONS,
  scaleConfig,
  scaleWorld,
} from '../../bench/scale-world.js';
import { memberAccountId } from '../../bench/worlds.js';

describe('scale world generator', () => {
  const { world, planted } = scaleWorld({ accounts: 200, regions: 4, resourcesPerTarget: 20 });

  it('puts every member in an OU and the resources in every policy Region', () => {
    const members = Object.keys(world.accounts).filter((id) => id !== world.managementAccountId);
    expect(members).toHaveLength(200);
    const account = world.accounts[memberAccountId(0)];
    expect(Object.keys(account?.regions ?? {})).toEqual(policyRegions(4));
    expect(account?.regions['us-east-1']?.resources).toHaveLength(20);
    expect(account?.regions['us-east-1']?.vaults.map((vault) => vault.name)).toEqual([
      scaleConfig(4).vault.name,
    ]);
    expect(account?.enabledRegions).toEqual([...policyRegions(4), ...SCAN_ONLY_REGIONS]);
  });

  it('plants each problem of the mix as often as the mix says', () => {
    expect(planted.unreachableAccounts).toBe(Math.floor(200 / PROBLEM_MIX.unreachableAccountEvery));
    expect(planted.missingBackupRoles).toBe(Math.floor(200 / PROBLEM_MIX.missingBackupRoleAccountEvery));
    expect(planted.unusableKeys).toBe(Math.floor(800 / PROBLEM_MIX.unusableKeyTargetEvery));
    expect(planted.optedOutTargets).toBe(Math.floor(800 / PROBLEM_MIX.optedOutTargetEvery));
    expect(planted.scanOnlyResources).toBe(2 * Math.floor(200 / PROBLEM_MIX.scanOnlyResourcesAccountEvery));
    // One resource in twenty carries the near-miss value.
    expect(planted.nearMissTags).toBe(800);
    const unreachable = world.accounts[memberAccountId(PROBLEM_MIX.unreachableAccountEvery - 1)];
    expect(unreachable?.memberRole).toBe(false);
  });

  it('is deterministic', () => {
    const again = scaleWorld({ accounts: 200, regions: 4, resourcesPerTarget: 20 });
    expect(JSON.stringify(again.world)).toBe(JSON.stringify(world));
  });

  it('sweeps the policy Regions and scans the scan-only ones', () => {
    const config = scaleConfig(4);
    expect(config.regions).toEqual(policyRegions(4));
    expect(config.scanRegions).toEqual([...SCAN_ONLY_REGIONS]);
    expect(() => policyRegions(0)).toThrow(/--regions/);
  });
});
