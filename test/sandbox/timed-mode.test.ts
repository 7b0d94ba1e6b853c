import { setTimeout as wallClockWait } from 'node:timers/promises';
import { DescribeRegionSettingsCommand } from '@aws-sdk/client-backup';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { describe, expect, it } from 'vitest';
import { RateLimiter, TokenBucket } from '../../sandbox/rate-limits.js';
import { SandboxTiming } from '../../sandbox/timing.js';
import { VirtualClock } from '../../sandbox/virtual-time.js';
import { baseWorld, clients, plugged, REGION, simulate } from './helpers.js';

const timing = (options: Partial<ConstructorParameters<typeof SandboxTiming>[0]> = {}) =>
  new SandboxTiming({
    fanOutConcurrency: 4,
    targetsPerInvocation: 8,
    invocationMs: 0,
    coldStartMs: 0,
    ...options,
  });

describe('token bucket', () => {
  it.each([
    // reason, calls at these ms, expected admissions
    ['a full bucket admits its burst at once', [0, 0, 0], [true, true, false]],
    [
      'it refills at its rate (2 per second: one token every 500 ms)',
      [0, 0, 0, 499, 500],
      [true, true, false, false, true],
    ],
    ['it never holds more than its burst', [0, 0, 10_000, 10_000, 10_000], [true, true, true, true, false]],
    [
      'a call arriving out of order refills nothing',
      [0, 0, 1000, 1000, 400],
      [true, true, true, true, false],
    ],
  ])('%s', (_reason, times, expected) => {
    const bucket = new TokenBucket(2, 2, 0);
    expect(times.map((at) => bucket.take(at))).toEqual(expected);
  });

  it('keeps Organizations buckets for the whole organization, other services per account and Region', () => {
    const limiter = new RateLimiter(0.05); // burst 20 × 0.05 = 1 token per bucket
    expect(limiter.admit('organizations', 'organizations:ListRoots', '222222222222', 'us-east-1', 0)).toBe(
      true,
    );
    expect(limiter.admit('organizations', 'organizations:ListRoots', '333333333333', 'us-east-1', 0)).toBe(
      false,
    );
    expect(limiter.admit('backup', 'backup:ListBackupJobs', '222222222222', 'eu-west-1', 0)).toBe(true);
    expect(limiter.admit('backup', 'backup:ListBackupJobs', '333333333333', 'eu-west-1', 0)).toBe(true);
    expect(limiter.admit('backup', 'backup:ListBackupJobs', '333333333333', 'eu-central-1', 0)).toBe(true);
    expect(limiter.admit('backup', 'backup:ListBackupJobs', '333333333333', 'eu-central-1', 0)).toBe(false);
    const perCaller = new RateLimiter(0.05, 'caller');
    expect(perCaller.admit('organizations', 'organizations:ListRoots', '222222222222', 'us-east-1', 0)).toBe(
      true,
    );
    expect(perCaller.admit('organizations', 'organizations:ListRoots', '333333333333', 'us-east-1', 0)).toBe(
      true,
    );
  });
});

describe('virtual clock', () => {
  it('wakes sleepers in time order and moves time only as far as the earliest', async () => {
    const clock = new VirtualClock();
    const woke: string[] = [];
    await Promise.all([
      clock.sleep(300).then(() => woke.push(`a@${clock.now()}`)),
      clock.sleep(100).then(() => woke.push(`b@${clock.now()}`)),
      clock.sleep(100).then(async () => {
        woke.push(`c@${clock.now()}`);
        await clock.sleep(50);
        woke.push(`c2@${clock.now()}`);
      }),
    ]);
    expect(woke).toEqual(['b@100', 'c@100', 'c2@150', 'a@300']);
  });

  it('holds time still while tracked work is in flight', async () => {
    const clock = new VirtualClock();
    const end = clock.begin();
    let woke = false;
    const sleeping = clock.sleep(10).then(() => {
      woke = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(woke).toBe(false);
    end();
    await sleeping;
    expect(clock.now()).toBe(10);
  });
});

describe('work resumed from wall-clock timers', () => {
  it('resumes in key order, whatever order the timers fired in, before time moves', async () => {
    const clock = new VirtualClock();
    const resumed: string[] = [];
    const sleeper = clock.sleep(5).then(() => resumed.push(`sleeper@${clock.now()}`));
    // Each piece of work holds time still until its timer fires, as a throttled call does until its retry.
    const fromTimer = async (key: number, wallMs: number) => {
      const hold = clock.begin();
      await wallClockWait(wallMs);
      const resuming = clock.resumeInOrder(key);
      hold();
      await resuming;
      resumed.push(`${key}@${clock.now()}`);
    };
    await Promise.all([fromTimer(3, 0), fromTimer(1, 30), fromTimer(2, 15), sleeper]);
    expect(resumed).toEqual(['1@0', '2@0', '3@0', 'sleeper@5']);
  });

  it('gives throttled calls the same retries whichever SDK retry timer fires first', async () => {
    const retriesWhenFirstTimerIs = async (first: 'b' | 'c') => {
      // Burst 20 × 0.05 = 1: of three calls at once, the first is admitted and the other two throttled.
      const timed = timing({ rateScale: 0.05 });
      const call = (callId: object, attempt: number) =>
        timed.attempt({ callId, attempt }, 'backup', 'backup:ListBackupJobs', '222222222222', REGION);
      const calls = { a: {}, b: {}, c: {} };
      expect(await Promise.all([call(calls.a, 1), call(calls.b, 1), call(calls.c, 1)])).toEqual([
        true,
        false,
        false,
      ]);
      const admittedAt: Record<string, number> = {};
      const retry = async (name: 'b' | 'c') => {
        // The SDK waits its (zero-length) retry timer on the wall clock; here the two fire in either order.
        await wallClockWait(name === first ? 0 : 20);
        for (let attempt = 2; !(await call(calls[name], attempt)); attempt++) {}
        admittedAt[name] = timed.clock.now();
        timed.settled(calls[name]);
      };
      await Promise.all([retry('b'), retry('c')]);
      return admittedAt;
    };
    const bFirst = await retriesWhenFirstTimerIs('b');
    expect(await retriesWhenFirstTimerIs('c')).toEqual(bFirst);
  });
});

describe('timed mode of the simulated organization', () => {
  it('is off by default: calls take no simulated time', async () => {
    const sim = simulate(baseWorld());
    const { backup } = clients(sim, sim.managementCredentials());
    await backup.send(new DescribeRegionSettingsCommand({}));
    expect(sim.callCounts().throttled).toBe(0);
  });

  it('charges each call its service latency on the virtual clock', async () => {
    const sim = simulate(baseWorld());
    const timed = timing({ rateScale: null });
    sim.useTiming(timed);
    const { backup } = clients(sim, sim.managementCredentials());
    await Promise.all([
      backup.send(new DescribeRegionSettingsCommand({})),
      backup.send(new DescribeRegionSettingsCommand({})),
    ]);
    // Sent at once, the two calls overlap.
    expect(timed.clock.now()).toBe(timed.latencyOf('backup'));
    await backup.send(new DescribeRegionSettingsCommand({}));
    expect(timed.clock.now()).toBe(2 * timed.latencyOf('backup'));
  });

  it('throttles with the service’s own exception, which the SDK retries after a backoff', async () => {
    const sim = simulate(baseWorld());
    // Burst 20 × 0.05 = 1: the second call at once finds the bucket empty.
    const timed = timing({ rateScale: 0.05 });
    sim.useTiming(timed);
    // The SDK's retry decision, with its wait spent on the virtual clock (as the harness configures it).
    const organizations = plugged(
      sim,
      new OrganizationsClient({
        region: REGION,
        credentials: sim.managementCredentials(),
        maxAttempts: 5,
        retryStrategy: new ConfiguredRetryStrategy(5, () => 0),
      }),
    );
    const answers = await Promise.all([
      organizations.send(new DescribeOrganizationCommand({})),
      organizations.send(new DescribeOrganizationCommand({})),
    ]);
    expect(answers.map((answer) => answer.Organization?.Id)).toEqual([
      expect.any(String),
      expect.any(String),
    ]);
    expect(timed.throttles).toBeGreaterThan(0);
    expect(timed.throttlesByOperation()).toEqual({ 'organizations:DescribeOrganization': timed.throttles });
    expect(sim.callCounts().throttled).toBe(timed.throttles);
  });
});
