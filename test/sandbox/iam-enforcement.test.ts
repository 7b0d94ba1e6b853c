import { Backup } from '@aws-sdk/client-backup';
import { SNS } from '@aws-sdk/client-sns';
import { STS } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { describe, expect, it } from 'vitest';
import type { ControllerDeploymentOptions } from '../../sandbox/iam/deployment.js';
import type { IamSnapshot, SnapshotRole } from '../../sandbox/iam/snapshot.js';
import type { SimulatedOrganization } from '../../sandbox/index.js';
import { baseWorld, MANAGEMENT, PROD, plugged, REGION, SECURITY, simulate } from './helpers.js';

/** A snapshot placeholder, `${Name}`. */
const ph = (name: string) => `\${${name}}`;
const EXECUTION_ROLE = 'Exec';
const NEWCOMER = '666666666666';

const role = (name: string, statements: object[], trust: object | null = null): SnapshotRole => ({
  name,
  trustPolicy: trust as SnapshotRole['trustPolicy'],
  policies: [{ name: 'inline', document: { Version: '2012-10-17', Statement: statements as never } }],
  managedPolicyArns: [],
});

/** A snapshot small enough to read: two functions may reach members, only one is trusted there. */
const SNAPSHOT: IamSnapshot = {
  source: 'test',
  functions: {
    sweep: role('SweepRole', [{ Effect: 'Allow', Action: 'organizations:List*', Resource: '*' }]),
    'reconcile-target': role('ReconcileRole', [
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::*:role/${ph('MemberRoleName')}` },
    ]),
    events: role('EventsRole', [
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::*:role/${ph('MemberRoleName')}` },
    ]),
    notify: role('NotifyRole', [
      {
        Effect: 'Allow',
        Action: 'sns:Publish',
        Resource: `arn:aws:sns:${ph('Region')}:${ph('Account')}:alerts`,
      },
    ]),
    report: role('ReportRole', []),
  },
  managementRoles: [],
  managementRules: [],
  centralBusPolicy: [],
  memberBaseline: {
    roles: [
      role(ph('MemberRoleName'), [{ Effect: 'Allow', Action: 'backup:List*', Resource: '*' }], {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { AWS: `arn:aws:iam::${ph('ManagementAccount')}:role/ReconcileRole` },
          },
        ],
      }),
    ],
    rules: [],
  },
};

const DEPLOYMENT: Omit<
  ControllerDeploymentOptions,
  'controllerRegion' | 'baselineDelayMinutes' | 'centralBusArn'
> = {
  regions: [REGION],
  attachTo: ['/Workloads'],
  excludeAccounts: [],
  memberRoleName: EXECUTION_ROLE,
  backupRoleName: 'OrgBackupServiceRole',
  vaultName: 'org-backup',
  snapshot: SNAPSHOT,
};

function deployed(world = baseWorld({ memberRoleName: EXECUTION_ROLE })) {
  const sim = simulate(world);
  return { sim, controller: sim.deployController(DEPLOYMENT) };
}

function memberBackup(sim: SimulatedOrganization, credentials: ReturnType<typeof sim.managementCredentials>) {
  return plugged(
    sim,
    new Backup({
      region: REGION,
      maxAttempts: 1,
      credentials: fromTemporaryCredentials({
        params: { RoleArn: `arn:aws:iam::${PROD}:role/${EXECUTION_ROLE}`, RoleSessionName: 'test' },
        masterCredentials: credentials,
        clientConfig: { region: 'us-east-1', maxAttempts: 1 },
        clientPlugins: [sim.plugin()],
      }),
    }),
  );
}

describe('the sandbox enforces the deployed controller IAM', () => {
  it('lets a trusted function assume the member role and act within that role policy', async () => {
    const { sim, controller } = deployed();
    const backup = memberBackup(sim, controller.credentials('reconcile-target'));
    await expect(backup.listBackupVaults({})).resolves.toMatchObject({ BackupVaultList: [] });
  });

  it('denies an action the member role does not grant with the service access-denied error and AWS wording', async () => {
    const { sim, controller } = deployed();
    const backup = memberBackup(sim, controller.credentials('reconcile-target'));
    const error = await backup.createBackupVault({ BackupVaultName: 'org-backup' }).catch((e: Error) => e);
    expect(error).toMatchObject({
      name: 'AccessDeniedException',
      message:
        `User: arn:aws:sts::${PROD}:assumed-role/${EXECUTION_ROLE}/test is not authorized to perform: ` +
        `backup:CreateBackupVault on resource: arn:aws:backup:${REGION}:${PROD}:backup-vault:org-backup ` +
        'because no identity-based policy allows the backup:CreateBackupVault action',
    });
    expect(sim.inspect.vaultExists(PROD, REGION, 'org-backup')).toBe(false);
  });

  it("refuses AssumeRole to a function the member role's trust policy does not name", async () => {
    const { sim, controller } = deployed();
    const backup = memberBackup(sim, controller.credentials('events'));
    await expect(backup.listBackupVaults({})).rejects.toThrow(
      /assumed-role\/EventsRole\/orgbackup-events is not authorized to perform: sts:AssumeRole/,
    );
  });

  it('answers SNS denials with AuthorizationErrorException and allows the granted topic', async () => {
    const { sim, controller } = deployed();
    const publish = (fn: 'notify' | 'report') =>
      plugged(
        sim,
        new SNS({ region: 'us-east-1', maxAttempts: 1, credentials: controller.credentials(fn) }),
      ).publish({
        TopicArn: `arn:aws:sns:us-east-1:${MANAGEMENT}:alerts`,
        Message: 'hello',
      });
    await expect(publish('notify')).resolves.toMatchObject({ MessageId: expect.any(String) });
    await expect(publish('report')).rejects.toMatchObject({ name: 'AuthorizationErrorException' });
  });

  it('runs every function as its own role session', async () => {
    const { sim, controller } = deployed();
    const sts = plugged(sim, new STS({ region: 'us-east-1', credentials: controller.credentials('sweep') }));
    await expect(sts.getCallerIdentity({})).resolves.toMatchObject({
      Arn: `arn:aws:sts::${MANAGEMENT}:assumed-role/SweepRole/orgbackup-sweep`,
    });
  });

  it('leaves the operator user (tests, orgbackup plan) an administrator', async () => {
    const { sim } = deployed();
    const backup = plugged(sim, new Backup({ region: REGION, credentials: sim.managementCredentials() }));
    await expect(backup.createBackupVault({ BackupVaultName: 'org-backup' })).resolves.toBeDefined();
  });
});

describe('the member baseline follows the StackSet targets', () => {
  const roleIn = (sim: SimulatedOrganization, account: string) =>
    sim.inspect.role(account, EXECUTION_ROLE) !== undefined;

  it('is in every targeted account at world start, not in others or the management account', () => {
    const { sim } = deployed();
    expect([PROD, SECURITY, MANAGEMENT].map((account) => roleIn(sim, account))).toEqual([true, false, false]);
  });

  it('reaches an account that joins a targeted OU after baselineDelayMinutes, and leaves one that moves out', () => {
    const { sim } = deployed(
      baseWorld({
        memberRoleName: EXECUTION_ROLE,
        baselineDelayMinutes: 30,
        timeline: [
          { at: '2026-03-02T01:00:00Z', createAccount: { id: NEWCOMER, ou: '/Workloads/Prod' } },
          { at: '2026-03-02T01:00:00Z', moveAccount: { id: PROD, to: '/Security' } },
        ],
      }),
    );
    sim.advanceTo(new Date('2026-03-02T01:29:00Z'));
    expect([roleIn(sim, NEWCOMER), roleIn(sim, PROD)]).toEqual([false, true]);
    sim.advanceTo(new Date('2026-03-02T01:30:00Z'));
    expect([roleIn(sim, NEWCOMER), roleIn(sim, PROD)]).toEqual([true, false]);
  });

  it('keeps what the world says is missing (memberRole: false) missing', () => {
    const { sim } = deployed(
      baseWorld({ memberRoleName: EXECUTION_ROLE, accounts: { [PROD]: { memberRole: false } } }),
    );
    expect(roleIn(sim, PROD)).toBe(false);
  });
});
