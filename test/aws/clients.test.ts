import { BackupClient, DescribeRegionSettingsCommand } from '@aws-sdk/client-backup';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import type { FinalizeHandler, HandlerExecutionContext } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { ClientFactory, type SdkPlugin } from '../../shared/aws/clients.js';
import { MemberCredentialsError } from '../../shared/aws/errors.js';
import { iamClient } from '../../shared/aws/sdk/iam.js';
import { organizationsClient } from '../../shared/aws/sdk/organizations.js';
import {
  type AnsweredCall,
  answeringPlugin,
  assumeRoleAnswer,
  HOME,
  MANAGEMENT,
  MEMBER,
  OTHER_MEMBER,
  testFactory,
} from './support.js';

function stsAndEmptyAnswers(calls: AnsweredCall[], deniedAccounts: string[] = []) {
  const sts = assumeRoleAnswer(deniedAccounts);
  return answeringPlugin((call) => (call.commandName === 'AssumeRoleCommand' ? sts(call) : {}), calls);
}

describe('ClientFactory', () => {
  it('caches one client per service, account and Region', () => {
    const factory = testFactory();
    expect(factory.clientOf(BackupClient, MEMBER, 'eu-west-1')).toBe(
      factory.clientOf(BackupClient, MEMBER, 'eu-west-1'),
    );
    expect(factory.clientOf(BackupClient, MEMBER, 'eu-west-1')).not.toBe(
      factory.clientOf(BackupClient, MEMBER, 'us-east-1'),
    );
    expect(factory.clientOf(BackupClient, MEMBER, 'eu-west-1')).not.toBe(
      factory.clientOf(BackupClient, OTHER_MEMBER, 'eu-west-1'),
    );
    expect(organizationsClient(factory)).toBe(organizationsClient(factory, MANAGEMENT));
  });

  it('configures Region, retries and the Organizations endpoint Region', async () => {
    const factory = testFactory();
    expect(await factory.clientOf(BackupClient, MEMBER, 'ap-south-1').config.region()).toBe('ap-south-1');
    expect(await organizationsClient(factory).config.region()).toBe('us-east-1');
    expect(await iamClient(factory, MEMBER).config.region()).toBe(HOME);
    expect(await factory.clientOf(BackupClient, MEMBER, 'ap-south-1').config.maxAttempts()).toBe(1);
    expect(await factory.clientOf(BackupClient, MEMBER, 'ap-south-1').config.retryStrategy()).toMatchObject({
      mode: 'adaptive',
    });
  });

  it('applies the plugins to every client and to the STS client behind AssumeRole', async () => {
    const calls: AnsweredCall[] = [];
    const factory = testFactory([stsAndEmptyAnswers(calls)]);
    await factory.clientOf(BackupClient, MEMBER, 'eu-west-1').send(new DescribeRegionSettingsCommand({}));
    expect(calls.map((call) => call.commandName)).toEqual([
      'AssumeRoleCommand',
      'DescribeRegionSettingsCommand',
    ]);
    expect(calls[0]?.input).toMatchObject({
      RoleArn: `arn:aws:iam::${MEMBER}:role/OrgBackupControllerMember`,
      RoleSessionName: 'org-backup-controller',
      DurationSeconds: 3600,
    });
    expect(calls[1]?.accessKeyId).toBe(`AKIA-${MEMBER}`);
  });

  it('assumes the member role once per account, shared by all its clients and Regions', async () => {
    const calls: AnsweredCall[] = [];
    const factory = testFactory([stsAndEmptyAnswers(calls)]);
    await Promise.all([
      factory.clientOf(BackupClient, MEMBER, 'eu-west-1').send(new DescribeRegionSettingsCommand({})),
      factory.clientOf(BackupClient, MEMBER, 'us-east-1').send(new DescribeRegionSettingsCommand({})),
      factory.clientOf(ResourceGroupsTaggingAPIClient, MEMBER, 'eu-west-1').send(new GetResourcesCommand({})),
      factory.clientOf(BackupClient, OTHER_MEMBER, 'eu-west-1').send(new DescribeRegionSettingsCommand({})),
    ]);
    await factory
      .clientOf(ResourceGroupsTaggingAPIClient, MEMBER, 'us-east-1')
      .send(new GetResourcesCommand({}));
    const assumed = calls
      .filter((call) => call.commandName === 'AssumeRoleCommand')
      .map((call) => call.input.RoleArn);
    expect(assumed.sort()).toEqual([
      `arn:aws:iam::${MEMBER}:role/OrgBackupControllerMember`,
      `arn:aws:iam::${OTHER_MEMBER}:role/OrgBackupControllerMember`,
    ]);
  });

  it('uses the management credentials for the management account, without AssumeRole', async () => {
    const calls: AnsweredCall[] = [];
    const factory = testFactory([stsAndEmptyAnswers(calls)]);
    await factory.clientOf(BackupClient, MANAGEMENT, 'eu-west-1').send(new DescribeRegionSettingsCommand({}));
    expect(calls.map((call) => call.commandName)).toEqual(['DescribeRegionSettingsCommand']);
    expect(calls[0]?.accessKeyId).toBe(`AKIA-${MANAGEMENT}`);
  });

  it('reports a denied AssumeRole as MemberCredentialsError, and retries it on the next call', async () => {
    const calls: AnsweredCall[] = [];
    const factory = testFactory([stsAndEmptyAnswers(calls, [MEMBER])]);
    const first = factory
      .clientOf(BackupClient, MEMBER, 'eu-west-1')
      .send(new DescribeRegionSettingsCommand({}));
    await expect(first).rejects.toBeInstanceOf(MemberCredentialsError);
    await expect(first).rejects.toMatchObject({ code: 'ACCOUNT_UNREACHABLE', accountId: MEMBER });
    await expect(
      factory.clientOf(BackupClient, MEMBER, 'eu-west-1').send(new DescribeRegionSettingsCommand({})),
    ).rejects.toThrow(/AccessDenied/);
    expect(calls.filter((call) => call.commandName === 'AssumeRoleCommand')).toHaveLength(2);
    expect(calls.some((call) => call.commandName === 'DescribeRegionSettingsCommand')).toBe(false);
  });

  it('waits the given retry delay on a throttled AssumeRole too, never the SDK backoff on the wall clock', async () => {
    const delays: number[] = [];
    const attempts: string[] = [];
    const factory = new ClientFactory({
      managementAccountId: MANAGEMENT,
      memberRoleName: 'OrgBackupControllerMember',
      homeRegion: HOME,
      plugins: [throttleAssumeRole(1, attempts)],
      maxAttempts: 3,
      credentials: async () => ({ accessKeyId: `AKIA-${MANAGEMENT}`, secretAccessKey: 'secret' }),
      retryDelayMs: (attempt) => {
        delays.push(attempt);
        return 0;
      },
    });
    await factory.clientOf(BackupClient, MEMBER, 'eu-west-1').send(new DescribeRegionSettingsCommand({}));
    expect(attempts).toEqual(['AssumeRoleCommand', 'AssumeRoleCommand', 'DescribeRegionSettingsCommand']);
    expect(delays).toEqual([1]);
  });

  it('gives a member AssumeRole more attempts than other calls: nine throttled answers still end in credentials', async () => {
    const attempts: string[] = [];
    const factory = new ClientFactory({
      managementAccountId: MANAGEMENT,
      memberRoleName: 'OrgBackupControllerMember',
      homeRegion: HOME,
      plugins: [throttleAssumeRole(9, attempts)],
      maxAttempts: 5,
      credentials: async () => ({ accessKeyId: `AKIA-${MANAGEMENT}`, secretAccessKey: 'secret' }),
      retryDelayMs: () => 0,
    });
    await factory.clientOf(BackupClient, MEMBER, 'eu-west-1').send(new DescribeRegionSettingsCommand({}));
    expect(attempts.filter((name) => name === 'AssumeRoleCommand')).toHaveLength(10);
    expect(attempts.at(-1)).toBe('DescribeRegionSettingsCommand');
  });
});

/** Answers AssumeRole (and empty for the rest), throttling its first `times` attempts. */
function throttleAssumeRole(times: number, attempts: string[]): SdkPlugin {
  const sts = assumeRoleAnswer();
  return {
    applyToStack(stack) {
      // In the retry loop (after signing), where AWS's answer would arrive.
      stack.addRelativeTo(
        (_next: unknown, context: HandlerExecutionContext): FinalizeHandler<object, object> =>
          async (args) => {
            const name = String(context.commandName);
            attempts.push(name);
            if (name === 'AssumeRoleCommand' && attempts.filter((a) => a === name).length <= times) {
              throw Object.assign(new Error('Rate exceeded'), {
                name: 'Throttling',
                $metadata: {},
                $retryable: { throttling: true },
              });
            }
            const output =
              name === 'AssumeRoleCommand'
                ? await sts({
                    commandName: name,
                    input: args.input as Record<string, unknown>,
                    accessKeyId: undefined,
                  })
                : {};
            return { output: { $metadata: {}, ...(output as object) }, response: {} };
          },
        { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'throttleAssumeRole' },
      );
    },
  };
}
