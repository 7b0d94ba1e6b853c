import {
  GetResourcesCommand,
  PaginationTokenExpiredException,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { describe, expect, it } from 'vitest';
import { at, baseWorld, clients, memberCredentials, PROD, REGION, simulate } from './helpers.js';

const volume = (n: number) => `arn:aws:ec2:${REGION}:${PROD}:volume/vol-${String(n).padStart(4, '0')}`;

function world() {
  return baseWorld({
    accounts: {
      [PROD]: {
        regions: {
          [REGION]: {
            resources: [
              ...Array.from({ length: 120 }, (_, i) => ({
                arn: volume(i),
                tags: { BackupEnabled: i % 2 === 0 ? 'True' : 'true' },
              })),
              { arn: 'arn:aws:s3:::prod-data', tags: { BackupEnabled: 'True', team: 'data' } },
              { arn: `arn:aws:ec2:${REGION}:${PROD}:instance/i-untagged` },
            ],
          },
        },
      },
    },
    timeline: [{ at: '2026-03-02T01:00:00Z', untag: { arn: volume(0), keys: ['BackupEnabled'] } }],
  });
}

describe('Tagging GetResources', () => {
  it('pages with ResourcesPerPage ≤ 100 and ends with an empty-string token', async () => {
    const sim = simulate(world());
    const { tagging } = clients(sim, memberCredentials(sim, PROD));
    const arns: string[] = [];
    const tokens: (string | undefined)[] = [];
    let token: string | undefined;
    do {
      const page = await tagging.send(
        new GetResourcesCommand({
          ResourcesPerPage: 50,
          PaginationToken: token,
          ResourceTypeFilters: ['ec2:volume'],
        }),
      );
      arns.push(...(page.ResourceTagMappingList ?? []).map((m) => m.ResourceARN ?? ''));
      token = page.PaginationToken;
      tokens.push(token);
    } while (token);
    expect(arns).toHaveLength(120);
    expect(tokens.at(-1)).toBe('');
    await expect(tagging.send(new GetResourcesCommand({ ResourcesPerPage: 101 }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });

  it.each([
    {
      why: 'values OR within a key',
      filters: [{ Key: 'BackupEnabled', Values: ['True', 'true'] }],
      count: 121,
    },
    {
      why: 'exact, case-sensitive value match',
      filters: [{ Key: 'BackupEnabled', Values: ['True'] }],
      count: 61,
    },
    {
      why: 'keys AND together',
      filters: [{ Key: 'BackupEnabled', Values: ['True'] }, { Key: 'team' }],
      count: 1,
    },
    { why: 'a key-only filter matches any value', filters: [{ Key: 'team' }], count: 1 },
  ])('filters: $why', async ({ filters, count }) => {
    const sim = simulate(world());
    const { tagging } = clients(sim, memberCredentials(sim, PROD));
    const page = await tagging.send(new GetResourcesCommand({ TagFilters: filters, ResourcesPerPage: 100 }));
    const more = page.PaginationToken
      ? await tagging.send(
          new GetResourcesCommand({
            TagFilters: filters,
            ResourcesPerPage: 100,
            PaginationToken: page.PaginationToken,
          }),
        )
      : undefined;
    expect((page.ResourceTagMappingList?.length ?? 0) + (more?.ResourceTagMappingList?.length ?? 0)).toBe(
      count,
    );
  });

  it('returns S3 buckets only in their home Region and once-tagged resources with no tags', async () => {
    const sim = simulate(world());
    sim.advanceTo(at('2026-03-02T02:00:00Z'));
    const home = clients(sim, memberCredentials(sim, PROD));
    const other = clients(sim, memberCredentials(sim, PROD), 'us-east-1');
    const s3Home = await home.tagging.send(new GetResourcesCommand({ ResourceTypeFilters: ['s3'] }));
    const s3Other = await other.tagging.send(new GetResourcesCommand({ ResourceTypeFilters: ['s3'] }));
    expect(s3Home.ResourceTagMappingList?.map((m) => m.ResourceARN)).toEqual(['arn:aws:s3:::prod-data']);
    expect(s3Other.ResourceTagMappingList).toEqual([]);
    const listed = await home.tagging.send(
      new GetResourcesCommand({
        ResourceARNList: [volume(0), `arn:aws:ec2:${REGION}:${PROD}:instance/i-untagged`],
      }),
    );
    expect(listed.ResourceTagMappingList).toEqual([{ ResourceARN: volume(0), Tags: [] }]);
  });

  it('expires page tokens after 15 simulated minutes', async () => {
    const sim = simulate(world());
    const { tagging } = clients(sim, memberCredentials(sim, PROD));
    const first = await tagging.send(new GetResourcesCommand({ ResourcesPerPage: 10 }));
    sim.advanceBy(16 * 60_000);
    await expect(
      tagging.send(new GetResourcesCommand({ ResourcesPerPage: 10, PaginationToken: first.PaginationToken })),
    ).rejects.toBeInstanceOf(PaginationTokenExpiredException);
  });
});
