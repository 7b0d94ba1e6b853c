import type { WorldInput } from '../../sandbox/index.js';
import type { Config } from '../../shared/domain/config/index.js';
import { withOrgCopyIn } from '../../shared/domain/plan/central-vault-policy.js';
import {
  type AccountSpec,
  BACKUP_ROLE,
  CENTRAL,
  DEV,
  dynamoTable,
  e2eConfig,
  ebsVolume,
  MANAGEMENT,
  MEMBER_VAULT,
  memberAccount,
  ORGANIZATION_ID,
  PROD,
  preparedAccount,
  preparedOrganization,
  REGION,
  type RegionSpec,
  TAG,
} from './support.js';
import type { VerdictScenario } from './verdict-scenarios.js';

/**
 * Worlds planting prerequisites AWS Backup needs silently, and writes that must never weaken what a team
 * set on purpose. Each runs through the same runner as the verdict scenarios (verdicts.test.ts counts their
 * reason codes too).
 */

/** The example config's lock: governance 7..365 days. */
const configuredLock = MEMBER_VAULT.lock;

/** Every account prepared by an earlier run, the central vault locked like the member vaults. */
function everyAccountPrepared(config: Config, accounts: Record<string, AccountSpec>): WorldInput {
  return preparedOrganization(config, { name: 'org-backup-central', lock: configuredLock }, accounts);
}

const oldTable = dynamoTable(PROD, 'old-account-orders');
const noAdvanced: Partial<RegionSpec> = {
  managementPreference: { DynamoDB: false },
  resources: [{ arn: oldTable, tags: { ...TAG } }],
};
const reportOnly = e2eConfig({ dynamoDbAdvanced: 'report' });
const enforce = e2eConfig();
const audit = e2eConfig({ mode: 'audit' });
const OTHER_REGION = 'us-west-2';
const legacyCopy = e2eConfig({
  centralVault: { accountId: CENTRAL, region: OTHER_REGION, name: 'org-backup-central', deleteAfterDays: 90 },
});

const key = (account: string, id: string) => `arn:aws:kms:${REGION}:${account}:key/${id}`;
const unversionedBucket = 'arn:aws:s3:::prod-unversioned-exports';
const ontapFileSystem = `arn:aws:fsx:${REGION}:${PROD}:file-system/fs-0ontap00000000001`;
const awsManagedVolume = ebsVolume(PROD, 'on-aws-ebs');
const unsharedVolume = ebsVolume(PROD, 'on-unshared-key');
const documentCluster = `arn:aws:rds:${REGION}:${PROD}:cluster:catalogue`;
const database = `arn:aws:rds:${REGION}:${PROD}:db:orders`;
/** The daily plan runs at 05:00 with 60 + 180 minutes of windows; copies follow within the hour. */
const AFTER_BACKUP_AND_COPY = 10;
// Restore tests at 04:00: the first run finds no backup yet, the second restores the first day's.
const restoreTesting = e2eConfig({
  restoreTesting: { resourceTypes: ['EBS', 'EC2'], schedule: 'cron(0 4 ? * * *)' },
});
const restoreTestingAudit = e2eConfig({ mode: 'audit', restoreTesting: { resourceTypes: ['EBS'] } });
const instance = (account: string, id: string) => `arn:aws:ec2:${REGION}:${account}:instance/i-${id}`;

export const PREREQUISITE_SCENARIOS: readonly VerdictScenario[] = [
  {
    name: 'trusted access for AWS Backup off in the organization: a WARN on the management account entry, Region "global"',
    config: enforce,
    world: {
      ...everyAccountPrepared(enforce, {}),
      trustedAccess: ['member.org.stacksets.cloudformation.amazonaws.com'],
    },
    checkpoints: [
      {
        hour: 0,
        checks: [
          {
            accountId: MANAGEMENT,
            region: 'global',
            check: 'TRUSTED_ACCESS',
            status: 'WARN',
            reason: 'TRUSTED_ACCESS_DISABLED',
          },
        ],
      },
    ],
  },
  {
    name: 'dynamoDbAdvanced: report — a tagged table in an account without advanced DynamoDB backup is reported, and the setting stays off',
    config: reportOnly,
    world: everyAccountPrepared(reportOnly, { [PROD]: preparedAccount(noAdvanced) }),
    checkpoints: [0, 1].map((hour) => ({
      hour,
      checks: [
        { accountId: PROD, check: 'DYNAMODB_ADVANCED', status: 'FAIL', reason: 'DYNAMODB_ADVANCED_DISABLED' },
        { accountId: DEV, check: 'DYNAMODB_ADVANCED', status: 'PASS' },
      ],
    })),
  },
  {
    name: 'dynamoDbAdvanced: manage — the enforce run turns advanced DynamoDB backup on where a tagged table exists',
    config: enforce,
    world: everyAccountPrepared(enforce, { [PROD]: preparedAccount(noAdvanced) }),
    checkpoints: [{ hour: 0, checks: [{ accountId: PROD, check: 'DYNAMODB_ADVANCED', status: 'PASS' }] }],
  },
  {
    name: 'locks are never weakened: a stricter lock and a compliance lock in its grace period stay as they are (WARN), a looser one is tightened, and the central vault gets the configured lock; the compliance lock warns that it becomes immutable within 7 days',
    config: enforce,
    world: everyAccountPrepared(enforce, {
      // Stricter than 7..365 and still compatible with the 35-day plan and 90-day copies.
      [PROD]: preparedAccount({
        vaults: [{ name: 'org-backup', lock: { minRetentionDays: 30, maxRetentionDays: 300 } }],
      }),
      // A compliance lock still changeable for 5 days.
      [DEV]: preparedAccount({
        vaults: [
          { name: 'org-backup', lock: { minRetentionDays: 1, maxRetentionDays: 400, changeableForDays: 5 } },
        ],
      }),
      [CENTRAL]: preparedAccount({
        vaults: [
          { name: 'org-backup', lock: { minRetentionDays: 1, maxRetentionDays: 400 } },
          { name: 'org-backup-central' },
        ],
      }),
    }),
    checkpoints: [0, 2].map((hour) => ({
      hour,
      checks: [
        { accountId: PROD, check: 'VAULT_LOCK', status: 'WARN', reason: 'VAULT_LOCK_MISMATCH' },
        { accountId: DEV, check: 'VAULT_LOCK', status: 'WARN', reason: 'VAULT_LOCK_MISMATCH' },
        { accountId: CENTRAL, check: 'VAULT_LOCK', status: 'PASS' },
        { accountId: DEV, check: 'VAULT_LOCK_DATE', status: 'WARN', reason: 'LOCK_BECOMES_IMMUTABLE' },
        { accountId: PROD, check: 'VAULT_LOCK_DATE', status: 'PASS' },
      ],
    })),
  },
  {
    name: 'what about a resource stops its backups or copies: an unversioned bucket, a tagged ONTAP file system, and volumes whose keys cannot or may not reach the central account',
    config: enforce,
    world: everyAccountPrepared(enforce, {
      [CENTRAL]: preparedAccount({
        vaults: [
          MEMBER_VAULT,
          {
            name: 'org-backup-central',
            lock: configuredLock,
            accessPolicy: withOrgCopyIn(null, ORGANIZATION_ID),
          },
        ],
      }),
      [PROD]: preparedAccount({
        resources: [
          { arn: unversionedBucket, tags: { ...TAG }, versioning: false },
          { arn: ontapFileSystem, tags: { ...TAG }, fileSystemType: 'ONTAP' },
          { arn: awsManagedVolume, tags: { ...TAG }, kmsKeyArn: key(PROD, 'aws-ebs') },
          { arn: unsharedVolume, tags: { ...TAG }, kmsKeyArn: key(PROD, 'team-key') },
        ],
        keys: [
          { arn: key(PROD, 'aws-ebs'), manager: 'AWS', aliases: ['alias/aws/ebs'] },
          // The team granted the backup role, but its policy shares the key with no other account.
          {
            arn: key(PROD, 'team-key'),
            allowsBackupRole: false,
            grantees: [`arn:aws:iam::${PROD}:role/${BACKUP_ROLE}`],
          },
        ],
      }),
    }),
    checkpoints: [
      // The first run opts the Region into S3 (off by default), so the 05:00 run selects the bucket.
      { hour: 0 },
      {
        hour: AFTER_BACKUP_AND_COPY,
        findings: [
          { arn: unversionedBucket, status: 'FAILING', reasons: ['JOB_FAILED', 'S3_VERSIONING_DISABLED'] },
          { arn: ontapFileSystem, status: 'UNPROTECTED', reasons: ['FSX_ONTAP_TAG_VOLUMES'] },
          { arn: awsManagedVolume, status: 'FAILING', reasons: ['COPY_MISSING', 'SOURCE_KEY_NOT_SHAREABLE'] },
          { arn: unsharedVolume, status: 'FAILING', reasons: ['COPY_MISSING', 'SOURCE_KEY_NOT_SHARED'] },
        ],
      },
    ],
  },
  {
    name: 'a DocumentDB cluster (an rds:cluster ARN) in a Region opted out of DocumentDB: reported for DocumentDB in audit mode',
    config: audit,
    world: everyAccountPrepared(audit, {
      [PROD]: preparedAccount({
        optIn: { DocumentDB: false },
        resources: [{ arn: documentCluster, tags: { ...TAG }, resourceType: 'DocumentDB' }],
      }),
    }),
    checkpoints: [
      {
        hour: 0,
        findings: [
          { arn: documentCluster, status: 'PENDING', reasons: ['AWAITING_FIRST_BACKUP', 'OPT_IN_DISABLED'] },
        ],
        checks: [{ accountId: PROD, check: 'REGION_OPT_IN', status: 'FAIL', reason: 'OPT_IN_DISABLED' }],
      },
    ],
  },
  {
    name: 'the same DocumentDB cluster in enforce mode: DocumentDB is opted in and the cluster is backed up',
    config: enforce,
    world: everyAccountPrepared(enforce, {
      [PROD]: preparedAccount({
        optIn: { DocumentDB: false },
        resources: [{ arn: documentCluster, tags: { ...TAG }, resourceType: 'DocumentDB' }],
      }),
    }),
    checkpoints: [
      { hour: 0, checks: [{ accountId: PROD, check: 'REGION_OPT_IN', status: 'PASS' }] },
      { hour: AFTER_BACKUP_AND_COPY, findings: [{ arn: documentCluster, status: 'PROTECTED', reasons: [] }] },
    ],
  },
  {
    name: "legacyRdsCopyLimit: an RDS copy to a central vault in another Region and account fails with AWS's message",
    config: legacyCopy,
    world: {
      ...everyAccountPrepared(legacyCopy, {
        [PROD]: preparedAccount({ resources: [{ arn: database, tags: { ...TAG } }] }),
        [CENTRAL]: memberAccount({
          [REGION]: { vaults: [MEMBER_VAULT] },
          [OTHER_REGION]: {
            vaults: [
              {
                name: 'org-backup-central',
                lock: configuredLock,
                accessPolicy: withOrgCopyIn(null, ORGANIZATION_ID),
              },
            ],
          },
        }),
      }),
      legacyRdsCopyLimit: true,
    },
    checkpoints: [
      {
        hour: AFTER_BACKUP_AND_COPY,
        findings: [
          { arn: database, status: 'FAILING', reasons: ['COPY_MISSING', 'COPY_UNSUPPORTED_FOR_TYPE'] },
        ],
      },
    ],
  },
  {
    name: "the central account lacks AWSServiceRoleForBackup: a WARN, created only once a member's copy fails for want of it",
    config: enforce,
    world: everyAccountPrepared(enforce, {
      [PROD]: preparedAccount({ resources: [{ arn: ebsVolume(PROD, 'copied'), tags: { ...TAG } }] }),
      [CENTRAL]: preparedAccount(
        { vaults: [MEMBER_VAULT, { name: 'org-backup-central', lock: configuredLock }] },
        { serviceLinkedRole: false },
      ),
    }),
    checkpoints: [
      {
        hour: 0,
        checks: [
          {
            accountId: CENTRAL,
            check: 'SERVICE_LINKED_ROLE',
            status: 'WARN',
            reason: 'SERVICE_LINKED_ROLE_MISSING',
          },
        ],
      },
      {
        hour: AFTER_BACKUP_AND_COPY,
        findings: [{ arn: ebsVolume(PROD, 'copied'), status: 'FAILING', reasons: ['COPY_MISSING'] }],
      },
      {
        hour: AFTER_BACKUP_AND_COPY + 1,
        checks: [{ accountId: CENTRAL, check: 'SERVICE_LINKED_ROLE', status: 'PASS' }],
      },
    ],
  },
  {
    name: 'restore testing: the enforce run creates the plan and its selections; a run with nothing to restore leaves the types untested; then a volume that does not restore fails, and an instance in a Region without a default VPC is blocked, not failed',
    config: restoreTesting,
    world: everyAccountPrepared(restoreTesting, {
      [PROD]: preparedAccount({
        defaultVpc: false,
        resources: [
          { arn: ebsVolume(PROD, 'restores'), tags: { ...TAG } },
          { arn: instance(PROD, '0a1b2c3d'), tags: { ...TAG } },
        ],
      }),
      [DEV]: preparedAccount({
        resources: [{ arn: ebsVolume(DEV, 'broken'), tags: { ...TAG }, restorable: false }],
      }),
    }),
    checkpoints: [
      {
        hour: 0,
        checks: [
          { accountId: PROD, check: 'RESTORE_TESTING', status: 'PASS' },
          { accountId: CENTRAL, check: 'RESTORE_TESTING', status: 'PASS' },
        ],
      },
      {
        hour: 5,
        checks: [
          { accountId: PROD, check: 'RESTORE_TESTING', status: 'WARN', reason: 'RESTORE_UNTESTED' },
          { accountId: DEV, check: 'RESTORE_TESTING', status: 'WARN', reason: 'RESTORE_UNTESTED' },
        ],
      },
      {
        hour: 29,
        checks: [
          { accountId: PROD, check: 'RESTORE_TESTING', status: 'WARN', reason: 'RESTORE_TEST_BLOCKED' },
          { accountId: DEV, check: 'RESTORE_TESTING', status: 'FAIL', reason: 'RESTORE_TEST_FAILED' },
        ],
      },
    ],
  },
  {
    name: 'restore testing in audit mode: nothing is created, and the missing plan is reported',
    config: restoreTestingAudit,
    world: everyAccountPrepared(restoreTestingAudit, {
      [PROD]: preparedAccount({ resources: [{ arn: ebsVolume(PROD, 'audited'), tags: { ...TAG } }] }),
    }),
    checkpoints: [
      {
        hour: 0,
        checks: [
          { accountId: PROD, check: 'RESTORE_TESTING', status: 'FAIL', reason: 'RESTORE_TESTING_MISSING' },
        ],
      },
    ],
  },
];
