import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { ControllerError } from '../../shared/domain/errors.js';
import {
  type OrganizationSummary,
  RESOURCE_STATUSES,
  type ResourceFinding,
  WARNING_CODES,
} from '../../shared/domain/model.js';
import { findRegion } from '../../shared/domain/regions.js';
import { coveragePercent } from '../../shared/domain/report.js';
import { EXIT, parseCommandArgs } from '../args.js';
import { credentialsFailure } from '../credentials.js';
import {
  apiGatewayRegion,
  isLoopback,
  ReportApiError,
  ReportApiUnreachableError,
  ReportClient,
  type Signing,
} from '../report-client.js';
import { formatTable } from '../table.js';
import type { CliCommand } from './index.js';

const FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];
/** The API's largest page. */
const MAX_PAGE = 1000;

const spec = {
  name: 'report',
  usage:
    '--endpoint URL [--account ID] [--status S] [--region R] [--resource-type T] [--warning W] [--format table|json|csv] [--limit N] [--page-size N] [--sign] [--api-region R]',
  help: [
    '  --endpoint URL       the report API: the deployed stage URL (https://<id>.execute-api.<region>.amazonaws.com/<stage>)',
    '                       or a local server (http://127.0.0.1:8787 from `orgbackup sandbox --serve` / `npm start`)',
    '  --account ID         only findings of this 12-digit account',
    '  --status S           only findings with this status (PROTECTED, PENDING, UNPROTECTED, STALE, FAILING, UNKNOWN)',
    '  --region R           only findings in this Region',
    '  --resource-type T    only findings of this resource type (EBS, S3, RDS, ...)',
    `  --warning W          only findings carrying this warning (${WARNING_CODES.join(', ')})`,
    '  --format F           table (default): summary line and findings table; json: the findings as the API',
    "                       returns them ({ items, nextCursor }), all pages merged; csv: the API's CSV, all pages",
    '  --limit N            print at most N findings (default: all; pages are followed)',
    `  --page-size N        findings per request, 1-${MAX_PAGE} (default ${MAX_PAGE})`,
    '  --sign               sign requests even to a local endpoint (they always are to a remote one)',
    '  --api-region R       Region to sign for; read from an execute-api hostname, needed for a custom domain',
    '',
    'Requests to a remote endpoint are signed with SigV4 (service execute-api) using the standard AWS',
    'credential chain (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO, instance role, ...).',
    'Exit codes: 0 printed, 1 the API refused or could not be reached, 2 bad options.',
  ].join('\n'),
  options: {
    endpoint: { type: 'string' },
    account: { type: 'string' },
    status: { type: 'string' },
    region: { type: 'string' },
    'resource-type': { type: 'string' },
    warning: { type: 'string' },
    format: { type: 'string' },
    limit: { type: 'string' },
    'page-size': { type: 'string' },
    sign: { type: 'boolean' },
    'api-region': { type: 'string' },
  },
} as const;

/**
 * The filters checked here too, so a typo is a usage error (exit 2) before any request is made; the API
 * applies the same rules. Status is matched without regard to case, as the API does.
 */
function badFilter(options: {
  account?: string;
  status?: string;
  region?: string;
  warning?: string;
}): string | null {
  if (options.account !== undefined && !/^\d{12}$/.test(options.account)) {
    return `--account must be a 12-digit account id, not "${options.account}"`;
  }
  if (
    options.status !== undefined &&
    !(RESOURCE_STATUSES as readonly string[]).includes(options.status.toUpperCase())
  ) {
    return `--status must be one of ${RESOURCE_STATUSES.join(', ')}, not "${options.status}"`;
  }
  if (options.region !== undefined && !findRegion(options.region)) {
    return `--region must be a Region name like eu-west-1, not "${options.region}"`;
  }
  if (options.warning !== undefined && !(WARNING_CODES as readonly string[]).includes(options.warning)) {
    return `--warning must be one of ${WARNING_CODES.join(', ')}, not "${options.warning}"`;
  }
  return null;
}

interface FindingsPage {
  readonly items: ResourceFinding[];
  readonly nextCursor: string | null;
}

export const reportCommand: CliCommand = {
  async run(argv) {
    const parsed = parseCommandArgs(argv, spec);
    if (parsed.kind === 'exit') return parsed.code;
    const options = parsed.values;
    const usage = (message: string) => {
      process.stderr.write(`orgbackup report: ${message}\nUsage: orgbackup report ${spec.usage}\n`);
      return EXIT.usage;
    };

    if (!options.endpoint) return usage('--endpoint URL is required');
    const endpoint = parseEndpoint(options.endpoint);
    if (!endpoint) return usage(`--endpoint must be an http(s) URL, not "${options.endpoint}"`);
    const format = (options.format ?? 'table') as Format;
    if (!FORMATS.includes(format))
      return usage(`--format must be table, json or csv, not "${options.format}"`);
    const limit = options.limit === undefined ? undefined : Number(options.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
      return usage(`--limit must be a whole number of at least 1, not "${options.limit}"`);
    }
    const pageSize = options['page-size'] === undefined ? MAX_PAGE : Number(options['page-size']);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE) {
      return usage(`--page-size must be a whole number from 1 to ${MAX_PAGE}, not "${options['page-size']}"`);
    }
    const filterProblem = badFilter(options);
    if (filterProblem) return usage(filterProblem);
    let signing: Signing | undefined;
    if (options.sign || !isLoopback(endpoint)) {
      const region = options['api-region'] ?? apiGatewayRegion(endpoint.hostname);
      if (!region) {
        return usage(`cannot tell the Region to sign for from ${endpoint.hostname}; give --api-region`);
      }
      signing = { region, credentials: fromNodeProviderChain() };
    }

    const client = new ReportClient(endpoint, signing);
    const listing = { limit: limit ?? Number.POSITIVE_INFINITY, pageSize };
    const filters = {
      account: options.account,
      region: options.region,
      status: options.status,
      resourceType: options['resource-type'],
      warning: options.warning,
    };
    try {
      if (format === 'csv') {
        process.stdout.write(await readCsv(client, filters, listing));
        return EXIT.ok;
      }
      const findings = await readFindings(client, filters, listing);
      if (format === 'json') {
        process.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
        return EXIT.ok;
      }
      const summary = JSON.parse(
        (await client.get('/summary', {}, 'application/json')).body,
      ) as OrganizationSummary;
      process.stdout.write(formatReport(summary, findings, filters));
      return EXIT.ok;
    } catch (error) {
      if (error instanceof ReportApiError || error instanceof ReportApiUnreachableError) {
        process.stderr.write(`orgbackup report: ${error.message}\n`);
        return EXIT.failure;
      }
      const credentials = credentialsFailure(error);
      if (credentials) {
        process.stderr.write(`orgbackup report: ${credentials}\n`);
        return EXIT.failure;
      }
      throw error;
    }
  },
};

function parseEndpoint(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

type Filters = Readonly<Record<string, string | undefined>>;

/** How much to read: at most `limit` findings (Infinity: all), `pageSize` per request. */
interface Listing {
  readonly limit: number;
  readonly pageSize: number;
}

/** Follows the cursors until the findings run out or `limit` are read. */
async function* pages(
  client: ReportClient,
  filters: Filters,
  listing: Listing,
  accept: 'application/json' | 'text/csv',
) {
  let remaining = listing.limit;
  let cursor: string | null = null;
  do {
    const size = Math.min(remaining, listing.pageSize);
    const reply = await client.get(
      '/findings',
      { ...filters, limit: String(size), ...(cursor ? { cursor } : {}) },
      accept,
    );
    cursor = reply.nextCursor;
    yield reply;
    remaining -= size;
  } while (cursor && remaining > 0);
}

async function readFindings(client: ReportClient, filters: Filters, listing: Listing): Promise<FindingsPage> {
  const items: ResourceFinding[] = [];
  let nextCursor: string | null = null;
  for await (const reply of pages(client, filters, listing, 'application/json')) {
    const page = JSON.parse(reply.body) as FindingsPage;
    items.push(...page.items);
    nextCursor = page.nextCursor;
  }
  return { items, nextCursor };
}

/** The API's CSV pages as one document: the header row once. */
async function readCsv(client: ReportClient, filters: Filters, listing: Listing): Promise<string> {
  let header: string | undefined;
  const rows: string[] = [];
  for await (const reply of pages(client, filters, listing, 'text/csv')) {
    const newline = reply.body.indexOf('\r\n');
    const pageHeader = reply.body.slice(0, newline);
    const body = reply.body.slice(newline + 2);
    // An empty page has no columns at all; it adds nothing.
    if (body === '') continue;
    if (header !== undefined && pageHeader !== header) {
      throw new ControllerError(
        'REPORT_CSV_COLUMNS_CHANGED',
        `The CSV columns changed between pages ("${header}" then "${pageHeader}").`,
      );
    }
    header = pageHeader;
    rows.push(body);
  }
  return header === undefined ? '' : `${header}\r\n${rows.join('')}`;
}

function formatReport(summary: OrganizationSummary, findings: FindingsPage, filters: Filters): string {
  const account = filters.account;
  const scope = account ? summary.accounts.find((entry) => entry.accountId === account) : undefined;
  const counts = account
    ? {
        accounts: scope ? 1 : 0,
        resources: scope?.resources ?? 0,
        byStatus: scope?.byStatus,
        coveragePercent: scope ? coveragePercent(scope.byStatus, scope.resources) : 100,
      }
    : summary.total;
  const byStatus = counts.byStatus
    ? Object.entries(counts.byStatus)
        .map(([status, count]) => `${status} ${count}`)
        .join(', ')
    : 'no findings';
  const lines = [
    `Coverage ${counts.coveragePercent.toFixed(1)}% — ${counts.resources} resources in ${counts.accounts} account${counts.accounts === 1 ? '' : 's'}${account ? ` (account ${account})` : ''}: ${byStatus}`,
    '',
  ];
  const applied = Object.entries(filters)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${value}`);
  lines.push(
    `${findings.items.length} finding${findings.items.length === 1 ? '' : 's'}${applied.length > 0 ? ` (${applied.join(', ')})` : ''}${findings.nextCursor ? ', more not shown (raise --limit)' : ''}`,
  );
  if (findings.items.length > 0) {
    lines.push(
      formatTable(
        ['ACCOUNT', 'REGION', 'TYPE', 'RESOURCE', 'STATUS', 'REASONS', 'WARNINGS', 'LAST BACKUP'],
        findings.items.map((finding) => [
          finding.accountId,
          finding.region,
          finding.resourceType ?? '-',
          resourceName(finding.arn),
          finding.status,
          finding.reasons.join(',') || '-',
          // A controller deployed before findings carried warnings answers without them.
          finding.warnings?.join(',') || '-',
          finding.lastBackupTime ?? 'never',
        ]),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** What follows the account id in an ARN (`volume/vol-0123`, `table/orders`): the account and Region have columns. */
function resourceName(arn: string): string {
  return arn.split(':').slice(5).join(':') || arn;
}
