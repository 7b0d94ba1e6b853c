import { SandboxHarness } from '../sandbox/harness.js';
import { observeTarget } from '../shared/aws/observe-target.js';
import { progress } from './measure.js';
import { BENCH_START, benchConfig, benchWorld, memberAccountId } from './worlds.js';

const REGION = 'eu-west-1';
const HOUR_MS = 3_600_000;

/** Maximum page sizes the observer asks for (Tagging 100, Backup's lists 1000, EC2 volumes 500, RDS 100). */
const PAGED_READS = {
  GetResources: 100,
  ListProtectedResources: 1000,
  ListBackupJobs: 1000,
  ListCopyJobs: 1000,
  ListRecoveryPointsByBackupVault: 1000,
  DescribeVolumes: 500,
  DescribeDBInstances: 100,
} as const;
type PagedRead = keyof typeof PAGED_READS;

export interface ReadCostRow {
  readonly resources: number;
  /** Calls made with the member account's credentials during one steady-state sweep. */
  readonly memberCallsInSweep: number;
  /** Writes anywhere during that sweep: a steady state plans nothing, so this must be 0. */
  readonly writesInSweep: number;
  /** Every read of one observation of the target, by operation (all with the member's credentials). */
  readonly targetReads: Readonly<Record<string, number>>;
  readonly targetCalls: number;
  /** Items each paged read had to list: resources, protected resources, jobs, recovery points, volumes, databases. */
  readonly listed: Readonly<Record<PagedRead, number>>;
  readonly fixedCalls: number;
  readonly lowerBound: number;
}

/** A list call costs at least one page, even when empty. */
export function pagesNeeded(items: number, pageSize: number): number {
  return Math.max(1, Math.ceil(items / pageSize));
}

/**
 * The fewest calls that can observe the target: the reads that do not depend on its size (learned from the
 * smallest world) plus every paged list at its maximum page size.
 */
export function lowerBound(fixedCalls: number, listed: Readonly<Record<PagedRead, number>>): number {
  return (
    fixedCalls +
    (Object.keys(PAGED_READS) as PagedRead[]).reduce(
      (sum, read) => sum + pagesNeeded(listed[read], PAGED_READS[read]),
      0,
    )
  );
}

/** The reads whose number does not depend on how many resources the target holds. */
export function sizeIndependentReads(reads: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(reads).filter(([operation]) => !(operation in PAGED_READS)));
}

function fixedCallsOf(reads: Readonly<Record<string, number>>): number {
  return Object.values(sizeIndependentReads(reads)).reduce((sum, count) => sum + count, 0);
}

const detailsOf = (details: Readonly<Record<string, unknown>>, arn: RegExp) =>
  Object.keys(details).filter((key) => arn.test(key)).length;

/** Call counts are keyed `service:Operation`. */
function operationName(key: string): string {
  return key.slice(key.indexOf(':') + 1);
}

/**
 * One account × Region holding `resources` tagged resources, measured once the controller has repaired it
 * and a daily backup has run (so Protected Resources and the job lists hold one entry per selected resource).
 */
export async function measureReadCost(resources: number): Promise<Omit<ReadCostRow, 'lowerBound'>> {
  const member = memberAccountId(0);
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
    const { sim } = harness;
    await harness.sweep();
    // The resources appear at 01:00. Past the 05:00 run and its windows: every selected resource has a completed job and a recovery point.
    sim.advanceTo(new Date(BENCH_START.getTime() + 12 * HOUR_MS));
    sim.drainCentralBusEvents();

    sim.resetCounters();
    await harness.sweep();
    const sweep = sim.callCounts();

    sim.resetCounters();
    const observed = await observeTarget(
      harness.deps.factory,
      harness.deps.desired,
      { accountId: member, region: REGION },
      sim.now(),
    );
    const reads = sim.callCounts();
    if (!observed.reachability.ok)
      throw new Error(`bench target unobservable: ${observed.reachability.message}`);
    const targetReads = Object.fromEntries(
      Object.entries(reads.byOperation).map(([key, count]) => [operationName(key), count]),
    );
    return {
      resources,
      memberCallsInSweep: sweep.byAccount[member] ?? 0,
      writesInSweep: sweep.writes,
      targetReads,
      targetCalls: reads.total,
      listed: {
        GetResources: observed.resources.length,
        ListProtectedResources: observed.protectedResources.length,
        ListBackupJobs: observed.jobs.filter((job) => job.kind === 'BACKUP').length,
        ListCopyJobs: observed.jobs.filter((job) => job.kind === 'COPY').length,
        ListRecoveryPointsByBackupVault: observed.vaultRecoveryPoints.length,
        // At least the tagged volumes and instances (one root volume each), and the tagged databases.
        DescribeVolumes: detailsOf(observed.resourceDetails, /:ec2:/),
        DescribeDBInstances: detailsOf(observed.resourceDetails, /:rds:[^:]+:\d+:db:/),
      },
      // Plus one page per policy vault listing the recovery points old enough to have expired: where
      // lifecycle works that listing is all but empty, so its floor is one call.
      fixedCalls: fixedCallsOf(targetReads) + (observed.expiredRecoveryPoints?.length ?? 0),
    };
  } finally {
    await harness.close();
  }
}

export async function readCostTable(sizes: readonly number[]): Promise<ReadCostRow[]> {
  const measured = [];
  for (const size of sizes) {
    progress(`read cost: 1 target with ${size} tagged resources`);
    measured.push(await measureReadCost(size));
  }
  // The size-independent reads of the smallest target: if they grew with size, the ratio shows it.
  const baseFixed = Math.min(...measured.map((row) => row.fixedCalls));
  return measured.map((row) => ({ ...row, lowerBound: lowerBound(baseFixed, row.listed) }));
}
