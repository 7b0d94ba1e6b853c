import { putSweepTargets } from '../aws/sweep-targets.js';
import { ConfigValidationError } from '../domain/config/validation-error.js';
import { lambdaDeps } from './lambda-runtime.js';
import type { TargetsPublisher } from './sweep.js';

/**
 * The sweep's targets go to S3 (`sweeps/<runId>.json`) for the Distributed Map's item reader. Kept apart
 * from lambda-runtime.ts so that only the sweep function, the one that writes them, loads the S3 client.
 */
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
