import { renderBackupPolicy } from '../../shared/domain/policy/render.js';
import { type CommandSpec, EXIT, parseCommandArgs } from '../args.js';
import { loadConfigFile } from '../config-file.js';
import type { CliCommand } from './index.js';

const options = { config: { type: 'string' }, minify: { type: 'boolean' } } as const;
const spec = {
  name: 'policy',
  usage: '--config FILE [--minify]',
  help:
    '  --config FILE   the orgbackup config (YAML or JSON)\n' +
    '  --minify        print the document exactly as sent to Organizations (no whitespace)\n' +
    '  -h, --help      show this help',
  options,
} satisfies CommandSpec<typeof options>;

export const policyCommand: CliCommand = {
  async run(argv) {
    const args = parseCommandArgs(argv, spec);
    if (args.kind === 'exit') return args.code;
    if (!args.values.config) {
      process.stderr.write(
        `orgbackup policy: --config FILE is required\nUsage: orgbackup policy ${spec.usage}\n`,
      );
      return EXIT.usage;
    }
    const loaded = await loadConfigFile(args.values.config, new Date());
    if (!loaded.ok) return EXIT.usage;
    const rendered = renderBackupPolicy(loaded.config);
    process.stdout.write(`${args.values.minify ? rendered.minified : rendered.pretty}\n`);
    return EXIT.ok;
  },
};
