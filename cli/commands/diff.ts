import { SandboxHarness } from '../../sandbox/harness.js';
import type { ClientFactory } from '../../shared/aws/clients.js';
import { AwsCallError } from '../../shared/aws/errors.js';
import { observeOrganization } from '../../shared/aws/observe-org.js';
import type { Config } from '../../shared/domain/config/index.js';
import { buildDesiredState } from '../../shared/domain/desired.js';
import type { ActionRecord, DesiredState, ObservedOrganization } from '../../shared/domain/model.js';
import { plan } from '../../shared/domain/plan/index.js';
import {
  coverageDropPercent,
  type LocatedResource,
  type PolicyImpact,
  policyImpact,
} from '../../shared/domain/policy/impact.js';
import { toActionRecord } from '../../shared/domain/report.js';
import { EXIT, parseCommandArgs } from '../args.js';
import { loadConfigFile } from '../config-file.js';
import { credentialsFailure } from '../credentials.js';
import { lineDiff } from '../line-diff.js';
import { readRealOrganization } from '../organization-access.js';
import { observeTargets } from '../plan-organization.js';
import { formatTable } from '../table.js';
import { loadWorldFile } from '../world-file.js';
import type { CliCommand } from './index.js';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

const spec = {
  name: 'diff',
  usage: '--from OLD.yaml --to NEW.yaml [--world FILE | --home-region R] [--json]',
  help: [
    '  --from FILE        the config deployed today',
    '  --to FILE          the config you mean to deploy',
    '  --world FILE       judge the change against a simulated organization (a sandbox world file)',
    '  --home-region R    without --world: the Region the controller is deployed in (default: AWS_REGION,',
    '                     else the first Region of --to)',
    '  --json             print { policyChanged, gained, lost, changed, actions, ... } as JSON',
    '',
    'Shows what a config change does before it is deployed: the BACKUP_POLICY diff, the tagged resources',
    'that would gain or lose coverage, the ones whose schedule, retention, copy, vault or lock would change,',
    'and the actions the new config would plan (with those the blast radius would hold back).',
    'Without --world it reads the real organization with the management account credentials, read-only.',
    'Exit codes: 0 compared, 1 AWS could not be read, 2 bad options or files.',
  ].join('\n'),
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    world: { type: 'string' },
    'home-region': { type: 'string' },
    json: { type: 'boolean' },
  },
} as const;

/** Everything `orgbackup diff` prints. */
interface ConfigDiff extends PolicyImpact {
  readonly policyDiff: readonly string[];
  readonly coverageDropPercent: number;
  readonly actions: readonly ActionRecord[];
}

export const diffCommand: CliCommand = {
  async run(argv) {
    const parsed = parseCommandArgs(argv, spec);
    if (parsed.kind === 'exit') return parsed.code;
    const options = parsed.values;
    const usage = (message: string) => {
      process.stderr.write(`orgbackup diff: ${message}\nUsage: orgbackup diff ${spec.usage}\n`);
      return EXIT.usage;
    };
    if (!options.from || !options.to) return usage('--from FILE and --to FILE are both required');
    if (options.world && options['home-region']) return usage('--home-region applies only without --world');

    const world = options.world ? await loadWorldFile(options.world) : undefined;
    if (world === null) return EXIT.usage;
    const anchor = world ? new Date(world.start) : new Date();
    const from = await loadConfigFile(options.from, anchor);
    const to = await loadConfigFile(options.to, anchor);
    if (!from.ok || !to.ok) return EXIT.usage;

    if (world) {
      const harness = await SandboxHarness.start({ world, config: { ...to.config, mode: 'audit' }, seed: 1 });
      try {
        const { factory, desired } = harness.deps;
        const org = await observeOrganization(factory, { policyName: to.config.policyName });
        const result = await compare(factory, org, from.config, desired, harness.sim.now());
        print(result, options.json);
        return EXIT.ok;
      } finally {
        await harness.close();
      }
    }

    const homeRegion = options['home-region'] ?? process.env.AWS_REGION ?? to.config.regions[0];
    if (!homeRegion || !REGION.test(homeRegion)) {
      return usage(`--home-region must be a Region name like eu-west-1, not "${homeRegion}"`);
    }
    try {
      const { factory, org, context } = await readRealOrganization(to.config, homeRegion, 'diff');
      const desiredTo = buildDesiredState({ ...to.config, mode: 'audit' }, context);
      print(await compare(factory, org, from.config, desiredTo, new Date()), options.json);
      return EXIT.ok;
    } catch (error) {
      const message =
        credentialsFailure(error) ?? (error instanceof AwsCallError ? error.message : undefined);
      if (message === undefined) throw error;
      process.stderr.write(`orgbackup diff: ${message}\n`);
      return EXIT.failure;
    }
  },
};

/**
 * Reads every account in either config's scope, in every Region either config backs up or scans (read
 * calls only), then compares what each config would reach and plans the new config as an audit run would.
 */
async function compare(
  factory: ClientFactory,
  org: ObservedOrganization,
  fromConfig: Config,
  to: DesiredState,
  now: Date,
): Promise<ConfigDiff> {
  const from = buildDesiredState({ ...fromConfig, mode: 'audit' }, to.context);
  const extraRegions = [...from.regions, ...(from.scanRegions ?? [])].filter(
    (region) => !to.regions.includes(region),
  );
  // Without a list every enabled Region is scanned already.
  const lookAt: DesiredState = {
    ...to,
    scanRegions: to.scanRegions === null ? null : [...new Set([...to.scanRegions, ...extraRegions])],
  };
  const { observed } = await observeTargets({ factory, desired: lookAt, org, now });
  const resources: LocatedResource[] = observed.flatMap((target) =>
    target.resources.map((resource) => ({ ...resource, accountId: target.accountId, region: target.region })),
  );
  const impact = policyImpact({ from, to, org, resources });
  const planned = plan(
    to,
    org,
    observed.filter((target) => to.regions.includes(target.region)),
    'audit',
    now,
  );
  return {
    ...impact,
    policyDiff: impact.policyChanged ? lineDiff(pretty(from.policy.content), pretty(to.policy.content)) : [],
    coverageDropPercent: coverageDropPercent(impact),
    actions: planned.actions.map((action) => toActionRecord(action, now)),
  };
}

const pretty = (minified: string) => JSON.stringify(JSON.parse(minified), null, 2);

function print(diff: ConfigDiff, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(diff, null, 2)}\n`);
    return;
  }
  const blocked = diff.actions.filter((action) => action.blocked);
  const lines = [
    diff.policyChanged ? 'BACKUP_POLICY changes:' : 'BACKUP_POLICY: unchanged',
    ...diff.policyDiff.filter((line) => !line.startsWith(' ')).map((line) => `  ${line}`),
    '',
    `Coverage gained: ${diff.gained.length}`,
    ...diff.gained.map((arn) => `  + ${arn}`),
    `Coverage lost: ${diff.lost.length} of ${diff.coveredBefore} covered (${diff.coverageDropPercent.toFixed(1)}%)`,
    ...diff.lost.map((arn) => `  - ${arn}`),
    `Terms changed: ${diff.changed.length}`,
    ...diff.changed.flatMap((change) => [`  ~ ${change.arn}`, ...change.what.map((what) => `      ${what}`)]),
    '',
    `Planned actions: ${diff.actions.length}${blocked.length > 0 ? ` (${blocked.length} held back)` : ''}`,
  ];
  if (diff.actions.length > 0) {
    lines.push(
      formatTable(
        ['KIND', 'ACCOUNT', 'REGION', 'TARGET', 'BLOCKED'],
        diff.actions.map((action) => [
          action.kind,
          action.accountId,
          action.region,
          action.target,
          action.blocked?.by ?? '-',
        ]),
      ),
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
