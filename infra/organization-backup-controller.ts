import { Aws, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnStackSet } from 'aws-cdk-lib/aws-cloudformation';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, type EventPattern, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { AnyPrincipal, type CfnRole, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import {
  LambdaInvoke as ScheduleLambdaInvoke,
  StepFunctionsStartExecution,
} from 'aws-cdk-lib/aws-scheduler-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { writeDeployedConfig } from '../shared/controller/deployed-config-writer.js';
import type { Config } from '../shared/domain/config/schema.js';
import { CENTRAL_EVENT_BUS_NAME } from '../shared/domain/desired.js';
import { ControllerError } from '../shared/domain/errors.js';
import { FINDINGS_TABLE } from '../shared/store/table.js';
import { backupServiceRole, eventForwardingRole } from './account-baseline.js';
import {
  ControllerFunction,
  DEFAULT_FUNCTION_LOG_LEVEL,
  type FunctionLogLevel,
  type HandlerName,
  handlerEntry,
} from './controller-function.js';
import { CENTRAL_BUS_PATTERNS, type EventPatternJson } from './event-patterns.js';
import { EvidenceArchive } from './evidence-archive.js';
import { concreteRegion, forwardingNeeds, ManagementForwarding } from './management-forwarding.js';
import {
  MEMBER_BASELINE_PARAMETERS,
  type MemberBaselineNames,
  renderMemberBaselineTemplate,
} from './member-baseline.js';
import { Monitoring } from './monitoring.js';
import {
  controllerPermissions,
  type PermissionNames,
  permissionStatements,
  SWEEP_PERMISSIONS,
} from './permissions.js';
import { ReportApi } from './report-api.js';
import {
  DEFAULT_EVENTS_MAX_CONCURRENCY,
  DEFAULT_FAN_OUT_CONCURRENCY,
  DEFAULT_SWEEP_PERIOD_HOURS,
  FUNCTION_MEMORY_MB,
  mapMaxConcurrency,
  sweepOverdueHours,
  TARGETS_PER_INVOCATION,
} from './sizing.js';
import { MAP_RESULTS_PREFIX, SweepWorkflow } from './sweep-workflow.js';

/** Where the member baseline StackSet deploys (service-managed: the root, OUs, or accounts through the root). */
export interface MemberDeploymentTargets {
  /** Root id (`r-…`) and/or OU ids (`ou-…`); accounts that join them later get the baseline automatically. */
  readonly organizationalUnitIds: readonly string[];
  /** Single accounts (config `attachTo` entries that are account ids). */
  readonly accountIds?: readonly string[];
  /** The organization root id; needed when `accountIds` is not empty (they are deployed through it). */
  readonly rootId?: string;
  /** Accounts inside those OUs that must not get the baseline (config `excludeAccounts`). */
  readonly excludedAccountIds?: readonly string[];
}

export class MemberTargetsError extends ControllerError {}

export interface OrganizationBackupControllerProps {
  /** The validated config (`validateConfig` output); it reaches every function as one JSON document. */
  readonly config: Config;
  /** The organization id (`o-…`): the central bus accepts events only from it, roles are assumed only in it. */
  readonly organizationId: string;
  /** Where the member baseline (execution role, event forwarding) is deployed. */
  readonly memberTargets: MemberDeploymentTargets;
  /** Names shared with the controller's own checks of each member account. */
  readonly memberNames: MemberBaselineNames;
  /**
   * False when `config.memberRoleName` is an existing role in every account (OrganizationAccountAccessRole,
   * AWSControlTowerExecution): the StackSet then deploys event forwarding only. @default true
   */
  readonly createMemberExecutionRole?: boolean;
  /** Context for the private App that renders the member template (feature flags). @default {} */
  readonly memberTemplateContext?: Record<string, unknown>;
  /** E-mail addresses subscribed to alerts. @default config.alerts.emails */
  readonly alertEmails?: readonly string[];
  /** Secrets Manager secret holding the Slack webhook URL; only the notify function may read it. @default config.alerts.slackWebhookSecretName */
  readonly slackSecretName?: string | null;
  /**
   * Hours between full sweeps (1 to 24); events reconcile what they concern in between.
   * @default DEFAULT_SWEEP_PERIOD_HOURS (6)
   */
  readonly sweepPeriodHours?: number;
  /** When the daily digest goes out. @default 08:00 UTC every day */
  readonly digestSchedule?: ScheduleExpression;
  /** Retention of every log group the construct creates. @default one month */
  readonly logRetention?: RetentionDays;
  /**
   * The functions' log level (default `WARN`): warnings and errors only. The metrics are EMF records, not
   * log lines, so they are kept at any level; `INFO` adds a few lines per invocation (billed per GB).
   */
  readonly functionLogLevel?: FunctionLogLevel;
  /**
   * Targets reconciled in parallel by the sweep, in batches of `TARGETS_PER_INVOCATION` (the Distributed
   * Map's MaxConcurrency is this divided by the batch size). @default 300
   */
  readonly fanOutConcurrency?: number;
  /**
   * Most concurrent events-function invocations the queue may start (event source MaximumConcurrency), so
   * an event burst cannot take the Lambda concurrency the sweep's reconciles need. @default 5
   */
  readonly eventsMaxConcurrency?: number;
  /**
   * The dead-man alarm fires when no sweep has succeeded for this long.
   * @default two sweep periods and an hour (13 hours at the default period)
   */
  readonly sweepOverdueAfter?: Duration;
  /**
   * Where each handler's source is. @default functions/<handler>.ts (tests that skip bundling point every
   * handler at any existing file).
   */
  readonly handlerEntry?: (handler: HandlerName) => string;
  /** Report API stage throttling (requests per second, burst). @default 10 / 20 */
  readonly apiThrottling?: { readonly rateLimit: number; readonly burstLimit: number };
}

/** Lambda's limit for all environment variables of one function together. */
const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;
/** Left for the other variables when the config document is sized. */
const ENVIRONMENT_HEADROOM_BYTES = 1024;

const MEMBER_STACK_SET_NAME = 'org-backup-controller-member-baseline';

/**
 * SQS redelivers a message whose invocation outlives the visibility timeout; AWS recommends at least six
 * times the function timeout plus the batching window, so retries of a throttled function do not turn
 * into duplicate deliveries. https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 */
const VISIBILITY_TIMEOUT_FACTOR = 6;

/** Keys made for EventBridge's JSON casing; CDK passes unknown pattern keys through unchanged. */
const eventPattern = (pattern: EventPatternJson) => pattern as EventPattern;

export class ConfigTooLargeForEnvironmentError extends ControllerError {
  constructor(bytes: number) {
    super(
      'CONFIG_TOO_LARGE_FOR_ENVIRONMENT',
      `The validated config document is ${bytes} bytes as JSON; Lambda allows ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} bytes of ` +
        `environment in total and ${ENVIRONMENT_HEADROOM_BYTES} are kept for the other variables. Shorten the ` +
        'config (fewer plans, shorter names).',
    );
  }
}

/**
 * The config, validated here at synth, as the one document the functions read from ORGBACKUP_CONFIG
 * (shared/controller/deployed-config.ts: its schema fingerprint and digest, checked without the validator).
 */
export function configDocument(config: Config): string {
  const document = writeDeployedConfig(config);
  const bytes = Buffer.byteLength(document, 'utf8');
  if (bytes > LAMBDA_ENVIRONMENT_LIMIT_BYTES - ENVIRONMENT_HEADROOM_BYTES) {
    throw new ConfigTooLargeForEnvironmentError(bytes);
  }
  return document;
}

const pascal = (name: string) =>
  name.replace(/(^|[-_])(\w)/g, (_match, _separator, letter: string) => letter.toUpperCase());

const slackSecretName = (props: OrganizationBackupControllerProps): string | null =>
  props.slackSecretName === undefined ? props.config.alerts.slackWebhookSecretName : props.slackSecretName;

/**
 * The whole org-backup-controller in the management account: findings store, a sweep every `sweepPeriodHours` (default 6) fanned out over
 * every {account, Region}, central event intake, notifications, report API, alarms and dashboard, the
 * management account's own backup and forwarding roles — plus the service-managed StackSet that gives every
 * member account the controller's execution role, the AWS Backup role and event forwarding.
 */
export class OrganizationBackupController extends Construct {
  readonly findingsTable: Table;
  readonly idempotencyTable: Table;
  readonly eventBus: IEventBus;
  readonly alertTopic: Topic;
  readonly reportApi: ReportApi;
  readonly evidence: EvidenceArchive;
  readonly sweep: SweepWorkflow;
  readonly memberStackSet: CfnStackSet;
  /** What the controller's writes are scoped to (here and in the member baseline). */
  readonly permissionNames: PermissionNames;
  /** The management account's forwarding role, which its other Regions' forwarding rules use. */
  readonly forwardingRole: CfnRole;

  constructor(scope: Construct, id: string, props: OrganizationBackupControllerProps) {
    super(scope, id);
    const { config } = props;
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const secretName = slackSecretName(props);

    this.findingsTable = new Table(this, 'Findings', {
      partitionKey: { name: FINDINGS_TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: FINDINGS_TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: FINDINGS_TABLE.ttlAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of [FINDINGS_TABLE.collectionsIndex, FINDINGS_TABLE.byRegionIndex]) {
      this.findingsTable.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      });
    }
    const { countsIndex } = FINDINGS_TABLE;
    this.findingsTable.addGlobalSecondaryIndex({
      indexName: countsIndex.name,
      partitionKey: { name: countsIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: countsIndex.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...countsIndex.projectedAttributes],
    });
    // Powertools idempotency records: key `id`, expiry `expiration` (its DynamoDBPersistenceLayer defaults).
    this.idempotencyTable = new Table(this, 'Idempotency', {
      partitionKey: { name: 'id', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expiration',
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // A customer-managed key, because CloudWatch alarms cannot publish to a topic under the AWS-managed SNS key.
    const alertKey = new Key(this, 'AlertKey', {
      description: 'org-backup-controller alert topic',
      enableKeyRotation: true,
    });
    alertKey.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.alertTopic = new Topic(this, 'Alerts', {
      displayName: 'org-backup-controller alerts',
      masterKey: alertKey,
      enforceSSL: true,
    });
    this.alertTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarms',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alertTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    for (const email of props.alertEmails ?? config.alerts.emails) {
      this.alertTopic.addSubscription(new EmailSubscription(email));
    }

    const bus = new EventBus(this, 'CentralBus', { eventBusName: CENTRAL_EVENT_BUS_NAME });
    bus.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OrganizationPutEvents',
        principals: [new AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [bus.eventBusArn],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
      }),
    );
    // aws-cdk-lib declares EventBus.eventSourceName as `string | undefined` where IEventBus has it optional, which
    // exactOptionalPropertyTypes rejects although the class implements the interface.
    this.eventBus = bus as IEventBus;

    const sweepBucket = new Bucket(this, 'SweepTargets', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(7) }],
      // Retained: a bucket with objects cannot be deleted by CloudFormation; the lifecycle rule empties it.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const environment = {
      ORGBACKUP_CONFIG: configDocument(config),
      ORGANIZATION_ID: props.organizationId,
      MANAGEMENT_ACCOUNT_ID: Aws.ACCOUNT_ID,
      FINDINGS_TABLE_NAME: this.findingsTable.tableName,
      IDEMPOTENCY_TABLE_NAME: this.idempotencyTable.tableName,
      EVENT_BUS_ARN: bus.eventBusArn,
    };
    const entryOf = props.handlerEntry ?? handlerEntry;
    const fn = (
      handler: HandlerName,
      extra: {
        description: string;
        timeout: Duration;
        environment?: Record<string, string>;
      },
    ) =>
      new ControllerFunction(this, `${pascal(handler)}Function`, {
        handler,
        entry: entryOf(handler),
        description: extra.description,
        timeout: extra.timeout,
        memorySize: FUNCTION_MEMORY_MB[handler],
        logRetention,
        environment: { ...environment, ...extra.environment },
        logLevel: props.functionLogLevel ?? DEFAULT_FUNCTION_LOG_LEVEL,
      });

    const alerting = {
      ALERT_TOPIC_ARN: this.alertTopic.topicArn,
      ...(secretName ? { SLACK_SECRET_NAME: secretName } : {}),
    };
    const notify = fn('notify', {
      description: "Sends a run's grouped alerts and the daily digest (SNS, Slack).",
      timeout: Duration.minutes(1),
      environment: alerting,
    });
    // Reconcile runs inside an EXPRESS child workflow (5 minutes at most), so it must finish well within that.
    const reconcile = fn('reconcile-target', {
      description: 'Reconciles one target: observe, plan, apply (enforce), evaluate, store.',
      timeout: Duration.minutes(3),
    });
    const sweepFn = fn('sweep', {
      description: 'Lists the organization and writes the {account, Region} targets of one sweep to S3.',
      timeout: Duration.minutes(5),
      environment: { SWEEP_BUCKET_NAME: sweepBucket.bucketName },
    });
    // Events reconcile the targets they name in the same invocation (same use case as the sweep's items)
    // and send that run's alerts, so they need the reconcile permissions and the alerting settings.
    const events = fn('events', {
      description: 'Maps central-bus events to targets (or one finding at once), reconciles them, alerts.',
      timeout: Duration.minutes(3),
      environment: alerting,
    });
    const report = fn('report', {
      description: 'Serves the compliance report (JSON / CSV) from the findings store.',
      timeout: Duration.seconds(29),
    });

    // Reconciling a target happens in the sweep's items and in the events function (for the targets its
    // events name): both hold the org writes, the management account's own target (the StackSet skips it,
    // so it is reconciled with the function's role) and AssumeRole into the member role.
    const permissionNames: PermissionNames = {
      organizationId: props.organizationId,
      backupRoleName: config.backupRoleName,
      vaultNames: [config.vault.name, ...(config.centralVault ? [config.centralVault.name] : [])],
    };
    this.permissionNames = permissionNames;
    const reconcileStatements = permissionStatements(
      [...new Set([...controllerPermissions('management'), ...controllerPermissions('member')])],
      permissionNames,
    );
    const assumeMemberRole = new PolicyStatement({
      sid: 'AssumeMemberExecutionRole',
      actions: ['sts:AssumeRole'],
      resources: [`arn:${Aws.PARTITION}:iam::*:role/${config.memberRoleName}`],
      conditions: { StringEquals: { 'aws:ResourceOrgID': props.organizationId } },
    });
    const memberReconcilers = [reconcile, events];
    for (const reconciler of memberReconcilers) {
      for (const statement of [...reconcileStatements, assumeMemberRole]) {
        reconciler.role.addToPrincipalPolicy(statement);
      }
    }
    for (const statement of permissionStatements(SWEEP_PERMISSIONS, permissionNames)) {
      sweepFn.role.addToPrincipalPolicy(statement);
    }
    for (const writer of [reconcile, events, notify]) this.findingsTable.grantReadWriteData(writer.role);
    this.findingsTable.grantReadWriteData(sweepFn.role);
    this.findingsTable.grantReadData(report.role);
    this.idempotencyTable.grantReadWriteData(events.role);
    sweepBucket.grantPut(sweepFn.role);
    notify.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadFanOutResults',
        actions: ['s3:GetObject'],
        resources: [sweepBucket.arnForObjects(`${MAP_RESULTS_PREFIX}/*`)],
      }),
    );
    const slackSecret = secretName ? Secret.fromSecretNameV2(this, 'SlackWebhook', secretName) : undefined;
    for (const sender of [notify, events]) {
      this.alertTopic.grantPublish(sender.role);
      slackSecret?.grantRead(sender.role);
    }

    // Event intake: bus rules -> encrypted queue (with DLQ) -> events function, partial batch failures.
    const eventsDeadLetters = new Queue(this, 'EventsDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const eventsBatchingWindow = Duration.seconds(5);
    const eventsQueue = new Queue(this, 'EventsQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(
        VISIBILITY_TIMEOUT_FACTOR * events.function.timeout!.toSeconds() + eventsBatchingWindow.toSeconds(),
      ),
      deadLetterQueue: { queue: eventsDeadLetters, maxReceiveCount: 5 },
    });
    events.function.addEventSource(
      new SqsEventSource(eventsQueue, {
        batchSize: 10,
        maxBatchingWindow: eventsBatchingWindow,
        reportBatchItemFailures: true,
        maxConcurrency: props.eventsMaxConcurrency ?? DEFAULT_EVENTS_MAX_CONCURRENCY,
      }),
    );
    const queueTarget = new SqsQueue(eventsQueue, { deadLetterQueue: eventsDeadLetters, retryAttempts: 8 });
    // Every account and Region, the management account's included, forwards to the central bus.
    for (const [patternId, pattern] of Object.entries(CENTRAL_BUS_PATTERNS)) {
      new Rule(this, `Central${pascal(patternId)}`, {
        eventBus: bus,
        eventPattern: eventPattern(pattern),
        targets: [queueTarget],
      });
    }
    // The management account is a target like any other, but StackSets never deploy to it: this stack
    // owns its backup role and its forwarding role (the per-Region forwarding stacks use the latter).
    backupServiceRole(this, 'BackupServiceRole', props.memberNames.backupRole);
    this.forwardingRole = eventForwardingRole(this, 'EventForwardingRole', {
      roleName: props.memberNames.forwardingRoleName,
      centralEventBusArn: bus.eventBusArn,
    });
    // This Region's own events arrive on its default bus and go to the central bus like any other's.
    const forwarding = new ManagementForwarding(this, 'Forwarding', {
      names: props.memberNames,
      centralEventBusArn: bus.eventBusArn,
      ...forwardingNeeds(concreteRegion(Stack.of(this)), config.regions),
    });
    forwarding.node.addDependency(this.forwardingRole);

    this.sweep = new SweepWorkflow(this, 'SweepWorkflow', {
      sweepFunction: sweepFn.function,
      reconcileFunction: reconcile.function,
      notifyFunction: notify.function,
      // Bucket.isWebsite is `boolean | undefined` where IBucket has it optional, as with the event bus above.
      targetsBucket: sweepBucket as IBucket,
      maxConcurrency: mapMaxConcurrency(props.fanOutConcurrency ?? DEFAULT_FAN_OUT_CONCURRENCY),
      targetsPerInvocation: TARGETS_PER_INVOCATION,
      logRetention,
    });
    const sweepPeriodHours = props.sweepPeriodHours ?? DEFAULT_SWEEP_PERIOD_HOURS;
    if (!Number.isInteger(sweepPeriodHours) || sweepPeriodHours < 1 || sweepPeriodHours > 24) {
      throw new SweepPeriodError(sweepPeriodHours);
    }
    // A schedule target that still fails after its retries lands here (and alarms) instead of vanishing.
    const scheduleDeadLetters = new Queue(this, 'ScheduleDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    new Schedule(this, 'SweepSchedule', {
      description: 'Starts the org-backup-controller sweep.',
      schedule: ScheduleExpression.rate(Duration.hours(sweepPeriodHours)),
      target: new StepFunctionsStartExecution(this.sweep.stateMachine, {
        deadLetterQueue: scheduleDeadLetters,
      }),
    });
    new Schedule(this, 'DailyDigest', {
      description: 'Sends the org-backup-controller daily digest.',
      schedule: props.digestSchedule ?? ScheduleExpression.cron({ hour: '8', minute: '0' }),
      target: new ScheduleLambdaInvoke(notify.function, {
        input: ScheduleTargetInput.fromObject({ kind: 'digest' }),
        deadLetterQueue: scheduleDeadLetters,
      }),
    });

    const evidence = fn('evidence', {
      description:
        'Writes the daily evidence pack (report, CSVs, printable page, manifest) to the evidence bucket.',
      timeout: Duration.minutes(10),
    });
    this.findingsTable.grantReadData(evidence.role);
    this.evidence = new EvidenceArchive(this, 'Evidence', {
      writer: evidence.function,
      retentionDays: config.report.evidenceRetentionDays,
      deadLetterQueue: scheduleDeadLetters,
    });

    this.reportApi = new ReportApi(this, 'Report', {
      organizationId: props.organizationId,
      readers: config.report.readers,
      handler: report.function,
      logRetention,
      throttlingRateLimit: props.apiThrottling?.rateLimit ?? 10,
      throttlingBurstLimit: props.apiThrottling?.burstLimit ?? 20,
    });
    // Alerts name the command that opens the dashboard on this API, unless the config names another URL.
    if (!config.report.endpoint) {
      for (const sender of [notify, events]) {
        sender.function.addEnvironment('REPORT_API_URL', this.reportApi.api.url);
      }
    }

    new Monitoring(this, 'Monitoring', {
      sweepOverdueAfter: props.sweepOverdueAfter ?? Duration.hours(sweepOverdueHours(sweepPeriodHours)),
      alertTopic: this.alertTopic,
      functions: {
        Sweep: sweepFn.function,
        Reconcile: reconcile.function,
        Events: events.function,
        Notify: notify.function,
        Report: report.function,
        Evidence: evidence.function,
      },
      deadLetterQueues: { Events: eventsDeadLetters, Schedules: scheduleDeadLetters },
      sweep: this.sweep.stateMachine,
    });

    this.memberStackSet = this.memberBaselineStackSet(
      props,
      permissionNames,
      memberReconcilers.map((reconciler) => reconciler.role.roleArn),
      bus.eventBusArn,
    );
  }

  private memberBaselineStackSet(
    props: OrganizationBackupControllerProps,
    permissionNames: PermissionNames,
    controllerRoleArns: readonly string[],
    centralEventBusArn: string,
  ): CfnStackSet {
    const regions = props.config.regions;
    const globalResourcesRegion = regions[0]!;
    const templateBody = renderMemberBaselineTemplate(
      {
        names: props.memberNames,
        permissionNames,
        createExecutionRole: props.createMemberExecutionRole ?? true,
      },
      props.memberTemplateContext ?? {},
    );
    return new CfnStackSet(this, 'MemberBaseline', {
      stackSetName: MEMBER_STACK_SET_NAME,
      description:
        'org-backup-controller: controller execution role, AWS Backup role and event forwarding in member accounts',
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      callAs: 'SELF',
      templateBody,
      parameters: [
        {
          parameterKey: MEMBER_BASELINE_PARAMETERS.controllerRoleArns,
          parameterValue: Fn.join(',', [...controllerRoleArns]),
        },
        { parameterKey: MEMBER_BASELINE_PARAMETERS.centralEventBusArn, parameterValue: centralEventBusArn },
        {
          parameterKey: MEMBER_BASELINE_PARAMETERS.globalResourcesRegion,
          parameterValue: globalResourcesRegion,
        },
      ],
      // The Region holding the account-global roles goes first, so the other Regions' rules find them.
      operationPreferences: {
        regionConcurrencyType: 'SEQUENTIAL',
        regionOrder: [...regions],
        failureTolerancePercentage: 10,
        maxConcurrentPercentage: 25,
      },
      stackInstancesGroup: stackInstancesGroups(props.memberTargets, regions),
    });
  }
}

function stackInstancesGroups(
  targets: MemberDeploymentTargets,
  regions: readonly string[],
): CfnStackSet.StackInstancesProperty[] {
  const excluded = targets.excludedAccountIds ?? [];
  const accountIds = targets.accountIds ?? [];
  const groups: CfnStackSet.StackInstancesProperty[] = [];
  if (targets.organizationalUnitIds.length > 0) {
    groups.push({
      regions: [...regions],
      deploymentTargets: {
        organizationalUnitIds: [...targets.organizationalUnitIds],
        ...(excluded.length > 0 ? { accountFilterType: 'DIFFERENCE', accounts: [...excluded] } : {}),
      },
    });
  }
  if (accountIds.length > 0) {
    if (targets.rootId === undefined) {
      throw new MemberTargetsError(
        'ROOT_ID_REQUIRED',
        `attachTo lists accounts (${accountIds.join(', ')}); the StackSet reaches them through the root, so ` +
          'the root id is needed (context organizationalUnitIds {"root": "r-…"}).',
      );
    }
    groups.push({
      regions: [...regions],
      deploymentTargets: {
        organizationalUnitIds: [targets.rootId],
        accountFilterType: 'INTERSECTION',
        accounts: accountIds.filter((id) => !excluded.includes(id)),
      },
    });
  }
  if (groups.length === 0) {
    throw new MemberTargetsError(
      'NO_MEMBER_TARGETS',
      'The member baseline has no root, OU or account to deploy to.',
    );
  }
  return groups;
}

/** A sweep period the schedule and the dead-man alarm cannot use. */
export class SweepPeriodError extends ControllerError {
  constructor(hours: number) {
    super(
      'SWEEP_PERIOD',
      `sweepPeriodHours must be a whole number of hours from 1 to 24; got ${hours}. Set it in cdk.json or with -c sweepPeriodHours=6.`,
    );
  }
}
