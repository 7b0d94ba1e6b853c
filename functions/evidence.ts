import { writeDailyEvidence } from '../shared/controller/daily-evidence.js';
import type { ControllerDeps } from '../shared/controller/deps.js';
import { instrumented } from '../shared/controller/lambda-instrumentation.js';
import { lambdaDeps } from '../shared/controller/lambda-runtime.js';
import { ConfigValidationError } from '../shared/domain/config/validation-error.js';

/** The daily schedule → one evidence pack in the evidence bucket. */
export function createEvidenceHandler(deps: () => ControllerDeps, env: NodeJS.ProcessEnv = process.env) {
  return async () => {
    const bucket = env.EVIDENCE_BUCKET_NAME;
    if (!bucket) {
      throw new ConfigValidationError([
        { path: 'environment.EVIDENCE_BUCKET_NAME', message: 'missing', fix: 'redeploy the stack' },
      ]);
    }
    return writeDailyEvidence(deps(), bucket);
  };
}

export const handler = instrumented(createEvidenceHandler(() => lambdaDeps()));
