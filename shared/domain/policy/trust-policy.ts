interface PolicyStatement {
  Effect?: string;
  Action?: string | string[];
  Principal?: string | { Service?: string | string[]; AWS?: string | string[] };
}

/** The trust policy's statements that allow sts:AssumeRole; GetRole returns the document URL-encoded. */
function assumeRoleStatements(encodedDocument: string | undefined): PolicyStatement[] {
  if (!encodedDocument) return [];
  let document: { Statement?: PolicyStatement | PolicyStatement[] };
  try {
    document = JSON.parse(decodeURIComponent(encodedDocument));
  } catch {
    return [];
  }
  return [document.Statement ?? []].flat().filter((statement) => {
    const actions = [statement.Action ?? []].flat();
    return (
      statement.Effect === 'Allow' &&
      actions.some((action) => action === 'sts:AssumeRole' || action === 'sts:*' || action === '*')
    );
  });
}

/** Whether a role's trust policy lets a service assume it. */
export function trustsServicePrincipal(
  encodedDocument: string | undefined,
  servicePrincipal: string,
): boolean {
  return assumeRoleStatements(encodedDocument).some((statement) => {
    const principal = statement.Principal;
    const services = typeof principal === 'object' ? [principal.Service ?? []].flat() : [];
    return services.includes(servicePrincipal);
  });
}

/** The AWS principals (account ids, account roots, role and user ARNs; `*`) a role's trust policy lets assume it. */
export function trustedAwsPrincipals(encodedDocument: string | undefined): string[] {
  return assumeRoleStatements(encodedDocument).flatMap((statement) => {
    const principal = statement.Principal;
    if (principal === '*') return ['*'];
    return typeof principal === 'object' ? [principal.AWS ?? []].flat() : [];
  });
}

/**
 * The role's trust policy with `statement` added and every existing statement kept: the document to give
 * the role's owner, never a replacement. null when the existing document cannot be read as JSON.
 */
export function mergedTrustPolicy(existing: string | undefined, statement: object): string | null {
  if (existing === undefined || existing === '') {
    return JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
  }
  let document: { Statement?: unknown } & Record<string, unknown>;
  try {
    document = JSON.parse(existing);
  } catch {
    return null;
  }
  const statements = document.Statement === undefined ? [] : [document.Statement].flat();
  return JSON.stringify({ ...document, Statement: [...statements, statement] });
}
