/**
 * The controller's deployed sizes, in one place so the construct and the benchmarks that model a
 * deployment (bench/sweep-scale.ts, bench/cost-model.ts) read the same numbers.
 */

/** Targets the sweep reconciles at once, unless the stack overrides it. */
export const DEFAULT_FAN_OUT_CONCURRENCY = 300;

/**
 * Targets one fan-out item hands to one reconcile invocation, which reconciles them all at once (the
 * Distributed Map's ItemBatcher MaxItemsPerBatch). A reconcile mostly waits on AWS, so one invocation
 * bills about one target's duration for the batch. The sweep lists targets account by account, so a batch
 * holds an account's Regions together and their clients share one AssumeRole.
 */
export const TARGETS_PER_INVOCATION = 8;

/** The Distributed Map's MaxConcurrency: batches at once, so that about `targetsAtOnce` targets run. */
export const mapMaxConcurrency = (targetsAtOnce: number): number =>
  Math.max(1, Math.ceil(targetsAtOnce / TARGETS_PER_INVOCATION));

/** Most concurrent events-function invocations the queue may start (event source MaximumConcurrency). */
export const DEFAULT_EVENTS_MAX_CONCURRENCY = 5;

/**
 * Reserved concurrency of the reconcile function: none, it draws on the Region's unreserved pool (1,000 by
 * default, https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html), which the fan-out's
 * MaxConcurrency bounds.
 */
export const RECONCILE_RESERVED_CONCURRENCY: number | undefined = undefined;

/** Memory of each function, MB. */
export const FUNCTION_MEMORY_MB = {
  sweep: 512,
  'reconcile-target': 1024,
  notify: 512,
  events: 1024,
  report: 512,
  evidence: 1024,
} as const;

/**
 * When the full sweep runs unless the deployment sets `sweepPeriodHours`: every 6 hours. Between sweeps
 * the forwarded events (backup and copy jobs, CloudTrail-recorded changes) reconcile the target they
 * concern within minutes, so the sweep is the backstop for what no event reports (no organization trail,
 * invited accounts, a lost event). Hourly sweeps cost about $5 a month more at 1,000 accounts × 4 Regions
 * (bench/results.md, Monthly cost).
 */
export const DEFAULT_SWEEP_PERIOD_HOURS = 6;

/** The dead-man alarm's default: two sweep periods and an hour without a successful sweep. */
export const sweepOverdueHours = (periodHours: number): number => Math.min(24, 2 * periodHours + 1);
