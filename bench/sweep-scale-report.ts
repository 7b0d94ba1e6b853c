import {
  DEFAULT_EVENTS_MAX_CONCURRENCY,
  DEFAULT_FAN_OUT_CONCURRENCY,
  DEFAULT_SWEEP_PERIOD_HOURS,
} from '../infra/sizing.js';
import { SERVICE_RATE_LIMITS } from '../sandbox/rate-limits.js';
import { DEFAULT_LATENCY_MS } from '../sandbox/timing.js';
import { costSection, PRICES } from './cost-model.js';
import { decimal, markdownTable } from './measure.js';
import { PROBLEM_MIX } from './scale-world.js';
import { COLD_START_MS, INVOCATION_MS, type SweepScaleResult, sweepScaleTable } from './sweep-scale.js';

export const SWEEP_SCALE_HEADING = '## Sweep at scale (simulated clock)';

/** Goals from the product's promise: simulated minutes per size, and the bounds every run must keep. */
const MINUTES_GOAL: Readonly<Record<number, number>> = { 1000: 3, 5000: 10 };
const CALL_RATIO_GOAL = 1.1;

export function sweepScaleSection(rows: readonly SweepScaleResult[]): string {
  const rates = Object.entries(SERVICE_RATE_LIMITS).map(([api, limit]) => [
    `${api}:*`,
    `${limit.perSecond} / s, burst ${limit.burst}`,
    limit.scope === 'organization' ? 'organization (or per account, see runs)' : 'account × Region',
    limit.source,
  ]);
  const latency = Object.entries(DEFAULT_LATENCY_MS)
    .map(([service, ms]) => `${service} ${ms}`)
    .join(', ');
  return [
    SWEEP_SCALE_HEADING,
    '',
    'The real sweep → fan-out → reconcile → notify path (`SandboxHarness.sweep`, the production handlers) ' +
      'over a generated organization (`bench/scale-world.ts`): N member accounts in three OUs, 10 tagged ' +
      'resources in each of R policy Regions, two scan-only Regions enabled in every account and scanned by ' +
      'the config, and planted problems by index — the member role missing in one account in ' +
      `${PROBLEM_MIX.unreachableAccountEvery}, the backup role in one in ${PROBLEM_MIX.missingBackupRoleAccountEvery}, ` +
      `a team plan in one in ${PROBLEM_MIX.teamPlanAccountEvery}, a key the backup role cannot use in one target ` +
      `in ${PROBLEM_MIX.unusableKeyTargetEvery}, an opted-out type in one in ${PROBLEM_MIX.optedOutTargetEvery}, ` +
      `tagged resources in a scan-only Region in one account in ${PROBLEM_MIX.scanOnlyResourcesAccountEvery}, a ` +
      'near-miss tag value on one resource in twenty. A first sweep repairs the world (untimed); the measured ' +
      'sweep runs one simulated hour later.',
    '',
    'Time is simulated (`sandbox/virtual-time.ts`): every call waits its service’s latency on a virtual ' +
      'clock that moves only when all work waits on it, so hundreds of concurrent reconciles run on real ' +
      `promises without waiting for real. Latency per call, ms: ${latency}. The fan-out runs as deployed ` +
      `(read from infra/sizing.ts): Distributed Map MaxConcurrency ${DEFAULT_FAN_OUT_CONCURRENCY}, no ` +
      'reserved concurrency on the reconcile function (it shares the Region’s 1,000 with the events ' +
      `function’s ${DEFAULT_EVENTS_MAX_CONCURRENCY}); each item costs ${INVOCATION_MS} ms to start and the ` +
      `first in each slot ${COLD_START_MS} ms more (a cold container) — both assumed. Rate limits are token ` +
      'buckets that answer an empty bucket with the service’s real throttling exception; the SDK retries ' +
      'it with its standard policy (5 attempts, full-jitter backoff from 500 ms) on the same clock.',
    '',
    markdownTable(['API', 'rate', 'bucket per', 'source'], rates),
    '',
    'Columns: calls are every SDK attempt of the measured sweep (retries count); floor calls give each ' +
      'healthy member the calls of the cheapest healthy member (every list fits one page at this size) and ' +
      'count the management account and the accounts with a planted problem as measured. The time floor is ' +
      'the list-and-org phase plus notify as measured, plus the fan-out’s floor: no schedule on the Map’s ' +
      'slots ends before its longest target, nor before the targets’ summed time spread over all slots (each ' +
      'target without its throttling waits). Lost targets failed or ended unobservable without a planted ' +
      'reason. Peak RSS is the benchmark process’s.',
    '',
    sweepScaleTable(rows),
    '',
    goalLines(rows),
    '',
    organizationsBottleneck(rows),
    '',
    monthlyCostSection(rows),
  ].join('\n');
}

/** The last subsection of the sweep-at-scale section. */
export const MONTHLY_COST_HEADING = '### Monthly cost';

/** The monthly cost subsection, priced from the runs at rate 1×. */
export function monthlyCostSection(rows: readonly SweepScaleResult[]): string {
  return [
    MONTHLY_COST_HEADING,
    '',
    `From the runs above at rate 1× (per-account Organizations limits where measured): invocations, ` +
      'simulated reconcile seconds and DynamoDB requests of one sweep, times the sweeps per month ' +
      `(730 hourly or 122 six-hourly; the default is every ${DEFAULT_SWEEP_PERIOD_HOURS} h). Events between ` +
      'sweeps are assumed at 2 forwarded job events per tagged resource per day. With several targets per ' +
      'invocation, an invocation is assumed to last 1/batch of its targets’ summed time plus 15 % of it for ' +
      'their CPU work (they overlap their waits on AWS). Prices: AWS list prices, ' +
      `US East, ${PRICES.asOf}; free tiers left out. Lambda $${PRICES.lambdaGbSecond} per GB-s (arm64) and ` +
      `$${PRICES.lambdaRequestPerMillion} per million requests; Step Functions Standard ` +
      `$${PRICES.stepFunctionsStandardPerThousandTransitions} per 1,000 transitions, Express ` +
      `$${PRICES.stepFunctionsExpressPerMillionRequests} per million requests + $${PRICES.stepFunctionsExpressGbSecond} ` +
      `per GB-s; DynamoDB on demand $${PRICES.dynamoDbPerMillionWriteUnits} / $${PRICES.dynamoDbPerMillionReadUnits} ` +
      `per million write / read units; SQS $${PRICES.sqsPerMillionRequests} per million requests; EventBridge ` +
      `$${PRICES.eventBridgeCrossAccountPerMillionEvents} per million cross-account events; CloudWatch Logs ` +
      `$${PRICES.cloudWatchLogsIngestPerGb} per GB, $${PRICES.cloudWatchCustomMetricPerMonth} per custom metric and ` +
      `$${PRICES.cloudWatchAlarmPerMonth} per alarm a month; X-Ray $${PRICES.xRayPerMillionTraces} per million ` +
      'traces (default sampling: 1 a second + 5 %). SNS is a few cents at most and left out.',
    '',
    `Priced runs: ${pricedRuns(rows)}.`,
    '',
    costSection(costRows(rows)),
    '',
  ].join('\n');
}

/** What each measured run the model prices brought: targets, invocations, reconcile seconds, writes. */
function pricedRuns(rows: readonly SweepScaleResult[]): string {
  return costRows(rows)
    .filter((row) => !row.estimatedFrom)
    .map(
      (row) =>
        `${row.accounts} × ${row.regions} (${row.targets} targets, ${row.reconcileInvocations} reconcile ` +
        `invocations, ${row.targetSecondsTotal} simulated reconcile seconds, ${row.store.writeItems} items ` +
        `written, ${row.store.readRequests} DynamoDB reads)`,
    )
    .join('; ');
}

/** Organization sizes the cost model prices. */
const COST_SIZES = [100, 1000, 5000] as const;

/**
 * The runs the cost model prices: rate 1×, one per size, per-account Organizations limits when measured
 * (throttling storms are not the steady state a bill comes from). A size without such a run is derived
 * from the smallest one's per-target figures, scaled by targets, and marked so.
 */
function costRows(rows: readonly SweepScaleResult[]): SweepScaleResult[] {
  const bySize = new Map<number, SweepScaleResult>();
  for (const row of rows) {
    if (row.rateScale !== 1) continue;
    const kept = bySize.get(row.accounts);
    if (!kept || (kept.organizationsScope === 'organization' && row.organizationsScope === 'caller')) {
      bySize.set(row.accounts, row);
    }
  }
  const smallest = [...bySize.values()].sort((a, b) => a.accounts - b.accounts)[0];
  if (!smallest) return [];
  return COST_SIZES.map((accounts) => bySize.get(accounts) ?? scaledFrom(smallest, accounts));
}

/** A sweep of `accounts` accounts estimated from a measured one's per-target figures. */
function scaledFrom(measured: SweepScaleResult, accounts: number): SweepScaleResult {
  const factor = (accounts + 1) / (measured.accounts + 1);
  const targets = Math.round(measured.targets * factor);
  const secondsPerTarget = measured.targetSecondsTotal / measured.targets;
  const fanOut = Math.ceil(targets / measured.concurrency) * secondsPerTarget + COLD_START_MS / 1000;
  return {
    ...measured,
    accounts,
    targets,
    estimatedFrom: measured.accounts,
    calls: Math.round(measured.calls * factor),
    reconcileInvocations: targets + 1,
    store: {
      requests: Math.round(measured.store.requests * factor),
      readRequests: Math.round(measured.store.readRequests * factor),
      writeItems: Math.round(measured.store.writeItems * factor),
    },
    targetSecondsTotal: measured.targetSecondsTotal * factor,
    sweepSeconds: measured.phasesSeconds.listAndOrg + measured.phasesSeconds.notify + fanOut,
  };
}

/**
 * Organizations is called from the management account only: the sweep's listing, the org reconcile's tree
 * walk and policy reads, and one effective-policy read per distinct chain of inherited backup policies, which
 * the targets are handed. If Organizations' limits hold for the whole organization, those calls bound a sweep.
 */
function organizationsBottleneck(rows: readonly SweepScaleResult[]): string {
  const limit = SERVICE_RATE_LIMITS.organizations;
  const measured = rows
    .filter((row) => row.organizationsScope === 'organization' && row.rateScale === 1)
    .map((row) => {
      const calls = row.callsByService.organizations ?? 0;
      const effective = row.callsByOperation['organizations:DescribeEffectivePolicy'] ?? 0;
      return (
        `${row.accounts} × ${row.regions}: ${calls} Organizations calls (${effective} \`DescribeEffectivePolicy\`), ` +
        `at least ${decimal(calls / limit.perSecond, 1)} s`
      );
    });
  return [
    'Organizations is called from the management account only, one call at a time: the sweep lists the ' +
      'accounts, the org reconcile walks the tree, reads the policies and their attachments, and reads one ' +
      'account’s effective policy per distinct chain of inherited backup policies, which it hands to the ' +
      'targets (a target reads its own only when its chain’s policy changed in the last 30 minutes or it was ' +
      'not in the tree read). With organization-wide limits at the assumed ' +
      `${limit.perSecond} / s a sweep’s Organizations calls take at least calls ÷ ${limit.perSecond} s` +
      (measured.length > 0 ? `: ${measured.join('; ')}.` : '.') +
      ' The listing and the tree walk grow with accounts ÷ 20 (page size); the effective-policy reads with the ' +
      'number of chains, not with the targets.',
  ].join('\n');
}

function goalLines(rows: readonly SweepScaleResult[]): string {
  return rows
    .filter((row) => row.rateScale === 1)
    .map((row) => {
      const minutes = MINUTES_GOAL[row.accounts];
      const within = [
        minutes === undefined
          ? undefined
          : `${decimal(row.sweepSeconds / 60, 1)} simulated min (goal ≤ ${minutes}: ${row.sweepSeconds <= minutes * 60 ? 'met' : 'not met'})`,
        `call ratio ${decimal(row.callRatio)} (goal ≤ ${CALL_RATIO_GOAL}: ${row.callRatio <= CALL_RATIO_GOAL ? 'met' : 'not met'})`,
        `${row.lostTargets} targets lost (goal 0: ${row.lostTargets === 0 ? 'met' : 'not met'})`,
      ].filter((part) => part !== undefined);
      const scope = row.organizationsScope === 'organization' ? 'org-wide' : 'per-account';
      return `- ${row.accounts} × ${row.regions}, ${scope} Organizations limits: ${within.join('; ')}.`;
    })
    .join('\n');
}
