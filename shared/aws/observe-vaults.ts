import {
  type BackupClient,
  DescribeBackupVaultCommand,
  DescribeRegionSettingsCommand,
  GetBackupVaultAccessPolicyCommand,
} from '@aws-sdk/client-backup';
import type { DesiredState, ObservedVault } from '../domain/model.js';
import { type Call, type TargetRef, unlessNotFound } from './observe-reads.js';

/** The vault with its lock, or null when it does not exist. */
export async function readVault(
  backup: BackupClient,
  call: Call,
  vaultName: string,
): Promise<ObservedVault | null> {
  return unlessNotFound(async () => {
    const vault = await call('DescribeBackupVault', () =>
      backup.send(new DescribeBackupVaultCommand({ BackupVaultName: vaultName })),
    );
    return {
      name: vault.BackupVaultName ?? vaultName,
      arn: vault.BackupVaultArn ?? '',
      encryptionKeyArn: vault.EncryptionKeyArn ?? null,
      locked: vault.Locked ?? false,
      minRetentionDays: vault.MinRetentionDays ?? null,
      maxRetentionDays: vault.MaxRetentionDays ?? null,
      lockDate: vault.LockDate ?? null,
    };
  });
}

export async function readCentralVault(
  backup: BackupClient,
  call: Call,
  vaultName: string,
): Promise<{ vault: ObservedVault | null; accessPolicy: string | null }> {
  const vault = await readVault(backup, call, vaultName);
  if (!vault) return { vault, accessPolicy: null };
  const policy = await unlessNotFound(() =>
    call('GetBackupVaultAccessPolicy', () =>
      backup.send(new GetBackupVaultAccessPolicyCommand({ BackupVaultName: vaultName })),
    ),
  );
  return { vault, accessPolicy: policy?.Policy ?? null };
}

/** The central vault's spec when this account × Region holds one (every configured Region when perRegion). */
export function centralVaultAt(desired: DesiredState, target: TargetRef): DesiredState['centralVault'] {
  const central = desired.centralVault;
  if (!central || central.accountId !== target.accountId) return undefined;
  const holds = central.perRegion
    ? desired.regions.includes(target.region)
    : central.region === target.region;
  return holds ? central : undefined;
}

/**
 * The account's per-Region settings, kept with the vault as Backup's other per-Region state: resource-type
 * opt-in and the management preference (advanced DynamoDB backup), from one call.
 */
export async function readRegionSettings(
  backup: BackupClient,
  call: Call,
): Promise<{ optIn: Record<string, boolean>; management: Record<string, boolean> }> {
  const settings = await call('DescribeRegionSettings', () =>
    backup.send(new DescribeRegionSettingsCommand({})),
  );
  return {
    optIn: { ...settings.ResourceTypeOptInPreference },
    management: { ...settings.ResourceTypeManagementPreference },
  };
}
