/**
 * What the backup role needs on a KMS key, and the narrowest way to give it. Key access comes from the key
 * policy plus IAM ("The permissions in IAM policy and KMS key policy must be consistent",
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html); AWS Backup's managed role policy
 * already lets services create the grants they need for AWS resources. A grant written by hand is a
 * standing permission outside the key owner's policy, so it is only ever written with kmsGrants: manage, on a
 * same-account customer-managed key of a tagged resource, with the operations that use needs, once.
 */
import type { DesiredState, ObservedKey, ObservedTarget } from '../model.js';
import { backupRoleArn, isUsableKey } from './target-facts.js';

const RDS_FAMILY = new Set(['RDS', 'Aurora', 'DocumentDB', 'Neptune']);
const S3_SOURCE_OPERATIONS = ['Decrypt', 'DescribeKey'] as const;
const RDS_SNAPSHOT_OPERATIONS = [
  'DescribeKey',
  'Decrypt',
  'ReEncryptFrom',
  'ReEncryptTo',
  'CreateGrant',
  'RetireGrant',
] as const;

/** Every operation a hand-written grant can carry: the IAM condition on kms:CreateGrant allows no other. */
export const GRANTABLE_KEY_OPERATIONS: readonly string[] = [
  ...new Set([...S3_SOURCE_OPERATIONS, ...RDS_SNAPSHOT_OPERATIONS]),
];

/**
 * The KMS operations the backup role needs for one use of a customer-managed key: reading an S3 source, or
 * copying RDS-family snapshots (which re-encrypt and hand grants to the service). null: no narrow list is
 * known for this use, so the controller only reports.
 */
export function grantOperationsFor(key: ObservedKey): readonly string[] | null {
  if (key.usedBy !== 'resource' || key.encrypts === undefined) return null;
  if (key.encrypts === 'S3') return S3_SOURCE_OPERATIONS;
  if (RDS_FAMILY.has(key.encrypts)) return RDS_SNAPSHOT_OPERATIONS;
  return null;
}

/** KMS grant names allow only `[a-zA-Z0-9:/_-]`; the same name on every run makes the grant recognisable. */
export function backupGrantName(roleName: string): string {
  return `org-backup-controller-${roleName.replace(/[^a-zA-Z0-9:/_-]/g, '-')}`;
}

/** Customer-managed, enabled keys neither the key policy nor a grant lets the backup role use (unique by ARN). */
export function keysRefusingBackupRole(observed: ObservedTarget): ObservedKey[] {
  const refusing = observed.keys.filter(
    (key) => key.manager === 'CUSTOMER' && isUsableKey(key) && !key.backupRoleHasGrant,
  );
  return [...new Map(refusing.map((key) => [key.arn, key])).values()];
}

/** `arn:<partition>:kms:<region>:<account>:key/<id>` → the account that owns the key. */
function keyAccount(keyArn: string): string | undefined {
  return keyArn.split(':')[4];
}

/**
 * The keys the controller may grant on: only with kmsGrants: manage, only same-account resource keys with a
 * known narrow operation list, and never again once its named grant exists. Vault keys never: AWS Backup
 * creates the grants it needs on them itself.
 */
export function keysToGrant(
  desired: DesiredState,
  observed: ObservedTarget,
): { key: ObservedKey; operations: readonly string[] }[] {
  if (desired.kmsGrants !== 'manage') return [];
  return keysRefusingBackupRole(observed).flatMap((key) => {
    const operations = grantOperationsFor(key);
    if (operations === null || key.controllerGrantExists) return [];
    if (keyAccount(key.arn) !== observed.accountId) return [];
    return [{ key, operations }];
  });
}

/** The key-policy statement the key owner can add instead of any grant (what `report` mode shows). */
export function keyPolicyStatementFor(
  desired: DesiredState,
  observed: ObservedTarget,
  key: ObservedKey,
): string {
  const operations = grantOperationsFor(key) ?? ['DescribeKey', 'Decrypt', 'GenerateDataKey', 'CreateGrant'];
  return JSON.stringify({
    Sid: 'AllowAwsBackupRole',
    Effect: 'Allow',
    Principal: { AWS: backupRoleArn(desired, observed.accountId) },
    Action: operations.map((operation) => `kms:${operation}`),
    Resource: '*',
  });
}
