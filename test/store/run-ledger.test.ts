import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import type { FindingTransition } from '../../shared/domain/model.js';
import { runItem, transitionItem, zeroCounts } from '../../shared/store/codecs.js';
import { keys } from '../../shared/store/keys.js';
import { RunLedger } from '../../shared/store/run-ledger.js';
import { TableAccess } from '../../shared/store/table-access.js';

const documents = mockClient(DynamoDBDocumentClient);
afterAll(() => documents.restore());

const RUN_ID = 'run-first-sweep';
const STARTED = new Date('2026-03-04T10:00:00.000Z');
const FINISHED = new Date('2026-03-04T10:40:00.000Z');
/** A first sweep of 5,000 accounts × 4 Regions records about this many transitions in one day. */
const TRANSITIONS = 200_000;
/** Transitions per Query page: DynamoDB stops a page at 1 MB, a few thousand of these small items. */
const PAGE = 2_000;

const TRANSITION: FindingTransition = {
  accountId: '111111111111',
  region: 'eu-west-1',
  subject: { kind: 'resource', arn: 'arn:aws:ec2:eu-west-1:111111111111:volume/vol-0001' },
  from: null,
  to: 'PROTECTED',
  at: STARTED.toISOString(),
  reasons: [],
  detail: 'Backed up within its plan.',
};

/**
 * Serves the run, its day's transitions in pages of PAGE (LastEvaluatedKey = the next offset) and no
 * actions. Only their number matters here, so every page repeats one item (building 200,000 distinct ones
 * would take most of the test's time).
 */
function serveFirstSweep() {
  const expiresAt = 0;
  const run = runItem(
    {
      runId: RUN_ID,
      startedAt: STARTED.toISOString(),
      trigger: 'schedule',
      targets: 20_000,
      counts: zeroCounts(),
      errors: [],
      errorCount: 0,
      actionsApplied: 0,
      actionsBlocked: 0,
    },
    expiresAt,
  );
  const page = new Array(PAGE).fill(transitionItem(TRANSITION, RUN_ID, expiresAt));
  documents.on(QueryCommand).callsFake((input) => {
    const partition = input.ExpressionAttributeValues?.[':pk'];
    if (partition === keys.runPartition(RUN_ID)) return { Items: [run] };
    if (partition !== keys.transitionsOfDay(STARTED.toISOString().slice(0, 10))) return { Items: [] };
    const offset = Number(input.ExclusiveStartKey?.offset ?? 0);
    const next = offset + PAGE;
    return { Items: page, ...(next < TRANSITIONS ? { LastEvaluatedKey: { offset: String(next) } } : {}) };
  });
}

describe('RunLedger.runActivity', () => {
  it(`reads all ${TRANSITIONS.toLocaleString('en')} transitions of a first sweep without overflowing the stack`, async () => {
    serveFirstSweep();
    const ledger = new RunLedger(
      new TableAccess({
        client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })),
        tableName: 'findings',
      }),
    );
    const activity = await ledger.runActivity(RUN_ID, FINISHED);
    expect(activity.transitions).toHaveLength(TRANSITIONS);
    expect(activity.transitions.at(-1)).toEqual(TRANSITION);
    expect(activity.actions).toEqual([]);
  });
});
