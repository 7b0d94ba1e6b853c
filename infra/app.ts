import { relative } from 'node:path';
import { App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { factoryForDefaultCredentials } from '../shared/aws/default-credentials.js';
import { readDeployedCoverage } from '../shared/aws/deployed-coverage.js';
import { ControllerError } from '../shared/domain/errors.js';
import { OrgBackupControllerStack } from './controller-stack.js';
import { guardCoverageDrop } from './coverage-guard.js';
import {
  contextBoolean,
  contextObject,
  loadDeploymentConfig,
  resolveConfigPath,
  resolveMemberTargets,
} from './deployment-config.js';
import { addForwardingStacks } from './management-forwarding.js';
import { memberBaselineNames } from './member-baseline.js';

/**
 * `npx cdk synth` entry point: the management stack plus one small forwarding stack per other Region of
 * the management account that needs one (policy Regions, and us-east-1 for Organizations events); deploy
 * them together with `npx cdk deploy --all`. Context (cdk.json or `-c key=value`):
 *   configPath             config file (default orgbackup.config.yaml; without either, synth fails)
 *   organizationId         o-…; absent: CloudFormation parameter OrganizationId at deploy time
 *   organizationalUnitIds  {"root": "r-…", "/Workloads/Prod": "ou-…"} for attachTo entries that are not ids
 *   createMemberExecutionRole  false when memberRoleName is an existing role in every account
 *   sweepPeriodHours       hours between full sweeps, 1 to 24 (default 6; events keep verdicts fresh between)
 * A config that `orgbackup validate` rejects fails synth with the same problems, and so does one that would
 * drop coverage for more than `allowCoverageDrop` percent of what the deployed policy covers (read with the
 * standard credential chain; skipped with a warning when nothing can be read).
 */
async function main(): Promise<void> {
  const app = new App();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const context = (key: string): unknown => app.node.tryGetContext(key);

  const configPath = resolveConfigPath(context('configPath') as string | undefined);
  process.stderr.write(`Synthesizing with the config ${relative(process.cwd(), configPath) || configPath}\n`);
  const config = loadDeploymentConfig(configPath);
  const homeRegion = process.env.CDK_DEFAULT_REGION ?? config.regions[0] ?? 'us-east-1';
  const guard = await guardCoverageDrop(
    config,
    homeRegion,
    async (desired) => {
      const { factory } = await factoryForDefaultCredentials({
        memberRoleName: config.memberRoleName,
        homeRegion,
      });
      return readDeployedCoverage(factory, desired);
    },
    (message) => process.stderr.write(`${message}\n`),
  );
  if (guard.kind === 'checked') {
    process.stderr.write(
      `Coverage against the deployed policy: ${guard.drop.lost.length} of ${guard.drop.coveredBefore} resources lost (${guard.drop.dropPercent.toFixed(1)}%, allowCoverageDrop ${config.allowCoverageDrop}%)\n`,
    );
  }
  const idsByName = contextObject(context('organizationalUnitIds'), 'organizationalUnitIds');
  const targets = resolveMemberTargets(config.attachTo, idsByName);
  const organizationId = context('organizationId') as string | undefined;

  const memberNames = memberBaselineNames(config);
  const main = new OrgBackupControllerStack(app, 'OrgBackupController', {
    env: cliEnvironment(),
    config,
    ...(organizationId ? { organizationId } : {}),
    ...(targets.unresolved.length === 0
      ? {
          memberTargets: {
            organizationalUnitIds: targets.organizationalUnitIds,
            accountIds: targets.accountIds,
            ...(idsByName.root ? { rootId: idsByName.root } : {}),
            excludedAccountIds: config.excludeAccounts,
          },
        }
      : {}),
    memberNames,
    createMemberExecutionRole: contextBoolean(
      context('createMemberExecutionRole'),
      'createMemberExecutionRole',
      true,
    ),
    memberTemplateContext: app.node.getAllContext(),
    ...(context('sweepPeriodHours') === undefined
      ? {}
      : { sweepPeriodHours: Number(context('sweepPeriodHours')) }),
  });
  addForwardingStacks(app, main, config.regions, memberNames);
  app.synth();
}

/** The account and Region the CDK CLI resolved from the user's credentials, when it resolved them. */
function cliEnvironment(): Environment {
  const { CDK_DEFAULT_ACCOUNT: account, CDK_DEFAULT_REGION: region } = process.env;
  return { ...(account ? { account } : {}), ...(region ? { region } : {}) };
}

main().catch((error: unknown) => {
  if (!(error instanceof ControllerError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
