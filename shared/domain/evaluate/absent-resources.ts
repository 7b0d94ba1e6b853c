/**
 * Findings of resources the Tagging API stopped returning. GetResources is eventually consistent
 * (https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/overview.html): it keeps returning
 * deleted resources for a while, and it can miss one that still exists. A finding whose resource it no longer
 * returns therefore leaves at once only when the resource's own service listing was read in full (and so
 * confirms it gone, or no longer tagged); otherwise it is kept unchanged, marked `absentSince`, until the
 * resource has been absent for 24 hours. A resource that returns within the day keeps its history
 * (first seen, covered since, status since), so a missed listing never re-alerts it as new.
 */
import type { ObservedTarget, ResourceFinding } from '../model.js';
import { classifyArn } from '../resource-types.js';

export const ABSENCE_GRACE_MS = 24 * 60 * 60 * 1000;

/** `judged` (the evaluation's findings) plus the stored findings of absent resources still within the day. */
export function withAbsentFindings(
  judged: readonly ResourceFinding[],
  stored: ReadonlyMap<string, ResourceFinding>,
  observed: ObservedTarget,
  now: Date,
): ResourceFinding[] {
  if (!observed.reachability.ok) return [...judged];
  const present = new Set([...judged.map((finding) => finding.arn), ...observed.resources.map((r) => r.arn)]);
  const listedInFull = new Set(observed.typesListedInFull ?? []);
  const kept = [...stored.values()].flatMap((finding) => {
    if (present.has(finding.arn)) return [];
    const type = classifyArn(finding.arn).taggingFilter;
    if (type !== null && listedInFull.has(type)) return [];
    const absentSince = finding.absentSince ?? now.toISOString();
    if (now.getTime() - Date.parse(absentSince) >= ABSENCE_GRACE_MS) return [];
    return [{ ...finding, absentSince }];
  });
  return [...judged, ...kept];
}
