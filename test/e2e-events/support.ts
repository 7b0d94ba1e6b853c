/**
 * A bench around the real `events` handler: the sandbox harness's controller deps, with a log, a metrics
 * sink and a store that record what the handler did, and its own idempotency table (the harness keeps its
 * persistence private). Tests read the outcome from the store and the simulation; the recorders add what
 * only the handler can tell (metrics, the immediate single-resource update before the reconcile replaced it).
 */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createEventsHandler } from '../../functions/events.js';
import { SandboxHarness } from '../../sandbox/harness.js';
import { createIdempotencyTable } from '../../sandbox/local-dynamo/create-table.js';
import { startEmbeddedDynamo } from '../../sandbox/local-dynamo/engine.js';
import type { World } from '../../sandbox/world.js';
import type { ControllerDeps, Log, MetricsSink } from '../../shared/controller/deps.js';
import type { Config } from '../../shared/domain/config/index.js';
import type { FindingTransition, ResourceFinding } from '../../shared/domain/model.js';
import { GLOBAL_REGION } from '../../shared/domain/model.js';
import type { FindingsStore } from '../../shared/store/findings-store.js';

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly extra: Record<string, unknown> | undefined;
}

export class RecordingLog implements Log {
  readonly entries: LogEntry[] = [];
  debug(message: string, extra?: Record<string, unknown>) {
    this.entries.push({ level: 'debug', message, extra });
  }
  info(message: string, extra?: Record<string, unknown>) {
    this.entries.push({ level: 'info', message, extra });
  }
  warn(message: string, extra?: Record<string, unknown>) {
    this.entries.push({ level: 'warn', message, extra });
  }
  error(message: string, extra?: Record<string, unknown>) {
    this.entries.push({ level: 'error', message, extra });
  }
  /** Every entry as one line of text, the way a log sink would store it. */
  lines(): string[] {
    return this.entries.map(
      (entry) => `${entry.level} ${entry.message} ${JSON.stringify(entry.extra ?? {})}`,
    );
  }
}

export class RecordingMetrics implements MetricsSink {
  readonly counts: { name: string; value: number; dimensions: Readonly<Record<string, string>> }[] = [];
  count(name: string, value: number, dimensions: Readonly<Record<string, string>> = {}) {
    this.counts.push({ name, value, dimensions });
  }
  gauge() {}
  /** Sum of a counter, over the entries whose dimensions include `dimensions`. */
  total(name: string, dimensions: Readonly<Record<string, string>> = {}): number {
    return this.counts
      .filter((c) => c.name === name)
      .filter((c) => Object.entries(dimensions).every(([key, value]) => c.dimensions[key] === value))
      .reduce((sum, c) => sum + c.value, 0);
  }
}

/** What the handler asked of the store: immediate finding updates and the targets each run reconciled. */
export interface StoreActivity {
  readonly immediate: { finding: ResourceFinding; transition: FindingTransition | null }[];
  /** `org`, or `account/region`, per run id. */
  readonly reconciled: Map<string, string[]>;
  /** How often the whole organization was summarized (every target row read). */
  summaryReads: number;
}

/**
 * The real store behind a recording proxy. `failFindingReads(arn)` makes reading that resource's finding
 * throw, the way a throttled or unavailable table would, for partial-batch tests.
 */
function recordingStore(
  store: FindingsStore,
  activity: StoreActivity,
  failing: Set<string>,
  failingTargets: Set<string>,
): FindingsStore {
  const reconciled = (runId: string, target: string) =>
    activity.reconciled.set(runId, [...(activity.reconciled.get(runId) ?? []), target]);
  return new Proxy(store, {
    get(target, property) {
      if (property === 'getFinding') {
        return async (accountId: string, region: string, arn: string) => {
          if (failing.has(arn)) throw new Error(`Simulated store failure reading ${arn}`);
          return target.getFinding(accountId, region, arn);
        };
      }
      if (property === 'putFinding') {
        return async (finding: ResourceFinding, now: Date, runId?: string) => {
          const transition = await target.putFinding(finding, now, runId);
          activity.immediate.push({ finding, transition });
          return transition;
        };
      }
      if (property === 'saveTargetResult') {
        return async (...args: Parameters<FindingsStore['saveTargetResult']>) => {
          const key = `${args[0].accountId}/${args[0].region}`;
          if (failingTargets.has(key)) throw new Error(`Simulated store failure saving ${key}`);
          // The org target saves its organization-wide checks on the management account's "global" entry.
          if (args[0].region !== GLOBAL_REGION) reconciled(args[0].runId, key);
          return target.saveTargetResult(...args);
        };
      }
      if (property === 'summary') {
        return () => {
          activity.summaryReads++;
          return target.summary();
        };
      }
      if (property === 'saveOrgActions') {
        return (input: Parameters<FindingsStore['saveOrgActions']>[0]) => {
          reconciled(input.runId, 'org');
          return target.saveOrgActions(input);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export interface EventsBench {
  readonly harness: SandboxHarness;
  readonly deps: ControllerDeps;
  readonly log: RecordingLog;
  readonly metrics: RecordingMetrics;
  readonly activity: StoreActivity;
  /** Resource ARNs whose finding cannot be read (the store throws). */
  readonly failFindingReads: Set<string>;
  /** `account/region` targets whose reconcile result cannot be saved (the store throws). */
  readonly failTargetSaves: Set<string>;
  /** The bodies as one SQS batch through the real `events` handler; message ids are `<batchId>-<index>`. */
  deliver(bodies: readonly unknown[], batchId?: string): Promise<SQSBatchResponse>;
  /** Forgets what was recorded so far (logs, metrics, store activity). */
  clearRecords(): void;
  close(): Promise<void>;
}

export async function startEventsBench(options: {
  readonly world: World;
  readonly config: Config;
  readonly seed?: number;
}): Promise<EventsBench> {
  const log = new RecordingLog();
  const metrics = new RecordingMetrics();
  const activity: StoreActivity = { immediate: [], reconciled: new Map(), summaryReads: 0 };
  const failFindingReads = new Set<string>();
  const failTargetSaves = new Set<string>();
  const harness = await SandboxHarness.start({ ...options, seed: options.seed ?? 1, log });
  const idempotency = await startEmbeddedDynamo();
  await createIdempotencyTable(idempotency.client, 'events-idempotency');
  const persistence = new DynamoDBPersistenceLayer({
    tableName: 'events-idempotency',
    awsSdkV3Client: idempotency.client,
  });
  const deps: ControllerDeps = {
    ...harness.depsOf('events'),
    metrics,
    store: recordingStore(harness.store, activity, failFindingReads, failTargetSaves),
  };
  const handler = createEventsHandler(
    () => deps,
    () => persistence,
  );
  let batches = 0;
  return {
    harness,
    deps,
    log,
    metrics,
    activity,
    failFindingReads,
    failTargetSaves,
    deliver: (bodies, batchId = `batch-${++batches}`) => handler(sqsBatch(bodies, batchId), LAMBDA_CONTEXT),
    clearRecords() {
      log.entries.length = 0;
      metrics.counts.length = 0;
      activity.immediate.length = 0;
      activity.reconciled.clear();
      activity.summaryReads = 0;
    },
    async close() {
      await harness.close();
      await idempotency.stop();
    },
  };
}

/** Central-bus events as SQS hands them to the `events` function; message ids are `<batch>-<index>`. */
export function sqsBatch(bodies: readonly unknown[], batchId: string): SQSEvent {
  return {
    Records: bodies.map((body, index) => ({
      messageId: `${batchId}-${index}`,
      receiptHandle: `${batchId}-${index}`,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'events.amazonaws.com',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:111111111111:orgbackup-events',
      awsRegion: 'us-east-1',
    })),
  };
}

const LAMBDA_CONTEXT = {
  functionName: 'orgbackup-events',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:orgbackup-events',
  memoryLimitInMB: '1024',
  awsRequestId: 'events-test',
  logGroupName: '/aws/lambda/orgbackup-events',
  logStreamName: 'events-test',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 180_000,
  done() {},
  fail() {},
  succeed() {},
} satisfies Context;
