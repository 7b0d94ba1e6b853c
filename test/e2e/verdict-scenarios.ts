import type { SandboxHarness } from '../../sandbox/harness.js';
import type { WorldInput } from '../../sandbox/index.js';
import type { Config } from '../../shared/domain/config/index.js';
import type {
  CheckId,
  CheckStatus,
  ComplianceReport,
  ReasonCode,
  ResourceStatus,
} from '../../shared/domain/model.js';
import { withOrgCopyIn } from '../../shared/domain/plan/central-vault-policy.js';
import {
  type AccountSpec,
  advanceToHour,
  atHour,
  attachedPolicy,
  BACKUP_ROLE,
  CENTRAL,
  DEV,
  dynamoTable,
  e2eConfig,
  e2eWorld,
  ebsVolume,
  MEMBER_VAULT,
  memberAccount,
  ORGANIZATION_ID,
  PROD,
  preparedAccount,
  preparedOrganization,
  REGION,
  SCAN_REGION,
  TAG,
  withHarness,
} from './support.js';

/**
 * Purpose-made worlds, each planting one or two problems, and the verdicts the real controller must reach
 * on them. A scenario runs as: for each checkpoint, move the clock to `hour` (hours after the world's
 * start), run `before`, deliver the central bus's events, run one full sweep, then compare the store's
 * report with the expectations. The union of the declared expectations must cover every status and reason
 * code (last test of verdicts.test.ts), so a new code without an end-to-end scenario fails the suite.
 */
export interface VerdictScenario {
  readonly name: string;
  readonly world: WorldInput;
  readonly config: Config;
  /** Injected throttling or errors retry; without real backoff sleeps the scenario stays fast. */
  readonly instantRetries?: boolean;
  readonly checkpoints: readonly Checkpoint[];
}

export interface Checkpoint {
  readonly hour: number;
  readonly before?: (harness: SandboxHarness) => void;
  /** Exact status and reason set of each listed resource. */
  readonly findings?: readonly ExpectedFinding[];
  readonly checks?: readonly ExpectedCheck[];
}

export interface ExpectedFinding {
  readonly arn: string;
  readonly status: ResourceStatus;
  readonly reasons: readonly ReasonCode[];
}

export interface ExpectedCheck {
  readonly accountId: string;
  readonly region?: string;
  readonly check: CheckId;
  readonly status: CheckStatus;
  readonly reason?: ReasonCode;
}

/** The daily plan runs at 05:00 UTC with 60 + 180 minutes of windows: its first backup is due by 09:00. */
const AFTER_FIRST_RUN = 10;
const backupRoleArn = (account: string) => `arn:aws:iam::${account}:role/${BACKUP_ROLE}`;
const keyArn = (account: string, id: string) => `arn:aws:kms:${REGION}:${account}:key/${id}`;
const at = (hours: number) => atHour(hours).toISOString();

const centralVault = (accessPolicy: boolean) => ({
  name: 'org-backup-central',
  ...(accessPolicy ? { accessPolicy: withOrgCopyIn(null, ORGANIZATION_ID) } : {}),
});

/**
 * An audit-mode world whose policy is attached and whose accounts are prepared (the central vault open to
 * the organization's copies), except where overridden.
 */
function auditWorld(
  config: Config,
  accounts: Record<string, AccountSpec>,
  overrides: Partial<WorldInput> = {},
): WorldInput {
  return preparedOrganization(config, centralVault(true), accounts, overrides);
}

const enforce = e2eConfig();
const audit = e2eConfig({ mode: 'audit' });
/** One daily plan keeping its recovery points the vault lock's minimum of 7 days, no copies. */
const weeklyRetention = e2eConfig({
  mode: 'audit',
  plans: [{ name: 'daily', schedule: 'cron(0 5 ? * * *)', deleteAfterDays: 7 }],
});

const protectedVolume = ebsVolume(PROD, 'protected');
const lowerCaseValue = ebsVolume(PROD, 'lowercase');
const yesValue = ebsVolume(PROD, 'yes');
const otherKeyCase = dynamoTable(PROD, 'keycase');
const queue = `arn:aws:sqs:${REGION}:${PROD}:orders`;
const scannedVolume = ebsVolume(PROD, 'scanned', SCAN_REGION);
/** A Region a Region-deny SCP closes in PROD. */
const DENIED_REGION = 'ap-south-1';
const devVolume = ebsVolume(DEV, 'on-cmk-vault');

const optedOutVolume = ebsVolume(PROD, 'opted-out');
const lockedVolume = ebsVolume(PROD, 'locked-vault');
const documentCluster = `arn:aws:rds:${REGION}:${PROD}:cluster:documents`;
const skippedRunVolume = ebsVolume(PROD, 'skipped-run');
const unreachableVolume = ebsVolume(PROD, 'unreachable');
const unreadableVolume = ebsVolume(DEV, 'unreadable');
const doomedKeyVolume = ebsVolume(PROD, 'doomed-key');
const doomedKey = keyArn(PROD, 'doomed');
const ungrantedKeyVolume = ebsVolume(PROD, 'ungranted-key');
const ungrantedKey = keyArn(PROD, 'ungranted');
const noVaultVolume = ebsVolume(PROD, 'no-vault');
const noRoleVolume = ebsVolume(DEV, 'no-role');
const uncoveredVolume = ebsVolume(CENTRAL, 'uncovered');
const refusedCopyVolume = ebsVolume(PROD, 'refused-copy');
const noCrossAccountVolume = ebsVolume(PROD, 'no-cross-account');

const teamVolume = ebsVolume(PROD, 'team-nightly');
const automaticFileSystem = `arn:aws:elasticfilesystem:${REGION}:${PROD}:file-system/fs-automatic`;
const ledgerTable = dynamoTable(PROD, 'ledger');
const skippedObjectsBucket = 'arn:aws:s3:::prod-ledger-exports';
const bucketKey = keyArn(PROD, 'bucket-key');

export const VERDICT_SCENARIOS: readonly VerdictScenario[] = [
  {
    name: 'audit, no policy attached: a team plan, EFS automatic backups and an on-demand backup never make a resource PROTECTED (BACKED_UP_OUTSIDE_POLICY)',
    config: audit,
    world: auditWorld(
      audit,
      {
        [PROD]: preparedAccount({
          vaults: [MEMBER_VAULT, { name: 'team-vault' }],
          plans: [
            {
              name: 'team-nightly',
              schedule: 'cron(0 2 ? * * *)',
              vault: 'team-vault',
              tags: { Team: 'nightly' },
              deleteAfterDays: 35,
            },
          ],
          resources: [
            { arn: teamVolume, tags: { ...TAG, Team: 'nightly' } },
            { arn: automaticFileSystem, tags: { ...TAG }, efsAutomaticBackup: true },
            { arn: ledgerTable, tags: { ...TAG } },
          ],
        }),
      },
      {
        policies: [],
        timeline: [{ at: at(3), onDemandBackup: { arn: ledgerTable, vault: 'team-vault' } }],
      },
    ),
    checkpoints: [
      {
        hour: 12,
        findings: [teamVolume, automaticFileSystem, ledgerTable].map((arn) => ({
          arn,
          status: 'UNPROTECTED' as const,
          reasons: ['BACKED_UP_OUTSIDE_POLICY', 'NO_EFFECTIVE_POLICY'] as const,
        })),
      },
    ],
  },
  {
    name: "enforce: an EFS file system with automatic backups is PROTECTED by the policy's own recovery point, though the automatic backup runs later",
    config: enforce,
    world: e2eWorld({
      accounts: {
        [PROD]: memberAccount({
          [REGION]: {
            resources: [{ arn: automaticFileSystem, tags: { ...TAG }, efsAutomaticBackup: true }],
          },
        }),
      },
    }),
    checkpoints: [
      {
        hour: 0,
        findings: [{ arn: automaticFileSystem, status: 'PENDING', reasons: ['AWAITING_FIRST_BACKUP'] }],
      },
      { hour: 12, findings: [{ arn: automaticFileSystem, status: 'PROTECTED', reasons: [] }] },
    ],
  },
  {
    name: 'audit: an S3 backup whose bucket key refuses the backup role completes with issues: FAILING / BACKUP_INCOMPLETE',
    config: audit,
    world: auditWorld(audit, {
      [PROD]: preparedAccount({
        optIn: { S3: true },
        keys: [{ arn: bucketKey, state: 'Enabled', allowsBackupRole: false }],
        resources: [{ arn: skippedObjectsBucket, tags: { ...TAG }, kmsKeyArn: bucketKey }],
      }),
    }),
    checkpoints: [
      {
        hour: AFTER_FIRST_RUN,
        findings: [{ arn: skippedObjectsBucket, status: 'FAILING', reasons: ['BACKUP_INCOMPLETE'] }],
      },
    ],
  },
  {
    name: 'enforce: a tagged volume is PENDING before its first run and PROTECTED (with its central copy) after it; near misses, unsupported types, scan-only Regions and a vault on another key are reported',
    config: e2eConfig({ scanRegions: [SCAN_REGION, DENIED_REGION] }),
    world: e2eWorld({
      accounts: {
        [PROD]: memberAccount(
          {
            [REGION]: {
              resources: [
                { arn: protectedVolume, tags: { ...TAG } },
                { arn: lowerCaseValue, tags: { BackupEnabled: 'true' } },
                { arn: yesValue, tags: { BackupEnabled: 'yes' } },
                { arn: otherKeyCase, tags: { backupenabled: 'True' } },
                { arn: queue, tags: { ...TAG } },
              ],
            },
            [SCAN_REGION]: { resources: [{ arn: scannedVolume, tags: { ...TAG } }] },
          },
          { deniedRegions: [DENIED_REGION] },
        ),
        [DEV]: memberAccount({
          [REGION]: {
            resources: [{ arn: devVolume, tags: { ...TAG } }],
            vaults: [{ name: 'org-backup', kmsKeyArn: keyArn(DEV, 'team') }],
            keys: [{ arn: keyArn(DEV, 'team'), state: 'Enabled', grantees: [backupRoleArn(DEV)] }],
          },
        }),
      },
    }),
    checkpoints: [
      {
        hour: 0,
        findings: [
          { arn: protectedVolume, status: 'PENDING', reasons: ['AWAITING_FIRST_BACKUP'] },
          { arn: lowerCaseValue, status: 'UNPROTECTED', reasons: ['TAG_VALUE_MISMATCH'] },
          { arn: yesValue, status: 'UNPROTECTED', reasons: ['TAG_VALUE_MISMATCH'] },
          { arn: otherKeyCase, status: 'UNPROTECTED', reasons: ['TAG_VALUE_MISMATCH'] },
          { arn: queue, status: 'UNPROTECTED', reasons: ['UNSUPPORTED_RESOURCE_TYPE'] },
          { arn: scannedVolume, status: 'UNPROTECTED', reasons: ['REGION_NOT_IN_POLICY'] },
        ],
        checks: [
          { accountId: DEV, check: 'VAULT_KEY', status: 'FAIL', reason: 'VAULT_KEY_MISMATCH' },
          { accountId: PROD, region: SCAN_REGION, check: 'REGION_SCAN', status: 'PASS' },
          {
            accountId: PROD,
            region: DENIED_REGION,
            check: 'REGION_SCAN',
            status: 'SKIPPED',
            reason: 'REGION_DENIED_BY_SCP',
          },
        ],
      },
      {
        hour: AFTER_FIRST_RUN,
        findings: [
          { arn: protectedVolume, status: 'PROTECTED', reasons: [] },
          { arn: devVolume, status: 'PROTECTED', reasons: [] },
          { arn: lowerCaseValue, status: 'UNPROTECTED', reasons: ['TAG_VALUE_MISMATCH'] },
        ],
        checks: [
          { accountId: PROD, check: 'EFFECTIVE_POLICY', status: 'PASS' },
          { accountId: PROD, check: 'VAULT_EXISTS', status: 'PASS' },
          { accountId: PROD, check: 'VAULT_LOCK', status: 'PASS' },
          { accountId: PROD, check: 'BACKUP_ROLE', status: 'PASS' },
          { accountId: PROD, check: 'EVENT_FORWARDING', status: 'PASS' },
          { accountId: CENTRAL, check: 'CENTRAL_VAULT_POLICY', status: 'PASS' },
          { accountId: DEV, check: 'VAULT_KEY', status: 'FAIL', reason: 'VAULT_KEY_MISMATCH' },
        ],
      },
    ],
  },
  {
    name: 'enforce with manageRegionOptIn: false: an opted-out type is an early warning, then UNPROTECTED with OPT_IN_DISABLED',
    config: e2eConfig({ manageRegionOptIn: false }),
    world: e2eWorld({
      accounts: {
        [PROD]: memberAccount({
          [REGION]: { optIn: { EBS: false }, resources: [{ arn: optedOutVolume, tags: { ...TAG } }] },
        }),
      },
    }),
    checkpoints: [
      {
        hour: 0,
        findings: [
          { arn: optedOutVolume, status: 'PENDING', reasons: ['AWAITING_FIRST_BACKUP', 'OPT_IN_DISABLED'] },
        ],
        checks: [{ accountId: PROD, check: 'REGION_OPT_IN', status: 'FAIL', reason: 'OPT_IN_DISABLED' }],
      },
      {
        hour: AFTER_FIRST_RUN,
        findings: [{ arn: optedOutVolume, status: 'UNPROTECTED', reasons: ['OPT_IN_DISABLED'] }],
      },
    ],
  },
  {
    name: 'enforce: an immutable compliance lock whose minimum rejects the plan is reported, never overwritten, and its jobs fail',
    config: enforce,
    world: e2eWorld({
      accounts: {
        [PROD]: memberAccount({
          [REGION]: {
            resources: [{ arn: lockedVolume, tags: { ...TAG } }],
            vaults: [
              {
                name: 'org-backup',
                lock: { minRetentionDays: 60, maxRetentionDays: 400, lockDate: '2026-01-01T00:00:00Z' },
              },
            ],
          },
        }),
      },
    }),
    checkpoints: [
      {
        hour: 0,
        findings: [
          {
            arn: lockedVolume,
            status: 'PENDING',
            reasons: ['AWAITING_FIRST_BACKUP', 'LOCK_RETENTION_CONFLICT'],
          },
        ],
        checks: [{ accountId: PROD, check: 'VAULT_LOCK', status: 'FAIL', reason: 'LOCK_RETENTION_CONFLICT' }],
      },
      {
        hour: AFTER_FIRST_RUN,
        findings: [
          { arn: lockedVolume, status: 'FAILING', reasons: ['JOB_FAILED', 'LOCK_RETENTION_CONFLICT'] },
        ],
        checks: [{ accountId: PROD, check: 'VAULT_LOCK', status: 'FAIL', reason: 'LOCK_RETENTION_CONFLICT' }],
      },
    ],
  },
  {
    name: 'enforce: an opted-out DocumentDB cluster whose cluster list cannot be read (its rds:cluster ARN reads as Aurora) is found past due with no more specific cause: BACKUP_OVERDUE',
    config: enforce,
    world: e2eWorld({
      faults: {
        errors: [{ operation: 'rds:DescribeDBClusters', name: 'AccessDenied', message: 'not authorized' }],
      },
      accounts: {
        [PROD]: memberAccount({
          [REGION]: {
            optIn: { DocumentDB: false },
            resources: [{ arn: documentCluster, tags: { ...TAG }, resourceType: 'DocumentDB' }],
          },
        }),
      },
    }),
    checkpoints: [
      {
        hour: 0,
        findings: [{ arn: documentCluster, status: 'PENDING', reasons: ['AWAITING_FIRST_BACKUP'] }],
      },
      {
        hour: AFTER_FIRST_RUN,
        findings: [{ arn: documentCluster, status: 'UNPROTECTED', reasons: ['BACKUP_OVERDUE'] }],
      },
    ],
  },
  {
    name: 'enforce: a policy detached across a scheduled run leaves the recovery point STALE even after the controller re-attaches it',
    config: enforce,
    world: e2eWorld({
      accounts: {
        [PROD]: memberAccount({ [REGION]: { resources: [{ arn: skippedRunVolume, tags: { ...TAG } }] } }),
      },
      timeline: [{ at: at(28), detachPolicy: { target: 'root' } }],
    }),
    checkpoints: [
      {
        hour: 0,
        findings: [{ arn: skippedRunVolume, status: 'PENDING', reasons: ['AWAITING_FIRST_BACKUP'] }],
      },
      { hour: AFTER_FIRST_RUN, findings: [{ arn: skippedRunVolume, status: 'PROTECTED', reasons: [] }] },
      {
        // Day two: the 05:00 run found no policy; the detach event re-attaches it before this sweep evaluates.
        hour: 35,
        findings: [{ arn: skippedRunVolume, status: 'STALE', reasons: ['RECOVERY_POINT_STALE'] }],
        checks: [{ accountId: PROD, check: 'EFFECTIVE_POLICY', status: 'PASS' }],
      },
    ],
  },
  {
    name: 'enforce: a deleted member role turns that account UNKNOWN (ACCOUNT_UNREACHABLE) and a failing read turns another UNKNOWN (OBSERVATION_FAILED)',
    config: enforce,
    instantRetries: true,
    world: e2eWorld({
      accounts: {
        [PROD]: memberAccount({ [REGION]: { resources: [{ arn: unreachableVolume, tags: { ...TAG } }] } }),
        [DEV]: memberAccount({ [REGION]: { resources: [{ arn: unreadableVolume, tags: { ...TAG } }] } }),
      },
      timeline: [{ at: at(1), deleteMemberRole: { account: PROD } }],
    }),
    checkpoints: [
      {
        hour: 0,
        findings: [
          { arn: unreachableVolume, status: 'PENDING', reasons: ['AWAITING_FIRST_BACKUP'] },
          { arn: unreadableVolume, status: 'PENDING', reasons: ['AWAITING_FIRST_BACKUP'] },
        ],
      },
      {
        hour: 2,
        before: (harness) =>
          harness.sim.setFaults({
            errors: [
              {
                operation: 'backup:ListProtectedResources',
                account: DEV,
                region: REGION,
                name: 'ServiceUnavailableException',
                message: 'try later',
              },
            ],
          }),
        findings: [
          { arn: unreachableVolume, status: 'UNKNOWN', reasons: ['ACCOUNT_UNREACHABLE'] },
          { arn: unreadableVolume, status: 'UNKNOWN', reasons: ['OBSERVATION_FAILED'] },
        ],
        checks: [
          { accountId: PROD, check: 'EFFECTIVE_POLICY', status: 'SKIPPED', reason: 'ACCOUNT_UNREACHABLE' },
          { accountId: DEV, check: 'VAULT_EXISTS', status: 'SKIPPED', reason: 'OBSERVATION_FAILED' },
        ],
      },
    ],
  },
  {
    name: 'enforce: a resource key scheduled for deletion fails its backups with KMS_KEY_PENDING_DELETION',
    config: enforce,
    world: e2eWorld({
      accounts: {
        [PROD]: memberAccount({
          [REGION]: {
            resources: [{ arn: doomedKeyVolume, tags: { ...TAG }, kmsKeyArn: doomedKey }],
            keys: [{ arn: doomedKey, state: 'Enabled', grantees: [backupRoleArn(PROD)] }],
          },
        }),
      },
      timeline: [{ at: at(2), scheduleKeyDeletion: { arn: doomedKey, pendingWindowInDays: 7 } }],
    }),
    checkpoints: [
      {
        hour: 0,
        findings: [{ arn: doomedKeyVolume, status: 'PENDING', reasons: ['AWAITING_FIRST_BACKUP'] }],
      },
      {
        hour: AFTER_FIRST_RUN,
        findings: [
          { arn: doomedKeyVolume, status: 'FAILING', reasons: ['JOB_FAILED', 'KMS_KEY_PENDING_DELETION'] },
        ],
        checks: [
          { accountId: PROD, check: 'KMS_KEY_STATE', status: 'FAIL', reason: 'KMS_KEY_PENDING_DELETION' },
        ],
      },
    ],
  },
  {
    name: 'audit: a resource on a customer-managed key without a grant fails with KMS_ACCESS_DENIED',
    config: audit,
    world: auditWorld(audit, {
      [PROD]: preparedAccount({
        resources: [{ arn: ungrantedKeyVolume, tags: { ...TAG }, kmsKeyArn: ungrantedKey }],
        keys: [{ arn: ungrantedKey, state: 'Enabled', allowsBackupRole: false }],
      }),
    }),
    checkpoints: [
      {
        hour: AFTER_FIRST_RUN,
        findings: [
          { arn: ungrantedKeyVolume, status: 'FAILING', reasons: ['JOB_FAILED', 'KMS_ACCESS_DENIED'] },
        ],
        checks: [{ accountId: PROD, check: 'KMS_GRANTS', status: 'FAIL', reason: 'KMS_ACCESS_DENIED' }],
      },
    ],
  },
  {
    name: 'audit: a missing vault, a missing backup role and an unattached policy are early warnings, then failed jobs or UNPROTECTED',
    config: audit,
    world: auditWorld(
      audit,
      {
        // No vault, and its baseline's forwarding rules deleted by hand.
        [PROD]: preparedAccount(
          { vaults: [], resources: [{ arn: noVaultVolume, tags: { ...TAG } }] },
          { baseline: { eventForwarding: false } },
        ),
        // The baseline's backup role deleted by hand, and a vault without the configured lock.
        [DEV]: preparedAccount(
          { vaults: [{ name: 'org-backup' }], resources: [{ arn: noRoleVolume, tags: { ...TAG } }] },
          { roles: [], baseline: { backupRole: false } },
        ),
        [CENTRAL]: preparedAccount({
          vaults: [MEMBER_VAULT, centralVault(true)],
          resources: [{ arn: uncoveredVolume, tags: { ...TAG } }],
        }),
      },
      { policies: [{ ...attachedPolicy(audit), attachedTo: ['/Workloads'] }] },
    ),
    checkpoints: [
      {
        hour: 0,
        findings: [
          { arn: noVaultVolume, status: 'PENDING', reasons: ['AWAITING_FIRST_BACKUP', 'VAULT_MISSING'] },
          { arn: noRoleVolume, status: 'PENDING', reasons: ['AWAITING_FIRST_BACKUP', 'BACKUP_ROLE_MISSING'] },
          {
            arn: uncoveredVolume,
            status: 'UNPROTECTED',
            reasons: ['NO_EFFECTIVE_POLICY'],
          },
        ],
        checks: [
          { accountId: PROD, check: 'VAULT_EXISTS', status: 'FAIL', reason: 'VAULT_MISSING' },
          { accountId: DEV, check: 'BACKUP_ROLE', status: 'FAIL', reason: 'BACKUP_ROLE_MISSING' },
          { accountId: DEV, check: 'VAULT_LOCK', status: 'FAIL', reason: 'VAULT_LOCK_MISMATCH' },
          { accountId: CENTRAL, check: 'EFFECTIVE_POLICY', status: 'FAIL', reason: 'NO_EFFECTIVE_POLICY' },
          { accountId: PROD, check: 'EVENT_FORWARDING', status: 'FAIL', reason: 'EVENT_FORWARDING_MISSING' },
        ],
      },
      {
        hour: AFTER_FIRST_RUN,
        findings: [
          { arn: noVaultVolume, status: 'FAILING', reasons: ['JOB_FAILED', 'VAULT_MISSING'] },
          { arn: noRoleVolume, status: 'FAILING', reasons: ['JOB_FAILED', 'BACKUP_ROLE_MISSING'] },
          {
            arn: uncoveredVolume,
            status: 'UNPROTECTED',
            reasons: ['NO_EFFECTIVE_POLICY'],
          },
        ],
      },
    ],
  },
  {
    name: 'audit: a central vault without an access policy refuses copies (COPY_MISSING, CENTRAL_VAULT_POLICY_MISSING)',
    config: audit,
    world: auditWorld(audit, {
      [CENTRAL]: preparedAccount({ vaults: [MEMBER_VAULT, centralVault(false)] }),
      [PROD]: preparedAccount({ resources: [{ arn: refusedCopyVolume, tags: { ...TAG } }] }),
    }),
    checkpoints: [
      {
        hour: AFTER_FIRST_RUN,
        findings: [
          {
            arn: refusedCopyVolume,
            status: 'FAILING',
            reasons: ['COPY_MISSING', 'CENTRAL_VAULT_POLICY_MISSING'],
          },
        ],
        checks: [
          {
            accountId: CENTRAL,
            check: 'CENTRAL_VAULT_POLICY',
            status: 'FAIL',
            reason: 'CENTRAL_VAULT_POLICY_MISSING',
          },
        ],
      },
    ],
  },
  {
    name: 'audit: cross-account backup off in the organization is an early warning, then failed copies',
    config: audit,
    world: auditWorld(
      audit,
      { [PROD]: preparedAccount({ resources: [{ arn: noCrossAccountVolume, tags: { ...TAG } }] }) },
      { crossAccountBackupEnabled: false },
    ),
    checkpoints: [
      {
        hour: 0,
        findings: [
          {
            arn: noCrossAccountVolume,
            status: 'PENDING',
            reasons: ['AWAITING_FIRST_BACKUP', 'CROSS_ACCOUNT_BACKUP_DISABLED'],
          },
        ],
        checks: [
          {
            accountId: PROD,
            check: 'CROSS_ACCOUNT_BACKUP',
            status: 'FAIL',
            reason: 'CROSS_ACCOUNT_BACKUP_DISABLED',
          },
        ],
      },
      {
        hour: AFTER_FIRST_RUN,
        findings: [
          {
            arn: noCrossAccountVolume,
            status: 'FAILING',
            reasons: ['COPY_MISSING', 'CROSS_ACCOUNT_BACKUP_DISABLED'],
          },
        ],
      },
    ],
  },
  {
    name: 'audit: recovery points lifecycle cannot delete stay EXPIRED and are counted in the account × Region checks',
    config: weeklyRetention,
    world: auditWorld(weeklyRetention, {
      [PROD]: preparedAccount({
        lifecycleDeletes: false,
        resources: [{ arn: protectedVolume, tags: { ...TAG } }],
      }),
    }),
    checkpoints: [
      {
        hour: AFTER_FIRST_RUN,
        findings: [{ arn: protectedVolume, status: 'PROTECTED', reasons: [] }],
        checks: [{ accountId: PROD, check: 'EXPIRED_RECOVERY_POINTS', status: 'PASS' }],
      },
      {
        // Day 8, 10:00: the points of days 0 and 1 are past their 7 days and were not deleted.
        hour: 8 * 24 + AFTER_FIRST_RUN,
        findings: [{ arn: protectedVolume, status: 'PROTECTED', reasons: [] }],
        checks: [
          {
            accountId: PROD,
            check: 'EXPIRED_RECOVERY_POINTS',
            status: 'WARN',
            reason: 'RECOVERY_POINTS_EXPIRED',
          },
        ],
      },
    ],
  },
];

/** What one checkpoint found for the resources and checks it names, shaped like its expectations. */
export interface CheckpointResult {
  readonly findings: readonly ExpectedFinding[];
  readonly checks: readonly ExpectedCheck[];
}

/** Runs a scenario against the real controller and returns, per checkpoint, what it found for the expectations. */
export async function runVerdictScenario(scenario: VerdictScenario): Promise<CheckpointResult[]> {
  return withHarness(
    {
      world: scenario.world,
      config: scenario.config,
      ...(scenario.instantRetries ? { retryDelayMs: () => 0 } : {}),
    },
    async (harness) => {
      const results: CheckpointResult[] = [];
      for (const checkpoint of scenario.checkpoints) {
        advanceToHour(harness, checkpoint.hour);
        checkpoint.before?.(harness);
        await harness.deliverEvents();
        await harness.sweep();
        results.push(observedFor(checkpoint, await harness.report()));
      }
      return results;
    },
  );
}

function observedFor(checkpoint: Checkpoint, report: ComplianceReport): CheckpointResult {
  const findings = new Map(report.resources.map((finding) => [finding.arn, finding]));
  return {
    findings: (checkpoint.findings ?? []).map(({ arn }) => {
      const finding = findings.get(arn);
      return finding
        ? { arn, status: finding.status, reasons: [...finding.reasons].sort() }
        : { arn, status: 'MISSING' as ResourceStatus, reasons: [] };
    }),
    checks: (checkpoint.checks ?? []).map((expected) => {
      const region = expected.region ?? REGION;
      const found = report.accounts
        .find((target) => target.accountId === expected.accountId && target.region === region)
        ?.checks.find((check) => check.check === expected.check);
      return {
        accountId: expected.accountId,
        ...(expected.region ? { region } : {}),
        check: expected.check,
        status: found?.status ?? ('MISSING' as CheckStatus),
        ...(found?.reason ? { reason: found.reason } : {}),
      };
    }),
  };
}

/** A checkpoint's expectations in the order and shape `runVerdictScenario` reports them. */
export function expectedResult(checkpoint: Checkpoint): CheckpointResult {
  return {
    findings: (checkpoint.findings ?? []).map((finding) => ({
      ...finding,
      reasons: [...finding.reasons].sort(),
    })),
    checks: checkpoint.checks ?? [],
  };
}
