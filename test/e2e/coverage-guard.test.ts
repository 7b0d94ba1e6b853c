import { describe, expect, it } from 'vitest';
import {
  CoverageDropError,
  type DeployedCoverageReader,
  guardCoverageDrop,
} from '../../infra/coverage-guard.js';
import { readDeployedCoverage } from '../../shared/aws/deployed-coverage.js';
import {
  DEV,
  e2eConfig,
  memberAccount,
  PROD,
  preparedWorld,
  REGION,
  taggedVolumes,
  withHarness,
} from './support.js';

const OTHER_REGION = 'eu-central-1';
const deployed = e2eConfig({ regions: [REGION, OTHER_REGION] });
/** Six volumes in the first Region, two in the second: dropping the second loses 25 %. */
const world = preparedWorld(deployed, {
  accounts: {
    [PROD]: memberAccount({
      [REGION]: { resources: taggedVolumes(PROD, 'west', 3) },
      [OTHER_REGION]: { resources: taggedVolumes(PROD, 'central', 1, OTHER_REGION) },
    }),
    [DEV]: memberAccount({
      [REGION]: { resources: taggedVolumes(DEV, 'west', 3) },
      [OTHER_REGION]: { resources: taggedVolumes(DEV, 'central', 1, OTHER_REGION) },
    }),
  },
});

describe('the coverage-drop guard reading a (simulated) organization', () => {
  it('reads the deployed policy and what it reaches through the member role, and stops a drop of a Region', async () => {
    await withHarness({ world, config: deployed }, async (harness) => {
      const read: DeployedCoverageReader = (desired) => readDeployedCoverage(harness.deps.factory, desired);
      const warnings: string[] = [];
      const warn = (message: string) => warnings.push(message);
      const failure = guardCoverageDrop(e2eConfig(), REGION, read, warn);
      await expect(failure).rejects.toThrow(CoverageDropError);
      await expect(failure).rejects.toThrow(/2 of the 8 resources .* \(25\.0%\)/);
      expect(await guardCoverageDrop(e2eConfig({ allowCoverageDrop: 25 }), REGION, read, warn)).toMatchObject(
        {
          kind: 'checked',
          drop: { coveredBefore: 8, dropPercent: 25 },
        },
      );
      expect(warnings).toEqual([]);
    });
  });
});
