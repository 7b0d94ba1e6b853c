// @ts-expect-error asl-validator ships no type declarations.
import aslValidator from 'asl-validator';
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SweepOverdueError } from '../../infra/monitoring.js';
import { SweepPeriodError } from '../../infra/organization-backup-controller.js';
import {
  DEFAULT_FAN_OUT_CONCURRENCY,
  DEFAULT_SWEEP_PERIOD_HOURS,
  TARGETS_PER_INVOCATION,
} from '../../infra/sizing.js';
import { MANAGEMENT_ACCOUNT, STACK_REGION, sharedStack, synthStack } from './synth-stack.js';
import { functionRoleId, resolveIntrinsics, resourcesOfType, type TemplateJson } from './templates.js';

/** An EXPRESS child workflow ends after five minutes. */
const EXPRESS_LIMIT_SECONDS = 300;
const TIMEOUT_ERRORS = [
  'States.ALL',
  'States.Timeout',
  'States.TaskFailed',
  'Sandbox.Timedout',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.Unknown',
];

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds: number;
  BackoffRate: number;
  MaxAttempts: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: string;
}
interface State {
  Type: string;
  Next?: string;
  End?: boolean;
  Parameters?: Record<string, unknown>;
  Retry?: Retrier[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
  ItemProcessor?: {
    ProcessorConfig: { Mode: string; ExecutionType: string };
    StartAt: string;
    States: Record<string, State>;
  };
}
interface Definition {
  StartAt: string;
  States: Record<string, State>;
}

let template: TemplateJson;
let definition: Definition;
let functionTimeout: (fn: 'ReconcileTarget' | 'Events') => number;

beforeAll(() => {
  const { stack, template: synthesized } = sharedStack();
  template = synthesized.toJSON() as TemplateJson;
  const [[, machine]] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine') as [
    [string, TemplateJson['Resources'][string]],
  ];
  // The functions' ARNs, as Step Functions sees them once deployed.
  const functionIds = resourcesOfType(template, 'AWS::Lambda::Function').map(([id]) => id);
  const text = String(resolveIntrinsics(machine.Properties.DefinitionString)).replace(
    /<(\w+)\.Arn>/g,
    (reference, id: string) =>
      functionIds.includes(id)
        ? `arn:aws:lambda:${STACK_REGION}:${MANAGEMENT_ACCOUNT}:function:${id}`
        : reference,
  );
  definition = JSON.parse(text);
  functionTimeout = (fn) => {
    const roleId = functionRoleId(stack, fn);
    const [, lambda] = resourcesOfType(template, 'AWS::Lambda::Function').find(
      ([, resource]) => (resource.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] === roleId,
    )!;
    return lambda.Properties.Timeout as number;
  };
});

const itemProcessor = () => definition.States.ReconcileTargets!.ItemProcessor!;

describe('sweep state machine', () => {
  it('is valid Amazon States Language (asl-validator), and the validator rejects a broken copy', () => {
    const result = aslValidator(definition, { checkArn: true, checkPaths: true });
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
    const broken = structuredClone(definition);
    broken.States.NotifyRun!.Next = 'NoSuchState';
    expect(aslValidator(broken, { checkArn: true, checkPaths: true }).isValid).toBe(false);
  });

  it('retries the reconcile Task inside the item processor on throttling and Lambda service errors, never on a timeout', () => {
    const processor = itemProcessor();
    expect(processor.ProcessorConfig).toMatchObject({ Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' });
    const task = processor.States[processor.StartAt]!;
    expect(task.Retry).toHaveLength(1);
    const [retry] = task.Retry!;
    expect(new Set(retry!.ErrorEquals)).toEqual(
      new Set(['Lambda.TooManyRequestsException', 'Lambda.ServiceException', 'Lambda.SdkClientException']),
    );
    expect(retry!.JitterStrategy).toBe('FULL');
    for (const error of TIMEOUT_ERRORS) expect(retry!.ErrorEquals).not.toContain(error);
  });

  it('fits every retry wait plus one batch at its timeout into the child workflow limit', () => {
    const [retry] = itemProcessor().States.ReconcileBatch!.Retry!;
    const waits = Array.from({ length: retry!.MaxAttempts }, (_, attempt) =>
      Math.min(
        retry!.IntervalSeconds * retry!.BackoffRate ** attempt,
        retry!.MaxDelaySeconds ?? Number.POSITIVE_INFINITY,
      ),
    );
    const worst = waits.reduce((sum, wait) => sum + wait, 0) + functionTimeout('ReconcileTarget');
    expect(worst).toBeLessThanOrEqual(EXPRESS_LIMIT_SECONDS);
  });

  it('records every target of a batch that still fails as failed instead of losing them', () => {
    const processor = itemProcessor();
    const task = processor.States.ReconcileBatch!;
    expect(task.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'TargetsFailed' },
    ]);
    expect(processor.States.TargetsFailed).toMatchObject({
      Type: 'Pass',
      End: true,
      Parameters: {
        'targets.$': '$.Items',
        'error.$': '$.failure.Error',
        'cause.$': '$.failure.Cause',
      },
    });
  });

  it('hands each fan-out item a batch of targets with the run facts, and keeps only the failed ones', () => {
    const map = definition.States.ReconcileTargets as State & {
      ItemBatcher?: { MaxItemsPerBatch: number; BatchInput: Record<string, string> };
      MaxConcurrency?: number;
    };
    expect(map.ItemBatcher).toEqual({
      MaxItemsPerBatch: TARGETS_PER_INVOCATION,
      BatchInput: {
        'runId.$': '$.runId',
        'totalAccounts.$': '$.totalAccounts',
        'crossAccountBackupEnabled.$': '$.org.crossAccountBackupEnabled',
      },
    });
    // About the default number of targets at once, as batches.
    expect(map.MaxConcurrency).toBe(Math.ceil(DEFAULT_FAN_OUT_CONCURRENCY / TARGETS_PER_INVOCATION));
    const task = itemProcessor().States.ReconcileBatch! as State & { ResultSelector?: unknown };
    expect(task.Parameters).toMatchObject({ 'Payload.$': '$' });
    expect(task.ResultSelector).toEqual({ 'failedTargets.$': '$.Payload.failedTargets' });
  });

  it('hands the fan-out results to notify and finishes the sweep even when notify fails', () => {
    const notify = definition.States.NotifyRun!;
    expect(notify.Parameters).toMatchObject({
      Payload: { 'runId.$': '$.runId', 'fanOutResults.$': '$.fanOut.results' },
    });
    expect(notify.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.notifyError', Next: 'NotifyFailed' },
    ]);
    expect(definition.States.NotifyFailed).toMatchObject({ Type: 'Pass', Next: 'Done' });
    expect(definition.States.Done!.Type).toBe('Succeed');
  });
});

describe('event intake limits', () => {
  it('keeps the queue visibility at least six times the events function timeout plus the batching window', () => {
    const [[, queue]] = resourcesOfType(template, 'AWS::SQS::Queue').filter(
      ([, resource]) => resource.Properties.RedrivePolicy !== undefined,
    ) as [[string, TemplateJson['Resources'][string]]];
    const [[, mapping]] = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping') as [
      [string, TemplateJson['Resources'][string]],
    ];
    const window = mapping.Properties.MaximumBatchingWindowInSeconds as number;
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * functionTimeout('Events') + window);
  });

  it('caps the concurrency the queue can start', () => {
    const [[, mapping]] = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping') as [
      [string, TemplateJson['Resources'][string]],
    ];
    expect(mapping.Properties).toMatchObject({
      ScalingConfig: { MaximumConcurrency: 5 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});

describe('schedules', () => {
  it('sends a schedule target that still fails to an alarmed dead-letter queue', () => {
    const schedules = resourcesOfType(template, 'AWS::Scheduler::Schedule');
    // The hourly sweep, the daily digest and the daily evidence pack.
    expect(schedules).toHaveLength(3);
    const queues = schedules.map(([, schedule]) =>
      JSON.stringify((schedule.Properties.Target as { DeadLetterConfig?: unknown }).DeadLetterConfig),
    );
    expect(new Set(queues).size).toBe(1);
    expect(queues[0]).toContain('ControllerScheduleDeadLetters');
    const depthAlarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').filter(([, alarm]) =>
      JSON.stringify(alarm.Properties.Dimensions ?? []).includes('ControllerScheduleDeadLetters'),
    );
    expect(depthAlarms).toHaveLength(1);
  });
});

describe('dead-man alarm', () => {
  it('alarms when no sweep succeeded for two periods and an hour, counting missing data as breaching', () => {
    const [, alarm] = resourcesOfType(template, 'AWS::CloudWatch::Alarm').find(
      ([, resource]) => resource.Properties.MetricName === 'ExecutionsSucceeded',
    )!;
    expect(alarm.Properties).toMatchObject({
      Namespace: 'AWS/States',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      Period: 3600,
      EvaluationPeriods: 2 * DEFAULT_SWEEP_PERIOD_HOURS + 1,
      DatapointsToAlarm: 2 * DEFAULT_SWEEP_PERIOD_HOURS + 1,
      TreatMissingData: 'breaching',
    });
    expect(JSON.stringify(alarm.Properties.AlarmActions)).toContain('ControllerAlerts');
  });

  it('takes the overdue time from the props and rejects what an alarm cannot evaluate', () => {
    const { stack } = synthStack({ sweepOverdueAfter: Duration.hours(6) });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ExecutionsSucceeded',
      EvaluationPeriods: 6,
    });
    expect(() => synthStack({ sweepOverdueAfter: Duration.minutes(90) })).toThrow(SweepOverdueError);
    expect(() => synthStack({ sweepOverdueAfter: Duration.days(2) })).toThrow(SweepOverdueError);
  });

  it('sweeps every sweepPeriodHours (default 6), derives the overdue time from it, and rejects a period it cannot schedule', () => {
    Template.fromStack(sharedStack().stack).hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: `rate(${DEFAULT_SWEEP_PERIOD_HOURS} hours)`,
    });
    const { stack } = synthStack({ sweepPeriodHours: 1 });
    Template.fromStack(stack).hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
    });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ExecutionsSucceeded',
      EvaluationPeriods: 3,
    });
    expect(() => synthStack({ sweepPeriodHours: 0.5 })).toThrow(SweepPeriodError);
    expect(() => synthStack({ sweepPeriodHours: 25 })).toThrow(SweepPeriodError);
  });
});
