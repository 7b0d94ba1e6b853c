/**
 * A member account can own resources with the longest ARNs AWS issues: 2,048 characters, and SSM parameters
 * whose ARN alone is 1,011. They must be stored, reported, and never cost another account its verdicts or
 * alerts — neither through a sweep nor through an events batch that carries them next to other accounts'.
 */
import { describe, expect, it } from 'vitest';
import type { ComplianceReport } from '../../shared/domain/model.js';
import {
  advanceToHour,
  DEV,
  dynamoTable,
  e2eConfig,
  e2eWorld,
  memberAccount,
  PROD,
  REGION,
  TAG,
  tagged,
  taggedVolumes,
  withHarness,
} from './support.js';

const LONGEST_ARN = `arn:aws:ec2:${REGION}:${DEV}:volume/vol-`.padEnd(2048, 'a');
const LONG_PARAMETER = `arn:aws:ssm:${REGION}:${DEV}:parameter/app/`.padEnd(1011, 'p');
const VICTIM = dynamoTable(PROD, 'victim');

const RETAG_AT = '2026-03-03T06:01:00Z';

function world(options: { hostile: boolean }) {
  return e2eWorld({
    // The victim's tag becomes a near miss while the hostile account re-tags its longest-ARN resource.
    timeline: options.hostile
      ? [
          { at: RETAG_AT, tag: { arn: LONGEST_ARN, tags: { ...TAG, Team: 'x' } } },
          { at: RETAG_AT, tag: { arn: VICTIM, tags: { BackupEnabled: 'true' } } },
        ]
      : [],
    accounts: {
      [PROD]: memberAccount({
        [REGION]: { resources: [...taggedVolumes(PROD, 'prod', 2), ...tagged([VICTIM])] },
      }),
      [DEV]: memberAccount({
        [REGION]: {
          resources: [
            ...taggedVolumes(DEV, 'dev', 1),
            ...tagged(options.hostile ? [LONGEST_ARN, LONG_PARAMETER] : []),
          ],
        },
      }),
    },
  });
}

const verdictsOf = (report: ComplianceReport, accountId: string) =>
  report.resources
    .filter((finding) => finding.accountId === accountId)
    .map((finding) => [finding.arn, finding.status, [...finding.reasons].sort()]);

/**
 * Sweeps at hour 0 and after the first backup window (before the re-tagging) and returns both reports. A
 * target whose result cannot be stored fails its reconcile, and the sweep with it.
 */
async function sweptTwice(options: { hostile: boolean }) {
  return withHarness({ world: world(options), config: e2eConfig() }, async (harness) => {
    const reports: ComplianceReport[] = [];
    for (const hour of [0, 30]) {
      advanceToHour(harness, hour);
      await harness.deliverEvents();
      await harness.sweep();
      reports.push(await harness.report());
    }
    return reports;
  });
}

describe('ARNs of the longest lengths AWS allows', () => {
  it('are stored and reported, and every other account gets exactly the verdicts it gets without them', async () => {
    const clean = await sweptTwice({ hostile: false });
    const hostile = await sweptTwice({ hostile: true });

    const [, after] = hostile;
    const reported = new Map(after?.resources.map((finding) => [finding.arn, finding]));
    expect(reported.get(LONGEST_ARN)?.status).toBe('PROTECTED');
    expect(reported.get(LONG_PARAMETER)).toMatchObject({
      status: 'UNPROTECTED',
      reasons: ['UNSUPPORTED_RESOURCE_TYPE'],
    });
    expect(hostile.map((report) => verdictsOf(report, PROD))).toEqual(
      clean.map((report) => verdictsOf(report, PROD)),
    );
    // Not two equally broken runs: the other account's resources did get protected.
    expect(verdictsOf(after!, PROD).every(([, status]) => status === 'PROTECTED')).toBe(true);
  });

  it('in one events batch with another account’s tag change, that account’s finding changes and is alerted', async () => {
    await withHarness({ world: world({ hostile: true }), config: e2eConfig() }, async (harness) => {
      await harness.sweep();
      advanceToHour(harness, 30);
      await harness.deliverEvents();
      await harness.sweep();
      const alertsBefore = harness.sim.snsMessages().length;

      // The events as EventBridge delivers them, in one batch, whether or not forwarding is in place yet.
      harness.sim.advanceTo(new Date(RETAG_AT));
      const at = harness.sim.now().toISOString();
      harness.sim.drainCentralBusEvents();
      const response = await harness.deliver([
        tagChange(DEV, LONGEST_ARN, { ...TAG, Team: 'x' }, at, 'ec2', 'volume'),
        tagChange(PROD, VICTIM, { BackupEnabled: 'true' }, at, 'dynamodb', 'table'),
      ]);

      expect(response.batchItemFailures).toEqual([]);
      expect(await harness.store.getFinding(PROD, REGION, VICTIM)).toMatchObject({
        status: 'UNPROTECTED',
        reasons: ['TAG_VALUE_MISMATCH'],
      });
      const alerts = harness.sim.snsMessages().slice(alertsBefore);
      expect(alerts.some((alert) => alert.message.includes(VICTIM))).toBe(true);
    });
  });
});

/** An `aws.tag` Tag Change on Resource event as EventBridge delivers it (all current tags, changed keys). */
function tagChange(
  account: string,
  arn: string,
  tags: Record<string, string>,
  time: string,
  service: string,
  resourceType: string,
) {
  return {
    version: '0',
    id: `tag-${account}-${time}`,
    'detail-type': 'Tag Change on Resource',
    source: 'aws.tag',
    account,
    time,
    region: REGION,
    resources: [arn],
    detail: {
      'changed-tag-keys': Object.keys(tags),
      tags,
      service,
      'resource-type': resourceType,
      version: 2,
    },
  };
}
