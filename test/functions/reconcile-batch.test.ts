/**
 * The reconcile function given a fan-out item's batch of targets (the Distributed Map's ItemBatcher): every
 * target reconciled in one invocation, and a target that fails recorded as failed on its own while the
 * others' findings are stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReconcileHandler, type TargetBatchRequest } from '../../functions/reconcile-target.js';
import { createSweepHandler } from '../../functions/sweep.js';
import { SandboxHarness } from '../../sandbox/harness.js';
import type { ControllerDeps } from '../../shared/controller/deps.js';
import type { SweepPlan } from '../../shared/controller/sweep.js';
import { smallWeekConfig, smallWeekWorld } from '../fixtures/worlds/small-week.js';

describe('reconcile function, a batch of targets', () => {
  let harness: SandboxHarness;
  let batch: TargetBatchRequest;

  beforeAll(async () => {
    harness = await SandboxHarness.start({ world: smallWeekWorld([]), config: smallWeekConfig(), seed: 3 });
    const published = new Map<string, SweepPlan['targets']>();
    const plan = await createSweepHandler(
      () => harness.depsOf('sweep'),
      () => async (sweep) => {
        published.set(sweep.runId, sweep.targets);
        return sweep.runId;
      },
    )();
    const org = await createReconcileHandler(() => harness.deps)({
      runId: plan.runId,
      target: { kind: 'org' },
    });
    batch = {
      BatchInput: {
        runId: plan.runId,
        totalAccounts: plan.totalAccounts,
        crossAccountBackupEnabled: org.crossAccountBackupEnabled ?? null,
      },
      Items: published.get(plan.targetsKey) ?? [],
    };
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('reconciles every target of the batch in one invocation and stores each one’s findings', async () => {
    expect(batch.Items.length).toBeGreaterThan(1);

    const result = await createReconcileHandler(() => harness.deps)(batch);

    expect(result).toMatchObject({ targets: batch.Items.length, failedTargets: [] });
    const stored = (await harness.store.listTargets({ limit: 1000 })).items;
    for (const { accountId, region } of batch.Items) {
      expect(stored.some((row) => row.accountId === accountId && row.region === region)).toBe(true);
    }
  });

  it('records a target whose reconcile throws as failed, with why, and still reconciles the others', async () => {
    // A member account: the management account's id is in other targets' items too (its central vault).
    const broken = batch.Items.at(-1);
    const others = batch.Items.slice(0, -1);
    const failingStore = new Proxy(harness.deps.store, {
      get(store, name, receiver) {
        const value = Reflect.get(store, name, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (JSON.stringify(args).includes(broken!.accountId)) throw new Error('findings table unavailable');
          return value.apply(store, args);
        };
      },
    });
    const deps: ControllerDeps = { ...harness.deps, store: failingStore };
    const othersOfAccount = others.filter((target) => target.accountId === broken!.accountId);

    const result = await createReconcileHandler(() => deps)(batch);

    const failed = result.failedTargets.map(({ accountId, region }) => `${accountId}/${region}`);
    expect(failed).toContain(`${broken!.accountId}/${broken!.region}`);
    expect(result.failedTargets.every((target) => target.error.includes('findings table unavailable'))).toBe(
      true,
    );
    // Only the broken account's targets fail; every other target of the batch is reconciled.
    expect(result.failedTargets).toHaveLength(1 + othersOfAccount.length);
    expect(result.targets).toBe(batch.Items.length);
  });
});
