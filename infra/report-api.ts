import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestValidator,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface ReportApiProps {
  readonly handler: IFunction;
  readonly logRetention: RetentionDays;
  /** Steady-state requests per second across the API (stage throttling). */
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
}

/** Optional query strings the report handler understands; declared so API Gateway validates the request. */
const LIST_QUERY = {
  'method.request.querystring.format': false,
  'method.request.querystring.limit': false,
  'method.request.querystring.nextToken': false,
};

/**
 * The compliance report endpoint: REST API, every method authorised with IAM (SigV4), proxied to the report
 * function. Access and execution logs, stage throttling, X-Ray and request validation are on.
 */
export class ReportApi extends Construct {
  readonly api: RestApi;

  constructor(scope: Construct, id: string, props: ReportApiProps) {
    super(scope, id);
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new RestApi(this, 'Api', {
      description: 'org-backup-controller compliance report (IAM-authorised)',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: 'v1',
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        tracingEnabled: true,
        metricsEnabled: true,
        throttlingRateLimit: props.throttlingRateLimit,
        throttlingBurstLimit: props.throttlingBurstLimit,
      },
      defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
      defaultIntegration: new LambdaIntegration(props.handler, { proxy: true }),
    });
    const validator = new RequestValidator(this, 'Validator', {
      restApi: this.api,
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    const get = (
      resource: { addMethod: RestApi['root']['addMethod'] },
      requestParameters: Record<string, boolean>,
    ) => resource.addMethod('GET', undefined, { requestValidator: validator, requestParameters });

    const root = this.api.root;
    get(root.addResource('summary'), {});
    get(root.addResource('findings'), {
      ...LIST_QUERY,
      'method.request.querystring.status': false,
      'method.request.querystring.region': false,
      'method.request.querystring.accountId': false,
    });
    get(root.addResource('accounts').addResource('{id}'), {
      'method.request.path.id': true,
      'method.request.querystring.format': false,
    });
    get(root.addResource('actions'), { ...LIST_QUERY, 'method.request.querystring.since': false });
    get(root.addResource('runs'), LIST_QUERY);
  }
}
