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
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    handleReportRequest(
      store,
      {
        method: request.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
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
  return { url: `http://127.0.0.1:${bound}`, server };
}
