import { describe, expect, it } from 'vitest';
import { CoverageDropError, guardCoverageDrop } from '../../infra/coverage-guard.js';
import type { DeployedCoverage } from '../../shared/aws/deployed-coverage.js';
import { type Config, validateConfig } from '../../shared/domain/config/index.js';
import type { ObservedOrganization } from '../../shared/domain/model.js';
import { renderBackupPolicy } from '../../shared/domain/policy/render.js';

const MANAGEMENT = '111111111111';
const MEMBER = '222222222222';
const ROOT = 'r-ab12';

function config(overrides: Record<string, unknown>): Config {
  const result = validateConfig({
    version: 1,
    regions: ['eu-west-1', 'eu-central-1'],
    plans: [{ name: 'daily', deleteAfterDays: 35 }],
    ...overrides,
  });
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('; '));
  return result.config;
}

const deployedConfig = config({});
const org: ObservedOrganization = {
  organizationId: 'o-abc123def4',
  managementAccountId: MANAGEMENT,
  rootId: ROOT,
  backupPolicyType: 'ENABLED',
  ous: [],
  accounts: [
    { id: MANAGEMENT, name: 'management', state: 'ACTIVE', parentId: ROOT },
    { id: MEMBER, name: 'member', state: 'ACTIVE', parentId: ROOT },
  ],
  backupPolicies: [
    {
      id: 'p-deployed',
      name: deployedConfig.policyName,
      content: renderBackupPolicy(deployedConfig).minified,
      targets: [ROOT],
      createdByController: true,
    },
  ],
  crossAccountBackupEnabled: true,
  trustedAccessServices: [],
};
const volume = (region: string, n: number) => ({
  arn: `arn:aws:ec2:${region}:${MEMBER}:volume/vol-${String(n).padStart(8, '0')}`,
  accountId: MEMBER,
  region,
  tags: { BackupEnabled: 'True' },
});
/** Three volumes in eu-west-1, one in eu-central-1: dropping eu-central-1 loses 25 %. */
const today: DeployedCoverage = {
  org,
  deployed: org.backupPolicies[0]!,
  resources: [
    volume('eu-west-1', 1),
    volume('eu-west-1', 2),
    volume('eu-west-1', 3),
    volume('eu-central-1', 4),
  ],
};

async function guard(next: Config, read: () => Promise<DeployedCoverage>) {
  const warnings: string[] = [];
  const outcome = await guardCoverageDrop(next, 'eu-west-1', read, (message) => warnings.push(message));
  return { outcome, warnings };
}

describe('the coverage-drop guard of cdk synth', () => {
  it('stops a config that drops more than allowCoverageDrop of the deployed coverage, naming the lost resources', async () => {
    const next = config({ regions: ['eu-west-1'] });
    const failure = guard(next, async () => today);
    await expect(failure).rejects.toThrow(CoverageDropError);
    await expect(failure).rejects.toThrow(
      /1 of the 4 resources .* \(25\.0%\), more than allowCoverageDrop \(5%\)/,
    );
    await expect(failure).rejects.toThrow(/vol-00000004/);
  });

  it('lets the same change through when allowCoverageDrop covers it', async () => {
    const { outcome, warnings } = await guard(
      config({ regions: ['eu-west-1'], allowCoverageDrop: 25 }),
      async () => today,
    );
    expect(outcome).toEqual({
      kind: 'checked',
      drop: { coveredBefore: 4, lost: [volume('eu-central-1', 4).arn], dropPercent: 25 },
    });
    expect(warnings).toEqual([]);
  });

  it('passes a config that keeps every covered resource', async () => {
    const { outcome } = await guard(deployedConfig, async () => today);
    expect(outcome).toMatchObject({ kind: 'checked', drop: { coveredBefore: 4, lost: [] } });
  });

  it('skips with a warning when the deployed policy cannot be read (no credentials, as in CI)', async () => {
    const { outcome, warnings } = await guard(config({ regions: ['eu-west-1'] }), async () => {
      throw new Error('Could not load credentials from any providers');
    });
    expect(outcome).toEqual({ kind: 'skipped', why: 'Could not load credentials from any providers' });
    expect(warnings).toEqual([
      expect.stringMatching(/coverage-drop guard was skipped: .*Could not load credentials/),
    ]);
  });

  it('has nothing to compare before the first deployment', async () => {
    const { outcome } = await guard(config({ regions: ['eu-west-1'] }), async () => ({
      org: { ...org, backupPolicies: [] },
      deployed: null,
      resources: [],
    }));
    expect(outcome).toMatchObject({ kind: 'skipped' });
  });
});
