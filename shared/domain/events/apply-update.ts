/**
 * The immediate single-resource finding change an event brings (a failed job, a changed selection tag), so
 * the report and alerts react within seconds. It is provisional: the target reconcile the same event routes
 * re-evaluates the resource with everything observed, and its verdict replaces this one.
 *
 * Returns the resource's new finding, or null when it has none: the selection tag is gone (the store
 * records the resource as GONE), or a completed job names a resource the controller has not seen yet (its
 * finding starts with the next reconcile, which knows the allowed age and copy requirement).
 */
import { classifyJobFailure } from '../job-messages.js';
import type { ReasonCode, ResourceFinding, ResourceStatus } from '../model.js';
import { classifyArn } from '../resource-types.js';
import { expectedBy, type RuleTiming } from '../schedule.js';
import { matchSelection, type TagSelection } from '../tags.js';
import type { ResourceUpdate } from './route.js';

export interface ApplyUpdateContext {
  readonly selection: TagSelection;
  /** Rules of the effective policy for the resource's account and Region; empty when it has none. */
  readonly effectiveRules: readonly RuleTiming[];
  /** The policy copies to a central vault: PROTECTED needs a copy as well as a backup. */
  readonly copyRequired: boolean;
  readonly now: Date;
}

type JobUpdate = Extract<ResourceUpdate, { type: 'job-failed' | 'job-completed' }>;
type TagUpdate = Extract<ResourceUpdate, { type: 'tag-changed' }>;

interface Verdict {
  readonly status: ResourceStatus;
  readonly reasons: readonly ReasonCode[];
  readonly detail: string;
  readonly expectedBy: string | null;
  /** Set when the update starts coverage (a tag now selecting it); otherwise the previous value is kept. */
  readonly coveredSince?: string | null;
}

export function applyResourceUpdate(
  previous: ResourceFinding | null,
  update: ResourceUpdate,
  ctx: ApplyUpdateContext,
): ResourceFinding | null {
  switch (update.type) {
    case 'job-failed':
      return failedJob(previous, update, ctx.now);
    case 'job-completed':
      return previous === null ? null : completedJob(previous, update, ctx);
    case 'tag-changed':
      return tagChanged(previous, update, ctx);
  }
}

/**
 * FAILING at once, with the cause read from the job's message. A backup failure is JOB_FAILED; a copy
 * failure is COPY_MISSING (the source's own recovery point exists). EventBridge delivers events late and
 * out of order (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events.html), so a failure
 * older than the newest success already recorded is stale and changes nothing.
 */
function failedJob(previous: ResourceFinding | null, update: JobUpdate, now: Date): ResourceFinding {
  const lastSuccess = update.jobKind === 'BACKUP' ? previous?.lastBackupTime : previous?.lastCopyTime;
  if (previous && lastSuccess && new Date(lastSuccess) > update.at) return previous;

  const { reason } = classifyJobFailure({
    kind: update.jobKind,
    state: update.jobState,
    statusMessage: update.statusMessage,
  });
  const primary: ReasonCode = update.jobKind === 'BACKUP' ? 'JOB_FAILED' : 'COPY_MISSING';
  const reasons: ReasonCode[] = reason === 'JOB_FAILED' ? [primary] : [primary, reason];
  const job = update.jobKind === 'BACKUP' ? 'backup' : 'copy';
  const because = update.statusMessage ?? 'AWS gave no message';
  return withVerdict(previous, update, now, {
    status: 'FAILING',
    reasons,
    detail: `The latest ${job} job ended ${update.jobState} at ${update.at.toISOString()}: ${because}`,
    expectedBy: previous?.expectedBy ?? null,
  });
}

/**
 * A completed backup (or copy) of the policy dates the newest recovery point (or copy). Otherwise the status
 * stays until the reconcile, because PROTECTED also depends on the allowed age — except for the first
 * backup of a resource that was only waiting for it (PENDING, nothing else in the way): it is PROTECTED now,
 * once it has a copy too when the policy makes one. A backup made outside the policy protects nothing, and
 * one that completed with a message (with issues) is left to the reconcile.
 */
function completedJob(
  previous: ResourceFinding,
  update: JobUpdate,
  ctx: ApplyUpdateContext,
): ResourceFinding {
  if (!update.byPolicy) return previous;
  const later = (recorded: string | null) =>
    recorded !== null && new Date(recorded) > update.at ? recorded : update.at.toISOString();
  const dated =
    update.jobKind === 'BACKUP'
      ? { ...previous, lastBackupTime: later(previous.lastBackupTime) }
      : { ...previous, lastCopyTime: later(previous.lastCopyTime) };
  const onlyAwaiting =
    previous.status === 'PENDING' &&
    previous.reasons.length === 1 &&
    previous.reasons[0] === 'AWAITING_FIRST_BACKUP';
  const complete = dated.lastBackupTime !== null && (!ctx.copyRequired || dated.lastCopyTime !== null);
  if (!onlyAwaiting || !complete || update.statusMessage !== null) return dated;
  return withVerdict(dated, update, ctx.now, {
    status: 'PROTECTED',
    reasons: [],
    detail: `The first backup of the policy completed at ${update.at.toISOString()}.`,
    expectedBy: null,
  });
}

function tagChanged(
  previous: ResourceFinding | null,
  update: TagUpdate,
  ctx: ApplyUpdateContext,
): ResourceFinding | null {
  const match = matchSelection(update.tags, ctx.selection);
  if (!match.selected) {
    if (match.nearMiss === null) return null;
    return withVerdict(previous, update, ctx.now, {
      status: 'UNPROTECTED',
      reasons: ['TAG_VALUE_MISMATCH'],
      detail: `Tag ${match.nearMiss.key}=${match.nearMiss.value} is a near miss: ${match.nearMiss.why}`,
      expectedBy: null,
    });
  }
  // Already selected before this change (e.g. another tag changed alongside): nothing new to say.
  if (previous !== null && !previous.reasons.includes('TAG_VALUE_MISMATCH')) return previous;
  return withVerdict(previous, update, ctx.now, newlySelected(update, ctx));
}

function newlySelected(update: TagUpdate, ctx: ApplyUpdateContext): Verdict {
  const arnKind = classifyArn(update.arn);
  if (!arnKind.supported) {
    return {
      status: 'UNPROTECTED',
      reasons: ['UNSUPPORTED_RESOURCE_TYPE'],
      detail: `AWS Backup cannot back up this ${arnKind.service || 'kind of'} resource, although it carries the selection tag.`,
      expectedBy: null,
    };
  }
  if (ctx.effectiveRules.length === 0) {
    return {
      status: 'UNPROTECTED',
      reasons: ['NO_EFFECTIVE_POLICY'],
      detail:
        'The resource carries the selection tag, but no effective backup policy covers its account and Region.',
      expectedBy: null,
    };
  }
  // The first backup is due after the first run following the tagging, not following the event's arrival.
  const due = expectedBy(ctx.effectiveRules, update.at).toISOString();
  return {
    status: 'PENDING',
    reasons: ['AWAITING_FIRST_BACKUP'],
    detail: `Tagged at ${update.at.toISOString()}; the first backup is expected by ${due}.`,
    expectedBy: due,
    coveredSince: update.at.toISOString(),
  };
}

/** Keeps identity and history; `since` moves only when the status changes. */
function withVerdict(
  previous: ResourceFinding | null,
  update: ResourceUpdate,
  now: Date,
  verdict: Verdict,
): ResourceFinding {
  const nowIso = now.toISOString();
  return {
    accountId: update.accountId,
    region: update.region,
    arn: update.arn,
    resourceType: previous?.resourceType ?? classifyArn(update.arn).backupType,
    ...verdict,
    // Warnings come from a reconcile's observation; an event keeps what the last one found.
    warnings: previous?.warnings ?? [],
    ...(previous?.warningDetail ? { warningDetail: previous.warningDetail } : {}),
    lastBackupTime: previous?.lastBackupTime ?? null,
    lastCopyTime: previous?.lastCopyTime ?? null,
    firstSeen: previous?.firstSeen ?? nowIso,
    coveredSince:
      verdict.coveredSince !== undefined ? verdict.coveredSince : (previous?.coveredSince ?? null),
    since: previous !== null && previous.status === verdict.status ? previous.since : nowIso,
  };
}
