import { ControllerError } from '../domain/errors.js';
import type { ResourceStatus } from '../domain/model.js';
import { REASON_CODES, RESOURCE_STATUSES, WARNING_CODES } from '../domain/model.js';
import { coveragePercent } from '../domain/report.js';
import { lazyImport } from '../lazy-import.js';
import { InvalidCursorError } from '../store/errors.js';
import type { FindingsStore } from '../store/findings-store.js';
import { findingCsvRow, toCsv } from './csv.js';
import type { ReportContext } from './report-context.js';

// Loaded on the first request for the page itself, not with the API routes the page then calls.
const dashboardPage = lazyImport(() => import('../dashboard/page.js'));

/** The report API's request, free of any transport (API Gateway proxy event, local HTTP server). */
export interface ReportRequest {
  readonly method: string;
  readonly path: string;
  /** Each parameter's values; a parameter given more than once is refused, never reduced to one value. */
  readonly query: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly accept?: string;
}

export interface ReportResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A request the API refuses with 400, naming the parameter and the fix. */
export class BadReportRequestError extends ControllerError {
  constructor(message: string) {
    super('BAD_REQUEST', message);
  }
}

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const MAX_LIMIT = 1000;
/** The page size of a listing whose request names no `limit`. */
export const DEFAULT_LIMIT = 100;

type Route = (store: FindingsStore, query: QueryReader, params: readonly string[]) => Promise<Rows>;

/** JSON body, plus the rows a CSV rendering lists. */
interface Rows {
  readonly json: unknown;
  readonly csv: readonly Record<string, unknown>[];
  /** Of a paged listing; also sent as the `x-next-cursor` header, since a CSV body has no room for it. */
  readonly nextCursor?: string | null;
}

const ROUTES: readonly {
  readonly pattern: RegExp;
  readonly params: readonly string[];
  readonly run: Route;
}[] = [
  {
    pattern: /^\/summary$/,
    params: ['format'],
    run: async (store) => {
      // As of the end of the last run (one Query); until a run has ended, added up from the counts index.
      const [summary, runs] = await Promise.all([
        store.latestSummary().then((kept) => kept ?? store.summary()),
        store.listRuns({ limit: 1 }),
      ]);
      const { reasons: _reasons, ...counts } = summary;
      const json = { ...counts, lastRun: runs.items[0] ?? null };
      return {
        json,
        csv: summary.accounts.map((account) => ({
          accountId: account.accountId,
          resources: account.resources,
          ...account.byStatus,
          coveragePercent: coveragePercent(account.byStatus, account.resources),
        })),
      };
    },
  },
  {
    pattern: /^\/findings$/,
    params: ['account', 'region', 'status', 'resourceType', 'reason', 'warning', 'limit', 'cursor', 'format'],
    run: async (store, query) => {
      const page = await store.listFindings({
        ...optional('accountId', query.accountId('account')),
        ...optional('region', query.region('region')),
        ...optional('status', query.status('status')),
        ...optional('resourceType', query.text('resourceType')),
        ...optional('reason', query.reason('reason')),
        ...optional('warning', query.warning('warning')),
        limit: query.limit(),
        cursor: query.text('cursor') ?? null,
      });
      return {
        json: { items: page.items, nextCursor: page.nextCursor },
        nextCursor: page.nextCursor,
        csv: page.items.map(findingCsvRow),
      };
    },
  },
  {
    pattern: /^\/accounts\/([^/]+)$/,
    params: ['format'],
    run: async (store, _query, [accountId]) => {
      if (!accountId || !ACCOUNT_ID.test(accountId)) {
        throw new BadReportRequestError(
          `Account id "${accountId}" is not 12 digits; use e.g. /accounts/123456789012.`,
        );
      }
      const view = await store.getAccountView(accountId);
      return {
        json: view,
        csv: view.findings.map(findingCsvRow),
      };
    },
  },
  {
    pattern: /^\/actions$/,
    params: ['account', 'limit', 'cursor', 'format'],
    run: async (store, query) => {
      const page = await store.listActions({
        ...optional('accountId', query.accountId('account')),
        limit: query.limit(),
        cursor: query.text('cursor') ?? null,
      });
      return {
        json: { items: page.items, nextCursor: page.nextCursor },
        nextCursor: page.nextCursor,
        csv: page.items.map((action) => ({
          ...action,
          blocked: action.blocked?.message ?? '',
          error: action.error?.message ?? '',
        })),
      };
    },
  },
  {
    pattern: /^\/targets$/,
    params: ['limit', 'cursor', 'format'],
    run: async (store, query) => {
      const page = await store.listTargets({ limit: query.limit(), cursor: query.text('cursor') ?? null });
      return {
        json: { items: page.items, nextCursor: page.nextCursor },
        nextCursor: page.nextCursor,
        csv: page.items.map((target) => ({
          accountId: target.accountId,
          region: target.region,
          resources: target.resources,
          ...target.byStatus,
          failingChecks: target.checks
            .filter((check) => check.status === 'FAIL')
            .map((check) => check.check)
            .join(' '),
          observedAt: target.observedAt,
        })),
      };
    },
  },
  {
    pattern: /^\/reasons$/,
    params: ['format'],
    // As of the last run's end, like /summary: counting live reads every finding that is not PROTECTED.
    run: async (store) => {
      const items = (await store.latestReasons()) ?? (await store.countReasons());
      return { json: { items }, csv: items.map((item) => ({ ...item })) };
    },
  },
  {
    pattern: /^\/resource$/,
    params: ['account', 'region', 'arn', 'limit', 'cursor', 'format'],
    run: async (store, query) => {
      const accountId = query.required('account', query.accountId('account'));
      const region = query.required('region', query.region('region'));
      const arn = query.required('arn', query.text('arn'));
      const [finding, transitions] = await Promise.all([
        store.getFinding(accountId, region, arn),
        store.listResourceTransitions({
          accountId,
          region,
          arn,
          limit: query.limit(),
          cursor: query.text('cursor') ?? null,
        }),
      ]);
      return {
        json: { finding, transitions: transitions.items, nextCursor: transitions.nextCursor },
        nextCursor: transitions.nextCursor,
        csv: transitions.items.map((transition) => ({
          at: transition.at,
          from: transition.from ?? '',
          to: transition.to,
          reasons: transition.reasons.join(' '),
          detail: transition.detail,
        })),
      };
    },
  },
  {
    pattern: /^\/organization$/,
    params: ['limit', 'cursor', 'format'],
    run: async (store, query) => {
      const page = await store.listAccountDirectory({
        limit: query.limit(),
        cursor: query.text('cursor') ?? null,
      });
      return {
        json: { items: page.items, nextCursor: page.nextCursor },
        nextCursor: page.nextCursor,
        csv: page.items.map((entry) => ({ ...entry })),
      };
    },
  },
  {
    pattern: /^\/runs$/,
    params: ['limit', 'cursor', 'format'],
    run: async (store, query) => {
      const page = await store.listRuns({ limit: query.limit(), cursor: query.text('cursor') ?? null });
      return {
        json: { items: page.items, nextCursor: page.nextCursor },
        nextCursor: page.nextCursor,
        csv: page.items.map((run) => ({
          ...run,
          ...run.counts,
          counts: undefined,
          errors: run.errorCount,
          errorCount: undefined,
        })),
      };
    },
  },
];

/**
 * Serves the documented report routes from the findings store. Bad parameters get a 400 that names the
 * parameter and the fix; unknown routes a 404 listing the routes; nothing leaks a stack trace.
 */
export async function handleReportRequest(
  store: FindingsStore,
  request: ReportRequest,
  /** What `/about` answers (read only for that route); a server started without a configuration has none. */
  about?: () => ReportContext,
): Promise<ReportResponse> {
  if (request.method !== 'GET') return problem(405, `Method ${request.method} is not allowed; use GET.`);
  const path = request.path.replace(/\/+$/, '') || '/';
  if (path === '/') {
    const { DASHBOARD_PAGE } = await dashboardPage();
    return { statusCode: 200, headers: DASHBOARD_PAGE.headers, body: DASHBOARD_PAGE.html };
  }
  if (path === '/about') {
    return about ? json(200, about()) : problem(404, 'This server was started without a configuration.');
  }
  const route = ROUTES.find((candidate) => candidate.pattern.test(path));
  if (!route) {
    return problem(
      404,
      `No route ${path}. Routes: / (dashboard), /about, /summary, /findings, /accounts/{id}, /actions, /runs, /targets, /reasons, /resource, /organization.`,
    );
  }
  try {
    const unknown = Object.keys(request.query).filter((name) => !route.params.includes(name));
    if (unknown.length > 0) {
      throw new BadReportRequestError(
        `Unknown query parameter ${unknown.map((n) => `"${n}"`).join(', ')}; this route accepts: ${route.params.join(', ') || 'none'}.`,
      );
    }
    const query = singleValues(request.query);
    const format = responseFormat(query.format, request.accept);
    const params = route.pattern.exec(path)?.slice(1) ?? [];
    const rows = await route.run(store, new QueryReader(query), params);
    const next: Record<string, string> = rows.nextCursor ? { 'x-next-cursor': rows.nextCursor } : {};
    if (format === 'csv') {
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/csv; charset=utf-8', ...next },
        body: toCsv(rows.csv),
      };
    }
    const response = json(200, rows.json);
    return { ...response, headers: { ...response.headers, ...next } };
  } catch (error) {
    if (error instanceof BadReportRequestError) return problem(400, error.message);
    // A cursor that decodes but whose key DynamoDB rejects (altered, or from another query's index).
    const rejectedStartKey = request.query.cursor !== undefined && isValidationException(error);
    if (error instanceof InvalidCursorError || rejectedStartKey) {
      return problem(
        400,
        'Parameter "cursor" is not valid here; pass the nextCursor of the previous page unchanged.',
      );
    }
    throw error;
  }
}

function isValidationException(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationException';
}

/** A repeated parameter is ambiguous (which status did the caller mean?), so it is a 400. */
function singleValues(query: ReportRequest['query']): Readonly<Record<string, string | undefined>> {
  const single: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(query)) {
    if (Array.isArray(value) && value.length > 1) {
      throw new BadReportRequestError(
        `Parameter "${name}" is given ${value.length} times; give it once (one value per request).`,
      );
    }
    single[name] = Array.isArray(value) ? value[0] : (value as string | undefined);
  }
  return single;
}

function responseFormat(format: string | undefined, accept: string | undefined): 'json' | 'csv' {
  if (format !== undefined) {
    if (format === 'csv' || format === 'json') return format;
    throw new BadReportRequestError(`Parameter "format" must be json or csv, not "${format}".`);
  }
  return accept?.includes('text/csv') ? 'csv' : 'json';
}

/** Reads and validates query parameters, failing with a message that names the parameter. */
class QueryReader {
  constructor(private readonly query: Readonly<Record<string, string | undefined>>) {}

  text(name: string): string | undefined {
    const value = this.query[name];
    return value === undefined || value === '' ? undefined : value;
  }

  accountId(name: string): string | undefined {
    const value = this.text(name);
    if (value !== undefined && !ACCOUNT_ID.test(value)) {
      throw new BadReportRequestError(`Parameter "${name}" must be a 12-digit account id, not "${value}".`);
    }
    return value;
  }

  region(name: string): string | undefined {
    const value = this.text(name);
    if (value !== undefined && !REGION.test(value)) {
      throw new BadReportRequestError(
        `Parameter "${name}" must be a Region name like eu-west-1, not "${value}".`,
      );
    }
    return value;
  }

  status(name: string): ResourceStatus | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    const upper = value.toUpperCase();
    if (!(RESOURCE_STATUSES as readonly string[]).includes(upper)) {
      throw new BadReportRequestError(
        `Parameter "${name}" must be one of ${RESOURCE_STATUSES.join(', ')}, not "${value}".`,
      );
    }
    return upper as ResourceStatus;
  }

  reason(name: string): string | undefined {
    const value = this.text(name);
    if (value !== undefined && !(REASON_CODES as readonly string[]).includes(value)) {
      throw new BadReportRequestError(
        `Parameter "${name}" must be a reason code such as ${REASON_CODES.slice(0, 3).join(', ')}, not "${value}".`,
      );
    }
    return value;
  }

  warning(name: string): string | undefined {
    const value = this.text(name);
    if (value !== undefined && !(WARNING_CODES as readonly string[]).includes(value)) {
      throw new BadReportRequestError(
        `Parameter "${name}" must be a warning code (${WARNING_CODES.join(', ')}), not "${value}".`,
      );
    }
    return value;
  }

  /** A parameter the route cannot do without. */
  required<T>(name: string, value: T | undefined): T {
    if (value === undefined) throw new BadReportRequestError(`Parameter "${name}" is required here.`);
    return value;
  }

  limit(): number {
    const value = this.text('limit');
    if (value === undefined) return DEFAULT_LIMIT;
    // Digits only: Number() would also take "1e2", "0x10", " 100" and "100.0".
    const limit = /^\d{1,4}$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new BadReportRequestError(
        `Parameter "limit" must be a whole number from 1 to ${MAX_LIMIT}, not "${value}".`,
      );
    }
    return limit;
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function json(statusCode: number, body: unknown): ReportResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function problem(statusCode: number, message: string): ReportResponse {
  return json(statusCode, { error: message });
}
