import { describe, expect, it } from 'vitest';
import { type Config, validateConfig } from '../../../shared/domain/config/index.js';
import { buildDesiredState, PartitionMismatchError } from '../../../shared/domain/desired.js';
import type { RuntimeContext } from '../../../shared/domain/model.js';
import { renderBackupPolicy } from '../../../shared/domain/policy/render.js';

const context: RuntimeContext = {
  managementAccountId: '111111111111',
  organizationId: 'o-abc1234567',
  homeRegion: 'eu-west-1',
};

function configOf(raw: Record<string, unknown> = {}): Config {
  const result = validateConfig({
    version: 1,
    regions: ['eu-west-1', 'eu-central-1'],
    plans: [{ name: 'daily', deleteAfterDays: 35, copyToCentralVault: true }],
    centralVault: { accountId: '444444444444', region: 'eu-central-1', deleteAfterDays: 90 },
    ...raw,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

describe('buildDesiredState', () => {
  it('carries the rendered policy and the backup role with both service-role and S3 policies', () => {
    const config = configOf();
    const desired = buildDesiredState(config, context);
    expect(desired.policy).toEqual({
      name: 'org-backup-controller',
      description: expect.stringContaining('org-backup-controller'),
      content: renderBackupPolicy(config).minified,
    });
    expect(desired.backupRole).toEqual({
      name: 'OrgBackupServiceRole',
      arnTemplate: 'arn:aws:iam::$account:role/OrgBackupServiceRole',
      managedPolicyArns: [
        'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup',
        'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores',
        'arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup',
        'arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore',
      ],
    });
  });

  it.each([
    {
      why: 'a fixed central Region gives that Region’s vault',
      raw: {},
      expected: {
        region: 'eu-central-1',
        arn: 'arn:aws:backup:eu-central-1:444444444444:backup-vault:org-backup-central',
        perRegion: false,
      },
    },
    {
      why: 'a per-Region central vault is described by the home Region’s vault',
      raw: { centralVault: { accountId: '444444444444', deleteAfterDays: 90 } },
      expected: {
        region: 'eu-west-1',
        arn: 'arn:aws:backup:eu-west-1:444444444444:backup-vault:org-backup-central',
        perRegion: true,
      },
    },
  ])('central vault: $why', ({ raw, expected }) => {
    expect(buildDesiredState(configOf(raw), context).centralVault).toMatchObject(expected);
  });

  it.each([
    { why: 'aws-managed key', kmsKey: 'aws/backup', expected: { type: 'aws-managed' } },
    { why: 'alias', kmsKey: 'alias/backup', expected: { type: 'alias', alias: 'alias/backup' } },
  ])('vault key spec: $why', ({ kmsKey, expected }) => {
    expect(buildDesiredState(configOf({ vault: { kmsKey } }), context).vault.kmsKey).toEqual(expected);
  });

  it.each([
    { why: 'no bus, no forwarding', eventBusArn: undefined, forwarding: false },
    {
      why: 'a bus ARN turns forwarding on',
      eventBusArn: 'arn:aws:events:eu-west-1:111111111111:event-bus/central',
      forwarding: true,
    },
  ])('event forwarding: $why', ({ eventBusArn, forwarding }) => {
    const desired = buildDesiredState(configOf(), { ...context, ...(eventBusArn ? { eventBusArn } : {}) });
    expect(desired.eventForwarding !== undefined).toBe(forwarding);
    if (!desired.eventForwarding) return;
    expect(desired.eventForwarding).toMatchObject({
      ruleName: 'org-backup-controller-forward',
      roleName: 'OrgBackupEventForwarding',
      busArn: eventBusArn,
    });
    const pattern = JSON.parse(desired.eventForwarding.eventPattern);
    expect(pattern.source).toEqual(['aws.backup', 'aws.tag']);
    expect(pattern['detail-type']).toContain('Tag Change on Resource');
    expect(pattern['detail-type']).toContain('Backup Job State Change');
  });

  it('uses the partition of the configured Regions for every ARN', () => {
    const desired = buildDesiredState(
      configOf({
        regions: ['us-gov-west-1'],
        centralVault: { accountId: '444444444444', deleteAfterDays: 30 },
      }),
      { ...context, homeRegion: 'us-gov-west-1' },
    );
    expect(desired.backupRole.arnTemplate).toBe('arn:aws-us-gov:iam::$account:role/OrgBackupServiceRole');
    expect(desired.backupRole.managedPolicyArns.every((arn) => arn.startsWith('arn:aws-us-gov:'))).toBe(true);
    expect(desired.centralVault?.arn).toMatch(/^arn:aws-us-gov:backup:us-gov-west-1:/);
  });

  it('refuses a deployment partition that differs from the config’s', () => {
    expect(() => buildDesiredState(configOf(), { ...context, partition: 'aws-cn' })).toThrow(
      PartitionMismatchError,
    );
  });

  it('keeps the lock only when configured', () => {
    expect(buildDesiredState(configOf(), context).vault.lock).toBeUndefined();
    const locked = configOf({ vault: { lock: { mode: 'governance', minRetentionDays: 7 } } });
    expect(buildDesiredState(locked, context).vault.lock).toEqual({
      mode: 'governance',
      minRetentionDays: 7,
    });
  });
});
