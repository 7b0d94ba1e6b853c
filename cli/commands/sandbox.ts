import { runSandbox, type SweepProgress } from '../../sandbox/runner.js';
import { reportContext } from '../../shared/controller/report-context.js';
import { EXIT, parseCommandArgs } from '../args.js';
import { loadConfigFile } from '../config-file.js';
import { bundledFile } from '../package-root.js';
import { DEFAULT_ACCESS_ROLE, examineWorld } from '../readiness.js';
import { formatStory, paint } from '../sandbox-story.js';
import { listenForReport } from '../serve.js';
import { loadWorldFile } from '../world-file.js';
import type { CliCommand } from './index.js';

const DEFAULT_WORLD = 'sandbox/demo/world.yaml';
const DEFAULT_CONFIG = 'examples/orgbackup.config.yaml';
const DAY_MS = 86_400_000;

const spec = {
  name: 'sandbox',
  usage:
    '[--world FILE] [--config FILE] [--days N | --until ISO-TIME] [--seed N] [--json] [--serve [PORT] | --no-serve]',
  help: [
    `  --world FILE        the simulated organization and its timeline (default ${DEFAULT_WORLD})`,
    `  --config FILE       the controller config (default ${DEFAULT_CONFIG})`,
    '  --days N            simulated days to run from the world start (default 7)',
    '  --until ISO-TIME    run until this simulated time instead of --days',
    '  --seed N            seed of the simulation (default 1); same world, config and seed = same result',
    '  --json              print exactly the JSON report on stdout (logs go to stderr) and exit',
    '  --serve [PORT]      afterwards serve the dashboard and report API on 127.0.0.1 (default port 8787; 0 = any)',
    '  --no-serve          exit after printing (the default when stdout is not a terminal)',
  ].join('\n'),
  options: {
    world: { type: 'string' },
    config: { type: 'string' },
    days: { type: 'string' },
    until: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
    serve: { type: 'string' },
    'no-serve': { type: 'boolean' },
  },
} as const;

export const sandboxCommand: CliCommand = {
  async run(argv) {
    // `--serve` with no port: parseArgs needs a value, so a bare flag becomes the default port.
    const args = argv.flatMap((arg, i) =>
      arg === '--serve' && !/^\d+$/.test(argv[i + 1] ?? '') ? [arg, '8787'] : [arg],
    );
    const parsed = parseCommandArgs(args, spec);
    if (parsed.kind === 'exit') return parsed.code;
    const options = parsed.values;

    const worldPath = options.world ?? DEFAULT_WORLD;
    const world = await loadWorldFile(options.world ?? bundledFile(DEFAULT_WORLD), worldPath);
    if (!world) return EXIT.usage;
    const start = new Date(world.start);
    const until = endOf(start, options.days, options.until);
    if (typeof until === 'string') {
      process.stderr.write(`orgbackup sandbox: ${until}\n`);
      return EXIT.usage;
    }
    const seed = options.seed === undefined ? 1 : Number(options.seed);
    if (!Number.isInteger(seed)) {
      process.stderr.write(`orgbackup sandbox: --seed must be a whole number, not "${options.seed}"\n`);
      return EXIT.usage;
    }
    const loaded = await loadConfigFile(options.config ?? bundledFile(DEFAULT_CONFIG), start);
    if (!loaded.ok) return EXIT.usage;
    const serve =
      options['no-serve'] || options.json
        ? undefined
        : (options.serve ?? (process.stdout.isTTY ? '8787' : undefined));
    const port = serve === undefined ? undefined : Number(serve);
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
      process.stderr.write(`orgbackup sandbox: --serve must be a port from 0 to 65535, not "${serve}"\n`);
      return EXIT.usage;
    }
    // The port is taken before the simulation, so a busy one is reported at once, not after it.
    const listener = port === undefined ? undefined : await listen(port);
    if (listener === null) return EXIT.usage;

    // What `orgbackup doctor --world` says of this organization before the controller ever runs.
    const doctor = options.json
      ? []
      : await examineWorld(
          world,
          loaded.config,
          { sampleSize: 5, accessRoleName: DEFAULT_ACCESS_ROLE },
          loaded.warnings,
        );
    const progress = process.stderr.isTTY && !options.json ? progressBar() : undefined;
    const started = performance.now();
    const result = await runSandbox({
      world,
      config: loaded.config,
      until,
      seed,
      onSweep: progress?.update,
      lookBeforeRepairs: !options.json,
    });
    progress?.done();
    const seconds = (performance.now() - started) / 1000;
    try {
      if (options.json) {
        process.stdout.write(`${JSON.stringify(result.report, null, 2)}\n`);
        return EXIT.ok;
      }
      // The look before repairs was asked for whenever a story is printed.
      const story = { ...result, initial: result.initial ?? result.report, doctor };
      process.stdout.write(formatStory(story, { worldPath, seconds, color: useColor() }));
      if (!listener) return EXIT.ok;
      listener.serve(result.store, reportContext(result.desired));
      const { url, server } = listener;
      process.stdout.write(
        `\nDashboard: ${url}/\n` +
          `Report API on ${url} — try ${url}/summary, ${url}/findings?status=FAILING, ${url}/accounts/222222222223\n` +
          `or: npx orgbackup report --endpoint ${url}\nPress Ctrl-C to stop.\n`,
      );
      await new Promise<void>((resolve) => process.once('SIGINT', resolve));
      // A browser keeps connections open; without closing them the process would not exit.
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      return EXIT.ok;
    } finally {
      if (listener?.server.listening) listener.server.close();
      await result.close();
    }
  },
};

/** null (after saying why) when the port cannot be used. */
async function listen(port: number) {
  try {
    return await listenForReport(port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? 'is already in use'
        : code === 'EACCES'
          ? 'may not be used by this user'
          : `cannot be used (${code ?? String(error)})`;
    process.stderr.write(
      `orgbackup sandbox: port ${port} on 127.0.0.1 ${why}; give another with --serve PORT, or --no-serve\n`,
    );
    return null;
  }
}

function endOf(start: Date, days: string | undefined, until: string | undefined): Date | string {
  if (days !== undefined && until !== undefined) return 'give --days or --until, not both';
  if (until !== undefined) {
    const end = new Date(until);
    if (Number.isNaN(end.getTime()))
      return `--until must be an ISO time like 2026-03-05T00:00:00Z, not "${until}"`;
    if (end <= start) return `--until must be after the world start ${start.toISOString()}`;
    return end;
  }
  const count = days === undefined ? 7 : Number(days);
  if (!Number.isFinite(count) || count <= 0 || count > 90)
    return `--days must be a number from 1 to 90, not "${days}"`;
  return new Date(start.getTime() + count * DAY_MS);
}

function useColor(): boolean {
  return Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
}

/** One line on stderr, redrawn after each sweep: only on a terminal, so piped output stays clean. */
function progressBar() {
  const width = 30;
  return {
    update(p: SweepProgress) {
      const filled = Math.round((p.sweep / p.sweeps) * width);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      process.stderr.write(
        `\r${bar} ${p.at.slice(0, 16).replace('T', ' ')}  sweep ${p.sweep}/${p.sweeps}  coverage ${paint(true, 'bold', `${p.summary.coveragePercent.toFixed(1)}%`)}  `,
      );
    },
    done() {
      process.stderr.write('\r\u001b[2K');
    },
  };
}
