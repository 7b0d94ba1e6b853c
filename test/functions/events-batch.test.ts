/**
 * The `events` handler's batch contract: unreadable and unknown events are counted and dropped without
 * failing the batch, an event id is acted on once (SQS and EventBridge redeliver), and a record whose
 * processing throws is reported alone (partial batch response) while the others take effect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventsBench, startEventsBench } from '../e2e-events/support.js';
import { EVENT_FIXTURE_NAMES, loadEventFixture } from '../fixtures/events/index.js';
import {
  eventFixtureConfig,
  eventFixtureWorld,
  MEMBER,
  REGION,
  VOLUME,
} from '../fixtures/worlds/event-fixture-org.js';

const S3_BUCKET = 'arn:aws:s3:::acme-invoices-prod';

/** A fixture under another EventBridge event id, as a distinct event of the same shape. */
function withId(fixture: string, id: string): Record<string, unknown> {
  return { ...(loadEventFixture(fixture) as Record<string, unknown>), id };
}

describe('events handler batches', () => {
  let bench: EventsBench;

  beforeAll(async () => {
    bench = await startEventsBench({ world: eventFixtureWorld(), config: eventFixtureConfig() });
    await bench.harness.sweep();
  });
  afterAll(() => bench?.close());

  const nextMinute = () => {
    bench.harness.sim.advanceBy(60_000);
    bench.clearRecords();
  };
  const runCount = async () => (await bench.harness.store.listRuns({ limit: 1000 })).items.length;
  const memberHistory = async () =>
    (await bench.harness.store.listTransitions({ accountId: MEMBER, limit: 1000 })).items;

  it('counts and drops malformed and unknown events without failing the batch', async () => {
    nextMinute();
    const malformed = EVENT_FIXTURE_NAMES.filter((name) => name.startsWith('malformed-'));
    const unknown = EVENT_FIXTURE_NAMES.filter((name) => name.startsWith('unknown-'));
    const bodies = [
      ...malformed.map(loadEventFixture),
      '{"version":"0","detail-type": truncated',
      withId('backup-job-failed', 'batch-valid-failure'),
      ...unknown.map(loadEventFixture),
    ];

    const response = await bench.deliver(bodies);

    expect(response.batchItemFailures).toEqual([]);
    expect(bench.metrics.total('EventsProcessed', { Kind: 'malformed' })).toBe(malformed.length + 1);
    expect(bench.metrics.total('EventsProcessed', { Kind: 'unknown' })).toBe(unknown.length);
    const dropped = bench.log.entries.filter((entry) => entry.message === 'Event ignored');
    expect(dropped).toHaveLength(malformed.length + 1 + unknown.length);
    // The one valid event in the middle of the batch still took effect.
    expect(bench.activity.immediate.map((update) => update.transition?.to)).toEqual(['FAILING']);
    expect([...bench.activity.reconciled.values()]).toEqual([[`${MEMBER}/${REGION}`]]);
  });

  it('acts on an event id once: a redelivery changes nothing and is counted', async () => {
    nextMinute();
    const event = withId('backup-job-failed', 'redelivered-failure');
    await bench.deliver([event]);
    expect(bench.activity.immediate).toHaveLength(1);
    const finding = await bench.harness.store.getFinding(MEMBER, REGION, VOLUME);
    const runs = await runCount();
    const history = await memberHistory();

    nextMinute();
    const response = await bench.deliver([event]);

    expect(response.batchItemFailures).toEqual([]);
    expect(bench.metrics.total('DuplicateEvents')).toBe(1);
    expect(bench.activity.immediate).toEqual([]);
    expect(bench.activity.reconciled.size).toBe(0);
    expect(await runCount()).toBe(runs);
    expect(await memberHistory()).toEqual(history);
    expect(await bench.harness.store.getFinding(MEMBER, REGION, VOLUME)).toEqual(finding);
  });

  it('acts once on an event id delivered twice in one batch', async () => {
    nextMinute();
    const event = withId('backup-job-aborted', 'twice-in-one-batch');

    const response = await bench.deliver([event, event]);

    expect(response.batchItemFailures).toEqual([]);
    expect(bench.metrics.total('DuplicateEvents')).toBe(1);
    expect(bench.activity.immediate.map((update) => update.transition?.to)).toEqual(['FAILING']);
    expect(bench.activity.reconciled.size).toBe(1);
  });

  it('reports only the record that failed, applies the others, and accepts the retry later', async () => {
    nextMinute();
    const tagged = withId('tag-change-s3-bucket', 'tag-while-store-fails');
    const failed = withId('backup-job-expired', 'failure-beside-store-fault');
    bench.failFindingReads.add(S3_BUCKET);
    const runs = await runCount();

    const response = await bench.deliver([tagged, failed], 'partial');

    bench.failFindingReads.clear();
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'partial-0' }]);
    expect(bench.activity.immediate.map((update) => update.finding.arn)).toEqual([VOLUME]);
    expect(bench.activity.immediate[0]?.transition?.to).toBe('FAILING');
    expect(await runCount()).toBe(runs + 1);

    // SQS hands the failed record back; its idempotency record was released, so it is not a duplicate.
    nextMinute();
    const retry = await bench.deliver([tagged], 'partial-retry');
    expect(retry.batchItemFailures).toEqual([]);
    expect(bench.metrics.total('DuplicateEvents')).toBe(0);
    expect(bench.activity.immediate.map((update) => [update.finding.arn, update.transition?.to])).toEqual([
      [S3_BUCKET, 'PENDING'],
    ]);
  });

  it('never loses a reconcile to a retry: events whose target failed come back and are reconciled then', async () => {
    nextMinute();
    const failure = withId('backup-job-failed', 'failure-while-reconcile-fails');
    const tagged = withId('tag-change-s3-bucket', 'tag-beside-failed-reconcile');
    bench.failTargetSaves.add(`${MEMBER}/${REGION}`);

    const response = await bench.deliver([failure, tagged], 'reconcile-fails');

    bench.failTargetSaves.clear();
    // Both events named the failed target: both come back, and neither counts as processed.
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'reconcile-fails-0' },
      { itemIdentifier: 'reconcile-fails-1' },
    ]);
    expect(bench.metrics.total('EventTargetsFailed')).toBe(1);

    nextMinute();
    const retry = await bench.deliver([failure, tagged], 'reconcile-retried');
    expect(retry.batchItemFailures).toEqual([]);
    expect(bench.metrics.total('DuplicateEvents')).toBe(0);
    expect([...bench.activity.reconciled.values()]).toEqual([[`${MEMBER}/${REGION}`]]);

    // Once reconciled, a third delivery is a duplicate.
    nextMinute();
    await bench.deliver([failure], 'reconcile-duplicate');
    expect(bench.metrics.total('DuplicateEvents')).toBe(1);
    expect(bench.activity.reconciled.size).toBe(0);
  });

  it('lists the organization once for many event batches (the account list is reused)', async () => {
    nextMinute();
    const before = bench.harness.sim.callCounts().byOperation['organizations:ListAccounts'] ?? 0;
    for (let batch = 0; batch < 5; batch++) {
      await bench.deliver([withId('backup-job-failed', `org-list-${batch}`)]);
      bench.harness.sim.advanceBy(60_000);
    }
    const after = bench.harness.sim.callCounts().byOperation['organizations:ListAccounts'] ?? 0;
    expect(after - before).toBeLessThanOrEqual(1);
  });

  it('leaves summarizing the organization to the sweep: event batches read no target rows for it', async () => {
    nextMinute();
    await bench.harness.sweep();
    bench.clearRecords();
    for (let batch = 0; batch < 3; batch++) {
      await bench.deliver([withId('backup-job-failed', `summary-${batch}`)]);
      bench.harness.sim.advanceBy(60_000);
    }
    expect(bench.activity.reconciled.size).toBeGreaterThan(0);
    expect(bench.activity.summaryReads).toBe(0);
  });
});
