import * as z from 'zod';
import { ignored } from '../effect.js';
import { STATE_ALIASES, withAliases } from '../fields.js';
import type { EventKind } from '../kind.js';

const schema = z
  .object({
    detail: withAliases(
      STATE_ALIASES,
      z.object({ restoreJobId: z.string().min(1), state: z.string().min(1) }),
    ),
  })
  .transform(() => ({ kind: 'restore-job' as const }));
export const restoreJobKind: EventKind<'restore-job', z.output<typeof schema>> = {
  kind: 'restore-job',
  match: { source: 'aws.backup', detailType: 'Restore Job State Change' },
  schema,
  route: () => ignored('restore jobs do not change backup coverage'),
};
