import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ConfigProblem } from '../domain/config/problems.js';
import type { Config } from '../domain/config/schema.js';
import { ConfigValidationError } from '../domain/config/validation-error.js';
import { buildDesiredState } from '../domain/desired.js';
import type { DesiredState } from '../domain/model.js';
import { FindingsStore } from '../store/findings-store.js';
import { readDeployedConfig } from './deployed-config.js';

/**
 * The deployed controller's settings: infra sets these once (see infra/controller-function.ts). The config
 * arrives as ONE document validated at synth (deployed-config.ts), not as dozens of variables.
 */
export interface LambdaSettings {
  readonly ORGBACKUP_CONFIG: string;
  readonly FINDINGS_TABLE_NAME: string;
  readonly MANAGEMENT_ACCOUNT_ID: string;
  readonly ORGANIZATION_ID: string;
  readonly AWS_REGION: string;
  readonly EVENT_BUS_ARN?: string;
  readonly ALERT_TOPIC_ARN?: string;
  /** The report API's URL, for the dashboard command in alerts. */
  readonly REPORT_API_URL?: string;
}

/**
 * What each required setting must look like, and what that is in words. Checked by hand: five patterns do
 * not need a schema library in every function's start.
 */
const REQUIRED_SETTINGS = {
  ORGBACKUP_CONFIG: { pattern: /^\{/, expected: 'the config document the stack writes' },
  FINDINGS_TABLE_NAME: { pattern: /^.{3,}$/, expected: 'a table name' },
  MANAGEMENT_ACCOUNT_ID: { pattern: /^\d{12}$/, expected: '12 digits' },
  ORGANIZATION_ID: { pattern: /^o-[a-z0-9]{10,32}$/, expected: 'an organization id (o-…)' },
  AWS_REGION: { pattern: /^.+$/, expected: 'a Region' },
} as const satisfies Record<string, { pattern: RegExp; expected: string }>;

const OPTIONAL_SETTINGS = ['EVENT_BUS_ARN', 'ALERT_TOPIC_ARN', 'REPORT_API_URL'] as const;

/** What every deployed handler reads from its environment: the settings, the config and what it wants. */
export interface LambdaEnvironment {
  readonly settings: LambdaSettings;
  readonly config: Config;
  readonly desired: DesiredState;
}

/** Reads the environment once; a bad environment fails with every problem named. */
export function lambdaEnvironment(env: NodeJS.ProcessEnv): LambdaEnvironment {
  const settings = lambdaSettings(env);
  const config = readDeployedConfig(settings.ORGBACKUP_CONFIG);
  const desired = buildDesiredState(config, {
    managementAccountId: settings.MANAGEMENT_ACCOUNT_ID,
    organizationId: settings.ORGANIZATION_ID,
    homeRegion: settings.AWS_REGION,
    ...(settings.EVENT_BUS_ARN ? { eventBusArn: settings.EVENT_BUS_ARN } : {}),
  });
  return { settings, config, desired };
}

function lambdaSettings(env: NodeJS.ProcessEnv): LambdaSettings {
  const problems: ConfigProblem[] = [];
  const required = Object.fromEntries(
    Object.entries(REQUIRED_SETTINGS).map(([name, { pattern, expected }]) => {
      const value = env[name];
      if (value === undefined)
        problems.push({ path: 'environment', message: `${name}: missing`, fix: 'redeploy' });
      else if (!pattern.test(value)) {
        problems.push({ path: 'environment', message: `${name}: expected ${expected}`, fix: 'redeploy' });
      }
      return [name, value ?? ''];
    }),
  ) as Record<keyof typeof REQUIRED_SETTINGS, string>;
  if (problems.length > 0) throw new ConfigValidationError(problems);
  const optional = Object.fromEntries(
    OPTIONAL_SETTINGS.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])),
  ) as Pick<LambdaSettings, (typeof OPTIONAL_SETTINGS)[number]>;
  return { ...required, ...optional };
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
