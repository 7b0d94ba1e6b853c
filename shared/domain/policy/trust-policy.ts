interface PolicyStatement {
  Effect?: string;
  Action?: string | string[];
  Principal?: string | { Service?: string | string[] };
}

/** Whether a role's trust policy lets a service assume it. GetRole returns the document URL-encoded. */
export function trustsServicePrincipal(
  encodedDocument: string | undefined,
  servicePrincipal: string,
): boolean {
  if (!encodedDocument) return false;
  let document: { Statement?: PolicyStatement | PolicyStatement[] };
  try {
    document = JSON.parse(decodeURIComponent(encodedDocument));
  } catch {
    return false;
  }
  const statements = [document.Statement ?? []].flat();
  return statements.some((statement) => {
    const actions = [statement.Action ?? []].flat();
    const principal = statement.Principal;
    const services = typeof principal === 'object' ? [principal.Service ?? []].flat() : [];
    return (
      statement.Effect === 'Allow' &&
      actions.some((action) => action === 'sts:AssumeRole' || action === 'sts:*' || action === '*') &&
      services.includes(servicePrincipal)
    );
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
