import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { createEventsHandler } from '../functions/events.js';
import { createNotifyHandler } from '../functions/notify.js';
import { createReconcileHandler } from '../functions/reconcile-target.js';
import { createSweepHandler } from '../functions/sweep.js';
import { ClientFactory } from '../shared/aws/clients.js';
import { buildComplianceReport } from '../shared/controller/build-report.js';
import type { ControllerDeps, Log, MetricsSink } from '../shared/controller/deps.js';
import type { SweepPlan } from '../shared/controller/sweep.js';
import type { Config } from '../shared/domain/config/index.js';
import { buildDesiredState } from '../shared/domain/desired.js';
import type { ActionRecord, ComplianceReport, ReportSummary } from '../shared/domain/model.js';
import { AlertPublisher } from '../shared/notify/publisher.js';
import { createFindingsTable, createIdempotencyTable } from '../shared/store/create-table.js';
import { FindingsStore } from '../shared/store/findings-store.js';
import { startEmbeddedDynamo } from '../shared/store/local-engine.js';
import { SimulatedOrganization } from './index.js';
import type { World } from './world.js';

export interface SandboxOptions {
  readonly world: World;
  readonly config: Config;
  /** Simulated end time (exclusive). */
  readonly until: Date;
  readonly seed: number;
  /** How often the scheduled sweep runs, in simulated minutes (deployed default: hourly). */
  readonly sweepEveryMinutes?: number;
  readonly log?: Log;
  /** Called after every sweep, e.g. to draw a progress bar. */
  readonly onSweep?: (progress: SweepProgress) => void;
  /** Extra setup on the simulation before the clock starts (faults, tests). */
  readonly prepare?: (sim: SimulatedOrganization) => void;
  /** Slack webhook the publisher posts to (a local receiver in tests); no Slack when absent. */
  readonly slackWebhookUrl?: string;
}

export interface SweepProgress {
  readonly at: string;
  readonly sweep: number;
  readonly sweeps: number;
  readonly summary: ReportSummary;
}

export interface SandboxResult {
  readonly report: ComplianceReport & {
    readonly calls: {
      readonly byOperation: Readonly<Record<string, number>>;
      readonly total: number;
      readonly writes: number;
    };
  };
  /** Planned actions still not applied at the end (blocked, failed, or audit mode), newest state of each. */
  readonly outstandingActions: readonly ActionRecord[];
  /** The report right after the first sweep: what was wrong before the controller's repairs took effect. */
  readonly initial: ComplianceReport;
  /** Coverage after each sweep, oldest first. */
  readonly history: readonly SweepProgress[];
  readonly alerts: { readonly sns: number };
  readonly events: { readonly delivered: number };
  readonly sim: SimulatedOrganization;
  readonly store: FindingsStore;
  /** Stops the embedded DynamoDB engine; the store cannot be read afterwards. */
  close(): Promise<void>;
}

const MINUTE_MS = 60_000;
/** Targets reconciled at once in the sandbox's stand-in for the Distributed Map. */
const FAN_OUT = 8;
const FINDINGS_TABLE = 'orgbackup-findings';
const IDEMPOTENCY_TABLE = 'orgbackup-idempotency';

/**
 * Runs the controller as deployed — a sweep every simulated hour (sweep → org → every target → notify) plus
 * central-bus events delivered through the same SQS-batch `events` handler — against a simulated organization,
 * on the simulated clock. The handlers, use cases, SDK clients and store are the production ones; only the
 * answers to the SDK calls come from the simulation and DynamoDB is the embedded engine.
 */
export async function runSandbox(options: SandboxOptions): Promise<SandboxResult> {
  const sim = SimulatedOrganization.fromWorld(options.world, { seed: options.seed });
  options.prepare?.(sim);
  const engine = await startEmbeddedDynamo();
  try {
    return await simulate(sim, engine, options);
  } catch (error) {
    await engine.stop();
    throw error;
  }
}

async function simulate(
  sim: SimulatedOrganization,
  engine: Awaited<ReturnType<typeof startEmbeddedDynamo>>,
  options: SandboxOptions,
): Promise<SandboxResult> {
  await createFindingsTable(engine.client, FINDINGS_TABLE);
  await createIdempotencyTable(engine.client, IDEMPOTENCY_TABLE);

  const managementAccountId = sim.managementAccountId();
  const homeRegion = options.config.regions[0] ?? 'us-east-1';
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
    credentials: sim.managementCredentials(),
    clock: { now: () => sim.now() },
  });
  const store = new FindingsStore({ client: engine.client, tableName: FINDINGS_TABLE });
  const publisher = new AlertPublisher({
    sns: factory.sns(homeRegion),
    topicArn: `arn:aws:sns:${homeRegion}:${managementAccountId}:orgbackup-alerts`,
    secrets: factory.secretsManager(homeRegion),
    slackSecretName: options.slackWebhookUrl ? (options.config.alerts.slackWebhookSecretName ?? null) : null,
    logger: options.log ?? quietLog,
    sleep: async () => {},
  });
  const deps: ControllerDeps = {
    desired,
    factory,
    store,
    clock: { now: () => sim.now() },
    log: options.log ?? quietLog,
    metrics: tally,
    publisher,
    // Waiting (EnablePolicyType polling, conflict retries) lets simulated time pass, as it would in AWS.
    sleep: async (ms) => sim.advanceBy(ms),
  };
  const persistence = new DynamoDBPersistenceLayer({
    tableName: IDEMPOTENCY_TABLE,
    awsSdkV3Client: engine.client,
  });
  // Stands in for the sweep bucket and the Distributed Map's item reader.
  const published = new Map<string, SweepPlan['targets']>();
  const sweep = createSweepHandler(
    () => deps,
    () => async (plan) => {
      published.set(plan.runId, plan.targets);
      return plan.runId;
    },
  );
  const reconcile = createReconcileHandler(() => deps);
  const notify = createNotifyHandler(() => deps);
  const events = createEventsHandler(
    () => deps,
    () => persistence,
  );

  const every = (options.sweepEveryMinutes ?? 60) * MINUTE_MS;
  const start = sim.now().getTime();
  const end = options.until.getTime();
  const sweeps = Math.max(1, Math.ceil((end - start) / every));
  const history: SweepProgress[] = [];
  let delivered = 0;
  let nextSweep = start;
  let initial: ComplianceReport | undefined;
  const reportNow = () =>
    buildComplianceReport(store, { mode: desired.mode, now: sim.now(), accountIds: sim.accountIds() });
  for (let t = start; t < end; t += MINUTE_MS) {
    // A handler that waited may have moved the clock past t already.
    sim.advanceTo(new Date(Math.max(t, sim.now().getTime())));
    const batch = sim.drainCentralBusEvents();
    if (batch.length > 0) {
      delivered += batch.length;
      await events(toSqsEvent(batch, t), EVENTS_CONTEXT);
    }
    if (t >= nextSweep) {
      const plan = await sweep();
      const org = await reconcile({ runId: plan.runId, target: { kind: 'org' } });
      // Like the Distributed Map: the targets run concurrently, each its own invocation.
      await inParallel(published.get(plan.targetsKey) ?? [], FAN_OUT, (target) =>
        reconcile({
          runId: plan.runId,
          target,
          totalAccounts: plan.totalAccounts,
          crossAccountBackupEnabled: org.crossAccountBackupEnabled ?? null,
        }),
      );
      const finished = await notify({ runId: plan.runId });
      initial ??= await reportNow();
      const summary = 'summary' in finished ? finished.summary : (await store.summary()).total;
      const progress = { at: new Date(t).toISOString(), sweep: history.length + 1, sweeps, summary };
      history.push(progress);
      options.onSweep?.(progress);
      nextSweep += every;
    }
  }

  const report = await reportNow();
  const views = await Promise.all(sim.accountIds().map((accountId) => store.getAccountView(accountId)));
  const counts = sim.callCounts();
  return {
    report: {
      ...report,
      calls: { byOperation: counts.byOperation, total: counts.total, writes: counts.writes },
    },
    outstandingActions: views.flatMap((view) => view.outstandingActions),
    initial: initial ?? report,
    history,
    alerts: { sns: sim.snsMessages().length },
    events: { delivered },
    sim,
    store,
    close: () => engine.stop(),
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

/** Runs `work` over `items` with at most `limit` in flight. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** Central-bus events as the SQS queue hands them to the `events` function. */
function toSqsEvent(events: readonly unknown[], at: number): SQSEvent {
  return {
    Records: events.map((event, index) => ({
      messageId: `sandbox-${at}-${index}`,
      receiptHandle: `sandbox-${at}-${index}`,
      body: JSON.stringify(event),
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

const quietLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
const tally: MetricsSink = { count() {}, gauge() {} };
