import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createEventsHandler } from '../functions/events.js';
import { createNotifyHandler } from '../functions/notify.js';
import {
  createReconcileHandler,
  type ReconcileResult,
  summarizeTarget,
} from '../functions/reconcile-target.js';
import { createSweepHandler } from '../functions/sweep.js';
import { AccountAncestryReader } from '../shared/aws/account-ancestry.js';
import { ClientFactory } from '../shared/aws/clients.js';
import type { FailedTarget } from '../shared/aws/fan-out-results.js';
import { alertChannelClients } from '../shared/aws/sdk/alert-channels.js';
import { buildComplianceReport } from '../shared/controller/build-report.js';
import { mapConcurrently } from '../shared/controller/concurrently.js';
import { readDeployedConfig } from '../shared/controller/deployed-config.js';
import { writeDeployedConfig } from '../shared/controller/deployed-config-writer.js';
import { type ControllerDeps, type Log, noMetrics, silentLog } from '../shared/controller/deps.js';
import { OrgFactsCache } from '../shared/controller/org-facts.js';
import {
  type BatchOutcome,
  reconcileTargetBatch,
  type TargetBatch,
} from '../shared/controller/reconcile-batch.js';
import type { SweepPlan } from '../shared/controller/sweep.js';
import type { Config } from '../shared/domain/config/index.js';
import { buildDesiredState } from '../shared/domain/desired.js';
import type { ComplianceReport, ReportSummary } from '../shared/domain/model.js';
import { AlertMemory } from '../shared/notify/alert-memory.js';
import { AlertPublisher } from '../shared/notify/publisher.js';
import { FindingsStore } from '../shared/store/findings-store.js';
import {
  CONTROLLER_FUNCTIONS,
  type ControllerFunctionName,
  type DeployedController,
} from './iam/deployment.js';
import { SimulatedOrganization } from './index.js';
import { createFindingsTable, createIdempotencyTable } from './local-dynamo/create-table.js';
import { type EmbeddedDynamo, startEmbeddedDynamo } from './local-dynamo/engine.js';
import type { SandboxTiming } from './timing.js';
import type { World } from './world.js';

export interface HarnessOptions {
  readonly world: World;
  readonly config: Config;
  readonly seed: number;
  readonly log?: Log;
  /** Extra setup on the simulation before anything runs (faults, tests). */
  readonly prepare?: (sim: SimulatedOrganization) => void;
  /**
   * The delay before each SDK retry, in wall-clock ms. By default the SDK's backoff is spent on the
   * simulated clock instead (see `simulatedBackoff`), so injected throttling costs no wall time.
   */
  readonly retryDelayMs?: (attempt: number) => number;
  /**
   * SDK attempts per call (the client factory's default: 5). Under heavy injected throttling some call runs
   * out of attempts now and then, and its target turns UNKNOWN, as it would in AWS.
   */
  readonly maxAttempts?: number;
  /**
   * The timed mode (benchmarks): simulated latency and rate limits on a virtual clock, and the fan-out at
   * the deployed concurrency. Off by default, so tests and `npm start` run untimed.
   */
  readonly timing?: SandboxTiming;
}

export interface SweepOutcome {
  readonly runId: string;
  readonly org: ReconcileResult;
  readonly targets: readonly ReconcileResult[];
  /** Targets whose reconcile failed (the state machine's Catch records them). */
  readonly failedTargets: readonly {
    readonly accountId: string;
    readonly region: string;
    readonly error: string;
  }[];
  readonly summary: ReportSummary;
}

/**
 * The deployed controller, wired to a simulated organization: production handlers, use cases, SDK clients
 * and store; the simulation answers the SDK calls and DynamoDB is the embedded engine. `sweep()` runs one
 * sweep the way the state machine does; `deliverEvents()` hands the central bus's events to the `events`
 * function as one SQS batch. Tests step it by hand; `runSandbox` drives it for days.
 */
export class SandboxHarness {
  private readonly published = new Map<string, SweepPlan['targets']>();
  private readonly sweepHandler;
  private readonly reconcileHandler;
  private readonly notifyHandler;
  private readonly eventsHandler;
  /** The simulated time at which the virtual clock read 0, as of the current sweep. */
  private timingOrigin = 0;

  private constructor(
    readonly sim: SimulatedOrganization,
    private readonly depsByFunction: ReadonlyMap<ControllerFunctionName, ControllerDeps>,
    private readonly engine: EmbeddedDynamo,
    persistence: DynamoDBPersistenceLayer,
    private readonly claims: { current: ClaimTurns | undefined },
    private readonly timing: SandboxTiming | undefined,
    /** A new reconcile container's composition root (the timed fan-out starts one per slot). */
    private readonly newReconcileContainer: () => ControllerDeps,
  ) {
    this.sweepHandler = createSweepHandler(
      () => this.depsOf('sweep'),
      // Stands in for the sweep bucket and the Distributed Map's item reader.
      () => async (plan) => {
        this.published.set(plan.runId, plan.targets);
        return plan.runId;
      },
    );
    this.reconcileHandler = createReconcileHandler(() => this.depsOf('reconcile-target'));
    this.notifyHandler = createNotifyHandler(() => this.depsOf('notify'));
    this.eventsHandler = createEventsHandler(
      () => this.depsOf('events'),
      () => persistence,
    );
  }

  static async start(given: HarnessOptions): Promise<SandboxHarness> {
    // The functions get their config as a deployed function does: the document synth writes (which
    // validates it), read back the way the function reads it.
    const options = { ...given, config: readDeployedConfig(writeDeployedConfig(given.config)) };
    const sim = SimulatedOrganization.fromWorld(options.world, { seed: options.seed });
    options.prepare?.(sim);
    if (options.timing) sim.useTiming(options.timing);
    const engine = await startEmbeddedDynamo();
    options.timing?.timeDynamoDb(engine.client);
    try {
      await createFindingsTable(engine.client, FINDINGS_TABLE);
      await createIdempotencyTable(engine.client, IDEMPOTENCY_TABLE);
      const claims: { current: ClaimTurns | undefined } = { current: undefined };
      const deployed = sim.deployController({
        regions: options.config.regions,
        attachTo: options.config.attachTo,
        excludeAccounts: options.config.excludeAccounts,
        memberRoleName: options.config.memberRoleName,
        backupRoleName: options.config.backupRoleName,
        vaultName: options.config.vault.name,
        centralVault: options.config.centralVault,
        slackSecretName: options.config.alerts.slackWebhookSecretName,
      });
      const store = new OrderedClaimsStore(
        { client: engine.client, tableName: FINDINGS_TABLE },
        () => claims.current,
      );
      const deps = new Map(
        CONTROLLER_FUNCTIONS.map(
          (fn) => [fn, sandboxDeps(sim, engine, store, options, deployed, fn)] as const,
        ),
      );
      const persistence = new DynamoDBPersistenceLayer({
        tableName: IDEMPOTENCY_TABLE,
        awsSdkV3Client: engine.client,
      });
      return new SandboxHarness(sim, deps, engine, persistence, claims, options.timing, () =>
        sandboxDeps(sim, engine, store, options, deployed, 'reconcile-target'),
      );
    } catch (error) {
      await engine.stop();
      throw error;
    }
  }

  /** The reconcile-target function's dependencies (the use case tests drive most). */
  get deps(): ControllerDeps {
    return this.depsOf('reconcile-target');
  }

  /**
   * Clients as a person at the CLI has them: the management account operator's credentials, reaching member
   * accounts through `memberRoleName` (a role there that trusts the management account), never a function's.
   */
  operatorFactory(memberRoleName: string): ClientFactory {
    return new ClientFactory({
      managementAccountId: this.sim.managementAccountId(),
      memberRoleName,
      homeRegion: this.sim.controllerRegion(),
      plugins: [this.sim.plugin()],
      credentials: this.sim.managementCredentials(),
      clock: { now: () => this.sim.now() },
      retryDelayMs: simulatedBackoff(this.sim),
    });
  }

  /** What one function's handler runs with: its own credentials, the shared store and clock. */
  depsOf(fn: ControllerFunctionName): ControllerDeps {
    const deps = this.depsByFunction.get(fn);
    if (!deps) throw new Error(`sandbox: no function ${fn}`);
    return deps;
  }

  get store(): FindingsStore {
    return this.deps.store;
  }

  /** The findings table on the embedded engine, for tests that open a second store on it. */
  get findingsTable(): { readonly client: EmbeddedDynamo['client']; readonly tableName: string } {
    return { client: this.engine.client, tableName: FINDINGS_TABLE };
  }

  /** One scheduled sweep: list targets, reconcile the org, then every target (in parallel), then notify. */
  async sweep(): Promise<SweepOutcome> {
    if (this.timing) this.timingOrigin = this.sim.now().getTime() - this.timing.clock.now();
    const plan = await this.sweepHandler();
    this.followVirtualClock();
    const org = await this.reconcileHandler({ runId: plan.runId, target: { kind: 'org' } });
    // Like the state machine's Catch, a target that still fails is recorded as failed, not lost.
    const failedTargets: { accountId: string; region: string; error: string }[] = [];
    const run = {
      runId: plan.runId,
      totalAccounts: plan.totalAccounts,
      crossAccountBackupEnabled: org.crossAccountBackupEnabled ?? null,
    };
    const items = this.published.get(plan.targetsKey) ?? [];
    const timing = this.timing;
    const targets =
      timing && !timing.paused
        ? await this.timedFanOut(timing, run, items, failedTargets)
        : await this.fanOut(run, items, failedTargets);
    this.followVirtualClock();
    this.claims.current = undefined;
    this.published.delete(plan.targetsKey);
    const finished = await this.notifyHandler({ runId: plan.runId, failedTargets });
    const summary = 'summary' in finished ? finished.summary : (await this.store.summary()).total;
    return { runId: plan.runId, org, targets, failedTargets, summary };
  }

  /**
   * The untimed fan-out: each target its own invocation of the reconcile function, `FAN_OUT` at once. The
   * claims on the run's blast-radius budget are settled in account order (see AccountClaimTurns), so a
   * world, a config and a seed give the same report.
   */
  private async fanOut(
    run: Omit<TargetBatch, 'targets'>,
    items: SweepPlan['targets'],
    failedTargets: FailedTarget[],
  ): Promise<ReconcileResult[]> {
    const turns = new AccountClaimTurns(items.map((target) => target.accountId));
    this.claims.current = turns;
    const outcomes = await mapConcurrently(items, FAN_OUT, (target) =>
      turns.run(target.accountId, () =>
        this.reconcileHandler({ ...run, target }).catch((error: unknown) => {
          failedTargets.push({ accountId: target.accountId, region: target.region, error: String(error) });
          return null;
        }),
      ),
    );
    return outcomes.filter((outcome): outcome is ReconcileResult => outcome !== null);
  }

  /**
   * The timed fan-out as deployed: the Map's ItemBatcher hands `targetsPerInvocation` targets at a time to
   * the batch use case, at most `fanOutConcurrency` invocations run at once, and each slot is a container of
   * its own (its own client factory, SDK clients and their retry quota, as each Lambda container has),
   * reused for its later batches as Lambda reuses a warm container; its first invocation starts cold.
   * Claims are settled in batch order (see BatchClaimTurns).
   */
  private async timedFanOut(
    timing: SandboxTiming,
    run: Omit<TargetBatch, 'targets'>,
    items: SweepPlan['targets'],
    failedTargets: FailedTarget[],
  ): Promise<ReconcileResult[]> {
    const size = timing.options.targetsPerInvocation;
    const batches = Array.from({ length: Math.ceil(items.length / size) }, (_, index) =>
      items.slice(index * size, (index + 1) * size),
    );
    const turns = new BatchClaimTurns(batches.map((_, index) => `batch ${index}`));
    this.claims.current = turns;
    const outcomes: BatchOutcome[] = [];
    let next = 0;
    const container = async () => {
      const deps = this.newReconcileContainer();
      let cold = true;
      for (let index = next++; index < batches.length; index = next++) {
        const targets = batches[index] ?? [];
        outcomes[index] = await timing.fanOutItem(
          targets.map((target) => `${target.accountId}/${target.region}`),
          cold,
          () =>
            turns.run(`batch ${index}`, () => {
              this.followVirtualClock();
              return reconcileTargetBatch(deps, { ...run, targets }, targets.length);
            }),
        );
        cold = false;
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(timing.options.fanOutConcurrency, batches.length) }, container),
    );
    for (const outcome of outcomes) failedTargets.push(...outcome.failed);
    return outcomes.flatMap((outcome) => outcome.reconciled.map(summarizeTarget));
  }

  /**
   * In the timed mode the simulated organization's clock follows the virtual one (a sweep takes minutes),
   * so what the controller records carries the time it really observed at.
   */
  private followVirtualClock(): void {
    if (!this.timing) return;
    const at = this.timingOrigin + this.timing.clock.now();
    if (at > this.sim.now().getTime()) this.sim.advanceTo(new Date(at));
  }

  /** Hands everything on the central bus to the `events` function as one SQS batch; undefined when empty. */
  async deliverEvents(): Promise<{ delivered: number; response: SQSBatchResponse } | undefined> {
    const batch = this.sim.drainCentralBusEvents();
    if (batch.length === 0) return undefined;
    const response = await this.deliver(batch);
    return { delivered: batch.length, response };
  }

  /** Sends raw bodies through the `events` function (tests use it for hand-made and malformed events). */
  deliver(bodies: readonly unknown[]): Promise<SQSBatchResponse> {
    return this.eventsHandler(toSqsEvent(bodies, this.sim.now().getTime()), EVENTS_CONTEXT);
  }

  report(): Promise<ComplianceReport> {
    return buildComplianceReport(this.store, {
      mode: this.deps.desired.mode,
      now: this.sim.now(),
      accountIds: this.sim.accountIds(),
    });
  }

  close(): Promise<void> {
    return this.engine.stop();
  }
}

/** Targets reconciled at once in the sandbox's stand-in for the Distributed Map. */
const FAN_OUT = 8;
const FINDINGS_TABLE = 'orgbackup-findings';
const IDEMPOTENCY_TABLE = 'orgbackup-idempotency';

/** One function's composition root, as lambdaDeps builds it in that function's container. */
function sandboxDeps(
  sim: SimulatedOrganization,
  engine: EmbeddedDynamo,
  store: FindingsStore,
  options: HarnessOptions,
  deployed: DeployedController,
  fn: ControllerFunctionName,
): ControllerDeps {
  const managementAccountId = sim.managementAccountId();
  // The function's AWS_REGION: where the controller is deployed.
  const homeRegion = sim.controllerRegion();
  const desired = buildDesiredState(options.config, {
    managementAccountId,
    organizationId: sim.organizationId(),
    homeRegion,
    eventBusArn: sim.centralBusArn(homeRegion),
  });
  const factory = new ClientFactory({
    managementAccountId,
    memberRoleName: desired.memberRoleName,
    homeRegion,
    plugins: [sim.plugin()],
    credentials: deployed.credentials(fn),
    clock: { now: () => sim.now() },
    // The timed mode waits the backoff on its virtual clock; the SDK's own timer then waits 0 ms.
    retryDelayMs: options.retryDelayMs ?? (options.timing ? () => 0 : simulatedBackoff(sim)),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
  const log = options.log ?? silentLog;
  return {
    desired,
    factory,
    store,
    clock: { now: () => sim.now() },
    orgFacts: new OrgFactsCache({ now: () => sim.now() }, desired),
    log,
    metrics: noMetrics,
    publisher: new AlertPublisher({
      clients: async () => alertChannelClients(factory, homeRegion),
      topicArn: deployed.alertTopicArn,
      slackSecretName: options.config.alerts.slackWebhookSecretName,
      settings: options.config.alerts,
      memory: new AlertMemory({ client: engine.client, tableName: FINDINGS_TABLE }),
      ancestry: new AccountAncestryReader(factory),
      reportEndpoint: options.config.report.endpoint ?? null,
      // Slack's side is the simulation's webhook; its waits and time budget run on the simulated clock.
      fetch: sim.slackWebhook(),
      now: () => sim.now().getTime(),
      sleep: async (ms) => sim.advanceBy(ms),
      logger: log,
    }),
    // Waiting (EnablePolicyType polling, conflict retries) lets simulated time pass, as it would in AWS.
    sleep: async (ms) => sim.advanceBy(ms),
  };
}

/** The SDK's standard backoff: exponential from 100 ms, capped at 20 s (jitter left out, for reproducible runs). */
const RETRY_BASE_MS = 100;
const RETRY_CAP_MS = 20_000;

/**
 * SDK retries that wait on the simulated clock: the backoff moves simulated time forward, as the wait would
 * in AWS, and the SDK itself sleeps 0 ms. Which errors are retried, and how often, stays the SDK's decision.
 */
function simulatedBackoff(sim: SimulatedOrganization): (attempt: number) => number {
  return (attempt) => {
    sim.advanceBy(Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attempt));
    return 0;
  };
}

/** The findings store, with its blast-radius claims taken in target order during a sweep. */
class OrderedClaimsStore extends FindingsStore {
  constructor(
    options: ConstructorParameters<typeof FindingsStore>[0],
    private readonly turns: () => ClaimTurns | undefined,
  ) {
    super(options);
  }

  override claimAccountChange(runId: string, accountId: string, limit: number): Promise<boolean> {
    const attempt = () => super.claimAccountChange(runId, accountId, limit);
    return this.turns()?.claim(accountId, attempt) ?? attempt();
  }
}

/**
 * Orders concurrent reconciles' blast-radius claims by unit of work, in the order the sweep listed them: a
 * unit's claim waits until every earlier unit has claimed or finished all its work. Earlier units always
 * start first and never wait on later ones, so this cannot deadlock; in AWS the order is whatever the
 * Distributed Map's timing makes it. What a unit is, and how a claim finds its own, is the fan-out's to say.
 */
abstract class ClaimTurns {
  private readonly open = new Map<string, number>();
  private readonly done = new Map<string, () => void>();
  /** Per account: settles once every account listed before it has claimed or finished (one chain, not n²). */
  private readonly earlierSettled = new Map<string, Promise<unknown>>();

  /** `units`: the unit of each piece of work, in the order they start (a unit may repeat). */
  constructor(units: readonly string[]) {
    let before: Promise<unknown> = Promise.resolve();
    for (const unit of units) {
      if (!this.earlierSettled.has(unit)) {
        this.earlierSettled.set(unit, before);
        const settled = new Promise<void>((resolve) => this.done.set(unit, resolve));
        before = Promise.all([before, settled]);
      }
      this.open.set(unit, (this.open.get(unit) ?? 0) + 1);
    }
  }

  /** Runs `work` as a piece of `unit`: once the unit's last piece has finished, later units go on. */
  async run<R>(unit: string, work: () => Promise<R>): Promise<R> {
    try {
      return await this.within(unit, work);
    } finally {
      const left = (this.open.get(unit) ?? 1) - 1;
      this.open.set(unit, left);
      if (left === 0) this.done.get(unit)?.();
    }
  }

  /** Waits for the earlier units, runs the claim, and lets the later ones go. */
  async claim(accountId: string, attempt: () => Promise<boolean>): Promise<boolean> {
    const unit = this.unitOfClaim(accountId);
    const earlier = this.earlierSettled.get(unit);
    if (!earlier) return attempt();
    await earlier;
    try {
      return await attempt();
    } finally {
      this.done.get(unit)?.();
    }
  }

  /** Runs `work` so that the claims it makes find `unit`. */
  protected abstract within<R>(unit: string, work: () => Promise<R>): Promise<R>;

  /** The unit of the work that makes a claim for `accountId`. */
  protected abstract unitOfClaim(accountId: string): string;
}

/**
 * The untimed fan-out's turns: a unit is an account, which every claim names itself, so no async context is
 * needed (once one is entered, Node tracks every later promise in the process, and all of them slow down).
 */
class AccountClaimTurns extends ClaimTurns {
  protected within<R>(_account: string, work: () => Promise<R>): Promise<R> {
    return work();
  }

  protected unitOfClaim(accountId: string): string {
    return accountId;
  }
}

/**
 * The timed fan-out's turns: a unit is one invocation's batch of targets, several accounts at once, so a
 * claim finds its batch through async context. Only the bench's timed sweeps pay for it.
 */
class BatchClaimTurns extends ClaimTurns {
  private readonly batch = new AsyncLocalStorage<string>();

  protected within<R>(batch: string, work: () => Promise<R>): Promise<R> {
    return this.batch.run(batch, work);
  }

  protected unitOfClaim(accountId: string): string {
    return this.batch.getStore() ?? accountId;
  }
}

/** Central-bus events as the SQS queue hands them to the `events` function. */
function toSqsEvent(events: readonly unknown[], at: number): SQSEvent {
  return {
    Records: events.map((event, index) => ({
      messageId: `sandbox-${at}-${index}`,
      receiptHandle: `sandbox-${at}-${index}`,
      body: typeof event === 'string' ? event : JSON.stringify(event),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(at),
        SenderId: 'events.amazonaws.com',
        ApproximateFirstReceiveTimestamp: String(at),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:111111111111:orgbackup-events',
      awsRegion: 'us-east-1',
    })),
  };
}

/** The parts of a Lambda context the events function reads (Powertools idempotency's time budget). */
const EVENTS_CONTEXT = {
  functionName: 'orgbackup-events',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:orgbackup-events',
  memoryLimitInMB: '1024',
  awsRequestId: 'sandbox',
  logGroupName: '/aws/lambda/orgbackup-events',
  logStreamName: 'sandbox',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 180_000,
  done() {},
  fail() {},
  succeed() {},
} satisfies Context;
