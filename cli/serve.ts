import { createServer, type Server } from 'node:http';
import { handleReportRequest } from '../shared/controller/report-api.js';
import type { ReportContext } from '../shared/controller/report-context.js';
import type { FindingsStore } from '../shared/store/findings-store.js';

/**
 * Serves the report routes on 127.0.0.1 through the same request handler the deployed `report` function
 * uses (local requests need no SigV4). Resolves once listening, with the base URL.
 */
export async function serveReport(
  store: FindingsStore,
  port: number,
  context?: ReportContext,
): Promise<{ url: string; server: Server }> {
  const listener = await listenForReport(port);
  listener.serve(store, context);
  return listener;
}

/**
 * Takes the port first (so a bad or busy port is known before a long simulation), answering 503 until
 * `serve` hands it the store.
 */
export async function listenForReport(port: number): Promise<{
  url: string;
  server: Server;
  serve(store: FindingsStore, context?: ReportContext): void;
}> {
  let ready: { store: FindingsStore; context: ReportContext | undefined } | undefined;
  const server = createServer((request, response) => {
    if (!ready) {
      response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '5' });
      response.end(JSON.stringify({ error: 'The simulation is still running; try again shortly.' }));
      return;
    }
    const { store, context } = ready;
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    handleReportRequest(
      store,
      {
        method: request.method ?? 'GET',
        path: url.pathname,
        // Every value of a repeated parameter, so the API can refuse the ambiguity.
        query: Object.fromEntries(
          [...new Set(url.searchParams.keys())].map((key) => [key, url.searchParams.getAll(key)]),
        ),
        ...(request.headers.accept ? { accept: request.headers.accept } : {}),
      },
      context && (() => context),
    )
      .then((result) => {
        response.writeHead(result.statusCode, result.headers);
        response.end(result.body);
      })
      .catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: error instanceof Error ? error.message : 'internal error' }));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${bound}`,
    server,
    serve(store, context) {
      ready = { store, context };
    },
  };
}
