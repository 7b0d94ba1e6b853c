/**
 * The Tagging API keeps returning a deleted resource for a while (the sandbox: six hours). A volume's own
 * listing (DescribeVolumes) says it is gone at once, so its finding leaves without an alert; a table has no
 * cheap listing, so its finding is kept unchanged (marked absent) once the Tagging API stops returning it,
 * and leaves after 24 hours of absence.
 */
import { describe, expect, it } from 'vitest';
import { classifyTransition } from '../../shared/notify/alerts.js';
import {
  advanceToHour,
  atHour,
  dynamoTable,
  e2eConfig,
  ebsVolume,
  PROD,
  preparedAccount,
  preparedWorld,
  tagged,
  withHarness,
} from './support.js';

const volume = ebsVolume(PROD, 'deleted');
const table = dynamoTable(PROD, 'deleted');
const kept = ebsVolume(PROD, 'kept');
const at = (hours: number) => atHour(hours).toISOString();

const config = e2eConfig({ mode: 'audit' });
const world = preparedWorld(config, {
  accounts: { [PROD]: preparedAccount({ resources: tagged([volume, table, kept]) }) },
  timeline: [
    { at: at(12), deleteResource: { arn: volume } },
    { at: at(12), deleteResource: { arn: table } },
  ],
});

describe('resources deleted while the Tagging API still returns them', () => {
  it('a volume confirmed gone by its own listing leaves at once; a table a day after tagging forgets it; no alert either way', async () => {
    await withHarness({ world, config }, async (harness) => {
      advanceToHour(harness, 10);
      await harness.sweep();
      const arns = async () => (await harness.report()).resources.map((finding) => finding.arn).sort();
      expect(await arns()).toEqual([table, volume, kept].sort());

      // Two hours after the deletion: GetResources still lists both.
      advanceToHour(harness, 14);
      const soon = await harness.sweep();
      expect(await arns()).toEqual([table, kept].sort());

      // Past the Tagging API's delay the table is absent: its finding stays, unchanged, for a day.
      advanceToHour(harness, 19);
      const absent = await harness.sweep();
      expect(await arns()).toEqual([table, kept].sort());
      const marked = (await harness.report()).resources.find((finding) => finding.arn === table);
      expect(marked?.absentSince).toBe(at(19));
      const { transitions: none } = await harness.store.runActivity(absent.runId, harness.sim.now());
      expect(none.filter((t) => t.subject.kind === 'resource' && t.subject.arn === table)).toEqual([]);

      advanceToHour(harness, 42);
      await harness.sweep();
      expect(await arns()).toEqual([table, kept].sort());

      // 24 hours after the Tagging API last returned it, the table's finding leaves.
      advanceToHour(harness, 43);
      const later = await harness.sweep();
      expect(await arns()).toEqual([kept]);

      for (const run of [soon, later]) {
        const { transitions } = await harness.store.runActivity(run.runId, harness.sim.now());
        const deleted = transitions.filter(
          (t) => t.subject.kind === 'resource' && [volume, table].includes(t.subject.arn),
        );
        expect(deleted.map((t) => t.to)).toEqual(['GONE']);
        expect(deleted.filter((t) => classifyTransition(t) !== null)).toEqual([]);
      }
    });
  });
});
