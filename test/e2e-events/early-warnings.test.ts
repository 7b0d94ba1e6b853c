/**
 * Issue 14's warnings in the sandbox, as deployed (events every minute, a sweep every hour): a key scheduled
 * for deletion at 01:00 makes its volume UNPROTECTED with the deletion date by 01:01, in one alert; a
 * compliance lock a few days from its lock date warns; a waiver keeps one finding quiet until it expires.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxHarness } from '../../sandbox/harness.js';
import {
  DB_KEY,
  DB_VOLUME,
  REGION,
  smallWeekConfig,
  smallWeekWorld,
  WORKLOAD,
} from '../fixtures/worlds/small-week.js';

const SCRATCH_VOLUME = `arn:aws:ec2:${REGION}:${WORKLOAD}:volume/vol-scratch01`;
const SCHEDULED_AT = '2026-03-03T01:00:00Z';
/** Seven days after the deletion was scheduled. */
const DELETION_DATE = '2026-03-10T01:00:00.000Z';
/** Friday: four days after the first sweep. */
const LOCK_DATE = '2026-03-06T00:00:00.000Z';

let harness: SandboxHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(): Promise<SandboxHarness> {
  harness = await SandboxHarness.start({
    world: smallWeekWorld(
      [{ at: SCHEDULED_AT, scheduleKeyDeletion: { arn: DB_KEY, pendingWindowInDays: 7 } }],
      {},
      {
        // A near-miss tag: UNPROTECTED from the first sweep, waived until Wednesday.
        resources: [{ arn: SCRATCH_VOLUME, tags: { BackupEnabled: 'true' } }],
        // The policy's vault, made by the team, with a compliance lock that becomes immutable on Friday.
        vaults: [
          { name: 'org-backup', lock: { minRetentionDays: 7, maxRetentionDays: 400, lockDate: LOCK_DATE } },
        ],
      },
    ),
    config: smallWeekConfig({
      exceptions: [
        {
          arn: SCRATCH_VOLUME,
          reason: 'Scratch data, rebuilt nightly',
          owner: 'data-team',
          expires: '2026-03-04',
        },
      ],
    }),
    seed: 14,
  });
  return harness;
}

/** Alerts about the workload account so far (one SNS message per account and run). */
const workloadAlerts = (sandbox: SandboxHarness) =>
  sandbox.sim.snsMessages().filter((message) => message.message.includes(WORKLOAD));

async function at(sandbox: SandboxHarness, time: string, sweep = false): Promise<void> {
  sandbox.sim.advanceTo(new Date(time));
  await sandbox.deliverEvents();
  if (sweep) await sandbox.sweep();
}

describe('warnings before a backup breaks, in the sandbox', () => {
  it('a key scheduled for deletion at 01:00 is on its volume by 01:01 with one alert; a lock date warns; a waiver holds until it expires', async () => {
    const sandbox = await start();
    await sandbox.sweep();

    // Monday: the lock warns once, on the finding and as a check; the waived near miss stays quiet.
    const db = () => sandbox.store.getFinding(WORKLOAD, REGION, DB_VOLUME);
    const scratch = () => sandbox.store.getFinding(WORKLOAD, REGION, SCRATCH_VOLUME);
    expect(await db()).toMatchObject({ warnings: ['LOCK_BECOMES_IMMUTABLE'] });
    expect((await db())?.warningDetail).toContain(LOCK_DATE);
    const checks = (await sandbox.store.getAccountView(WORKLOAD)).targets.flatMap((target) => target.checks);
    expect(checks.find((check) => check.check === 'VAULT_LOCK_DATE')?.status).toBe('WARN');
    expect(await scratch()).toMatchObject({
      status: 'UNPROTECTED',
      reasons: ['TAG_VALUE_MISMATCH'],
      waiver: { owner: 'data-team', expires: '2026-03-04' },
    });
    expect(workloadAlerts(sandbox).some((message) => message.message.includes('VAULT_LOCK_DATE'))).toBe(true);
    const summary = await sandbox.store.summary();
    expect(summary.total.waived).toMatchObject({ resources: 1, coveragePercentWithoutWaived: 0 });

    // The first backup runs at 05:00; by Tuesday 00:59 the volume is PROTECTED.
    await at(sandbox, '2026-03-02T09:00:00Z', true);
    await at(sandbox, '2026-03-03T00:59:00Z', true);
    expect((await db())?.status).toBe('PROTECTED');
    const before = workloadAlerts(sandbox).length;

    // 01:00 the key is scheduled for deletion; its CloudTrail event reaches the controller that minute.
    await at(sandbox, SCHEDULED_AT);
    await at(sandbox, '2026-03-03T01:01:00Z');
    const doomed = await db();
    expect(doomed).toMatchObject({
      status: 'UNPROTECTED',
      reasons: ['KMS_KEY_PENDING_DELETION'],
      warnings: ['RECOVERY_POINTS_LOST_ON', 'LOCK_BECOMES_IMMUTABLE'],
    });
    expect(doomed?.warningDetail).toContain(`lost for good on ${DELETION_DATE}`);
    const keyAlerts = workloadAlerts(sandbox).slice(before);
    expect(keyAlerts).toHaveLength(1);
    expect(keyAlerts[0]?.message).toContain(DB_VOLUME);
    expect(keyAlerts[0]?.message).toContain(`aws kms cancel-key-deletion --key-id ${DB_KEY}`);

    // Wednesday 00:00 the waiver ends: the near miss alerts for the first time.
    expect(workloadAlerts(sandbox).filter((message) => message.message.includes(SCRATCH_VOLUME))).toEqual([]);
    await at(sandbox, '2026-03-04T00:00:00Z', true);
    const ended = workloadAlerts(sandbox).filter((message) => message.message.includes(SCRATCH_VOLUME));
    expect(ended.map((message) => message.at.toISOString())).toEqual(['2026-03-04T00:00:00.000Z']);
    expect((await scratch())?.waiver).toBeUndefined();
  });
});
