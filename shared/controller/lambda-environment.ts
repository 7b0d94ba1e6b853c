import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import type { Config } from '../domain/config/schema.js';
import { ConfigValidationError, validateConfig } from '../domain/config/validate.js';
import { buildDesiredState } from '../domain/desired.js';
import type { DesiredState } from '../domain/model.js';
import { FindingsStore } from '../store/findings-store.js';

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
  /** The report API's URL, for the dashboard command in alerts. */
  REPORT_API_URL: z.string().optional(),
});

export type LambdaSettings = z.output<typeof environmentSchema>;

/** What every deployed handler reads from its environment: the settings, the config and what it wants. */
export interface LambdaEnvironment {
  readonly settings: LambdaSettings;
  readonly config: Config;
  readonly desired: DesiredState;
}

/** Parses the environment once; a bad environment fails with every problem named. */
export function lambdaEnvironment(env: NodeJS.ProcessEnv): LambdaEnvironment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigValidationError(
      fields.map((message) => ({ path: 'environment', message, fix: 'redeploy' })),
    );
  }
  const settings = parsed.data;
  const loaded = validateConfig(configDocument(settings.ORGBACKUP_CONFIG));
  if (!loaded.ok) throw new ConfigValidationError(loaded.problems);
  const desired = buildDesiredState(loaded.config, {
    managementAccountId: settings.MANAGEMENT_ACCOUNT_ID,
    organizationId: settings.ORGANIZATION_ID,
    homeRegion: settings.AWS_REGION,
    ...(settings.EVENT_BUS_ARN ? { eventBusArn: settings.EVENT_BUS_ARN } : {}),
  });
  return { settings, config: loaded.config, desired };
}

/**
 * The stack writes the validated config as JSON, so JSON.parse reads it: the YAML parser the config file
 * needs stays out of every function.
 */
function configDocument(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigValidationError([
      {
        path: 'environment.ORGBACKUP_CONFIG',
        message: `not JSON: ${String(error)}`,
        fix: 'redeploy the stack',
      },
    ]);
  }
}

/** The findings store on the deployed table. */
export function lambdaStore(
  settings: LambdaSettings,
  client = new DynamoDBClient({ region: settings.AWS_REGION }),
): FindingsStore {
  return new FindingsStore({ client, tableName: settings.FINDINGS_TABLE_NAME });
}

let reportCached: { readonly desired: DesiredState; readonly store: FindingsStore } | undefined;

/** What the report handler needs, and nothing that would pull the controller's other clients in. */
export function reportDeps(env: NodeJS.ProcessEnv = process.env) {
  if (reportCached) return reportCached;
  const { settings, desired } = lambdaEnvironment(env);
  reportCached = { desired, store: lambdaStore(settings) };
  return reportCached;
}
