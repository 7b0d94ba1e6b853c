/** One `orgbackup` command; its module is loaded only when it runs, so `--help` starts fast. */
export interface CliCommand {
  /** Runs with the arguments after the command name; resolves to the process exit code. */
  run(argv: readonly string[]): Promise<number>;
}

export interface CommandEntry {
  /** One line for the command list in `orgbackup --help`. */
  readonly summary: string;
  load(): Promise<CliCommand>;
}

/** Every `orgbackup` command. To add one, write cli/commands/<name>.ts and add one entry here. */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  validate: {
    summary: 'Check a config file and list every problem with its fix',
    load: async () => (await import('./validate.js')).validateCommand,
  },
  policy: {
    summary: 'Print the BACKUP_POLICY document the config renders',
    load: async () => (await import('./policy.js')).policyCommand,
  },
  sandbox: {
    summary: 'Run the controller against a simulated organization and print the report',
    load: async () => (await import('./sandbox.js')).sandboxCommand,
  },
  report: {
    summary: 'Print the compliance report from a deployed (or local) report API',
    load: async () => (await import('./report.js')).reportCommand,
  },
  plan: {
    summary: 'Show what the controller would change and what is not compliant, changing nothing',
    load: async () => (await import('./plan.js')).planCommand,
  },
  evidence: {
    summary: 'Write a point-in-time evidence pack (report, CSVs, printable page, hashed manifest)',
    load: async () => (await import('./evidence.js')).evidenceCommand,
  },
  dashboard: {
    summary: 'Open the deployed dashboard locally, signing its requests with your AWS credentials',
    load: async () => (await import('./dashboard.js')).dashboardCommand,
  },
  diff: {
    summary: 'Preview a config change: policy diff, coverage gained and lost, changed terms, planned actions',
    load: async () => (await import('./diff.js')).diffCommand,
  },
};
