import type { Call, Caller } from '../call.js';
import { type ServiceName, serviceError } from '../sdk-errors.js';
import type { SimRole, SimState } from '../state.js';
import {
  type AuthorizationRequest,
  type ContextValue,
  type Decision,
  evaluatePolicies,
  type RequestPrincipal,
} from './evaluate.js';
import { type PolicyDocument, parsePolicy } from './policy.js';
import { type ActionRequest, requestsOf } from './requests.js';

/**
 * Decides every call the sandbox answers against the caller's identity policies (its role's inline
 * policies, or the policies its credentials were issued with) and the resource's policy where AWS evaluates
 * one (a role's trust policy on AssumeRole, a vault's access policy). A denial throws the service's own
 * access-denied error with AWS's wording. Decisions are memoised: the same principal policies, request and
 * resource policy always decide the same way.
 */

/** The AWS managed policies whose content the sandbox knows (it never needs more than these). */
const MANAGED_POLICIES: Readonly<Record<string, PolicyDocument>> = {
  'arn:aws:iam::aws:policy/AdministratorAccess': {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  },
};

/** Wire code of the error each service returns when IAM denies a request. */
const ACCESS_DENIED: Readonly<Record<ServiceName, { name: string; status: number }>> = {
  account: { name: 'AccessDeniedException', status: 403 },
  backup: { name: 'AccessDeniedException', status: 403 },
  organizations: { name: 'AccessDeniedException', status: 400 },
  tag: { name: 'AccessDeniedException', status: 400 },
  sts: { name: 'AccessDenied', status: 403 },
  iam: { name: 'AccessDenied', status: 403 },
  kms: { name: 'AccessDeniedException', status: 400 },
  events: { name: 'AccessDeniedException', status: 400 },
  sns: { name: 'AuthorizationErrorException', status: 403 },
  secretsmanager: { name: 'AccessDeniedException', status: 400 },
  cloudtrail: { name: 'AccessDeniedException', status: 400 },
  ec2: { name: 'UnauthorizedOperation', status: 403 },
  rds: { name: 'AccessDenied', status: 403 },
  fsx: { name: 'AccessDeniedException', status: 400 },
  s3: { name: 'AccessDenied', status: 403 },
};

/** The error `service` returns when a policy denies the request. */
export function accessDeniedError(service: ServiceName, message: string): Error {
  const { name, status } = ACCESS_DENIED[service];
  return serviceError(service, name, message, {}, status);
}

export interface Verdict {
  readonly allowed: boolean;
  readonly why: string;
}

/** Everything one decision was made from (for tests that cross-check the evaluator). */
export interface DecisionInputs {
  readonly principal: RequestPrincipal;
  readonly request: AuthorizationRequest;
  readonly resourceAccount: string;
  readonly identityPolicies: readonly PolicyDocument[];
  readonly resourcePolicy: PolicyDocument | null;
  readonly resourcePolicyRequired: boolean;
}

/** One decision, for tests that list what the controller really used; `inputs` when it was not memoised. */
export interface AuthorizationRecord {
  readonly principal: string;
  readonly action: string;
  readonly allowed: boolean;
  readonly inputs?: DecisionInputs;
}

export class IamAuthorizer {
  private readonly decisions = new Map<string, Verdict>();
  private readonly identities = new WeakMap<
    SimRole,
    { texts: string[]; key: string; documents: PolicyDocument[] }
  >();
  private identitySequence = 0;
  private readonly listeners: ((record: AuthorizationRecord) => void)[] = [];

  constructor(private readonly state: SimState) {}

  /** Called with every decision (memoised or not). */
  onDecision(listener: (record: AuthorizationRecord) => void): void {
    this.listeners.push(listener);
  }

  authorize(call: Call, input: unknown): void {
    const requests = requestsOf(call, input);
    if (requests.length === 0) return;
    const identity = this.identityOf(call.caller);
    const principal = principalOf(call.caller);
    const global = this.globalContext(call, principal);
    for (const request of requests) {
      const { verdict, inputs } = this.decide(identity, principal, global, request);
      for (const listener of this.listeners) {
        listener({
          principal: principal.arn,
          action: request.action,
          allowed: verdict.allowed,
          ...(inputs ? { inputs } : {}),
        });
      }
      if (!verdict.allowed) {
        const message =
          call.service === 'sts'
            ? `User: ${call.caller.arn} is not authorized to perform: ${request.action} on resource: ${request.resource}`
            : `User: ${call.caller.arn} is not authorized to perform: ${request.action} on resource: ${request.resource} ${verdict.why}`;
        throw accessDeniedError(call.service, message);
      }
    }
  }

  private decide(
    identity: { key: string; documents: readonly PolicyDocument[] },
    principal: RequestPrincipal,
    global: Readonly<Record<string, ContextValue | undefined>>,
    request: ActionRequest,
  ): { verdict: Verdict; inputs?: DecisionInputs } {
    const resourceText = request.resourcePolicy?.text;
    const context = { ...global, ...request.context };
    const key = [
      identity.key,
      request.action,
      request.resource,
      request.resourceAccount,
      request.resourcePolicy?.required ?? '',
      resourceText ?? '',
      JSON.stringify(context),
    ].join('\u0000');
    const known = this.decisions.get(key);
    if (known) return { verdict: known };
    const inputs: DecisionInputs = {
      principal,
      request: { action: request.action, resource: request.resource, context },
      resourceAccount: request.resourceAccount,
      identityPolicies: identity.documents,
      resourcePolicy: parsePolicy(resourceText),
      resourcePolicyRequired: request.resourcePolicy?.required ?? false,
    };
    const verdict = decideRequest(inputs);
    this.decisions.set(key, verdict);
    return { verdict, inputs };
  }

  private identityOf(caller: Caller): { key: string; documents: readonly PolicyDocument[] } {
    if (caller.policies) return { key: `issued:${caller.arn}`, documents: caller.policies };
    const role = this.roleOf(caller);
    if (!role) return { key: 'none', documents: [] };
    const texts = [...role.inlinePolicies.values(), ...role.managedPolicyArns];
    const cached = this.identities.get(role);
    if (
      cached &&
      cached.texts.length === texts.length &&
      cached.texts.every((text, i) => text === texts[i])
    ) {
      return cached;
    }
    const documents = [
      ...[...role.inlinePolicies.values()].flatMap((text) => parsePolicy(text) ?? []),
      ...role.managedPolicyArns.flatMap((arn) => MANAGED_POLICIES[arn] ?? []),
    ];
    const identity = { texts, key: `role:${role.arn}:${++this.identitySequence}`, documents };
    this.identities.set(role, identity);
    return identity;
  }

  /** The role behind an assumed-role session, if it still exists. */
  private roleOf(caller: Caller): SimRole | undefined {
    const match = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(caller.arn);
    return match ? this.state.account(match[1] ?? '')?.roles.get(match[2] ?? '') : undefined;
  }

  private globalContext(call: Call, principal: RequestPrincipal): Record<string, ContextValue | undefined> {
    const inOrganization = this.state.account(call.caller.accountId) !== undefined;
    return {
      'aws:PrincipalArn': principal.arn,
      'aws:PrincipalAccount': call.caller.accountId,
      'aws:PrincipalOrgID': inOrganization ? this.state.organization.id : undefined,
      'aws:RequestedRegion': call.region,
    };
  }
}

/** The decision for one request from everything it is made from (the authorizer memoises it). */
export function decideRequest(inputs: DecisionInputs): Verdict {
  const fromIdentity = evaluatePolicies(inputs.identityPolicies, inputs.request);
  const fromResource: Decision = inputs.resourcePolicy
    ? evaluatePolicies([inputs.resourcePolicy], inputs.request, inputs.principal)
    : 'ImplicitDeny';
  return combine(fromIdentity, fromResource, inputs, inputs.resourceAccount === inputs.principal.accountId);
}

/**
 * Same account: an allow in either the identity or the resource policy is enough. Across accounts both must
 * allow. A trust policy is always needed for AssumeRole. An explicit deny anywhere wins.
 */
function combine(
  identity: Decision,
  resource: Decision,
  { request, resourcePolicyRequired }: DecisionInputs,
  sameAccount: boolean,
): Verdict {
  if (identity === 'ExplicitDeny')
    return { allowed: false, why: 'with an explicit deny in an identity-based policy' };
  if (resource === 'ExplicitDeny')
    return { allowed: false, why: 'with an explicit deny in a resource-based policy' };
  const noIdentity = {
    allowed: false,
    why: `because no identity-based policy allows the ${request.action} action`,
  };
  const noResource = {
    allowed: false,
    why: `because no resource-based policy allows the ${request.action} action`,
  };
  if (resourcePolicyRequired) {
    if (resource !== 'Allow') return noResource;
    return sameAccount || identity === 'Allow' ? { allowed: true, why: '' } : noIdentity;
  }
  if (sameAccount)
    return identity === 'Allow' || resource === 'Allow' ? { allowed: true, why: '' } : noIdentity;
  if (identity !== 'Allow') return noIdentity;
  return resource === 'Allow' ? { allowed: true, why: '' } : noResource;
}

/** Role sessions are matched by their role's ARN in resource policies, as IAM does. */
function principalOf(caller: Caller): RequestPrincipal {
  const session = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(caller.arn);
  const arn = session ? `arn:aws:iam::${session[1]}:role/${session[2]}` : caller.arn;
  return { arn, accountId: caller.accountId, isService: false };
}
