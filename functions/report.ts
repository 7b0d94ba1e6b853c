import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { ControllerDeps } from '../shared/controller/deps.js';
import { reportDeps } from '../shared/controller/lambda-environment.js';
import { instrumented } from '../shared/controller/lambda-instrumentation.js';
import { handleReportRequest } from '../shared/controller/report-api.js';
import { reportContext } from '../shared/controller/report-context.js';

/** API Gateway (IAM-authorized) → the report routes; the same routes `orgbackup sandbox --serve` serves. */
export function createReportHandler(deps: () => Pick<ControllerDeps, 'store' | 'desired'>) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    // The multi-value map keeps a repeated parameter's every value, so the API can refuse it.
    const query = Object.fromEntries(
      Object.entries(event.multiValueQueryStringParameters ?? event.queryStringParameters ?? {}).map(
        ([key, value]) => [key, value ?? undefined],
      ),
    );
    const accept = event.headers?.Accept ?? event.headers?.accept;
    const response = await handleReportRequest(
      deps().store,
      { method: event.httpMethod, path: event.path, query, ...(accept ? { accept } : {}) },
      () => reportContext(deps().desired),
    );
    return { statusCode: response.statusCode, headers: { ...response.headers }, body: response.body };
  };
}

// The report needs the store and the config only: no Organizations, Backup, IAM, KMS or EventBridge client.
export const handler = instrumented(createReportHandler(() => reportDeps()));
