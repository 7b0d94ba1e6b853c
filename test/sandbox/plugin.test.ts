import {
  AlreadyExistsException,
  BackupClient,
  CreateBackupVaultCommand,
  DescribeBackupVaultCommand,
  ListBackupVaultsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-backup';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { describe, expect, it } from 'vitest';
import {
  baseWorld,
  clients,
  MANAGEMENT,
  memberCredentials,
  PROD,
  plugged,
  REGION,
  SECURITY,
  simulate,
} from './helpers.js';

describe('sandbox plugin with real SDK clients', () => {
  it('answers in-process and raises the SDK exception classes', async () => {
    const sim = simulate(baseWorld());
    const { backup } = clients(sim, sim.managementCredentials());
    await backup.send(new CreateBackupVaultCommand({ BackupVaultName: 'org-backup' }));
    const error = await backup
      .send(new CreateBackupVaultCommand({ BackupVaultName: 'org-backup' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlreadyExistsException);
    expect((error as Error).name).toBe('AlreadyExistsException');
    const missing = await backup
      .send(new DescribeBackupVaultCommand({ BackupVaultName: 'nope' }))
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    const listed = await backup.send(new ListBackupVaultsCommand({}));
    expect(listed.BackupVaultList?.map((v) => v.BackupVaultArn)).toEqual([
      `arn:aws:backup:${REGION}:${MANAGEMENT}:backup-vault:org-backup`,
    ]);
    expect(listed.$metadata.httpStatusCode).toBe(200);
  });

  it('identifies the caller from credentials issued by the sandbox STS', async () => {
    const sim = simulate(baseWorld());
    const { sts, backup } = clients(sim, memberCredentials(sim, PROD));
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe(PROD);
    expect(identity.Arn).toMatch(/^arn:aws:sts::222222222222:assumed-role\/OrgBackupControllerRole\//);
    await backup.send(new CreateBackupVaultCommand({ BackupVaultName: 'org-backup' }));
    expect(sim.inspect.vaultExists(PROD, REGION, 'org-backup')).toBe(true);
    expect(sim.inspect.vaultExists(MANAGEMENT, REGION, 'org-backup')).toBe(false);
  });

  it('denies AssumeRole with AccessDenied where the member role is missing', async () => {
    const sim = simulate(baseWorld({ accounts: { [SECURITY]: { memberRole: false } } }));
    const { backup } = clients(sim, memberCredentials(sim, SECURITY));
    const error = await backup.send(new ListBackupVaultsCommand({})).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AccessDenied');
    expect((error as Error).message).toContain(`arn:aws:iam::${SECURITY}:role/OrgBackupControllerRole`);
  });

  it('counts calls per operation and account, writes separately', async () => {
    const sim = simulate(baseWorld());
    const { backup } = clients(sim, memberCredentials(sim, PROD));
    await backup.send(new ListBackupVaultsCommand({}));
    await backup.send(new CreateBackupVaultCommand({ BackupVaultName: 'v1' }));
    const counts = sim.callCounts();
    expect(counts.byOperation).toEqual({
      'sts:AssumeRole': 1,
      'backup:ListBackupVaults': 1,
      'backup:CreateBackupVault': 1,
    });
    expect(counts.byAccount).toEqual({ [MANAGEMENT]: 1, [PROD]: 2 });
    expect(sim.writeCallCount()).toBe(1);
    sim.resetCounters();
    expect(sim.callCounts().total).toBe(0);
  });

  it('lets the SDK retry injected throttling and gives up after maxAttempts', async () => {
    const sim = simulate(
      baseWorld({ faults: { throttleRateByOperation: { 'backup:ListBackupVaults': 1 } } }),
    );
    const backup = plugged(
      sim,
      new BackupClient({
        region: REGION,
        credentials: sim.managementCredentials(),
        // The SDK's standard attempts, without waiting its backoff on the wall clock.
        retryStrategy: new ConfiguredRetryStrategy(3, () => 0),
      }),
    );
    const error = await backup.send(new ListBackupVaultsCommand({})).catch((e: unknown) => e);
    expect((error as Error).name).toBe('ThrottlingException');
    expect((error as { $metadata: { attempts: number } }).$metadata.attempts).toBe(3);
    expect(sim.callCounts().byOperation['backup:ListBackupVaults']).toBe(3);

    sim.setFaults({
      errors: [{ operation: 'backup:ListBackupVaults', name: 'ThrottlingException', times: 2 }],
    });
    const ok = await backup.send(new ListBackupVaultsCommand({}));
    expect(ok.$metadata.attempts).toBe(3);
  });
});
