/**
 * Facts derived from one observed account × Region that the planner, the checks and the evaluator all need.
 * Keeping them here means the three always agree (a check never FAILs on something the planner thinks fine).
 */
import type {
  DesiredState,
  EffectivePlan,
  EffectivePolicy,
  EffectiveRule,
  JobOutcome,
  ObservedKey,
  ObservedTarget,
  ObservedVault,
  SelectionCondition,
  TaggedResource,
  VaultLockSpec,
} from '../model.js';
import { classifyArn } from '../resource-types.js';
import { matchSelection } from '../tags.js';

export function partitionOf(desired: DesiredState): string {
  return desired.context.partition ?? 'aws';
}

export function vaultArn(
  desired: DesiredState,
  accountId: string,
  region: string,
  vaultName: string,
): string {
  return `arn:${partitionOf(desired)}:backup:${region}:${accountId}:backup-vault:${vaultName}`;
}

export function backupRoleArn(desired: DesiredState, accountId: string): string {
  return desired.backupRole.arnTemplate.replaceAll('$account', accountId);
}

export function iamRoleArn(desired: DesiredState, accountId: string, roleName: string): string {
  return `arn:${partitionOf(desired)}:iam::${accountId}:role/${roleName}`;
}

/** Regions listed only in `scanRegions` are observed and reported, never changed. */
export function isManagedRegion(desired: DesiredState, region: string): boolean {
  return desired.regions.includes(region);
}

export interface CentralVaultPlace {
  readonly accountId: string;
  readonly region: string;
  readonly name: string;
  readonly arn: string;
}

/**
 * The central vault that copies made in `region` go to. A per-Region central vault has one vault of the same
 * name in the central account in every configured Region, each receiving same-Region copies.
 */
export function centralVaultFor(desired: DesiredState, region: string): CentralVaultPlace | undefined {
  const central = desired.centralVault;
  if (central === undefined) return undefined;
  if (!central.perRegion) return central;
  if (!isManagedRegion(desired, region)) return undefined;
  return { ...central, region, arn: vaultArn(desired, central.accountId, region, central.name) };
}

/** The central vault held by this account × Region, if it holds one. */
export function centralVaultHere(
  desired: DesiredState,
  observed: ObservedTarget,
): CentralVaultPlace | undefined {
  const central = centralVaultFor(desired, observed.region);
  return central && central.accountId === observed.accountId && central.region === observed.region
    ? central
    : undefined;
}

export function isSelected(desired: DesiredState, resource: TaggedResource): boolean {
  return matchSelection(resource.tags, desired.selection).selected;
}

/** AWS Backup resource types of the selected, supported resources here (sorted, unique). */
export function selectedResourceTypes(desired: DesiredState, observed: ObservedTarget): string[] {
  const types = observed.resources
    .filter((resource) => isSelected(desired, resource))
    .map((resource) => classifyArn(resource.arn))
    .flatMap((type) => (type.supported && type.backupType !== null ? [type.backupType] : []));
  return [...new Set(types)].sort();
}

/** Only an explicit `false` counts: a type the Region settings do not list is not known to be opted out. */
export function isOptedOut(observed: ObservedTarget, backupType: string): boolean {
  return observed.regionOptIn[backupType] === false;
}

export function optedOutSelectedTypes(desired: DesiredState, observed: ObservedTarget): string[] {
  return selectedResourceTypes(desired, observed).filter((type) => isOptedOut(observed, type));
}

/** Regions arrive as strings from the effective policy; Region codes are lower-case, compare them so. */
export function plansCoveringRegion(policy: EffectivePolicy, region: string): EffectivePlan[] {
  return policy.plans.filter((plan) => plan.regions.some((listed) => listed.toLowerCase() === region));
}

/** A plan's tag selection picks the resource when the key matches exactly and the value is listed. */
/**
 * Whether a plan selects a resource: a tag selection (the tag with one of its values, and every condition)
 * or a resource selection (an ARN pattern that matches, none that excludes it, and every condition).
 */
export function planSelects(
  plan: EffectivePlan,
  tags: Readonly<Record<string, string>>,
  arn?: string,
): boolean {
  const byTag = plan.tagSelections.some((selection) => {
    const value = tags[selection.tagKey];
    return (
      value !== undefined &&
      selection.tagValues.includes(value) &&
      (selection.conditions ?? []).every((condition) => conditionHolds(condition, tags))
    );
  });
  if (byTag || arn === undefined) return byTag;
  return (plan.resourceSelections ?? []).some(
    (selection) =>
      selection.resourceTypes.some((pattern) => arnPatternMatches(pattern, arn)) &&
      !selection.notResourceTypes.some((pattern) => arnPatternMatches(pattern, arn)) &&
      selection.conditions.every((condition) => conditionHolds(condition, tags)),
  );
}

function conditionHolds(condition: SelectionCondition, tags: Readonly<Record<string, string>>): boolean {
  const value = tags[condition.tagKey];
  switch (condition.operator) {
    case 'equals':
      return value === condition.value;
    case 'notEquals':
      return value !== condition.value;
    case 'like':
      return value !== undefined && wildcard(condition.value).test(value);
    case 'notLike':
      return value === undefined || !wildcard(condition.value).test(value);
  }
}

/** `*` matches any run of characters; everything else literally. */
function wildcard(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

function arnPatternMatches(pattern: string, arn: string): boolean {
  return pattern === '*' || wildcard(pattern).test(arn);
}

/** What the effective policy does for one resource here. */
export type Coverage =
  | {
      readonly covered: false;
      readonly gap: 'NO_EFFECTIVE_POLICY' | 'REGION_NOT_IN_POLICY';
      readonly detail: string;
    }
  | {
      readonly covered: true;
      readonly plans: readonly EffectivePlan[];
      readonly rules: readonly EffectiveRule[];
    };

export function coverageOf(observed: ObservedTarget, resource: TaggedResource): Coverage {
  const policy = observed.effectivePolicy;
  if (policy === null) {
    return {
      covered: false,
      gap: 'NO_EFFECTIVE_POLICY',
      detail: 'The account has no effective backup policy.',
    };
  }
  const inRegion = plansCoveringRegion(policy, observed.region);
  if (inRegion.length === 0) {
    return {
      covered: false,
      gap: 'REGION_NOT_IN_POLICY',
      detail: `No plan of the effective backup policy lists ${observed.region}.`,
    };
  }
  const selecting = inRegion.filter((plan) => planSelects(plan, resource.tags, resource.arn));
  if (selecting.length === 0) {
    return {
      covered: false,
      gap: 'NO_EFFECTIVE_POLICY',
      detail: `No plan of the effective backup policy covering ${observed.region} selects this resource's tags.`,
    };
  }
  return { covered: true, plans: selecting, rules: selecting.flatMap((plan) => plan.rules) };
}

/** Every rule of every plan that covers this Region (for Region-level checks, regardless of resource). */
export function rulesCoveringRegion(observed: ObservedTarget): EffectiveRule[] {
  const policy = observed.effectivePolicy;
  return policy ? plansCoveringRegion(policy, observed.region).flatMap((plan) => plan.rules) : [];
}

/** Whether the rule copies to the central vault that serves `region`. */
export function copiesToCentral(rule: EffectiveRule, desired: DesiredState, region: string): boolean {
  const central = centralVaultFor(desired, region);
  return central !== undefined && rule.copyActions.some((copy) => copy.targetVaultArn === central.arn);
}

/** A retention that lands in a vault, as a rule or copy action states it (null: never expires). */
interface RetentionIntoVault {
  readonly source: string;
  readonly deleteAfterDays: number | null;
}

function retentionsInto(vault: ObservedVault, rules: readonly EffectiveRule[]): RetentionIntoVault[] {
  return rules.flatMap((rule) => [
    ...(rule.vaultName === vault.name
      ? [{ source: `rule ${rule.name}`, deleteAfterDays: rule.deleteAfterDays }]
      : []),
    ...rule.copyActions
      .filter((copy) => copy.targetVaultArn === vault.arn)
      .map((copy) => ({ source: `copy action of rule ${rule.name}`, deleteAfterDays: copy.deleteAfterDays })),
  ]);
}

/**
 * Rules and copy actions whose retention a locked vault rejects (facts §2.4): shorter than the minimum, or
 * longer than the maximum, where "never expires" exceeds any maximum. Jobs with such retention fail.
 */
export function lockRetentionConflicts(
  vault: ObservedVault | null,
  rules: readonly EffectiveRule[],
): string[] {
  if (vault === null || !vault.locked) return [];
  const { minRetentionDays: min, maxRetentionDays: max } = vault;
  return retentionsInto(vault, rules).flatMap(({ source, deleteAfterDays: days }) => {
    const tooShort = min !== null && days !== null && days < min;
    const tooLong = max !== null && (days === null || days > max);
    if (!tooShort && !tooLong) return [];
    const retention = days === null ? 'no expiry' : `${days} days`;
    return [`${source} keeps ${retention}, outside the lock's ${min ?? 1}-${max ?? '∞'} days`];
  });
}

/** A lock whose LockDate has passed is compliance-mode and immutable: nobody can change it any more. */
export function isImmutableLock(vault: ObservedVault, now: Date): boolean {
  return vault.locked && vault.lockDate !== null && vault.lockDate.getTime() <= now.getTime();
}

export type LockState = 'AS_DESIRED' | 'DIFFERS' | 'IMMUTABLE_AND_DIFFERS';

/**
 * Whether the vault's lock is what the config asks for. No desired lock means "leave it alone": the controller
 * never removes a lock. A compliance lock still in its grace window counts as compliance (re-putting it would
 * only push its LockDate further out).
 */
export function lockState(
  desired: VaultLockSpec | undefined,
  vault: ObservedVault | null,
  now: Date,
): LockState {
  if (desired === undefined) return 'AS_DESIRED';
  if (vault === null) return 'DIFFERS';
  const observedMode = !vault.locked ? 'none' : vault.lockDate === null ? 'governance' : 'compliance';
  const matches =
    observedMode === desired.mode &&
    vault.minRetentionDays === (desired.minRetentionDays ?? null) &&
    vault.maxRetentionDays === (desired.maxRetentionDays ?? null);
  if (matches) return 'AS_DESIRED';
  return isImmutableLock(vault, now) ? 'IMMUTABLE_AND_DIFFERS' : 'DIFFERS';
}

/** Any state but Enabled makes a key unusable for backup (disabled, pending deletion or import, unavailable). */
export function isUsableKey(key: ObservedKey): boolean {
  return key.state === 'Enabled';
}

/** The observed key that encrypts the configured vault, when the observer read it. */
export function vaultKey(observed: ObservedTarget): ObservedKey | undefined {
  const keyArn = observed.vault?.encryptionKeyArn;
  return keyArn ? observed.keys.find((key) => key.arn === keyArn) : undefined;
}

/** Customer-managed, enabled keys the backup role has no grant on (unique by ARN). */
export function keysMissingGrant(observed: ObservedTarget): ObservedKey[] {
  const missing = observed.keys.filter(
    (key) => key.manager === 'CUSTOMER' && isUsableKey(key) && !key.backupRoleHasGrant,
  );
  return [...new Map(missing.map((key) => [key.arn, key])).values()];
}

export function latestJob(jobs: readonly JobOutcome[]): JobOutcome | undefined {
  return jobs.reduce<JobOutcome | undefined>(
    (latest, job) => (latest === undefined || job.creationDate > latest.creationDate ? job : latest),
    undefined,
  );
}
