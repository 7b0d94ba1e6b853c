import { plansCoveringRegion } from '../evaluate/target-facts.js';
import { defineCheck } from './check.js';

export const effectivePolicyCheck = defineCheck(
  'EFFECTIVE_POLICY',
  'AWS Backup creates plans in an account only from its effective BACKUP_POLICY, and only in the Regions ' +
    "the policy's plans list; anywhere else tagged resources are silently never backed up.",
  ({ observed }, verdict) => {
    const policy = observed.effectivePolicy;
    if (policy === null) {
      return verdict.fail(
        'NO_EFFECTIVE_POLICY',
        `Account ${observed.accountId} has no effective backup policy.`,
      );
    }
    const plans = plansCoveringRegion(policy, observed.region);
    if (plans.length === 0) {
      return verdict.fail(
        'REGION_NOT_IN_POLICY',
        `The effective backup policy has ${policy.plans.length} plan(s), none listing ${observed.region}.`,
      );
    }
    return verdict.pass(`Plans covering ${observed.region}: ${plans.map((plan) => plan.name).join(', ')}.`);
  },
);
