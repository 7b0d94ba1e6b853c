import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { HttpRequest, HttpResponse } from '@smithy/types';

export interface EmbeddedDynamo {
  /** http://127.0.0.1:<port>, for tools that want a real endpoint. */
  readonly endpoint: string;
  /** A client that talks to the engine in-process (no socket), with dummy credentials. */
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Starts dynalite (a DynamoDB engine on in-memory LevelDB) inside this process for the tests and the sandbox.
 * It listens on a free port of 127.0.0.1, and the returned client hands each signed request straight to the
 * engine's request listener instead of a socket: the same requests and responses, without loopback HTTP,
 * which was a third of the sandbox's time. dynalite is imported lazily so production bundles never pull it in.
 * dynalite checks only that a request carries a signature, never its value, so requests are not really
 * signed (hashing every request was a tenth of the sandbox's time).
 * Limits of dynalite 4: no TransactWriteItems, no UpdateTimeToLive, no PartiQL.
 */
export async function startEmbeddedDynamo(): Promise<EmbeddedDynamo> {
  const { default: dynalite } = await import('dynalite');
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const listener = server.listeners('request')[0] as RequestListener;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    signer: { sign: unsignedRequest },
    requestHandler: { handle: (request: HttpRequest) => serveInProcess(listener, request) },
  });
  return {
    endpoint,
    client,
    async stop() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

/** The headers of a SigV4 signature, with a placeholder where the signature would be. */
async function unsignedRequest(request: HttpRequest): Promise<HttpRequest> {
  const date = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
  request.headers['x-amz-date'] = date;
  request.headers.authorization = `AWS4-HMAC-SHA256 Credential=local/${date.slice(0, 8)}/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=unsigned`;
  return request;
}

/** Plays one HTTP exchange against a Node request listener with in-memory request and response objects. */
function serveInProcess(
  listener: RequestListener,
  request: HttpRequest,
): Promise<{ response: HttpResponse }> {
  const body = bodyBytes(request.body);
  const incoming = Object.assign(Readable.from([body]), {
    method: request.method,
    url: request.path,
    headers: Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]),
    ),
  });
  return new Promise((resolve) => {
    const headers: Record<string, string> = {};
    const chunks: Buffer[] = [];
    const outgoing = {
      statusCode: 200,
      setHeader(name: string, value: string | number) {
        headers[name.toLowerCase()] = String(value);
      },
      write(chunk: string | Buffer) {
        chunks.push(Buffer.from(chunk));
        return true;
      },
      end(chunk?: string | Buffer) {
        if (chunk !== undefined) chunks.push(Buffer.from(chunk));
        resolve({
          response: {
            statusCode: outgoing.statusCode,
            headers,
            body: Readable.from([Buffer.concat(chunks)]),
          },
        });
      },
    };
    listener(incoming as unknown as IncomingMessage, outgoing as unknown as ServerResponse);
  });
}

/** The SDK hands the serialized body over as a string or bytes. */
function bodyBytes(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return Buffer.from(String(body));
}
