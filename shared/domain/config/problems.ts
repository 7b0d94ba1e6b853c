import * as z from 'zod';
import { closestMatch } from './suggest.js';

/** One thing wrong with a config file: where, what, and how to fix it. */
export interface ConfigProblem {
  /** Dotted path into the file, e.g. `plans[0].deleteAfterDays`; `file:line:column` for syntax errors. */
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

type Path = readonly PropertyKey[];

export function formatPath(path: Path): string {
  if (path.length === 0) return '(root)';
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}

/** Turns zod issues into problems a person can act on; `raw` is the parsed file, to tell missing from wrong. */
export function problemsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  raw: unknown,
  schema: z.ZodType,
): ConfigProblem[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const known = objectKeysAt(schema, issue.path);
      return issue.keys.map((key) => unknownKeyProblem([...issue.path, key], key, known));
    }
    return [{ path: formatPath(issue.path), ...describe(issue, valueAt(raw, issue.path)) }];
  });
}

function unknownKeyProblem(path: Path, key: string, known: readonly string[]): ConfigProblem {
  const suggestion = closestMatch(key, known);
  return {
    path: formatPath(path),
    message: 'is not a known key',
    fix: suggestion
      ? `did you mean ${suggestion}?`
      : `remove it; the keys allowed here are: ${known.join(', ')}`,
  };
}

function describe(issue: z.core.$ZodIssue, value: unknown): { message: string; fix: string } {
  switch (issue.code) {
    case 'invalid_type':
      return describeType(issue.expected, value);
    case 'too_small':
      return issue.origin === 'array'
        ? { message: `must list at least ${issue.minimum}`, fix: `add entries` }
        : issue.origin === 'string'
          ? { message: 'must not be empty', fix: 'set a value' }
          : {
              message: `must be at least ${issue.minimum} (got ${show(value)})`,
              fix: `use ${issue.minimum} or more`,
            };
    case 'too_big':
      return issue.origin === 'string'
        ? { message: `must be at most ${issue.maximum} characters`, fix: 'shorten it' }
        : {
            message: `must be at most ${issue.maximum} (got ${show(value)})`,
            fix: `use ${issue.maximum} or less`,
          };
    case 'invalid_value': {
      const allowed = issue.values.map((v) => String(v));
      const suggestion = typeof value === 'string' ? closestMatch(value, allowed) : undefined;
      return {
        message: `must be ${allowed.length === 1 ? allowed[0] : `one of ${allowed.join(', ')}`} (got ${show(value)})`,
        fix: suggestion ? `did you mean ${suggestion}?` : `use ${allowed.join(' or ')}`,
      };
    }
    case 'invalid_format':
      return issue.format === 'email'
        ? { message: `must be an e-mail address (got ${show(value)})`, fix: 'write it as name@example.com' }
        : { message: issue.message, fix: 'correct the format' };
    case 'custom': {
      const fix = (issue.params as { fix?: unknown } | undefined)?.fix;
      return { message: issue.message, fix: typeof fix === 'string' ? fix : 'see docs/config.md' };
    }
    default:
      return { message: issue.message, fix: 'see docs/config.md' };
  }
}

function describeType(expected: string, value: unknown): { message: string; fix: string } {
  if (value === undefined) return { message: 'is required', fix: 'add this key (see docs/config.md)' };
  if (expected === 'int') {
    return { message: `must be a whole number (got ${show(value)})`, fix: 'drop the fraction' };
  }
  if (expected === 'string' && typeof value === 'number') {
    return {
      message: `must be a string, but YAML read the unquoted value as the number ${value}`,
      fix: 'put the value in quotes (unquoted digits become a number and lose leading zeros)',
    };
  }
  if (expected === 'string' && typeof value === 'boolean') {
    return {
      message: `must be a string, but YAML read the unquoted value as the boolean ${value}`,
      fix: 'put the value in quotes, e.g. "True" (unquoted true, True and TRUE become booleans)',
    };
  }
  return {
    message: `must be ${article(expected)} ${expected} (got ${show(value)})`,
    fix: `set it to ${article(expected)} ${expected}`,
  };
}

const article = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');

function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}

function valueAt(raw: unknown, path: Path): unknown {
  let current: unknown = raw;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** The keys the schema allows for the object at `path` (for "did you mean"). */
function objectKeysAt(schema: z.ZodType, path: Path): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject) current = current.shape[String(segment)] as z.ZodType | undefined;
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else return [];
    current = current && unwrap(current);
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault
  ) {
    return unwrap(schema.unwrap() as z.ZodType);
  }
  return schema;
}
