import { describe, expect, it } from 'vitest';
import { backupRoleCheck } from '../../../shared/domain/checks/backup-role.js';
import { centralVaultPolicyCheck } from '../../../shared/domain/checks/central-vault-policy.js';
import type { Check, CheckContext } from '../../../shared/domain/checks/check.js';
import { crossAccountBackupCheck } from '../../../shared/domain/checks/cross-account-backup.js';
import { dynamoDbAdvancedCheck } from '../../../shared/domain/checks/dynamodb-advanced.js';
import { effectivePolicyCheck } from '../../../shared/domain/checks/effective-policy.js';
import { eventForwardingCheck } from '../../../shared/domain/checks/event-forwarding.js';
import { kmsGrantsCheck } from '../../../shared/domain/checks/kms-grants.js';
import { kmsKeyStateCheck } from '../../../shared/domain/checks/kms-key-state.js';
import { regionOptInCheck } from '../../../shared/domain/checks/region-opt-in.js';
import { vaultExistsCheck } from '../../../shared/domain/checks/vault-exists.js';
import { vaultKeyCheck } from '../../../shared/domain/checks/vault-key.js';
import { vaultLockCheck } from '../../../shared/domain/checks/vault-lock.js';
import type {
  CheckStatus,
  DesiredState,
  ObservedKey,
  ObservedTarget,
  ReasonCode,
} from '../../../shared/domain/model.js';
import {
  CENTRAL_ACCOUNT,
  CENTRAL_VAULT,
  desiredState,
  desiredWithCentralCopy,
  EVENT_FORWARDING,
  HOME_REGION,
  MEMBER_ACCOUNT,
  NOW,
  OTHER_REGION,
} from '../fixtures/desired.js';
import {
  compliantTarget,
  dynamoTableArn,
  ebsVolumeArn,
  effectivePolicyFor,
  HOME_TARGET,
  hoursAfter,
  hoursBefore,
  keyArn,
  selectedResource,
  sqsQueueArn,
} from '../fixtures/observed.js';

interface Row {
  why: string;
  desired?: DesiredState;
  /** Changes to the observed state compliant with `desired`. */
  observed?: (base: ObservedTarget) => Partial<ObservedTarget>;
  crossAccountBackupEnabled?: boolean | null;
  status: CheckStatus;
  reason?: ReasonCode;
  /** A fragment the detail must contain, to prove it names what is wrong. */
  mentions?: string;
}

function runRows(check: Check, rows: Row[]) {
  it.each(rows)('$status $reason — $why', (row) => {
    const desired = row.desired ?? desiredState();
    const base = compliantTarget(desired);
    const context: CheckContext = {
      desired,
      observed: { ...base, ...row.observed?.(base) },
      org: { crossAccountBackupEnabled: row.crossAccountBackupEnabled ?? null },
      now: NOW,
    };
    const result = check.evaluate(context);
    expect(result.check).toBe(check.id);
    expect(result.status).toBe(row.status);
    expect(result.reason).toBe(row.reason);
    if (row.mentions) expect(result.detail).toContain(row.mentions);
  });
}

const lockedDesired = (lock: NonNullable<DesiredState['vault']['lock']>) =>
  desiredState({ vault: { ...desiredState().vault, lock } });
const CENTRAL_VAULT_OBSERVED = {
  name: 'central-vault',
  arn: CENTRAL_VAULT.arn,
  encryptionKeyArn: null,
  locked: false,
  minRetentionDays: null,
  maxRetentionDays: null,
  lockDate: null,
};

const cmk = (overrides: Partial<ObservedKey> = {}): ObservedKey => ({
  arn: keyArn(HOME_TARGET, 'data'),
  state: 'Enabled',
  manager: 'CUSTOMER',
  backupRoleHasGrant: true,
  usedBy: 'resource',
  ...overrides,
});

describe('EFFECTIVE_POLICY', () => {
  runRows(effectivePolicyCheck, [
    { why: 'a plan lists this Region', status: 'PASS' },
    {
      why: 'no policy reaches the account',
      observed: () => ({ effectivePolicy: null }),
      status: 'FAIL',
      reason: 'NO_EFFECTIVE_POLICY',
    },
    {
      why: "the policy's plans list only other Regions",
      observed: () => ({ effectivePolicy: effectivePolicyFor(desiredState({ regions: [OTHER_REGION] })) }),
      status: 'FAIL',
      reason: 'REGION_NOT_IN_POLICY',
      mentions: HOME_REGION,
    },
  ]);
});

describe('VAULT_EXISTS', () => {
  runRows(vaultExistsCheck, [
    { why: 'the vault is there', status: 'PASS' },
    {
      why: 'the vault is gone',
      observed: () => ({ vault: null }),
      status: 'FAIL',
      reason: 'VAULT_MISSING',
      mentions: 'org-vault',
    },
  ]);
});

describe('VAULT_KEY', () => {
  const arnDesired = desiredState({
    vault: { ...desiredState().vault, kmsKey: { type: 'arn', arn: keyArn() } },
  });
  const aliasDesired = (alias: string) =>
    desiredState({ vault: { ...desiredState().vault, kmsKey: { type: 'alias', alias } } });
  const vaultKeyManagedBy = (manager: 'AWS' | 'CUSTOMER') => (base: ObservedTarget) => ({
    keys: base.keys.map((key) => ({ ...key, manager })),
  });
  runRows(vaultKeyCheck, [
    { why: 'the configured key ARN is the vault key', desired: arnDesired, status: 'PASS' },
    {
      why: 'a different key ARN: the vault must be recreated',
      desired: arnDesired,
      observed: (base) => ({ vault: { ...base.vault!, encryptionKeyArn: keyArn(HOME_TARGET, 'other') } }),
      status: 'FAIL',
      reason: 'VAULT_KEY_MISMATCH',
      mentions: 'key/other',
    },
    { why: 'aws-managed wanted and the key is AWS-managed', status: 'PASS' },
    {
      why: 'aws-managed wanted but a CMK encrypts the vault',
      observed: vaultKeyManagedBy('CUSTOMER'),
      status: 'FAIL',
      reason: 'VAULT_KEY_MISMATCH',
    },
    {
      why: 'aws-managed wanted but the key was not read: undeterminable, not a failure',
      observed: () => ({ keys: [] }),
      status: 'SKIPPED',
    },
    {
      why: 'a customer alias and a CMK: consistent (alias not resolved)',
      desired: aliasDesired('alias/backup-cmk'),
      status: 'PASS',
      mentions: 'not resolved',
    },
    {
      why: 'a customer alias but an AWS-managed key',
      desired: aliasDesired('alias/backup-cmk'),
      observed: vaultKeyManagedBy('AWS'),
      status: 'FAIL',
      reason: 'VAULT_KEY_MISMATCH',
    },
    {
      why: 'alias/aws/backup is AWS-managed, but the vault uses a CMK',
      desired: aliasDesired('alias/aws/backup'),
      observed: vaultKeyManagedBy('CUSTOMER'),
      status: 'FAIL',
      reason: 'VAULT_KEY_MISMATCH',
    },
    {
      why: 'an alias given without the alias/ prefix is understood too',
      desired: aliasDesired('aws/backup'),
      observed: vaultKeyManagedBy('AWS'),
      status: 'PASS',
    },
    { why: 'no vault: VAULT_EXISTS reports it', observed: () => ({ vault: null }), status: 'SKIPPED' },
  ]);
});

describe('VAULT_LOCK', () => {
  const governance = lockedDesired({ mode: 'governance', minRetentionDays: 7, maxRetentionDays: 365 });
  const compliance = lockedDesired({
    mode: 'compliance',
    minRetentionDays: 7,
    maxRetentionDays: 365,
    changeableForDays: 3,
  });
  runRows(vaultLockCheck, [
    { why: 'no lock configured and none there', status: 'PASS' },
    { why: 'the configured governance lock is in place', desired: governance, status: 'PASS' },
    { why: 'a compliance lock still in its grace window', desired: compliance, status: 'PASS' },
    {
      why: 'the governance lock is missing',
      desired: governance,
      observed: (base) => ({
        vault: { ...base.vault!, locked: false, minRetentionDays: null, maxRetentionDays: null },
      }),
      status: 'FAIL',
      reason: 'VAULT_LOCK_MISMATCH',
    },
    {
      why: 'an immutable compliance lock with other bounds can never be changed: WARN, not FAIL',
      desired: compliance,
      observed: (base) => ({ vault: { ...base.vault!, lockDate: hoursBefore(1), maxRetentionDays: 400 } }),
      status: 'WARN',
      reason: 'VAULT_LOCK_MISMATCH',
      mentions: 'immutable',
    },
    {
      why: 'a stricter governance lock is left as it is, and says so',
      desired: governance,
      observed: (base) => ({ vault: { ...base.vault!, minRetentionDays: 30, maxRetentionDays: 100 } }),
      status: 'WARN',
      reason: 'VAULT_LOCK_MISMATCH',
      mentions: 'at least as strict',
    },
    {
      why: 'a compliance lock in its grace period is never rewritten to the configured governance one',
      desired: governance,
      observed: (base) => ({ vault: { ...base.vault!, lockDate: hoursAfter(24), minRetentionDays: 1 } }),
      status: 'WARN',
      reason: 'VAULT_LOCK_MISMATCH',
      mentions: 'grace period',
    },
    {
      why: 'a looser governance lock is tightened by the controller: FAIL until it is',
      desired: governance,
      observed: (base) => ({ vault: { ...base.vault!, minRetentionDays: 1, maxRetentionDays: 400 } }),
      status: 'FAIL',
      reason: 'VAULT_LOCK_MISMATCH',
      mentions: 'looser',
    },
    {
      why: 'the central vault with its own name is checked too',
      desired: { ...governance, centralVault: { ...CENTRAL_VAULT, accountId: MEMBER_ACCOUNT } },
      observed: (base) => ({
        centralVault: {
          accessPolicy: null,
          vault: {
            ...base.vault!,
            name: CENTRAL_VAULT.name,
            locked: false,
            minRetentionDays: null,
            maxRetentionDays: null,
          },
        },
      }),
      status: 'FAIL',
      reason: 'VAULT_LOCK_MISMATCH',
      mentions: CENTRAL_VAULT.name,
    },
    {
      why: "the daily rule keeps 35 days, below the lock's 60-day minimum: jobs fail",
      desired: governance,
      observed: (base) => ({ vault: { ...base.vault!, minRetentionDays: 60 } }),
      status: 'FAIL',
      reason: 'LOCK_RETENTION_CONFLICT',
      mentions: 'rule daily keeps 35 days',
    },
    {
      why: 'a lock nobody configured still rejects retention above its maximum',
      observed: (base) => ({
        vault: { ...base.vault!, locked: true, maxRetentionDays: 30, lockDate: hoursAfter(1) },
      }),
      status: 'FAIL',
      reason: 'LOCK_RETENTION_CONFLICT',
    },
    {
      why: 'a rule that never expires exceeds any maximum',
      desired: governance,
      observed: (base) => ({
        effectivePolicy: {
          plans: base.effectivePolicy!.plans.map((plan) => ({
            ...plan,
            rules: plan.rules.map((rule) => ({ ...rule, deleteAfterDays: null })),
          })),
        },
      }),
      status: 'FAIL',
      reason: 'LOCK_RETENTION_CONFLICT',
      mentions: 'no expiry',
    },
    {
      why: 'no vault: VAULT_EXISTS reports it',
      desired: governance,
      observed: () => ({ vault: null }),
      status: 'SKIPPED',
    },
  ]);
});

describe('CENTRAL_VAULT_POLICY', () => {
  const central = desiredWithCentralCopy();
  const atCentral = (change: (base: ObservedTarget) => Partial<ObservedTarget>) => (base: ObservedTarget) => {
    const there = compliantTarget(central, { accountId: CENTRAL_ACCOUNT, region: HOME_REGION });
    return { ...base, ...there, ...change(there) };
  };
  runRows(centralVaultPolicyCheck, [
    { why: 'no central vault configured', status: 'SKIPPED' },
    { why: 'not the central account and Region', desired: central, status: 'SKIPPED' },
    {
      why: 'the central vault allows org copies',
      desired: central,
      observed: atCentral(() => ({})),
      status: 'PASS',
    },
    {
      why: 'the central vault does not exist',
      desired: central,
      observed: atCentral(() => ({ centralVault: { vault: null, accessPolicy: null } })),
      status: 'FAIL',
      reason: 'VAULT_MISSING',
    },
    {
      why: 'the central vault has no access policy',
      desired: central,
      observed: atCentral((there) => ({
        centralVault: { vault: there.centralVault!.vault, accessPolicy: null },
      })),
      status: 'FAIL',
      reason: 'CENTRAL_VAULT_POLICY_MISSING',
    },
  ]);
});

describe('CROSS_ACCOUNT_BACKUP', () => {
  const central = desiredWithCentralCopy();
  runRows(crossAccountBackupCheck, [
    { why: 'no central vault: copies are not needed', crossAccountBackupEnabled: false, status: 'SKIPPED' },
    { why: 'enabled', desired: central, crossAccountBackupEnabled: true, status: 'PASS' },
    {
      why: 'disabled: central copies cannot run',
      desired: central,
      crossAccountBackupEnabled: false,
      status: 'FAIL',
      reason: 'CROSS_ACCOUNT_BACKUP_DISABLED',
    },
    {
      why: 'the setting could not be read',
      desired: central,
      crossAccountBackupEnabled: null,
      status: 'SKIPPED',
    },
  ]);
});

describe('BACKUP_ROLE', () => {
  runRows(backupRoleCheck, [
    { why: 'exists, trusts AWS Backup, has its policies', status: 'PASS' },
    {
      why: 'missing',
      observed: () => ({ backupRole: { exists: false, trustsBackup: false, attachedPolicyArns: [] } }),
      status: 'FAIL',
      reason: 'BACKUP_ROLE_MISSING',
      mentions: 'does not exist',
    },
    {
      why: 'does not trust backup.amazonaws.com and its trust policy is unreadable: the statement to add is reported',
      observed: (base) => ({ backupRole: { ...base.backupRole, trustsBackup: false, trustPolicy: '{' } }),
      status: 'FAIL',
      reason: 'BACKUP_ROLE_MISSING',
      mentions:
        'add this statement to its trust policy (keep the others): {"Effect":"Allow","Principal":{"Service":"backup.amazonaws.com"},"Action":"sts:AssumeRole"}',
    },
    {
      why: 'lacks the S3 backup policy',
      observed: (base) => ({
        backupRole: {
          ...base.backupRole,
          attachedPolicyArns: base.backupRole.attachedPolicyArns.slice(0, 1),
        },
      }),
      status: 'FAIL',
      reason: 'BACKUP_ROLE_MISSING',
      mentions: 'AWSBackupServiceRolePolicyForS3Backup',
    },
  ]);
});

describe('REGION_OPT_IN', () => {
  const desired = desiredState();
  const tagged = [selectedResource(desired, ebsVolumeArn()), selectedResource(desired, dynamoTableArn())];
  runRows(regionOptInCheck, [
    { why: 'no tagged resources', status: 'PASS' },
    {
      why: 'every present type is opted in',
      observed: () => ({ resources: tagged }),
      status: 'PASS',
      mentions: 'DynamoDB, EBS',
    },
    {
      why: 'EBS is opted out while a tagged volume exists',
      observed: (base) => ({ resources: tagged, regionOptIn: { ...base.regionOptIn, EBS: false } }),
      status: 'FAIL',
      reason: 'OPT_IN_DISABLED',
      mentions: 'EBS',
    },
    {
      why: 'an opted-out type with no tagged resource does not matter',
      observed: (base) => ({ resources: tagged, regionOptIn: { ...base.regionOptIn, EFS: false } }),
      status: 'PASS',
    },
    {
      why: 'unsupported types have no opt-in',
      observed: () => ({ resources: [selectedResource(desired, sqsQueueArn())] }),
      status: 'PASS',
    },
  ]);
});

describe('KMS_GRANTS', () => {
  runRows(kmsGrantsCheck, [
    { why: 'only the AWS-managed vault key', status: 'PASS' },
    {
      why: 'a CMK the role has a grant on',
      observed: (base) => ({ keys: [...base.keys, cmk()] }),
      status: 'PASS',
    },
    {
      why: 'a CMK whose policy refuses the backup role: the statement to add is reported',
      observed: (base) => ({ keys: [...base.keys, cmk({ backupRoleHasGrant: false, encrypts: 'S3' })] }),
      status: 'FAIL',
      reason: 'KMS_ACCESS_DENIED',
      mentions: '"Action":["kms:Decrypt","kms:DescribeKey"]',
    },
    {
      why: 'with kmsGrants: manage the detail says the controller grants',
      desired: desiredState({ kmsGrants: 'manage' }),
      observed: (base) => ({ keys: [...base.keys, cmk({ backupRoleHasGrant: false, encrypts: 'S3' })] }),
      status: 'FAIL',
      reason: 'KMS_ACCESS_DENIED',
      mentions: 'the controller writes its narrow grant',
    },
    {
      why: 'a disabled CMK is KMS_KEY_STATE’s business, not a missing grant',
      observed: (base) => ({ keys: [...base.keys, cmk({ backupRoleHasGrant: false, state: 'Disabled' })] }),
      status: 'PASS',
    },
  ]);
});

describe('DYNAMODB_ADVANCED', () => {
  const table = (desired: DesiredState) => [selectedResource(desired, dynamoTableArn())];
  const plain = desiredState();
  runRows(dynamoDbAdvancedCheck, [
    {
      why: 'advanced DynamoDB backup off, but no tagged table here',
      observed: () => ({ regionManagement: { DynamoDB: false } }),
      status: 'PASS',
    },
    {
      why: 'a tagged table with advanced backup on',
      observed: () => ({ resources: table(plain), regionManagement: { DynamoDB: true } }),
      status: 'PASS',
    },
    {
      why: 'a tagged table with advanced backup off: no copies, no cold storage',
      observed: () => ({ resources: table(plain), regionManagement: { DynamoDB: false } }),
      status: 'FAIL',
      reason: 'DYNAMODB_ADVANCED_DISABLED',
      mentions: 'the controller turns it on',
    },
    {
      why: 'with dynamoDbAdvanced: report the detail says to turn it on by hand',
      desired: desiredState({ dynamoDbAdvanced: 'report' }),
      observed: () => ({ resources: table(plain), regionManagement: { DynamoDB: false } }),
      status: 'FAIL',
      reason: 'DYNAMODB_ADVANCED_DISABLED',
      mentions: 'dynamoDbAdvanced: report',
    },
  ]);
});

describe('KMS_KEY_STATE', () => {
  runRows(kmsKeyStateCheck, [
    { why: 'all keys enabled', observed: (base) => ({ keys: [...base.keys, cmk()] }), status: 'PASS' },
    {
      why: 'a key pending deletion: how to cancel it',
      observed: (base) => ({ keys: [...base.keys, cmk({ state: 'PendingDeletion' })] }),
      status: 'FAIL',
      reason: 'KMS_KEY_PENDING_DELETION',
      mentions: 'aws kms cancel-key-deletion --key-id arn:aws:kms:eu-west-1:222222222222:key/data',
    },
    {
      why: 'a resource key pending deletion names the date and the resources it encrypts',
      observed: (base) => ({
        keys: [
          ...base.keys,
          cmk({ state: 'PendingDeletion', deletionDate: new Date('2026-03-11T01:00:00Z') }),
        ],
        resources: [selectedResource(desiredState(), ebsVolumeArn())],
        resourceDetails: { [ebsVolumeArn()]: { keyArn: cmk().arn } },
      }),
      status: 'FAIL',
      reason: 'KMS_KEY_PENDING_DELETION',
      mentions: `on 2026-03-11T01:00:00.000Z: the backups of 1 tagged resource(s) fail from now on, and recovery points encrypted with it are lost when it is deleted: ${ebsVolumeArn()}.`,
    },
    {
      why: "the central vault's key pending deletion: every account's copies there are at stake",
      observed: (base) => {
        const centralKey = keyArn(HOME_TARGET, 'central');
        return {
          centralVault: {
            vault: { ...CENTRAL_VAULT_OBSERVED, encryptionKeyArn: centralKey },
            accessPolicy: null,
            copiedResources: ['arn:aws:s3:::a', 'arn:aws:s3:::b', 'arn:aws:s3:::c', 'arn:aws:s3:::d'],
          },
          keys: [...base.keys, cmk({ arn: centralKey, state: 'PendingDeletion', usedBy: 'vault' })],
        };
      },
      status: 'FAIL',
      reason: 'KMS_KEY_PENDING_DELETION',
      mentions:
        'The copies of 4 resource(s) in the central vault central-vault are lost when the key is deleted (arn:aws:s3:::a, arn:aws:s3:::b, arn:aws:s3:::c and 1 more) unless',
    },
    {
      why: 'the vault key disabled',
      observed: (base) => ({ keys: base.keys.map((key) => ({ ...key, state: 'Disabled' })) }),
      status: 'FAIL',
      reason: 'KMS_KEY_PENDING_DELETION',
      mentions: 'vault key',
    },
  ]);
});

describe('EVENT_FORWARDING', () => {
  const forwarding = desiredState({ eventForwarding: EVENT_FORWARDING });
  runRows(eventForwardingCheck, [
    {
      why: 'not configured',
      observed: () => ({
        eventForwarding: {
          ruleExists: false,
          targetsBus: false,
          roleExists: false,
          ruleState: null,
          eventPattern: null,
        },
      }),
      status: 'SKIPPED',
    },
    { why: 'rule and role in place', desired: forwarding, status: 'PASS' },
    {
      why: 'no rule',
      desired: forwarding,
      observed: (base) => ({
        eventForwarding: { ...base.eventForwarding, ruleExists: false, targetsBus: false },
      }),
      status: 'FAIL',
      reason: 'EVENT_FORWARDING_MISSING',
      mentions: 'is missing',
    },
    {
      why: 'the rule is disabled (a member opting out of event-driven detection)',
      desired: forwarding,
      observed: (base) => ({ eventForwarding: { ...base.eventForwarding, ruleState: 'DISABLED' } }),
      status: 'FAIL',
      reason: 'EVENT_FORWARDING_MISSING',
      mentions: 'is DISABLED',
    },
    {
      why: 'the rule is enabled but its pattern was emptied',
      desired: forwarding,
      observed: (base) => ({
        eventForwarding: { ...base.eventForwarding, eventPattern: '{"source":["nothing.matches"]}' },
      }),
      status: 'FAIL',
      reason: 'EVENT_FORWARDING_MISSING',
      mentions: 'does not match aws.backup, aws.tag',
    },
    {
      why: 'a pattern matching more than the controller needs still forwards everything it needs',
      desired: forwarding,
      observed: (base) => ({
        eventForwarding: {
          ...base.eventForwarding,
          eventPattern:
            '{"source":["aws.backup","aws.tag","aws.kms"],"detail":{"eventSource":["kms.amazonaws.com"]}}',
        },
      }),
      status: 'PASS',
    },
    {
      why: 'the rule targets another bus',
      desired: forwarding,
      observed: (base) => ({ eventForwarding: { ...base.eventForwarding, targetsBus: false } }),
      status: 'FAIL',
      reason: 'EVENT_FORWARDING_MISSING',
      mentions: 'does not target',
    },
    {
      why: 'the forwarding role is gone',
      desired: forwarding,
      observed: (base) => ({ eventForwarding: { ...base.eventForwarding, roleExists: false } }),
      status: 'FAIL',
      reason: 'EVENT_FORWARDING_MISSING',
      mentions: EVENT_FORWARDING.roleName,
    },
  ]);
});
