import { describe, expect, it } from 'vitest';
import { observeTarget } from '../../shared/aws/observe-target.js';
import {
  type AnsweredCall,
  answeringPlugin,
  assumeRoleAnswer,
  desiredState,
  HOME,
  MEMBER,
  testFactory,
} from './support.js';

// No aws-sdk-client-mock here: real clients, real credential resolution, answered by a plugin at the build
// step, the way the sandbox plugs in. This is what exercises AssumeRole.
const NOW = new Date('2026-03-04T00:00:00Z');

function factoryAnswering(calls: AnsweredCall[], deniedAccounts: string[]) {
  const sts = assumeRoleAnswer(deniedAccounts);
  const notFound = (name: string) => {
    throw Object.assign(new Error(`${name} not found`), { name, $fault: 'client', $metadata: {} });
  };
  return testFactory([
    answeringPlugin((call) => {
      switch (call.commandName) {
        case 'AssumeRoleCommand':
          return sts(call);
        case 'DescribeBackupVaultCommand':
          return notFound('ResourceNotFoundException');
        case 'GetRoleCommand':
          return notFound('NoSuchEntityException');
        case 'DescribeEffectivePolicyCommand':
          return notFound('EffectivePolicyNotFoundException');
        default:
          return {};
      }
    }, calls),
  ]);
}

describe('observeTarget reachability', () => {
  it('returns ACCOUNT_UNREACHABLE with empty collections when AssumeRole is denied, without throwing', async () => {
    const calls: AnsweredCall[] = [];
    const observed = await observeTarget(
      factoryAnswering(calls, [MEMBER]),
      desiredState(),
      { accountId: MEMBER, region: HOME },
      NOW,
    );

    expect(observed.reachability).toMatchObject({ ok: false, reason: 'ACCOUNT_UNREACHABLE' });
    expect(observed.reachability.ok === false && observed.reachability.message).toMatch(/AccessDenied/);
    expect(observed).toMatchObject({
      resources: [],
      protectedResources: [],
      jobs: [],
      keys: [],
      vault: null,
    });
    // Every member read shares one failed AssumeRole; no member service call got through.
    expect(calls.filter((call) => call.commandName === 'AssumeRoleCommand')).toHaveLength(1);
    expect(calls.filter((call) => call.accessKeyId === `AKIA-${MEMBER}`)).toEqual([]);
  });

  it('reads members, their jobs included, with their assumed credentials', async () => {
    const calls: AnsweredCall[] = [];
    const observed = await observeTarget(
      factoryAnswering(calls, []),
      desiredState(),
      { accountId: MEMBER, region: HOME },
      NOW,
    );

    expect(observed.reachability).toEqual({ ok: true });
    const byCommand = (name: string) => calls.filter((call) => call.commandName === name);
    expect(byCommand('ListBackupJobsCommand').map((call) => call.accessKeyId)).toEqual([`AKIA-${MEMBER}`]);
    for (const name of [
      'GetResourcesCommand',
      'ListProtectedResourcesCommand',
      'DescribeRegionSettingsCommand',
    ]) {
      expect(byCommand(name).every((call) => call.accessKeyId === `AKIA-${MEMBER}`)).toBe(true);
    }
    expect(byCommand('AssumeRoleCommand')).toHaveLength(1);
  });
});
