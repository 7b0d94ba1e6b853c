import { type CfnElement, type Stack, Token, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { RESTORE_TESTING_PLAN_NAME } from '../shared/domain/evaluate/restore-tests.js';
import { MAP_RESULTS_PREFIX } from './sweep-workflow.js';

/**
 * Every cdk-nag (AwsSolutions) finding the project accepts, with the reason, in one place. Anything not
 * listed here fails `cdk synth`. Acknowledgements are attached to the narrowest construct that carries the
 * finding, so a new resource with the same problem is still reported.
 */

interface Acknowledgement {
  /** Path below the stack, e.g. `Controller/SweepFunction/Role`; empty for the whole stack. */
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

const READS_ON_ANY_RESOURCE =
  'Only reads (Get/List/Describe) and the AWS Backup settings writes that have no resource type ' +
  '(UpdateRegionSettings, UpdateGlobalSettings, backup-storage:MountCapsule) are on `*`: the controller ' +
  'discovers what it reads in every account and Region. Every other write names its resources or carries ' +
  'conditions (infra/permissions.ts fails synthesis for an unscoped write).';
const VAULTS_IN_EVERY_REGION =
  'Vault writes name the configured vaults; the Region is any of the policy Regions, the account is the ' +
  'one the role lives in.';
const KEYS_WITH_CONDITIONS =
  'KMS writes are conditioned, not scoped by key: CreateGrant only to the backup role with the backup ' +
  'operations or by AWS Backup for itself (kms:GrantIsForAWSResource, kms:ViaService), key use only through ' +
  'AWS Backup (kms:ViaService). Keys are chosen per resource by each team, so no key ARN is known.';
const BACKUP_MANAGED_POLICIES =
  'AWS Backup documents these AWS managed policies for its service role; they follow new resource types ' +
  'and features as AWS adds them, which a copy could not. ' +
  'https://docs.aws.amazon.com/aws-backup/latest/devguide/iam-service-roles.html';

/** Acknowledgements for the roles every account gets (member baseline, and the management stack's own). */
function accountRoleAcknowledgements(
  prefix: string,
  partition: string,
  account: string,
  names: AcknowledgementNames,
): Acknowledgement[] {
  return [
    ...names.backupManagedPolicyArns.map((arn) => ({
      path: `${prefix}BackupServiceRole`,
      id: `AwsSolutions-IAM4[Policy::${arn}]`,
      reason: BACKUP_MANAGED_POLICIES,
    })),
    ...reconcilerAcknowledgements(`${prefix}ControllerExecutionRole`, partition, account, names),
  ];
}

/** What a role holding the reconcile permissions needs acknowledged. */
function reconcilerAcknowledgements(
  path: string,
  partition: string,
  account: string,
  names: AcknowledgementNames,
): Acknowledgement[] {
  return [
    { path, id: 'AwsSolutions-IAM5[Resource::*]', reason: READS_ON_ANY_RESOURCE },
    {
      path,
      id: `AwsSolutions-IAM5[Resource::arn:${partition}:kms:*:${account}:key/*]`,
      reason: KEYS_WITH_CONDITIONS,
    },
    ...names.vaultNames.map((vault) => ({
      path,
      id: `AwsSolutions-IAM5[Resource::arn:${partition}:backup:*:${account}:backup-vault:${vault}]`,
      reason: VAULTS_IN_EVERY_REGION,
    })),
    {
      path,
      id: `AwsSolutions-IAM5[Resource::arn:${partition}:backup:*:${account}:restore-testing-plan:${RESTORE_TESTING_PLAN_NAME}-*]`,
      reason:
        "The controller's own restore testing plan, in every Region: AWS appends an id to the plan's name in its ARN.",
    },
  ];
}

/** The config-derived names that appear in acknowledged finding ids. */
export interface AcknowledgementNames {
  readonly memberRoleName: string;
  readonly organizationId: string;
  readonly vaultNames: readonly string[];
  readonly backupManagedPolicyArns: readonly string[];
}

const XRAY =
  'Active X-Ray tracing needs xray:PutTraceSegments/PutTelemetryRecords, which support no resource-level ' +
  'permissions.';
const TABLE_INDEXES =
  'Grants on the findings table include its GSIs (by status, by Region), which the report and store query.';
const FUNCTION_VERSIONS = 'Invoking a function includes its versions and aliases (<arn>:*), nothing else.';
const NODE_22 =
  'Node.js 22 is the runtime this project is built and tested for (esbuild target node22, Powertools 2.35, ' +
  'SDK v3); moving to 24 is planned once the toolchain is verified on it (toolchain.md G2).';
const IAM_ONLY_API =
  'The report API is for operators and automation with AWS credentials: every method uses IAM (SigV4) ' +
  'authorization, so there is no user pool.';

const functionRole = (fn: string) => `Controller/${fn}Function/Role`;

/**
 * cdk-nag names findings after the rendered ARN: pseudo parameters and logical ids appear as `<…>` while
 * unresolved, literally once the stack has an account/Region (as under `cdk synth` with credentials).
 */
function arnText(stack: Stack) {
  const text = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
  const logicalId = (path: string) => stack.getLogicalId(find(stack, path).node.defaultChild as CfnElement);
  return {
    partition: text(stack.partition, 'Partition'),
    region: text(stack.region, 'Region'),
    account: text(stack.account, 'AccountId'),
    getAtt: (path: string, attribute = 'Arn') => `<${logicalId(path)}.${attribute}>`,
    ref: (path: string) => `<${logicalId(path)}>`,
    logicalId,
  };
}

const PSEUDO_PARTITION = '<AWS::Partition>';
const PSEUDO_ACCOUNT = '<AWS::AccountId>';

function controllerAcknowledgements(stack: Stack, names: AcknowledgementNames): Acknowledgement[] {
  const arn = arnText(stack);
  const table = arn.getAtt('Controller/Findings');
  const notify = arn.getAtt('Controller/NotifyFunction/Function');
  const reconcile = arn.getAtt('Controller/ReconcileTargetFunction/Function');
  const sweep = arn.getAtt('Controller/SweepFunction/Function');
  const executions = `arn:${arn.partition}:states:${arn.region}:${arn.account}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${arn.logicalId('Controller/SweepWorkflow/StateMachine')}"}]}]}`;
  const organizations = (resource: string) =>
    `arn:${PSEUDO_PARTITION}:organizations::${PSEUDO_ACCOUNT}:${resource}/${names.organizationId}/*`;
  return [
    ...['Sweep', 'ReconcileTarget', 'Events', 'Notify', 'Report', 'Evidence'].flatMap((fn) => [
      { path: `Controller/${fn}Function/Function`, id: 'AwsSolutions-L1', reason: NODE_22 },
      {
        path: functionRole(fn),
        id: `AwsSolutions-IAM5[Resource::${table}/index/*]`,
        reason: TABLE_INDEXES,
      },
    ]),
    ...['Notify', 'Report', 'Evidence'].map((fn) => ({
      path: functionRole(fn),
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: XRAY,
    })),
    {
      path: functionRole('Sweep'),
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `The sweep only lists the organization (no resource-level permissions). ${XRAY}`,
    },
    // Events reconcile the targets they name with the same use case as the sweep's items, so the events
    // function carries the reconcile function's permissions.
    ...['ReconcileTarget', 'Events'].flatMap((fn) => [
      ...reconcilerAcknowledgements(functionRole(fn), PSEUDO_PARTITION, PSEUDO_ACCOUNT, names).map((ack) =>
        ack.id === 'AwsSolutions-IAM5[Resource::*]' ? { ...ack, reason: `${ack.reason} ${XRAY}` } : ack,
      ),
      ...['root', 'ou', 'account'].map((resource) => ({
        path: functionRole(fn),
        id: `AwsSolutions-IAM5[Resource::${organizations(resource)}]`,
        reason:
          'Organizations writes are limited to this organization and, by the organizations:PolicyType ' +
          'condition, to backup policies; which roots, OUs and accounts the config attaches to can change.',
      })),
      {
        path: functionRole(fn),
        id: `AwsSolutions-IAM5[Resource::arn:${PSEUDO_PARTITION}:organizations::${PSEUDO_ACCOUNT}:policy/${names.organizationId}/backup_policy/*]`,
        reason:
          'Any backup policy of this organization: the controller creates its own, whose id AWS assigns.',
      },
      {
        path: functionRole(fn),
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${names.memberRoleName}]`,
        reason:
          'The controller assumes its execution role in every member account; the account is any account, but ' +
          'aws:ResourceOrgID limits it to roles inside this organization.',
      },
    ]),
    ...accountRoleAcknowledgements('Controller/', PSEUDO_PARTITION, PSEUDO_ACCOUNT, names).filter(
      (ack) => !ack.path.endsWith('ControllerExecutionRole'),
    ),
    ...['Notify', 'Events'].map((fn) => ({
      path: functionRole(fn),
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Publishing to the KMS-encrypted alert topic needs GenerateDataKey* on that one key (CDK grant); both ' +
        'the notify function (sweeps, digest) and the events function (event-driven runs) send alerts.',
    })),
    {
      path: functionRole('Sweep'),
      id: 'AwsSolutions-IAM5[Action::s3:Abort*]',
      reason: 'CDK grantPut: the sweep writes (and may abort uploading) target lists in its own bucket only.',
    },
    {
      path: functionRole('Sweep'),
      id: `AwsSolutions-IAM5[Resource::${arn.getAtt('Controller/SweepTargets')}/*]`,
      reason:
        'Each sweep writes a new object (sweeps/<runId>.json) into the bucket that exists for this purpose.',
    },
    {
      path: functionRole('Notify'),
      id: `AwsSolutions-IAM5[Resource::${arn.getAtt('Controller/SweepTargets')}/${MAP_RESULTS_PREFIX}/*]`,
      reason:
        "The notify step reads the run's fan-out results (one manifest and result files per sweep, named by " +
        'Step Functions) under the results prefix only.',
    },
    {
      path: 'Controller/SweepWorkflow/StateMachine',
      id: 'AwsSolutions-SF1',
      reason:
        'Errors only: every sweep starts one child execution per account and Region (20,000 an hour at ' +
        '5,000 accounts), so logging ALL events would write millions of log events a day; each item records ' +
        'its own outcome in the fan-out results instead.',
    },
    {
      path: 'Controller/ScheduleDeadLetters',
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the hourly sweep and daily digest schedules; its depth alarms.',
    },
    {
      path: 'Controller/SweepTargets',
      id: 'AwsSolutions-S1',
      reason:
        'The bucket only holds the sweep target lists and Map results, written and read by the controller ' +
        'itself and expired after 7 days; access is visible in CloudTrail, a log bucket would add nothing.',
    },
    ...[
      'AwsSolutions-IAM5[Resource::*]',
      `AwsSolutions-IAM5[Resource::${reconcile}:*]`,
      `AwsSolutions-IAM5[Resource::${sweep}:*]`,
      `AwsSolutions-IAM5[Resource::${notify}:*]`,
      // The S3 item reader always renders AWS::Partition, even when the stack's partition is known.
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${arn.ref('Controller/SweepTargets')}/*]`,
      `AwsSolutions-IAM5[Resource::${executions}:*]`,
      `AwsSolutions-IAM5[Resource::${executions}/*:*]`,
    ].map((id) => ({
      path: 'Controller/SweepWorkflow/StateMachine',
      id,
      reason:
        'Generated by CDK for the Distributed Map: it runs and describes its own child executions, reads the ' +
        'target lists and writes results in the sweep bucket, invokes its three functions (with versions) and ' +
        'traces with X-Ray (no resource-level permissions).',
    })),
    {
      path: 'SchedulerRoleForTarget-73ae50',
      id: `AwsSolutions-IAM5[Resource::${notify}:*]`,
      reason: `The daily-digest schedule invokes the notify function. ${FUNCTION_VERSIONS}`,
    },
    ...evidenceAcknowledgements(arn),
    {
      path: 'Controller/Report/Api',
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'API Gateway needs an account-level CloudWatch Logs role for access and execution logs; this AWS ' +
        'managed policy is the documented one for it.',
    },
    {
      path: 'Controller/Report/Api',
      id: 'AwsSolutions-APIG3',
      reason:
        'Every method requires IAM (SigV4) authorization and the stage is throttled; unauthenticated traffic is ' +
        'rejected before it reaches the function, so a WAF web ACL adds cost without protecting data.',
    },
    { path: 'Controller/Report/Api', id: 'AwsSolutions-COG4', reason: IAM_ONLY_API },
  ];
}

/** The evidence archive: its writer function's CDK grants, its schedule, and the bucket's access logs. */
function evidenceAcknowledgements(arn: ReturnType<typeof arnText>): Acknowledgement[] {
  const writes =
    'CDK grantPut on the evidence bucket: each daily pack is new objects (evidence/<time>/…) in the bucket ' +
    'that exists for them, encrypted with its own key; nothing can delete or unlock them.';
  return [
    ...[
      'AwsSolutions-IAM5[Action::s3:Abort*]',
      `AwsSolutions-IAM5[Resource::${arn.getAtt('Controller/Evidence/Bucket')}/*]`,
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
    ].map((id) => ({ path: functionRole('Evidence'), id, reason: writes })),
    {
      path: 'Controller/Evidence/ScheduleRole',
      id: `AwsSolutions-IAM5[Resource::${arn.getAtt('Controller/EvidenceFunction/Function')}:*]`,
      reason: `The daily evidence schedule invokes the evidence function. ${FUNCTION_VERSIONS}`,
    },
    {
      path: 'Controller/Evidence/Bucket',
      id: 'AwsSolutions-S1',
      reason:
        'Only the evidence function writes here and objects cannot be changed or deleted while locked; who ' +
        'reads a pack is recorded by CloudTrail, so a second bucket of access logs would add nothing to audit.',
    },
  ];
}

function find(stack: Stack, path: string): IConstruct {
  return path
    .split('/')
    .filter((part) => part !== '')
    .reduce<IConstruct>((node, part) => node.node.findChild(part), stack);
}

function acknowledge(stack: Stack, acknowledgements: readonly Acknowledgement[]): void {
  for (const { path, id, reason } of acknowledgements)
    Validations.of(find(stack, path)).acknowledge({ id, reason });
}

/** For the stack holding an OrganizationBackupController with the id `Controller`. */
export function acknowledgeControllerFindings(stack: Stack, names: AcknowledgementNames): void {
  acknowledge(stack, controllerAcknowledgements(stack, names));
}

/** `createExecutionRole: false` leaves the execution role out of the template. */
export function acknowledgeMemberBaselineFindings(
  stack: Stack,
  names: AcknowledgementNames,
  createExecutionRole: boolean,
): void {
  acknowledge(
    stack,
    accountRoleAcknowledgements('', PSEUDO_PARTITION, PSEUDO_ACCOUNT, names).filter(
      (ack) => createExecutionRole || ack.path !== 'ControllerExecutionRole',
    ),
  );
}
