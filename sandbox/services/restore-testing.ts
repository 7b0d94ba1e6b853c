import type {
  CreateRestoreTestingPlanCommandInput,
  CreateRestoreTestingSelectionCommandInput,
  ListRestoreJobsCommandInput,
  ListRestoreTestingPlansCommandInput,
  ListRestoreTestingSelectionsCommandInput,
  RestoreJobsListMember,
} from '@aws-sdk/client-backup';
import { type Call, fail, type ServiceHandlers } from '../call.js';
import { restoreTestingPlanArn, scheduleRestoreTests } from '../restore-tests.js';
import { stableId } from '../rng.js';
import type { SimRegion, SimRestoreJob, SimRestoreTestingPlan } from '../state.js';
import { page } from './backup.js';

/**
 * AWS Backup restore testing, per account × Region: plans, their selections and the restore jobs they start
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateRestoreTestingPlan.html,
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateRestoreTestingSelection.html).
 */

/** Plan and selection names: letters, digits and underscores, at most 50. */
const RESTORE_TESTING_NAME = /^[a-zA-Z0-9_]{1,50}$/;
const SELECTABLE_TYPES = new Set([
  'Aurora',
  'DocumentDB',
  'DynamoDB',
  'EBS',
  'EC2',
  'EFS',
  'FSx',
  'Neptune',
  'RDS',
  'S3',
]);
export const RESTORE_TESTING_SERVICE_LINKED_ROLE = 'AWSServiceRoleForBackupRestoreTesting';
const SERVICE_LINKED_ROLE_PATH = '/aws-service-role/restore-testing.backup.amazonaws.com/';

const here = (call: Call): SimRegion => call.state.region(call.caller.accountId, call.region);

function requireName(call: Call, field: string, name: string | undefined): string {
  if (!name) fail(call, 'MissingParameterValueException', `${field} is required.`);
  if (!RESTORE_TESTING_NAME.test(name)) {
    fail(
      call,
      'InvalidParameterValueException',
      `${field} must consist of only alphanumeric characters and underscores, at most 50.`,
    );
  }
  return name;
}

function requirePlan(call: Call, name: string | undefined): SimRestoreTestingPlan {
  const plan = name ? here(call).restoreTestingPlans.get(name) : undefined;
  if (!plan) fail(call, 'ResourceNotFoundException', `Restore testing plan ${name} does not exist.`);
  return plan;
}

/** The first restore testing plan of an account creates AWS Backup's restore-testing service-linked role. */
function ensureServiceLinkedRole(call: Call): void {
  const account = call.state.account(call.caller.accountId);
  if (!account || account.roles.has(RESTORE_TESTING_SERVICE_LINKED_ROLE)) return;
  account.roles.set(RESTORE_TESTING_SERVICE_LINKED_ROLE, {
    name: RESTORE_TESTING_SERVICE_LINKED_ROLE,
    arn: `arn:aws:iam::${account.id}:role${SERVICE_LINKED_ROLE_PATH}${RESTORE_TESTING_SERVICE_LINKED_ROLE}`,
    roleId: `AROA${stableId(`restore-testing-slr:${account.id}`, 17).toUpperCase()}`,
    createDate: call.state.now,
    trustPolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'restore-testing.backup.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ],
    }),
    managedPolicyArns: [
      'arn:aws:iam::aws:policy/aws-service-role/AWSServiceRolePolicyForBackupRestoreTesting',
    ],
    inlinePolicies: new Map(),
  });
}

function restoreJobOut(job: SimRestoreJob): RestoreJobsListMember {
  return {
    AccountId: job.accountId,
    RestoreJobId: job.jobId,
    RecoveryPointArn: job.recoveryPointArn,
    RecoveryPointCreationDate: job.recoveryPointCreationDate,
    SourceResourceArn: job.sourceResourceArn,
    BackupVaultArn: job.vaultArn,
    CreationDate: job.creationDate,
    CompletionDate: job.completionDate,
    Status: job.status,
    StatusMessage: job.statusMessage,
    PercentDone: job.status === 'RUNNING' ? '50.00%' : '100.00%',
    IamRoleArn: job.iamRoleArn,
    CreatedResourceArn: job.createdResourceArn,
    ResourceType: job.resourceType,
    CreatedBy: { RestoreTestingPlanArn: job.restoreTestingPlanArn },
  };
}

export const restoreTestingHandlers: ServiceHandlers = {
  CreateRestoreTestingPlan: (call: Call, input: CreateRestoreTestingPlanCommandInput) => {
    const spec = input.RestoreTestingPlan;
    const name = requireName(call, 'RestoreTestingPlanName', spec?.RestoreTestingPlanName);
    const selection = spec?.RecoveryPointSelection;
    if (!spec?.ScheduleExpression || !selection?.Algorithm || !selection.IncludeVaults?.length) {
      fail(
        call,
        'MissingParameterValueException',
        'ScheduleExpression and RecoveryPointSelection (Algorithm, IncludeVaults, RecoveryPointTypes) are required.',
      );
    }
    const region = here(call);
    if (region.restoreTestingPlans.has(name)) {
      fail(call, 'AlreadyExistsException', `Restore testing plan ${name} already exists.`);
    }
    const plan: SimRestoreTestingPlan = {
      name,
      arn: restoreTestingPlanArn(call.caller.accountId, call.region, name),
      schedule: spec.ScheduleExpression,
      includeVaults: selection.IncludeVaults,
      windowDays: selection.SelectionWindowDays ?? 30,
      creationTime: call.state.now,
      selections: new Map(),
      runs: 0,
    };
    ensureServiceLinkedRole(call);
    region.restoreTestingPlans.set(name, plan);
    scheduleRestoreTests(call.jobs, call.state, region, plan);
    return { CreationTime: plan.creationTime, RestoreTestingPlanArn: plan.arn, RestoreTestingPlanName: name };
  },

  CreateRestoreTestingSelection: (call: Call, input: CreateRestoreTestingSelectionCommandInput) => {
    const plan = requirePlan(call, input.RestoreTestingPlanName);
    const spec = input.RestoreTestingSelection;
    const name = requireName(call, 'RestoreTestingSelectionName', spec?.RestoreTestingSelectionName);
    if (!spec?.IamRoleArn || !spec.ProtectedResourceType) {
      fail(call, 'MissingParameterValueException', 'IamRoleArn and ProtectedResourceType are required.');
    }
    if (!SELECTABLE_TYPES.has(spec.ProtectedResourceType)) {
      fail(
        call,
        'InvalidParameterValueException',
        `Unsupported ProtectedResourceType ${spec.ProtectedResourceType}.`,
      );
    }
    if (plan.selections.has(name)) {
      fail(call, 'AlreadyExistsException', `Restore testing selection ${name} already exists.`);
    }
    plan.selections.set(name, {
      name,
      resourceType: spec.ProtectedResourceType,
      iamRoleArn: spec.IamRoleArn,
      protectedResourceArns: spec.ProtectedResourceArns ?? [],
      stringEquals: (spec.ProtectedResourceConditions?.StringEquals ?? []).map((pair) => ({
        key: pair.Key ?? '',
        value: pair.Value ?? '',
      })),
      metadataOverrides: { ...(spec.RestoreMetadataOverrides ?? {}) },
      creationTime: call.state.now,
    });
    return {
      CreationTime: call.state.now,
      RestoreTestingPlanArn: plan.arn,
      RestoreTestingPlanName: plan.name,
      RestoreTestingSelectionName: name,
    };
  },

  ListRestoreTestingPlans: (call: Call, input: ListRestoreTestingPlansCommandInput) => {
    const plans = [...here(call).restoreTestingPlans.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((plan) => ({
        CreationTime: plan.creationTime,
        LastExecutionTime: plan.lastExecutionTime,
        RestoreTestingPlanArn: plan.arn,
        RestoreTestingPlanName: plan.name,
        ScheduleExpression: plan.schedule,
      }));
    const { items, NextToken } = page(call, plans, input, 'restore-testing-plans');
    return { RestoreTestingPlans: items, NextToken };
  },

  ListRestoreTestingSelections: (call: Call, input: ListRestoreTestingSelectionsCommandInput) => {
    const plan = requirePlan(call, input.RestoreTestingPlanName);
    const selections = [...plan.selections.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((selection) => ({
        CreationTime: selection.creationTime,
        IamRoleArn: selection.iamRoleArn,
        ProtectedResourceType: selection.resourceType,
        RestoreTestingPlanName: plan.name,
        RestoreTestingSelectionName: selection.name,
      }));
    const { items, NextToken } = page(call, selections, input, `restore-testing-selections:${plan.name}`);
    return { RestoreTestingSelections: items, NextToken };
  },

  ListRestoreJobs: (call: Call, input: ListRestoreJobsCommandInput) => {
    const jobs = here(call)
      .restoreJobs.filter(
        (job) =>
          (input.ByCreatedAfter === undefined || job.creationDate >= input.ByCreatedAfter) &&
          (input.ByCreatedBefore === undefined || job.creationDate <= input.ByCreatedBefore) &&
          (input.ByStatus === undefined || job.status === input.ByStatus) &&
          (input.ByResourceType === undefined || job.resourceType === input.ByResourceType) &&
          (input.ByRestoreTestingPlanArn === undefined ||
            job.restoreTestingPlanArn === input.ByRestoreTestingPlanArn),
      )
      .sort((a, b) => b.creationDate.getTime() - a.creationDate.getTime() || a.jobId.localeCompare(b.jobId))
      .map(restoreJobOut);
    const query = `restore-jobs:${input.ByCreatedAfter?.toISOString() ?? ''}:${input.ByStatus ?? ''}`;
    const { items, NextToken } = page(call, jobs, input, query);
    return { RestoreJobs: items, NextToken };
  },
};
