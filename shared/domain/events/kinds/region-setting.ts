import * as z from '../../zod-mini.js';
import { reconcileMember } from '../effect.js';
import { STATE_ALIASES, withAliases } from '../fields.js';
import type { EventKind } from '../kind.js';

/** A resource-type opt-in changed in the Region: the REGION_OPT_IN check looks at it. */
const schema = z.pipe(
  z.object({ detail: withAliases(STATE_ALIASES, z.object({ state: z.string().check(z.minLength(1)) })) }),
  z.transform(() => ({ kind: 'region-setting' as const })),
);
export const regionSettingKind: EventKind<'region-setting', z.output<typeof schema>> = {
  kind: 'region-setting',
  match: { source: 'aws.backup', detailType: 'Region Setting State Change' },
  schema,
  route: reconcileMember,
};
