import { describe, expect, it } from 'vitest';
import { centralVaultPlaces, sliceCentralCopies } from '../../../shared/domain/evaluate/central-copies.js';
import type { VaultRecoveryPoint } from '../../../shared/domain/model.js';
import { CENTRAL_VAULT, desiredWithCentralCopy, HOME_REGION } from '../fixtures/desired.js';
import { ebsVolumeArn, HOME_TARGET, hoursBefore, policyRecoveryPoint } from '../fixtures/observed.js';

const desired = desiredWithCentralCopy();
const volume = ebsVolumeArn();
const POLICY_VAULT = `arn:aws:backup:${HOME_REGION}:${HOME_TARGET.accountId}:backup-vault:org-vault`;

/** A point in the central vault: by default the policy's copy of the volume, made from the policy's vault. */
const copy = (overrides: Partial<VaultRecoveryPoint> = {}): VaultRecoveryPoint =>
  policyRecoveryPoint({
    resourceArn: volume,
    creationDate: hoursBefore(5),
    sourceVaultArn: POLICY_VAULT,
    ...overrides,
  });

const rows: readonly {
  readonly why: string;
  readonly points: readonly VaultRecoveryPoint[];
  /** Hours since the newest copy that counts; null: none counts. */
  readonly newest: number | null;
}[] = [
  { why: "a completed copy of the policy's, from its vault", points: [copy()], newest: 5 },
  { why: 'AVAILABLE is usable too', points: [copy({ status: 'AVAILABLE' })], newest: 5 },
  { why: 'PARTIAL is an incomplete copy', points: [copy({ status: 'PARTIAL' })], newest: null },
  { why: 'EXPIRED never counts', points: [copy({ status: 'EXPIRED' })], newest: null },
  { why: 'DELETING never counts', points: [copy({ status: 'DELETING' })], newest: null },
  {
    why: "a team plan's copy is not the policy's",
    points: [copy({ backupPlanId: 'team-plan-1', backupPlanName: 'team-nightly' })],
    newest: null,
  },
  {
    why: 'an orgs/ plan of another policy (plan name not rendered) is not ours',
    points: [copy({ backupPlanName: 'someone-elses-plan' })],
    newest: null,
  },
  {
    why: 'a copy naming no plan at all is judged by its source vault: the policy vault',
    points: [copy({ backupPlanId: null, backupPlanName: null })],
    newest: 5,
  },
  {
    why: 'a copy naming no plan, from a vault that is not the policy vault, does not count',
    points: [
      copy({
        backupPlanId: null,
        backupPlanName: null,
        sourceVaultArn: POLICY_VAULT.replace('org-vault', 'team'),
      }),
    ],
    newest: null,
  },
  {
    why: 'without a source vault it is no copy',
    points: [copy({ sourceVaultArn: undefined })],
    newest: null,
  },
  {
    why: "the central vault's own points are not copies",
    points: [copy({ sourceVaultArn: CENTRAL_VAULT.arn })],
    newest: null,
  },
  {
    why: 'the newest usable copy wins over an older one and a newer partial one',
    points: [
      copy({ creationDate: hoursBefore(30) }),
      copy(),
      copy({ creationDate: hoursBefore(1), status: 'PARTIAL' }),
    ],
    newest: 5,
  },
];

describe('sliceCentralCopies', () => {
  it.each(rows)('$why', ({ points, newest }) => {
    const slices = sliceCentralCopies([{ vaultArn: CENTRAL_VAULT.arn, points }], desired);
    const copies = slices.find(
      (slice) => slice.accountId === HOME_TARGET.accountId && slice.region === HOME_TARGET.region,
    )?.copies;
    expect(copies?.get(volume) ?? null).toEqual(newest === null ? null : hoursBefore(newest));
  });

  it('slices by the source account × Region named in SourceBackupVaultArn, not by the resource ARN', () => {
    const bucket = 'arn:aws:s3:::ledger-exports';
    const otherVault = 'arn:aws:backup:us-east-1:333333333333:backup-vault:org-vault';
    const slices = sliceCentralCopies(
      [
        {
          vaultArn: CENTRAL_VAULT.arn,
          points: [copy(), copy({ resourceArn: bucket, sourceVaultArn: otherVault })],
        },
      ],
      desired,
    );
    expect(slices.map((slice) => [slice.accountId, slice.region, [...slice.copies.keys()]])).toEqual([
      [HOME_TARGET.accountId, HOME_TARGET.region, [volume]],
      ['333333333333', 'us-east-1', [bucket]],
    ]);
  });
});

describe('centralVaultPlaces', () => {
  it('one central vault, or one per configured Region when perRegion', () => {
    expect(centralVaultPlaces(desired).map((place) => place.arn)).toEqual([CENTRAL_VAULT.arn]);
    const perRegion = desiredWithCentralCopy({
      regions: [HOME_REGION, 'us-east-1'],
      centralVault: { ...CENTRAL_VAULT, perRegion: true },
    });
    expect(centralVaultPlaces(perRegion).map((place) => place.region)).toEqual([HOME_REGION, 'us-east-1']);
    const { centralVault: _none, ...withoutCentral } = desired;
    expect(centralVaultPlaces(withoutCentral)).toEqual([]);
  });
});
