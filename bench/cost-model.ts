import { DEFAULT_FUNCTION_LOG_LEVEL } from '../infra/controller-function.js';
import { FUNCTION_MEMORY_MB, TARGETS_PER_INVOCATION } from '../infra/sizing.js';
import { decimal, markdownTable } from './measure.js';
import type { SweepScaleResult } from './sweep-scale.js';

/**
 * AWS list prices (US East, N. Virginia) the model assumes. They are the public prices as last published
 * before this model was written; this machine has no internet access, so they were not re-read on the day
 * of the run. Free tiers are left out (a production organization shares them with other workloads).
 */
export const PRICES = {
  asOf: '2026-12-02 (list prices known at that date, not re-read online)',
  lambdaRequestPerMillion: 0.2,
  /** arm64 (the functions' architecture). */
  lambdaGbSecond: 0.0000133334,
  stepFunctionsStandardPerThousandTransitions: 0.025,
  stepFunctionsExpressPerMillionRequests: 1.0,
  stepFunctionsExpressGbSecond: 0.00001667,
  /** An Express child is billed in 64-MB steps; the Map's children stay in the first. */
  stepFunctionsExpressMemoryGb: 0.0625,
  dynamoDbPerMillionWriteUnits: 0.625,
  dynamoDbPerMillionReadUnits: 0.125,
  sqsPerMillionRequests: 0.4,
  eventBridgeCrossAccountPerMillionEvents: 1.0,
  snsPerMillionPublishes: 0.5,
  cloudWatchLogsIngestPerGb: 0.5,
  cloudWatchCustomMetricPerMonth: 0.3,
  cloudWatchAlarmPerMonth: 0.1,
  xRayPerMillionTraces: 5.0,
} as const;

const HOURS_PER_MONTH = 730;
/** Custom metrics the handlers publish (distinct EMF metric names × dimension sets). Counted in the code. */
const CUSTOM_METRICS = 18;
/** Alarms the construct creates (errors per function, dead-man, outbox age, DLQs). */
const ALARMS = 10;
/** State transitions of one sweep's parent (Standard) workflow outside the Map. */
const PARENT_TRANSITIONS = 8;
/** State transitions of one Map item if the children were Standard workflows (task, its result, end). */
const STANDARD_CHILD_TRANSITIONS = 3;
/**
 * Log bytes per invocation (assumed): at INFO the controller's lines plus Lambda's START/END/REPORT, at
 * WARN only the latter and the rare warning.
 */
const LOG_BYTES = { DEBUG: 4000, INFO: 1500, WARN: 400, ERROR: 350 } as const;
/** X-Ray's default sampling rule: the first request each second, then 5 %. */
const XRAY_RESERVOIR_PER_SECOND = 1;
const XRAY_RATE = 0.05;
/**
 * Events between sweeps (assumed): backup and copy job state changes forwarded per tagged resource per day,
 * each reconciling its target in the events function (batches of 10 from SQS).
 */
const EVENTS_PER_RESOURCE_PER_DAY = 2;
const EVENT_RECONCILE_SECONDS = 1.5;
const SQS_REQUESTS_PER_EVENT = 3;

export interface CostScenario {
  readonly name: string;
  readonly sweepsPerMonth: number;
  /** Targets one reconcile invocation handles, all at once. */
  readonly targetsPerInvocation: number;
  readonly reconcileMemoryMb: number;
  readonly expressChildren: boolean;
  readonly logBytesPerInvocation: number;
  readonly xRay: boolean;
}

export interface CostLine {
  readonly lambda: number;
  readonly stepFunctions: number;
  readonly dynamoDb: number;
  readonly eventsPath: number;
  readonly cloudWatch: number;
  readonly xRay: number;
  readonly total: number;
}

/**
 * The monthly cost of one organization size under one scenario, from a measured sweep: its invocations,
 * the simulated seconds its reconciles took, its DynamoDB requests and items written.
 */
export function monthlyCost(sweep: SweepScaleResult, scenario: CostScenario): CostLine {
  const p = PRICES;
  const batch = Math.max(1, scenario.targetsPerInvocation);
  const invocationsPerSweep = Math.ceil(sweep.targets / batch) + 3;
  // Several targets in one invocation overlap their waits on AWS: the invocation lasts about as long as
  // its slowest target, so billed seconds shrink with the batch (a target's reconcile is mostly I/O).
  // The measured seconds are its invocations' (batches of `targetsPerInvocation`); other batch sizes scale.
  const reconcileSeconds =
    (sweep.targetSecondsTotal * batchOverlap(batch)) / batchOverlap(sweep.targetsPerInvocation ?? 1);
  const sweepOverheadGbSeconds =
    (sweep.phasesSeconds.listAndOrg + sweep.phasesSeconds.notify) * (FUNCTION_MEMORY_MB.sweep / 1024);
  const gbSeconds = reconcileSeconds * (scenario.reconcileMemoryMb / 1024) + sweepOverheadGbSeconds;
  const lambdaPerSweep =
    (invocationsPerSweep / 1e6) * p.lambdaRequestPerMillion + gbSeconds * p.lambdaGbSecond;
  const mapItems = Math.ceil(sweep.targets / batch);
  const stepFunctionsPerSweep =
    (PARENT_TRANSITIONS / 1000) * p.stepFunctionsStandardPerThousandTransitions +
    (scenario.expressChildren
      ? (mapItems / 1e6) * p.stepFunctionsExpressPerMillionRequests +
        (reconcileSeconds + mapItems * 0.1) * p.stepFunctionsExpressMemoryGb * p.stepFunctionsExpressGbSecond
      : ((mapItems * STANDARD_CHILD_TRANSITIONS) / 1000) * p.stepFunctionsStandardPerThousandTransitions);
  const dynamoPerSweep =
    (sweep.store.writeItems / 1e6) * p.dynamoDbPerMillionWriteUnits +
    (sweep.store.readRequests / 1e6) * p.dynamoDbPerMillionReadUnits;
  const logGb = (invocationsPerSweep * scenario.logBytesPerInvocation) / 1e9;
  const sweepSeconds = Math.max(1, sweep.sweepSeconds);
  const tracesPerSweep = scenario.xRay
    ? Math.min(
        invocationsPerSweep,
        sweepSeconds * XRAY_RESERVOIR_PER_SECOND + invocationsPerSweep * XRAY_RATE,
      )
    : 0;
  const resources = (sweep.accounts + 1) * sweep.regions * sweep.resourcesPerTarget;
  const eventsPerMonth = resources * EVENTS_PER_RESOURCE_PER_DAY * (HOURS_PER_MONTH / 24);
  const eventsPath =
    (eventsPerMonth / 1e6) *
      (p.eventBridgeCrossAccountPerMillionEvents + SQS_REQUESTS_PER_EVENT * p.sqsPerMillionRequests) +
    (eventsPerMonth / 10 / 1e6) * p.lambdaRequestPerMillion +
    (eventsPerMonth / 10) * EVENT_RECONCILE_SECONDS * (FUNCTION_MEMORY_MB.events / 1024) * p.lambdaGbSecond;
  const monthly = (perSweep: number) => perSweep * scenario.sweepsPerMonth;
  const lambda = monthly(lambdaPerSweep);
  const stepFunctions = monthly(stepFunctionsPerSweep);
  const dynamoDb = monthly(dynamoPerSweep);
  const cloudWatch =
    monthly(logGb * p.cloudWatchLogsIngestPerGb) +
    CUSTOM_METRICS * p.cloudWatchCustomMetricPerMonth +
    ALARMS * p.cloudWatchAlarmPerMonth;
  const xRay = monthly((tracesPerSweep / 1e6) * p.xRayPerMillionTraces);
  const total = lambda + stepFunctions + dynamoDb + eventsPath + cloudWatch + xRay;
  return { lambda, stepFunctions, dynamoDb, eventsPath, cloudWatch, xRay, total };
}

/**
 * How much of the batch's summed reconcile time one invocation is billed for: with the targets run
 * concurrently inside it, about the slowest one's, so 1/batch of the sum plus a share for their CPU work.
 */
function batchOverlap(batch: number): number {
  return batch === 1 ? 1 : 1 / batch + CPU_SHARE_OF_RECONCILE;
}

/** Assumed share of a reconcile's time that is CPU, which overlapping within one invocation cannot hide. */
const CPU_SHARE_OF_RECONCILE = 0.15;

/**
 * The scenarios, each adding one lever to the previous: Standard child workflows (for reference), the
 * controller as it was before this model's levers (Express children, one target per invocation, INFO
 * logs), then the levers built since — batches of targets per invocation and the WARN log level — which
 * together are the deployed defaults (infra/sizing.ts, infra/controller-function.ts).
 */
export function costScenarios(sweepsPerMonth: number): CostScenario[] {
  const before: CostScenario = {
    name: 'before: 1 target per invocation, INFO logs',
    sweepsPerMonth,
    targetsPerInvocation: 1,
    reconcileMemoryMb: FUNCTION_MEMORY_MB['reconcile-target'],
    expressChildren: true,
    logBytesPerInvocation: LOG_BYTES.INFO,
    xRay: true,
  };
  const standard = {
    ...before,
    name: 'Standard children instead of Express (reference)',
    expressChildren: false,
  };
  const batched = {
    ...before,
    name: `+ ${TARGETS_PER_INVOCATION} targets per invocation`,
    targetsPerInvocation: TARGETS_PER_INVOCATION,
  };
  const deployed = {
    ...batched,
    name: `+ ${DEFAULT_FUNCTION_LOG_LEVEL} logs = as deployed`,
    logBytesPerInvocation: LOG_BYTES[DEFAULT_FUNCTION_LOG_LEVEL],
  };
  return [standard, before, batched, deployed];
}

export function costSection(sweeps: readonly SweepScaleResult[]): string {
  const rows: string[][] = [];
  for (const sweep of sweeps) {
    for (const [cadence, perMonth] of [
      ['hourly', HOURS_PER_MONTH],
      ['6-hourly', HOURS_PER_MONTH / 6],
    ] as const) {
      for (const scenario of costScenarios(perMonth)) {
        const cost = monthlyCost(sweep, scenario);
        rows.push([
          `${sweep.accounts} × ${sweep.regions}${sweep.estimatedFrom ? ` (from ${sweep.estimatedFrom} × ${sweep.regions})` : ''}`,
          cadence,
          scenario.name,
          ...[
            cost.lambda,
            cost.stepFunctions,
            cost.dynamoDb,
            cost.eventsPath,
            cost.cloudWatch,
            cost.xRay,
            cost.total,
          ].map((value) => decimal(value, 2)),
        ]);
      }
    }
  }
  return markdownTable(
    [
      'accounts × Regions',
      'sweeps',
      'scenario',
      'Lambda $',
      'Step Functions $',
      'DynamoDB $',
      'events path $',
      'CloudWatch $',
      'X-Ray $',
      'total $/month',
    ],
    rows,
  );
}
