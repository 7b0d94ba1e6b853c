import * as z from 'zod';
import type { ControllerDeps } from '../shared/controller/deps.js';
import { instrumented } from '../shared/controller/lambda-instrumentation.js';
import { lambdaDeps } from '../shared/controller/lambda-runtime.js';
import { finishSweep, sendDailyDigest } from '../shared/controller/notify-requests.js';
import type { NotifyOutcome } from '../shared/controller/notify-run.js';

const target = { accountId: z.string().regex(/^\d{12}$/), region: z.string().min(1) };

const requestSchema = z.union([
  z.object({
    runId: z.string().min(1),
    /** The Distributed Map's `ResultWriterDetails`: where its results, failed targets included, are. */
    fanOutResults: z.object({ Bucket: z.string().min(1), Key: z.string().min(1) }).optional(),
    /** Targets that failed, when the caller knows them itself. */
    failedTargets: z.array(z.object({ ...target, error: z.string() })).optional(),
  }),
  z.object({
    kind: z.literal('digest'),
    day: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
  }),
]);

/** End of a sweep (grouped alerts per account) or the scheduled daily digest. */
export function createNotifyHandler(deps: () => ControllerDeps) {
  return async (event: unknown): Promise<NotifyOutcome | { published: boolean }> => {
    const request = requestSchema.parse(event);
    if ('runId' in request) return finishSweep(deps(), request);
    return sendDailyDigest(deps(), request.day);
  };
}

export const handler = instrumented(createNotifyHandler(() => lambdaDeps()));
