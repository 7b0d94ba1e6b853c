import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bundleFunction } from './function-bundle.js';

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
  /** Powertools log level: what the function writes to CloudWatch Logs (billed per GB ingested). */
  readonly logLevel: FunctionLogLevel;
}

/** Powertools' levels; `WARN` keeps warnings and errors and drops the per-invocation INFO lines. */
export type FunctionLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Warnings and errors; the run-level counts the INFO lines carried are in the metrics and the store. */
export const DEFAULT_FUNCTION_LOG_LEVEL: FunctionLogLevel = 'WARN';

/**
 * One handler from functions/ as a Lambda function: bundled locally by esbuild (no Docker, see
 * infra/function-bundle.ts) for Node.js 22 on arm64, with its own log group (retention set, removed with
 * the stack) and its own role, so that each function's grants stay separate and no AWS managed policy is
 * attached.
 */
export class ControllerFunction extends Construct {
  readonly function: LambdaFunction;
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

    this.function = new LambdaFunction(this, 'Function', {
      description: props.description,
      code: bundledCode(props.entry),
      handler: 'index.handler',
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
        POWERTOOLS_LOG_LEVEL: props.logLevel,
      },
    });
  }
}

/**
 * The handler bundled here, by esbuild's API (no Docker): NodejsFunction cannot split a bundle into chunks
 * (it passes esbuild one output file), and the chunks are what keeps a cold start from parsing services a
 * path never calls. The asset's hash is the bundle's, so an unchanged bundle is not uploaded again.
 */
function bundledCode(entry: string): Code {
  return Code.fromAsset(dirname(entry), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: local bundling always succeeds or throws esbuild's error.
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs22.x'),
      // CDK reuses a bundling result for the same source directory and options within a synth, and every
      // handler's directory is functions/: the entry tells them apart.
      environment: { HANDLER_ENTRY: relative(PROJECT_ROOT, entry) },
      local: {
        tryBundle(outputDir) {
          bundleFunction(entry, outputDir);
          return true;
        },
      },
    },
  });
}
