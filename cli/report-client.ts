import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider, Checksum, SourceData } from '@smithy/types';
import { ControllerError } from '../shared/domain/errors.js';

/** `<api-id>.execute-api.<region>.amazonaws.com` (and the .com.cn / other partition suffixes). */
const API_GATEWAY_HOST = /^[a-z0-9]+\.execute-api\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const REQUEST_TIMEOUT_MS = 30_000;

/** The Region of an API Gateway endpoint's default hostname; undefined for any other host. */
export function apiGatewayRegion(hostname: string): string | undefined {
  return API_GATEWAY_HOST.exec(hostname)?.[1];
}

/** Local endpoints (`orgbackup sandbox --serve`, `npm start`) answer unsigned requests. */
export function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * SHA-256 (and HMAC-SHA-256 when given a secret) on node:crypto, in the shape SignatureV4 expects.
 * @smithy/hash-node would be the SDK's own, but the signer needs nothing more than this.
 */
export class Sha256 implements Checksum {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(this.secret));
  }
}

function toBytes(data: SourceData): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

export interface Signing {
  readonly region: string;
  readonly credentials: AwsCredentialIdentityProvider;
}

/** The API answered with an error status; `message` is the API's own explanation. */
export class ReportApiError extends ControllerError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super('REPORT_API_ERROR', message);
  }
}

/** No HTTP answer at all: connection refused, DNS failure, timeout. */
export class ReportApiUnreachableError extends ControllerError {
  constructor(endpoint: string, cause: unknown) {
    super('REPORT_API_UNREACHABLE', `Cannot reach the report API at ${endpoint}: ${rootCause(cause)}`, {
      cause,
    });
  }
}

export interface ReportReply {
  readonly body: string;
  /** Of a paged listing (the API sends it as a header, so CSV pages can be followed too). */
  readonly nextCursor: string | null;
}

/**
 * GET requests to the report API: SigV4-signed for `execute-api` when `signing` is given (the deployed API
 * uses IAM authorization), plain otherwise (a local server).
 */
export class ReportClient {
  private readonly base: URL;
  private readonly signer: SignatureV4 | undefined;

  constructor(endpoint: URL, signing?: Signing) {
    this.base = new URL(endpoint.href.endsWith('/') ? endpoint.href : `${endpoint.href}/`);
    this.signer = signing ? executeApiSigner(signing) : undefined;
  }

  async get(
    route: string,
    query: Readonly<Record<string, string | undefined>>,
    accept: 'application/json' | 'text/csv',
  ): Promise<ReportReply> {
    const response = await this.send(route, query, accept);
    const body = await response.text();
    if (!response.ok) throw new ReportApiError(response.status, errorMessage(response, body));
    return { body, nextCursor: response.headers.get('x-next-cursor') };
  }

  /** One GET of a route, signed when the client signs, whatever the status; no answer at all throws. */
  async send(
    route: string,
    query: Readonly<Record<string, string | undefined>>,
    accept: string,
  ): Promise<Response> {
    const url = new URL(route.replace(/^\//, ''), this.base);
    const params = Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined);
    url.search = params.map(([key, value]) => `${uriEscape(key)}=${uriEscape(value)}`).join('&');
    const headers = this.signer ? await signedHeaders(this.signer, url, accept) : { accept };
    try {
      return await fetch(url, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (error) {
      throw new ReportApiUnreachableError(this.base.origin, error);
    }
  }
}

/**
 * SigV4 headers (`authorization`, `x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token` for temporary
 * credentials) for a GET of `url` by API Gateway's `execute-api` service. `host` is signed but not returned:
 * fetch derives it from the URL, which is exactly what was signed.
 */
export async function signedHeaders(
  signer: SignatureV4,
  url: URL,
  accept: string,
  signingDate?: Date,
): Promise<Record<string, string>> {
  const signed = await signer.sign(
    {
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.host, accept },
    },
    signingDate ? { signingDate } : {},
  );
  const { host: _host, ...headers } = signed.headers;
  return headers;
}

export function executeApiSigner(signing: Signing): SignatureV4 {
  return new SignatureV4({
    service: 'execute-api',
    region: signing.region,
    credentials: signing.credentials,
    sha256: Sha256,
  });
}

/** RFC 3986 unreserved characters stay; everything else is percent-encoded, exactly as SigV4 canonicalizes. */
function uriEscape(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The report API says `{ error }`; API Gateway itself (403 on a bad signature) says `{ message }`. */
function errorMessage(response: Response, body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown; Message?: unknown };
    const text = parsed.error ?? parsed.message ?? parsed.Message;
    if (typeof text === 'string') return `${response.status}: ${text}`;
  } catch {
    // Not JSON: fall through to the status line.
  }
  return `${response.status} ${response.statusText}${body ? `: ${body.slice(0, 200)}` : ''}`;
}

function rootCause(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  if (current instanceof Error && current.name === 'TimeoutError') {
    return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  }
  return current instanceof Error ? current.message : String(current);
}
