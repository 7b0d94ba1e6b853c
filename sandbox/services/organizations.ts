import type {
  Account,
  AttachPolicyCommandInput,
  CreatePolicyCommandInput,
  CreatePolicyCommandOutput,
  DeletePolicyCommandInput,
  DescribeAccountCommandInput,
  DescribeEffectivePolicyCommandInput,
  DescribeEffectivePolicyCommandOutput,
  DescribeOrganizationCommandOutput,
  DescribePolicyCommandInput,
  DescribePolicyCommandOutput,
  DetachPolicyCommandInput,
  EnablePolicyTypeCommandInput,
  EnablePolicyTypeCommandOutput,
  ListAccountsForParentCommandInput,
  ListChildrenCommandInput,
  ListOrganizationalUnitsForParentCommandInput,
  ListParentsCommandInput,
  ListPoliciesCommandInput,
  ListPoliciesForTargetCommandInput,
  ListTagsForResourceCommandInput,
  ListTargetsForPolicyCommandInput,
  OrganizationalUnit,
  Policy,
  PolicySummary,
  Root,
  UpdatePolicyCommandInput,
} from '@aws-sdk/client-organizations';
import { type Call, fail, isManagement, type ServiceHandlers } from '../call.js';
import { PolicyDocumentError, parsePolicyDocument } from '../effective-policy.js';
import {
  accountArn,
  backupPolicyTypeStatus,
  describeTarget,
  effectivePolicyOf,
  policiesAttachedTo,
  rootArn,
} from '../organization.js';
import { InvalidTokenError, paginate } from '../paging.js';
import type { SimAccount, SimOu, SimPolicy, SimState } from '../state.js';

/** Organizations: management-account API, list pages ≤ 20 that are sometimes empty. */

const BACKUP_POLICY = 'BACKUP_POLICY';
const MAX_PAGE = 20;
const EMPTY_PAGE_RATE = 0.1;
const POLICY_CONTENT_LIMIT = 10_000;
const MAX_ATTACHMENTS_PER_TARGET = 10;

function requireManagement(call: Call): void {
  if (!isManagement(call))
    fail(call, 'AccessDeniedException', "You don't have permissions to access this resource.");
}

function page<T>(
  call: Call,
  items: readonly T[],
  input: { MaxResults?: number | undefined; NextToken?: string | undefined },
  query: string,
) {
  if (input.MaxResults !== undefined && (input.MaxResults < 1 || input.MaxResults > MAX_PAGE)) {
    fail(call, 'InvalidInputException', `MaxResults must be between 1 and ${MAX_PAGE}.`, {
      Reason: 'MAX_VALUE_EXCEEDED',
    });
  }
  try {
    const result = paginate(items, {
      token: input.NextToken,
      pageSize: input.MaxResults ?? MAX_PAGE,
      query,
      now: call.state.now,
      emptyPageRate: EMPTY_PAGE_RATE,
      rng: call.state.apiRng,
    });
    return { items: result.items, NextToken: result.nextToken };
  } catch (error) {
    if (error instanceof InvalidTokenError)
      fail(call, 'InvalidInputException', error.message, { Reason: 'INVALID_NEXT_TOKEN' });
    throw error;
  }
}

const accountOut = (state: SimState, account: SimAccount): Account => ({
  Id: account.id,
  Arn: accountArn(state, account.id),
  Email: account.email,
  Name: account.name,
  Status: 'ACTIVE',
  State: 'ACTIVE',
  JoinedMethod: account.joinedMethod,
  JoinedTimestamp: account.joinedTimestamp,
});

const ouOut = (ou: SimOu): OrganizationalUnit => ({ Id: ou.id, Arn: ou.arn, Name: ou.name });

const summaryOf = (policy: SimPolicy): PolicySummary => ({
  Id: policy.id,
  Arn: policy.arn,
  Name: policy.name,
  Description: policy.description,
  Type: BACKUP_POLICY,
  AwsManaged: false,
});

const policyOut = (policy: SimPolicy): Policy => ({
  PolicySummary: summaryOf(policy),
  Content: policy.content,
});

function rootOut(state: SimState): Root {
  const status = backupPolicyTypeStatus(state);
  return {
    Id: state.organization.rootId,
    Arn: rootArn(state),
    Name: 'Root',
    PolicyTypes: status === 'DISABLED' ? [] : [{ Type: BACKUP_POLICY, Status: status }],
  };
}

function requireParent(call: Call, parentId: string | undefined): string {
  const org = call.state.organization;
  if (!parentId || (parentId !== org.rootId && !org.ous.has(parentId))) {
    fail(
      call,
      'ParentNotFoundException',
      `We can't find a root or OU with the ParentId that you specified: ${parentId}.`,
    );
  }
  return parentId;
}

function requirePolicy(call: Call, policyId: string | undefined): SimPolicy {
  const policy = policyId ? call.state.organization.policies.get(policyId) : undefined;
  if (!policy)
    fail(
      call,
      'PolicyNotFoundException',
      `We can't find a policy with the PolicyId that you specified: ${policyId}.`,
    );
  return policy;
}

function requireTarget(call: Call, targetId: string | undefined): string {
  if (!targetId || !describeTarget(call.state, targetId)) {
    fail(
      call,
      'TargetNotFoundException',
      `We can't find a root, OU, or account with the TargetId that you specified: ${targetId}.`,
    );
  }
  return targetId;
}

function validateContent(call: Call, content: string): void {
  if (content.length > POLICY_CONTENT_LIMIT) {
    fail(call, 'ConstraintViolationException', 'The provided policy document exceeds the maximum size.', {
      Reason: 'POLICY_CONTENT_LIMIT_EXCEEDED',
    });
  }
  try {
    parsePolicyDocument(content);
  } catch (error) {
    if (error instanceof PolicyDocumentError) fail(call, 'MalformedPolicyDocumentException', error.message);
    throw error;
  }
}

function requireUniqueName(call: Call, name: string, except?: string): void {
  for (const policy of call.state.organization.policies.values()) {
    if (policy.name === name && policy.id !== except) {
      fail(call, 'DuplicatePolicyException', 'A policy with the same name already exists.');
    }
  }
}

export const organizationsHandlers: ServiceHandlers = {
  DescribeOrganization: (call: Call): Omit<DescribeOrganizationCommandOutput, '$metadata'> => {
    const org = call.state.organization;
    return {
      Organization: {
        Id: org.id,
        Arn: org.arn,
        FeatureSet: 'ALL',
        MasterAccountId: org.managementAccountId,
        MasterAccountArn: accountArn(call.state, org.managementAccountId),
        MasterAccountEmail: call.state.account(org.managementAccountId)?.email,
      },
    };
  },

  ListAWSServiceAccessForOrganization: (
    call: Call,
    input: { MaxResults?: number | undefined; NextToken?: string | undefined },
  ) => {
    requireManagement(call);
    const enabled = [...call.state.organization.trustedAccess].sort().map((ServicePrincipal) => ({
      ServicePrincipal,
    }));
    const { items, NextToken } = page(call, enabled, input, 'service-access');
    return { EnabledServicePrincipals: items, NextToken };
  },

  ListRoots: (call: Call, input: { MaxResults?: number | undefined; NextToken?: string | undefined }) => {
    requireManagement(call);
    const { items, NextToken } = page(call, [rootOut(call.state)], input, 'roots');
    return { Roots: items, NextToken };
  },

  EnablePolicyType: (
    call: Call,
    input: EnablePolicyTypeCommandInput,
  ): Omit<EnablePolicyTypeCommandOutput, '$metadata'> => {
    requireManagement(call);
    const org = call.state.organization;
    if (input.RootId !== org.rootId)
      fail(call, 'RootNotFoundException', `We can't find a root with the RootId ${input.RootId}.`);
    if (input.PolicyType !== BACKUP_POLICY) {
      fail(
        call,
        'PolicyTypeNotAvailableForOrganizationException',
        `The sandbox supports only ${BACKUP_POLICY}.`,
      );
    }
    if (backupPolicyTypeStatus(call.state) !== 'DISABLED') {
      fail(call, 'PolicyTypeAlreadyEnabledException', 'The specified policy type is already enabled.');
    }
    // Asynchronous in AWS: ENABLED from the next simulated minute on.
    org.backupPolicyType = 'PENDING_ENABLE';
    org.backupPolicyTypeReadyAt = new Date(Math.floor(call.state.now.getTime() / 60_000) * 60_000 + 60_000);
    return { Root: rootOut(call.state) };
  },

  ListAccounts: (call: Call, input: { MaxResults?: number | undefined; NextToken?: string | undefined }) => {
    requireManagement(call);
    const accounts = [...call.state.organization.accounts.values()].map((a) => accountOut(call.state, a));
    const { items, NextToken } = page(call, accounts, input, 'accounts');
    return { Accounts: items, NextToken };
  },

  DescribeAccount: (call: Call, input: DescribeAccountCommandInput) => {
    requireManagement(call);
    const account = call.state.account(input.AccountId ?? '');
    if (!account)
      fail(
        call,
        'AccountNotFoundException',
        `We can't find an account with the AccountId ${input.AccountId}.`,
      );
    return { Account: accountOut(call.state, account) };
  },

  ListOrganizationalUnitsForParent: (call: Call, input: ListOrganizationalUnitsForParentCommandInput) => {
    requireManagement(call);
    const parentId = requireParent(call, input.ParentId);
    const ous = [...call.state.organization.ous.values()].filter((ou) => ou.parentId === parentId).map(ouOut);
    const { items, NextToken } = page(call, ous, input, `ous:${parentId}`);
    return { OrganizationalUnits: items, NextToken };
  },

  ListAccountsForParent: (call: Call, input: ListAccountsForParentCommandInput) => {
    requireManagement(call);
    const parentId = requireParent(call, input.ParentId);
    const accounts = [...call.state.organization.accounts.values()]
      .filter((account) => account.parentId === parentId)
      .map((account) => accountOut(call.state, account));
    const { items, NextToken } = page(call, accounts, input, `accounts:${parentId}`);
    return { Accounts: items, NextToken };
  },

  ListChildren: (call: Call, input: ListChildrenCommandInput) => {
    requireManagement(call);
    const parentId = requireParent(call, input.ParentId);
    const org = call.state.organization;
    const children: { Id: string; Type: 'ACCOUNT' | 'ORGANIZATIONAL_UNIT' }[] =
      input.ChildType === 'ACCOUNT'
        ? [...org.accounts.values()]
            .filter((a) => a.parentId === parentId)
            .map((a) => ({ Id: a.id, Type: 'ACCOUNT' as const }))
        : [...org.ous.values()]
            .filter((ou) => ou.parentId === parentId)
            .map((ou) => ({ Id: ou.id, Type: 'ORGANIZATIONAL_UNIT' as const }));
    const { items, NextToken } = page(call, children, input, `children:${parentId}:${input.ChildType}`);
    return { Children: items, NextToken };
  },

  ListParents: (call: Call, input: ListParentsCommandInput) => {
    requireManagement(call);
    const org = call.state.organization;
    const childId = input.ChildId ?? '';
    const parentId = org.accounts.get(childId)?.parentId ?? org.ous.get(childId)?.parentId;
    if (!parentId)
      fail(call, 'ChildNotFoundException', `We can't find an account or OU with the ChildId ${childId}.`);
    const type = parentId === org.rootId ? ('ROOT' as const) : ('ORGANIZATIONAL_UNIT' as const);
    const { items, NextToken } = page(call, [{ Id: parentId, Type: type }], input, `parents:${childId}`);
    return { Parents: items, NextToken };
  },

  ListPolicies: (call: Call, input: ListPoliciesCommandInput) => {
    requireManagement(call);
    const policies =
      input.Filter === BACKUP_POLICY ? [...call.state.organization.policies.values()].map(summaryOf) : [];
    const { items, NextToken } = page(call, policies, input, `policies:${input.Filter}`);
    return { Policies: items, NextToken };
  },

  DescribePolicy: (
    call: Call,
    input: DescribePolicyCommandInput,
  ): Omit<DescribePolicyCommandOutput, '$metadata'> => {
    requireManagement(call);
    return { Policy: policyOut(requirePolicy(call, input.PolicyId)) };
  },

  CreatePolicy: (
    call: Call,
    input: CreatePolicyCommandInput,
  ): Omit<CreatePolicyCommandOutput, '$metadata'> => {
    requireManagement(call);
    if (input.Description === undefined) {
      fail(call, 'InvalidInputException', 'Description is required.', { Reason: 'INVALID_INPUT' });
    }
    if (input.Type !== BACKUP_POLICY) {
      fail(
        call,
        'PolicyTypeNotAvailableForOrganizationException',
        `The sandbox supports only ${BACKUP_POLICY}.`,
      );
    }
    const name = input.Name ?? '';
    if (name.length < 1 || name.length > 128)
      fail(call, 'InvalidInputException', 'Name must be 1-128 characters.', { Reason: 'INVALID_INPUT' });
    requireUniqueName(call, name);
    validateContent(call, input.Content ?? '');
    const org = call.state.organization;
    const id = `p-${call.state.nextId('policy', 8)}`;
    const policy: SimPolicy = {
      id,
      arn: `arn:aws:organizations::${org.managementAccountId}:policy/${org.id}/backup_policy/${id}`,
      name,
      description: input.Description,
      content: input.Content ?? '',
      tags: new Map((input.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
    };
    org.policies.set(id, policy);
    return { Policy: policyOut(policy) };
  },

  UpdatePolicy: (call: Call, input: UpdatePolicyCommandInput) => {
    requireManagement(call);
    const policy = requirePolicy(call, input.PolicyId);
    if (input.Name !== undefined) requireUniqueName(call, input.Name, policy.id);
    if (input.Content !== undefined) validateContent(call, input.Content);
    policy.name = input.Name ?? policy.name;
    policy.description = input.Description ?? policy.description;
    policy.content = input.Content ?? policy.content;
    call.state.policyChanged();
    call.events.emitOrganizationsCall(call.caller.arn, 'UpdatePolicy', {
      policyId: policy.id,
      ...(input.Name === undefined ? {} : { name: input.Name }),
      ...(input.Content === undefined ? {} : { content: input.Content }),
    });
    return { Policy: policyOut(policy) };
  },

  DeletePolicy: (call: Call, input: DeletePolicyCommandInput) => {
    requireManagement(call);
    const policy = requirePolicy(call, input.PolicyId);
    if (call.state.organization.attachments.some((a) => a.policyId === policy.id)) {
      fail(call, 'PolicyInUseException', 'The policy is attached to one or more entities.');
    }
    call.state.organization.policies.delete(policy.id);
    return {};
  },

  AttachPolicy: (call: Call, input: AttachPolicyCommandInput) => {
    requireManagement(call);
    const policy = requirePolicy(call, input.PolicyId);
    const targetId = requireTarget(call, input.TargetId);
    attachPolicy(call.state, policy.id, targetId, (name, message, fields) =>
      fail(call, name, message, fields),
    );
    call.events.emitOrganizationsCall(call.caller.arn, 'AttachPolicy', { policyId: policy.id, targetId });
    return {};
  },

  DetachPolicy: (call: Call, input: DetachPolicyCommandInput) => {
    requireManagement(call);
    const policy = requirePolicy(call, input.PolicyId);
    const targetId = requireTarget(call, input.TargetId);
    if (!detachPolicy(call.state, policy.id, targetId)) {
      fail(call, 'PolicyNotAttachedException', 'The policy is not attached to the specified target.');
    }
    call.events.emitOrganizationsCall(call.caller.arn, 'DetachPolicy', { policyId: policy.id, targetId });
    return {};
  },

  /** Only policies carry tags in the sandbox; other resource ids are unknown to it. */
  ListTagsForResource: (call: Call, input: ListTagsForResourceCommandInput) => {
    requireManagement(call);
    const policy = requirePolicy(call, input.ResourceId);
    return { Tags: [...policy.tags].map(([Key, Value]) => ({ Key, Value })) };
  },

  ListTargetsForPolicy: (call: Call, input: ListTargetsForPolicyCommandInput) => {
    requireManagement(call);
    const policy = requirePolicy(call, input.PolicyId);
    const targets = call.state.organization.attachments
      .filter((a) => a.policyId === policy.id)
      .flatMap((a) => {
        const target = describeTarget(call.state, a.targetId);
        return target
          ? [{ TargetId: a.targetId, Arn: target.arn, Name: target.name, Type: target.kind }]
          : [];
      });
    const { items, NextToken } = page(call, targets, input, `targets:${policy.id}`);
    return { Targets: items, NextToken };
  },

  ListPoliciesForTarget: (call: Call, input: ListPoliciesForTargetCommandInput) => {
    requireManagement(call);
    const targetId = requireTarget(call, input.TargetId);
    const policies =
      input.Filter === BACKUP_POLICY
        ? policiesAttachedTo(call.state, targetId).flatMap((id) => {
            const policy = call.state.organization.policies.get(id);
            return policy ? [summaryOf(policy)] : [];
          })
        : [];
    const { items, NextToken } = page(call, policies, input, `policies-for:${targetId}:${input.Filter}`);
    return { Policies: items, NextToken };
  },

  DescribeEffectivePolicy: (
    call: Call,
    input: DescribeEffectivePolicyCommandInput,
  ): Omit<DescribeEffectivePolicyCommandOutput, '$metadata'> => {
    if (input.PolicyType !== BACKUP_POLICY) {
      fail(call, 'InvalidInputException', `The sandbox supports only ${BACKUP_POLICY}.`, {
        Reason: 'INVALID_ENUM_POLICY_TYPE',
      });
    }
    const targetId = input.TargetId ?? call.caller.accountId;
    if (!/^\d{12}$/.test(targetId)) {
      fail(
        call,
        'InvalidInputException',
        'You can specify only an account as the target of an effective policy.',
        {
          Reason: 'INVALID_PATTERN_TARGET_ID',
        },
      );
    }
    if (targetId !== call.caller.accountId && !isManagement(call)) {
      fail(call, 'AccessDeniedException', "You don't have permissions to access this resource.");
    }
    if (!call.state.account(targetId))
      fail(call, 'TargetNotFoundException', `We can't find the account ${targetId}.`);
    const effective = effectivePolicyOf(call.state, targetId);
    if (!effective)
      fail(
        call,
        'EffectivePolicyNotFoundException',
        'An effective policy of the specified type was not found.',
      );
    return {
      EffectivePolicy: {
        PolicyContent: JSON.stringify(effective),
        LastUpdatedTimestamp: call.state.organization.policyChangedAt,
        TargetId: targetId,
        PolicyType: BACKUP_POLICY,
      },
    };
  },
};

/** Shared by the AttachPolicy API and the world's timeline. `reject` raises the API's error. */
export function attachPolicy(
  state: SimState,
  policyId: string,
  targetId: string,
  reject: (name: string, message: string, fields?: Record<string, unknown>) => never,
): void {
  const org = state.organization;
  if (backupPolicyTypeStatus(state) !== 'ENABLED') {
    reject('PolicyTypeNotEnabledException', 'The specified policy type is not enabled for this root.');
  }
  const attached = policiesAttachedTo(state, targetId);
  if (attached.includes(policyId)) {
    reject(
      'DuplicatePolicyAttachmentException',
      'The selected policy is already attached to the specified target.',
    );
  }
  if (attached.length >= MAX_ATTACHMENTS_PER_TARGET) {
    reject(
      'ConstraintViolationException',
      'You attempted to exceed the number of policies of a certain type.',
      {
        Reason: 'MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED',
      },
    );
  }
  org.attachments.push({ policyId, targetId, sequence: ++org.attachmentSequence });
  state.policyChanged();
}

/** Returns false when the policy was not attached there. */
export function detachPolicy(state: SimState, policyId: string, targetId: string): boolean {
  const org = state.organization;
  const before = org.attachments.length;
  org.attachments = org.attachments.filter((a) => !(a.policyId === policyId && a.targetId === targetId));
  if (org.attachments.length === before) return false;
  state.policyChanged();
  return true;
}
