import * as z from '../../zod-mini.js';
import { ignored } from '../effect.js';
import { STATE_ALIASES, withAliases } from '../fields.js';
import type { EventKind } from '../kind.js';

const schema = z.pipe(
  z.object({
    detail: withAliases(
      STATE_ALIASES,
      z.object({ restoreJobId: z.string().check(z.minLength(1)), state: z.string().check(z.minLength(1)) }),
    ),
  }),
  z.transform(() => ({ kind: 'restore-job' as const })),
);
export const restoreJobKind: EventKind<'restore-job', z.output<typeof schema>> = {
  kind: 'restore-job',
  match: { source: 'aws.backup', detailType: 'Restore Job State Change' },
  schema,
  route: () => ignored('restore jobs do not change backup coverage'),
};
