import { type CommandSpec, EXIT, parseCommandArgs } from '../args.js';
import { formatProblems, loadConfigFile } from '../config-file.js';
import type { CliCommand } from './index.js';

const spec = {
  name: 'validate',
  usage: '--config FILE',
  help: '  --config FILE   the orgbackup config (YAML or JSON) to check\n  -h, --help      show this help',
  options: { config: { type: 'string' } },
} satisfies CommandSpec<{ config: { type: 'string' } }>;

export const validateCommand: CliCommand = {
  async run(argv) {
    const args = parseCommandArgs(argv, spec);
    if (args.kind === 'exit') return args.code;
    if (!args.values.config) {
      process.stderr.write(
        `orgbackup validate: --config FILE is required\nUsage: orgbackup validate ${spec.usage}\n`,
      );
      return EXIT.usage;
    }
    const loaded = await loadConfigFile(args.values.config, new Date());
    if (!loaded.ok) return EXIT.usage;
    process.stdout.write('valid\n');
    if (loaded.warnings.length > 0) {
      process.stdout.write(`Warnings:\n${formatProblems(loaded.warnings)}\n`);
    }
    return EXIT.ok;
  },
};
