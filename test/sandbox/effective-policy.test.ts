import {
  DescribeEffectivePolicyCommand,
  EffectivePolicyNotFoundException,
} from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import { mergeEffectivePolicy } from '../../sandbox/effective-policy.js';
import { backupPolicy, baseWorld, clients, memberCredentials, PROD, SECURITY, simulate } from './helpers.js';

const assign = (value: unknown) => ({ '@@assign': value });
const plan = (regions: unknown, extra: Record<string, unknown> = {}) => ({
  plans: { Daily: { regions, ...extra } },
});

describe('mergeEffectivePolicy', () => {
  it.each([
    {
      why: 'a child @@assign replaces the inherited list',
      levels: [[plan(assign(['eu-west-1', 'us-east-1']))], [plan(assign(['eu-central-1']))]],
      regions: ['eu-central-1'],
    },
    {
      why: '@@append adds to the inherited list',
      levels: [[plan(assign(['eu-west-1']))], [plan({ '@@append': ['us-east-1'] })]],
      regions: ['eu-west-1', 'us-east-1'],
    },
    {
      why: '@@remove takes values out of the inherited list',
      levels: [[plan(assign(['eu-west-1', 'us-east-1']))], [plan({ '@@remove': ['us-east-1'] })]],
      regions: ['eu-west-1'],
    },
    {
      why: 'a parent allowing only @@append blocks a child @@assign',
      levels: [
        [plan({ '@@assign': ['eu-west-1'], '@@operators_allowed_for_child_policies': ['@@append'] })],
        [plan(assign(['us-east-1']))],
      ],
      regions: ['eu-west-1'],
    },
    {
      why: 'a parent @@none blocks every child operator',
      levels: [
        [plan({ '@@assign': ['eu-west-1'], '@@operators_allowed_for_child_policies': ['@@none'] })],
        [plan({ '@@append': ['us-east-1'] })],
      ],
      regions: ['eu-west-1'],
    },
    {
      why: 'on the same node the first-attached @@assign wins',
      levels: [[plan(assign(['eu-west-1'])), plan(assign(['us-east-1']))]],
      regions: ['eu-west-1'],
    },
    {
      why: 'plan keys merge case-insensitively (keys come out lower-cased)',
      levels: [
        [{ plans: { DAILY: { regions: assign(['eu-west-1']) } } }],
        [{ plans: { daily: { regions: { '@@append': ['us-east-1'] } } } }],
      ],
      regions: ['eu-west-1', 'us-east-1'],
    },
  ])('$why', ({ levels, regions }) => {
    const merged = mergeEffectivePolicy(levels) as { plans: { daily: { regions: string[] } } };
    expect(merged.plans.daily.regions).toEqual(regions);
  });

  it('lower-cases keys, turns values into strings and drops operators', () => {
    const merged = mergeEffectivePolicy([[backupPolicy()]]);
    const text = JSON.stringify(merged);
    expect(text).not.toContain('@@');
    expect(merged).toMatchObject({
      plans: {
        'org-daily': {
          rules: { daily: { start_backup_window_minutes: '60', lifecycle: { delete_after_days: '35' } } },
        },
      },
    });
  });

  it('is null when nothing is attached anywhere', () => {
    expect(mergeEffectivePolicy([[], [], []])).toBeNull();
  });
});

describe('DescribeEffectivePolicy', () => {
  it('merges root and OU policies for a member, and reports none where nothing applies', async () => {
    const sim = simulate(
      baseWorld({
        policies: [
          { name: 'base', content: backupPolicy(), attachedTo: ['root'] },
          { name: 'prod-extra', content: plan({ '@@append': ['us-east-1'] }), attachedTo: ['/Workloads'] },
        ],
      }),
    );
    const prod = clients(sim, memberCredentials(sim, PROD));
    const result = await prod.organizations.send(
      new DescribeEffectivePolicyCommand({ PolicyType: 'BACKUP_POLICY' }),
    );
    expect(result.EffectivePolicy?.TargetId).toBe(PROD);
    const content = JSON.parse(result.EffectivePolicy?.PolicyContent ?? '{}');
    expect(content.plans['org-daily'].regions).toEqual(['eu-west-1']);
    expect(content.plans.daily).toEqual({ regions: ['us-east-1'] });

    const empty = simulate(
      baseWorld({
        policies: [{ name: 'prod-only', content: backupPolicy(), attachedTo: ['/Workloads/Prod'] }],
      }),
    );
    const security = clients(empty, memberCredentials(empty, SECURITY));
    const error = await security.organizations
      .send(new DescribeEffectivePolicyCommand({ PolicyType: 'BACKUP_POLICY' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EffectivePolicyNotFoundException);
  });
});
