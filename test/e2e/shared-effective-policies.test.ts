import { describe, expect, it } from 'vitest';
import type { SandboxHarness } from '../../sandbox/harness.js';
import type { WorldInput } from '../../sandbox/index.js';
import {
  advanceToHour,
  atHour,
  attachedPolicy,
  BACKUP_ROLE,
  CENTRAL,
  DEV,
  e2eConfig,
  e2eWorld,
  MANAGEMENT,
  memberAccount,
  organizationWith,
  PROD,
  REGION,
  taggedVolumes,
  withHarness,
} from './support.js';

const PAYMENTS_2 = '555555555555';
const ANALYTICS_2 = '666666666666';
const config = e2eConfig();
const DESCRIBE_EFFECTIVE_POLICY = 'organizations:DescribeEffectivePolicy';
const LIST_POLICIES = 'organizations:ListPolicies';
const LIST_TARGETS_FOR_POLICY = 'organizations:ListTargetsForPolicy';

/** A team's own plan, added next to the controller's (whose `plans` node allows `@@append`). */
function teamPolicy(team: string, ou: string): NonNullable<WorldInput['policies']>[number] {
  return {
    name: `${team}-backup`,
    content: {
      plans: {
        [`${team}-nightly`]: {
          regions: { '@@assign': [REGION] },
          rules: {
            nightly: {
              schedule_expression: { '@@assign': 'cron(0 2 ? * * *)' },
              target_backup_vault_name: { '@@assign': config.vault.name },
            },
          },
          selections: {
            tags: {
              [team]: {
                iam_role_arn: { '@@assign': `arn:aws:iam::$account:role/${BACKUP_ROLE}` },
                tag_key: { '@@assign': 'Team' },
                tag_value: { '@@assign': [team] },
              },
            },
          },
        },
      },
    },
    attachedTo: [ou],
  };
}

/** Root policy for all; the Payments and Analytics OUs each add their team's plan: three chains. */
function teamsWorld(timeline: WorldInput['timeline'] = []): WorldInput {
  const account = (id: string) => memberAccount({ [REGION]: { resources: taggedVolumes(id, 'vol', 2) } });
  return e2eWorld({
    organization: organizationWith([
      { name: 'Payments', accounts: [PROD, PAYMENTS_2] },
      { name: 'Analytics', accounts: [DEV, ANALYTICS_2] },
    ]),
    accounts: {
      [PROD]: account(PROD),
      [PAYMENTS_2]: account(PAYMENTS_2),
      [DEV]: account(DEV),
      [ANALYTICS_2]: account(ANALYTICS_2),
    },
    policies: [
      attachedPolicy(config),
      teamPolicy('payments', '/Payments'),
      teamPolicy('analytics', '/Analytics'),
    ],
    timeline,
  });
}

const ACCOUNTS = [MANAGEMENT, PROD, DEV, CENTRAL, PAYMENTS_2, ANALYTICS_2];

/** Each account's EFFECTIVE_POLICY check detail: it names the plans of the policy the target judged by. */
async function effectivePolicyDetails(harness: SandboxHarness): Promise<Record<string, string>> {
  const details: Record<string, string> = {};
  for (const accountId of ACCOUNTS) {
    const view = await harness.store.getAccountView(accountId);
    const check = view.targets
      .find((target) => target.region === REGION)
      ?.checks.find((result) => result.check === 'EFFECTIVE_POLICY');
    details[accountId] = check ? `${check.status}: ${check.detail}` : 'no check';
  }
  return details;
}

/** Every account target's verdicts: each finding's status and reasons, each check's status and reason. */
async function verdicts(harness: SandboxHarness) {
  const all: Record<string, unknown> = {};
  for (const accountId of ACCOUNTS) {
    const view = await harness.store.getAccountView(accountId);
    all[accountId] = {
      findings: view.findings
        .map((finding) => `${finding.arn} ${finding.status} ${finding.reasons.join(',')}`)
        .sort(),
      checks: view.targets
        .filter((target) => target.region === REGION)
        .flatMap((target) =>
          target.checks.map((check) => `${check.check} ${check.status} ${check.reason ?? ''}`),
        )
        .sort(),
    };
  }
  return all;
}

/**
 * Sweeps at the given hours; returns DescribeEffectivePolicy calls per sweep, the listings of backup
 * policies and of their targets, and the verdicts after each.
 */
async function sweepAt(harness: SandboxHarness, hours: readonly number[]) {
  const sweeps: { calls: number; listings: number; targetListings: number; verdicts: unknown }[] = [];
  for (const hour of hours) {
    advanceToHour(harness, hour);
    harness.sim.resetCounters();
    await harness.sweep();
    sweeps.push({
      calls: harness.sim.callCounts().byOperation[DESCRIBE_EFFECTIVE_POLICY] ?? 0,
      listings: harness.sim.callCounts().byOperation[LIST_POLICIES] ?? 0,
      targetListings: harness.sim.callCounts().byOperation[LIST_TARGETS_FOR_POLICY] ?? 0,
      verdicts: await verdicts(harness),
    });
  }
  return sweeps;
}

describe('effective policies read once per chain of inherited backup policies', () => {
  it('two OUs with different team policies: each account judged by its own OU’s effective policy, one read per chain', async () => {
    const retag = {
      at: '2026-03-02T01:30:00Z',
      tag: { arn: `arn:aws:ec2:${REGION}:${PROD}:volume/vol-vol0001`, tags: { Owner: 'payments' } },
    };
    await withHarness({ world: teamsWorld([retag]), config }, async (harness) => {
      // The world's policies were attached at its start; an hour later they have settled.
      const [sweep] = await sweepAt(harness, [1]);
      // Three chains (root; root + Payments; root + Analytics), six account targets.
      expect(sweep?.calls).toBe(3);
      // The chains' attachments come from what the org reconcile read for the controller's own policy:
      // the three backup policies fit one page, listed once per sweep, and each one's targets are listed once.
      expect(sweep?.listings).toBe(1);
      expect(sweep?.targetListings).toBe(3);
      const plans = (...names: string[]) => `PASS: Plans covering ${REGION}: ${names.join(', ')}.`;
      // Effective policies come back with plan names lower-cased.
      const orgPlan = config.plans.map((plan) => plan.name.toLowerCase()).join(', ');
      expect(await effectivePolicyDetails(harness)).toEqual({
        [MANAGEMENT]: plans(orgPlan),
        [CENTRAL]: plans(orgPlan),
        [PROD]: plans(orgPlan, 'payments-nightly'),
        [PAYMENTS_2]: plans(orgPlan, 'payments-nightly'),
        [DEV]: plans(orgPlan, 'analytics-nightly'),
        [ANALYTICS_2]: plans(orgPlan, 'analytics-nightly'),
      });

      // An event-driven reconcile has no org reconcile sharing for it: the target reads its own policy.
      advanceToHour(harness, 1.5);
      harness.sim.resetCounters();
      expect((await harness.deliverEvents())?.delivered).toBeGreaterThan(0);
      expect(harness.sim.callCounts().byOperation[DESCRIBE_EFFECTIVE_POLICY]).toBeGreaterThan(0);
      expect((await effectivePolicyDetails(harness))[PROD]).toBe(plans(orgPlan, 'payments-nightly'));
    });
  });

  it('verdicts equal those of targets reading their own policy; a policy just changed makes every account read its own', async () => {
    const hours = [1, 26];
    const shared = await withHarness({ world: teamsWorld(), config }, (harness) => sweepAt(harness, hours));
    // Attaching a policy without plans changes no account's effective content, only when it last changed:
    // each sweep then finds every chain too fresh to share.
    const noop = { name: 'no-plans', content: { plans: {} }, attachedTo: [] };
    const touched = teamsWorld(
      hours.map((hour, index) => ({
        at: atHour(hour - 0.1).toISOString(),
        ...(index % 2 === 0
          ? { attachPolicy: { policy: 'no-plans', target: '/Security' } }
          : { detachPolicy: { policy: 'no-plans', target: '/Security' } }),
      })),
    );
    const fallback = await withHarness(
      { world: { ...touched, policies: [...(touched.policies ?? []), noop] }, config },
      (harness) => sweepAt(harness, hours),
    );
    expect(shared.map((sweep) => sweep.calls)).toEqual([3, 3]);
    // Each chain's representative is read, found too fresh, and every target reads its own.
    for (const sweep of fallback) expect(sweep.calls).toBeGreaterThanOrEqual(ACCOUNTS.length);
    expect(fallback.map((sweep) => sweep.verdicts)).toEqual(shared.map((sweep) => sweep.verdicts));
  });
});
