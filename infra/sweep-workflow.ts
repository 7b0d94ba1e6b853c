import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import {
  DefinitionBody,
  DistributedMap,
  ItemBatcher,
  JitterType,
  JsonPath,
  LogLevel,
  OutputType,
  Pass,
  Result,
  ResultWriterV2,
  type RetryProps,
  S3JsonItemReader,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Transformation,
  WriterConfig,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

/** Where the Distributed Map writes each sweep's item outcomes in the targets bucket. */
export const MAP_RESULTS_PREFIX = 'map-results';

/**
 * A child workflow is EXPRESS, so it ends after five minutes whatever happens
 * (https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html). Only errors Lambda
 * returns without having run the handler to its end are retried: throttling, Lambda service errors and
 * client-side transport errors; never a timeout or the handler's own error (a batch records each failing
 * target itself). The waits (full jitter, at most 2 + 4 + 8 + 16 s) plus one batch at the function's
 * 180-s timeout stay inside the five minutes.
 */
export const TARGET_RETRY: RetryProps = {
  errors: ['Lambda.TooManyRequestsException', 'Lambda.ServiceException', 'Lambda.SdkClientException'],
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxAttempts: 4,
  maxDelay: Duration.seconds(16),
  jitterStrategy: JitterType.FULL,
};

export interface SweepWorkflowProps {
  /** Returns `{ runId, targetsKey }`: the S3 key (in `targetsBucket`) of a JSON array of targets. */
  readonly sweepFunction: IFunction;
  /**
   * Receives `{ runId, target: { kind: 'org' } }` once, then per fan-out item `{ BatchInput: { runId,
   * totalAccounts, crossAccountBackupEnabled }, Items }` with up to `targetsPerInvocation` elements of the
   * targets array; answers a batch with `{ failedTargets }`.
   */
  readonly reconcileFunction: IFunction;
  /** Receives `{ runId }` once the fan-out is done: sends the run's grouped alerts and closes the run. */
  readonly notifyFunction: IFunction;
  readonly targetsBucket: IBucket;
  /** Fan-out items (batches) at once: the Map's MaxConcurrency. */
  readonly maxConcurrency: number;
  /** Targets per fan-out item (ItemBatcher MaxItemsPerBatch). */
  readonly targetsPerInvocation: number;
  readonly logRetention: RetentionDays;
}

/**
 * One sweep: list the organization, reconcile the org target (policy, attachments, global settings) first,
 * then every {account, Region} target in a Distributed Map.
 *
 * The targets travel through S3, not the state: 5,000 accounts × 4 Regions is 20,000 items (about 1 MB of
 * JSON), far above Step Functions' 256 KB payload limit; the Map's results go back to S3 for the same
 * reason. A failed target never fails the sweep: after the retries its item records it as failed in the
 * Map's results, which the notify step receives; a notify failure does not fail the sweep either.
 *
 * Sizing (defaults in infra/sizing.ts: 300 targets at once as 38 batches of 8): a reconcile is one
 * AssumeRole plus about 15-30 paginated read calls, 10-30 s when throttled; 20,000 targets × 30 s / 300 in
 * parallel = 2,000 s ≈ 33 minutes in the worst case, ≈ 11 minutes at 10 s — inside even a one-hour period, with
 * 38 of the default 1,000 concurrent Lambda executions per Region.
 */
export class SweepWorkflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: SweepWorkflowProps) {
    super(scope, id);
    const listTargets = new LambdaInvoke(this, 'ListTargets', {
      lambdaFunction: props.sweepFunction,
      payload: TaskInput.fromObject({ startedAt: JsonPath.stringAt('$$.Execution.StartTime') }),
      payloadResponseOnly: true,
    });
    const reconcileOrg = new LambdaInvoke(this, 'ReconcileOrganization', {
      lambdaFunction: props.reconcileFunction,
      payload: TaskInput.fromObject({ runId: JsonPath.stringAt('$.runId'), target: { kind: 'org' } }),
      // The setting as the org reconcile left it, so the targets evaluate copies against the repaired state.
      resultSelector: { crossAccountBackupEnabled: JsonPath.objectAt('$.Payload.crossAccountBackupEnabled') },
      resultPath: '$.org',
    });
    // When the org target fails, the targets still run; they treat cross-account backup as unknown.
    const orgUnknown = new Pass(this, 'OrganizationUnknown', {
      result: Result.fromObject({ crossAccountBackupEnabled: null }),
      resultPath: '$.org',
    });
    const reconcileBatch = new LambdaInvoke(this, 'ReconcileBatch', {
      lambdaFunction: props.reconcileFunction,
      payload: TaskInput.fromJsonPathAt('$'),
      // Only the targets that failed travel back, into the Map's results (read by the notify step).
      resultSelector: { failedTargets: JsonPath.listAt('$.Payload.failedTargets') },
      // The default retry includes Lambda.ClientExecutionTimeoutException: a timeout is never retried here.
      retryOnServiceExceptions: false,
    });
    reconcileBatch.addRetry(TARGET_RETRY);
    // A batch whose invocation still fails is written to the Map's results with every one of its targets as
    // failed (with the error), instead of vanishing as a failed child execution the run never hears about.
    reconcileBatch.addCatch(
      new Pass(this, 'TargetsFailed', {
        parameters: {
          'targets.$': '$.Items',
          'error.$': '$.failure.Error',
          'cause.$': '$.failure.Cause',
        },
      }),
      { resultPath: '$.failure' },
    );
    const fanOut = new DistributedMap(this, 'ReconcileTargets', {
      mapExecutionType: StateMachineType.EXPRESS,
      maxConcurrency: props.maxConcurrency,
      toleratedFailurePercentage: 100,
      itemReader: new S3JsonItemReader({
        bucket: props.targetsBucket,
        key: JsonPath.stringAt('$.targetsKey'),
      }),
      // Consecutive targets (an account's Regions: the sweep lists them account by account) in one child.
      itemBatcher: new ItemBatcher({
        maxItemsPerBatch: props.targetsPerInvocation,
        // Rendered as written (CDK does not turn paths into `.$` keys here), so the keys say it themselves.
        batchInput: {
          'runId.$': '$.runId',
          'totalAccounts.$': '$.totalAccounts',
          'crossAccountBackupEnabled.$': '$.org.crossAccountBackupEnabled',
        },
      }),
      resultWriterV2: new ResultWriterV2({
        bucket: props.targetsBucket,
        prefix: MAP_RESULTS_PREFIX,
        writerConfig: new WriterConfig({
          outputType: OutputType.JSONL,
          transformation: Transformation.COMPACT,
        }),
      }),
      resultSelector: { 'results.$': '$.ResultWriterDetails' },
      resultPath: '$.fanOut',
    });
    fanOut.itemProcessor(reconcileBatch);
    const notify = new LambdaInvoke(this, 'NotifyRun', {
      lambdaFunction: props.notifyFunction,
      // Where the Map wrote every item's outcome, the failed targets among them.
      payload: TaskInput.fromObject({
        runId: JsonPath.stringAt('$.runId'),
        fanOutResults: JsonPath.objectAt('$.fanOut.results'),
      }),
      resultPath: JsonPath.DISCARD,
    });
    // Alerts that cannot be sent are the notify function's errors (alarmed); the sweep itself succeeded.
    const done = new Succeed(this, 'Done');
    notify.addCatch(new Pass(this, 'NotifyFailed').next(done), { resultPath: '$.notifyError' });
    // The org target failing (e.g. Organizations throttling) must not stop the member evaluation.
    reconcileOrg.addCatch(orgUnknown, { resultPath: '$.organizationError' });
    orgUnknown.next(fanOut);

    const logs = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      comment: 'org-backup-controller sweep',
      definitionBody: DefinitionBody.fromChainable(
        listTargets.next(reconcileOrg).next(fanOut).next(notify).next(done),
      ),
      // Longer than the schedule period so a slow sweep finishes; the next one overlapping it is harmless
      // because reconcile is idempotent.
      timeout: Duration.hours(2),
      tracingEnabled: true,
      // Errors only: at ALL, 2,500 child executions per sweep would log millions of events a day.
      logs: { destination: logs, level: LogLevel.ERROR, includeExecutionData: false },
    });
  }
}
