/**
 * The `notify` function against a sandbox organization: at the end of a run, one grouped SNS message per
 * account (and the same as a Slack post), nothing again for findings that did not change, and the daily
 * digest. Slack is the sandbox's incoming webhook, whose URL is the webhook secret in the world; what it
 * accepts must be valid Block Kit, and the URL must never reach a log line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifyHandler } from '../../functions/notify.js';
import { createReconcileHandler } from '../../functions/reconcile-target.js';
import { createSweepHandler } from '../../functions/sweep.js';
import { SandboxHarness } from '../../sandbox/harness.js';
import type { SweepPlan } from '../../shared/controller/sweep.js';
import { RecordingLog } from '../e2e-events/support.js';
import { smallWeekConfig, smallWeekWorld, WEEK_START } from '../fixtures/worlds/small-week.js';
import { blockKitProblems } from '../notify/block-kit.js';

const SLACK_SECRET = 'orgbackup/slack-webhook';
const WEBHOOK_PATH = '/services/T0SANDBOX/B0SANDBOX/xoxb-very-secret-token';
const WEBHOOK_URL = `https://hooks.slack.com${WEBHOOK_PATH}`;

describe('notify function', () => {
  let harness: SandboxHarness;
  const slackPosts = () => harness.sim.slackPosts().map((post) => JSON.parse(post.body) as unknown);
  const log = new RecordingLog();
  let notify: ReturnType<typeof createNotifyHandler>;

  /** A scheduled run's sweep and fan-out through the real handlers, stopping before its notify step. */
  async function reconcileRun(): Promise<string> {
    const published = new Map<string, SweepPlan['targets']>();
    const sweep = createSweepHandler(
      () => harness.depsOf('sweep'),
      () => async (plan) => {
        published.set(plan.runId, plan.targets);
        return plan.runId;
      },
    );
    const reconcile = createReconcileHandler(() => harness.deps);
    const plan = await sweep();
    const org = await reconcile({ runId: plan.runId, target: { kind: 'org' } });
    for (const target of published.get(plan.targetsKey) ?? []) {
      await reconcile({
        runId: plan.runId,
        target,
        totalAccounts: plan.totalAccounts,
        crossAccountBackupEnabled: org.crossAccountBackupEnabled ?? null,
      });
    }
    return plan.runId;
  }

  beforeAll(async () => {
    harness = await SandboxHarness.start({
      world: smallWeekWorld([], { secrets: { [SLACK_SECRET]: WEBHOOK_URL } }),
      config: smallWeekConfig({
        alerts: { emails: ['backup-team@example.com'], slackWebhookSecretName: SLACK_SECRET },
      }),
      seed: 9,
      log,
    });
    notify = createNotifyHandler(() => harness.depsOf('notify'));
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('sends one grouped message per account for a run, to SNS and Slack', async () => {
    const runId = await reconcileRun();

    const outcome = await notify({ runId });

    expect('accounts' in outcome).toBe(true);
    if (!('accounts' in outcome)) return;
    const messages = harness.sim.snsMessages();
    expect(outcome.alerts).toBeGreaterThan(0);
    expect(messages).toHaveLength(outcome.alerts);
    expect(new Set(outcome.accounts).size).toBe(outcome.accounts.length);
    expect(messages.map((message) => /in account (\d{12})/.exec(message.subject ?? '')?.[1])).toEqual(
      outcome.accounts,
    );
    // Grouped: the first run repairs several things in an account, all in that account's one message.
    const lines = messages.map((message) => message.message.match(/^ {2}- \[[a-z0-9-]+\]/gm)?.length ?? 0);
    for (const message of messages) expect(message.message).toContain(`(run ${runId},`);
    expect(Math.min(...lines)).toBeGreaterThan(0);
    expect(Math.max(...lines)).toBeGreaterThan(1);
    expect(slackPosts()).toHaveLength(outcome.alerts);
    for (const post of slackPosts()) expect(blockKitProblems(post)).toEqual([]);
    expect(await harness.store.getRun(runId)).toMatchObject({ finishedAt: WEEK_START.replace('Z', '.000Z') });
  });

  it('says nothing on the next run when no finding changed', async () => {
    const sent = harness.sim.snsMessages().length;
    const posted = slackPosts().length;
    harness.sim.advanceBy(60 * 60_000);
    const runId = await reconcileRun();

    const outcome = await notify({ runId });

    expect(outcome).toMatchObject({ alerts: 0, accounts: [] });
    expect(harness.sim.snsMessages()).toHaveLength(sent);
    expect(slackPosts()).toHaveLength(posted);
  });

  it('publishes the daily digest of the day before', async () => {
    const sent = harness.sim.snsMessages().length;
    const posted = slackPosts().length;
    harness.sim.advanceTo(new Date('2026-03-03T06:00:00Z'));
    harness.sim.failSlackPosts({ status: 500 });

    const outcome = await notify({ kind: 'digest' });

    expect(outcome).toEqual({ published: true });
    const digest = harness.sim.snsMessages().slice(sent);
    expect(digest).toHaveLength(1);
    expect(digest[0]?.subject).toMatch(/^AWS Backup daily digest 2026-03-02: [\d.]+% protected$/);
    expect(digest[0]?.message).toContain('CHANGES TODAY');
    const slackDigest = slackPosts().slice(posted);
    expect(slackDigest).toHaveLength(1);
    expect(blockKitProblems(slackDigest[0])).toEqual([]);
    expect(JSON.stringify(slackDigest[0])).toContain('daily digest 2026-03-02');
  });

  it('never writes the webhook URL or its token to a log line', () => {
    expect(log.entries.some((entry) => entry.message === 'Slack alert posted')).toBe(true);
    // The digest's first attempt failed with the URL in the response body, and that failure was logged.
    expect(log.entries.some((entry) => entry.message === 'Slack post failed; retrying')).toBe(true);
    const secretParts = [WEBHOOK_URL, WEBHOOK_PATH, 'xoxb-very-secret-token'];
    for (const line of log.lines()) {
      for (const part of secretParts) expect(line).not.toContain(part);
    }
    for (const message of harness.sim.snsMessages()) expect(message.message).not.toContain(WEBHOOK_PATH);
  });
});
