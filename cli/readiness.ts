import { SandboxHarness } from '../sandbox/harness.js';
import type { World } from '../sandbox/world.js';
import type { ClientFactory } from '../shared/aws/clients.js';
import { observeReadiness } from '../shared/aws/observe-readiness.js';
import type { Config, ConfigProblem } from '../shared/domain/config/index.js';
import type { DesiredState } from '../shared/domain/model.js';
import { assessReadiness, type ReadinessItem } from '../shared/domain/readiness/rules.js';

/**
 * The role Organizations creates in every account it creates, trusting the management account
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access-cross-account-role.html).
 */
export const DEFAULT_ACCESS_ROLE = 'OrganizationAccountAccessRole';

/** `orgbackup doctor`'s items: the organization's readiness, then the config's own warnings. */
export async function examineReadiness(
  factory: ClientFactory,
  desired: DesiredState,
  sampleSize: number,
  configWarnings: readonly ConfigProblem[],
): Promise<ReadinessItem[]> {
  const { org, readiness } = await observeReadiness(factory, desired, { sampleSize });
  return [
    ...assessReadiness({ desired, org, readiness }),
    ...configWarnings.map((warning) => ({
      id: 'CONFIG',
      status: 'WARN' as const,
      message: `${warning.path}: ${warning.message}`,
      fix: warning.fix,
    })),
  ];
}

/**
 * The doctor's items for a simulated organization with the controller deployed, read as `orgbackup doctor`
 * reads a real one: with the management account operator's credentials, looking into member accounts
 * through `accessRoleName`.
 */
export async function examineWorld(
  world: World,
  config: Config,
  options: { readonly sampleSize: number; readonly accessRoleName: string },
  configWarnings: readonly ConfigProblem[],
): Promise<ReadinessItem[]> {
  const harness = await SandboxHarness.start({ world, config, seed: 1 });
  try {
    const factory = harness.operatorFactory(options.accessRoleName);
    return await examineReadiness(factory, harness.deps.desired, options.sampleSize, configWarnings);
  } finally {
    await harness.close();
  }
}

/** One line per item (and one for its fix), aligned on the ids. */
export function readinessLines(items: readonly ReadinessItem[], indent = ''): string[] {
  const width = Math.max(...items.map((i) => i.id.length));
  return items.flatMap((i) => [
    `${indent}${i.status.padEnd(4)}  ${i.id.padEnd(width)}  ${i.message}`,
    ...(i.fix ? [`${indent}${' '.repeat(width + 8)}fix: ${i.fix}`] : []),
  ]);
}
