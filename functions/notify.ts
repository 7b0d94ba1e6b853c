import type { ControllerDeps } from '../shared/controller/deps.js';
import { instrumented } from '../shared/controller/lambda-instrumentation.js';
import { lambdaDeps } from '../shared/controller/lambda-runtime.js';
import { finishSweep, sendDailyDigest } from '../shared/controller/notify-requests.js';
import type { NotifyOutcome } from '../shared/controller/notify-run.js';
import * as z from '../shared/domain/zod-mini.js';

const target = { accountId: z.string().check(z.regex(/^\d{12}$/)), region: z.string().check(z.minLength(1)) };

const requestSchema = z.union([
  z.object({
    runId: z.string().check(z.minLength(1)),
    /** The Distributed Map's `ResultWriterDetails`: where its results, failed targets included, are. */
    fanOutResults: z.optional(
      z.object({ Bucket: z.string().check(z.minLength(1)), Key: z.string().check(z.minLength(1)) }),
    ),
    /** Targets that failed, when the caller knows them itself. */
    failedTargets: z.optional(z.array(z.object({ ...target, error: z.string() }))),
  }),
  z.object({
    kind: z.literal('digest'),
    day: z.optional(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/))),
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
