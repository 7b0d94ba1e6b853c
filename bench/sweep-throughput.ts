import { BackupClient, DescribeRegionSettingsCommand } from '@aws-sdk/client-backup';
import { SandboxHarness, type SweepOutcome } from '../sandbox/harness.js';
import { reconcileTarget } from '../shared/controller/reconcile-target.js';
import { BusyTime, timeSdkCalls, timeStoreCalls } from './instrument.js';
import { median, medianOf, progress, timed, timedValue } from './measure.js';
import { benchConfig, benchWorld, memberAccountId } from './worlds.js';

const REGIONS = ['eu-west-1', 'eu-central-1'] as const;
const RESOURCES_PER_TARGET = 20;
const HOUR_MS = 3_600_000;
const BARE_CALLS = 1000;
/** Targets reconciled one by one to split a reconcile's time; a sample keeps the largest world quick. */
const PROFILED_TARGETS = 40;

export interface SweepThroughputRow {
  readonly accounts: number;
  readonly targets: number;
  readonly sweeps: number;
  /** Median wall time of a steady-state sweep (org, every target with the sandbox's fan-out of 8, notify). */
  readonly sweepMs: number;
  readonly msPerTarget: number;
  readonly targetsPerSecond: number;
  /** Median wall time of one DescribeRegionSettings through the sandbox, the same run's baseline. */
  readonly bareCallMs: number;
  readonly serial: SerialProfile;
}

/** Targets reconciled one at a time, so the time inside SDK calls and inside the store does not overlap. */
export interface SerialProfile {
  readonly targets: number;
  readonly msPerTarget: number;
  readonly sdkMsPerTarget: number;
  readonly storeMsPerTarget: number;
  readonly sdkCallsPerTarget: number;
}

export async function measureSweepThroughput(accounts: number, sweeps: number): Promise<SweepThroughputRow> {
  const harness = await SandboxHarness.start({
    world: benchWorld({ accounts, regions: REGIONS, resourcesPerTarget: RESOURCES_PER_TARGET }),
    config: benchConfig(REGIONS),
    seed: 1,
  });
  try {
    // The warm-up sweep repairs every target and stores every finding for the first time.
    await hourlySweep(harness);
    const measured = [];
    for (let sweep = 0; sweep < Math.max(1, sweeps); sweep += 1) {
      measured.push(await timedValue(() => hourlySweep(harness)));
      if (harness.sim.writeCallCount() > 0) progress('warning: a steady-state sweep wrote to AWS');
    }
    const last = measured.at(-1)!;
    const sweepMs = median(measured.map((sample) => sample.ms));
    const targets = last.value.targets.length;
    return {
      accounts,
      targets,
      sweeps,
      sweepMs,
      msPerTarget: sweepMs / targets,
      targetsPerSecond: (targets * 1000) / sweepMs,
      bareCallMs: await bareCallMs(harness),
      serial: await profileSerially(harness, last.value),
    };
  } finally {
    await harness.close();
  }
}

/** Advances the clock an hour, as the schedule does, and sweeps; counters restart so writes can be checked. */
async function hourlySweep(harness: SandboxHarness): Promise<SweepOutcome> {
  harness.sim.advanceBy(HOUR_MS);
  harness.sim.drainCentralBusEvents();
  harness.sim.resetCounters();
  return harness.sweep();
}

/** The cheapest read a target makes, through the same client, plugin and credentials as a reconcile. */
async function bareCallMs(harness: SandboxHarness): Promise<number> {
  const backup = harness.deps.factory.clientOf(BackupClient, memberAccountId(0), REGIONS[0]);
  const command = new DescribeRegionSettingsCommand({});
  const batch = await medianOf(3, async () => {
    for (let call = 0; call < BARE_CALLS; call += 1) await backup.send(command);
  });
  return batch / BARE_CALLS;
}

async function profileSerially(harness: SandboxHarness, sweep: SweepOutcome): Promise<SerialProfile> {
  const sdk = new BusyTime();
  const store = new BusyTime();
  timeSdkCalls(harness.deps.factory, sdk);
  timeStoreCalls(harness.deps.store, store);
  harness.sim.advanceBy(HOUR_MS);
  const totalAccounts = harness.sim.accountIds().length;
  const sample = sweep.targets.slice(0, PROFILED_TARGETS).map((result) => {
    const [accountId = '', region = ''] = result.target.split('/');
    return { accountId, region };
  });
  const wall = await timed(async () => {
    for (const target of sample) {
      await reconcileTarget(harness.deps, {
        runId: sweep.runId,
        ...target,
        totalAccounts,
        crossAccountBackupEnabled: sweep.org.crossAccountBackupEnabled ?? null,
      });
    }
  });
  return {
    targets: sample.length,
    msPerTarget: wall / sample.length,
    sdkMsPerTarget: sdk.ms / sample.length,
    storeMsPerTarget: store.ms / sample.length,
    sdkCallsPerTarget: sdk.calls / sample.length,
  };
}

export async function sweepThroughputTable(
  worlds: readonly { readonly accounts: number; readonly sweeps: number }[],
): Promise<SweepThroughputRow[]> {
  const rows = [];
  for (const { accounts, sweeps } of worlds) {
    progress(`sweep throughput: ${accounts} accounts × ${REGIONS.length} Regions, ${sweeps} measured sweeps`);
    rows.push(await measureSweepThroughput(accounts, sweeps));
  }
  return rows;
}
