/**
 * The key-deletion guard. A KMS key scheduled for deletion is unusable at once
 * (https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html): the next backup that needs it
 * fails, and recovery points encrypted with it cannot be restored, then are lost for good on its deletion
 * date. Which key a recovery point depends on: resource types AWS Backup fully manages are encrypted with the
 * vault's key; the others (EBS, EC2, RDS and the rest) keep their source's key
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html).
 *
 * | keys pending deletion                                  | newest policy recovery point | effect                                    |
 * |--------------------------------------------------------|------------------------------|-------------------------------------------|
 * | one its recovery points depend on                      | exists                       | reason KMS_KEY_PENDING_DELETION + warning RECOVERY_POINTS_LOST_ON |
 * | one its recovery points depend on                      | none                         | warning KMS_KEY_PENDING_DELETION          |
 * | only one the next backup needs (other resource or vault key) | any                    | warning KMS_KEY_PENDING_DELETION          |
 *
 * The central vault's key is the same risk for every resource copied there, from every account: a copy is
 * encrypted with its destination vault's key (which is why a destination vault needs a customer-managed key
 * shared with the copying account, https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html),
 * so the next copy fails and the copies already there are lost on the deletion date — warnings only, since
 * the resource's own recovery points are unaffected.
 */
import type {
  CentralVaultKeyState,
  DesiredState,
  ObservedKey,
  ObservedTarget,
  ResourceDetails,
} from '../model.js';
import type { Warning } from '../warnings.js';
import { vaultKey } from './target-facts.js';

/** AWS Backup types whose recovery points are encrypted with the vault key (independent encryption). */
const VAULT_ENCRYPTED_TYPES: ReadonlySet<string> = new Set([
  'S3',
  'EFS',
  'Timestream',
  'CloudFormation',
  'VirtualMachine',
  'SAP HANA on Amazon EC2',
  'DSQL',
]);

export interface KeyDeletionRisk {
  /** Set when the policy's newest recovery point depends on a key pending deletion: it cannot be restored. */
  readonly unrestorable: { readonly detail: string } | null;
  readonly warnings: readonly Warning[];
}

export interface ResourceKeys {
  /** The resource's AWS Backup type (null: unknown). */
  readonly backupType: string | null;
  /** KMS keys encrypting the resource itself (an instance: every attached volume's). */
  readonly resourceKeyArns: readonly string[];
  /** The newest recovery point the policy made of it, if any. */
  readonly lastPolicyBackup: Date | null;
}

/** The keys encrypting a tagged resource, when its service's list call reported it. */
export function resourceKeyArns(observed: ObservedTarget, arn: string): string[] {
  const details = observed.resourceDetails[arn];
  return details ? resourceKeyArnsOf(details) : [];
}

/** The keys encrypting a resource as its service reports them: its own, or each attached volume's. */
export function resourceKeyArnsOf(details: ResourceDetails): string[] {
  return [...new Set([...(details.keyArn ? [details.keyArn] : []), ...(details.volumeKeyArns ?? [])])];
}

export function isPendingDeletion(key: Pick<ObservedKey, 'state'>): boolean {
  return key.state === 'PendingDeletion';
}

/** Whether this resource's recovery points are encrypted with the vault key rather than its own. */
export function usesVaultKey(observed: ObservedTarget, backupType: string | null): boolean {
  if (backupType === 'DynamoDB') return observed.regionManagement.DynamoDB === true;
  return backupType !== null && VAULT_ENCRYPTED_TYPES.has(backupType);
}

export function keyDeletionRisk(
  { observed }: { readonly desired: DesiredState; readonly observed: ObservedTarget },
  resource: ResourceKeys,
): KeyDeletionRisk {
  const pending = (arn: string) => observed.keys.find((key) => key.arn === arn && isPendingDeletion(key));
  const resourceKeys = resource.resourceKeyArns.flatMap((arn) => pending(arn) ?? []);
  const vault = vaultKey(observed);
  const vaultPending = vault && isPendingDeletion(vault) ? [vault] : [];
  const needed = unique([...resourceKeys, ...vaultPending]);
  if (needed.length === 0) return { unrestorable: null, warnings: [] };

  const recoveryPointKeys = usesVaultKey(observed, resource.backupType) ? vaultPending : resourceKeys;
  const nextBackupFails: Warning = {
    code: 'KMS_KEY_PENDING_DELETION',
    why: `The next backup fails: ${needed.map(describeKey).join('; ')}`,
  };
  if (resource.lastPolicyBackup === null || recoveryPointKeys.length === 0) {
    return { unrestorable: null, warnings: [nextBackupFails] };
  }
  const lostOn = earliestDeletion(recoveryPointKeys);
  return {
    unrestorable: {
      detail:
        `Its recovery points (the newest ${resource.lastPolicyBackup.toISOString()}) cannot be restored: ` +
        `${recoveryPointKeys.map(describeKey).join('; ')}.`,
    },
    warnings: [
      nextBackupFails,
      {
        code: 'RECOVERY_POINTS_LOST_ON',
        why: `Its recovery points are lost for good on ${lostOn ?? 'the deletion date'} unless the deletion is cancelled`,
      },
    ],
  };
}

export function describeKey(key: ObservedKey): string {
  const when = key.deletionDate ? ` on ${key.deletionDate.toISOString()}` : '';
  return `${key.usedBy} key ${key.arn} is scheduled for deletion${when}`;
}

function earliestDeletion(keys: readonly ObservedKey[]): string | null {
  const dates = keys.flatMap((key) => (key.deletionDate ? [key.deletionDate.getTime()] : []));
  return dates.length > 0 ? new Date(Math.min(...dates)).toISOString() : null;
}

function unique(keys: readonly ObservedKey[]): ObservedKey[] {
  return [...new Map(keys.map((key) => [key.arn, key])).values()];
}

/**
 * Warnings for a resource whose backups are copied to the central vault, when that vault's key is scheduled
 * for deletion: the next copy fails, and its copies there (if any) are lost on the deletion date.
 */
export function centralVaultKeyWarnings(
  key: CentralVaultKeyState | null | undefined,
  vaultName: string,
  lastCopyTime: Date | null,
): Warning[] {
  if (!key || !isPendingDeletion(key)) return [];
  const deletion = key.deletionDate?.toISOString() ?? null;
  const nextCopyFails: Warning = {
    code: 'KMS_KEY_PENDING_DELETION',
    why:
      `The next copy into the central vault ${vaultName} fails: its key ${key.arn} is scheduled for ` +
      `deletion${deletion ? ` on ${deletion}` : ''}`,
  };
  if (lastCopyTime === null) return [nextCopyFails];
  return [
    nextCopyFails,
    {
      code: 'RECOVERY_POINTS_LOST_ON',
      why:
        `Its copies in the central vault ${vaultName} (the newest ${lastCopyTime.toISOString()}) are lost ` +
        `for good on ${deletion ?? 'the deletion date'} unless the deletion is cancelled`,
    },
  ];
}
