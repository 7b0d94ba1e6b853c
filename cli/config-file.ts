import { readFile } from 'node:fs/promises';
import { type Config, type ConfigProblem, loadConfigFromText } from '../shared/domain/config/index.js';

export type LoadedConfigFile =
  | { readonly ok: true; readonly config: Config; readonly warnings: readonly ConfigProblem[] }
  | { readonly ok: false };

/**
 * Reads and validates a config file for a command. Problems go to stderr as a numbered list; the caller
 * only decides the exit code.
 */
export async function loadConfigFile(path: string, now: Date): Promise<LoadedConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    process.stderr.write(`Cannot read config file ${path}: ${reason}\n`);
    return { ok: false };
  }
  const result = loadConfigFromText(text, path, { scheduleAnchor: now });
  if (!result.ok) {
    process.stderr.write(
      `${path} has ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}:\n` +
        `${formatProblems(result.problems)}\n`,
    );
    return { ok: false };
  }
  return result;
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems
    .map((problem, index) => `${index + 1}. ${problem.path}: ${problem.message} — ${problem.fix}`)
    .join('\n');
}
