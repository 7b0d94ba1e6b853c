import { SandboxHarness } from '../sandbox/harness.js';
import { observeTarget } from '../shared/aws/observe-target.js';
import { evaluateTarget, type ResourceHistory } from '../shared/domain/evaluate/evaluate-target.js';
import type { ObservedTarget, ResourceFinding } from '../shared/domain/model.js';
import { planTarget } from '../shared/domain/plan/index.js';
import { medianOf, progress } from './measure.js';
import { BENCH_START, benchConfig, benchWorld, memberAccountId } from './worlds.js';

const REGION = 'eu-west-1';
const HOUR_MS = 3_600_000;
const RUNS = 5;

export interface DomainThroughputRow {
  readonly resources: number;
  readonly findings: number;
  readonly actions: number;
  /** Median wall time of evaluateTarget + planTarget over the whole target. */
  readonly domainMs: number;
  /** Median wall time of JSON.stringify + JSON.parse of the same observed state: the baseline. */
  readonly jsonRoundTripMs: number;
}

/**
 * The pure core on one big target: observed through the sandbox after a daily run (so Protected Resources
 * and the job lists are full), with the history a second sweep would load, then evaluated and planned.
 */
export async function measureDomainThroughput(resources: number): Promise<DomainThroughputRow> {
  progress(`domain throughput: evaluate + plan one target with ${resources} tagged resources`);
  const harness = await SandboxHarness.start({
    world: benchWorld({
      accounts: 1,
      regions: [REGION],
      resourcesPerTarget: resources,
      resourcesAppearAt: new Date(BENCH_START.getTime() + HOUR_MS),
    }),
    config: benchConfig([REGION]),
    seed: 1,
  });
  try {
    const { sim, deps } = harness;
    await harness.sweep();
    sim.advanceTo(new Date(BENCH_START.getTime() + 12 * HOUR_MS));
    sim.drainCentralBusEvents();
    const now = sim.now();
    const observed = await observeTarget(
      deps.factory,
      deps.desired,
      { accountId: memberAccountId(0), region: REGION },
      now,
    );
    const org = { crossAccountBackupEnabled: false };
    const first = evaluateTarget({ desired: deps.desired, observed, org, history: new Map(), now });
    const history = historyOf(first.findings);

    let findings = 0;
    let actions = 0;
    const domainMs = await medianOf(RUNS, () => {
      findings = evaluateTarget({ desired: deps.desired, observed, org, history, now }).findings.length;
      actions = planTarget(deps.desired, observed, now).length;
    });
    const jsonRoundTripMs = await medianOf(
      RUNS,
      () => JSON.parse(JSON.stringify(observed)) as ObservedTarget,
    );
    return { resources: observed.resources.length, findings, actions, domainMs, jsonRoundTripMs };
  } finally {
    await harness.close();
  }
}

/** What the store would hand the next evaluation of the same target. */
function historyOf(findings: readonly ResourceFinding[]): ReadonlyMap<string, ResourceHistory> {
  return new Map(
    findings.map((finding) => [
      finding.arn,
      {
        firstSeen: new Date(finding.firstSeen),
        status: finding.status,
        since: new Date(finding.since),
        accountId: finding.accountId,
        region: finding.region,
      },
    ]),
  );
}

export async function domainThroughputTable(sizes: readonly number[]): Promise<DomainThroughputRow[]> {
  const rows = [];
  for (const size of sizes) rows.push(await measureDomainThroughput(size));
  return rows;
}
