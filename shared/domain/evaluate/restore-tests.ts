import type { DesiredState, ObservedTarget, RestoreJobOutcome, RestoreTestingSpec } from '../model.js';
import { classifyArn } from '../resource-types.js';
import type { Warning } from '../warnings.js';
import { isSelected } from './target-facts.js';

/** Restore testing plan names allow letters, digits and underscores only. */
export const RESTORE_TESTING_PLAN_NAME = 'orgbackup_restore_tests';
/** The service-linked role AWS Backup runs restore tests with. */
export const RESTORE_TESTING_SERVICE_LINKED_ROLE = 'AWSServiceRoleForBackupRestoreTesting';

const DAY_MS = 86_400_000;

/** One selection per resource type; selection names share the plan names' pattern. */
export function restoreSelectionName(resourceType: string): string {
  return `orgbackup_${resourceType.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** Configured types that have selected resources here, in the config's order: each gets a selection. */
export function restoreTypesPresent(desired: DesiredState, observed: ObservedTarget): string[] {
  const spec = desired.restoreTesting;
  if (!spec) return [];
  const present = new Set<string>(
    observed.resources
      .filter((resource) => isSelected(desired, resource))
      .flatMap((resource) => classifyArn(resource.arn).backupType ?? []),
  );
  return spec.resourceTypes.filter((type) => present.has(type));
}

/**
 * A restore that failed because of where it was restored, not because of the backup. AWS Backup restores
 * EC2, RDS and similar resources into the default VPC unless the selection's metadata overrides name a
 * subnet; without a default VPC the restore fails
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-inferred-metadata.html). Capacity
 * and quota failures say nothing about the backup either.
 */
const INFRASTRUCTURE_FAILURE =
  /\b(default VPC|VPC|subnet|security group|availability zone|insufficient\w* capacity|limit exceeded|quota)\b/i;

export type RestoreOutcome = 'SUCCEEDED' | 'DID_NOT_RESTORE' | 'INFRASTRUCTURE' | 'UNFINISHED';

export function restoreOutcome(job: RestoreJobOutcome): RestoreOutcome {
  if (job.status === 'COMPLETED') {
    return job.validationStatus === 'FAILED' || job.validationStatus === 'TIMED_OUT'
      ? 'DID_NOT_RESTORE'
      : 'SUCCEEDED';
  }
  if (job.status !== 'FAILED' && job.status !== 'ABORTED') return 'UNFINISHED';
  return INFRASTRUCTURE_FAILURE.test(job.statusMessage ?? '') ? 'INFRASTRUCTURE' : 'DID_NOT_RESTORE';
}

interface TypeRestoreResult {
  readonly resourceType: string;
  /** Newest successful restore within the window, or null. */
  readonly lastSuccess: Date | null;
  /**
   * Per resource, its newest finished restore when that one did not restore: a broken backup is not hidden
   * by another resource of the type restoring fine. Newest first.
   */
  readonly didNotRestore: readonly RestoreJobOutcome[];
  /** Failures of the account's setup, newest first. */
  readonly infrastructure: readonly RestoreJobOutcome[];
}

/** Restore results per resource type within the window (restores of any origin count). */
export function restoreResultsByType(
  spec: RestoreTestingSpec,
  jobs: readonly RestoreJobOutcome[],
  now: Date,
): Map<string, TypeRestoreResult> {
  const since = now.getTime() - spec.windowDays * DAY_MS;
  const results = new Map<string, TypeRestoreResult>();
  const judgedResources = new Set<string>();
  const recent = jobs
    .filter((job) => job.creationDate.getTime() >= since)
    .sort((a, b) => b.creationDate.getTime() - a.creationDate.getTime());
  for (const job of recent) {
    const result = results.get(job.resourceType) ?? {
      resourceType: job.resourceType,
      lastSuccess: null,
      didNotRestore: [],
      infrastructure: [],
    };
    const outcome = restoreOutcome(job);
    if (outcome === 'UNFINISHED') continue;
    const resource = job.sourceResourceArn ?? job.jobId;
    const newestOfResource = !judgedResources.has(resource);
    judgedResources.add(resource);
    results.set(job.resourceType, {
      ...result,
      lastSuccess: outcome === 'SUCCEEDED' ? (result.lastSuccess ?? job.creationDate) : result.lastSuccess,
      didNotRestore:
        outcome === 'DID_NOT_RESTORE' && newestOfResource
          ? [...result.didNotRestore, job]
          : result.didNotRestore,
      infrastructure: outcome === 'INFRASTRUCTURE' ? [...result.infrastructure, job] : result.infrastructure,
    });
  }
  return results;
}

/**
 * RESTORE_UNTESTED for each selected resource whose type had no successful restore here within the window;
 * none when restore testing is not configured or was not read here.
 */
export function restoreWarnings(
  desired: DesiredState,
  observed: ObservedTarget,
  now: Date,
): Map<string, Warning[]> {
  const spec = desired.restoreTesting;
  const warnings = new Map<string, Warning[]>();
  if (!spec || !observed.restoreTesting) return warnings;
  const results = restoreResultsByType(spec, observed.restoreTesting.jobs, now);
  for (const resource of observed.resources) {
    const type = classifyArn(resource.arn).backupType;
    if (!type || !isSelected(desired, resource) || results.get(type)?.lastSuccess) continue;
    warnings.set(resource.arn, [
      {
        code: 'RESTORE_UNTESTED',
        why: `No ${type} restore test succeeded in ${observed.accountId}/${observed.region} in the last ${spec.windowDays} days`,
      },
    ]);
  }
  return warnings;
}
