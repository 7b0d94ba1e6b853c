import { EXIT, parseCommandArgs } from '../args.js';
import { startDashboardProxy } from '../dashboard-proxy.js';
import { parseEndpoint, signingFor } from '../endpoint.js';
import { ReportClient } from '../report-client.js';
import type { CliCommand } from './index.js';

/** What `--filter` may set: the dashboard's URL filters. */
const FILTERS = ['status', 'reason', 'account', 'region', 'resourceType'] as const;

const spec = {
  name: 'dashboard',
  usage: '--endpoint URL [--filter KEY=VALUE]... [--port N] [--sign] [--api-region R]',
  help: [
    '  --endpoint URL       the deployed report API (https://<id>.execute-api.<region>.amazonaws.com/<stage>)',
    `  --filter KEY=VALUE   open the dashboard filtered (${FILTERS.join(', ')}); repeatable`,
    '  --port N             local port (default 0: any free port)',
    '  --sign               sign requests even to a local endpoint (they always are to a remote one)',
    '  --api-region R       Region to sign for; read from an execute-api hostname, needed for a custom domain',
    '',
    'Serves the dashboard on 127.0.0.1 and signs its requests to the API with your AWS credentials (the',
    'standard credential chain). Only the browser that opens the printed URL gets in: the URL carries a',
    'session token, and requests with another Host header or from another site are refused.',
  ].join('\n'),
  options: {
    endpoint: { type: 'string' },
    filter: { type: 'string', multiple: true },
    port: { type: 'string' },
    sign: { type: 'boolean' },
    'api-region': { type: 'string' },
  },
} as const;

export const dashboardCommand: CliCommand = {
  async run(argv) {
    const parsed = parseCommandArgs(argv, spec);
    if (parsed.kind === 'exit') return parsed.code;
    const options = parsed.values;
    const usage = (message: string) => {
      process.stderr.write(`orgbackup dashboard: ${message}\nUsage: orgbackup dashboard ${spec.usage}\n`);
      return EXIT.usage;
    };
    if (!options.endpoint) return usage('--endpoint URL is required');
    const endpoint = parseEndpoint(options.endpoint);
    if (!endpoint) return usage(`--endpoint must be an http(s) URL, not "${options.endpoint}"`);
    const filters: Record<string, string> = {};
    for (const filter of options.filter ?? []) {
      const [key = '', ...rest] = filter.split('=');
      if (!(FILTERS as readonly string[]).includes(key) || rest.length === 0) {
        return usage(`--filter must be KEY=VALUE with KEY one of ${FILTERS.join(', ')}, not "${filter}"`);
      }
      filters[key] = rest.join('=');
    }
    const port = options.port === undefined ? 0 : Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      return usage(`--port must be a port number, not "${options.port}"`);
    }
    const signing = signingFor(endpoint, { sign: options.sign, apiRegion: options['api-region'] });
    if (typeof signing === 'string') return usage(signing);

    const proxy = await startDashboardProxy({ client: new ReportClient(endpoint, signing), port, filters });
    process.stdout.write(
      `Dashboard: ${proxy.url}\n` +
        `(requests to ${endpoint.origin} are signed with your AWS credentials; Ctrl-C to stop)\n`,
    );
    await new Promise<void>((resolve) => process.once('SIGINT', resolve));
    proxy.server.closeAllConnections();
    await new Promise((resolve) => proxy.server.close(resolve));
    return EXIT.ok;
  },
};
