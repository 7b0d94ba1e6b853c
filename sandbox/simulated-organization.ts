import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Pluggable } from '@smithy/types';
import { ControllerError } from '../shared/domain/errors.js';
import { addAccount, buildState } from './build.js';
import { type Call, isManagement, type ServiceHandlers } from './call.js';
import type { EffectiveNode } from './effective-policy.js';
import { EventRouter } from './events.js';
import { type CallCounts, CallMeter, FaultInjector } from './faults.js';
import { accessDeniedError, IamAuthorizer } from './iam/authorizer.js';
import {
  type ControllerDeploymentOptions,
  type DeployedController,
  deployController,
} from './iam/deployment.js';
import { CredentialRegistry } from './identity.js';
import { JobEngine } from './jobs.js';
import { effectivePolicyOf } from './organization.js';
import { createSandboxPlugin, type SandboxRequest } from './plugin.js';
import { type ServiceName, serviceError, serviceOfClient, throttlingError } from './sdk-errors.js';
import { accountHandlers } from './services/account.js';
import { backupHandlers } from './services/backup.js';
import { cloudTrailHandlers } from './services/cloudtrail.js';
import { ec2Handlers } from './services/ec2.js';
import { eventBridgeHandlers } from './services/eventbridge.js';
import { fsxHandlers } from './services/fsx.js';
import { iamHandlers } from './services/iam.js';
import { kmsHandlers } from './services/kms.js';
import { secretsHandlers, snsHandlers } from './services/notifications.js';
import { organizationsHandlers } from './services/organizations.js';
import { rdsHandlers } from './services/rds.js';
import { restoreTestingHandlers } from './services/restore-testing.js';
import { s3Handlers } from './services/s3.js';
import { slackWebhookFetch } from './services/slack-webhook.js';
import { stsHandlers } from './services/sts.js';
import { taggingHandlers } from './services/tagging.js';
import type {
  EventBridgeEvent,
  SentNotification,
  SimBackupJob,
  SimCopyJob,
  SimProtectedResource,
  SimRecoveryPoint,
  SimResource,
  SimRole,
  SimState,
  SimVault,
  SnsMessage,
} from './state.js';
import { applyTimelineEntry, type SkippedTimelineEntry } from './timeline.js';
import type { SandboxTiming } from './timing.js';
import type { FaultsInput, World } from './world.js';

/** Every operation the sandbox answers, by service. */
export const SERVICE_HANDLERS: Readonly<Record<ServiceName, ServiceHandlers>> = {
  account: accountHandlers,
  backup: { ...backupHandlers, ...restoreTestingHandlers },
  organizations: organizationsHandlers,
  tag: taggingHandlers,
  sts: stsHandlers,
  iam: iamHandlers,
  kms: kmsHandlers,
  events: eventBridgeHandlers,
  sns: snsHandlers,
  secretsmanager: secretsHandlers,
  cloudtrail: cloudTrailHandlers,
  ec2: ec2Handlers,
  rds: rdsHandlers,
  fsx: fsxHandlers,
  s3: s3Handlers,
};

/** A command the sandbox does not simulate: a gap in the sandbox, not an AWS error. */
export class SandboxUnsupportedOperationError extends ControllerError {
  constructor(operationKey: string) {
    super('SANDBOX_UNSUPPORTED_OPERATION', `The sandbox does not simulate ${operationKey}.`);
  }
}

export class SandboxClockError extends ControllerError {
  constructor(now: Date, requested: Date) {
    super(
      'SANDBOX_CLOCK',
      `The simulated clock cannot go back from ${now.toISOString()} to ${requested.toISOString()}.`,
    );
  }
}

/** One SDK call as it reached the simulation. */
export interface ObservedCall {
  readonly operationKey: string;
  readonly accountId: string;
  readonly region: string;
  readonly input: unknown;
}

/**
 * A simulated AWS Organization that real SDK v3 clients talk to through `plugin()`. Deterministic: the same
 * world, seed and sequence of calls and clock moves always give the same results.
 */
export class SimulatedOrganization {
  private readonly events: EventRouter;
  private readonly jobs: JobEngine;
  private readonly credentials = new CredentialRegistry();
  private readonly meter = new CallMeter();
  private readonly callListeners: ((call: ObservedCall) => void)[] = [];
  private readonly faults: FaultInjector;
  private readonly management: AwsCredentialIdentity;
  /** Present once a controller is deployed: from then on every call is decided against its IAM. */
  private authorizer: IamAuthorizer | undefined;
  private deployed: DeployedController | undefined;
  private readonly authorizationListeners: Parameters<IamAuthorizer['onDecision']>[0][] = [];
  private readonly world: World;
  /** The timed mode (latency, rate limits on a virtual clock); off unless a harness turns it on. */
  private timing: SandboxTiming | undefined;
  /** Read-only views for tests and runners. */
  readonly inspect: SandboxInspector;

  private constructor(
    private readonly state: SimState,
    world: World,
    seed: number | string,
  ) {
    this.world = world;
    this.events = new EventRouter(state);
    this.jobs = new JobEngine(state, this.events);
    this.faults = new FaultInjector(world.faults, seed, this.meter);
    this.management = this.credentials.issueUser(
      state.organization.managementAccountId,
      'org-backup-operator',
    );
    this.inspect = new SandboxInspector(state, this.events);
    const context = {
      state,
      skipped: this.inspect.skippedTimelineEntries,
      events: this.events,
      jobs: this.jobs,
      addAccount: (
        id: string,
        parentId: string,
        spec: World['accounts'][string] | undefined,
        name: string | undefined,
      ) => addAccount(state, id, parentId, spec, name),
      accountPlaced: (id: string) => this.deployed?.baseline.accountPlaced(id),
    };
    world.timeline.forEach((entry, index) => {
      this.jobs.at(new Date(entry.at), () => applyTimelineEntry(context, entry, `timeline[${index}]`));
    });
  }

  static fromWorld(world: World, options: { seed?: number | string } = {}): SimulatedOrganization {
    const seed = options.seed ?? 1;
    return new SimulatedOrganization(buildState(world, seed), world, seed);
  }

  now(): Date {
    return new Date(this.state.now);
  }

  /** Applies timeline entries, scheduled backup runs and job progress, in time order, up to `time`. */
  advanceTo(time: Date): void {
    if (time < this.state.now) throw new SandboxClockError(this.state.now, time);
    this.jobs.advanceTo(time);
  }

  advanceBy(milliseconds: number): void {
    this.advanceTo(new Date(this.state.now.getTime() + milliseconds));
  }

  /** The SDK plugin: `client.middlewareStack.use(sim.plugin())`, and `clientPlugins` of fromTemporaryCredentials. */
  // biome-ignore lint/suspicious/noExplicitAny: like the SDK's clientPlugins, one plugin fits clients of every service.
  plugin(): Pluggable<any, any> {
    return createSandboxPlugin(
      (request) => this.dispatch(request),
      () => this.faults.active() || (this.timing !== undefined && !this.timing.paused),
      (callId) => this.timing?.settled(callId),
    );
  }

  /** Turns on the timed mode: from now on every call waits on `timing`'s clock and passes its rate limits. */
  useTiming(timing: SandboxTiming): void {
    this.timing = timing;
  }

  /**
   * Deploys the controller as `cdk deploy` would (see sandbox/iam/deployment.ts): its functions' roles, the
   * member baseline in every targeted account (now, and `baselineDelayMinutes` after an account joins or moves
   * in), and IAM enforcement of every later call against the synthesized policies.
   */
  deployController(
    options: Omit<ControllerDeploymentOptions, 'controllerRegion' | 'baselineDelayMinutes' | 'centralBusArn'>,
  ): DeployedController {
    const controllerRegion = this.world.controllerRegion;
    this.deployed = deployController(this.state, this.credentials, (at, run) => this.jobs.at(at, run), {
      ...options,
      controllerRegion,
      baselineDelayMinutes: this.world.baselineDelayMinutes,
      centralBusArn: this.centralBusArn(controllerRegion),
    });
    this.authorizer = new IamAuthorizer(this.state);
    for (const listener of this.authorizationListeners) this.authorizer.onDecision(listener);
    return this.deployed;
  }

  /** The Region the controller runs in (world `controllerRegion`). */
  controllerRegion(): string {
    return this.world.controllerRegion;
  }

  /** Every IAM decision from now on, once a controller is deployed (tests that compare granted with used). */
  onAuthorization(listener: Parameters<IamAuthorizer['onDecision']>[0]): void {
    this.authorizationListeners.push(listener);
    this.authorizer?.onDecision(listener);
  }

  /** Static credentials of the management account's operator user, as a credential provider. */
  managementCredentials(): AwsCredentialIdentityProvider {
    const identity = { ...this.management };
    return async () => identity;
  }

  managementAccountId(): string {
    return this.state.organization.managementAccountId;
  }

  organizationId(): string {
    return this.state.organization.id;
  }

  /** Every account in the organization, including ones a timeline entry created. */
  accountIds(): string[] {
    return [...this.state.organization.accounts.keys()].sort();
  }

  /** The bus forwarded events count as delivered to: the world's centralBusArn, or a default in `region`. */
  centralBusArn(region: string): string {
    return (
      this.state.centralBus.configuredArn ??
      `arn:aws:events:${region}:${this.managementAccountId()}:event-bus/org-backup-events`
    );
  }

  callCounts(): CallCounts {
    return this.meter.snapshot();
  }

  writeCallCount(): number {
    return this.meter.snapshot().writes;
  }

  /** Tells `listener` of every call as it arrives (tests count calls by input); returns the unsubscribe. */
  onCall(listener: (call: ObservedCall) => void): () => void {
    this.callListeners.push(listener);
    return () => this.callListeners.splice(this.callListeners.indexOf(listener), 1);
  }

  resetCounters(): void {
    this.meter.reset();
  }

  setFaults(faults: FaultsInput): void {
    this.faults.set(faults);
  }

  onCentralBusEvent(listener: (event: EventBridgeEvent) => void): () => void {
    return this.state.centralBus.onEvent(listener);
  }

  drainCentralBusEvents(): EventBridgeEvent[] {
    return this.state.centralBus.drain();
  }

  snsMessages(): readonly SnsMessage[] {
    return [...this.state.snsMessages];
  }

  /** Every message SNS and the Slack webhook accepted, in order. */
  notifications(): readonly SentNotification[] {
    return [...this.state.notifications];
  }

  /** Bodies the Slack webhook accepted. */
  slackPosts(): readonly { readonly at: Date; readonly body: string }[] {
    return [...this.state.slackPosts];
  }

  /** The Slack webhook answers the next posts with these errors (a 429 may carry Retry-After seconds). */
  failSlackPosts(...failures: { status: number; retryAfterSeconds?: number }[]): void {
    this.state.slackFailures.push(...failures);
  }

  /**
   * Deletes a vault's recovery points of one resource, as someone with DeleteRecoveryPoint in that account
   * could (tests: a copy gone from the central vault). Returns how many were deleted.
   */
  deleteRecoveryPoints(accountId: string, region: string, vaultName: string, resourceArn: string): number {
    const vault = this.inspect.vault(accountId, region, vaultName);
    if (!vault) return 0;
    const kept = vault.recoveryPoints.filter((point) => point.resourceArn !== resourceArn);
    const deleted = vault.recoveryPoints.length - kept.length;
    vault.recoveryPoints.splice(0, vault.recoveryPoints.length, ...kept);
    return deleted;
  }

  /** The `fetch` through which the controller reaches Slack's incoming webhook. */
  slackWebhook(): typeof fetch {
    return slackWebhookFetch(this.state);
  }

  private async dispatch(request: SandboxRequest): Promise<Record<string, unknown> | undefined> {
    const service = serviceOfClient(request.clientName);
    if (!service) return undefined;
    const caller = this.credentials.callerOf(request.accessKeyId);
    if (!caller) {
      throw serviceError(
        service,
        service === 'sts' || service === 'iam' ? 'InvalidClientTokenId' : 'UnrecognizedClientException',
        'The security token included in the request is invalid.',
        {},
        403,
      );
    }
    const operationKey = `${service}:${request.operation}`;
    this.meter.record(operationKey, caller.accountId);
    for (const listener of this.callListeners) {
      listener({ operationKey, accountId: caller.accountId, region: request.region, input: request.input });
    }
    await this.faults.before(service, operationKey, caller.accountId, request.region);
    if (
      this.timing &&
      !(await this.timing.attempt(request, service, operationKey, caller.accountId, request.region))
    ) {
      this.meter.countThrottle();
      throw throttlingError(service);
    }
    const handler = SERVICE_HANDLERS[service][request.operation];
    if (!handler) throw new SandboxUnsupportedOperationError(operationKey);
    const call: Call = {
      state: this.state,
      events: this.events,
      jobs: this.jobs,
      credentials: this.credentials,
      caller,
      region: request.region,
      service,
      operation: request.operation,
    };
    denyByRegionScp(call);
    this.authorizer?.authorize(call, request.input);
    return handler(call, request.input) as Record<string, unknown>;
  }
}

/** Services with one global endpoint, which Region-deny SCPs leave out (aws:RequestedRegion is us-east-1 for them). */
const GLOBAL_SERVICES: ReadonlySet<ServiceName> = new Set(['account', 'organizations', 'iam', 'sts']);

/**
 * A Region-deny service control policy (world `deniedRegions`): every regional call of the account's
 * principals there is refused, in AWS's wording for an SCP deny
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html). SCPs never apply to the
 * management account (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html).
 */
function denyByRegionScp(call: Call): void {
  if (GLOBAL_SERVICES.has(call.service) || isManagement(call)) return;
  if (!call.state.account(call.caller.accountId)?.deniedRegions.has(call.region)) return;
  throw accessDeniedError(
    call.service,
    `User: ${call.caller.arn} is not authorized to perform: ${call.service}:${call.operation} with an explicit deny in a service control policy`,
  );
}

/** Read-only questions tests and runners ask about the simulated world. */
export class SandboxInspector {
  /** Timeline entries that found nothing to act on, with why. */
  readonly skippedTimelineEntries: SkippedTimelineEntry[] = [];

  constructor(
    private readonly state: SimState,
    private readonly events: EventRouter,
  ) {}

  organizationId(): string {
    return this.state.organization.id;
  }

  rootId(): string {
    return this.state.organization.rootId;
  }

  vault(accountId: string, region: string, name: string): Readonly<SimVault> | undefined {
    return this.state.account(accountId) ? this.state.region(accountId, region).vaults.get(name) : undefined;
  }

  vaultExists(accountId: string, region: string, name: string): boolean {
    return this.vault(accountId, region, name) !== undefined;
  }

  backupJobs(filter: { accountId?: string; region?: string } = {}): readonly Readonly<SimBackupJob>[] {
    return this.regions(filter).flatMap((region) => region.backupJobs);
  }

  copyJobs(filter: { accountId?: string; region?: string } = {}): readonly Readonly<SimCopyJob>[] {
    return this.regions(filter).flatMap((region) => region.copyJobs);
  }

  recoveryPoints(
    accountId: string,
    region: string,
    vaultName: string,
  ): readonly Readonly<SimRecoveryPoint>[] {
    return this.vault(accountId, region, vaultName)?.recoveryPoints ?? [];
  }

  protectedResources(accountId: string, region: string): readonly Readonly<SimProtectedResource>[] {
    return this.state.account(accountId)
      ? [...this.state.region(accountId, region).protectedResources.values()]
      : [];
  }

  /** An IAM role of an account (the member baseline's, a function's, or one the world declares). */
  role(accountId: string, name: string): Readonly<SimRole> | undefined {
    return this.state.account(accountId)?.roles.get(name);
  }

  resource(arn: string): Readonly<SimResource> | undefined {
    return this.state.resources.get(arn);
  }

  effectivePolicy(accountId: string): EffectiveNode | null {
    return effectivePolicyOf(this.state, accountId);
  }

  /** Every event emitted in any account and Region, whether or not it reached the central bus. */
  emittedEvents(): readonly EventBridgeEvent[] {
    return this.events.emitted;
  }

  crossAccountBackupEnabled(): boolean {
    return this.state.organization.crossAccountBackupEnabled;
  }

  private regions(filter: { accountId?: string; region?: string }) {
    return [...this.state.organization.accounts.values()]
      .filter((account) => filter.accountId === undefined || account.id === filter.accountId)
      .flatMap((account) => [...account.regions.values()])
      .filter((region) => filter.region === undefined || region.region === filter.region);
  }
}
