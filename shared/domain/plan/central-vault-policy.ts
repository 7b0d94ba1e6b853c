/**
 * The central vault's access policy must let every account of the organization copy into it
 * (docs/aws-behaviour.md#backup-vault-access-policy):
 * an Allow of `backup:CopyIntoBackupVault` to any principal, conditioned on `aws:PrincipalOrgID`.
 */

const COPY_INTO_VAULT = 'backup:copyintobackupvault';
/** Sid of the statement the controller writes; a stale statement with this Sid is replaced, not duplicated. */
export const ORG_COPY_IN_SID = 'OrgBackupControllerCopyIn';

type Statement = Record<string, unknown>;

interface PolicyDocument {
  readonly version: unknown;
  readonly statements: readonly Statement[];
}

/** AWS stores only valid policies, so an unreadable one is treated as having no statements. */
function parsePolicy(policy: string | null): PolicyDocument {
  if (policy === null) return { version: undefined, statements: [] };
  try {
    const parsed: unknown = JSON.parse(policy);
    if (!isRecord(parsed)) return { version: undefined, statements: [] };
    const statement = parsed.Statement;
    const statements = (Array.isArray(statement) ? statement : [statement]).filter(isRecord);
    return { version: parsed.Version, statements };
  } catch {
    return { version: undefined, statements: [] };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function grantsCopyIn(action: unknown): boolean {
  return asList(action).some((entry) => {
    if (typeof entry !== 'string') return false;
    const lowered = entry.toLowerCase();
    return lowered === COPY_INTO_VAULT || lowered === 'backup:*' || lowered === '*';
  });
}

function isAnyPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  return isRecord(principal) && asList(principal.AWS).includes('*');
}

/** Condition operators and keys are case-insensitive in IAM; any operator naming the org id counts. */
function conditionNamesOrg(condition: unknown, organizationId: string): boolean {
  if (!isRecord(condition)) return false;
  return Object.values(condition).some(
    (keys) =>
      isRecord(keys) &&
      Object.entries(keys).some(
        ([key, value]) =>
          key.toLowerCase() === 'aws:principalorgid' && asList(value).includes(organizationId),
      ),
  );
}

/**
 * True when some Allow statement lets any principal of the organization copy into the vault. Deny statements
 * are deliberately not evaluated: a common hardening "deny unless PrincipalOrgID matches" would otherwise
 * look like a missing grant and make every run rewrite the policy.
 */
export function allowsOrgCopyIn(policy: string | null, organizationId: string): boolean {
  return parsePolicy(policy).statements.some(
    (statement) =>
      statement.Effect === 'Allow' &&
      isAnyPrincipal(statement.Principal) &&
      grantsCopyIn(statement.Action) &&
      conditionNamesOrg(statement.Condition, organizationId),
  );
}

/**
 * The policy to put: PutBackupVaultAccessPolicy replaces the whole document, so every statement already there
 * is kept and only the controller's own statement is (re)written.
 */
export function withOrgCopyIn(policy: string | null, organizationId: string): string {
  const { version, statements } = parsePolicy(policy);
  const orgCopyIn: Statement = {
    Sid: ORG_COPY_IN_SID,
    Effect: 'Allow',
    Principal: '*',
    Action: 'backup:CopyIntoBackupVault',
    Resource: '*',
    Condition: { StringEquals: { 'aws:PrincipalOrgID': [organizationId] } },
  };
  return JSON.stringify({
    Version: version ?? '2012-10-17',
    Statement: [...statements.filter((statement) => statement.Sid !== ORG_COPY_IN_SID), orgCopyIn],
  });
}
