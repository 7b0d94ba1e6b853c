import { describe, expect, it } from 'vitest';
import type { SandboxHarness } from '../../sandbox/harness.js';
import {
  e2eConfig,
  ebsVolume,
  failingBackupAccount,
  PROD,
  preparedWorld,
  sweepAtHour,
  withHarness,
} from './support.js';

const failingVolume = ebsVolume(PROD, 'fails-daily');
const healthyVolume = ebsVolume(PROD, 'healthy');

/** PROD, prepared, with one volume backed up normally and one whose key refuses the backup role. */
const worldFor = (config: ReturnType<typeof e2eConfig>) =>
  preparedWorld(config, { accounts: { [PROD]: failingBackupAccount(failingVolume, [healthyVolume]) } });

async function sweepAt(harness: SandboxHarness, hour: number) {
  const report = await sweepAtHour(harness, hour);
  return (arn: string) => report.resources.find((finding) => finding.arn === arn);
}

describe('verdicts over time', () => {
  it('a resource whose jobs fail every day is FAILING all week, with one since and one alert', async () => {
    const config = e2eConfig({ mode: 'audit' });
    await withHarness({ world: worldFor(config), config }, async (harness) => {
      const seen: { status: string; since: string }[] = [];
      // After each day's failure, and one minute after each next day's job was created (still CREATED).
      for (let day = 0; day < 7; day++) {
        for (const hour of [day * 24 + 10, (day + 1) * 24 + 5 + 1 / 60]) {
          const finding = (await sweepAt(harness, hour))(failingVolume);
          seen.push({ status: finding?.status ?? 'MISSING', since: finding?.since ?? '' });
        }
      }
      expect(new Set(seen.map((entry) => entry.status))).toEqual(new Set(['FAILING']));
      expect(new Set(seen.map((entry) => entry.since)).size).toBe(1);
      const alerts = harness.sim.snsMessages().filter((message) => message.message.includes(failingVolume));
      expect(alerts).toHaveLength(1);
    });
  });

  it('a monthly plan is judged on day 40: PROTECTED by its day-30 recovery point, FAILING from a day-30 failure', async () => {
    const config = e2eConfig({
      mode: 'audit',
      plans: [
        {
          name: 'monthly',
          schedule: 'cron(0 3 1 * ? *)',
          startWindowMinutes: 120,
          completionWindowMinutes: 720,
          deleteAfterDays: 365,
        },
      ],
    });
    await withHarness({ world: worldFor(config), config }, async (harness) => {
      // The world starts 2026-03-02; the plan first runs 2026-04-01 03:00 (day 30).
      const onDay31 = await sweepAt(harness, 31 * 24);
      expect(onDay31(failingVolume)?.status).toBe('FAILING');
      const onDay40 = await sweepAt(harness, 40 * 24);
      // Jobs are read 8 days back; the failure is 10 days old and survives through the store.
      expect(onDay40(failingVolume)).toMatchObject({
        status: 'FAILING',
        reasons: ['JOB_FAILED', 'KMS_ACCESS_DENIED'],
      });
      expect(onDay40(healthyVolume)).toMatchObject({
        status: 'PROTECTED',
        lastBackupTime: expect.stringMatching(/^2026-04-01T0[3-5]/),
      });
    });
  });
});
