import { AwsCallError } from '../../shared/aws/errors.js';
import { buildDesiredState } from '../../shared/domain/desired.js';
import type { ReadinessItem } from '../../shared/domain/readiness/rules.js';
import { EXIT, parseCommandArgs } from '../args.js';
import { loadConfigFile } from '../config-file.js';
import { credentialsFailure } from '../credentials.js';
import { readRealOrganization } from '../organization-access.js';
import { DEFAULT_ACCESS_ROLE, examineReadiness, examineWorld, readinessLines } from '../readiness.js';
import { loadWorldFile } from '../world-file.js';
import type { CliCommand } from './index.js';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const DEFAULT_SAMPLE = 5;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

const spec = {
  name: 'doctor',
  usage: '--config FILE [--world FILE | --home-region R] [--sample N] [--access-role NAME] [--json]',
  help: [
    '  --config FILE      the orgbackup config you mean to deploy',
    '  --world FILE       check a simulated organization (a sandbox world file) instead of AWS',
    '  --home-region R    without --world: the Region the controller will run in (default: AWS_REGION,',
    '                     else the first Region of the config)',
    `  --sample N         member accounts to read the member role in (default ${DEFAULT_SAMPLE})`,
    `  --access-role NAME a role in the member accounts that trusts the management account, to read them`,
    `                     with (default ${DEFAULT_ACCESS_ROLE}; AWSControlTowerExecution under Control Tower)`,
    '  --json             print the items as JSON',
    '',
    'Checks an organization before the controller is deployed: all features, the BACKUP_POLICY type,',
    'trusted access for AWS Backup and StackSets, an organization trail, other backup policies and the',
    'per-target policy limit, the policy size, the member role in a sample of accounts, guard-rail SCPs,',
    'the central vault and cross-account backup. Read-only, with the management account credentials. The',
    "member role trusts only the controller's functions, so the doctor never assumes it: it reads the role",
    '(GetRole) through the access role, and says whether it is there, missing where the member baseline',
    'StackSet did not reach, or trusting nothing in the management account.',
    'Exit codes: 0 no FAIL, 1 at least one FAIL (or AWS could not be read), 2 bad options or files.',
  ].join('\n'),
  options: {
    config: { type: 'string' },
    world: { type: 'string' },
    'home-region': { type: 'string' },
    sample: { type: 'string' },
    'access-role': { type: 'string' },
    json: { type: 'boolean' },
  },
} as const;

export const doctorCommand: CliCommand = {
  async run(argv) {
    const parsed = parseCommandArgs(argv, spec);
    if (parsed.kind === 'exit') return parsed.code;
    const options = parsed.values;
    const usage = (message: string) => {
      process.stderr.write(`orgbackup doctor: ${message}\nUsage: orgbackup doctor ${spec.usage}\n`);
      return EXIT.usage;
    };
    if (!options.config) return usage('--config FILE is required');
    if (options.world && options['home-region']) return usage('--home-region applies only without --world');
    const sample = options.sample === undefined ? DEFAULT_SAMPLE : Number(options.sample);
    if (!/^\d+$/.test(options.sample ?? '0') || !Number.isSafeInteger(sample) || sample < 1) {
      return usage(`--sample must be a whole number of at least 1, not "${options.sample}"`);
    }

    const accessRoleName = options['access-role'] ?? DEFAULT_ACCESS_ROLE;
    if (!ROLE_NAME.test(accessRoleName)) {
      return usage(`--access-role must be an IAM role name, not "${accessRoleName}"`);
    }

    const world = options.world ? await loadWorldFile(options.world) : undefined;
    if (world === null) return EXIT.usage;
    const loaded = await loadConfigFile(options.config, world ? new Date(world.start) : new Date());
    if (!loaded.ok) return EXIT.usage;

    if (world) {
      return report(
        await examineWorld(world, loaded.config, { sampleSize: sample, accessRoleName }, loaded.warnings),
        options.json,
      );
    }

    const homeRegion = options['home-region'] ?? process.env.AWS_REGION ?? loaded.config.regions[0];
    if (!homeRegion || !REGION.test(homeRegion)) {
      return usage(`--home-region must be a Region name like eu-west-1, not "${homeRegion}"`);
    }
    try {
      const { factory, context } = await readRealOrganization(
        loaded.config,
        homeRegion,
        'doctor',
        accessRoleName,
      );
      const desired = buildDesiredState(loaded.config, context);
      return report(await examineReadiness(factory, desired, sample, loaded.warnings), options.json);
    } catch (error) {
      const message =
        credentialsFailure(error) ?? (error instanceof AwsCallError ? error.message : undefined);
      if (message === undefined) throw error;
      process.stderr.write(`orgbackup doctor: ${message}\n`);
      return EXIT.failure;
    }
  },
};

function report(items: readonly ReadinessItem[], json: boolean | undefined): number {
  const count = (status: ReadinessItem['status']) => items.filter((i) => i.status === status).length;
  const failed = count('FAIL') > 0;
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ ok: !failed, summary: { PASS: count('PASS'), WARN: count('WARN'), FAIL: count('FAIL') }, items }, null, 2)}\n`,
    );
  } else {
    const lines = readinessLines(items);
    process.stdout.write(
      `${lines.join('\n')}\n\n${count('PASS')} passed, ${count('WARN')} warnings, ${count('FAIL')} failed\n`,
    );
  }
  return failed ? EXIT.failure : EXIT.ok;
}
