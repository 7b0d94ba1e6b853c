import { renderBackupPolicy } from '../policy/render.js';
import { crossFieldChecks } from './checks.js';
import { type ConfigProblem, formatPath, problemsFromIssues } from './problems.js';
import { type Config, configSchema } from './schema.js';

/** Organizations rejects backup policies longer than this (whitespace counts; we send minified JSON). */
export const MAX_POLICY_CHARACTERS = 10_000;

export type ConfigValidationResult =
  | { readonly ok: true; readonly config: Config; readonly warnings: readonly ConfigProblem[] }
  | {
      readonly ok: false;
      readonly problems: readonly ConfigProblem[];
      readonly warnings: readonly ConfigProblem[];
    };

export interface ValidateOptions {
  /**
   * Where the schedule-interval check starts scanning runs. Any instant works for the interval itself; pass
   * the current time to also reject schedules whose runs are all in the past.
   */
  readonly scheduleAnchor?: Date;
}

/** Validates a parsed config file and fills in defaults, reporting every problem at once. */
export function validateConfig(raw: unknown, options: ValidateOptions = {}): ConfigValidationResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    const problem = {
      path: formatPath([]),
      message:
        raw === null || raw === undefined ? 'the file is empty' : 'must be a mapping of keys to values',
      fix: 'start from examples/orgbackup.config.yaml',
    };
    return { ok: false, problems: [problem], warnings: [] };
  }
  const parsed = configSchema.safeParse(raw);
  const checked = crossFieldChecks(raw as Record<string, unknown>, options.scheduleAnchor ?? new Date(0));
  const problems = [
    ...(parsed.success ? [] : problemsFromIssues(parsed.error.issues, raw, configSchema)),
    ...checked.problems,
  ];
  if (!parsed.success || problems.length > 0) return { ok: false, problems, warnings: checked.warnings };
  const sizeProblem = policySizeProblem(parsed.data);
  if (sizeProblem) return { ok: false, problems: [sizeProblem], warnings: checked.warnings };
  return { ok: true, config: parsed.data, warnings: checked.warnings };
}

/** Checked last: the policy can only be rendered from an otherwise valid config. */
function policySizeProblem(config: Config): ConfigProblem | null {
  const length = renderBackupPolicy(config).minified.length;
  if (length <= MAX_POLICY_CHARACTERS) return null;
  return {
    path: 'plans',
    message: `render a policy of ${length} characters; Organizations accepts at most ${MAX_POLICY_CHARACTERS}`,
    fix: 'use fewer plans, or give centralVault a region (a per-Region central vault renders one plan per Region)',
  };
}
