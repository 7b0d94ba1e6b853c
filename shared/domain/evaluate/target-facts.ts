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
} from '../model.js';
import { backupTypeOf, classifyArn } from '../resource-types.js';
import { matchSelection } from '../tags.js';
import { type RetentionIntoVault, retentionsOutside } from './vault-lock.js';

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

/** The AWS Backup type of a tagged resource here: DocumentDB and Neptune clusters by their observed engine. */
export function resourceTypeHere(observed: ObservedTarget, arn: string): string | null {
  return backupTypeOf(arn, observed.resourceDetails[arn]?.engine);
}

/** AWS Backup resource types of the selected, supported resources here (sorted, unique). */
export function selectedResourceTypes(desired: DesiredState, observed: ObservedTarget): string[] {
  const types = observed.resources
    .filter((resource) => isSelected(desired, resource) && classifyArn(resource.arn).supported)
    .flatMap((resource) => resourceTypeHere(observed, resource.arn) ?? []);
  return [...new Set(types)].sort();
}

/** Only an explicit `false` counts: a type the Region settings do not list is not known to be opted out. */
export function isOptedOut(observed: ObservedTarget, backupType: string): boolean {
  return observed.regionOptIn[backupType] === false;
}

export function optedOutSelectedTypes(desired: DesiredState, observed: ObservedTarget): string[] {
  return selectedResourceTypes(desired, observed).filter((type) => isOptedOut(observed, type));
}

/**
 * Advanced DynamoDB backup must be turned on by hand for jobs a backup policy creates
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/advanced-ddb-backup.html). Only an explicit
 * `false` counts, and only where tagged tables exist; DynamoDB's plain opt-in is REGION_OPT_IN's concern.
 */
export function dynamoDbAdvancedOff(desired: DesiredState, observed: ObservedTarget): boolean {
  if (!selectedResourceTypes(desired, observed).includes('DynamoDB')) return false;
  return observed.regionManagement.DynamoDB === false;
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

/** Retentions the effective rules send into the vault: rules targeting it by name, copy actions by ARN. */
export function retentionsIntoVault(
  vault: { readonly name: string; readonly arn: string },
  rules: readonly EffectiveRule[],
): RetentionIntoVault[] {
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
 * Rules and copy actions whose retention a locked vault rejects: shorter than the minimum, or longer than the
 * maximum, where "never expires" exceeds any maximum. Jobs with such retention fail.
 */
export function lockRetentionConflicts(
  vault: ObservedVault | null,
  rules: readonly EffectiveRule[],
): string[] {
  if (vault === null || !vault.locked) return [];
  const bounds = { min: vault.minRetentionDays, max: vault.maxRetentionDays };
  return retentionsOutside(bounds, retentionsIntoVault(vault, rules)).map((conflict) =>
    conflict.replace(' outside ', " outside the lock's "),
  );
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

/** The central vault's key, where this target holds the central vault and read its key. */
export function centralVaultKeyHere(observed: ObservedTarget): ObservedKey | undefined {
  const keyArn = observed.centralVault?.vault?.encryptionKeyArn;
  return keyArn ? observed.keys.find((key) => key.arn === keyArn) : undefined;
}

export function latestJob(jobs: readonly JobOutcome[]): JobOutcome | undefined {
  return jobs.reduce<JobOutcome | undefined>(
    (latest, job) => (latest === undefined || job.creationDate > latest.creationDate ? job : latest),
    undefined,
  );
}
