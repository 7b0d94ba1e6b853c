/**
 * The central vault is read once per sweep (by the org phase), not once per target: at thousands of
 * accounts it holds hundreds of thousands of copies. The listing is cut here into one slice per source
 * account × Region, so each target later reads only its own.
 *
 * A point in the central vault counts as the policy's copy when it is usable (COMPLETED or AVAILABLE; PARTIAL
 * is incomplete, EXPIRED and DELETING never count), it was copied from the policy's vault
 * (`SourceBackupVaultArn`), and its `CreatedBy` names a plan of the policy. AWS describes `CreatedBy` as the
 * backup plan that created the recovery point
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_RecoveryPointByBackupVault.html) without saying
 * what a cross-account copy carries; a copy that names no plan at all is therefore judged by its source vault
 * alone, while one naming another plan never counts. Copies keep their source's creation date
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/recov-point-create-a-copy.html), so a copy's age is
 * the age of the backup it holds.
 */
import type { DesiredState, VaultRecoveryPoint } from '../model.js';
import { isPolicyOrigin, isUsableRecoveryPoint } from './policy-backups.js';
import { type CentralVaultPlace, centralVaultFor } from './target-facts.js';

/** The policy's usable copies of one source account × Region: resource ARN → newest copy's creation date. */
export interface CentralCopySlice {
  readonly accountId: string;
  readonly region: string;
  readonly copies: ReadonlyMap<string, Date>;
}

/** Every distinct central vault: one, or one per configured Region when `perRegion`. */
export function centralVaultPlaces(desired: DesiredState): CentralVaultPlace[] {
  const places = new Map<string, CentralVaultPlace>();
  for (const region of desired.regions) {
    const place = centralVaultFor(desired, region);
    if (place) places.set(place.arn, place);
  }
  return [...places.values()];
}

const VAULT_ARN = /^arn:[\w-]+:backup:([\w-]+):(\d{12}):backup-vault:(.+)$/;

/** One central vault's listing. */
export interface CentralVaultReading {
  readonly vaultArn: string;
  readonly points: readonly VaultRecoveryPoint[];
}

/**
 * The central vaults' points, as the policy's newest usable copy per resource, by source account × Region.
 * A point whose source is the central vault itself is not a copy.
 */
export function sliceCentralCopies(
  readings: readonly CentralVaultReading[],
  desired: DesiredState,
): CentralCopySlice[] {
  const slices = new Map<string, { accountId: string; region: string; copies: Map<string, Date> }>();
  const points = readings.flatMap(({ vaultArn, points: read }) =>
    read.filter((point) => point.sourceVaultArn !== vaultArn),
  );
  for (const point of points) {
    const source = VAULT_ARN.exec(point.sourceVaultArn ?? '');
    if (!source || !isUsableRecoveryPoint(point)) continue;
    const [, region = '', accountId = '', vaultName] = source;
    if (vaultName !== desired.vault.name) continue;
    if (point.backupPlanId !== null && !isPolicyOrigin(point, desired, region)) continue;
    const key = `${accountId}#${region}`;
    let slice = slices.get(key);
    if (!slice) {
      slice = { accountId, region, copies: new Map() };
      slices.set(key, slice);
    }
    const known = slice.copies.get(point.resourceArn);
    if (known === undefined || point.creationDate > known)
      slice.copies.set(point.resourceArn, point.creationDate);
  }
  return [...slices.values()].sort(
    (a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region),
  );
}
