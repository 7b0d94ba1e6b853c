import type { Log } from '../shared/controller/deps.js';
import type { Config } from '../shared/domain/config/index.js';
import type { ActionRecord, ComplianceReport, DesiredState, ReportSummary } from '../shared/domain/model.js';
import type { FindingsStore } from '../shared/store/findings-store.js';
import { SandboxHarness } from './harness.js';
import type { SimulatedOrganization } from './index.js';
import type { SentNotification } from './state.js';
import type { World } from './world.js';

export interface SandboxOptions {
  readonly world: World;
  readonly config: Config;
  /** Simulated end time (exclusive). */
  readonly until: Date;
  readonly seed: number;
  /** How often the scheduled sweep runs, in simulated minutes (deployed default: every 6 hours; the sandbox sweeps hourly by default). */
  readonly sweepEveryMinutes?: number;
  readonly log?: Log;
  /** Called after every sweep, e.g. to draw a progress bar. */
  readonly onSweep?: ((progress: SweepProgress) => void) | undefined;
  /** Extra setup on the simulation before the clock starts (faults, tests). */
  readonly prepare?: (sim: SimulatedOrganization) => void;
  /** Wall-clock delay before each SDK retry; by default the backoff is spent on the simulated clock. */
  readonly retryDelayMs?: (attempt: number) => number;
  /** Also look at the world before any repair (`initial`), at the cost of one more sweep; the story does. */
  readonly lookBeforeRepairs?: boolean;
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
    /** Every message SNS and the Slack webhook accepted during the run, oldest first. */
    readonly notifications: readonly SentNotification[];
  };
  /** Planned actions still not applied at the end (blocked, failed, or audit mode), newest state of each. */
  readonly outstandingActions: readonly ActionRecord[];
  /**
   * With `lookBeforeRepairs`: the world as it starts, before any repair, from an audit-mode sweep (which
   * writes nothing) of the same world in a separate simulation, so the run itself is not disturbed.
   */
  readonly initial: ComplianceReport | null;
  /** Coverage after each sweep, oldest first. */
  readonly history: readonly SweepProgress[];
  readonly events: { readonly delivered: number };
  readonly sim: SimulatedOrganization;
  readonly store: FindingsStore;
  /** The desired state the controller enforced (what the report API's /about hashes). */
  readonly desired: DesiredState;
  /** Stops the embedded DynamoDB engine; the store cannot be read afterwards. */
  close(): Promise<void>;
}

const MINUTE_MS = 60_000;

/**
 * Runs the controller as deployed — a sweep every simulated hour (deployed default: every 6 hours) plus the central bus's events delivered to
 * the `events` function every simulated minute — against a simulated organization on the simulated clock.
 */
export async function runSandbox(options: SandboxOptions): Promise<SandboxResult> {
  const initial = options.lookBeforeRepairs ? await lookBeforeRepairs(options) : null;
  const harness = await SandboxHarness.start(options);
  try {
    return { ...(await simulate(harness, options)), initial };
  } catch (error) {
    await harness.close();
    throw error;
  }
}

/** What was wrong at the start: one audit-mode sweep of a fresh copy of the world. */
async function lookBeforeRepairs(options: SandboxOptions): Promise<ComplianceReport> {
  const look = await SandboxHarness.start({ ...options, config: { ...options.config, mode: 'audit' } });
  try {
    await look.sweep();
    return await look.report();
  } finally {
    await look.close();
  }
}

async function simulate(
  harness: SandboxHarness,
  options: SandboxOptions,
): Promise<Omit<SandboxResult, 'initial'>> {
  const { sim, store } = harness;
  const every = (options.sweepEveryMinutes ?? 60) * MINUTE_MS;
  const start = sim.now().getTime();
  const end = options.until.getTime();
  const sweeps = Math.max(1, Math.ceil((end - start) / every));
  const history: SweepProgress[] = [];
  let delivered = 0;
  let nextSweep = start;
  for (let t = start; t < end; t += MINUTE_MS) {
    // A handler that waited may have moved the clock past t already.
    sim.advanceTo(new Date(Math.max(t, sim.now().getTime())));
    delivered += (await harness.deliverEvents())?.delivered ?? 0;
    if (t >= nextSweep) {
      const { summary } = await harness.sweep();
      const progress = { at: new Date(t).toISOString(), sweep: history.length + 1, sweeps, summary };
      history.push(progress);
      options.onSweep?.(progress);
      nextSweep += every;
    }
  }

  // The report is as of the end of the span asked for.
  if (end > sim.now().getTime()) sim.advanceTo(new Date(end));
  const report = await harness.report();
  const views = await Promise.all(sim.accountIds().map((accountId) => store.getAccountView(accountId)));
  const counts = sim.callCounts();
  return {
    report: {
      ...report,
      calls: {
        // By name: which operation happens to be called first depends on when a lazily loaded SDK client
        // resolves, and the report must be the same for the same world, config and seed.
        byOperation: Object.fromEntries(
          Object.entries(counts.byOperation).sort(([a], [b]) => a.localeCompare(b)),
        ),
        total: counts.total,
        writes: counts.writes,
      },
      notifications: sim.notifications(),
    },
    outstandingActions: views.flatMap((view) => view.outstandingActions),
    history,
    events: { delivered },
    sim,
    store,
    desired: harness.deps.desired,
    close: () => harness.close(),
  };
}
