import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../shared/domain/config/index.js';
import { EffectivePolicyParseError, parseEffectivePolicy } from '../../../shared/domain/policy/effective.js';
import { renderBackupPolicy } from '../../../shared/domain/policy/render.js';

/** Shaped like DescribeEffectivePolicy output: lower-cased keys, string values, no operators. */
const EFFECTIVE = JSON.stringify({
  plans: {
    'daily-eu-west-1': {
      regions: ['eu-west-1'],
      rules: {
        daily: {
          schedule_expression: 'cron(0 5 ? * * *)',
          start_backup_window_minutes: '60',
          complete_backup_window_minutes: '180',
          target_backup_vault_name: 'OrgBackup',
          lifecycle: { delete_after_days: '35', move_to_cold_storage_after_days: '7' },
          recovery_point_tags: {
            'managed-by': { tag_key: 'managed-by', tag_value: 'org-backup-controller' },
          },
          copy_actions: {
            'arn:aws:backup:eu-west-1:444444444444:backup-vault:orgbackupcentral': {
              target_backup_vault_arn: 'arn:aws:backup:eu-west-1:444444444444:backup-vault:OrgBackupCentral',
              lifecycle: { delete_after_days: '90' },
            },
          },
        },
        hourly: {
          schedule_expression: 'cron(0 * ? * * *)',
          target_backup_vault_name: 'Default',
          copy_actions: { 'arn:aws:backup:eu-central-1:$account:backup-vault:second': {} },
        },
      },
      selections: {
        tags: {
          'org-backup-selection': {
            iam_role_arn: 'arn:aws:iam::$account:role/OrgBackupServiceRole',
            tag_key: 'BackupEnabled',
            tag_value: ['True', 'true'],
          },
        },
        resources: { everything: { iam_role_arn: 'arn:aws:iam::$account:role/X', resource_types: ['*'] } },
      },
    },
    'team-plan': {
      regions: ['eu-west-1', 'eu-central-1'],
      rules: { weekly: { schedule_expression: 'cron(0 3 ? * SUN *)', target_backup_vault_name: 'team' } },
      selections: {
        tags: {
          datatype: { iam_role_arn: 'arn:aws:iam::$account:role/T', tag_key: 'dataType', tag_value: 'PII' },
        },
      },
    },
  },
});

describe('parseEffectivePolicy', () => {
  it('parses plans, rules, copy actions and tag selections from effective-policy JSON', () => {
    const policy = parseEffectivePolicy(EFFECTIVE);
    expect(policy.plans.map((p) => p.name)).toEqual(['daily-eu-west-1', 'team-plan']);
    const [daily, team] = policy.plans;
    expect(daily!.regions).toEqual(['eu-west-1']);
    expect(daily!.rules[0]).toEqual({
      name: 'daily',
      schedule: 'cron(0 5 ? * * *)',
      startWindowMinutes: 60,
      completionWindowMinutes: 180,
      vaultName: 'OrgBackup',
      deleteAfterDays: 35,
      coldStorageAfterDays: 7,
      copyActions: [
        {
          targetVaultArn: 'arn:aws:backup:eu-west-1:444444444444:backup-vault:OrgBackupCentral',
          deleteAfterDays: 90,
        },
      ],
    });
    expect(daily!.tagSelections).toEqual([
      {
        roleArn: 'arn:aws:iam::$account:role/OrgBackupServiceRole',
        tagKey: 'BackupEnabled',
        tagValues: ['True', 'true'],
      },
    ]);
    expect(team!.tagSelections[0]!.tagValues).toEqual(['PII']);
  });

  it.each([
    { why: 'AWS default start window (8 hours) when absent', field: 'startWindowMinutes', value: 480 },
    {
      why: 'AWS default completion window (7 days) when absent',
      field: 'completionWindowMinutes',
      value: 10_080,
    },
    { why: 'no lifecycle means kept forever', field: 'deleteAfterDays', value: null },
    { why: 'no cold storage', field: 'coldStorageAfterDays', value: null },
  ])('fills absent optional fields: $why', ({ field, value }) => {
    const hourly = parseEffectivePolicy(EFFECTIVE).plans[0]!.rules[1]!;
    expect(hourly[field as keyof typeof hourly]).toEqual(value);
  });

  it('falls back to the copy-action key when target_backup_vault_arn is absent, as AWS does', () => {
    const hourly = parseEffectivePolicy(EFFECTIVE).plans[0]!.rules[1]!;
    expect(hourly.copyActions).toEqual([
      { targetVaultArn: 'arn:aws:backup:eu-central-1:$account:backup-vault:second', deleteAfterDays: null },
    ]);
  });

  it('reads our own rendered document (operators, upper-case names) to the same meaning', () => {
    const result = validateConfig({
      version: 1,
      regions: ['eu-west-1'],
      plans: [{ name: 'Daily', deleteAfterDays: 97, coldStorageAfterDays: 7, copyToCentralVault: true }],
      centralVault: { accountId: '444444444444', region: 'eu-west-1', deleteAfterDays: 90 },
    });
    if (!result.ok) throw new Error('config invalid');
    const policy = parseEffectivePolicy(renderBackupPolicy(result.config).minified);
    expect(policy.plans).toEqual([
      {
        name: 'Daily',
        regions: ['eu-west-1'],
        rules: [
          {
            name: 'Daily',
            schedule: 'cron(0 5 ? * * *)',
            startWindowMinutes: 60,
            completionWindowMinutes: 180,
            vaultName: 'org-backup',
            deleteAfterDays: 97,
            coldStorageAfterDays: 7,
            copyActions: [
              {
                targetVaultArn: 'arn:aws:backup:eu-west-1:444444444444:backup-vault:org-backup-central',
                deleteAfterDays: 90,
              },
            ],
          },
        ],
        tagSelections: [
          {
            roleArn: 'arn:aws:iam::$account:role/OrgBackupServiceRole',
            tagKey: 'BackupEnabled',
            tagValues: ['True'],
          },
        ],
      },
    ]);
  });

  it('treats the API value -1 as keep forever', () => {
    const json = JSON.stringify({
      plans: {
        p: {
          regions: ['eu-west-1'],
          rules: { r: { target_backup_vault_name: 'v', lifecycle: { delete_after_days: '-1' } } },
        },
      },
    });
    expect(parseEffectivePolicy(json).plans[0]!.rules[0]!.deleteAfterDays).toBeNull();
  });

  it('returns no plans for a document without plans', () => {
    expect(parseEffectivePolicy('{}')).toEqual({ plans: [] });
  });

  it.each([
    { why: 'not JSON', json: '{plans:', path: /\(document\)/ },
    { why: 'not an object', json: '[1]', path: /\(document\)/ },
    { why: 'a plan that is a string', json: '{"plans":{"p":"x"}}', path: /plans\.p/ },
    {
      why: 'a rule without a vault is not a runnable rule',
      json: '{"plans":{"p":{"rules":{"r":{}}}}}',
      path: /target_backup_vault_name/,
    },
    {
      why: 'a window that is not a number',
      json: '{"plans":{"p":{"rules":{"r":{"target_backup_vault_name":"v","start_backup_window_minutes":"soon"}}}}}',
      path: /start_backup_window_minutes/,
    },
    { why: 'a Region that is not a string', json: '{"plans":{"p":{"regions":[1]}}}', path: /regions\[0\]/ },
  ])('throws EffectivePolicyParseError on garbage: $why', ({ json, path }) => {
    expect(() => parseEffectivePolicy(json)).toThrow(EffectivePolicyParseError);
    expect(() => parseEffectivePolicy(json)).toThrow(path);
  });
});

describe("parseEffectivePolicy: other teams' plans", () => {
  const teamPolicy = JSON.stringify({
    plans: {
      'team-weekly': {
        regions: ['eu-west-1'],
        rules: {
          weekly: {
            schedule_expression: 'cron(0 3 ? * SUN *)',
            schedule_expression_timezone: 'Europe/Berlin',
            enable_continuous_backup: 'true',
            target_backup_vault_name: 'team-vault',
          },
        },
        selections: {
          tags: {
            pii: {
              iam_role_arn: 'arn:aws:iam::$account:role/TeamBackup',
              tag_key: 'DataClass',
              tag_value: ['PII'],
              conditions: {
                string_not_equals: {
                  skip: { condition_key: 'aws:ResourceTag/Stage', condition_value: 'dev' },
                },
              },
            },
          },
          resources: {
            tables: {
              iam_role_arn: 'arn:aws:iam::$account:role/TeamBackup',
              resource_types: ['arn:aws:dynamodb:*:*:table/*'],
              not_resource_types: ['arn:aws:dynamodb:*:*:table/scratch-*'],
              conditions: {
                string_like: { team: { condition_key: 'aws:ResourceTag/Team', condition_value: 'ledger*' } },
              },
            },
          },
        },
      },
    },
  });

  it('reads resource selections, tag conditions, the schedule timezone and continuous backup', () => {
    const [plan] = parseEffectivePolicy(teamPolicy).plans;
    expect(plan!.rules[0]).toMatchObject({ scheduleTimezone: 'Europe/Berlin', continuousBackup: true });
    expect(plan!.tagSelections[0]!.conditions).toEqual([
      { operator: 'notEquals', tagKey: 'Stage', value: 'dev' },
    ]);
    expect(plan!.resourceSelections).toEqual([
      {
        roleArn: 'arn:aws:iam::$account:role/TeamBackup',
        resourceTypes: ['arn:aws:dynamodb:*:*:table/*'],
        notResourceTypes: ['arn:aws:dynamodb:*:*:table/scratch-*'],
        conditions: [{ operator: 'like', tagKey: 'Team', value: 'ledger*' }],
      },
    ]);
  });

  it('rejects a condition on something other than a resource tag', () => {
    const bad = teamPolicy.replace('aws:ResourceTag/Stage', 'aws:PrincipalTag/Stage');
    expect(() => parseEffectivePolicy(bad)).toThrow(EffectivePolicyParseError);
  });
});
