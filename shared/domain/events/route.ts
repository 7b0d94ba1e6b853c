/**
 * Reconcile by target, not by event: an event only says *which* targets to reconcile. The one exception is
 * the immediate single-resource update (a failed job, a changed selection tag), so the report reflects it
 * within seconds instead of at the next reconcile; the reconcile that follows still decides the verdict.
 */
import { isJobFailure } from '../job-messages.js';
import type { JobState, ReconcileTarget } from '../model.js';
import type { TagSelection } from '../tags.js';
import type { ParsedEvent } from './parse.js';

export interface RouteContext {
  readonly managementAccountId: string;
  /** The Regions the config covers: a new or moved account is reconciled in each of them. */
  readonly regions: readonly string[];
  readonly selection: TagSelection;
  readonly excludeAccounts: readonly string[];
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
    })
  | (ResourceRef & { readonly type: 'tag-changed'; readonly tags: Readonly<Record<string, string>> });

export interface EventEffect {
  readonly targets: readonly ReconcileTarget[];
  readonly resourceUpdate: ResourceUpdate | null;
  /** Set when the event changes nothing; the handler logs it and counts it by kind. */
  readonly ignoredBecause: string | null;
}

export function routeEvent(event: ParsedEvent, ctx: RouteContext): EventEffect {
  switch (event.kind) {
    case 'unknown':
    case 'malformed':
      return ignored(`${event.kind} event: ${event.why}`);
    case 'org-api-call':
      return routeOrgCall(event, ctx);
    case 'restore-job':
      return ignored('restore jobs do not change backup coverage');
  }

  // Everything else happened in one member account and Region.
  if (ctx.excludeAccounts.includes(event.account)) {
    return ignored(`account ${event.account} is excluded by the config`);
  }
  // Regions outside the config are still reconciled: their tagged resources are reported REGION_NOT_IN_POLICY.
  const targets = [accountRegion(event.account, event.region)];

  switch (event.kind) {
    case 'backup-job':
    case 'copy-job': {
      const jobKind = event.kind === 'backup-job' ? 'BACKUP' : 'COPY';
      const failed = isJobFailure(event);
      if (!failed && event.state !== 'COMPLETED') {
        return ignored(
          `${jobKind} job ${event.jobId} is ${event.state}; only finished jobs change a verdict`,
        );
      }
      const resourceUpdate: ResourceUpdate | null =
        event.resourceArn === null
          ? null
          : {
              type: failed ? 'job-failed' : 'job-completed',
              accountId: event.account,
              region: event.region,
              arn: event.resourceArn,
              jobKind,
              jobState: event.state,
              statusMessage: event.statusMessage,
              at: event.completionDate ?? event.time,
            };
      // A finished backup or copy can only move lastBackupTime/lastCopyTime forward: the finding is updated
      // at once and the hourly sweep confirms it. A failure may need a repair, so its target is reconciled.
      return { targets: failed ? targets : [], resourceUpdate, ignoredBecause: null };
    }
    case 'tag-change': {
      const selectionKey = ctx.selection.tagKey.toLowerCase();
      if (!event.changedKeys.some((key) => key.toLowerCase() === selectionKey)) {
        return ignored(
          `tag change on ${event.resourceArn} did not touch ${ctx.selection.tagKey} in any case`,
        );
      }
      return {
        targets,
        resourceUpdate: {
          type: 'tag-changed',
          accountId: event.account,
          region: event.region,
          arn: event.resourceArn,
          tags: event.tags,
          at: event.time,
        },
        ignoredBecause: null,
      };
    }
    case 'backup-api-call':
      if (event.failure !== null)
        return ignored(`${event.eventName} failed (${event.failure}); nothing changed`);
      return { targets, resourceUpdate: null, ignoredBecause: null };
    case 'recovery-point':
    case 'vault-change':
    case 'plan-change':
    case 'region-setting':
      return { targets, resourceUpdate: null, ignoredBecause: null };
  }
}

function routeOrgCall(event: Extract<ParsedEvent, { kind: 'org-api-call' }>, ctx: RouteContext): EventEffect {
  if (event.failure !== null) return ignored(`${event.eventName} failed (${event.failure}); nothing changed`);
  // Organizations records these calls in the management account, whose bus feeds the controller; a copy from
  // another account (a delegated administrator's own trail) is left to the scheduled sweep.
  if (event.account !== ctx.managementAccountId) {
    return ignored(`${event.eventName} was recorded in ${event.account}, not the management account`);
  }
  const targets: ReconcileTarget[] = [{ kind: 'org' }];
  const movedOrCreated = event.eventName === 'CreateAccountResult' || event.eventName === 'MoveAccount';
  if (movedOrCreated && event.accountId !== null && !ctx.excludeAccounts.includes(event.accountId)) {
    const accountId = event.accountId;
    targets.push(...ctx.regions.map((region) => accountRegion(accountId, region)));
  }
  return { targets, resourceUpdate: null, ignoredBecause: null };
}

function accountRegion(accountId: string, region: string): ReconcileTarget {
  return { kind: 'account-region', accountId, region };
}

function ignored(why: string): EventEffect {
  return { targets: [], resourceUpdate: null, ignoredBecause: why };
}
