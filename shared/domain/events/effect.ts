/**
 * What an event asks for. Reconcile by target, not by event: an event only says *which* targets to
 * reconcile. The one exception is the immediate single-resource update (a failed job, a changed selection
 * tag), so the report reflects it within seconds instead of at the next reconcile; the reconcile that
 * follows still decides the verdict.
 */
import type { JobState, ReconcileTarget } from '../model.js';
import type { TagSelection } from '../tags.js';

export interface RouteContext {
  readonly managementAccountId: string;
  /** The Regions the config covers: a new or moved account is reconciled in each of them. */
  readonly regions: readonly string[];
  readonly selection: TagSelection;
  readonly excludeAccounts: readonly string[];
  /** The vault the policy backs up into in every member account × Region. */
  readonly policyVaultName: string;
  /** Where the policy copies recovery points to, when it does. */
  readonly centralVault: { readonly accountId: string; readonly name: string } | null;
}

interface ResourceRef {
  readonly accountId: string;
  readonly region: string;
  readonly arn: string;
  readonly at: Date;
}

export type ResourceUpdate =
  | (ResourceRef & {
      readonly type: 'job-failed' | 'job-completed';
      readonly jobKind: 'BACKUP' | 'COPY';
      readonly jobState: JobState;
      readonly statusMessage: string | null;
      /** Made by the organization's backup policy (its plans' ids begin `orgs/`), not a team's own plan. */
      readonly byPolicy: boolean;
    })
  | (ResourceRef & { readonly type: 'tag-changed'; readonly tags: Readonly<Record<string, string>> });

export interface EventEffect {
  readonly targets: readonly ReconcileTarget[];
  readonly resourceUpdate: ResourceUpdate | null;
  /** Set when the event changes nothing; the handler logs it and counts it by kind. */
  readonly ignoredBecause: string | null;
  /** Set when the event was ignored because it cannot be trusted (it names another account's resource). */
  readonly rejected?: true;
}

export function accountRegion(accountId: string, region: string): ReconcileTarget {
  return { kind: 'account-region', accountId, region };
}

export function ignored(why: string): EventEffect {
  return { targets: [], resourceUpdate: null, ignoredBecause: why };
}

export function reconcile(targets: readonly ReconcileTarget[]): EventEffect {
  return { targets, resourceUpdate: null, ignoredBecause: null };
}

/**
 * The account × Region an event from a member happened in, or why it is ignored. Regions outside the config
 * are still reconciled: their tagged resources are reported REGION_NOT_IN_POLICY.
 */
export function memberTarget(
  event: { readonly account: string; readonly region: string },
  ctx: RouteContext,
): { readonly target: ReconcileTarget } | { readonly ignored: EventEffect } {
  if (ctx.excludeAccounts.includes(event.account)) {
    return { ignored: ignored(`account ${event.account} is excluded by the config`) };
  }
  return { target: accountRegion(event.account, event.region) };
}

/** Something in the member's account × Region changed that a check looks at: reconcile that target. */
export function reconcileMember(
  event: { readonly account: string; readonly region: string },
  ctx: RouteContext,
): EventEffect {
  const member = memberTarget(event, ctx);
  return 'ignored' in member ? member.ignored : reconcile([member.target]);
}

/**
 * Why a member's event cannot be about `arn`, or null when it can: the ARN must be one, and its account and
 * Region (when the ARN has them; S3 bucket ARNs have neither) must be the event's. Member accounts choose
 * what their resources and tags look like, so an event naming another account's resource is not trusted.
 */
export function foreignResource(
  arn: string,
  event: { readonly account: string; readonly region: string },
): string | null {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[2] === '') return `"${arn}" is not an ARN`;
  const [, , , region, account] = parts;
  if (account !== '' && account !== event.account) {
    return `${arn} belongs to account ${account}, not ${event.account} where the event happened`;
  }
  if (region !== '' && region !== event.region) {
    return `${arn} is in ${region}, not ${event.region} where the event happened`;
  }
  return null;
}

export function rejected(why: string): EventEffect {
  return { targets: [], resourceUpdate: null, ignoredBecause: why, rejected: true };
}

/** Plans the organization's backup policy creates in member accounts have ids beginning `orgs/`. */
export function isPolicyPlan(backupPlanId: string | null): boolean {
  return backupPlanId?.startsWith('orgs/') ?? false;
}
