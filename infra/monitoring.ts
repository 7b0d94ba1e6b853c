import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  SingleValueWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ControllerError } from '../shared/domain/errors.js';
import { RESOURCE_STATUSES, type ResourceStatus } from '../shared/domain/model.js';
import { METRICS_NAMESPACE, METRICS_SERVICE } from './controller-function.js';

export interface MonitoringProps {
  readonly alertTopic: ITopic;
  /** Functions whose errors alarm, by a short name used in alarm names. */
  readonly functions: Readonly<Record<string, IFunction>>;
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  readonly sweep: IStateMachine;
  /** The dead-man alarm fires when no sweep has succeeded for this long (whole hours, up to a day). */
  readonly sweepOverdueAfter: Duration;
}

/** The metrics the handlers publish through Powertools Metrics (EMF); Powertools adds the `service` dimension. */
export function controllerMetric(
  metricName: string,
  statistic: string,
  extraDimensions: Readonly<Record<string, string>> = {},
): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    statistic,
    period: Duration.hours(1),
    dimensionsMap: { service: METRICS_SERVICE, ...extraDimensions },
  });
}

const resourcesWithStatus = (status: ResourceStatus) =>
  controllerMetric('ResourcesByStatus', 'Maximum', { Status: status });

export class SweepOverdueError extends ControllerError {
  constructor(hours: number) {
    super(
      'SWEEP_OVERDUE_PERIOD',
      `sweepOverdueAfter must be whole hours between 1 and 24 (a CloudWatch alarm evaluates at most a day); got ${hours}.`,
    );
  }
}

/**
 * Alarms wired to the alert topic, and one dashboard. Controller metrics use one-hour periods because the
 * sweep refreshes them hourly; a missing datapoint is not an alarm for them. A sweep that stops running
 * (schedule disabled, state machine broken, permissions lost) is caught by the dead-man alarm: no
 * succeeded execution for `sweepOverdueAfter`, where missing data counts as breaching.
 */
export class Monitoring extends Construct {
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const anyAbove0 = (alarmId: string, metric: IMetric, description: string) => {
      const alarm = new Alarm(this, alarmId, {
        metric,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      alarm.addAlarmAction(new SnsAction(props.alertTopic));
      alarm.addOkAction(new SnsAction(props.alertTopic));
      this.alarms.push(alarm);
    };

    anyAbove0(
      'Unprotected',
      resourcesWithStatus('UNPROTECTED'),
      'Tagged resources are past their expected-by time without a recovery point.',
    );
    anyAbove0(
      'Failing',
      resourcesWithStatus('FAILING'),
      'The latest backup or copy job of a resource failed.',
    );
    anyAbove0(
      'SweepErrors',
      controllerMetric('SweepErrors', 'Sum'),
      'Targets could not be reconciled in a sweep.',
    );
    // Alerts that could not be delivered wait in the outbox and are retried every run (hourly); one still
    // waiting after two hours means a channel is down or refusing them.
    const undelivered = new Alarm(this, 'AlertsUndelivered', {
      metric: controllerMetric('OldestUndeliveredAlertAgeMs', 'Maximum'),
      threshold: Duration.hours(2).toMilliseconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'An alert has waited in the outbox for over two hours: SNS or Slack keeps refusing it.',
    });
    undelivered.addAlarmAction(new SnsAction(props.alertTopic));
    undelivered.addOkAction(new SnsAction(props.alertTopic));
    this.alarms.push(undelivered);
    anyAbove0(
      'SweepExecutionsFailed',
      props.sweep.metricFailed({ period: Duration.hours(1), statistic: 'Sum' }),
      'The sweep state machine failed or timed out.',
    );
    const overdueHours = props.sweepOverdueAfter.toHours({ integral: false });
    if (!Number.isInteger(overdueHours) || overdueHours < 1 || overdueHours > 24) {
      throw new SweepOverdueError(overdueHours);
    }
    const sweepOverdue = new Alarm(this, 'SweepOverdue', {
      metric: props.sweep.metricSucceeded({ period: Duration.hours(1), statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: overdueHours,
      datapointsToAlarm: overdueHours,
      treatMissingData: TreatMissingData.BREACHING,
      alarmDescription: `No sweep has finished for ${overdueHours} hours: findings are going stale.`,
    });
    sweepOverdue.addAlarmAction(new SnsAction(props.alertTopic));
    sweepOverdue.addOkAction(new SnsAction(props.alertTopic));
    this.alarms.push(sweepOverdue);
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      anyAbove0(
        `${name}DeadLetterQueueDepth`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        `Messages reached the ${name} dead-letter queue; inspect and redrive them.`,
      );
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      anyAbove0(
        `${name}FunctionErrors`,
        fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        `The ${name} function reported errors.`,
      );
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: 'org-backup-controller',
      widgets: [
        [
          new SingleValueWidget({
            title: 'Coverage (%)',
            metrics: [controllerMetric('CoveragePercent', 'Minimum')],
            width: 6,
          }),
          new GraphWidget({
            title: 'Resources by status',
            left: RESOURCE_STATUSES.map(resourcesWithStatus),
            stacked: true,
            width: 18,
          }),
        ],
        [
          new GraphWidget({
            title: 'Actions applied / events processed',
            left: [controllerMetric('ActionsApplied', 'Sum'), controllerMetric('EventsProcessed', 'Sum')],
            width: 8,
          }),
          new GraphWidget({
            title: 'Sweep duration (ms) and errors',
            left: [controllerMetric('SweepDurationMs', 'Maximum')],
            right: [controllerMetric('SweepErrors', 'Sum')],
            width: 8,
          }),
          new GraphWidget({
            title: 'Function errors',
            left: Object.values(props.functions).map((fn) =>
              fn.metricErrors({ period: Duration.minutes(5) }),
            ),
            width: 8,
          }),
        ],
        [new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
      ],
    });
  }
}
