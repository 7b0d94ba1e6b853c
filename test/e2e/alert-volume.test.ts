import { describe, expect, it } from 'vitest';
import { runSandbox } from '../../sandbox/runner.js';
import {
  DB_VOLUME,
  REGION,
  smallWeekConfig,
  smallWeekWorld,
  WEEK_START,
  WORKLOAD,
} from '../fixtures/worlds/small-week.js';

const SLACK_SECRET = 'org-backup/slack-webhook';
const WEBHOOK = 'https://hooks.slack.com/services/T0000SAND/B0000SAND/sandboxsandboxsandbox';
const DAY_MS = 86_400_000;
/** SNS's documented message limit, and Slack's blocks per message (the sandbox also enforces both). */
const SNS_MAX_BYTES = 262_144;
const SLACK_MAX_BLOCKS = 50;

const withSlack = (overrides: Record<string, unknown> = {}) =>
  smallWeekConfig({ alerts: { emails: [], slackWebhookSecretName: SLACK_SECRET }, ...overrides });

/** A simulated week, or 3,000 resources: slower than the default test timeout on a busy machine. */
const LONG = { timeout: 300_000 };

describe('alert volume and size, as the sandbox report lists what was sent', () => {
  it('a resource whose backup fails every day for a week is alerted once', LONG, async () => {
    // The vault carries an immutable compliance lock whose minimum retention (60 days) the plan's 35 days
    // cannot meet: every daily job fails, and nothing the controller may do fixes it.
    const world = smallWeekWorld([], {
      secrets: { [SLACK_SECRET]: WEBHOOK },
      accounts: {
        [WORKLOAD]: {
          roles: ['OrgBackupServiceRole'],
          regions: {
            [REGION]: {
              resources: [{ arn: DB_VOLUME, tags: { BackupEnabled: 'True' } }],
              vaults: [
                {
                  name: 'org-backup',
                  lock: { minRetentionDays: 60, maxRetentionDays: 400, lockDate: '2026-01-01T00:00:00Z' },
                },
              ],
            },
          },
        },
      },
    });
    const result = await runSandbox({
      world,
      config: withSlack(),
      until: new Date(Date.parse(WEEK_START) + 7 * DAY_MS),
      seed: 3,
    });
    try {
      const failures = result.sim
        .snsMessages()
        .filter((message) => message.message.includes(DB_VOLUME) && message.message.includes('FAILING'));
      expect(failures.map((message) => message.subject)).toHaveLength(1);
      const workload = result.report.notifications.filter((n) => n.accountId === WORKLOAD);
      // One message per channel for the failure; nothing about this account on any later day.
      const firstFailure = failures[0]!.at.toISOString();
      const later = workload.filter((n) => n.at > firstFailure && n.severity !== 'info');
      expect(later).toEqual([]);
      expect(
        workload
          .filter((n) => n.at === firstFailure)
          .map((n) => n.channel)
          .sort(),
      ).toEqual(['slack', 'sns']);
      expect((await result.store.getFinding(WORKLOAD, REGION, DB_VOLUME))?.status).toBe('FAILING');
    } finally {
      await result.close();
    }
  });

  it(
    '3,000 failing resources in one account produce messages within the SNS and Slack limits',
    LONG,
    async () => {
      const resources = Array.from({ length: 3000 }, (_, n) => ({
        arn: `arn:aws:ec2:${REGION}:${WORKLOAD}:volume/vol-${String(n).padStart(17, '0')}`,
        tags: { BackupEnabled: 'True', Name: `volume-${n}` },
      }));
      const world = smallWeekWorld([], {
        secrets: { [SLACK_SECRET]: WEBHOOK },
        accounts: { [WORKLOAD]: { regions: { [REGION]: { resources } } } },
      });
      // Audit mode: the missing vault and role stay missing, so every resource is UNPROTECTED at once.
      const result = await runSandbox({
        world,
        config: withSlack({ mode: 'audit' }),
        until: new Date(Date.parse(WEEK_START) + 3_600_000),
        seed: 3,
      });
      try {
        const sent = result.report.notifications.filter((n) => n.accountId === WORKLOAD);
        expect(sent.map((n) => [n.channel, n.severity])).toEqual([
          ['sns', 'critical'],
          ['slack', 'critical'],
        ]);
        const [sns, slack] = sent;
        expect(sns!.bytes).toBeLessThanOrEqual(SNS_MAX_BYTES);
        expect(slack!.blocks).toBeLessThanOrEqual(SLACK_MAX_BLOCKS);
        const email = result.sim.snsMessages().find((m) => m.message.includes(`account ${WORKLOAD}`));
        expect(email?.message).toMatch(/UNPROTECTED: 3000/);
        expect(email?.message).toContain(`orgbackup report --account ${WORKLOAD} --status UNPROTECTED`);
      } finally {
        await result.close();
      }
    },
  );
});
