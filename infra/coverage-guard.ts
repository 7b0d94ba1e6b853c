import type { DeployedCoverage } from '../shared/aws/deployed-coverage.js';
import type { Config } from '../shared/domain/config/index.js';
import { buildDesiredState } from '../shared/domain/desired.js';
import { ControllerError } from '../shared/domain/errors.js';
import type { DesiredState } from '../shared/domain/model.js';
import { coverageDropFromDeployed, type DeployedCoverageDrop } from '../shared/domain/policy/impact.js';

/** Reads the deployed policy and what it reaches; throws when AWS or the organization cannot be read. */
export type DeployedCoverageReader = (desired: Pick<DesiredState, 'policy'>) => Promise<DeployedCoverage>;

export class CoverageDropError extends ControllerError {
  constructor(drop: DeployedCoverageDrop, allowed: number) {
    const sample = drop.lost.slice(0, 5).map((arn) => `\n  - ${arn}`);
    super(
      'COVERAGE_DROP',
      `This config would stop backing up ${drop.lost.length} of the ${drop.coveredBefore} resources the deployed ` +
        `policy covers (${drop.dropPercent.toFixed(1)}%), more than allowCoverageDrop (${allowed}%), so nothing was ` +
        `synthesized:${sample.join('')}${drop.lost.length > sample.length ? '\n  …' : ''}\n` +
        `If the drop is intended, set allowCoverageDrop: ${Math.ceil(drop.dropPercent)} in the config; ` +
        '`orgbackup diff` lists every resource.',
    );
  }
}

export type CoverageGuardOutcome =
  | { readonly kind: 'skipped'; readonly why: string }
  | { readonly kind: 'checked'; readonly drop: DeployedCoverageDrop };

/**
 * The config is baked into the stack at synth time, so this is where a change that drops coverage is
 * stopped: the config's policy is compared with the one deployed today (read-only). Where nothing can be
 * read — no credentials, as in CI, or not the management account — the guard says why and lets synth go on.
 */
export async function guardCoverageDrop(
  config: Config,
  homeRegion: string,
  read: DeployedCoverageReader,
  warn: (message: string) => void,
): Promise<CoverageGuardOutcome> {
  let deployed: DeployedCoverage;
  try {
    deployed = await read({ policy: { name: config.policyName, description: '', content: '' } });
  } catch (error) {
    const why = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    warn(
      `warning: the coverage-drop guard was skipped: the deployed backup policy could not be read (${why}). ` +
        'Synthesize with the management account credentials to have a config that drops coverage stopped here.',
    );
    return { kind: 'skipped', why };
  }
  if (deployed.deployed === null) {
    return { kind: 'skipped', why: `no backup policy named ${config.policyName} is deployed yet` };
  }
  const to = buildDesiredState(config, {
    managementAccountId: deployed.org.managementAccountId,
    organizationId: deployed.org.organizationId,
    homeRegion,
  });
  const drop = coverageDropFromDeployed({
    deployed: deployed.deployed,
    to,
    org: deployed.org,
    resources: deployed.resources,
  });
  if (drop.dropPercent > config.allowCoverageDrop)
    throw new CoverageDropError(drop, config.allowCoverageDrop);
  return { kind: 'checked', drop };
}
