import * as z from '../../zod-mini.js';
import { foreignResource, ignored, memberTarget, rejected } from '../effect.js';
import type { EventKind } from '../kind.js';

const schema = z.pipe(
  z.object({
    resources: z
      .array(z.string().check(z.minLength(1)))
      .check(z.minLength(1, 'a tag change names its resource in resources[0]')),
    detail: z.object({
      'changed-tag-keys': z.array(z.string()),
      tags: z.pipe(
        z.nullish(z.record(z.string(), z.string())),
        z.transform((value) => value ?? {}),
      ),
    }),
  }),
  z.transform(({ resources, detail }) => ({
    kind: 'tag-change' as const,
    resourceArn: resources[0] as string,
    /** Every tag the resource carries after the change (deleted keys are absent). */
    tags: detail.tags as Readonly<Record<string, string>>,
    /** Keys added, updated or deleted by this change. */
    changedKeys: detail['changed-tag-keys'] as readonly string[],
  })),
);
export const tagChangeKind: EventKind<'tag-change', z.output<typeof schema>> = {
  kind: 'tag-change',
  match: { source: 'aws.tag', detailType: 'Tag Change on Resource' },
  schema,
  route: (event, ctx) => {
    const member = memberTarget(event, ctx);
    if ('ignored' in member) return member.ignored;
    const foreign = foreignResource(event.resourceArn, event);
    if (foreign) return rejected(foreign);
    const selectionKey = ctx.selection.tagKey.toLowerCase();
    if (!event.changedKeys.some((key) => key.toLowerCase() === selectionKey)) {
      return ignored(`tag change on ${event.resourceArn} did not touch ${ctx.selection.tagKey} in any case`);
    }
    return {
      targets: [member.target],
      resourceUpdate: {
        type: 'tag-changed',
        accountId: event.account,
        region: event.region,
        arn: event.resourceArn,
        tags: event.tags,
        at: event.time,
      },
      ignoredBecause: null,
    };
  },
};
