import { ControllerError } from '../errors.js';
import type { ConfigProblem } from './problems.js';

/** Every problem of a config (or of a deployed function's settings) at once, each with its fix. */
export class ConfigValidationError extends ControllerError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(
      'CONFIG_INVALID',
      `The config has ${problems.length} problem(s):\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`,
    );
    this.problems = problems;
  }
}
