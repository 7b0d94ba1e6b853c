import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFromText, validateConfig } from '../../shared/domain/config/index.js';
import { renderBackupPolicy } from '../../shared/domain/policy/render.js';
import { FACTS_1_8_CONFIG, GOVCLOUD_CONFIG, PER_REGION_CONFIG } from './configs.js';

const here = import.meta.dirname;
const golden = (name: string) => readFileSync(join(here, `${name}.json`), 'utf8');

function render(raw: unknown) {
  const result = validateConfig(raw);
  if (!result.ok) throw new Error(`config invalid: ${JSON.stringify(result.problems)}`);
  return renderBackupPolicy(result.config);
}

const exampleConfig = () => {
  const text = readFileSync(join(here, '../../examples/orgbackup.config.yaml'), 'utf8');
  const result = loadConfigFromText(text, 'orgbackup.config.yaml');
  if (!result.ok) throw new Error(`example invalid: ${JSON.stringify(result.problems)}`);
  return renderBackupPolicy(result.config);
};

describe('golden policy documents (checked by hand against AWS’s backup policy syntax reference)', () => {
  it.each([
    {
      file: 'policy-facts-1-8',
      rendered: () => render(FACTS_1_8_CONFIG),
      why: 'a minimal worked example in the documented syntax',
    },
    {
      file: 'policy-per-region',
      rendered: () => render(PER_REGION_CONFIG),
      why: 'per-Region central vault splits copying plans',
    },
    {
      file: 'policy-govcloud',
      rendered: () => render(GOVCLOUD_CONFIG),
      why: 'the partition reaches every ARN',
    },
    {
      file: 'policy-example',
      rendered: exampleConfig,
      why: 'the shipped example renders what the docs show',
    },
  ])('$file: $why', ({ file, rendered }) => {
    // Exact comparison of the minified text (key order included); the files themselves are formatted by
    // Biome for review, so their whitespace is not compared.
    expect(rendered().minified).toBe(JSON.stringify(JSON.parse(golden(file))));
  });
});

/** Removes child-control operators, leaving what the policy assigns. */
function assignedValues(node: unknown): unknown {
  if (Array.isArray(node) || typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => key !== '@@operators_allowed_for_child_policies')
      .map(([key, value]) => [key, assignedValues(value)]),
  );
}

describe('minimal worked example correspondence', () => {
  it('assigns what the worked example assigns, under our rule and selection names', () => {
    // The minimal worked example without advanced_backup_settings and backup_plan_tags (not in our config), with the rule
    // named after the plan and our selection id.
    const assign = (value: unknown) => ({ '@@assign': value });
    const central = 'arn:aws:backup:eu-central-1:111122223333:backup-vault:central-copy';
    expect(assignedValues(render(FACTS_1_8_CONFIG).document)).toEqual({
      plans: {
        'org-daily': {
          regions: assign(['us-east-1', 'eu-west-1']),
          rules: {
            'org-daily': {
              schedule_expression: assign('cron(0 3 ? * * *)'),
              start_backup_window_minutes: assign('60'),
              complete_backup_window_minutes: assign('720'),
              target_backup_vault_name: assign('org-backup-vault'),
              lifecycle: { delete_after_days: assign('35') },
              recovery_point_tags: {
                'managed-by': { tag_key: assign('managed-by'), tag_value: assign('org-backup-controller') },
              },
              copy_actions: {
                [central]: {
                  target_backup_vault_arn: assign(central),
                  lifecycle: { delete_after_days: assign('90') },
                },
              },
            },
          },
          selections: {
            tags: {
              'org-backup-selection': {
                iam_role_arn: assign('arn:aws:iam::$account:role/OrgBackupServiceRole'),
                tag_key: assign('backup'),
                tag_value: assign(['daily']),
              },
            },
          },
        },
      },
    });
  });

  it('locks every node of our plans with @@none and lets children only append plans', () => {
    const document = render(FACTS_1_8_CONFIG).document as { plans: Record<string, unknown> };
    expect(document.plans['@@operators_allowed_for_child_policies']).toEqual(['@@append']);
    const unlocked: string[] = [];
    const visit = (node: unknown, path: string) => {
      if (Array.isArray(node) || typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      if (JSON.stringify(record['@@operators_allowed_for_child_policies']) !== '["@@none"]')
        unlocked.push(path);
      for (const [key, value] of Object.entries(record)) {
        if (!key.startsWith('@@')) visit(value, `${path}.${key}`);
      }
    };
    visit(document.plans['org-daily'], 'org-daily');
    expect(unlocked).toEqual([]);
  });
});
