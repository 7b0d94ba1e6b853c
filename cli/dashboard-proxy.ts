import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ReportApiUnreachableError, type ReportClient } from './report-client.js';

const COOKIE = 'orgbackup_dashboard';
/** Headers of the API's answer the browser needs (the page's CSP above all); nothing else is passed on. */
const PASSED_HEADERS = [
  'content-type',
  'content-security-policy',
  'x-content-type-options',
  'referrer-policy',
  'cache-control',
  'x-next-cursor',
];

export interface DashboardProxy {
  /** The URL to open: carries the session token once; the proxy swaps it for a cookie. */
  readonly url: string;
  readonly origin: string;
  readonly server: Server;
}

/**
 * Serves the deployed dashboard on 127.0.0.1, forwarding each GET to the report API through `client` (which
 * signs with the user's own credentials). Other local pages and DNS-rebinding sites must not be able to use
 * those credentials, so a request is forwarded only when it carries this session's token (a cookie set from
 * the printed URL), names this proxy in its Host header, and does not come from another site.
 */
export async function startDashboardProxy(options: {
  readonly client: ReportClient;
  readonly port: number;
  /** Query parameters of the first view (`status=FAILING`). */
  readonly filters?: Readonly<Record<string, string>>;
  readonly token?: string;
}): Promise<DashboardProxy> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  let origin = '';
  const server = createServer((request, response) => {
    serve(request, response, { client: options.client, token, host: new URL(origin).host }).catch(
      (error: unknown) => {
        const unreachable = error instanceof ReportApiUnreachableError;
        reply(response, unreachable ? 502 : 500, unreachable ? error.message : 'The proxy failed.');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : options.port}`;
  const first = new URLSearchParams({ token, ...options.filters });
  return { url: `${origin}/?${first}`, origin, server };
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  session: { readonly client: ReportClient; readonly token: string; readonly host: string },
): Promise<void> {
  if (request.headers.host !== session.host) {
    return reply(response, 421, `This proxy answers only to http://${session.host}.`);
  }
  if (request.method !== 'GET') return reply(response, 405, `Method ${request.method} is not allowed.`);
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return reply(response, 403, 'Requests from other sites are refused.');
  }
  const url = new URL(request.url ?? '/', `http://${session.host}`);
  const offered = url.searchParams.get('token');
  if (offered !== null && url.pathname === '/') {
    if (!sameSecret(offered, session.token)) return reply(response, 401, 'Wrong session token.');
    url.searchParams.delete('token');
    response.writeHead(303, {
      location: `/${url.search}`,
      'set-cookie': `${COOKIE}=${session.token}; HttpOnly; SameSite=Strict; Path=/`,
      'cache-control': 'no-store',
    });
    response.end();
    return;
  }
  if (!sameSecret(sessionCookie(request) ?? '', session.token)) {
    return reply(response, 401, 'No session: open the URL that `orgbackup dashboard` printed.');
  }
  const upstream = await session.client.send(
    url.pathname,
    Object.fromEntries(url.searchParams),
    request.headers.accept ?? 'application/json',
  );
  const headers = Object.fromEntries(
    PASSED_HEADERS.flatMap((name) => {
      const value = upstream.headers.get(name);
      return value === null ? [] : [[name, value]];
    }),
  );
  response.writeHead(upstream.status, headers);
  response.end(Buffer.from(await upstream.arrayBuffer()));
}

function sessionCookie(request: IncomingMessage): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return undefined;
}

function sameSecret(offered: string, expected: string): boolean {
  const a = Buffer.from(offered);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function reply(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify({ error: message }));
}
