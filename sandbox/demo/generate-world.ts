/**
 * Writes sandbox/demo/world.yaml, the organization `npm start` runs against. The file is committed (people
 * read and copy it); this script is how it was made, so its size and its planted problems stay deliberate.
 * Run: npx tsx sandbox/demo/generate-world.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { WorldInput } from '../world.js';

const REGIONS = ['eu-west-1', 'eu-central-1'] as const;
const TAG = { BackupEnabled: 'True' };
const ROLE = 'OrgBackupServiceRole';

type Resource = {
  arn: string;
  tags: Record<string, string>;
  kmsKeyArn?: string;
  efsAutomaticBackup?: boolean;
  restorable?: boolean;
  versioning?: boolean;
};

/**
 * A workload's tagged resources in one Region: volumes, instances, a database, tables, a file system.
 * `efsAutomaticBackup`: its file systems were made in the EFS console, so EFS automatic backups are on.
 */
function workload(
  account: string,
  region: string,
  prefix: string,
  size: number,
  efsAutomaticBackup = false,
): Resource[] {
  const id = (n: number) => `${prefix}${String(n).padStart(4, '0')}`;
  const resources: Resource[] = [];
  for (let n = 1; n <= size; n += 1) {
    const kind = n % 5;
    const arn =
      kind === 0
        ? `arn:aws:ec2:${region}:${account}:instance/i-${id(n)}`
        : kind === 1
          ? `arn:aws:rds:${region}:${account}:db:${prefix}-db-${n}`
          : kind === 2
            ? `arn:aws:dynamodb:${region}:${account}:table/${prefix}-table-${n}`
            : kind === 3
              ? `arn:aws:elasticfilesystem:${region}:${account}:file-system/fs-${id(n)}`
              : `arn:aws:ec2:${region}:${account}:volume/vol-${id(n)}`;
    resources.push({
      arn,
      tags: { ...TAG, Name: `${prefix}-${n}` },
      ...(kind === 3 && efsAutomaticBackup ? { efsAutomaticBackup } : {}),
    });
  }
  return resources;
}

const regionsOf = (account: string, prefix: string, size: number) =>
  Object.fromEntries(
    REGIONS.map((region) => [
      region,
      { resources: workload(account, region, `${prefix}${region.slice(3, 5)}`, size) },
    ]),
  );

/** Planted: a volume whose backups do not restore → the restore test of its Region fails (RESTORE_TEST_FAILED). */
const unrestorableVolume = 'arn:aws:ec2:eu-west-1:666666666661:volume/vol-sbawe0004';
function withUnrestorable(regions: ReturnType<typeof regionsOf>) {
  return Object.fromEntries(
    Object.entries(regions).map(([region, spec]) => [
      region,
      {
        resources: spec.resources.map((resource) =>
          resource.arn === unrestorableVolume ? { ...resource, restorable: false } : resource,
        ),
      },
    ]),
  );
}

const paymentsKey = 'arn:aws:kms:eu-west-1:222222222221:key/payments-data';
const exportsKey = 'arn:aws:kms:eu-west-1:222222222221:key/payments-exports';

const world: WorldInput = {
  version: 1,
  start: '2026-03-02T00:00:00Z',
  managementAccountId: '111111111111',
  organizationId: 'o-demo1234567',
  memberRoleName: 'OrgBackupControllerExecution',
  // Where the README recommends deploying; the policy Regions are in the EU.
  controllerRegion: 'us-east-1',
  baselineDelayMinutes: 10,
  backupPolicyType: 'DISABLED',
  crossAccountBackupEnabled: false,
  // Planted: trusted access for AWS Backup is off → TRUSTED_ACCESS WARN (the owner's switch; only reported).
  trustedAccess: ['member.org.stacksets.cloudformation.amazonaws.com'],
  organization: {
    accounts: ['111111111111'],
    ous: [
      { name: 'Security', accounts: ['444444444444', '555555555555'] },
      {
        name: 'Workloads',
        ous: [
          { name: 'Prod', accounts: ['222222222221', '222222222222', '222222222223'] },
          { name: 'NonProd', accounts: ['333333333331', '333333333332'] },
        ],
      },
      { name: 'Sandbox', accounts: ['666666666661', '666666666662'] },
      { name: 'Legacy', accounts: ['777777777771'] },
    ],
  },
  accounts: {
    '111111111111': { name: 'management', roles: [ROLE] },
    '444444444444': {
      name: 'backup-central',
      roles: [ROLE],
      // Planted: the central vault exists without a lock → the controller gives it the configured lock.
      regions: { 'eu-west-1': { vaults: [{ name: 'org-backup-central' }] } },
    },
    '555555555555': { name: 'log-archive', roles: [ROLE], regions: regionsOf('555555555555', 'log', 8) },
    '222222222221': {
      name: 'prod-payments',
      roles: [ROLE],
      regions: {
        'eu-west-1': {
          resources: [
            ...workload('222222222221', 'eu-west-1', 'pay', 18),
            // Planted: a bucket on a customer-managed key, scheduled for deletion mid-week (below).
            { arn: 'arn:aws:s3:::payments-ledger', tags: TAG, kmsKeyArn: paymentsKey },
            // Planted: a volume on the same key; its snapshots keep that key, so once the deletion is
            // scheduled its recovery points cannot be restored → UNPROTECTED, RECOVERY_POINTS_LOST_ON.
            {
              arn: 'arn:aws:ec2:eu-west-1:222222222221:volume/vol-ledgerdb01',
              tags: TAG,
              kmsKeyArn: paymentsKey,
            },
            // Planted: a bucket whose key policy refuses the backup role: its jobs complete with issues
            // (objects skipped) → FAILING / BACKUP_INCOMPLETE; the controller never rewrites a key policy.
            { arn: 'arn:aws:s3:::payments-exports', tags: TAG, kmsKeyArn: exportsKey },
            // Planted: a bucket without versioning: AWS Backup cannot back it up, and turning versioning
            // on is the bucket owner's decision → FAILING with S3_VERSIONING_DISABLED, reported only.
            { arn: 'arn:aws:s3:::payments-statements', tags: TAG, versioning: false },
          ],
          keys: [
            { arn: paymentsKey, state: 'Enabled' },
            { arn: exportsKey, state: 'Enabled', allowsBackupRole: false },
          ],
        },
        'eu-central-1': { resources: workload('222222222221', 'eu-central-1', 'payc', 18) },
      },
    },
    '222222222222': {
      name: 'prod-web',
      roles: [ROLE],
      regions: {
        // Planted: an account from before November 2021 without advanced DynamoDB backup → turned on.
        'eu-west-1': {
          managementPreference: { DynamoDB: false },
          resources: workload('222222222222', 'eu-west-1', 'web', 18),
        },
        // Planted: DynamoDB opted out in this Region → tag-selected tables are silently skipped.
        // Planted: the team's vault has a compliance lock in its grace period, immutable from 12 March →
        // LOCK_BECOMES_IMMUTABLE (a warning, and one alert) from 5 March, seven days ahead.
        'eu-central-1': {
          optIn: { DynamoDB: false },
          resources: workload('222222222222', 'eu-central-1', 'webc', 18),
          vaults: [
            {
              name: 'org-backup',
              lock: {
                minRetentionDays: 7,
                maxRetentionDays: 400,
                changeableForDays: 14,
                lockDate: '2026-03-12T00:00:00Z',
              },
            },
          ],
        },
        // Planted: tagged in a Region the policy does not cover → REGION_NOT_IN_POLICY.
        'us-east-1': {
          resources: [{ arn: 'arn:aws:ec2:us-east-1:222222222222:volume/vol-web-us0001', tags: TAG }],
        },
      },
    },
    '222222222223': {
      name: 'prod-data',
      roles: [ROLE],
      regions: {
        'eu-west-1': {
          // Planted: its file systems have EFS automatic backups, the only backups they get while the lock
          // below fails the policy's jobs → BACKED_UP_OUTSIDE_POLICY next to the lock conflict.
          resources: workload('222222222223', 'eu-west-1', 'data', 18, true),
          // Planted: an immutable compliance lock whose minimum (60 days) rejects the 35-day daily rule.
          vaults: [
            {
              name: 'org-backup',
              lock: {
                minRetentionDays: 60,
                maxRetentionDays: 400,
                changeableForDays: 3,
                lockDate: '2026-01-01T00:00:00Z',
              },
            },
          ],
        },
        'eu-central-1': { resources: workload('222222222223', 'eu-central-1', 'datac', 18) },
      },
    },
    '333333333331': {
      name: 'dev',
      // Planted: no backup service role yet (created by the controller).
      regions: {
        'eu-west-1': {
          resources: [
            ...workload('333333333331', 'eu-west-1', 'dev', 12),
            // Planted near misses: not selected by BackupEnabled=True → TAG_VALUE_MISMATCH.
            {
              arn: 'arn:aws:ec2:eu-west-1:333333333331:volume/vol-dev-lower',
              tags: { BackupEnabled: 'true' },
            },
            { arn: 'arn:aws:ec2:eu-west-1:333333333331:volume/vol-dev-yes', tags: { BackupEnabled: 'yes' } },
            {
              arn: 'arn:aws:dynamodb:eu-west-1:333333333331:table/dev-keycase',
              tags: { backupenabled: 'True' },
            },
            // Planted: a tagged type AWS Backup cannot protect → UNSUPPORTED_RESOURCE_TYPE.
            { arn: 'arn:aws:sqs:eu-west-1:333333333331:dev-orders', tags: TAG },
          ],
        },
        'eu-central-1': { resources: workload('333333333331', 'eu-central-1', 'devc', 12) },
      },
    },
    '333333333332': { name: 'staging', regions: regionsOf('333333333332', 'stg', 12) },
    '666666666661': { name: 'sandbox-alice', regions: withUnrestorable(regionsOf('666666666661', 'sba', 6)) },
    '666666666662': { name: 'sandbox-bob', regions: regionsOf('666666666662', 'sbb', 6) },
    // Planted: an invited account without the controller's role → ACCOUNT_UNREACHABLE / UNKNOWN.
    '777777777771': {
      name: 'legacy-invited',
      joinedMethod: 'INVITED',
      memberRole: false,
      roles: [ROLE],
      regions: regionsOf('777777777771', 'leg', 5),
    },
  },
  timeline: [
    // A new volume is tagged mid-week: PENDING at once (aws.tag event), PROTECTED after its first backup.
    {
      at: '2026-03-03T10:00:00Z',
      createResource: {
        account: '222222222222',
        region: 'eu-west-1',
        arn: 'arn:aws:ec2:eu-west-1:222222222222:volume/vol-web-new0001',
        tags: { Name: 'web-new' },
      },
    },
    {
      at: '2026-03-03T10:30:00Z',
      tag: { arn: 'arn:aws:ec2:eu-west-1:222222222222:volume/vol-web-new0001', tags: TAG },
    },
    // Someone detaches the backup policy from the root: the CloudTrail event brings it back within minutes.
    { at: '2026-03-04T09:15:00Z', detachPolicy: { target: 'root' } },
    // A vault is deleted by hand in staging: recreated by the next reconcile of that target.
    {
      at: '2026-03-04T14:00:00Z',
      deleteVault: { account: '333333333332', region: 'eu-central-1', name: 'org-backup' },
    },
    // The key guarding the payments bucket is scheduled for deletion: reported, never "fixed" by the controller.
    { at: '2026-03-05T08:00:00Z', scheduleKeyDeletion: { arn: paymentsKey } },
    // A new account joins Prod: inherits the policy, gets its vault and role.
    {
      at: '2026-03-05T12:00:00Z',
      createAccount: {
        id: '222222222224',
        ou: '/Workloads/Prod',
        name: 'prod-search',
        account: { roles: [], regions: regionsOf('222222222224', 'srch', 6) },
      },
    },
    // A volume is untagged: it leaves the report.
    {
      at: '2026-03-06T11:00:00Z',
      untag: { arn: 'arn:aws:ec2:eu-west-1:333333333332:volume/vol-stgwe0004', keys: ['BackupEnabled'] },
    },
    // The controller's role is deleted in log-archive: its findings turn UNKNOWN (ACCOUNT_UNREACHABLE).
    { at: '2026-03-07T09:00:00Z', deleteMemberRole: { account: '555555555555' } },
  ],
};

const header = `# The built-in demo organization for \`npm start\` (format: docs/world-format.md).
# Generated by sandbox/demo/generate-world.ts; every planted problem is commented there.
`;
writeFileSync(join(import.meta.dirname, 'world.yaml'), header + stringify(world, { lineWidth: 0 }));
