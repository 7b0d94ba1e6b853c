/**
 * The central vault's key scheduled for deletion, in the sandbox: within the minute of the event, every
 * resource copied into the central vault, in every account, is warned (the next copy fails, its copies there
 * are lost on the deletion date), its status unchanged, and one critical alert names the key, how to cancel
 * and the resources copied there; the next sweep finds nothing more to change or say.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxHarness } from '../../sandbox/harness.js';
import { parseWorld } from '../../sandbox/world.js';
import { validateConfig } from '../../shared/domain/config/index.js';

const MANAGEMENT = '111111111111';
const WORKLOAD = '222222222222';
const CENTRAL = '333333333333';
const REGION = 'eu-west-1';
const BUCKET = 'arn:aws:s3:::workload-exports';
const CENTRAL_KEY = `arn:aws:kms:${REGION}:${CENTRAL}:key/9999aaaa-22bb-33cc-44dd-555555eeeeee`;
const SCHEDULED_AT = '2026-03-04T01:00:00Z';
const DELETION_DATE = '2026-03-11T01:00:00.000Z';

let harness: SandboxHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(): Promise<SandboxHarness> {
  const world = parseWorld({
    version: 1,
    start: '2026-03-02T00:00:00Z',
    managementAccountId: MANAGEMENT,
    memberRoleName: 'OrgBackupControllerExecution',
    backupPolicyType: 'ENABLED',
    organization: {
      accounts: [MANAGEMENT],
      ous: [
        { name: 'Workloads', accounts: [WORKLOAD] },
        { name: 'Security', accounts: [CENTRAL] },
      ],
    },
    accounts: {
      [WORKLOAD]: {
        regions: { [REGION]: { resources: [{ arn: BUCKET, tags: { BackupEnabled: 'True' } }] } },
      },
      [CENTRAL]: {
        regions: {
          [REGION]: {
            vaults: [{ name: 'org-backup-central', kmsKeyArn: CENTRAL_KEY }],
            keys: [{ arn: CENTRAL_KEY, state: 'Enabled', manager: 'CUSTOMER' }],
          },
        },
      },
    },
    timeline: [{ at: SCHEDULED_AT, scheduleKeyDeletion: { arn: CENTRAL_KEY, pendingWindowInDays: 7 } }],
  });
  const config = validateConfig({
    version: 1,
    mode: 'enforce',
    regions: [REGION],
    plans: [{ name: 'daily', schedule: 'cron(0 5 ? * * *)', deleteAfterDays: 35, copyToCentralVault: true }],
    centralVault: { accountId: CENTRAL, region: REGION, deleteAfterDays: 90 },
    memberRoleName: 'OrgBackupControllerExecution',
    alerts: { emails: ['backup-team@example.com'], slackWebhookSecretName: null },
  });
  if (!config.ok) throw new Error(JSON.stringify(config));
  harness = await SandboxHarness.start({ world, config: config.config, seed: 14 });
  return harness;
}

async function at(sandbox: SandboxHarness, time: string, sweep = false): Promise<void> {
  sandbox.sim.advanceTo(new Date(time));
  await sandbox.deliverEvents();
  if (sweep) await sandbox.sweep();
}

describe("the central vault's key scheduled for deletion", () => {
  it('warns every resource copied there, with the date its copies are lost, in one critical alert', async () => {
    const sandbox = await start();
    await sandbox.sweep();
    // Two days of backups and copies.
    for (const time of ['2026-03-02T09:00:00Z', '2026-03-03T09:00:00Z', '2026-03-04T00:59:00Z']) {
      await at(sandbox, time, true);
    }
    const bucket = () => sandbox.store.getFinding(WORKLOAD, REGION, BUCKET);
    const before = await bucket();
    expect(before).toMatchObject({ status: 'PROTECTED', warnings: [] });
    expect(before?.lastCopyTime).not.toBeNull();
    const alertsBefore = sandbox.sim.snsMessages().length;

    // 01:00 the key is scheduled for deletion; its event reconciles the central vault's target, and with
    // the key's new state every target copying there, within the minute and without a sweep.
    await at(sandbox, SCHEDULED_AT);
    await at(sandbox, '2026-03-04T01:01:00Z');
    const warned = await bucket();
    expect(warned).toMatchObject({
      status: 'PROTECTED',
      warnings: ['KMS_KEY_PENDING_DELETION', 'RECOVERY_POINTS_LOST_ON'],
    });
    expect(warned?.warningDetail).toContain(`The next copy into the central vault org-backup-central fails`);
    expect(warned?.warningDetail).toContain(`lost for good on ${DELETION_DATE}`);
    const listed = await sandbox.store.listFindings({ warning: 'RECOVERY_POINTS_LOST_ON' });
    expect(listed.items.map((finding) => finding.arn)).toEqual([BUCKET]);

    const keyAlerts = sandbox.sim
      .snsMessages()
      .slice(alertsBefore)
      .filter((message) => message.message.includes(CENTRAL_KEY));
    expect(keyAlerts).toHaveLength(1);
    expect(keyAlerts[0]?.message).toContain(`aws kms cancel-key-deletion --key-id ${CENTRAL_KEY}`);
    expect(keyAlerts[0]?.message).toContain(BUCKET);

    // The next sweep finds the same warnings and has nothing new to say.
    const alertsAfter = sandbox.sim.snsMessages().length;
    await at(sandbox, '2026-03-04T02:00:00Z', true);
    expect(await bucket()).toEqual(warned);
    expect(sandbox.sim.snsMessages().slice(alertsAfter)).toEqual([]);
  });
});
