import { ControllerError } from '../errors.js';

export class PolicyContentParseError extends ControllerError {
  constructor(options?: { cause?: unknown }) {
    super('POLICY_CONTENT_INVALID', 'Policy content is not valid JSON.', options);
  }
}

/**
 * Canonical form of a policy document (keys sorted at every level, arrays in order, minified), so that
 * observed and desired content compare equal whatever key order or whitespace they were stored with.
 */
export function normalizePolicyContent(content: string): string {
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch (error) {
    throw new PolicyContentParseError({ cause: error });
  }
  return JSON.stringify(sortKeys(document));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
