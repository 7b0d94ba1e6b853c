import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import cdkJson from '../../cdk.json' with { type: 'json' };
import {
  OrgBackupControllerStack,
  type OrgBackupControllerStackProps,
} from '../../infra/controller-stack.js';
import { loadDeploymentConfig } from '../../infra/deployment-config.js';
import { memberBaselineNames } from '../../infra/member-baseline.js';

export const FIXTURE_CONFIG = fileURLToPath(new URL('./fixtures/orgbackup.config.yaml', import.meta.url));
export const ORGANIZATION_ID = 'o-abcdefghij';
export const TARGET_OU_IDS = ['r-ab12', 'ou-ab12-cdef3456'];
export const MANAGEMENT_ACCOUNT = '111111111111';
/** Where the README recommends deploying; the fixture's policy Regions are elsewhere too. */
export const STACK_REGION = 'eu-central-1';

/** cdk.json's feature flags (a test App does not read cdk.json), as `cdk synth` sees them; esbuild skipped. */
export const TEST_CONTEXT = { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] };

/** cdk.json's feature flags with esbuild running, as `cdk synth` bundles the functions. */
export const BUNDLING_CONTEXT = cdkJson.context;

/**
 * The management stack as the app builds it, from the fixture config. Bundling is skipped unless the
 * context asks for it, so every handler entry points at this (existing) file by default: unbundled, a
 * function's code is only the entry's directory.
 */
export function synthStack(
  overrides: Partial<OrgBackupControllerStackProps> = {},
  context: Record<string, unknown> = TEST_CONTEXT,
): {
  app: App;
  stack: OrgBackupControllerStack;
} {
  const app = new App({ context });
  const config = loadDeploymentConfig(FIXTURE_CONFIG);
  const stack = new OrgBackupControllerStack(app, 'OrgBackupController', {
    env: { account: MANAGEMENT_ACCOUNT, region: STACK_REGION },
    config,
    organizationId: ORGANIZATION_ID,
    memberTargets: { organizationalUnitIds: TARGET_OU_IDS, excludedAccountIds: config.excludeAccounts },
    memberNames: memberBaselineNames(config),
    createMemberExecutionRole: true,
    memberTemplateContext: TEST_CONTEXT,
    handlerEntry: () => fileURLToPath(import.meta.url),
    ...overrides,
  });
  return { app, stack };
}

let shared: { app: App; stack: OrgBackupControllerStack; template: Template } | undefined;

/**
 * The management stack with the fixture's defaults, synthesized once per test worker: the infra tests that
 * only read it share one synthesis (tests that change props or add stacks call `synthStack` themselves).
 */
export function sharedStack(): { app: App; stack: OrgBackupControllerStack; template: Template } {
  if (!shared) {
    const { app, stack } = synthStack();
    shared = { app, stack, template: Template.fromStack(stack) };
  }
  return shared;
}
