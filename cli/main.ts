import { pathToFileURL } from 'node:url';
import { EXIT } from './args.js';
import { COMMANDS } from './commands/index.js';
import { packageVersion } from './package-root.js';

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(
    ([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`,
  );
  return `Usage: orgbackup <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun orgbackup <command> --help for a command's options; orgbackup --version prints the version.\n`;
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
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`orgbackup ${packageVersion()}\n`);
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
    return await (await command.load()).run(rest);
  } catch (error) {
    const detail = process.env.ORGBACKUP_DEBUG && error instanceof Error ? error.stack : String(error);
    process.stderr.write(`orgbackup ${name} failed: ${detail}\n`);
    return EXIT.failure;
  }
}

/**
 * A reader that stops early (`| head`, a closed pipe) makes the next write fail with EPIPE; that is the
 * reader's choice, not an error, so the command ends quietly with exit 0 instead of a stack trace.
 */
export function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(EXIT.ok);
      throw error;
    });
  }
}

// Run when started directly (`tsx cli/main.ts …`); cli/bin.js calls main() itself.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  endQuietlyOnClosedPipe();
  process.exitCode = await main(process.argv.slice(2));
}
