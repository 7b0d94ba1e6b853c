import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { ArnPrincipal, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface ReportApiProps {
  readonly handler: IFunction;
  /** The organization (o-…) every caller must belong to. */
  readonly organizationId: string;
  /**
   * IAM principals in other accounts of the organization allowed to read (GET) through the API's resource
   * policy; they still sign with SigV4. Principals of this account need only their own IAM policy.
   */
  readonly readers: readonly string[];
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
      ...(props.readers.length > 0 ? { policy: readersPolicy(props.readers, props.organizationId) } : {}),
      defaultIntegration: new LambdaIntegration(props.handler, { proxy: true }),
    });
    const validator = this.api.addRequestValidator('Validator', {
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    const get = (
      resource: { addMethod: RestApi['root']['addMethod'] },
      requestParameters: Record<string, boolean>,
    ) => resource.addMethod('GET', undefined, { requestValidator: validator, requestParameters });

    const root = this.api.root;
    get(root, {});
    for (const route of ['about', 'reasons', 'organization', 'targets'])
      get(root.addResource(route), LIST_QUERY);
    get(root.addResource('resource'), {
      ...LIST_QUERY,
      'method.request.querystring.account': true,
      'method.request.querystring.region': true,
      'method.request.querystring.arn': true,
    });
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

/**
 * Cross-account readers may invoke GET methods, only while their account is in the organization. A resource
 * policy does not narrow same-account callers: for them an allowing IAM policy suffices
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html).
 */
function readersPolicy(readers: readonly string[], organizationId: string): PolicyDocument {
  return new PolicyDocument({
    statements: [
      new PolicyStatement({
        sid: 'OrganizationReaders',
        principals: readers.map((arn) => new ArnPrincipal(arn)),
        actions: ['execute-api:Invoke'],
        resources: ['execute-api:/*/GET/*', 'execute-api:/*/GET/'],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
      }),
    ],
  });
}
