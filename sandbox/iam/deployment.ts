import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { CredentialRegistry } from '../identity.js';
import { MemberBaseline, putDefaultBusRules, simRole } from '../organization-baseline.js';
import type { SimState } from '../state.js';
import { listOf, statementsOf } from './policy.js';
import { type IamSnapshot, iamSnapshot, instantiate, type SnapshotFacts } from './snapshot.js';

/** The Lambda functions of the deployed controller, each with its own role. */
export const CONTROLLER_FUNCTIONS = ['sweep', 'reconcile-target', 'events', 'notify', 'report'] as const;
export type ControllerFunctionName = (typeof CONTROLLER_FUNCTIONS)[number];

/** What `cdk deploy` of a given config puts into the organization (from the config and the world). */
export interface ControllerDeploymentOptions {
  /** Where the main stack runs (the functions' Region). */
  readonly controllerRegion: string;
  /** The config's backup Regions: the StackSet's Regions. */
  readonly regions: readonly string[];
  readonly attachTo: readonly string[];
  readonly excludeAccounts: readonly string[];
  readonly memberRoleName: string;
  readonly backupRoleName: string;
  readonly vaultName: string;
  readonly centralVault?: { readonly name: string; readonly accountId: string } | null | undefined;
  /** The Slack webhook secret the notify and events functions may read (none: a name that matches no secret). */
  readonly slackSecretName?: string | null;
  /** Minutes between an account joining (or moving into) a targeted OU and its baseline stack instances. */
  readonly baselineDelayMinutes: number;
  /** The central bus ARN the simulation delivers to. */
  readonly centralBusArn: string;
  /** @default the committed sandbox/iam-snapshot.json */
  readonly snapshot?: IamSnapshot;
}

export interface DeployedController {
  /** The credentials a function's handler runs with (a session of its execution role). */
  credentials(fn: ControllerFunctionName): AwsCredentialIdentityProvider;
  /** The topic the notify function may publish to. */
  readonly alertTopicArn: string;
  readonly baseline: MemberBaseline;
}

export class UnknownFunctionRoleError extends Error {}

/**
 * Creates, in the simulated organization, what the CDK app deploys: each function's role in the management
 * account, the roles and forwarding rules the management stacks make there (in every policy Region), and
 * the member baseline (roles and forwarding rules) in every targeted account.
 */
export function deployController(
  state: SimState,
  registry: CredentialRegistry,
  schedule: (at: Date, run: () => void) => void,
  options: ControllerDeploymentOptions,
): DeployedController {
  const snapshot = options.snapshot ?? iamSnapshot();
  const management = state.organization.managementAccountId;
  const shared: Omit<SnapshotFacts, 'account' | 'region'> = {
    managementAccount: management,
    controllerRegion: options.controllerRegion,
    organizationId: state.organization.id,
    rootId: state.organization.rootId,
    centralBusArn: options.centralBusArn,
    memberRoleName: options.memberRoleName,
    backupRoleName: options.backupRoleName,
    vaultName: options.vaultName,
    centralVaultName: options.centralVault?.name ?? options.vaultName,
    centralVaultAccount: options.centralVault?.accountId ?? management,
    slackSecretName: options.slackSecretName ?? 'no-slack-webhook-configured',
  };
  const inManagement = { ...shared, account: management, region: options.controllerRegion };
  const account = state.account(management);
  if (!account) throw new Error(`sandbox: unknown management account ${management}`);

  const functionRoles = new Map<ControllerFunctionName, string>();
  for (const fn of CONTROLLER_FUNCTIONS) {
    const template = snapshot.functions[fn];
    if (!template) throw new UnknownFunctionRoleError(`iam-snapshot.json has no role for the ${fn} function`);
    const role = instantiate(template, inManagement);
    account.roles.set(role.name, simRole(management, role, state.now));
    functionRoles.set(fn, role.name);
  }
  for (const template of snapshot.managementRoles) {
    const role = instantiate(template, inManagement);
    if (!account.roles.has(role.name)) account.roles.set(role.name, simRole(management, role, state.now));
  }
  for (const region of options.regions) {
    putDefaultBusRules(state, management, region, instantiate(snapshot.managementRules, inManagement));
  }
  state.deployedMemberRoleName = options.memberRoleName;

  const baseline = new MemberBaseline(
    state,
    {
      regions: options.regions,
      targets: options.attachTo,
      excludedAccounts: options.excludeAccounts,
      delayMinutes: options.baselineDelayMinutes,
      facts: shared,
      template: snapshot.memberBaseline,
    },
    schedule,
  );
  baseline.deployAll();

  const notify = instantiate(snapshot.functions.notify, inManagement);
  const alertTopicArn =
    notify?.policies
      .flatMap((policy) => statementsOf(policy.document))
      .filter((statement) => listOf(statement.Action).includes('sns:Publish'))
      .flatMap((statement) => listOf(statement.Resource))[0] ??
    `arn:aws:sns:${options.controllerRegion}:${management}:orgbackup-alerts`;

  const sessions = new Map<ControllerFunctionName, ReturnType<CredentialRegistry['issueSession']>>();
  return {
    credentials(fn) {
      let issued = sessions.get(fn);
      if (!issued) {
        issued = registry.issueSession(management, functionRoles.get(fn) ?? '', `orgbackup-${fn}`);
        sessions.set(fn, issued);
      }
      const identity = { ...issued };
      return async () => identity;
    },
    alertTopicArn,
    baseline,
  };
}
