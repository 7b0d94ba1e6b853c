/**
 * Two runs reconciling one target at once (a sweep and an event run, or two event runs). One of them is
 * paused before each of its store requests in turn while the other runs from start to end; then it
 * resumes. Whatever the step: an older observation never overwrites a newer finding, a change is one
 * transition (so one alert), and neither run fails.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { SandboxHarness } from '../../sandbox/harness.js';
import type { ControllerDeps } from '../../shared/controller/deps.js';
import { reconcileTarget } from '../../shared/controller/reconcile-target.js';
import type { FindingTransition } from '../../shared/domain/model.js';
import { FindingsStore } from '../../shared/store/findings-store.js';
import { e2eConfig, e2eWorld, ebsVolume, memberAccount, PROD, REGION, TAG, withHarness } from './support.js';

const VOLUME = ebsVolume(PROD, 'race');
const MINUTE = 60_000;
/** The volume's tag becomes a near miss ten minutes after the world starts. */
const RETAG_AT = '2026-03-02T00:10:00Z';

const world = e2eWorld({
  accounts: {
    [PROD]: memberAccount({ [REGION]: { resources: [{ arn: VOLUME, tags: TAG }] } }),
  },
  timeline: [{ at: RETAG_AT, tag: { arn: VOLUME, tags: { BackupEnabled: 'true' } } }],
});

/** Lets requests through until the `pauseBefore`-th, which waits until `release()`. */
class Gate {
  requests = 0;
  private resume: () => void = () => {};
  private readonly resumed = new Promise<void>((resolve) => {
    this.resume = resolve;
  });
  private signalPaused: () => void = () => {};
  readonly paused = new Promise<void>((resolve) => {
    this.signalPaused = resolve;
  });

  constructor(private readonly pauseBefore: number) {}

  async pass(): Promise<void> {
    this.requests += 1;
    if (this.requests !== this.pauseBefore) return;
    this.signalPaused();
    await this.resumed;
  }

  release(): void {
    this.resume();
  }
}

/** The harness's deps with a store whose every DynamoDB request passes through `gate`. */
function gatedDeps(harness: SandboxHarness, gate: Gate): ControllerDeps {
  const { client, tableName } = harness.findingsTable;
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const send = documents.send.bind(documents);
  const gated = Object.assign(Object.create(documents) as DynamoDBDocumentClient, {
    send: async (...args: Parameters<typeof send>) => {
      await gate.pass();
      return send(...args);
    },
  });
  return { ...harness.deps, store: new FindingsStore({ client: gated, tableName }) };
}

const reconcile = (deps: ControllerDeps, runId: string) =>
  reconcileTarget(deps, {
    runId,
    accountId: PROD,
    region: REGION,
    totalAccounts: 1,
    crossAccountBackupEnabled: true,
  });

const ofVolume = (transitions: readonly FindingTransition[]) =>
  transitions
    .filter((t) => t.subject.kind === 'resource' && t.subject.arn === VOLUME)
    .map((t) => [t.from, t.to]);

/**
 * Sweeps the world at its start, then runs A (paused before its `step`-th store request) and B to the end
 * while A waits. `retagBetween`: the tag changes after A observed and before B does (A's observation is
 * older); otherwise it changed before both observed at the same instant.
 */
async function race(step: number, retagBetween: boolean) {
  return withHarness({ world, config: e2eConfig() }, async (harness) => {
    await harness.sweep();
    if (!retagBetween) harness.sim.advanceTo(new Date(Date.parse(RETAG_AT) + MINUTE));
    const gate = new Gate(step);
    await harness.store.startRun({ runId: 'run-a', trigger: 'event', targets: 1, now: harness.sim.now() });
    await harness.store.startRun({ runId: 'run-b', trigger: 'event', targets: 1, now: harness.sim.now() });
    const a = reconcile(gatedDeps(harness, gate), 'run-a');
    await Promise.race([gate.paused, a]);
    if (retagBetween) harness.sim.advanceTo(new Date(Date.parse(RETAG_AT) + MINUTE));
    await reconcile(harness.deps, 'run-b');
    gate.release();
    await a;

    const now = harness.sim.now();
    const activity = await Promise.all(
      ['run-a', 'run-b'].map((runId) => harness.store.runActivity(runId, now)),
    );
    return {
      requests: gate.requests,
      finding: await harness.store.getFinding(PROD, REGION, VOLUME),
      transitions: ofVolume(activity.flatMap((run) => run.transitions)),
    };
  });
}

describe.each([
  { retagBetween: true, why: 'A observed before the change, B after it' },
  { retagBetween: false, why: 'both observed the change at the same instant' },
])('two runs on one target ($why)', ({ retagBetween }) => {
  it('end with the newest verdict and one transition, whichever store request A was paused before', async () => {
    const unpaused = await race(0, retagBetween);
    expect(unpaused.requests).toBeGreaterThan(1);
    for (let step = 1; step <= unpaused.requests; step++) {
      const outcome = await race(step, retagBetween);
      expect({ step, status: outcome.finding?.status, reasons: outcome.finding?.reasons }).toEqual({
        step,
        status: 'UNPROTECTED',
        reasons: ['TAG_VALUE_MISMATCH'],
      });
      expect({ step, transitions: outcome.transitions }).toEqual({
        step,
        transitions: [['PENDING', 'UNPROTECTED']],
      });
    }
  });
});
