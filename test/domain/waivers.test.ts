import { describe, expect, it } from 'vitest';
import type { FindingException } from '../../shared/domain/model.js';
import { waiverFor } from '../../shared/domain/waivers.js';

const ACCOUNT = '222222222222';
const VOLUME = `arn:aws:ec2:eu-west-1:${ACCOUNT}:volume/vol-1`;
const NOW = new Date('2026-03-04T12:00:00.000Z');
const about = { reason: 'Scratch data', owner: 'data-team', expires: '2026-03-10' };
const byArn: FindingException = { ...about, match: { arn: VOLUME } };
const byAccount: FindingException = { ...about, match: { account: ACCOUNT } };
const byTag: FindingException = { ...about, match: { tag: { key: 'Tier', value: 'scratch' } } };
const volume = (tags: Record<string, string> | null = {}) => ({ accountId: ACCOUNT, arn: VOLUME, tags });

describe('waiverFor', () => {
  it.each([
    { why: 'no exceptions configured', exceptions: undefined, resource: volume(), waived: false },
    { why: 'its ARN is waived', exceptions: [byArn], resource: volume(), waived: true },
    {
      why: 'another ARN is waived',
      exceptions: [{ ...byArn, match: { arn: `${VOLUME}2` } }],
      resource: volume(),
      waived: false,
    },
    { why: 'its account is waived', exceptions: [byAccount], resource: volume(), waived: true },
    {
      why: 'it carries the waived tag',
      exceptions: [byTag],
      resource: volume({ Tier: 'scratch' }),
      waived: true,
    },
    {
      why: 'the tag value differs (exact match)',
      exceptions: [byTag],
      resource: volume({ Tier: 'Scratch' }),
      waived: false,
    },
    {
      why: 'tags unknown (not observed): a tag waiver cannot match',
      exceptions: [byTag],
      resource: volume(null),
      waived: false,
    },
    {
      why: 'the waiver ends at the start of its expiry day (UTC)',
      exceptions: [{ ...byArn, expires: '2026-03-04' }],
      resource: volume(),
      waived: false,
    },
    {
      why: 'the day before its expiry it still holds',
      exceptions: [{ ...byArn, expires: '2026-03-05' }],
      resource: volume(),
      waived: true,
    },
  ])('$why', ({ exceptions, resource, waived }) => {
    const waiver = waiverFor(exceptions as FindingException[] | undefined, resource, NOW);
    expect(waiver !== null).toBe(waived);
    if (waiver) expect(waiver).toEqual({ ...about, expires: exceptions?.[0]?.expires });
  });
});
