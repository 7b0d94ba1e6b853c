import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RateLimiter } from './rate-limits.js';
import { Rng } from './rng.js';
import type { ServiceName } from './sdk-errors.js';
import { VirtualClock } from './virtual-time.js';

/**
 * Round-trip time of one call per service in the timed mode, in simulated ms. Invented: typical in-Region
 * latencies of AWS control-plane APIs (Organizations answers from us-east-1 whatever the caller's Region,
 * hence the highest). DynamoDB is the controller's own table.
 */
export const DEFAULT_LATENCY_MS: Readonly<Record<ServiceName | 'dynamodb', number>> = {
  backup: 60,
  organizations: 120,
  tag: 80,
  sts: 40,
  iam: 50,
  kms: 25,
  events: 40,
  sns: 30,
  secretsmanager: 30,
  cloudtrail: 80,
  ec2: 60,
  rds: 60,
  fsx: 60,
  s3: 40,
  account: 120,
  dynamodb: 8,
};

export interface TimingOptions {
  /**
   * Organizations' buckets: one per API for the whole organization (`organization`), or one per calling
   * account like the other services (`caller`). AWS does not say which. @default 'organization'
   */
  readonly organizationsScope?: 'organization' | 'caller';
  /** Overrides of `DEFAULT_LATENCY_MS`. */
  readonly latencyMs?: Partial<Record<ServiceName | 'dynamodb', number>>;
  /** Multiplies every rate limit (0.5: half the rates); null: no rate limits. @default 1 */
  readonly rateScale?: number | null;
  /** Fan-out items (reconcile invocations) at once: the deployed Distributed Map's MaxConcurrency. */
  readonly fanOutConcurrency: number;
  /** Targets one fan-out item hands to one invocation (the Map's ItemBatcher MaxItemsPerBatch). */
  readonly targetsPerInvocation: number;
  /** Simulated ms the fan-out spends starting one item (child workflow start, Lambda invoke). */
  readonly invocationMs: number;
  /** Extra simulated ms of the first invocation in each concurrent slot (a cold Lambda container). */
  readonly coldStartMs: number;
}

/**
 * The SDK's standard retry backoff after a throttling error: exponential from 500 ms, capped at 20 s, with
 * full jitter (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html). The jitter
 * comes from a seeded stream, so a run is reproducible.
 */
const THROTTLED_RETRY_BASE_MS = 500;
const RETRY_CAP_MS = 20_000;

/**
 * A span of simulated time one fan-out item (one invocation's batch of targets) took, with the part its
 * calls spent on throttling and retries.
 */
export interface TargetTiming {
  /** The batch's targets, `account/Region` each. */
  readonly targets: readonly string[];
  /** When the fan-out started the item (before its invocation and any cold start). */
  readonly invokedMs: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly throttledMs: number;
}

/**
 * The sandbox's timed mode (off unless a harness is given one): every simulated call waits its service's
 * latency on a virtual clock, passes a token bucket or fails with the service's throttling exception, and
 * SDK retries wait their backoff on the same clock. Concurrency is real (promises), time is simulated.
 */
export class SandboxTiming {
  readonly clock = new VirtualClock();
  private readonly limiter: RateLimiter | undefined;
  private readonly latency: Readonly<Record<ServiceName | 'dynamodb', number>>;
  /**
   * Calls whose throttled attempt waits for the SDK's retry: time holds still until it comes. Each has the
   * ordinal of its throttle, the order its retry resumes in.
   */
  private readonly retrying = new WeakMap<
    object,
    { readonly ordinal: number; readonly release: () => void }
  >();
  /** The fan-out item a call belongs to (its async context), to charge its throttling waits to it. */
  private readonly item = new AsyncLocalStorage<{ throttledMs: number }>();
  private readonly targets: TargetTiming[] = [];
  private readonly throttled = new Map<string, number>();
  private readonly throttledCallers = new Map<string, number>();
  private readonly jitter = new Rng('sandbox-timing');
  private throttleOrdinal = 0;
  /** While paused (a warm-up sweep), calls take no simulated time and pass every limit. */
  paused = false;
  throttles = 0;

  constructor(readonly options: TimingOptions) {
    this.latency = { ...DEFAULT_LATENCY_MS, ...options.latencyMs };
    const scale = options.rateScale === undefined ? 1 : options.rateScale;
    this.limiter =
      scale === null ? undefined : new RateLimiter(scale, options.organizationsScope ?? 'organization');
  }

  latencyOf(service: ServiceName | 'dynamodb'): number {
    return this.latency[service];
  }

  /**
   * One attempt of a call: waits the retry backoff (attempts after the first), then the round trip.
   * Returns false when the API's bucket was empty on arrival: the caller then throws the throttling error.
   */
  async attempt(
    request: { readonly callId: object; readonly attempt: number },
    service: ServiceName,
    operationKey: string,
    accountId: string,
    region: string,
  ): Promise<boolean> {
    const throttled = this.retrying.get(request.callId);
    this.retrying.delete(request.callId);
    if (throttled) {
      // The SDK's retry timer fires on the wall clock: retries resume in the order they were throttled.
      const resumed = this.clock.resumeInOrder(throttled.ordinal);
      throttled.release();
      await resumed;
    }
    if (this.paused) return true;
    const backoff =
      request.attempt > 1
        ? Math.round(
            this.jitter.next() * Math.min(RETRY_CAP_MS, THROTTLED_RETRY_BASE_MS * 2 ** (request.attempt - 2)),
          )
        : 0;
    if (backoff > 0) await this.clock.sleep(backoff);
    const admitted = this.limiter?.admit(service, operationKey, accountId, region, this.clock.now()) ?? true;
    const latency = this.latency[service];
    await this.clock.sleep(latency);
    const item = this.item.getStore();
    if (item) item.throttledMs += backoff + (admitted ? 0 : latency);
    if (!admitted) {
      this.throttles += 1;
      this.throttled.set(operationKey, (this.throttled.get(operationKey) ?? 0) + 1);
      this.throttledCallers.set(accountId, (this.throttledCallers.get(accountId) ?? 0) + 1);
      // Between the error and the SDK's next attempt lies a zero-length wall-clock timer.
      this.retrying.set(request.callId, { ordinal: this.throttleOrdinal++, release: this.clock.begin() });
    }
    return admitted;
  }

  /** The SDK is done with a call (answered, failed, or out of retries). */
  settled(callId: object): void {
    this.retrying.get(callId)?.release();
    this.retrying.delete(callId);
  }

  /** Adds the table's round trip to every request of this DynamoDB client. */
  timeDynamoDb(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next) => async (args) => {
        if (this.paused) return next(args);
        await this.clock.sleep(this.latency.dynamodb);
        const end = this.clock.begin();
        try {
          return await next(args);
        } finally {
          end();
        }
      },
      { step: 'initialize', name: 'sandboxDynamoDbLatency', override: true },
    );
  }

  /**
   * Runs one fan-out item as the deployed Map would: invocation overhead (plus a cold start in a new
   * container), then the batch's reconcile.
   */
  async fanOutItem<R>(targets: readonly string[], cold: boolean, reconcile: () => Promise<R>): Promise<R> {
    const invokedMs = this.clock.now();
    await this.clock.sleep(this.options.invocationMs + (cold ? this.options.coldStartMs : 0));
    const startMs = this.clock.now();
    const item = { throttledMs: 0 };
    try {
      return await this.item.run(item, reconcile);
    } finally {
      this.targets.push({
        targets,
        invokedMs,
        startMs,
        endMs: this.clock.now(),
        throttledMs: item.throttledMs,
      });
    }
  }

  /** Throttled attempts so far, by `service:Operation`. */
  throttlesByOperation(): Record<string, number> {
    return Object.fromEntries(this.throttled);
  }

  /** Throttled attempts so far, by calling account. */
  throttlesByAccount(): Record<string, number> {
    return Object.fromEntries(this.throttledCallers);
  }

  /** Every fan-out item so far, in the order they finished. */
  targetTimings(): readonly TargetTiming[] {
    return this.targets;
  }
}
