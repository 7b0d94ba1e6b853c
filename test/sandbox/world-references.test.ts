import { describe, expect, it } from 'vitest';
import { loadWorld, WorldValidationError } from '../../sandbox/index.js';

const head = `
version: 1
start: "2026-03-02T00:00:00Z"
managementAccountId: "111111111111"
organization:
  accounts: ["111111111111"]
  ous:
    - name: Workloads
      accounts: ["222222222222"]
`;

function issuesOf(text: string): string[] {
  try {
    loadWorld(text, 'bad.yaml');
  } catch (error) {
    if (error instanceof WorldValidationError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected the world to be rejected');
}

describe('world files: references checked at load time, every problem at once', () => {
  it.each([
    {
      why: 'a timeline entry naming an unknown account (found at load, however late the entry)',
      body: `
timeline:
  - { at: "2026-03-30T00:00:00Z", deleteMemberRole: { account: "333333333333" } }`,
      expected: ['timeline[0].deleteMemberRole.account: unknown account 333333333333'],
    },
    {
      why: 'tagging a resource the world does not have',
      body: `
timeline:
  - { at: "2026-03-03T00:00:00Z", untag: { arn: "arn:aws:ec2:eu-west-1:222222222222:volume/vol-nope", keys: [BackupEnabled] } }`,
      expected: [
        'timeline[0].untag.arn: unknown resource arn:aws:ec2:eu-west-1:222222222222:volume/vol-nope',
      ],
    },
    {
      why: 'deleting a key the world does not have',
      body: `
timeline:
  - { at: "2026-03-03T00:00:00Z", scheduleKeyDeletion: { arn: "arn:aws:kms:eu-west-1:222222222222:key/k9" } }`,
      expected: [
        'timeline[0].scheduleKeyDeletion.arn: unknown key arn:aws:kms:eu-west-1:222222222222:key/k9',
      ],
    },
    {
      why: 'ARNs of another account or Region than where they are listed, or without an id',
      body: `
accounts:
  "222222222222":
    regions:
      eu-west-1:
        resources:
          - { arn: "arn:aws:ec2:eu-west-1:999999999999:volume/vol-wrong" }
          - { arn: "arn:aws:ec2:us-east-1:222222222222:volume/vol-elsewhere" }
          - { arn: "arn:aws:ec2:eu-west-1:222222222222:volume" }
          - { arn: "arn:aws:s3:::a-bucket" }`,
      expected: [
        'accounts.222222222222.regions.eu-west-1.resources[0].arn: arn:aws:ec2:eu-west-1:999999999999:volume/vol-wrong belongs to account 999999999999, but is listed under 222222222222',
        'accounts.222222222222.regions.eu-west-1.resources[1].arn: arn:aws:ec2:us-east-1:222222222222:volume/vol-elsewhere is in us-east-1, but is listed under eu-west-1',
        'accounts.222222222222.regions.eu-west-1.resources[2].arn: arn:aws:ec2:eu-west-1:222222222222:volume names a resource type but no resource id',
      ],
    },
  ])('$why', ({ body, expected }) => {
    expect(issuesOf(head + body)).toEqual(expected);
  });

  it('reports schema problems and reference problems together, with paths into the original file', () => {
    const issues = issuesOf(`${head}
accounts:
  "222222222222":
    regions:
      eu-west-1:
        resources:
          - { arn: "arn:aws:ec2:eu-west-1:222222222222:volume/vol-1" }
          - { arn: "not-an-arn" }
          - { arn: "arn:aws:ec2:eu-west-1:999999999999:volume/vol-3" }
timeline:
  - { at: "2026-03-05T00:00:00Z", moveAccount: { id: "222222222222", to: /Nowhere } }
  - { at: "2026-03-04T00:00:00Z", deleteMemberRole: { account: "333333333333" } }
  - { at: "2026-03-01T00:00:00Z", untag: { arn: "arn:aws:ec2:eu-west-1:222222222222:volume/vol-1", keys: [BackupEnabled] } }
`);
    expect(issues).toEqual(
      expect.arrayContaining([
        'accounts.222222222222.regions.eu-west-1.resources[1].arn: an ARN starts with "arn:aws:"',
        'accounts.222222222222.regions.eu-west-1.resources[2].arn: arn:aws:ec2:eu-west-1:999999999999:volume/vol-3 belongs to account 999999999999, but is listed under 222222222222',
        'timeline[0].moveAccount.to: unknown OU /Nowhere',
        'timeline[1].at: timeline entries must be in time order',
        'timeline[1].deleteMemberRole.account: unknown account 333333333333',
        'timeline[2].at: before the world start',
      ]),
    );
  });
});
