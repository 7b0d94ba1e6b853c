import {
  DEFAULT_EVENTS_MAX_CONCURRENCY,
  DEFAULT_FAN_OUT_CONCURRENCY,
  mapMaxConcurrency,
  RECONCILE_RESERVED_CONCURRENCY,
  TARGETS_PER_INVOCATION,
} from '../infra/sizing.js';
import { SandboxHarness, type SweepOutcome } from '../sandbox/harness.js';
import { SandboxTiming } from '../sandbox/timing.js';
import { decimal, markdownTable, progress, timedValue } from './measure.js';
import {
  type PlantedProblems,
  plantedProblemAccount,
  plantedUnreachableAccount,
  scaleConfig,
  scaleWorld,
} from './scale-world.js';
import { MANAGEMENT_ACCOUNT, memberAccountId } from './worlds.js';

const HOUR_MS = 3_600_000;
/** Tagged resources in each policy Region of each account. */
export const SCALE_RESOURCES_PER_TARGET = 10;
/**
 * Lambda's default concurrency per Region (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html):
 * without reserved concurrency the reconciles share it with the events function's bounded share.
 */
const REGION_CONCURRENCY = 1000;
/** Simulated ms to start one Map item (child Express workflow plus a warm Lambda invoke). Assumed. */
export const INVOCATION_MS = 60;
/** Extra simulated ms for the first invocation of each concurrent slot (cold container). Assumed. */
export const COLD_START_MS = 1000;

export interface SweepScaleOptions {
  readonly accounts: number;
  readonly regions: number;
  readonly resourcesPerTarget: number;
  /** Multiplies every rate limit; null runs without rate limits. */
  readonly rateScale: number | null;
  /** Whether Organizations' rate limits hold for the whole organization or per calling account. */
  readonly organizationsScope: 'organization' | 'caller';
}

/** One measured steady-state sweep; the JSON keys `npm run bench -- sweep --json` prints. */
export interface SweepScaleResult {
  readonly accounts: number;
  readonly regions: number;
  readonly scanOnlyRegions: number;
  readonly resourcesPerTarget: number;
  readonly rateScale: number | null;
  readonly organizationsScope: 'organization' | 'caller';
  readonly targets: number;
  readonly concurrency: number;
  readonly calls: number;
  readonly floorCalls: number;
  readonly callRatio: number;
  readonly sweepSeconds: number;
  readonly floorSeconds: number;
  readonly timeRatio: number;
  readonly throttles: number;
  readonly lostTargets: number;
  readonly peakRssMB: number;
  readonly wallSeconds: number;
  readonly phasesSeconds: { readonly listAndOrg: number; readonly fanOut: number; readonly notify: number };
  readonly callsByService: Readonly<Record<string, number>>;
  readonly callsByOperation: Readonly<Record<string, number>>;
  readonly throttlesByOperation: Readonly<Record<string, number>>;
  readonly reconcileInvocations: number;
  /** Targets each fan-out invocation reconciled (absent in results measured one target per invocation). */
  readonly targetsPerInvocation?: number;
  /** DynamoDB requests of the measured sweep: all, reads (Get, Query, Scan, BatchGet), items written. */
  readonly store: { readonly requests: number; readonly readRequests: number; readonly writeItems: number };
  /** Simulated seconds of all fan-out invocations together (what Lambda bills as duration). */
  readonly targetSecondsTotal: number;
  readonly planted: PlantedProblems;
  /** Set on an estimate derived from a measured sweep of this many accounts (the cost model only). */
  readonly estimatedFrom?: number;
}

/** The fan-out's concurrency as deployed: the Map's MaxConcurrency, bounded by the function's share. */
export function deployedConcurrency(): number {
  const available = RECONCILE_RESERVED_CONCURRENCY ?? REGION_CONCURRENCY - DEFAULT_EVENTS_MAX_CONCURRENCY;
  return Math.min(DEFAULT_FAN_OUT_CONCURRENCY, available);
}

/**
 * A full sweep of a generated organization through the real sweep → fan-out → reconcile → notify path,
 * timed on the sandbox's virtual clock with per-call latency and token-bucket rate limits. The first sweep
 * repairs the world; the measured one runs an hour later, as the schedule would.
 */
export async function measureSweepScale(options: SweepScaleOptions): Promise<SweepScaleResult> {
  const { world, planted } = scaleWorld(options);
  const concurrency = deployedConcurrency();
  const timing = new SandboxTiming({
    rateScale: options.rateScale,
    organizationsScope: options.organizationsScope,
    fanOutConcurrency: mapMaxConcurrency(concurrency),
    targetsPerInvocation: TARGETS_PER_INVOCATION,
    invocationMs: INVOCATION_MS,
    coldStartMs: COLD_START_MS,
  });
  const store = { requests: 0, readRequests: 0, writeItems: 0 };
  const harness = await SandboxHarness.start({
    world,
    config: scaleConfig(options.regions),
    seed: 1,
    timing,
  });
  harness.findingsTable.client.middlewareStack.add(
    (next, context) => (args) => {
      store.requests += 1;
      const input = args.input as { RequestItems?: Record<string, readonly unknown[]> };
      if (context.commandName === 'BatchWriteItemCommand') {
        for (const items of Object.values(input.RequestItems ?? {})) store.writeItems += items.length;
      } else if (/^(Put|Update|Delete)Item/.test(context.commandName ?? '')) store.writeItems += 1;
      else store.readRequests += 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchCountStoreRequests' },
  );
  try {
    const wall = await timedValue(async () => {
      // The first sweep repairs the world; it runs untimed (and so faster), only its end state matters.
      timing.paused = true;
      await harness.sweep();
      timing.paused = false;
      harness.sim.advanceBy(HOUR_MS);
      harness.sim.drainCentralBusEvents();
      harness.sim.resetCounters();
      Object.assign(store, { requests: 0, readRequests: 0, writeItems: 0 });
      const throttlesBefore = timing.throttles;
      const throttledBefore = timing.throttlesByAccount();
      const timingsBefore = timing.targetTimings().length;
      const measured = await timedSweep(harness, timing);
      return { measured, throttles: timing.throttles - throttlesBefore, timingsBefore, throttledBefore };
    });
    const { measured, throttles, timingsBefore, throttledBefore } = wall.value;
    const counts = harness.sim.callCounts();
    const targets = measured.outcome.targets.length + measured.outcome.failedTargets.length;
    const lost = lostTargets(measured.outcome, options.accounts);
    const floorCalls = callFloor(
      netOfThrottles(counts.byAccount, timing.throttlesByAccount(), throttledBefore),
      options.accounts,
      options.regions,
      lost.accounts,
    );
    const fanOut = timing.targetTimings().slice(timingsBefore);
    const floorSeconds =
      (measured.phases.listAndOrg + measured.phases.notify) / 1000 +
      fanOutFloor(fanOut, mapMaxConcurrency(concurrency));
    const sweepSeconds = measured.ms / 1000;
    const callsByService: Record<string, number> = {};
    for (const [operation, count] of Object.entries(counts.byOperation)) {
      const service = operation.slice(0, operation.indexOf(':'));
      callsByService[service] = (callsByService[service] ?? 0) + count;
    }
    return {
      accounts: options.accounts,
      regions: options.regions,
      scanOnlyRegions: scaleConfig(options.regions).scanRegions?.length ?? 0,
      resourcesPerTarget: options.resourcesPerTarget,
      rateScale: options.rateScale,
      organizationsScope: options.organizationsScope,
      targets,
      concurrency,
      calls: counts.total,
      floorCalls,
      callRatio: round(counts.total / floorCalls, 3),
      sweepSeconds: round(sweepSeconds, 1),
      floorSeconds: round(floorSeconds, 1),
      timeRatio: round(sweepSeconds / floorSeconds, 2),
      throttles,
      lostTargets: lost.targets,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      wallSeconds: round(wall.ms / 1000, 1),
      phasesSeconds: {
        listAndOrg: round(measured.phases.listAndOrg / 1000, 1),
        fanOut: round(measured.phases.fanOut / 1000, 1),
        notify: round(measured.phases.notify / 1000, 1),
      },
      callsByService,
      callsByOperation: counts.byOperation,
      throttlesByOperation: timing.throttlesByOperation(),
      reconcileInvocations: fanOut.length + 1,
      targetsPerInvocation: TARGETS_PER_INVOCATION,
      store: { ...store },
      targetSecondsTotal: round(fanOut.reduce((sum, t) => sum + (t.endMs - t.startMs), 0) / 1000, 1),
      planted,
    };
  } finally {
    await harness.close();
  }
}

interface TimedSweep {
  readonly outcome: SweepOutcome;
  readonly ms: number;
  readonly phases: { readonly listAndOrg: number; readonly fanOut: number; readonly notify: number };
}

async function timedSweep(harness: SandboxHarness, timing: SandboxTiming): Promise<TimedSweep> {
  const started = timing.clock.now();
  const timingsBefore = timing.targetTimings().length;
  const outcome = await harness.sweep();
  const ended = timing.clock.now();
  const fanOut = timing.targetTimings().slice(timingsBefore);
  const fanOutStart = Math.min(...fanOut.map((t) => t.invokedMs), ended);
  const fanOutEnd = Math.max(...fanOut.map((t) => t.endMs), fanOutStart);
  return {
    outcome,
    ms: ended - started,
    phases: { listAndOrg: fanOutStart - started, fanOut: fanOutEnd - fanOutStart, notify: ended - fanOutEnd },
  };
}

/**
 * Targets lost: failed, or unreachable in an account whose role the generator did not remove; and their
 * accounts.
 */
function lostTargets(
  outcome: SweepOutcome,
  accounts: number,
): { readonly targets: number; readonly accounts: ReadonlySet<string> } {
  const plantedUnreachable = new Set(
    Array.from({ length: accounts }, (_, index) => index)
      .filter(plantedUnreachableAccount)
      .map(memberAccountId),
  );
  const lost = [
    ...outcome.failedTargets.map((target) => target.accountId),
    ...outcome.targets
      .filter((target) => target.reachable === false)
      .map((target) => target.target.slice(0, target.target.indexOf('/')))
      .filter((accountId) => !plantedUnreachable.has(accountId)),
  ];
  return { targets: lost.length, accounts: new Set(lost) };
}

/** Each account's calls without its throttled attempts of the measured sweep (the floor is never throttled). */
function netOfThrottles(
  calls: Readonly<Record<string, number>>,
  throttled: Readonly<Record<string, number>>,
  throttledBefore: Readonly<Record<string, number>>,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(calls).map(([accountId, count]) => [
      accountId,
      count - ((throttled[accountId] ?? 0) - (throttledBefore[accountId] ?? 0)),
    ]),
  );
}

/**
 * The fewest calls the sweep could make, from each account's calls net of throttled attempts: every
 * healthy member account as many calls as the cheapest healthy member made (each paged list fits one page at these sizes, so a healthy account's reads do not
 * depend on its size); the accounts with a planted problem and the management account (the organization
 * reads, its own targets, the AssumeRoles into members) as measured. An account that lost a target made
 * fewer calls than it should have: it counts as healthy but never as the cheapest.
 */
function callFloor(
  byAccount: Readonly<Record<string, number>>,
  accounts: number,
  regions: number,
  lostAccounts: ReadonlySet<string>,
): number {
  let healthyAccounts = 0;
  let cheapest = Number.POSITIVE_INFINITY;
  let others = byAccount[MANAGEMENT_ACCOUNT] ?? 0;
  for (let index = 0; index < accounts; index += 1) {
    const accountId = memberAccountId(index);
    const calls = byAccount[accountId] ?? 0;
    if (plantedProblemAccount(index, regions)) others += calls;
    else {
      healthyAccounts += 1;
      if (!lostAccounts.has(accountId)) cheapest = Math.min(cheapest, calls);
    }
  }
  return (healthyAccounts > 0 && Number.isFinite(cheapest) ? cheapest * healthyAccounts : 0) + others;
}

/**
 * The fan-out's floor for these invocations: no schedule of them on `slots` ends before the longest one,
 * nor before their total time spread evenly over the slots (the Map's waves). Each counts without the time
 * its calls lost to throttling and retries, and with the Map's per-item start.
 */
function fanOutFloor(
  fanOut: readonly { readonly startMs: number; readonly endMs: number; readonly throttledMs: number }[],
  slots: number,
): number {
  const durations = fanOut.map((t) => t.endMs - t.startMs - t.throttledMs + INVOCATION_MS);
  const longest = Math.max(0, ...durations);
  const total = durations.reduce((sum, ms) => sum + ms, 0);
  // Every schedule pays one cold start before its first reconcile.
  return (COLD_START_MS + Math.max(longest, total / slots)) / 1000;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export async function sweepScaleRows(runs: readonly SweepScaleOptions[]): Promise<SweepScaleResult[]> {
  const rows = [];
  for (const run of runs) {
    progress(
      `sweep at scale: ${run.accounts} accounts × ${run.regions} Regions, rates ×${run.rateScale ?? 'none'}`,
    );
    rows.push(await measureSweepScale(run));
  }
  return rows;
}

/** The sweep runs as a markdown table: one row per run. */
export function sweepScaleTable(rows: readonly SweepScaleResult[]): string {
  return markdownTable(
    [
      'accounts × Regions',
      'rates',
      'Organizations limits',
      'targets',
      'calls',
      'floor calls',
      'call ratio',
      'sweep s',
      'floor s',
      'time ratio',
      'throttles',
      'lost targets',
      'peak RSS MB',
      'wall s',
    ],
    rows.map((row) => [
      `${row.accounts} × ${row.regions} (+${row.scanOnlyRegions} scanned)`,
      row.rateScale === null ? 'none' : `${row.rateScale}×`,
      row.organizationsScope === 'organization' ? 'org-wide' : 'per account',
      String(row.targets),
      String(row.calls),
      String(row.floorCalls),
      decimal(row.callRatio),
      decimal(row.sweepSeconds, 1),
      decimal(row.floorSeconds, 1),
      decimal(row.timeRatio),
      String(row.throttles),
      String(row.lostTargets),
      String(row.peakRssMB),
      decimal(row.wallSeconds, 0),
    ]),
  );
}
