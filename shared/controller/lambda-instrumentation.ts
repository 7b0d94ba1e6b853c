import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { Log, MetricsSink } from './deps.js';

/** Powertools logging and metrics of every deployed handler, with nothing else: each bundle stays small. */

export const POWERTOOLS_SERVICE = 'org-backup-controller';
export const METRICS_NAMESPACE = 'OrgBackupController';

export const logger = new Logger({ serviceName: POWERTOOLS_SERVICE });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: POWERTOOLS_SERVICE });

export const powertoolsLog: Log = {
  debug: (message, extra) => logger.debug(message, extra ?? {}),
  info: (message, extra) => logger.info(message, extra ?? {}),
  warn: (message, extra) => logger.warn(message, extra ?? {}),
  error: (message, extra) => logger.error(message, extra ?? {}),
};

const UNITS = { Count: MetricUnit.Count, Percent: MetricUnit.Percent, Milliseconds: MetricUnit.Milliseconds };

/** EMF metrics; dimensioned counts are emitted as single metrics so their dimensions do not leak. */
export const powertoolsMetrics: MetricsSink = {
  count(name, value, dimensions) {
    if (!dimensions) {
      metrics.addMetric(name, MetricUnit.Count, value);
      return;
    }
    const single = metrics.singleMetric();
    for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
    single.addMetric(name, MetricUnit.Count, value);
  },
  gauge(name, value, unit) {
    metrics.addMetric(name, UNITS[unit], value);
  },
};

/**
 * Wraps a Lambda handler the Powertools way: the invocation's context on every log line (request id,
 * cold start, function name), and the metrics recorded during the invocation flushed as EMF at its end.
 */
export function instrumented<E, R>(handler: (event: E, context?: Context) => Promise<R>) {
  return async (event: E, context?: Context): Promise<R> => {
    if (context) logger.addContext(context);
    try {
      return await handler(event, context);
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
