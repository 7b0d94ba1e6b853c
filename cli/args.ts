import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandSpec<O extends Options> {
  /** `orgbackup <name>`; shown in usage lines. */
  readonly name: string;
  readonly usage: string;
  /** Lines under "Options:" in --help. */
  readonly help: string;
  readonly options: O;
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export type ParsedCommandArgs<O extends Options> =
  | {
      readonly kind: 'run';
      readonly values: ReturnType<typeof parseArgs<{ options: O; strict: true }>>['values'];
    }
  | { readonly kind: 'exit'; readonly code: number };

/**
 * parseArgs with the CLI's conventions: `--help` prints the command's help (exit 0); an unknown or malformed
 * option prints the error and the usage line (exit 2) instead of a stack trace.
 */
export function parseCommandArgs<O extends Options>(
  argv: readonly string[],
  spec: CommandSpec<O>,
): ParsedCommandArgs<O> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`Usage: orgbackup ${spec.name} ${spec.usage}\n\nOptions:\n${spec.help}\n`);
    return { kind: 'exit', code: EXIT.ok };
  }
  try {
    const { values } = parseArgs({
      args: joinNegativeValues(argv, spec.options),
      options: spec.options,
      strict: true,
      allowPositionals: false,
    });
    return { kind: 'run', values };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`orgbackup ${spec.name}: ${message}\nUsage: orgbackup ${spec.name} ${spec.usage}\n`);
    return { kind: 'exit', code: EXIT.usage };
  }
}

/**
 * `--days -1`: parseArgs takes "-1" for an option and complains about an ambiguous argument; joined as
 * `--days=-1` the value reaches the command, which says plainly what it accepts.
 */
function joinNegativeValues(argv: readonly string[], options: Options): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    const next = argv[i + 1];
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i += 1;
    } else joined.push(arg);
  }
  return joined;
}
