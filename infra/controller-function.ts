import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The repository root: functions are bundled from here with the lockfile next to package.json. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The handlers under functions/, one Lambda function each. */
export type HandlerName = 'sweep' | 'reconcile-target' | 'events' | 'notify' | 'report' | 'evidence';

/** Namespace and service dimension the handlers publish their Powertools metrics under. */
export const METRICS_NAMESPACE = 'OrgBackupController';
export const METRICS_SERVICE = 'org-backup-controller';

/** functions/<handler>.ts under the project root. */
export const handlerEntry = (handler: HandlerName): string =>
  join(PROJECT_ROOT, 'functions', `${handler}.ts`);

export interface ControllerFunctionProps {
  readonly handler: HandlerName;
  /** The TypeScript file exporting `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly logRetention: RetentionDays;
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * One handler from functions/ as a Lambda function: bundled locally by esbuild (no Docker) as ESM for Node.js
 * 22 on arm64, AWS SDK included, with its own log group (retention set, removed with the stack) and its own role, so that each
 * function's grants stay separate and no AWS managed policy is attached.
 */
export class ControllerFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ControllerFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `org-backup-controller ${props.handler} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      description: props.description,
      entry: props.entry,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: METRICS_SERVICE,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      bundling: {
        // The SDK and Smithy versions the tests ran, not whatever the Lambda runtime happens to ship (its
        // bundled SDK can be older than an export the controller imports). Each bundle holds only what its
        // handler imports.
        bundleAwsSDK: true,
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        // CommonJS packages inside the bundle still require() Node built-ins (`process`, `buffer`) at run
        // time, which an ESM bundle has only through createRequire.
        banner: "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);",
      },
    });
  }
}
