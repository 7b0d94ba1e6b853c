import { describe, expect, it } from 'vitest';
import type { WorldInput } from '../../sandbox/index.js';
import { at, backupPolicy, baseWorld, PROD, REGION, SECURITY, simulate } from './helpers.js';

const VOLUME = `arn:aws:ec2:${REGION}:${PROD}:volume/vol-0001`;
const CENTRAL = `arn:aws:backup:${REGION}:${SECURITY}:backup-vault:central`;
const ORG_ID = 'o-abcdef1234';
const orgCopyPolicy = (orgId: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: '*',
      Action: 'backup:CopyIntoBackupVault',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': [orgId] } },
    },
  ],
});

type CentralVault = NonNullable<NonNullable<WorldInput['accounts']>[string]['regions']>[string]['vaults'];

function world(crossAccountBackupEnabled: boolean, centralVaults: CentralVault): WorldInput {
  return baseWorld({
    organizationId: ORG_ID,
    crossAccountBackupEnabled,
    policies: [
      {
        name: 'org-backup',
        content: backupPolicy({ copyTo: { arn: CENTRAL, deleteAfterDays: 90 } }),
        attachedTo: ['root'],
      },
    ],
    accounts: {
      [PROD]: {
        roles: ['OrgBackupServiceRole'],
        regions: {
          [REGION]: {
            vaults: [{ name: 'org-backup' }],
            resources: [{ arn: VOLUME, tags: { BackupEnabled: 'True' } }],
          },
        },
      },
      [SECURITY]: {
        roles: ['OrgBackupServiceRole'],
        regions: { [REGION]: { vaults: [{ name: 'org-backup' }, ...(centralVaults ?? [])] } },
      },
    },
  });
}

describe('copy jobs into the central vault', () => {
  it.each([
    {
      why: 'cross-account backup is off',
      enabled: false,
      vaults: [{ name: 'central', accessPolicy: orgCopyPolicy(ORG_ID) }],
      message: 'Cross-account backup is not enabled for this organization.',
    },
    {
      why: 'the destination vault is missing',
      enabled: true,
      vaults: [],
      message: `Destination backup vault ${CENTRAL} does not exist.`,
    },
    {
      why: 'the access policy names another organization',
      enabled: true,
      vaults: [{ name: 'central', accessPolicy: orgCopyPolicy('o-zzzzzzzzzz') }],
      message: 'Access Denied trying to call AWS Backup service',
    },
    {
      why: 'the destination lock caps retention below the copy lifecycle',
      enabled: true,
      vaults: [
        {
          name: 'central',
          accessPolicy: orgCopyPolicy(ORG_ID),
          lock: { minRetentionDays: 7, maxRetentionDays: 60 },
        },
      ],
      message:
        'Lifecycle retention of 90 days is outside the range allowed by the vault lock on central (minimum 7 days, maximum 60 days).',
    },
  ])('fail when $why', ({ enabled, vaults, message }) => {
    const sim = simulate(world(enabled, vaults));
    sim.advanceTo(at('2026-03-02T12:00:00Z'));
    expect(sim.inspect.backupJobs({ accountId: PROD }).map((j) => j.state)).toEqual(['COMPLETED']);
    expect(sim.inspect.copyJobs({ accountId: PROD })).toMatchObject([
      { state: 'FAILED', statusMessage: message },
    ]);
  });

  it('put a recovery point in the central vault when every prerequisite holds', () => {
    const sim = simulate(world(true, [{ name: 'central', accessPolicy: orgCopyPolicy(ORG_ID) }]));
    sim.advanceTo(at('2026-03-02T12:00:00Z'));
    const [copy] = sim.inspect.copyJobs({ accountId: PROD });
    expect(copy?.state).toBe('COMPLETED');
    const points = sim.inspect.recoveryPoints(SECURITY, REGION, 'central');
    expect(
      points.map((p) => [p.resourceArn, p.deleteAfterDays, p.arn === copy?.destinationRecoveryPointArn]),
    ).toEqual([[VOLUME, 90, true]]);
    const copyEvents = sim.inspect
      .emittedEvents()
      .filter((e) => e['detail-type'] === 'Copy Job State Change');
    expect(copyEvents.map((e) => e.detail.state)).toEqual(['CREATED', 'RUNNING', 'COMPLETED']);
    expect(copyEvents[0]?.detail.destinationRecoveryPointArn).toEqual({});
    expect(typeof copyEvents[2]?.detail.backupSizeInBytes).toBe('number');
  });
});
