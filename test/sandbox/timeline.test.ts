import { describe, expect, it } from 'vitest';
import { at, backupPolicy, baseWorld, MANAGEMENT, PROD, REGION, SECURITY, simulate } from './helpers.js';

const VOLUME = `arn:aws:ec2:${REGION}:${PROD}:volume/vol-0001`;
const KEY = `arn:aws:kms:${REGION}:${PROD}:key/k1`;
const NEW_ACCOUNT = '555555555555';

describe('world timeline', () => {
  it('applies entries in time order with the events AWS emits', () => {
    const sim = simulate(
      baseWorld({
        policies: [{ name: 'org-backup', content: backupPolicy(), attachedTo: ['/Workloads'] }],
        accounts: {
          [PROD]: {
            roles: ['OrgBackupServiceRole'],
            regions: { [REGION]: { vaults: [{ name: 'org-backup' }], keys: [{ arn: KEY }] } },
          },
        },
        timeline: [
          {
            at: '2026-03-02T01:00:00Z',
            createResource: { account: PROD, region: REGION, arn: VOLUME, tags: { BackupEnabled: 'True' } },
          },
          { at: '2026-03-02T02:00:00Z', scheduleKeyDeletion: { arn: KEY } },
          { at: '2026-03-02T03:00:00Z', createAccount: { id: NEW_ACCOUNT, ou: '/Workloads/Prod' } },
          { at: '2026-03-02T04:00:00Z', moveAccount: { id: PROD, to: '/Security' } },
          { at: '2026-03-02T06:00:00Z', deleteVault: { account: PROD, region: REGION, name: 'org-backup' } },
          { at: '2026-03-02T07:00:00Z', event: { source: 'custom.test', 'detail-type': 'Ping', detail: {} } },
        ],
      }),
    );
    sim.advanceTo(at('2026-03-02T02:30:00Z'));
    expect(sim.inspect.resource(VOLUME)?.tags).toEqual({ BackupEnabled: 'True' });
    expect(sim.inspect.emittedEvents().map((e) => e['detail-type'])).toEqual([
      'Tag Change on Resource',
      'AWS API Call via CloudTrail',
    ]);
    // The key deletion as CloudTrail logs it: the key and the date it goes, 30 days on by default.
    expect(sim.inspect.emittedEvents()[1]).toMatchObject({
      source: 'aws.kms',
      account: PROD,
      region: REGION,
      detail: {
        eventSource: 'kms.amazonaws.com',
        eventName: 'ScheduleKeyDeletion',
        requestParameters: { keyId: 'k1', pendingWindowInDays: 30 },
        responseElements: {
          keyId: KEY,
          deletionDate: 'Apr 1, 2026, 2:00:00 AM',
          keyState: 'PendingDeletion',
          pendingWindowInDays: 30,
        },
        resources: [{ accountId: PROD, type: 'AWS::KMS::Key', ARN: KEY }],
      },
    });
    sim.advanceTo(at('2026-03-02T08:00:00Z'));
    expect(sim.accountIds()).toContain(NEW_ACCOUNT);
    expect(sim.inspect.effectivePolicy(NEW_ACCOUNT)).not.toBeNull();
    // Moved out of /Workloads before the 05:00 run: no effective policy, so no job.
    expect(sim.inspect.effectivePolicy(PROD)).toBeNull();
    expect(sim.inspect.backupJobs({ accountId: PROD })).toEqual([]);
    expect(sim.inspect.vaultExists(PROD, REGION, 'org-backup')).toBe(false);
    const central = sim.drainCentralBusEvents();
    expect(central.map((e) => e.detail.eventName ?? e['detail-type'])).toEqual([
      'CreateAccountResult',
      'MoveAccount',
      'Ping',
    ]);
    expect(central.every((e) => e.account === MANAGEMENT || e.account === undefined)).toBe(true);
    expect(
      sim.inspect.emittedEvents().filter((e) => e.detail.eventName === 'DeleteBackupVault'),
    ).toHaveLength(1);
  });

  it('skips, and records, actions whose target the controller never created', () => {
    const sim = simulate(
      baseWorld({
        timeline: [
          { at: '2026-03-02T01:00:00Z', detachPolicy: { target: 'root' } },
          {
            at: '2026-03-02T02:00:00Z',
            deleteVault: { account: SECURITY, region: REGION, name: 'org-backup' },
          },
        ],
      }),
    );
    sim.advanceTo(at('2026-03-02T03:00:00Z'));
    expect(sim.inspect.skippedTimelineEntries.map((s) => [s.path, s.reason])).toEqual([
      ['timeline[0]', 'no backup policy attached to root'],
      ['timeline[1]', `no vault org-backup in ${SECURITY}/${REGION}`],
    ]);
  });

  it('rejects entries that name things the world does not have when the world is loaded', () => {
    expect(() =>
      simulate(
        baseWorld({ timeline: [{ at: '2026-03-02T01:00:00Z', tag: { arn: VOLUME, tags: { a: 'b' } } }] }),
      ),
    ).toThrow(/timeline\[0\]\.tag\.arn: unknown resource/);
  });

  it('refuses to move the clock backwards', () => {
    const sim = simulate(baseWorld());
    sim.advanceTo(at('2026-03-03T00:00:00Z'));
    expect(() => sim.advanceTo(at('2026-03-02T00:00:00Z'))).toThrow(/cannot go back/);
  });
});
