import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { AccountAncestryReader } from '../aws/account-ancestry.js';
import { ClientFactory } from '../aws/clients.js';
import { putSweepTargets } from '../aws/sweep-targets.js';
import { ConfigValidationError, loadConfigFromText } from '../domain/config/index.js';
import { buildDesiredState } from '../domain/desired.js';
import { AlertMemory } from '../notify/alert-memory.js';
import { AlertPublisher } from '../notify/publisher.js';
import { FindingsStore } from '../store/findings-store.js';
import type { ControllerDeps, Log, MetricsSink } from './deps.js';
import { OrgFactsCache } from './org-facts.js';
import type { TargetsPublisher } from './sweep.js';

/**
 * The deployed controller's settings: infra sets these once (see infra/controller-function.ts). The config
 * arrives as ONE validated document, not as dozens of variables.
 */
const environmentSchema = z.object({
  ORGBACKUP_CONFIG: z.string().min(2),
  FINDINGS_TABLE_NAME: z.string().min(3),
  MANAGEMENT_ACCOUNT_ID: z.string().regex(/^\d{12}$/),
  ORGANIZATION_ID: z.string().regex(/^o-[a-z0-9]{10,32}$/),
  AWS_REGION: z.string().min(1),
  EVENT_BUS_ARN: z.string().optional(),
  ALERT_TOPIC_ARN: z.string().optional(),
});

export const POWERTOOLS_SERVICE = 'org-backup-controller';
export const METRICS_NAMESPACE = 'OrgBackupController';

export const logger = new Logger({ serviceName: POWERTOOLS_SERVICE });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: POWERTOOLS_SERVICE });

let cached: ControllerDeps | undefined;

/** Builds the dependencies once per Lambda container; a bad environment fails with every problem named. */
export function lambdaDeps(env: NodeJS.ProcessEnv = process.env): ControllerDeps {
  if (cached) return cached;
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigValidationError(
      fields.map((message) => ({ path: 'environment', message, fix: 'redeploy' })),
    );
  }
  const settings = parsed.data;
  const loaded = loadConfigFromText(settings.ORGBACKUP_CONFIG, 'ORGBACKUP_CONFIG');
  if (!loaded.ok) throw new ConfigValidationError(loaded.problems);
  const desired = buildDesiredState(loaded.config, {
    managementAccountId: settings.MANAGEMENT_ACCOUNT_ID,
    organizationId: settings.ORGANIZATION_ID,
    homeRegion: settings.AWS_REGION,
    ...(settings.EVENT_BUS_ARN ? { eventBusArn: settings.EVENT_BUS_ARN } : {}),
  });
  const factory = new ClientFactory({
    managementAccountId: settings.MANAGEMENT_ACCOUNT_ID,
    memberRoleName: desired.memberRoleName,
    homeRegion: settings.AWS_REGION,
  });
  const dynamo = new DynamoDBClient({ region: settings.AWS_REGION });
  const store = new FindingsStore({ client: dynamo, tableName: settings.FINDINGS_TABLE_NAME });
  const { alerts } = loaded.config;
  const publisher = settings.ALERT_TOPIC_ARN
    ? new AlertPublisher({
        sns: factory.sns(settings.AWS_REGION),
        topicArn: settings.ALERT_TOPIC_ARN,
        secrets: factory.secretsManager(settings.AWS_REGION),
        slackSecretName: alerts.slackWebhookSecretName,
        settings: alerts,
        memory: new AlertMemory({ client: dynamo, tableName: settings.FINDINGS_TABLE_NAME }),
        ancestry: new AccountAncestryReader(factory),
        logger: powertoolsLog,
      })
    : null;
  const clock = { now: () => new Date() };
  cached = {
    desired,
    factory,
    store,
    clock,
    orgFacts: new OrgFactsCache(clock, desired),
    log: powertoolsLog,
    metrics: powertoolsMetrics,
    publisher,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  return cached;
}

const powertoolsLog: Log = {
  debug: (message, extra) => logger.debug(message, extra ?? {}),
  info: (message, extra) => logger.info(message, extra ?? {}),
  warn: (message, extra) => logger.warn(message, extra ?? {}),
  error: (message, extra) => logger.error(message, extra ?? {}),
};

const UNITS = { Count: MetricUnit.Count, Percent: MetricUnit.Percent, Milliseconds: MetricUnit.Milliseconds };

/** EMF metrics; dimensioned counts are emitted as single metrics so their dimensions do not leak. */
const powertoolsMetrics: MetricsSink = {
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

let persistence: DynamoDBPersistenceLayer | undefined;

/** Where the events function remembers the event ids it has processed (Powertools idempotency). */
export function eventsPersistence(env: NodeJS.ProcessEnv = process.env): DynamoDBPersistenceLayer {
  const tableName = env.IDEMPOTENCY_TABLE_NAME;
  if (!tableName) {
    throw new ConfigValidationError([
      { path: 'environment.IDEMPOTENCY_TABLE_NAME', message: 'missing', fix: 'redeploy the stack' },
    ]);
  }
  persistence ??= new DynamoDBPersistenceLayer({ tableName });
  return persistence;
}

/** The sweep's targets go to S3 (`sweeps/<runId>.json`) for the Distributed Map's item reader. */
export function sweepTargetsPublisher(env: NodeJS.ProcessEnv = process.env): TargetsPublisher {
  const bucket = env.SWEEP_BUCKET_NAME;
  if (!bucket) {
    throw new ConfigValidationError([
      { path: 'environment.SWEEP_BUCKET_NAME', message: 'missing', fix: 'redeploy the stack' },
    ]);
  }
  return async (plan) => {
    const key = `sweeps/${plan.runId.replace(/[^A-Za-z0-9._-]/g, '-')}.json`;
    await putSweepTargets(lambdaDeps().factory, { bucket, key }, plan.targets);
    return key;
  };
}

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
