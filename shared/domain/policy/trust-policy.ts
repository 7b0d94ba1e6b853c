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
