/**
 * Issue 4 in the sandbox: with event forwarding in place after the first sweep, an event changes a
 * resource's finding in the simulated minute it reaches the central bus, without waiting for the next
 * hourly sweep. The controller runs as deployed: the central bus's events every minute, a sweep every hour.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxHarness } from '../../sandbox/harness.js';
import type { WorldInput } from '../../sandbox/world.js';
import {
  DB_KEY,
  DB_VOLUME,
  REGION,
  smallWeekConfig,
  smallWeekWorld,
  WEB_VOLUME,
  WORKLOAD,
} from '../fixtures/worlds/small-week.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let harness: SandboxHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function startWeek(timeline: WorldInput['timeline']): Promise<SandboxHarness> {
  harness = await SandboxHarness.start({
    world: smallWeekWorld(timeline),
    config: smallWeekConfig(),
    seed: 4,
  });
  await harness.sweep();
  const checks = (await harness.store.getAccountView(WORKLOAD)).targets.flatMap((target) => target.checks);
  expect(checks.find((check) => check.check === 'EVENT_FORWARDING')?.status).toBe('PASS');
  return harness;
}

/**
 * Steps the clock a minute at a time up to `until`, delivering the central bus every minute and sweeping
 * on the hour (events first, as the queue drains continuously). `watch` runs right after each delivery.
 */
async function runUntil(
  sandbox: SandboxHarness,
  until: Date,
  watch: (minute: Date) => Promise<boolean>,
): Promise<Date | null> {
  for (let t = sandbox.sim.now().getTime() + MINUTE; t <= until.getTime(); t += MINUTE) {
    sandbox.sim.advanceTo(new Date(t));
    await sandbox.deliverEvents();
    if (await watch(new Date(t))) return new Date(t);
    if (t % HOUR === 0) await sandbox.sweep();
  }
  return null;
}

async function lastScheduledSweep(sandbox: SandboxHarness): Promise<string | undefined> {
  const runs = (await sandbox.store.listRuns({ limit: 1000 })).items;
  return runs
    .filter((run) => run.trigger === 'schedule')
    .map((run) => run.startedAt)
    .sort()
    .at(-1);
}

describe('events in the sandbox, between sweeps', () => {
  it('a resource tagged mid-week is PENDING, with its expected-by time, in the minute of its tag event', async () => {
    const taggedAt = '2026-03-04T10:17:00Z';
    const sandbox = await startWeek([
      { at: taggedAt, tag: { arn: WEB_VOLUME, tags: { BackupEnabled: 'True' } } },
    ]);
    // Wednesday's 10:00 sweep, with everything the bus carried until then.
    sandbox.sim.advanceTo(new Date('2026-03-04T10:00:00Z'));
    await sandbox.deliverEvents();
    await sandbox.sweep();

    let before: unknown = 'unread';
    const seenAt = await runUntil(sandbox, new Date(taggedAt), async (minute) => {
      const finding = await sandbox.store.getFinding(WORKLOAD, REGION, WEB_VOLUME);
      if (minute.getTime() < Date.parse(taggedAt)) before = finding;
      return finding !== null;
    });

    expect(before).toBeNull();
    expect(seenAt?.toISOString()).toBe(new Date(taggedAt).toISOString());
    expect(await lastScheduledSweep(sandbox)).toBe('2026-03-04T10:00:00.000Z');
    const finding = await sandbox.store.getFinding(WORKLOAD, REGION, WEB_VOLUME);
    expect(finding).toMatchObject({
      status: 'PENDING',
      reasons: ['AWAITING_FIRST_BACKUP'],
      // The next 05:00 run after the tagging, + 60 min start window + 180 min completion window.
      expectedBy: '2026-03-05T09:00:00.000Z',
    });
  });

  it('a backup job that fails turns its resource FAILING in the minute its event arrives', async () => {
    // The key the database volume is encrypted with is scheduled for deletion before Monday's 05:00 run:
    // the controller cannot undo that, so the run's job fails.
    const sandbox = await startWeek([{ at: '2026-03-02T03:30:00Z', scheduleKeyDeletion: { arn: DB_KEY } }]);
    const failedJob = () =>
      sandbox.sim.inspect
        .backupJobs({ accountId: WORKLOAD, region: REGION })
        .find((job) => job.resourceArn === DB_VOLUME && job.state === 'FAILED');

    let failedBeforeDelivery: string | undefined;
    const failingAt = await runUntil(sandbox, new Date('2026-03-02T07:00:00Z'), async () => {
      const finding = await sandbox.store.getFinding(WORKLOAD, REGION, DB_VOLUME);
      if (finding?.status === 'FAILING') return true;
      failedBeforeDelivery ??= failedJob()?.completionDate?.toISOString();
      return false;
    });

    const job = failedJob();
    expect(job?.statusMessage).toBe(`KMS key ${DB_KEY} is pending deletion.`);
    // Failed in the minute before it was delivered at the latest: events reach the handler every minute.
    expect(failingAt).not.toBeNull();
    expect(failingAt!.getTime() - job!.completionDate!.getTime()).toBeLessThan(MINUTE);
    expect(failedBeforeDelivery).toBeUndefined();
    expect((await lastScheduledSweep(sandbox))! < job!.completionDate!.toISOString()).toBe(true);
    const finding = await sandbox.store.getFinding(WORKLOAD, REGION, DB_VOLUME);
    expect(finding?.reasons).toEqual(expect.arrayContaining(['JOB_FAILED', 'KMS_KEY_PENDING_DELETION']));
    expect(finding?.detail).toContain('pending deletion');
  });
});
