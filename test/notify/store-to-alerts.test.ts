import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResourceFinding } from '../../shared/domain/model.js';
import { buildAlerts } from '../../shared/notify/alerts.js';
import { FindingsStore } from '../../shared/store/findings-store.js';
import { createFindingsTable, type LocalDynamo, startLocalDynamo } from '../support/dynamo.js';

const ACCOUNT = '111111111111';
const finding: ResourceFinding = {
  accountId: ACCOUNT,
  region: 'eu-west-1',
  arn: `arn:aws:ec2:eu-west-1:${ACCOUNT}:volume/vol-1`,
  resourceType: 'EBS',
  status: 'UNPROTECTED',
  reasons: ['OPT_IN_DISABLED'],
  detail: 'EBS opt-in is off in eu-west-1.',
  warnings: [],
  lastBackupTime: null,
  lastCopyTime: null,
  expectedBy: '2026-03-04T06:00:00.000Z',
  firstSeen: '2026-03-03T00:00:00.000Z',
  since: '2026-03-04T06:00:00.000Z',
};

let engine: LocalDynamo;
beforeAll(async () => {
  engine = await startLocalDynamo();
  await createFindingsTable(engine.client, 'findings');
});
afterAll(() => engine.stop());

describe('store transitions drive alerts', () => {
  it('alerts once for a new unprotected resource and not again while it stays unchanged', async () => {
    const store = new FindingsStore({ client: engine.client, tableName: 'findings' });
    const runs = [new Date('2026-03-04T10:00:00Z'), new Date('2026-03-04T11:00:00Z')];
    const alertsPerRun = [];
    for (const [index, now] of runs.entries()) {
      const runId = `run-${index}`;
      const saved = await store.saveTargetResult({
        accountId: ACCOUNT,
        region: 'eu-west-1',
        findings: [finding],
        checks: [],
        actions: [],
        runId,
        now,
      });
      alertsPerRun.push(
        buildAlerts({ runId, transitions: saved.transitions, actions: saved.newActions, now }),
      );
    }
    expect(alertsPerRun.map((alerts) => alerts.length)).toEqual([1, 0]);
  });
});
