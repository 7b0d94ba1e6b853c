import { parseArn } from './resource-types.js';
import type { SimRegion, SimState } from './state.js';

/** Protected Resources keeps one entry per resource: the newest backup, wherever it landed. */
export function recordProtected(
  region: SimRegion,
  resourceArn: string,
  resourceType: string,
  backupTime: Date,
  lastBackupVaultArn: string,
  lastRecoveryPointArn: string,
): void {
  region.protectedResources.set(resourceArn, {
    resourceArn,
    resourceType,
    lastBackupTime: backupTime,
    lastBackupVaultArn,
    lastRecoveryPointArn,
  });
}

/** EBS and EC2 recovery points are snapshots and AMIs; the other types get a Backup recovery-point ARN. */
export function recoveryPointArnFor(
  state: SimState,
  resourceArn: string,
  region: string,
  accountId: string,
): string {
  const type = parseArn(resourceArn)?.taggingType;
  if (type === 'ec2:volume') return `arn:aws:ec2:${region}::snapshot/snap-${state.rng.hex(17)}`;
  if (type === 'ec2:instance') return `arn:aws:ec2:${region}::image/ami-${state.rng.hex(17)}`;
  return `arn:aws:backup:${region}:${accountId}:recovery-point:${state.rng.uuid()}`;
}
