import {
  BackupClient,
  ListRestoreJobsCommand,
  ListRestoreTestingPlansCommand,
  ListRestoreTestingSelectionsCommand,
} from '@aws-sdk/client-backup';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { RESTORE_TESTING_SERVICE_LINKED_ROLE } from '../domain/evaluate/restore-tests.js';
import type { ObservedRestoreTesting, RestoreJobOutcome, RestoreTestingSpec } from '../domain/model.js';
import type { ClientFactory } from './clients.js';
import { callSite, listAll, type TargetRef, unlessNotFound } from './observe-reads.js';
import { iamClient } from './sdk/iam.js';

/** Backup's list calls accept at most 1000 results per page. */
const BACKUP_PAGE_SIZE = 1000;
const DAY_MS = 86_400_000;

/**
 * The controller's restore testing plan with its selections, the restore testing service-linked role, and
 * the restore jobs of the window: a constant number of list calls (plus one page per 1,000 jobs).
 */
export async function readRestoreTesting(
  factory: ClientFactory,
  target: TargetRef,
  spec: RestoreTestingSpec,
  now: Date,
): Promise<ObservedRestoreTesting> {
  const backup = factory.clientOf(BackupClient, target.accountId, target.region);
  const call = callSite(target.accountId, target.region);
  const since = new Date(now.getTime() - spec.windowDays * DAY_MS);
  const [plans, jobs, serviceLinkedRole] = await Promise.all([
    listAll(
      call,
      'ListRestoreTestingPlans',
      (NextToken) =>
        backup.send(new ListRestoreTestingPlansCommand({ MaxResults: BACKUP_PAGE_SIZE, NextToken })),
      (page) => ({ items: page.RestoreTestingPlans, nextToken: page.NextToken }),
    ),
    listAll(
      call,
      'ListRestoreJobs',
      (NextToken) =>
        backup.send(
          new ListRestoreJobsCommand({ ByCreatedAfter: since, MaxResults: BACKUP_PAGE_SIZE, NextToken }),
        ),
      (page) => ({ items: page.RestoreJobs, nextToken: page.NextToken }),
    ),
    readServiceLinkedRole(factory, target.accountId),
  ]);
  const found = plans.find((plan) => plan.RestoreTestingPlanName === spec.planName);
  const plan =
    found?.RestoreTestingPlanArn && found.RestoreTestingPlanName
      ? {
          name: found.RestoreTestingPlanName,
          arn: found.RestoreTestingPlanArn,
          schedule: found.ScheduleExpression ?? '',
          lastRun: found.LastExecutionTime ?? null,
        }
      : null;
  const selections = plan
    ? await listAll(
        call,
        'ListRestoreTestingSelections',
        (NextToken) =>
          backup.send(
            new ListRestoreTestingSelectionsCommand({
              RestoreTestingPlanName: plan.name,
              MaxResults: BACKUP_PAGE_SIZE,
              NextToken,
            }),
          ),
        (page) => ({ items: page.RestoreTestingSelections, nextToken: page.NextToken }),
      )
    : [];
  return {
    plan,
    selections: selections.flatMap((selection) =>
      selection.RestoreTestingSelectionName && selection.ProtectedResourceType
        ? [{ name: selection.RestoreTestingSelectionName, resourceType: selection.ProtectedResourceType }]
        : [],
    ),
    serviceLinkedRole,
    jobs: jobs.flatMap((job): RestoreJobOutcome[] =>
      job.RestoreJobId && job.CreationDate
        ? [
            {
              jobId: job.RestoreJobId,
              resourceType: job.ResourceType ?? '',
              sourceResourceArn: job.SourceResourceArn ?? null,
              status: job.Status ?? 'PENDING',
              statusMessage: job.StatusMessage ?? null,
              creationDate: job.CreationDate,
              validationStatus: job.ValidationStatus ?? null,
              restoreTestingPlanArn: job.CreatedBy?.RestoreTestingPlanArn ?? null,
            },
          ]
        : [],
    ),
  };
}

/** IAM is account-global: the role is read once per account × Region read, from the home Region's endpoint. */
async function readServiceLinkedRole(factory: ClientFactory, accountId: string): Promise<boolean> {
  const iam = iamClient(factory, accountId);
  const call = callSite(accountId, factory.homeRegion);
  const role = await unlessNotFound(() =>
    call('GetRole', () => iam.send(new GetRoleCommand({ RoleName: RESTORE_TESTING_SERVICE_LINKED_ROLE }))),
  );
  return role?.Role !== undefined;
}
