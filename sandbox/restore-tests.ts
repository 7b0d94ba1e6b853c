import { parseAwsCron } from './aws-cron.js';
import { stableId } from './rng.js';
import type {
  SimRegion,
  SimRestoreJob,
  SimRestoreTestingPlan,
  SimRestoreTestingSelection,
  SimState,
} from './state.js';

/**
 * Restore testing plans running on the simulated clock. At each scheduled run every selection restores one
 * resource: the newest recovery point (LATEST_WITHIN_WINDOW) of the next matching resource in turn, taken
 * from the plan's vaults within its window. A restore job ends half an hour later, failing where AWS would:
 * resources restored into a VPC have nowhere to go when the Region has no default VPC and the selection names
 * no subnet (https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-inferred-metadata.html),
 * and a resource the world marks `restorable: false` does not restore. The failure wording is the sandbox's
 * own (AWS publishes none; see sandbox/README.md).
 */

const DAY_MS = 86_400_000;
const RESTORE_MINUTES = 30;

/** Types AWS restores into a subnet (an instance, a database, a file system's network interfaces). */
const RESTORED_INTO_A_VPC = new Set(['EC2', 'RDS', 'Aurora', 'DocumentDB', 'Neptune', 'FSx']);
/** Metadata keys that name where to restore (keys are not case sensitive). */
const SUBNET_OVERRIDES = new Set(['subnetid', 'dbsubnetgroupname', 'subnetids']);

const NO_DEFAULT_VPC_MESSAGE =
  'No default VPC found in this Region. Provide a subnet in the restore metadata overrides.';
const DOES_NOT_RESTORE_MESSAGE =
  'The restored resource failed to become available: the recovery point data could not be read.';

/** A plan's ARN: its name and an id, stable for the account, Region and name. */
export function restoreTestingPlanArn(accountId: string, region: string, name: string): string {
  return `arn:aws:backup:${region}:${accountId}:restore-testing-plan:${name}-${stableId(`${accountId}:${region}:${name}`, 36)}`;
}

interface Scheduler {
  at(at: Date, run: () => void): void;
}

/** Queues the plan's next run; each run queues the one after it. */
export function scheduleRestoreTests(
  scheduler: Scheduler,
  state: SimState,
  region: SimRegion,
  plan: SimRestoreTestingPlan,
): void {
  let cron: ReturnType<typeof parseAwsCron>;
  try {
    cron = parseAwsCron(plan.schedule);
  } catch {
    return;
  }
  const next = cron.next(state.now);
  if (!next) return;
  scheduler.at(next, () => {
    if (region.restoreTestingPlans.get(plan.name) !== plan) return;
    runPlan(scheduler, state, region, plan);
    scheduleRestoreTests(scheduler, state, region, plan);
  });
}

function runPlan(
  scheduler: Scheduler,
  state: SimState,
  region: SimRegion,
  plan: SimRestoreTestingPlan,
): void {
  plan.runs += 1;
  plan.lastExecutionTime = state.now;
  for (const selection of plan.selections.values()) {
    const candidates = latestPointPerResource(state, region, plan, selection);
    if (candidates.length === 0) continue;
    const point = candidates[(plan.runs - 1) % candidates.length]!;
    const job: SimRestoreJob = {
      jobId: state.nextId('restore-job', 36),
      accountId: region.accountId,
      recoveryPointArn: point.arn,
      recoveryPointCreationDate: point.creationDate,
      sourceResourceArn: point.resourceArn,
      vaultArn: point.vaultArn,
      resourceType: selection.resourceType,
      iamRoleArn: selection.iamRoleArn,
      restoreTestingPlanArn: plan.arn,
      creationDate: state.now,
      status: 'RUNNING',
    };
    region.restoreJobs.push(job);
    scheduler.at(new Date(state.now.getTime() + RESTORE_MINUTES * 60_000), () =>
      finish(state, region, job, selection),
    );
  }
}

function finish(
  state: SimState,
  region: SimRegion,
  job: SimRestoreJob,
  selection: SimRestoreTestingSelection,
): void {
  job.completionDate = state.now;
  const hasSubnet = Object.keys(selection.metadataOverrides).some((key) =>
    SUBNET_OVERRIDES.has(key.toLowerCase()),
  );
  if (RESTORED_INTO_A_VPC.has(job.resourceType) && !region.defaultVpc && !hasSubnet) {
    job.status = 'FAILED';
    job.statusMessage = NO_DEFAULT_VPC_MESSAGE;
  } else if (state.resources.get(job.sourceResourceArn)?.restorable === false) {
    job.status = 'FAILED';
    job.statusMessage = DOES_NOT_RESTORE_MESSAGE;
  } else {
    job.status = 'COMPLETED';
    job.createdResourceArn = `${job.sourceResourceArn}-restore-test-${job.jobId.slice(0, 8)}`;
  }
}

interface Candidate {
  readonly arn: string;
  readonly resourceArn: string;
  readonly vaultArn: string;
  readonly creationDate: Date;
}

function latestPointPerResource(
  state: SimState,
  region: SimRegion,
  plan: SimRestoreTestingPlan,
  selection: SimRestoreTestingSelection,
): Candidate[] {
  const since = state.now.getTime() - plan.windowDays * DAY_MS;
  const latest = new Map<string, Candidate>();
  for (const vault of region.vaults.values()) {
    if (!plan.includeVaults.includes('*') && !plan.includeVaults.includes(vault.arn)) continue;
    for (const point of vault.recoveryPoints) {
      if (point.resourceType !== selection.resourceType || point.creationDate.getTime() < since) continue;
      if (!selects(state, selection, point.resourceArn)) continue;
      const known = latest.get(point.resourceArn);
      if (!known || known.creationDate < point.creationDate) {
        latest.set(point.resourceArn, {
          arn: point.arn,
          resourceArn: point.resourceArn,
          vaultArn: vault.arn,
          creationDate: point.creationDate,
        });
      }
    }
  }
  return [...latest.values()].sort((a, b) => a.resourceArn.localeCompare(b.resourceArn));
}

function selects(state: SimState, selection: SimRestoreTestingSelection, resourceArn: string): boolean {
  if (
    !selection.protectedResourceArns.includes('*') &&
    !selection.protectedResourceArns.includes(resourceArn)
  ) {
    return false;
  }
  const resource = state.resources.get(resourceArn);
  if (!resource || resource.deleted) return false;
  return selection.stringEquals.every(({ key, value }) => resource.tags[key] === value);
}
