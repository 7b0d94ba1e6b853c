import type { Call } from '../call.js';
import { accountArn, rootArn } from '../organization.js';
import { restoreTestingPlanArn } from '../restore-tests.js';
import { findKey } from '../services/kms.js';
import { RESTORE_TESTING_SERVICE_LINKED_ROLE } from '../services/restore-testing.js';
import type { ContextValue } from './evaluate.js';

/**
 * What IAM authorizes for each operation the sandbox answers: the action, the resource ARN in the format the
 * Service Authorization Reference gives for it (`*` where the action has no resource type), the
 * action-specific condition keys, and — where AWS applies one — the resource's own policy. Some operations
 * need more than one action (dependent actions, e.g. `CreateBackupVault` mounts a capsule and lets AWS Backup
 * use the vault's key; `PutTargets` passes the target's role).
 */
export interface ActionRequest {
  readonly action: string;
  readonly resource: string;
  /** The account that owns the resource (the caller's account for `*`). */
  readonly resourceAccount: string;
  readonly context?: Readonly<Record<string, ContextValue | undefined>>;
  /**
   * The resource-based policy AWS evaluates too. `required`: the action is never allowed without one that
   * allows it (a role's trust policy).
   */
  readonly resourcePolicy?: { readonly text: string | undefined; readonly required: boolean };
}

/** Operations whose IAM action has another name (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html). */
export const IAM_ACTION_OF: Readonly<Record<string, string>> = {
  's3:GetBucketEncryption': 's3:GetEncryptionConfiguration',
};

/** Operations IAM does not authorize (they answer for any valid credentials). */
const UNAUTHORIZED_OPERATIONS = new Set(['sts:GetCallerIdentity']);

export class UncatalogedOperationError extends Error {
  constructor(operationKey: string) {
    super(
      `The sandbox answers ${operationKey} but sandbox/iam/requests.ts does not say what IAM authorizes for it.`,
    );
  }
}

// biome-ignore lint/suspicious/noExplicitAny: inputs are the SDK's per-operation shapes.
type Input = any;
type Builder = (call: Call, input: Input) => ActionRequest[];

const own = (
  call: Call,
  action: string,
  resource = '*',
  context?: ActionRequest['context'],
): ActionRequest => ({
  action,
  resource,
  resourceAccount: call.caller.accountId,
  ...(context ? { context } : {}),
});

const backupVault = (call: Call, input: Input): ActionRequest[] => {
  const account = (input.BackupVaultAccountId as string | undefined) ?? call.caller.accountId;
  const name = String(input.BackupVaultName ?? '');
  const vault = call.state.account(account)?.regions.get(call.region)?.vaults.get(name);
  return [
    {
      action: `backup:${call.operation}`,
      resource: `arn:aws:backup:${call.region}:${account}:backup-vault:${name}`,
      resourceAccount: account,
      resourcePolicy: { text: vault?.accessPolicy, required: false },
    },
  ];
};

const withVaultLock = (call: Call, input: Input): ActionRequest[] =>
  backupVault(call, input).map((request) => ({
    ...request,
    context: {
      'backup:MinRetentionDays': input.MinRetentionDays,
      'backup:MaxRetentionDays': input.MaxRetentionDays,
      'backup:ChangeableForDays': input.ChangeableForDays,
    },
  }));

/**
 * `CreateBackupVault` also mounts the vault's storage, and with a customer-managed key AWS Backup uses the key
 * on the caller's behalf (https://docs.aws.amazon.com/aws-backup/latest/devguide/create-a-vault.html).
 */
const createBackupVault: Builder = (call, input) => {
  const requests = [...backupVault(call, input), own(call, 'backup-storage:MountCapsule')];
  const key = input.EncryptionKeyArn ? findKey(call, String(input.EncryptionKeyArn)) : undefined;
  if (key && key.manager === 'CUSTOMER') {
    const viaBackup = { 'kms:ViaService': `backup.${call.region}.amazonaws.com` };
    for (const action of ['kms:DescribeKey', 'kms:GenerateDataKey', 'kms:Decrypt', 'kms:RetireGrant']) {
      requests.push({ action, resource: key.arn, resourceAccount: key.accountId, context: viaBackup });
    }
    requests.push({
      action: 'kms:CreateGrant',
      resource: key.arn,
      resourceAccount: key.accountId,
      context: { ...viaBackup, 'kms:GrantIsForAWSResource': true },
    });
  }
  return requests;
};

const organizationsArn = (call: Call, id: string | undefined): string => {
  const org = call.state.organization;
  const prefix = `arn:aws:organizations::${org.managementAccountId}`;
  if (!id) return '*';
  if (id === org.rootId) return rootArn(call.state);
  if (id.startsWith('ou-')) return `${prefix}:ou/${org.id}/${id}`;
  if (id.startsWith('p-')) return `${prefix}:policy/${org.id}/backup_policy/${id}`;
  if (/^\d{12}$/.test(id)) return accountArn(call.state, id);
  return `${prefix}:unknown/${org.id}/${id}`;
};

/** Organizations knows the policy type of the policy a request names; the sandbox has only backup policies. */
const organizations =
  (...ids: string[]): Builder =>
  (call, input) => {
    const policyType =
      input.PolicyType ?? input.Type ?? input.Filter ?? (input.PolicyId ? 'BACKUP_POLICY' : undefined);
    const context = { 'organizations:PolicyType': policyType };
    const resources = ids.length === 0 ? ['*'] : ids.map((field) => organizationsArn(call, input[field]));
    return resources.map((resource) => ({
      action: `organizations:${call.operation}`,
      resource,
      // Organizations decides on identity policies alone (its resource policies only delegate administration).
      resourceAccount: call.caller.accountId,
      context,
    }));
  };

const roleArn = (call: Call, name: string | undefined): string => {
  const role = name ? call.state.account(call.caller.accountId)?.roles.get(name) : undefined;
  return role?.arn ?? `arn:aws:iam::${call.caller.accountId}:role/${name ?? ''}`;
};

const iamRole: Builder = (call, input) => [own(call, `iam:${call.operation}`, roleArn(call, input.RoleName))];

const kmsKey: Builder = (call, input) => {
  const key = findKey(call, input.KeyId);
  const arn = key?.arn ?? `arn:aws:kms:${call.region}:${call.caller.accountId}:key/${input.KeyId ?? ''}`;
  const context: Record<string, ContextValue | undefined> =
    call.operation === 'CreateGrant'
      ? {
          'kms:GranteePrincipal': input.GranteePrincipal,
          'kms:RetiringPrincipal': input.RetiringPrincipal,
          'kms:GrantOperations': input.Operations ?? [],
          'kms:GrantIsForAWSResource': false,
        }
      : {};
  return [
    {
      action: `kms:${call.operation}`,
      resource: arn,
      resourceAccount: key?.accountId ?? call.caller.accountId,
      context,
    },
  ];
};

const rule: Builder = (call, input) => {
  const name = String(input.Name ?? input.Rule ?? '');
  const bus = input.EventBusName && input.EventBusName !== 'default' ? `${input.EventBusName}/` : '';
  const requests = [
    own(
      call,
      `events:${call.operation}`,
      `arn:aws:events:${call.region}:${call.caller.accountId}:rule/${bus}${name}`,
    ),
  ];
  if (call.operation === 'PutTargets') {
    const targets = (input.Targets ?? []) as { Arn?: string; RoleArn?: string }[];
    requests[0] = { ...requests[0]!, context: { 'events:TargetArn': targets.map((t) => t.Arn ?? '') } };
    for (const target of targets) {
      if (target.RoleArn) {
        requests.push(
          own(call, 'iam:PassRole', target.RoleArn, { 'iam:PassedToService': 'events.amazonaws.com' }),
        );
      }
    }
  }
  return requests;
};

const assumeRole: Builder = (call, input) => {
  const arn = String(input.RoleArn ?? '');
  const [, accountId = '', name = ''] = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn) ?? [];
  const role = call.state.account(accountId)?.roles.get(name);
  const inOrganization = call.state.account(accountId) !== undefined;
  return [
    {
      action: 'sts:AssumeRole',
      resource: arn,
      resourceAccount: accountId,
      context: {
        'aws:ResourceOrgID': inOrganization ? call.state.organization.id : undefined,
        'aws:ResourceAccount': accountId,
        'sts:RoleSessionName': input.RoleSessionName,
      },
      resourcePolicy: { text: role?.trustPolicy, required: true },
    },
  ];
};

/** A restore testing plan's ARN ends in its name and an id; the plan need not exist yet. */
const restoreTestingPlan = (call: Call, name: unknown): ActionRequest =>
  own(
    call,
    `backup:${call.operation}`,
    restoreTestingPlanArn(call.caller.accountId, call.region, String(name ?? '')),
  );

/**
 * The first restore testing plan of an account creates AWS Backup's restore-testing service-linked role, and
 * a selection passes its role to AWS Backup
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/using-service-linked-roles-AWSServiceRoleForBackupRestoreTesting.html).
 */
const createRestoreTestingPlan: Builder = (call, input) => {
  const requests = [restoreTestingPlan(call, input.RestoreTestingPlan?.RestoreTestingPlanName)];
  if (!call.state.account(call.caller.accountId)?.roles.has(RESTORE_TESTING_SERVICE_LINKED_ROLE)) {
    requests.push(
      own(
        call,
        'iam:CreateServiceLinkedRole',
        `arn:aws:iam::${call.caller.accountId}:role/aws-service-role/restore-testing.backup.amazonaws.com/${RESTORE_TESTING_SERVICE_LINKED_ROLE}`,
        { 'iam:AWSServiceName': 'restore-testing.backup.amazonaws.com' },
      ),
    );
  }
  return requests;
};

const createRestoreTestingSelection: Builder = (call, input) => [
  restoreTestingPlan(call, input.RestoreTestingPlanName),
  own(call, 'iam:PassRole', String(input.RestoreTestingSelection?.IamRoleArn ?? ''), {
    'iam:PassedToService': 'backup.amazonaws.com',
  }),
];

const CATALOG: Readonly<Record<string, Builder>> = {
  'backup:CreateRestoreTestingPlan': createRestoreTestingPlan,
  'backup:CreateRestoreTestingSelection': createRestoreTestingSelection,
  'backup:ListRestoreTestingPlans': (call) => [own(call, 'backup:ListRestoreTestingPlans')],
  'backup:ListRestoreTestingSelections': (call, input) => [
    restoreTestingPlan(call, input.RestoreTestingPlanName),
  ],
  'backup:ListRestoreJobs': (call) => [own(call, 'backup:ListRestoreJobs')],
  'backup:CreateBackupVault': createBackupVault,
  'backup:DescribeBackupVault': backupVault,
  'backup:DeleteBackupVault': backupVault,
  'backup:PutBackupVaultLockConfiguration': withVaultLock,
  'backup:DeleteBackupVaultLockConfiguration': backupVault,
  'backup:GetBackupVaultAccessPolicy': backupVault,
  'backup:PutBackupVaultAccessPolicy': backupVault,
  'backup:DeleteBackupVaultAccessPolicy': backupVault,
  'backup:ListRecoveryPointsByBackupVault': backupVault,
  'backup:ListBackupVaults': (call) => [own(call, 'backup:ListBackupVaults')],
  'backup:DescribeRegionSettings': (call) => [own(call, 'backup:DescribeRegionSettings')],
  'backup:UpdateRegionSettings': (call) => [own(call, 'backup:UpdateRegionSettings')],
  'backup:DescribeGlobalSettings': (call) => [own(call, 'backup:DescribeGlobalSettings')],
  // Turning on cross-account backup checks the organization first.
  'backup:UpdateGlobalSettings': (call) => [
    own(call, 'backup:UpdateGlobalSettings'),
    own(call, 'organizations:DescribeOrganization'),
  ],
  'backup:ListProtectedResources': (call) => [own(call, 'backup:ListProtectedResources')],
  'backup:ListBackupJobs': (call) => [own(call, 'backup:ListBackupJobs')],
  'backup:ListCopyJobs': (call) => [own(call, 'backup:ListCopyJobs')],
  'backup:ListBackupPlans': (call) => [own(call, 'backup:ListBackupPlans')],

  'organizations:DescribeOrganization': organizations(),
  'organizations:ListRoots': organizations(),
  'organizations:ListAccounts': organizations(),
  'organizations:ListPolicies': organizations(),
  // The new policy's ARN; its id does not exist yet.
  'organizations:CreatePolicy': (call, input) =>
    organizations()(call, input).map((request) => ({
      ...request,
      resource: `arn:aws:organizations::${call.state.organization.managementAccountId}:policy/${call.state.organization.id}/${String(input.Type ?? '').toLowerCase()}/*`,
    })),
  'organizations:EnablePolicyType': organizations('RootId'),
  'organizations:DescribeAccount': organizations('AccountId'),
  'organizations:ListOrganizationalUnitsForParent': organizations('ParentId'),
  'organizations:ListAccountsForParent': organizations('ParentId'),
  'organizations:ListChildren': organizations('ParentId'),
  'organizations:ListParents': organizations('ChildId'),
  'organizations:DescribePolicy': organizations('PolicyId'),
  'organizations:UpdatePolicy': organizations('PolicyId'),
  'organizations:DeletePolicy': organizations('PolicyId'),
  'organizations:ListTargetsForPolicy': organizations('PolicyId'),
  'organizations:ListTagsForResource': organizations('ResourceId'),
  'organizations:ListAWSServiceAccessForOrganization': organizations(),
  'organizations:AttachPolicy': organizations('PolicyId', 'TargetId'),
  'organizations:DetachPolicy': organizations('PolicyId', 'TargetId'),
  'organizations:ListPoliciesForTarget': organizations('TargetId'),
  'organizations:DescribeEffectivePolicy': (call, input) =>
    organizations('TargetId')(call, { ...input, TargetId: input.TargetId ?? call.caller.accountId }),

  'account:ListRegions': (call, input) => [
    own(
      call,
      'account:ListRegions',
      input.AccountId && input.AccountId !== call.caller.accountId
        ? `arn:aws:account::${call.caller.accountId}:account/${call.state.organization.id}/${input.AccountId}`
        : `arn:aws:account::${call.caller.accountId}:account`,
    ),
  ],

  // Read by `orgbackup doctor` with the operator's credentials; no controller function calls it.
  'cloudtrail:DescribeTrails': (call) => [own(call, 'cloudtrail:DescribeTrails')],

  'tag:GetResources': (call) => [own(call, 'tag:GetResources')],
  'tag:GetTagKeys': (call) => [own(call, 'tag:GetTagKeys')],

  'sts:AssumeRole': assumeRole,

  'iam:GetRole': iamRole,
  'iam:CreateRole': (call, input) => [
    ...iamRole(call, input),
    ...(input.Tags?.length ? [own(call, 'iam:TagRole', roleArn(call, input.RoleName))] : []),
  ],
  'iam:CreateServiceLinkedRole': (call, input) => [
    own(
      call,
      'iam:CreateServiceLinkedRole',
      `arn:aws:iam::${call.caller.accountId}:role/aws-service-role/${String(input.AWSServiceName ?? '')}/AWSServiceRoleForBackup`,
      { 'iam:AWSServiceName': input.AWSServiceName },
    ),
  ],
  'iam:UpdateAssumeRolePolicy': iamRole,
  'iam:AttachRolePolicy': (call, input) => [
    own(call, 'iam:AttachRolePolicy', roleArn(call, input.RoleName), { 'iam:PolicyARN': input.PolicyArn }),
  ],
  'iam:ListAttachedRolePolicies': iamRole,
  'iam:PutRolePolicy': iamRole,
  'iam:GetRolePolicy': iamRole,
  'iam:ListRolePolicies': iamRole,

  'kms:DescribeKey': kmsKey,
  'kms:ListGrants': kmsKey,
  'kms:GetKeyPolicy': kmsKey,
  'kms:CreateGrant': kmsKey,
  'kms:ListAliases': (call) => [own(call, 'kms:ListAliases')],

  'ec2:DescribeVolumes': (call) => [own(call, 'ec2:DescribeVolumes')],
  'rds:DescribeDBInstances': (call) => [
    own(call, 'rds:DescribeDBInstances', `arn:aws:rds:${call.region}:${call.caller.accountId}:db:*`),
  ],
  'rds:DescribeDBClusters': (call) => [
    own(call, 'rds:DescribeDBClusters', `arn:aws:rds:${call.region}:${call.caller.accountId}:cluster:*`),
  ],
  'fsx:DescribeFileSystems': (call) => [own(call, 'fsx:DescribeFileSystems')],
  's3:GetBucketVersioning': (call, input) => [
    own(call, 's3:GetBucketVersioning', `arn:aws:s3:::${String(input.Bucket ?? '')}`),
  ],
  's3:GetBucketEncryption': (call, input) => [
    own(call, IAM_ACTION_OF['s3:GetBucketEncryption']!, `arn:aws:s3:::${String(input.Bucket ?? '')}`),
  ],

  'events:PutRule': rule,
  'events:DescribeRule': rule,
  'events:PutTargets': rule,
  'events:ListTargetsByRule': rule,
  'events:ListRules': (call) => [own(call, 'events:ListRules')],
  'events:PutEvents': (call, input) =>
    ((input.Entries ?? []) as { EventBusName?: string }[]).map((entry) => {
      const bus = entry.EventBusName ?? 'default';
      const arn = bus.startsWith('arn:')
        ? bus
        : `arn:aws:events:${call.region}:${call.caller.accountId}:event-bus/${bus}`;
      return {
        action: 'events:PutEvents',
        resource: arn,
        resourceAccount: arn.split(':')[4] ?? call.caller.accountId,
      };
    }),

  'sns:Publish': (_call, input) => [
    {
      action: 'sns:Publish',
      resource: String(input.TopicArn ?? ''),
      resourceAccount: String(input.TopicArn ?? '').split(':')[4] ?? '',
    },
  ],
  'secretsmanager:GetSecretValue': (call, input) => {
    const id = String(input.SecretId ?? '');
    const arn = id.startsWith('arn:')
      ? id
      : `arn:aws:secretsmanager:${call.region}:${call.caller.accountId}:secret:${id}-sandbx`;
    return [own(call, 'secretsmanager:GetSecretValue', arn)];
  },
};

/** The authorization requests of one call, or an empty list for operations IAM does not authorize. */
export function requestsOf(call: Call, input: Input): ActionRequest[] {
  const key = `${call.service}:${call.operation}`;
  if (UNAUTHORIZED_OPERATIONS.has(key)) return [];
  const builder = CATALOG[key];
  if (!builder) throw new UncatalogedOperationError(key);
  return builder(call, input ?? {});
}

/** Every `service:Operation` the catalog covers (tests check it against what the sandbox answers). */
export const CATALOGED_OPERATIONS: readonly string[] = [...Object.keys(CATALOG), ...UNAUTHORIZED_OPERATIONS];
