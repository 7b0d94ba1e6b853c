import { SandboxHarness } from '../../sandbox/harness.js';
import type { World } from '../../sandbox/world.js';
import { AwsCallError } from '../../shared/aws/errors.js';
import { ACTION_KINDS } from '../../shared/domain/actions.js';
import type { Config } from '../../shared/domain/config/index.js';
import { buildDesiredState } from '../../shared/domain/desired.js';
import { type ComplianceReport, REASON_CODES, type ResourceFinding } from '../../shared/domain/model.js';
import { buildReport } from '../../shared/domain/report.js';
import { EXIT, parseCommandArgs } from '../args.js';
import { loadConfigFile } from '../config-file.js';
import { credentialsFailure } from '../credentials.js';
import { readRealOrganization } from '../organization-access.js';
import { type OrganizationPlan, planOrganization } from '../plan-organization.js';
import { formatTable } from '../table.js';
import { loadWorldFile } from '../world-file.js';
import type { CliCommand } from './index.js';

/** A Region name such as eu-west-1. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

const spec = {
  name: 'plan',
  usage: '--config FILE [--world FILE] [--home-region R] [--json]',
  help: [
    '  --config FILE      the orgbackup config; its mode is ignored: plan always runs in audit mode',
    '  --world FILE       plan against a simulated organization (a sandbox world file) instead of AWS:',
    '                     one audit sweep of the real controller, then the count of write calls (always 0)',
    '  --home-region R    without --world: the Region the controller is deployed in (default: AWS_REGION,',
    '                     else the first Region of the config)',
    '  --json             print the plan as JSON',
    '',
    'Without --world, plan reads the real organization with the standard AWS credential chain of the',
    'management account (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO, ...), assuming the',
    "controller's member role in every account. It makes read calls only and changes nothing.",
    'Exit codes: 0 planned, 1 AWS could not be read (or a write call happened), 2 bad options or files.',
  ].join('\n'),
  options: {
    config: { type: 'string' },
    world: { type: 'string' },
    'home-region': { type: 'string' },
    json: { type: 'boolean' },
  },
} as const;

export const planCommand: CliCommand = {
  async run(argv) {
    const parsed = parseCommandArgs(argv, spec);
    if (parsed.kind === 'exit') return parsed.code;
    const options = parsed.values;
    const usage = (message: string) => {
      process.stderr.write(`orgbackup plan: ${message}\nUsage: orgbackup plan ${spec.usage}\n`);
      return EXIT.usage;
    };
    if (!options.config) return usage('--config FILE is required');
    if (options.world && options['home-region']) return usage('--home-region applies only without --world');

    if (options.world) {
      const world = await loadWorldFile(options.world);
      if (!world) return EXIT.usage;
      const loaded = await loadConfigFile(options.config, new Date(world.start));
      if (!loaded.ok) return EXIT.usage;
      const { plan, writeCalls } = await planInWorld(world, loaded.config);
      print(plan, writeCalls, options.json);
      if (writeCalls > 0) {
        process.stderr.write(
          `orgbackup plan: audit mode made ${writeCalls} write calls; it must make none\n`,
        );
        return EXIT.failure;
      }
      return EXIT.ok;
    }

    const loaded = await loadConfigFile(options.config, new Date());
    if (!loaded.ok) return EXIT.usage;
    const homeRegion = options['home-region'] ?? process.env.AWS_REGION ?? loaded.config.regions[0];
    if (!homeRegion || !REGION.test(homeRegion)) {
      return usage(`--home-region must be a Region name like eu-west-1, not "${homeRegion}"`);
    }
    try {
      print(await planInAws(loaded.config, homeRegion), null, options.json);
      return EXIT.ok;
    } catch (error) {
      const message =
        credentialsFailure(error) ?? (error instanceof AwsCallError ? error.message : undefined);
      if (message === undefined) throw error;
      process.stderr.write(`orgbackup plan: ${message}\n`);
      return EXIT.failure;
    }
  },
};

/** The deployed controller against the simulated organization: one sweep in audit mode, read back from its store. */
async function planInWorld(
  world: World,
  config: Config,
): Promise<{ plan: OrganizationPlan; writeCalls: number }> {
  const harness = await SandboxHarness.start({ world, config: { ...config, mode: 'audit' }, seed: 1 });
  try {
    const sweep = await harness.sweep();
    const at = harness.sim.now();
    const [activity, report, run] = await Promise.all([
      harness.store.runActivity(sweep.runId, at),
      harness.report(),
      harness.store.getRun(sweep.runId),
    ]);
    const { desired } = harness.deps;
    const plan: OrganizationPlan = {
      at,
      organizationId: desired.context.organizationId,
      accountIds: [...new Set(sweep.targets.map((target) => target.target.split('/')[0] ?? ''))].sort(),
      regions: [
        ...desired.regions,
        ...[...new Set(report.resources.map((finding) => finding.region))]
          .filter((region) => !desired.regions.includes(region))
          .sort(),
      ],
      actions: activity.actions,
      findings: report.resources,
      problems: run?.errors ?? [],
    };
    return { plan, writeCalls: harness.sim.writeCallCount() };
  } finally {
    await harness.close();
  }
}

/** The real organization, read with the caller's management-account credentials. */
async function planInAws(config: Config, homeRegion: string): Promise<OrganizationPlan> {
  const { factory, org, context } = await readRealOrganization(config, homeRegion, 'plan');
  const desired = buildDesiredState({ ...config, mode: 'audit' }, context);
  return planOrganization({ factory, desired, org, now: new Date() });
}

function print(plan: OrganizationPlan, writeCalls: number | null, json: boolean | undefined): void {
  // The report's deterministic order (org actions first, then by account and Region; findings by ARN), with
  // a target's actions in catalog order, which is the order they depend on each other.
  const report = buildReport({
    generatedAt: plan.at,
    mode: 'audit',
    findings: plan.findings,
    targetChecks: [],
    actions: [...plan.actions].sort((a, b) => ACTION_KINDS.indexOf(a.kind) - ACTION_KINDS.indexOf(b.kind)),
    accountIds: plan.accountIds,
  });
  const nonCompliant = report.resources.filter((finding) => finding.status !== 'PROTECTED');
  if (json) {
    const body = {
      generatedAt: report.generatedAt,
      mode: report.mode,
      organizationId: plan.organizationId,
      accounts: plan.accountIds,
      regions: plan.regions,
      summary: report.summary,
      actions: report.actions,
      findings: nonCompliant,
      problems: plan.problems,
      writeCalls,
    };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  process.stdout.write(formatPlan(plan, report, nonCompliant, writeCalls));
}

function formatPlan(
  plan: OrganizationPlan,
  { actions, summary }: ComplianceReport,
  nonCompliant: readonly ResourceFinding[],
  writeCalls: number | null,
): string {
  const blocked = actions.filter((action) => action.blocked).length;
  const lines = [
    `Plan for organization ${plan.organizationId}: ${plan.accountIds.length} accounts × ${plan.regions.length} Regions (${plan.regions.join(', ')}) at ${plan.at.toISOString()}`,
    'Audit mode: nothing was changed.',
    '',
    `Planned actions: ${actions.length}${blocked > 0 ? ` (${blocked} blocked)` : ''}`,
  ];
  if (actions.length > 0) {
    lines.push(
      formatTable(
        ['KIND', 'ACCOUNT', 'REGION', 'TARGET', 'BLOCKED', 'REASON'],
        actions.map((action) => [
          action.kind,
          action.accountId,
          action.region,
          action.target,
          action.blocked?.by ?? '-',
          action.reason,
        ]),
      ),
    );
  }
  lines.push(
    '',
    `Not compliant: ${nonCompliant.length} of ${summary.resources} resources (coverage ${summary.coveragePercent.toFixed(1)}%)`,
  );
  for (const reason of REASON_CODES) {
    const group = nonCompliant.filter((finding) => finding.reasons.includes(reason));
    if (group.length === 0) continue;
    lines.push(
      `${reason} (${group.length})`,
      indent(
        formatTable(
          ['ACCOUNT', 'REGION', 'TYPE', 'STATUS', 'RESOURCE'],
          group.map((finding) => [
            finding.accountId,
            finding.region,
            finding.resourceType ?? '-',
            finding.status,
            finding.arn,
          ]),
        ),
      ),
    );
  }
  if (plan.problems.length > 0) {
    lines.push('', `Problems: ${plan.problems.length}`, ...plan.problems.map((problem) => `  - ${problem}`));
  }
  if (writeCalls !== null) lines.push('', `Write calls: ${writeCalls}`);
  return `${lines.join('\n')}\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
