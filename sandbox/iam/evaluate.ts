import {
  type ConditionBlock,
  listOf,
  type PolicyDocument,
  type PolicyPrincipal,
  type PolicyStatement,
  statementsOf,
} from './policy.js';

/**
 * The sandbox's own IAM policy evaluation, following the IAM policy evaluation logic
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html): an explicit
 * Deny anywhere wins; otherwise a request is allowed when a statement allows it; anything else is an implicit
 * deny. Action and Resource wildcards, NotAction / NotResource, Principal for resource policies, and the
 * condition operators the synthesized policies use (String*, Arn*, Numeric*, Bool, Null, with IfExists and
 * the ForAllValues / ForAnyValue set qualifiers) are modelled; an operator it does not know fails loudly.
 */

export type ContextValue = string | number | boolean | readonly string[];

export interface AuthorizationRequest {
  /** `service:Action`, e.g. `backup:CreateBackupVault`. */
  readonly action: string;
  /** The resource ARN, or `*` for actions without resource-level permissions. */
  readonly resource: string;
  /** Condition keys of the request (case does not matter, as in IAM). */
  readonly context: Readonly<Record<string, ContextValue | undefined>>;
}

/** Who is asking, for matching a resource policy's Principal. */
export interface RequestPrincipal {
  /** `arn:aws:iam::<acct>:role/<name>` of a role session, a user ARN, or a service name (`events.amazonaws.com`). */
  readonly arn: string;
  readonly accountId: string | undefined;
  readonly isService: boolean;
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export class UnsupportedConditionOperatorError extends Error {
  constructor(operator: string) {
    super(`The sandbox's IAM evaluator does not know the condition operator ${operator}.`);
  }
}

/** Decision of one set of policies (identity policies, or one resource policy) for a request. */
export function evaluatePolicies(
  documents: readonly PolicyDocument[],
  request: AuthorizationRequest,
  principal?: RequestPrincipal,
): Decision {
  let allowed = false;
  for (const document of documents) {
    for (const statement of statementsOf(document)) {
      if (!statementApplies(statement, request, principal)) continue;
      if (statement.Effect === 'Deny') return 'ExplicitDeny';
      allowed = true;
    }
  }
  return allowed ? 'Allow' : 'ImplicitDeny';
}

function statementApplies(
  statement: PolicyStatement,
  request: AuthorizationRequest,
  principal: RequestPrincipal | undefined,
): boolean {
  if (principal && !principalMatches(statement, principal)) return false;
  const actionMatches =
    statement.Action !== undefined
      ? listOf(statement.Action).some((pattern) => wildcardMatch(pattern, request.action, true))
      : !listOf(statement.NotAction).some((pattern) => wildcardMatch(pattern, request.action, true));
  if (!actionMatches) return false;
  const resourceMatches =
    statement.Resource !== undefined
      ? listOf(statement.Resource).some((pattern) => arnMatches(pattern, request.resource))
      : statement.NotResource !== undefined
        ? !listOf(statement.NotResource).some((pattern) => arnMatches(pattern, request.resource))
        : // Trust policies and some resource policies name no Resource: the policy's own resource.
          true;
  return resourceMatches && conditionsHold(statement.Condition, request.context);
}

function principalMatches(statement: PolicyStatement, principal: RequestPrincipal): boolean {
  if (statement.Principal !== undefined) return principalListed(statement.Principal, principal);
  if (statement.NotPrincipal !== undefined) return !principalListed(statement.NotPrincipal, principal);
  return false;
}

function principalListed(listed: PolicyPrincipal, principal: RequestPrincipal): boolean {
  if (listed === '*') return true;
  if (principal.isService) return listOf(listed.Service).includes(principal.arn);
  return listOf(listed.AWS).some(
    (entry) =>
      entry === '*' ||
      entry === principal.arn ||
      entry === principal.accountId ||
      entry === `arn:aws:iam::${principal.accountId}:root`,
  );
}

/**
 * IAM globbing: `*` any run of characters, `?` one character. Actions compare without case; resources with
 * case, and an ARN's partition, service, Region and account segments each match on their own.
 */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === '*') return true;
  if (!/[*?]/.test(pattern)) {
    return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  return globPattern(pattern, ignoreCase).test(value);
}

/** Compiled globs, kept: every call is decided against the same policies' patterns again. */
const globPatterns = new Map<string, RegExp>();

function globPattern(pattern: string, ignoreCase: boolean): RegExp {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let compiled = globPatterns.get(key);
  if (!compiled) {
    const source = pattern
      .split('')
      .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    compiled = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
    globPatterns.set(key, compiled);
  }
  return compiled;
}

function arnMatches(pattern: string, resource: string): boolean {
  if (pattern === '*') return true;
  const patternParts = splitArn(pattern);
  const resourceParts = splitArn(resource);
  if (!patternParts || !resourceParts) return wildcardMatch(pattern, resource);
  return patternParts.every((part, index) => wildcardMatch(part, resourceParts[index] ?? ''));
}

/** `arn`, partition, service, Region, account, and the rest (which may itself contain colons). */
function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

function conditionsHold(
  block: ConditionBlock | undefined,
  context: AuthorizationRequest['context'],
): boolean {
  if (!block) return true;
  const lowerContext = new Map(Object.entries(context).map(([key, value]) => [key.toLowerCase(), value]));
  return Object.entries(block).every(([operator, entries]) =>
    Object.entries(entries).every(([key, expected]) =>
      conditionHolds(operator, lowerContext.get(key.toLowerCase()), listOf(expected).map(String)),
    ),
  );
}

type Comparison = (actual: string, expected: string) => boolean;

const COMPARISONS: Readonly<Record<string, { compare: Comparison; negated: boolean }>> = {
  StringEquals: { compare: (a, e) => a === e, negated: false },
  StringNotEquals: { compare: (a, e) => a === e, negated: true },
  StringEqualsIgnoreCase: { compare: (a, e) => a.toLowerCase() === e.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { compare: (a, e) => a.toLowerCase() === e.toLowerCase(), negated: true },
  StringLike: { compare: (a, e) => wildcardMatch(e, a), negated: false },
  StringNotLike: { compare: (a, e) => wildcardMatch(e, a), negated: true },
  ArnEquals: { compare: (a, e) => arnMatches(e, a), negated: false },
  ArnLike: { compare: (a, e) => arnMatches(e, a), negated: false },
  ArnNotEquals: { compare: (a, e) => arnMatches(e, a), negated: true },
  ArnNotLike: { compare: (a, e) => arnMatches(e, a), negated: true },
  NumericEquals: { compare: (a, e) => Number(a) === Number(e), negated: false },
  NumericNotEquals: { compare: (a, e) => Number(a) === Number(e), negated: true },
  NumericLessThan: { compare: (a, e) => Number(a) < Number(e), negated: false },
  NumericLessThanEquals: { compare: (a, e) => Number(a) <= Number(e), negated: false },
  NumericGreaterThan: { compare: (a, e) => Number(a) > Number(e), negated: false },
  NumericGreaterThanEquals: { compare: (a, e) => Number(a) >= Number(e), negated: false },
  Bool: { compare: (a, e) => a.toLowerCase() === e.toLowerCase(), negated: false },
};

/**
 * One operator on one key. A missing key fails a positive operator and satisfies a negated one (IfExists
 * makes both true); ForAllValues holds when every value of the key matches (vacuously for none), ForAnyValue
 * when at least one does; a plain operator on a multi-valued key behaves like ForAnyValue.
 */
function conditionHolds(operator: string, actual: ContextValue | undefined, expected: string[]): boolean {
  const [qualifier, rest] = operator.includes(':') ? operator.split(':', 2) : [undefined, operator];
  const name = rest ?? operator;
  const ifExists = name.endsWith('IfExists');
  const base = ifExists ? name.slice(0, -'IfExists'.length) : name;
  if (base === 'Null') {
    const absent = actual === undefined || (Array.isArray(actual) && actual.length === 0);
    return expected.some((value) => (value.toLowerCase() === 'true') === absent);
  }
  const comparison = COMPARISONS[base];
  if (
    !comparison ||
    (qualifier !== undefined && qualifier !== 'ForAllValues' && qualifier !== 'ForAnyValue')
  ) {
    throw new UnsupportedConditionOperatorError(operator);
  }
  const values = actual === undefined ? [] : Array.isArray(actual) ? actual.map(String) : [String(actual)];
  const matchesOne = (value: string) => {
    const any = expected.some((candidate) => comparison.compare(value, candidate));
    return comparison.negated ? !any : any;
  };
  if (qualifier === 'ForAllValues') return values.every(matchesOne);
  if (values.length === 0) return ifExists || (comparison.negated && qualifier === undefined);
  return values.some(matchesOne);
}
