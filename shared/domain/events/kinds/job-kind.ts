/**
 * Backup and copy jobs read and route the same way, differing only in the id field and the kind of job:
 * only a finished job changes a verdict, a failure may need a repair, and a success can only move the
 * newest recovery point (or copy) forward.
 */

import { isJobFailure } from '../../job-messages.js';
import type { JobState } from '../../model.js';
import * as z from '../../zod-mini.js';
import {
  type EventEffect,
  foreignResource,
  ignored,
  isPolicyPlan,
  memberTarget,
  type ResourceUpdate,
  type RouteContext,
  rejected,
} from '../effect.js';
import type { EventBase } from '../envelope.js';
import { jobState, optionalDate, optionalText, STATE_ALIASES, withAliases } from '../fields.js';
import type { EventKind } from '../kind.js';

export interface JobEventFields {
  readonly jobId: string;
  readonly state: JobState;
  readonly resourceArn: string | null;
  readonly statusMessage: string | null;
  readonly completionDate: Date | null;
  /** The backup plan that started the job; null for on-demand jobs. */
  readonly backupPlanId: string | null;
}

/** The fields both job kinds read; the id field differs by kind and is checked first, under its own name. */
const jobFields = z.object({
  detail: withAliases(
    STATE_ALIASES,
    z.looseObject({
      state: jobState,
      resourceArn: optionalText,
      statusMessage: optionalText,
      completionDate: optionalDate,
      createdBy: z.nullish(z.object({ backupPlanId: optionalText })),
    }),
  ),
});

function jobSchema<Kind extends string>(kind: Kind, idField: string) {
  const id: z.ZodMiniType<unknown> = z.looseObject({
    detail: z.looseObject({ [idField]: z.string().check(z.minLength(1)) }),
  });
  return z.pipe(
    z.pipe(id, jobFields),
    z.transform(({ detail }): { readonly kind: Kind } & JobEventFields => ({
      kind,
      jobId: String(detail[idField]),
      state: detail.state,
      resourceArn: detail.resourceArn,
      statusMessage: detail.statusMessage,
      completionDate: detail.completionDate,
      backupPlanId: detail.createdBy?.backupPlanId ?? null,
    })),
  );
}

export type JobEvent<Kind extends string> = EventBase & { readonly kind: Kind } & JobEventFields;

export function jobEventKind<Kind extends string>(spec: {
  readonly kind: Kind;
  readonly detailType: string;
  readonly idField: string;
  readonly jobKind: 'BACKUP' | 'COPY';
}): EventKind<Kind, { readonly kind: Kind } & JobEventFields> {
  return {
    kind: spec.kind,
    match: { source: 'aws.backup', detailType: spec.detailType },
    schema: jobSchema(spec.kind, spec.idField),
    route: (event, ctx) => routeJob(spec.jobKind, event, ctx),
  };
}

function routeJob(jobKind: 'BACKUP' | 'COPY', event: JobEvent<string>, ctx: RouteContext): EventEffect {
  const member = memberTarget(event, ctx);
  if ('ignored' in member) return member.ignored;
  const failed = isJobFailure(event);
  if (!failed && event.state !== 'COMPLETED') {
    return ignored(`${jobKind} job ${event.jobId} is ${event.state}; only finished jobs change a verdict`);
  }
  const foreign = event.resourceArn === null ? null : foreignResource(event.resourceArn, event);
  if (foreign) return rejected(foreign);
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
          byPolicy: isPolicyPlan(event.backupPlanId),
          at: event.completionDate ?? event.time,
        };
  // A finished backup or copy can only move lastBackupTime/lastCopyTime forward: the finding is updated
  // at once and the hourly sweep confirms it. A failure may need a repair, so its target is reconciled.
  return { targets: failed ? [member.target] : [], resourceUpdate, ignoredBecause: null };
}
