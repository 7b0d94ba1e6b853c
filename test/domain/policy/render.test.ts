import { describe, expect, it } from 'vitest';
import { type Config, validateConfig } from '../../../shared/domain/config/index.js';
import { renderBackupPolicy } from '../../../shared/domain/policy/render.js';

// biome-ignore lint/suspicious/noExplicitAny: tests walk into the rendered JSON by key
type Plans = Record<string, { regions: { '@@assign': string[] }; rules: Record<string, any> }>;

function configOf(raw: Record<string, unknown>): Config {
  const result = validateConfig({ version: 1, regions: ['eu-west-1', 'eu-central-1'], ...raw });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

const plansOf = (config: Config) => {
  const { '@@operators_allowed_for_child_policies': _operators, ...plans } = (
    renderBackupPolicy(config).document as { plans: Record<string, unknown> }
  ).plans;
  return plans as Plans;
};

const central = { accountId: '444444444444', deleteAfterDays: 90 };

describe('renderBackupPolicy: plan layout', () => {
  it.each([
    {
      why: 'a plan without copies covers every Region in one plan',
      raw: { plans: [{ name: 'daily', deleteAfterDays: 35 }] },
      expected: { daily: ['eu-west-1', 'eu-central-1'] },
    },
    {
      why: 'a fixed central Region keeps one plan (the copy ARN is the same everywhere)',
      raw: {
        plans: [{ name: 'daily', deleteAfterDays: 35, copyToCentralVault: true }],
        centralVault: { ...central, region: 'eu-west-1' },
      },
      expected: { daily: ['eu-west-1', 'eu-central-1'] },
    },
    {
      why: 'a per-Region central vault needs one plan per Region: there is no $region in copy_actions',
      raw: {
        plans: [{ name: 'daily', deleteAfterDays: 35, copyToCentralVault: true }],
        centralVault: central,
      },
      expected: { 'daily-eu-west-1': ['eu-west-1'], 'daily-eu-central-1': ['eu-central-1'] },
    },
    {
      why: 'only copying plans are split',
      raw: {
        plans: [
          { name: 'daily', deleteAfterDays: 35, copyToCentralVault: true },
          { name: 'weekly', schedule: 'cron(0 5 ? * SUN *)', deleteAfterDays: 60 },
        ],
        centralVault: central,
      },
      expected: {
        'daily-eu-west-1': ['eu-west-1'],
        'daily-eu-central-1': ['eu-central-1'],
        weekly: ['eu-west-1', 'eu-central-1'],
      },
    },
  ])('$why', ({ raw, expected }) => {
    const plans = plansOf(configOf(raw));
    expect(
      Object.fromEntries(Object.entries(plans).map(([name, plan]) => [name, plan.regions['@@assign']])),
    ).toEqual(expected);
  });

  it('copies each Region to its own Region’s central vault, keyed by and targeting the same ARN', () => {
    const plans = plansOf(
      configOf({
        plans: [{ name: 'd', deleteAfterDays: 35, copyToCentralVault: true }],
        centralVault: { ...central, name: 'Central' },
      }),
    );
    for (const region of ['eu-west-1', 'eu-central-1']) {
      const arn = `arn:aws:backup:${region}:444444444444:backup-vault:Central`;
      const copy = plans[`d-${region}`]!.rules.d.copy_actions[arn];
      expect(copy.target_backup_vault_arn['@@assign']).toBe(arn);
      expect(copy.lifecycle.delete_after_days['@@assign']).toBe('90');
    }
  });

  it.each([
    { why: 'cold storage appears only when configured', cold: null, expected: undefined },
    { why: 'cold storage days are a string like every number', cold: 10, expected: '10' },
  ])('$why', ({ cold, expected }) => {
    const plans = plansOf(
      configOf({ plans: [{ name: 'p', deleteAfterDays: 200, coldStorageAfterDays: cold }] }),
    );
    expect(plans.p!.rules.p.lifecycle.move_to_cold_storage_after_days?.['@@assign']).toBe(expected);
  });

  it('minified is the document without whitespace, pretty parses to the same document', () => {
    const rendered = renderBackupPolicy(configOf({ plans: [{ name: 'p', deleteAfterDays: 35 }] }));
    expect(rendered.minified).toBe(JSON.stringify(JSON.parse(rendered.pretty)));
    expect(rendered.minified.length).toBeLessThan(rendered.pretty.length);
    expect(JSON.parse(rendered.pretty)).toEqual(JSON.parse(rendered.minified));
    expect(JSON.parse(rendered.minified)).toEqual(rendered.document);
  });
});
