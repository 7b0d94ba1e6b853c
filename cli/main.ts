import { pathToFileURL } from 'node:url';
import { EXIT } from './args.js';
import { COMMANDS } from './commands/index.js';

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(
    ([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`,
  );
  return `Usage: orgbackup <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun orgbackup <command> --help for a command's options.\n`;
}

/**
 * The `orgbackup` entry point. Returns the exit code: 0 success, 1 the command failed, 2 bad usage or bad
 * input. Unexpected errors print one line (set ORGBACKUP_DEBUG=1 for the stack).
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return EXIT.ok;
  }
  const command = name === undefined ? undefined : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(
      `${name === undefined ? 'No command given.' : `Unknown command: ${name}`}\n\n${usage()}`,
    );
    return EXIT.usage;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    const detail = process.env.ORGBACKUP_DEBUG && error instanceof Error ? error.stack : String(error);
    process.stderr.write(`orgbackup ${name} failed: ${detail}\n`);
    return EXIT.failure;
  }
}

// Run when started directly (`tsx cli/main.ts …`); cli/bin.js calls main() itself.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
