import type { ClientFactory } from '../aws/clients.js';
import type { Clock, DesiredState } from '../domain/model.js';
import type { AlertPublisher } from '../notify/publisher.js';
import type { FindingsStore } from '../store/findings-store.js';
import type { OrgFactsCache } from './org-facts.js';

/** Structured logging the use cases need; Powertools Logger in Lambda, a stderr logger in the sandbox. */
export interface Log {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Numbers the use cases report; Powertools Metrics (EMF) in Lambda, a tally in the sandbox. */
export interface MetricsSink {
  count(name: string, value: number, dimensions?: Readonly<Record<string, string>>): void;
  gauge(name: string, value: number, unit: 'Count' | 'Percent' | 'Milliseconds'): void;
}

/** Everything a use case needs, built once per process by a composition root (Lambda or sandbox). */
export interface ControllerDeps {
  readonly desired: DesiredState;
  readonly factory: ClientFactory;
  readonly store: FindingsStore;
  readonly clock: Clock;
  readonly log: Log;
  readonly metrics: MetricsSink;
  readonly publisher: AlertPublisher | null;
  /** The organization's accounts and settings as last read, shared by the runs of this process. */
  readonly orgFacts: OrgFactsCache;
  /** Waits between retries; the sandbox passes one that advances nothing and returns at once. */
  readonly sleep: (ms: number) => Promise<void>;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

export const noMetrics: MetricsSink = { count() {}, gauge() {} };
