/**
 * Reading a KMS key policy (kms:GetKeyPolicy) for two questions: may the backup role of the key's account
 * use the key, and may another account (the central one) use it for cross-account copies. Only Allow
 * statements with a KMS action that covers the use count; conditions other than the organization id are not
 * evaluated, so a conditioned statement counts as allowing (reporting a key as refusing needs certainty).
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
 */

interface KeyPolicyStatement {
  Effect?: string;
  Action?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const asList = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];

function statementsOf(policy: string): KeyPolicyStatement[] {
  try {
    const statement = (JSON.parse(policy) as { Statement?: unknown }).Statement;
    return (Array.isArray(statement) ? statement : statement ? [statement] : []) as KeyPolicyStatement[];
  } catch {
    return [];
  }
}

/** The principals a statement names (`*` for an anonymous principal). */
function principalsOf(statement: KeyPolicyStatement): string[] {
  if (statement.Principal === '*') return ['*'];
  return asList((statement.Principal as { AWS?: unknown } | undefined)?.AWS);
}

const usesKey = (statement: KeyPolicyStatement) =>
  statement.Effect === 'Allow' &&
  asList(statement.Action).some((action) => /^kms:(\*|Decrypt|CreateGrant)$/i.test(action) || action === '*');

/** Whether `principal` (an account id, or a role ARN) is named, or covered by the root of `accountId`. */
function names(principals: readonly string[], accountId: string, roleArn?: string): boolean {
  return principals.some(
    (principal) =>
      principal === accountId ||
      principal === `arn:aws:iam::${accountId}:root` ||
      (roleArn !== undefined && principal === roleArn),
  );
}

function orgCondition(statement: KeyPolicyStatement): string[] {
  return Object.values(statement.Condition ?? {}).flatMap((condition) =>
    asList(condition['aws:PrincipalOrgID']),
  );
}

/**
 * The key's own account's backup role may use it when the policy names the role, or names the account's
 * root (delegating to IAM, where the backup role's AWS Backup managed policies allow the use).
 */
export function keyPolicyAllowsRole(policy: string, accountId: string, roleArn: string): boolean {
  return statementsOf(policy).some(
    (statement) => usesKey(statement) && names(principalsOf(statement), accountId, roleArn),
  );
}

/**
 * Another account may use the key when the policy names it (account id or root), or allows `*` within the
 * organization (aws:PrincipalOrgID).
 */
export function keyPolicyAllowsAccount(policy: string, accountId: string, organizationId: string): boolean {
  return statementsOf(policy).some((statement) => {
    if (!usesKey(statement)) return false;
    const principals = principalsOf(statement);
    if (names(principals, accountId)) return true;
    return principals.includes('*') && orgCondition(statement).includes(organizationId);
  });
}

/**
 * The statement the key owner adds so the central account can use the key for cross-account copies, with
 * the operations AWS lists for it (https://repost.aws/knowledge-center/backup-cross-account-copy-error).
 */
export function crossAccountKeyStatement(centralAccountId: string): string {
  return JSON.stringify({
    Sid: 'AllowCentralBackupAccountToCopy',
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${centralAccountId}:root` },
    Action: [
      'kms:DescribeKey',
      'kms:Encrypt',
      'kms:Decrypt',
      'kms:ReEncryptFrom',
      'kms:ReEncryptTo',
      'kms:GenerateDataKeyPair',
      'kms:GenerateDataKeyPairWithoutPlaintext',
      'kms:GenerateDataKeyWithoutPlaintext',
      'kms:CreateGrant',
      'kms:ListGrants',
      'kms:RevokeGrant',
    ],
    Resource: '*',
  });
}
