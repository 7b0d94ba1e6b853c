/**
 * How fast `orgbackup` starts: `node cli/bin.js --help` (the compiled CLI, built first if stale) as a user
 * runs it, timed over several runs. The goal is well under a second; the old start through tsx compiled
 * the sources at every call and took several seconds.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decimal, markdownTable, median, progress } from './measure.js';

export interface CliStartupRow {
  readonly command: string;
  readonly runs: number;
  readonly medianMs: number;
  readonly maxMs: number;
}

const BIN = join(import.meta.dirname, '../cli/bin.js');
/** Under a second on the machine the CLI runs on, even with other work competing for it. */
export const CLI_STARTUP_GOAL_MS = 1000;

export function measureCliStartup(runs = 10): CliStartupRow[] {
  // One untimed run builds the CLI if a source changed since the last build.
  spawnSync(process.execPath, [BIN, '--help']);
  return [['--help'], ['--version']].map((args) => {
    const samples: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const started = performance.now();
      const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
      samples.push(performance.now() - started);
      if (result.status !== 0)
        throw new Error(`orgbackup ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    }
    progress(`orgbackup ${args.join(' ')}: median ${decimal(median(samples), 0)} ms`);
    return {
      command: `orgbackup ${args.join(' ')}`,
      runs,
      medianMs: median(samples),
      maxMs: Math.max(...samples),
    };
  });
}

export function cliStartupSection(rows: readonly CliStartupRow[]): string {
  return [
    '## CLI start-up',
    '',
    `\`node cli/bin.js\` from process start to exit, ${rows[0]?.runs ?? 0} runs each. Goal: the median well under ` +
      `${CLI_STARTUP_GOAL_MS} ms.`,
    '',
    markdownTable(
      ['command', 'median ms', 'max ms', 'within goal'],
      rows.map((row) => [
        row.command,
        decimal(row.medianMs, 0),
        decimal(row.maxMs, 0),
        row.medianMs < CLI_STARTUP_GOAL_MS ? 'yes' : 'no',
      ]),
    ),
    '',
  ].join('\n');
}

// `npm run bench:cli` measures only this.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${cliStartupSection(measureCliStartup())}\n`);
}
