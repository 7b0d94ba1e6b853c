import type {
  AttachRolePolicyCommandInput,
  CreateRoleCommandInput,
  CreateServiceLinkedRoleCommandInput,
  GetRoleCommandInput,
  GetRolePolicyCommandInput,
  ListAttachedRolePoliciesCommandInput,
  ListRolePoliciesCommandInput,
  PutRolePolicyCommandInput,
  Role,
  UpdateAssumeRolePolicyCommandInput,
} from '@aws-sdk/client-iam';
import { type Call, fail, type ServiceHandlers } from '../call.js';
import { stableId } from '../rng.js';
import type { SimRole } from '../state.js';

/**
 * IAM roles, account-global. Like AWS, GetRole and GetRolePolicy return policy documents URL-encoded
 * (RFC 3986): callers must decodeURIComponent before JSON.parse.
 */

/**
 * The role Organizations creates in every account it creates (CreateAccount), trusting the management account
 * and carrying AdministratorAccess; invited accounts do not have it
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access-cross-account-role.html).
 */
export const ORGANIZATION_ACCESS_ROLE = 'OrganizationAccountAccessRole';

const POLICY_ARN = /^arn:aws:iam::(aws|\d{12}):policy\/.+$/;

function requireRole(call: Call, name: string | undefined): SimRole {
  const role = name ? call.state.account(call.caller.accountId)?.roles.get(name) : undefined;
  if (!role) fail(call, 'NoSuchEntityException', `The role with name ${name} cannot be found.`);
  return role;
}

function requireJson(call: Call, document: string | undefined): string {
  try {
    JSON.parse(document ?? '');
  } catch {
    fail(call, 'MalformedPolicyDocumentException', 'This policy contains invalid Json');
  }
  return document ?? '';
}

const roleOut = (role: SimRole): Role => ({
  Path: '/',
  RoleName: role.name,
  RoleId: role.roleId,
  Arn: role.arn,
  CreateDate: role.createDate,
  AssumeRolePolicyDocument: encodeURIComponent(role.trustPolicy),
  MaxSessionDuration: 3600,
});

export function newRole(
  accountId: string,
  name: string,
  trustPolicy: string,
  createDate: Date,
  path = '/',
): SimRole {
  return {
    name,
    arn: `arn:aws:iam::${accountId}:role${path}${name}`,
    roleId: `AROA${stableId(`${accountId}:${name}`, 17).toUpperCase()}`,
    createDate,
    trustPolicy,
    managedPolicyArns: [],
    inlinePolicies: new Map(),
  };
}

/** AWS Backup's service-linked role: its name, path and trust are AWS's, so the world only says whether it exists. */
export const BACKUP_SERVICE_LINKED_ROLE = 'AWSServiceRoleForBackup';
const BACKUP_SERVICE_LINKED_PATH = '/aws-service-role/backup.amazonaws.com/';

function serviceLinkedRoleOut(accountId: string): Role {
  const role = newRole(
    accountId,
    BACKUP_SERVICE_LINKED_ROLE,
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    }),
    new Date(0),
    BACKUP_SERVICE_LINKED_PATH,
  );
  return { ...roleOut(role), Path: BACKUP_SERVICE_LINKED_PATH };
}

export const iamHandlers: ServiceHandlers = {
  GetRole: (call: Call, input: GetRoleCommandInput) => {
    if (input.RoleName === BACKUP_SERVICE_LINKED_ROLE) {
      if (!call.state.account(call.caller.accountId)?.serviceLinkedRole) requireRole(call, input.RoleName);
      return { Role: serviceLinkedRoleOut(call.caller.accountId) };
    }
    return { Role: roleOut(requireRole(call, input.RoleName)) };
  },

  // Only AWS Backup's role is simulated; AWS's wording for a role that already exists.
  CreateServiceLinkedRole: (call: Call, input: CreateServiceLinkedRoleCommandInput) => {
    const account = call.state.account(call.caller.accountId);
    if (!account || input.AWSServiceName !== 'backup.amazonaws.com')
      fail(call, 'InvalidInputException', `Invalid service name ${input.AWSServiceName}.`);
    if (account.serviceLinkedRole) {
      fail(
        call,
        'InvalidInputException',
        `Service role name ${BACKUP_SERVICE_LINKED_ROLE} has been taken in this account, please try a different suffix.`,
      );
    }
    account.serviceLinkedRole = true;
    return { Role: serviceLinkedRoleOut(account.id) };
  },

  CreateRole: (call: Call, input: CreateRoleCommandInput) => {
    const account = call.state.account(call.caller.accountId);
    const name = input.RoleName ?? '';
    if (!account || !/^[\w+=,.@-]{1,64}$/.test(name))
      fail(call, 'ValidationError', `Invalid role name ${name}.`);
    if (account.roles.has(name))
      fail(call, 'EntityAlreadyExistsException', `Role with name ${name} already exists.`);
    const role = newRole(
      account.id,
      name,
      requireJson(call, input.AssumeRolePolicyDocument),
      call.state.now,
      input.Path ?? '/',
    );
    account.roles.set(name, role);
    return { Role: roleOut(role) };
  },

  UpdateAssumeRolePolicy: (call: Call, input: UpdateAssumeRolePolicyCommandInput) => {
    const role = requireRole(call, input.RoleName);
    role.trustPolicy = requireJson(call, input.PolicyDocument);
    return {};
  },

  AttachRolePolicy: (call: Call, input: AttachRolePolicyCommandInput) => {
    const role = requireRole(call, input.RoleName);
    const arn = input.PolicyArn ?? '';
    if (!POLICY_ARN.test(arn)) fail(call, 'InvalidInputException', `ARN ${arn} is not valid.`);
    if (!role.managedPolicyArns.includes(arn)) role.managedPolicyArns.push(arn);
    return {};
  },

  ListAttachedRolePolicies: (call: Call, input: ListAttachedRolePoliciesCommandInput) => ({
    AttachedPolicies: requireRole(call, input.RoleName).managedPolicyArns.map((arn) => ({
      PolicyArn: arn,
      PolicyName: arn.split('/').pop(),
    })),
    IsTruncated: false,
  }),

  PutRolePolicy: (call: Call, input: PutRolePolicyCommandInput) => {
    const role = requireRole(call, input.RoleName);
    role.inlinePolicies.set(input.PolicyName ?? '', requireJson(call, input.PolicyDocument));
    return {};
  },

  GetRolePolicy: (call: Call, input: GetRolePolicyCommandInput) => {
    const role = requireRole(call, input.RoleName);
    const document = role.inlinePolicies.get(input.PolicyName ?? '');
    if (document === undefined) {
      fail(call, 'NoSuchEntityException', `The role policy with name ${input.PolicyName} cannot be found.`);
    }
    return {
      RoleName: role.name,
      PolicyName: input.PolicyName,
      PolicyDocument: encodeURIComponent(document),
    };
  },

  ListRolePolicies: (call: Call, input: ListRolePoliciesCommandInput) => ({
    PolicyNames: [...requireRole(call, input.RoleName).inlinePolicies.keys()],
    IsTruncated: false,
  }),
};
