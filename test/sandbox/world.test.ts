import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadWorld, WorldValidationError } from '../../sandbox/index.js';
import { worldJsonSchemaText } from '../../sandbox/world-schema.js';

const valid = `
version: 1
start: "2026-03-02T00:00:00Z"
managementAccountId: "111111111111"
organization:
  accounts: ["111111111111"]
  ous:
    - { name: Security, accounts: ["444444444444"] }
    - name: Workloads
      ous: [ { name: Prod, accounts: ["222222222222"] } ]
accounts:
  "222222222222":
    name: prod
    roles: [OrgBackupServiceRole]
    regions:
      eu-west-1:
        optIn: { EBS: false }
        resources:
          - { arn: "arn:aws:ec2:eu-west-1:222222222222:volume/vol-0001", tags: { BackupEnabled: "True" } }
        vaults: [ { name: org-backup, lock: { minRetentionDays: 60, maxRetentionDays: 400, lockDate: "2026-01-01T00:00:00Z" } } ]
timeline:
  - { at: "2026-03-03T10:00:00Z", untag: { arn: "arn:aws:ec2:eu-west-1:222222222222:volume/vol-0001", keys: [BackupEnabled] } }
  - { at: "2026-03-04T10:00:00Z", createAccount: { id: "555555555555", ou: /Workloads/Prod } }
`;

function issuesOf(text: string) {
  try {
    loadWorld(text, 'bad.yaml');
  } catch (error) {
    if (error instanceof WorldValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected the world to be rejected');
}

describe('world files', () => {
  it('loads a valid YAML world and fills defaults', () => {
    const world = loadWorld(valid);
    expect(world.accounts['222222222222']?.memberRole).toBe(true);
    expect(world.backupPolicyType).toBe('DISABLED');
    expect(world.timeline).toHaveLength(2);
  });

  it.each([
    {
      why: 'a malformed account id in the OU tree',
      text: valid.replace(
        'ous: [ { name: Prod, accounts: ["222222222222"] } ]',
        'ous: [ { name: Prod, accounts: ["2222"] } ]',
      ),
      path: 'organization.ous[1].ous[0].accounts[0]',
    },
    {
      why: 'a change window shorter than AWS allows',
      text: valid.replace('lockDate: "2026-01-01T00:00:00Z"', 'changeableForDays: 1'),
      path: 'accounts.222222222222.regions.eu-west-1.vaults[0].lock.changeableForDays',
    },
    {
      why: 'a timeline entry with two actions',
      text: valid.replace(
        'keys: [BackupEnabled] } }',
        'keys: [BackupEnabled] }, deleteResource: { arn: "arn:aws:s3:::x" } }',
      ),
      path: 'timeline[0]',
    },
    {
      why: 'an account that is configured but never placed',
      text: valid.replace(
        'accounts:\n  "222222222222":',
        'accounts:\n  "999999999999": {}\n  "222222222222":',
      ),
      path: 'accounts.999999999999',
    },
    {
      why: 'a timeline move to an OU that does not exist',
      text: `${valid}  - { at: "2026-03-05T00:00:00Z", moveAccount: { id: "222222222222", to: /Nowhere } }\n`,
      path: 'timeline[2].moveAccount.to',
    },
    { why: 'broken YAML', text: 'version: [1', path: 'line 1, column 12' },
  ])('reports $why with its path', ({ text, path }) => {
    expect(issuesOf(text).map((issue) => issue.path)).toContain(path);
  });

  it('names the file and every issue in the error message', () => {
    expect(() => loadWorld('version: 2', 'w.yaml')).toThrow(
      /^w\.yaml is not a valid world file:\n {2}version: /,
    );
  });

  it('has its JSON Schema committed and up to date (npx tsx sandbox/world-schema.ts)', () => {
    const committed = readFileSync(new URL('../../sandbox/world.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(worldJsonSchemaText());
  });
});
