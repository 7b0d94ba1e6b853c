import { describe, expect, it } from 'vitest';
import type { WorldInput } from '../../sandbox/index.js';
import { PREREQUISITE_SCENARIOS } from './prerequisite-scenarios.js';
import { attachedPolicy, DEV, e2eConfig, e2eWorld, organizationWith, PROD, withHarness } from './support.js';
import { expectedResult, runVerdictScenario } from './verdict-scenarios.js';

describe('prerequisites and never-weaken writes of the real controller on purpose-made worlds', () => {
  for (const scenario of PREREQUISITE_SCENARIOS) {
    it(scenario.name, async () => {
      const results = await runVerdictScenario(scenario);
      expect(results).toEqual(scenario.checkpoints.map(expectedResult));
    });
  }
});

describe('the controller never takes or strips a policy on a name or path alone', () => {
  const config = e2eConfig({ attachTo: ['/Workloads/Prod'] });
  const world = (policy: Partial<NonNullable<WorldInput['policies']>[number]>) =>
    e2eWorld({
      // The config's /Workloads/Prod was renamed to /Workloads/Production.
      organization: organizationWith([
        { name: 'Workloads', ous: [{ name: 'Production', accounts: [PROD, DEV] }] },
      ]),
      policies: [{ ...attachedPolicy(config), attachedTo: ['/Workloads/Production'], ...policy }],
    });

  async function sweepOnce(input: WorldInput) {
    return withHarness({ world: input, config }, async (harness) => {
      const sweep = await harness.sweep();
      const activity = await harness.store.runActivity(sweep.runId, harness.sim.now());
      const run = await harness.store.getRun(sweep.runId);
      // The sandbox's own effective-policy merge: PROD still inherits the controller's policy.
      const inherited = harness.sim.inspect.effectivePolicy(PROD) !== null;
      return { kinds: activity.actions.map((action) => action.kind), errors: run?.errors ?? [], inherited };
    });
  }

  it('an OU named by a path that was renamed keeps the policy: reported, never detached', async () => {
    const { kinds, errors, inherited } = await sweepOnce(world({}));
    expect(kinds).not.toContain('DetachPolicy');
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(/"\/Workloads\/Prod" matches no/)]));
    expect(inherited).toBe(true);
  });

  it('a same-named policy the controller did not create is reported, never adopted, updated or detached', async () => {
    const { kinds, errors } = await sweepOnce(world({ tags: {}, content: '{"plans":{}}' }));
    const policyActions = ['CreatePolicy', 'UpdatePolicy', 'AttachPolicy', 'DetachPolicy'];
    expect(kinds.filter((kind) => policyActions.includes(kind))).toEqual([]);
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(/did not create/)]));
  });
});
