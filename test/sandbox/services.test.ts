import {
  CreateBackupVaultCommand,
  DeleteBackupVaultLockConfigurationCommand,
  DescribeGlobalSettingsCommand,
  DescribeRegionSettingsCommand,
  InvalidParameterValueException,
  InvalidRequestException,
  PutBackupVaultLockConfigurationCommand,
  UpdateGlobalSettingsCommand,
  UpdateRegionSettingsCommand,
} from '@aws-sdk/client-backup';
import {
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, GetRoleCommand, NoSuchEntityException } from '@aws-sdk/client-iam';
import {
  CreateGrantCommand,
  DescribeKeyCommand,
  ListAliasesCommand,
  ListGrantsCommand,
} from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import {
  at,
  baseWorld,
  clients,
  MANAGEMENT,
  memberCredentials,
  PROD,
  plugged,
  REGION,
  simulate,
} from './helpers.js';

const CENTRAL_BUS = `arn:aws:events:${REGION}:${MANAGEMENT}:event-bus/org-backup`;
const VOLUME = `arn:aws:ec2:${REGION}:${PROD}:volume/vol-0001`;

describe('Backup settings and vault locks', () => {
  it('merges region-setting updates and allows global settings only from management', async () => {
    const sim = simulate(baseWorld());
    const member = clients(sim, memberCredentials(sim, PROD));
    await member.backup.send(new UpdateRegionSettingsCommand({ ResourceTypeOptInPreference: { S3: true } }));
    const settings = await member.backup.send(new DescribeRegionSettingsCommand({}));
    expect(settings.ResourceTypeOptInPreference).toMatchObject({ S3: true, EBS: true });
    await expect(
      member.backup.send(
        new UpdateGlobalSettingsCommand({ GlobalSettings: { isCrossAccountBackupEnabled: 'true' } }),
      ),
    ).rejects.toBeInstanceOf(InvalidRequestException);
    const management = clients(sim, sim.managementCredentials());
    await management.backup.send(
      new UpdateGlobalSettingsCommand({ GlobalSettings: { isCrossAccountBackupEnabled: 'true' } }),
    );
    const global = await member.backup.send(new DescribeGlobalSettingsCommand({}));
    expect(global.GlobalSettings?.isCrossAccountBackupEnabled).toBe('true');
  });

  it('enforces lock bounds and makes a compliance lock immutable after its lock date', async () => {
    const sim = simulate(baseWorld());
    const { backup } = clients(sim, memberCredentials(sim, PROD));
    await backup.send(new CreateBackupVaultCommand({ BackupVaultName: 'locked' }));
    await expect(
      backup.send(
        new PutBackupVaultLockConfigurationCommand({ BackupVaultName: 'locked', ChangeableForDays: 2 }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterValueException);
    await backup.send(
      new PutBackupVaultLockConfigurationCommand({
        BackupVaultName: 'locked',
        MinRetentionDays: 7,
        ChangeableForDays: 3,
      }),
    );
    sim.advanceTo(at('2026-03-05T00:00:01Z'));
    await expect(
      backup.send(new DeleteBackupVaultLockConfigurationCommand({ BackupVaultName: 'locked' })),
    ).rejects.toBeInstanceOf(InvalidRequestException);
  });
});

describe('IAM, KMS, SNS and Secrets Manager', () => {
  it('creates roles and returns the trust policy URL-encoded like AWS', async () => {
    const sim = simulate(baseWorld());
    const { iam } = clients(sim, memberCredentials(sim, PROD));
    await expect(iam.send(new GetRoleCommand({ RoleName: 'OrgBackupServiceRole' }))).rejects.toBeInstanceOf(
      NoSuchEntityException,
    );
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
    await iam.send(
      new CreateRoleCommand({ RoleName: 'OrgBackupServiceRole', AssumeRolePolicyDocument: trust }),
    );
    const role = await iam.send(new GetRoleCommand({ RoleName: 'OrgBackupServiceRole' }));
    expect(role.Role?.Arn).toBe(`arn:aws:iam::${PROD}:role/OrgBackupServiceRole`);
    expect(JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? ''))).toEqual(
      JSON.parse(trust),
    );
  });

  it('has aws/backup everywhere and records grants idempotently by name', async () => {
    const key = `arn:aws:kms:${REGION}:${PROD}:key/k1`;
    const sim = simulate(
      baseWorld({ accounts: { [PROD]: { regions: { [REGION]: { keys: [{ arn: key }] } } } } }),
    );
    const { kms } = clients(sim, memberCredentials(sim, PROD));
    const aliases = await kms.send(new ListAliasesCommand({}));
    const backupAlias = aliases.Aliases?.find((a) => a.AliasName === 'alias/aws/backup');
    const described = await kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/backup' }));
    expect(described.KeyMetadata).toMatchObject({
      KeyManager: 'AWS',
      KeyState: 'Enabled',
      KeyId: backupAlias?.TargetKeyId,
    });
    const grant = {
      KeyId: key,
      GranteePrincipal: `arn:aws:iam::${PROD}:role/OrgBackupServiceRole`,
      Operations: ['Decrypt' as const],
      Name: 'backup',
    };
    const first = await kms.send(new CreateGrantCommand(grant));
    const second = await kms.send(new CreateGrantCommand(grant));
    expect(second.GrantId).toBe(first.GrantId);
    expect((await kms.send(new ListGrantsCommand({ KeyId: key }))).Grants).toHaveLength(1);
  });

  it('captures SNS messages and serves world secrets to the management account', async () => {
    const sim = simulate(baseWorld({ secrets: { 'slack/webhook': 'https://hooks.example/x' } }));
    const config = { region: REGION, credentials: sim.managementCredentials() };
    const sns = plugged(sim, new SNSClient(config));
    await sns.send(
      new PublishCommand({
        TopicArn: `arn:aws:sns:${REGION}:${MANAGEMENT}:alerts`,
        Subject: 's',
        Message: 'm',
      }),
    );
    expect(sim.snsMessages()).toMatchObject([{ subject: 's', message: 'm', fromAccount: MANAGEMENT }]);
    const secrets = plugged(sim, new SecretsManagerClient(config));
    expect((await secrets.send(new GetSecretValueCommand({ SecretId: 'slack/webhook' }))).SecretString).toBe(
      'https://hooks.example/x',
    );
  });
});

describe('event forwarding to the central bus', () => {
  const world = () =>
    baseWorld({
      accounts: {
        [PROD]: {
          roles: [
            'OrgBackupServiceRole',
            { name: 'EventForwarder', trustedServices: ['events.amazonaws.com'] },
          ],
          regions: { [REGION]: { resources: [{ arn: VOLUME, tags: {} }] } },
        },
      },
      timeline: [
        { at: '2026-03-02T01:00:00Z', tag: { arn: VOLUME, tags: { BackupEnabled: 'True' } } },
        { at: '2026-03-02T03:00:00Z', untag: { arn: VOLUME, keys: ['BackupEnabled'] } },
      ],
    });

  it('delivers member events only through a matching rule that targets the central bus with a role', async () => {
    const sim = simulate(world());
    sim.advanceTo(at('2026-03-02T02:00:00Z'));
    expect(sim.drainCentralBusEvents()).toEqual([]);
    const events = plugged(
      sim,
      new EventBridgeClient({ region: REGION, credentials: memberCredentials(sim, PROD) }),
    );
    await events.send(
      new PutRuleCommand({
        Name: 'to-central',
        EventPattern: JSON.stringify({ source: ['aws.tag', 'aws.backup'] }),
      }),
    );
    await events.send(
      new PutTargetsCommand({ Rule: 'to-central', Targets: [{ Id: 'central', Arn: CENTRAL_BUS }] }),
    );
    sim.advanceTo(at('2026-03-02T02:30:00Z'));
    const rejected = await events.send(
      new PutTargetsCommand({
        Rule: 'to-central',
        Targets: [{ Id: 'rewrite', Arn: CENTRAL_BUS, Input: '{}' }],
      }),
    );
    expect(rejected.FailedEntryCount).toBe(1);
    await events.send(
      new PutTargetsCommand({
        Rule: 'to-central',
        Targets: [{ Id: 'central', Arn: CENTRAL_BUS, RoleArn: `arn:aws:iam::${PROD}:role/EventForwarder` }],
      }),
    );
    expect((await events.send(new ListTargetsByRuleCommand({ Rule: 'to-central' }))).Targets).toHaveLength(1);
    sim.advanceTo(at('2026-03-02T04:00:00Z'));
    const delivered = sim.drainCentralBusEvents();
    expect(
      delivered.map((e) => [e.source, e['detail-type'], e.account, e.detail['changed-tag-keys']]),
    ).toEqual([['aws.tag', 'Tag Change on Resource', PROD, ['BackupEnabled']]]);
    expect(delivered[0]?.detail.tags).toEqual({});
    expect(sim.inspect.emittedEvents().filter((e) => e.source === 'aws.tag')).toHaveLength(2);
  });
});
