/**
 * EventBridge event-pattern matching, enough for forwarding rules: exact values, arrays (match when any
 * element matches), nested objects, and the `prefix`, `suffix`, `anything-but`, `exists` and
 * `equals-ignore-case` filters.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) return false;
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = isObject(event) ? event[key] : undefined;
    if (Array.isArray(expected)) return matchesAny(expected, actual);
    if (isObject(expected)) return isObject(actual) && matchesPattern(expected, actual);
    return false;
  });
}

function matchesAny(candidates: readonly unknown[], actual: unknown): boolean {
  const values = Array.isArray(actual) ? actual : [actual];
  return candidates.some((candidate) => {
    if (isObject(candidate) && 'exists' in candidate)
      return (actual !== undefined) === Boolean(candidate.exists);
    return values.some((value) => value !== undefined && matchesValue(candidate, value));
  });
}

function matchesValue(candidate: unknown, value: unknown): boolean {
  if (!isObject(candidate)) return candidate === value;
  if (typeof candidate.prefix === 'string')
    return typeof value === 'string' && value.startsWith(candidate.prefix);
  if (typeof candidate.suffix === 'string')
    return typeof value === 'string' && value.endsWith(candidate.suffix);
  if (typeof candidate['equals-ignore-case'] === 'string') {
    return typeof value === 'string' && value.toLowerCase() === candidate['equals-ignore-case'].toLowerCase();
  }
  if ('anything-but' in candidate) {
    const excluded = candidate['anything-but'];
    return Array.isArray(excluded) ? !excluded.includes(value) : excluded !== value;
  }
  return false;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
