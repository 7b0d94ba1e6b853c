import { dashboardCommand } from './dashboard.js';
import { diffCommand } from './diff.js';
import { evidenceCommand } from './evidence.js';
import { planCommand } from './plan.js';
import { policyCommand } from './policy.js';
import { reportCommand } from './report.js';
import { sandboxCommand } from './sandbox.js';
import { validateCommand } from './validate.js';

export interface CliCommand {
  /** One line for the command list in `orgbackup --help`. */
  readonly summary: string;
  /** Runs with the arguments after the command name; resolves to the process exit code. */
  run(argv: readonly string[]): Promise<number>;
}

/** Every `orgbackup` command. To add one, write cli/commands/<name>.ts and add one entry here. */
export const COMMANDS: Readonly<Record<string, CliCommand>> = {
  validate: validateCommand,
  policy: policyCommand,
  sandbox: sandboxCommand,
  report: reportCommand,
  plan: planCommand,
  evidence: evidenceCommand,
  dashboard: dashboardCommand,
  diff: diffCommand,
};
