import { describe, expect, it } from 'vitest';
import type { SandboxHarness } from '../../sandbox/harness.js';
import { reconcileTarget } from '../../shared/controller/reconcile-target.js';
import type { ActionRecord, Mode } from '../../shared/domain/model.js';
import {
  advanceToHour,
  CENTRAL,
  DEV,
  dynamoTable,
  e2eConfig,
  e2eWorld,
  ebsVolume,
  MANAGEMENT,
  memberAccount,
  PROD,
  REGION,
  tagged,
  taggedVolumes,
  withHarness,
} from './support.js';

/**
 * An organization nobody has prepared beyond enabling backup policies and deploying the member baseline
 * (which brings the backup service role): no policy, no vaults, cross-account backup off, and DynamoDB opted
 * out where a tagged table lives. Enforce mode must repair all of it; audit mode must only say so.
 */
const unpreparedWorld = e2eWorld({
  crossAccountBackupEnabled: false,
  accounts: {
    [PROD]: memberAccount({
      [REGION]: {
        optIn: { DynamoDB: false },
        resources: [
          ...taggedVolumes(PROD, 'prod', 3),
          ...tagged([dynamoTable(PROD, 'orders')]),
          { arn: ebsVolume(PROD, 'near-miss'), tags: { BackupEnabled: 'yes' } },
        ],
      },
    }),
    [DEV]: memberAccount({ [REGION]: { resources: taggedVolumes(DEV, 'dev', 2) } }),
  },
});

const MEMBER_VAULT = 'org-backup';
const CENTRAL_VAULT = 'org-backup-central';

/** What the first sweep planned, as comparable lines, and the parts of the world it should have changed. */
async function firstSweep(mode: Mode) {
  return withHarness({ world: unpreparedWorld, config: e2eConfig({ mode }) }, async (harness) => {
    await harness.sweep();
    const report = await harness.report();
    const { sim } = harness;
    const backupRoleCheck = report.accounts
      .find((target) => target.accountId === DEV)
      ?.checks.find((check) => check.check === 'BACKUP_ROLE');
    return {
      writes: sim.writeCallCount(),
      actions: report.actions,
      planned: report.actions.map(plannedLine).sort(),
      world: {
        policyEffectiveInProd: sim.inspect.effectivePolicy(PROD) !== null,
        crossAccountBackupEnabled: sim.inspect.crossAccountBackupEnabled(),
        memberVaults: [MANAGEMENT, PROD, DEV, CENTRAL].map((account) =>
          sim.inspect.vaultExists(account, REGION, MEMBER_VAULT),
        ),
        centralVault: sim.inspect.vaultExists(CENTRAL, REGION, CENTRAL_VAULT),
        devBackupRole: backupRoleCheck?.status,
      },
    };
  });
}

const plannedLine = (action: ActionRecord) =>
  `${action.kind} ${action.accountId}/${action.region} ${action.target}`;

describe('enforce and audit on the same unprepared organization', () => {
  it('enforce repairs the org and every account; audit changes nothing, makes zero write calls and reports the same plan unapplied', async () => {
    const enforce = await firstSweep('enforce');
    const audit = await firstSweep('audit');

    expect(enforce.writes).toBeGreaterThan(0);
    expect(enforce.actions.every((action) => action.applied && !action.error && !action.blocked)).toBe(true);
    expect(enforce.world).toEqual({
      policyEffectiveInProd: true,
      crossAccountBackupEnabled: true,
      memberVaults: [true, true, true, true],
      centralVault: true,
      // The backup role belongs to the member baseline: neither mode writes it.
      devBackupRole: audit.world.devBackupRole,
    });
    // The plan covers the org, every account's prerequisites, and the opt-in of the type found tagged.
    expect(new Set(enforce.actions.map((action) => action.kind))).toEqual(
      new Set([
        'CreatePolicy',
        'AttachPolicy',
        'EnableCrossAccountBackup',
        'CreateBackupVault',
        'PutVaultLock',
        'PutVaultAccessPolicy',
        'EnableRegionOptIn',
      ]),
    );

    expect(audit.writes).toBe(0);
    expect(audit.actions.every((action) => !action.applied)).toBe(true);
    expect(audit.world).toEqual({
      policyEffectiveInProd: false,
      crossAccountBackupEnabled: false,
      memberVaults: [false, false, false, false],
      centralVault: false,
      devBackupRole: enforce.world.devBackupRole,
    });
    expect(audit.planned).toEqual(enforce.planned);
  });
});

describe('idempotency', () => {
  it('once the org has converged, another sweep plans nothing, makes zero write calls and rewrites no finding row', async () => {
    await withHarness({ world: unpreparedWorld, config: e2eConfig() }, async (harness) => {
      // Repair at once, then let the first backups and copies run, and sweep until nothing more is done.
      await harness.sweep();
      advanceToHour(harness, 10);
      await harness.deliverEvents();
      await harness.sweep();
      await harness.deliverEvents();
      const converging = await harness.sweep();
      expect(converging.targets.every((target) => target.actionsApplied === 0)).toBe(true);
      const before = await harness.report();

      advanceToHour(harness, 10.25);
      expect(await harness.deliverEvents()).toBeUndefined();
      harness.sim.resetCounters();
      const quiet = await harness.sweep();

      expect(harness.sim.writeCallCount()).toBe(0);
      expect(quiet.org.actionsApplied).toBe(0);
      expect(
        quiet.targets.map((target) => [target.target, target.actionsApplied, target.transitions]),
      ).toEqual(quiet.targets.map((target) => [target.target, 0, 0]));
      const activity = await harness.store.runActivity(quiet.runId, harness.sim.now());
      expect(activity).toEqual({ transitions: [], actions: [] });
      const after = await harness.report();
      // Only when each target was last observed moves on.
      const unobserved = (report: typeof before) =>
        report.resources.map(({ observedAt: _, ...finding }) => finding);
      expect(unobserved(after)).toEqual(unobserved(before));
      expect(new Set(after.resources.map((finding) => finding.observedAt))).toEqual(
        new Set([harness.sim.now().toISOString()]),
      );
      expect(after.resources.filter((finding) => finding.status === 'PROTECTED')).toHaveLength(6);
      await expectNothingPlannedOrRewritten(harness, quiet.runId);
    });
  });
});

/**
 * Reconciles every target once more, directly through the use case, to read what the sweep's summaries do
 * not carry: the planned actions (applied or not) and the finding rows the store wrote.
 */
async function expectNothingPlannedOrRewritten(harness: SandboxHarness, runId: string): Promise<void> {
  const accounts = harness.sim.accountIds();
  const outcomes = await Promise.all(
    accounts.map((accountId) =>
      reconcileTarget(harness.deps, {
        runId,
        accountId,
        region: REGION,
        totalAccounts: accounts.length,
        crossAccountBackupEnabled: true,
      }),
    ),
  );
  expect(
    outcomes.map(({ accountId, actions, findingWrites }) => ({ accountId, actions, findingWrites })),
  ).toEqual(accounts.map((accountId) => ({ accountId, actions: [], findingWrites: 0 })));
  expect(harness.sim.writeCallCount()).toBe(0);
}
