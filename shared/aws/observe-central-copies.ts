import { BackupClient } from '@aws-sdk/client-backup';
import { type CentralVaultReading, centralVaultPlaces } from '../domain/evaluate/central-copies.js';
import { recoveryPointLookbackMs } from '../domain/evaluate/policy-backups.js';
import type { DesiredState } from '../domain/model.js';
import type { ClientFactory } from './clients.js';
import { readVaultRecoveryPoints } from './observe-protection.js';
import { callSite } from './observe-reads.js';

/**
 * Every central vault's recovery points created within the lookback the member vaults are read with (twice
 * the longest allowed age, so a copy that has just gone stale is still seen), paged, through the member role
 * of the central account in the vault's Region. The org phase calls this once per sweep; no target lists
 * the central vault. A vault that does not exist reads as empty.
 */
export function readCentralVaults(
  factory: ClientFactory,
  desired: DesiredState,
  now: Date,
): Promise<CentralVaultReading[]> {
  const since = new Date(now.getTime() - recoveryPointLookbackMs(desired, now));
  return Promise.all(
    centralVaultPlaces(desired).map(async (place) => ({
      vaultArn: place.arn,
      points: await readVaultRecoveryPoints(
        factory.clientOf(BackupClient, place.accountId, place.region),
        callSite(place.accountId, place.region),
        place.name,
        since,
      ),
    })),
  );
}
