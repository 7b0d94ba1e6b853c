import type {
  DesiredState,
  ObservedOrganization,
  ObservedPolicy,
  PlanSpec,
  TaggedResource,
} from '../model.js';
import { resolveAttachTarget } from '../plan/plan-org.js';
import { classifyArn } from '../resource-types.js';
import { accountsInScope } from '../scope.js';
import { matchSelection } from '../tags.js';
import { parseEffectivePolicy } from './effective.js';

/** A tagged resource and where it lives, as observers list it. */
export interface LocatedResource extends TaggedResource {
  readonly accountId: string;
  readonly region: string;
}

/** What one config would do to one resource, if it were deployed: the plans that would back it up. */
export interface CoverageTerms {
  readonly plans: readonly PlanSpec[];
  readonly vault: string;
  readonly lock: string;
  /** The central vault copies go to, or `none` when no plan copies. */
  readonly copyDestination: string;
}

export interface ResourceChange {
  readonly arn: string;
  readonly accountId: string;
  readonly region: string;
  /** One phrase per difference, e.g. `daily: deleteAfterDays 35 → 90`. */
  readonly what: readonly string[];
}

export interface PolicyImpact {
  /** The rendered BACKUP_POLICY differs (minified content compared). */
  readonly policyChanged: boolean;
  /** Resources the new config would back up and the old one would not, sorted. */
  readonly gained: readonly string[];
  /** Resources the old config backs up and the new one would not, sorted. */
  readonly lost: readonly string[];
  /** Resources covered by both whose schedule, retention, copy, vault or lock would change. */
  readonly changed: readonly ResourceChange[];
  /** Resources the old config covers (the base of the coverage-drop share). */
  readonly coveredBefore: number;
}

/**
 * Which resources a config change would gain, lose or change, judged from the configs alone: a resource
 * is covered by a config when its account is in scope and under one of the config's attach targets, its
 * Region is a policy Region, its tags match the selection exactly and AWS Backup supports its type. This
 * is the policy's own reach, not today's verdict: it says what the change does, whatever else is broken.
 */
export function policyImpact(input: {
  readonly from: DesiredState;
  readonly to: DesiredState;
  readonly org: ObservedOrganization;
  readonly resources: readonly LocatedResource[];
}): PolicyImpact {
  const { from, to, org } = input;
  const reachFrom = accountsReached(from, org);
  const reachTo = accountsReached(to, org);
  const gained: string[] = [];
  const lost: string[] = [];
  const changed: ResourceChange[] = [];
  let coveredBefore = 0;
  const seen = new Set<string>();
  for (const resource of input.resources) {
    if (seen.has(resource.arn)) continue;
    seen.add(resource.arn);
    const before = coverageUnder(from, reachFrom, resource);
    const after = coverageUnder(to, reachTo, resource);
    if (before !== null) coveredBefore += 1;
    if (before === null && after !== null) gained.push(resource.arn);
    else if (before !== null && after === null) lost.push(resource.arn);
    else if (before !== null && after !== null) {
      const what = termChanges(before, after);
      if (what.length > 0) {
        changed.push({ arn: resource.arn, accountId: resource.accountId, region: resource.region, what });
      }
    }
  }
  const byArn = (a: { arn: string }, b: { arn: string }) => a.arn.localeCompare(b.arn);
  return {
    policyChanged: from.policy.content !== to.policy.content,
    gained: gained.sort(),
    lost: lost.sort(),
    changed: changed.sort(byArn),
    coveredBefore,
  };
}

/** The share of covered resources a change would lose, in percent (0 when nothing was covered). */
export function coverageDropPercent(impact: PolicyImpact): number {
  return impact.coveredBefore === 0 ? 0 : (impact.lost.length / impact.coveredBefore) * 100;
}

/** What a config change would take away from the policy as it is deployed today. */
export interface DeployedCoverageDrop {
  /** Resources the deployed policy reaches today (the base of the share). */
  readonly coveredBefore: number;
  /** Resources it reaches that the new config would not, sorted. */
  readonly lost: readonly string[];
  readonly dropPercent: number;
}

/**
 * The deployed side is read from the policy itself, not from an old config: the Regions and tag selections
 * of its plans, and the roots, OUs and accounts it is attached to (excluded accounts are not attached, so
 * they are not reached). The new side is the config about to be deployed.
 */
export function coverageDropFromDeployed(input: {
  readonly deployed: ObservedPolicy;
  readonly to: DesiredState;
  readonly org: ObservedOrganization;
  readonly resources: readonly LocatedResource[];
}): DeployedCoverageDrop {
  const { plans } = parseEffectivePolicy(input.deployed.content);
  const reachedBefore = deployedPolicyReach(input.deployed, input.org).accounts;
  const reachedAfter = accountsReached(input.to, input.org);
  const coveredBefore = new Set<string>();
  const lost = new Set<string>();
  for (const resource of input.resources) {
    if (!reachedBefore.has(resource.accountId) || !classifyArn(resource.arn).supported) continue;
    const selected = plans.some(
      (plan) =>
        plan.regions.includes(resource.region) &&
        plan.tagSelections.some((selection) => {
          const value = resource.tags[selection.tagKey];
          return value !== undefined && selection.tagValues.includes(value);
        }),
    );
    if (!selected) continue;
    coveredBefore.add(resource.arn);
    if (coverageUnder(input.to, reachedAfter, resource) === null) lost.add(resource.arn);
  }
  const dropPercent = coveredBefore.size === 0 ? 0 : (lost.size / coveredBefore.size) * 100;
  return { coveredBefore: coveredBefore.size, lost: [...lost].sort(), dropPercent };
}

/** Where a deployed policy reaches: the accounts under its targets, its plans' Regions and tag keys. */
export function deployedPolicyReach(
  deployed: ObservedPolicy,
  org: ObservedOrganization,
): { accounts: ReadonlySet<string>; regions: string[]; tagKeys: string[] } {
  const { plans } = parseEffectivePolicy(deployed.content);
  return {
    accounts: accountsUnder(new Set(deployed.targets), org),
    regions: [...new Set(plans.flatMap((plan) => plan.regions))].sort(),
    tagKeys: [...new Set(plans.flatMap((plan) => plan.tagSelections.map((selection) => selection.tagKey)))],
  };
}

/** The terms a config would back a resource up under, or null when the config would not select it. */
export function coverageUnder(
  desired: DesiredState,
  reachedAccounts: ReadonlySet<string>,
  resource: LocatedResource,
): CoverageTerms | null {
  if (!reachedAccounts.has(resource.accountId)) return null;
  if (!desired.regions.includes(resource.region)) return null;
  if (!matchSelection(resource.tags, desired.selection).selected) return null;
  if (!classifyArn(resource.arn).supported) return null;
  return {
    plans: desired.plans,
    vault: desired.vault.name,
    lock: describeLock(desired.vault.lock),
    copyDestination:
      desired.centralVault && desired.plans.some((plan) => plan.copyToCentralVault)
        ? desired.centralVault.arn
        : 'none',
  };
}

/** Accounts the config's policy would reach: in scope and under an attach target (root, OU subtree, account). */
export function accountsReached(desired: DesiredState, org: ObservedOrganization): ReadonlySet<string> {
  const existing = org.backupPolicies.find((policy) => policy.name === desired.policy.name);
  const targets = new Set<string>();
  for (const entry of desired.attachTo) {
    const id = resolveAttachTarget(entry, org, existing);
    if (id !== null) targets.add(id);
  }
  return accountsUnder(targets, org, accountsInScope(org.accounts, desired));
}

/** Accounts at or below one of `targets` (root, OU or account ids). */
function accountsUnder(
  targets: ReadonlySet<string>,
  org: ObservedOrganization,
  accounts: readonly ObservedOrganization['accounts'][number][] = org.accounts,
): ReadonlySet<string> {
  const parentOf = new Map(org.ous.map((ou) => [ou.id, ou.parentId]));
  const reached = new Set<string>();
  for (const account of accounts) {
    let node: string | undefined = account.id;
    // Walk up to the root; the depth of an organization is bounded (5 OU levels), the guard is for cycles.
    for (let depth = 0; node !== undefined && depth < 16; depth += 1) {
      if (targets.has(node)) {
        reached.add(account.id);
        break;
      }
      node = node === account.id ? account.parentId : parentOf.get(node);
    }
  }
  return reached;
}

function termChanges(before: CoverageTerms, after: CoverageTerms): string[] {
  const what: string[] = [];
  const afterByName = new Map(after.plans.map((plan) => [plan.name.toLowerCase(), plan]));
  const beforeNames = new Set(before.plans.map((plan) => plan.name.toLowerCase()));
  for (const old of before.plans) {
    const next = afterByName.get(old.name.toLowerCase());
    if (next === undefined) {
      what.push(`plan ${old.name} removed`);
      continue;
    }
    for (const field of PLAN_FIELDS) {
      if (old[field] !== next[field]) {
        what.push(`${old.name}: ${field} ${show(old[field])} → ${show(next[field])}`);
      }
    }
  }
  for (const next of after.plans) {
    if (!beforeNames.has(next.name.toLowerCase())) what.push(`plan ${next.name} added`);
  }
  if (before.vault !== after.vault) what.push(`vault ${before.vault} → ${after.vault}`);
  if (before.lock !== after.lock) what.push(`vault lock ${before.lock} → ${after.lock}`);
  if (before.copyDestination !== after.copyDestination) {
    what.push(`central copy ${before.copyDestination} → ${after.copyDestination}`);
  }
  return what;
}

const PLAN_FIELDS = [
  'schedule',
  'startWindowMinutes',
  'completionWindowMinutes',
  'deleteAfterDays',
  'coldStorageAfterDays',
  'copyToCentralVault',
] as const satisfies readonly (keyof PlanSpec)[];

function show(value: string | number | boolean | null): string {
  return value === null ? 'none' : String(value);
}

function describeLock(lock: DesiredState['vault']['lock']): string {
  if (lock === undefined) return 'none';
  const parts: string[] = [lock.mode];
  if (lock.minRetentionDays !== undefined) parts.push(`min ${lock.minRetentionDays}d`);
  if (lock.maxRetentionDays !== undefined) parts.push(`max ${lock.maxRetentionDays}d`);
  if (lock.changeableForDays !== undefined) parts.push(`changeable ${lock.changeableForDays}d`);
  return parts.join(' ');
}
