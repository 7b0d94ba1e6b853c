import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AccountAncestryReader } from '../aws/account-ancestry.js';
import { ClientFactory } from '../aws/clients.js';
import { lazyImport } from '../lazy-import.js';
import { AlertMemory } from '../notify/alert-memory.js';
import { AlertPublisher } from '../notify/publisher.js';
import type { ControllerDeps } from './deps.js';
import { lambdaEnvironment, lambdaStore } from './lambda-environment.js';
import { powertoolsLog, powertoolsMetrics } from './lambda-instrumentation.js';
import { OrgFactsCache } from './org-facts.js';

const alertChannels = lazyImport(() => import('../aws/sdk/alert-channels.js'));

let cached: ControllerDeps | undefined;

/** Builds the dependencies once per Lambda container; a bad environment fails with every problem named. */
export function lambdaDeps(env: NodeJS.ProcessEnv = process.env): ControllerDeps {
  if (cached) return cached;
  const { settings, config, desired } = lambdaEnvironment(env);
  const factory = new ClientFactory({
    managementAccountId: settings.MANAGEMENT_ACCOUNT_ID,
    memberRoleName: desired.memberRoleName,
    homeRegion: settings.AWS_REGION,
  });
  const dynamo = new DynamoDBClient({ region: settings.AWS_REGION });
  const store = lambdaStore(settings, dynamo);
  const { alerts } = config;
  const publisher = settings.ALERT_TOPIC_ARN
    ? new AlertPublisher({
        // Loaded when an alert is first delivered, not with every function that may publish one.
        clients: async () => (await alertChannels()).alertChannelClients(factory, settings.AWS_REGION),
        topicArn: settings.ALERT_TOPIC_ARN,
        slackSecretName: alerts.slackWebhookSecretName,
        settings: alerts,
        memory: new AlertMemory({ client: dynamo, tableName: settings.FINDINGS_TABLE_NAME }),
        ancestry: new AccountAncestryReader(factory),
        reportEndpoint: config.report.endpoint ?? settings.REPORT_API_URL ?? null,
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
