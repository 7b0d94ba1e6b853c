import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DecisionInputs, decideRequest } from '../../sandbox/iam/authorizer.js';
import { wildcardMatch } from '../../sandbox/iam/evaluate.js';
import { listOf, type PolicyDocument, statementsOf } from '../../sandbox/iam/policy.js';
import { CATALOGED_OPERATIONS } from '../../sandbox/iam/requests.js';
import { iamSnapshot, type SnapshotRole } from '../../sandbox/iam/snapshot.js';
import { runSandbox } from '../../sandbox/runner.js';
import { loadWorld } from '../../sandbox/world.js';
import { loadConfigFromText } from '../../shared/domain/config/index.js';

const root = join(import.meta.dirname, '../..');
const DAY_MS = 86_400_000;
/** Where each permission the demo week leaves unused is explained. */
const REASONS_FILE = 'docs/permissions.md';
/** A role in another organization: requests for its resources have no resource policy that allows them. */
const FOREIGN_ACCOUNT = '999999999999';

/**
 * Services whose calls never reach the sandbox's IAM decisions, so the week cannot tell whether their
 * actions are used; every other granted action is judged.
 */
const OUTSIDE_THE_SANDBOX: Readonly<Record<string, string>> = {
  dynamodb: 'the findings store runs on the embedded DynamoDB engine, which checks no IAM',
  sqs: "the harness hands the queue's messages to the events function itself",
  logs: "Lambda writes the functions' logs",
  xray: 'Lambda sends the traces of active tracing',
};

/**
 * The key policy the sandbox assumes for every KMS key (it does not model key policies): AWS's default,
 * which lets the key account's IAM policies grant access
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
 */
const defaultKeyPolicy = (account: string): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
  ],
});

/** One decision of each kind is enough to compare two evaluators; more only repeats the same statements. */
interface Sampled {
  readonly inputs: DecisionInputs;
  readonly allowed: boolean;
}

interface DemoWeek {
  /** `role name → actions` the sandbox allowed that role during the week. */
  readonly used: ReadonlyMap<string, ReadonlySet<string>>;
  readonly samples: readonly Sampled[];
  readonly memberRoleName: string;
  readonly backupRoleName: string;
}

/**
 * The demo world and example config `npm start` runs, for the whole simulated week with every timeline
 * entry and event, but a sweep every 12 simulated hours instead of every hour: which actions the controller
 * uses depends on what happens in the week, not on how often the same targets are observed again.
 */
async function runDemoWeek(): Promise<DemoWeek> {
  const world = loadWorld(readFileSync(join(root, 'sandbox/demo/world.yaml'), 'utf8'), 'world.yaml');
  const parsed = loadConfigFromText(
    readFileSync(join(root, 'examples/orgbackup.config.yaml'), 'utf8'),
    'config',
  );
  if (!parsed.ok) throw new Error('examples/orgbackup.config.yaml is invalid');
  const config = parsed.config;
  const used = new Map<string, Set<string>>();
  const samples = new Map<string, Sampled>();
  const result = await runSandbox({
    world,
    config,
    until: new Date(Date.parse(world.start) + 7 * DAY_MS),
    seed: 1,
    sweepEveryMinutes: 12 * 60,
    prepare: (sim) =>
      sim.onAuthorization((record) => {
        const roleName = record.principal.split(':role/')[1] ?? record.principal;
        if (record.allowed) used.set(roleName, (used.get(roleName) ?? new Set()).add(record.action));
        const key = `${roleName} ${record.action} ${record.allowed} ${record.inputs?.resourcePolicy ? 'rp' : ''}`;
        if (record.inputs && !samples.has(key))
          samples.set(key, { inputs: record.inputs, allowed: record.allowed });
      }),
  });
  await result.close();
  return {
    used,
    samples: [...samples.values()],
    memberRoleName: config.memberRoleName,
    backupRoleName: config.backupRoleName,
  };
}

/** Every role the deployment creates, by the label docs/permissions.md uses, with its name once deployed. */
function deployedRoles(week: DemoWeek): { label: string; name: string; role: SnapshotRole }[] {
  const snapshot = iamSnapshot();
  const names: Readonly<Record<string, string>> = {
    MemberRoleName: week.memberRoleName,
    BackupRoleName: week.backupRoleName,
  };
  const named = (role: SnapshotRole) =>
    role.name.replace(/\$\{(\w+)\}/g, (placeholder, name: string) => names[name] ?? placeholder);
  return [
    ...Object.entries(snapshot.functions).map(([fn, role]) => ({ label: fn, name: role.name, role })),
    ...snapshot.managementRoles.map((role) => ({
      label: `management ${role.name}`,
      name: named(role),
      role,
    })),
    ...snapshot.memberBaseline.roles.map((role) => ({
      label: `member ${role.name}`,
      name: named(role),
      role,
    })),
  ];
}

const grantedActions = (role: SnapshotRole): string[] => [
  ...new Set(
    role.policies
      .flatMap((policy) => statementsOf(policy.document))
      .filter((statement) => statement.Effect === 'Allow')
      .flatMap((statement) => listOf(statement.Action)),
  ),
];

/** `role action → reason` rows of the table in docs/permissions.md. */
function writtenReasons(): Map<string, string> {
  const text = readFileSync(join(root, REASONS_FILE), 'utf8');
  const rows = [...text.matchAll(/^\| `([^`]+)` +\| `([^`]+)` +\| (.*?) *\|$/gm)];
  return new Map(rows.map(([, role = '', action = '', reason = '']) => [`${role} ${action}`, reason]));
}

/** iam-simulate's decision (allowed or not) for the inputs the sandbox decided from. */
async function simulated(inputs: DecisionInputs): Promise<boolean> {
  const contextVariables = Object.fromEntries(
    Object.entries(inputs.request.context).flatMap(([key, value]) =>
      value === undefined ? [] : [[key, Array.isArray(value) ? value.map(String) : String(value)]],
    ),
  );
  const result = await runSimulation(
    {
      request: {
        principal: inputs.principal.arn,
        action: inputs.request.action,
        resource: { resource: inputs.request.resource, accountId: inputs.resourceAccount },
        contextVariables,
      },
      identityPolicies: inputs.identityPolicies.map((policy, index) => ({
        name: `identity-${index}`,
        policy,
      })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(inputs.resourcePolicy
        ? { resourcePolicy: inputs.resourcePolicy }
        : inputs.request.resource.startsWith('arn:aws:kms:')
          ? { resourcePolicy: defaultKeyPolicy(inputs.resourceAccount) }
          : {}),
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`iam-simulate: ${JSON.stringify(result.errors)}`);
  return result.overallResult === 'Allowed';
}

/** The same request for the same resource in an account outside the organization. */
function inForeignAccount(inputs: DecisionInputs): DecisionInputs {
  const resource = inputs.request.resource.replace(`:${inputs.resourceAccount}:`, `:${FOREIGN_ACCOUNT}:`);
  return { ...inputs, resourceAccount: FOREIGN_ACCOUNT, request: { ...inputs.request, resource } };
}

let week: DemoWeek;

beforeAll(async () => {
  week = await runDemoWeek();
}, 300_000);

describe('the permissions the demo week uses (the sandbox enforcing the synthesized IAM)', () => {
  it(`leaves no granted action unused without a reason in ${REASONS_FILE}, and lists nothing it used`, () => {
    const reasons = writtenReasons();
    const unexplained: string[] = [];
    const listedButUsed: string[] = [];
    const granted = new Set<string>();
    for (const { label, name, role } of deployedRoles(week)) {
      const used = [...(week.used.get(name) ?? [])];
      for (const pattern of grantedActions(role)) {
        if (OUTSIDE_THE_SANDBOX[pattern.split(':')[0] ?? '']) continue;
        const key = `${label} ${pattern}`;
        granted.add(key);
        const isUsed = used.some((action) => wildcardMatch(pattern, action, true));
        if (!isUsed && !reasons.get(key)) unexplained.push(key);
        if (isUsed && reasons.has(key)) listedButUsed.push(key);
      }
    }
    expect(unexplained).toEqual([]);
    expect(listedButUsed).toEqual([]);
    expect([...reasons.keys()].filter((key) => !granted.has(key))).toEqual([]);
  });

  it('judges every service the sandbox answers', () => {
    const services = new Set(CATALOGED_OPERATIONS.map((operation) => operation.split(':')[0]));
    expect(Object.keys(OUTSIDE_THE_SANDBOX).filter((service) => services.has(service))).toEqual([]);
  });

  it('agrees with iam-simulate on every kind of decision it made, and on the same requests from outside the organization', async () => {
    expect(week.samples.length).toBeGreaterThan(50);
    const disagreements: string[] = [];
    for (const { inputs, allowed } of week.samples) {
      const variants = [{ inputs, sandbox: allowed }];
      if (inputs.request.resource !== '*') {
        const foreign = inForeignAccount(inputs);
        variants.push({ inputs: foreign, sandbox: decideRequest(foreign).allowed });
      }
      for (const variant of variants) {
        const reference = await simulated(variant.inputs);
        if (reference !== variant.sandbox) {
          disagreements.push(
            `${variant.inputs.principal.arn} ${variant.inputs.request.action} ${variant.inputs.request.resource}: sandbox ${variant.sandbox}, iam-simulate ${reference}`,
          );
        }
      }
    }
    expect(disagreements).toEqual([]);
  });
});
