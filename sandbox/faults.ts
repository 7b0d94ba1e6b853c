import { setTimeout as sleep } from 'node:timers/promises';
import { Rng } from './rng.js';
import { type ServiceName, serviceError, throttlingError } from './sdk-errors.js';
import { type Faults, type FaultsInput, FaultsSpec } from './world.js';

/** Call counters and fault injection, per `service:Operation` (e.g. `backup:ListBackupVaults`). */

/** Notifications are deliveries, not configuration writes: audit mode may still send them. */
const NOT_WRITES = new Set(['sns:Publish', 'events:PutEvents']);
const WRITE_PREFIX =
  /^(Create|Put|Update|Delete|Attach|Detach|Enable|Disable|Tag|Untag|Register|Deregister|Schedule|Move|Remove|Start)/;

export const isWriteOperation = (operationKey: string) =>
  !NOT_WRITES.has(operationKey) && WRITE_PREFIX.test(operationKey.split(':')[1] ?? '');

export interface CallCounts {
  readonly total: number;
  readonly byOperation: Readonly<Record<string, number>>;
  readonly byAccount: Readonly<Record<string, number>>;
  readonly writes: number;
  readonly writesByOperation: Readonly<Record<string, number>>;
  readonly throttled: number;
  readonly injectedErrors: number;
  /** Latency the calls would have taken, summed. */
  readonly simulatedLatencyMs: number;
}

export class CallMeter {
  private counts = emptyCounts();

  record(operationKey: string, accountId: string): void {
    const c = this.counts;
    c.total++;
    c.byOperation[operationKey] = (c.byOperation[operationKey] ?? 0) + 1;
    c.byAccount[accountId] = (c.byAccount[accountId] ?? 0) + 1;
    if (isWriteOperation(operationKey)) {
      c.writes++;
      c.writesByOperation[operationKey] = (c.writesByOperation[operationKey] ?? 0) + 1;
    }
  }

  addLatency(ms: number): void {
    this.counts.simulatedLatencyMs += ms;
  }

  countThrottle(): void {
    this.counts.throttled++;
  }

  countInjectedError(): void {
    this.counts.injectedErrors++;
  }

  /**
   * Keys sorted: concurrent reconciles make their first call of an operation in an order that real I/O
   * (the store) decides, and a report must not depend on it.
   */
  snapshot(): CallCounts {
    const c = this.counts;
    return {
      ...c,
      byOperation: sortedKeys(c.byOperation),
      byAccount: sortedKeys(c.byAccount),
      writesByOperation: sortedKeys(c.writesByOperation),
    };
  }

  reset(): void {
    this.counts = emptyCounts();
  }
}

function sortedKeys(counts: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

function emptyCounts() {
  return {
    total: 0,
    byOperation: {} as Record<string, number>,
    byAccount: {} as Record<string, number>,
    writes: 0,
    writesByOperation: {} as Record<string, number>,
    throttled: 0,
    injectedErrors: 0,
    simulatedLatencyMs: 0,
  };
}

export class FaultInjector {
  private faults: Faults;
  private readonly rng: Rng;
  /** How many times each configured error has fired (for `times`). */
  private fired = new Map<number, number>();

  constructor(
    faults: FaultsInput | undefined,
    seed: number | string,
    private readonly meter: CallMeter,
  ) {
    this.faults = FaultsSpec.parse(faults ?? {});
    // Its own random stream, so turning faults on does not change what the simulated world does.
    this.rng = new Rng(`${seed}:faults`);
  }

  set(faults: FaultsInput): void {
    this.faults = FaultsSpec.parse(faults);
    this.fired = new Map();
  }

  /** Whether any call can be delayed, throttled or failed; without faults the plugin takes its fast path. */
  active(): boolean {
    const f = this.faults;
    return (
      f.throttleRate > 0 ||
      Object.keys(f.throttleRateByOperation).length > 0 ||
      Object.keys(f.latencyMs).length > 0 ||
      f.errors.length > 0
    );
  }

  /** Adds latency and throws the injected error, if any, for this call. */
  async before(service: ServiceName, operationKey: string, accountId: string, region: string): Promise<void> {
    const latency = this.faults.latencyMs[operationKey] ?? this.faults.latencyMs['*'] ?? 0;
    if (latency > 0) {
      this.meter.addLatency(latency);
      if (this.faults.realLatency) await sleep(latency);
    }
    const errorIndex = this.faults.errors.findIndex(
      (error, index) =>
        (error.operation === '*' || error.operation === operationKey) &&
        (error.account === undefined || error.account === accountId) &&
        (error.region === undefined || error.region === region) &&
        (error.times === undefined || (this.fired.get(index) ?? 0) < error.times),
    );
    const error = this.faults.errors[errorIndex];
    if (error) {
      this.fired.set(errorIndex, (this.fired.get(errorIndex) ?? 0) + 1);
      this.meter.countInjectedError();
      throw serviceError(service, error.name, error.message);
    }
    const throttleRate = this.faults.throttleRateByOperation[operationKey] ?? this.faults.throttleRate;
    if (this.rng.chance(throttleRate)) {
      this.meter.countThrottle();
      throw throttlingError(service);
    }
  }
}
