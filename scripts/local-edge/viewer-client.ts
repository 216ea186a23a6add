/**
 * A viewer for the local edge: one HTTP request with an explicit Host header (fetch cannot set
 * Host), for the end-to-end tests, the migration tests and the chaos scenario.
 */
import { type Agent, request } from 'node:http';

/** Options of {@link viewerRequest}. */
export interface ViewerRequestOptions {
  /** Host header value; omit to send none (a malformed request to the router). */
  readonly host?: string;
  /** @default '/' */
  readonly path?: string;
  /** @default 'GET' */
  readonly method?: string;
  /** Extra request headers. @default {} */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  /** Sets `x-local-edge-region` (the emulated edge region of this request). */
  readonly edgeRegion?: string;
  readonly body?: string | Buffer;
  /** @default a fresh connection per request */
  readonly agent?: Agent;
  /** Client-side timeout, ms. @default 30000 */
  readonly timeoutMs?: number;
}

/** A response from the local edge. */
export interface ViewerResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
  /** `dur` of the `Server-Timing: router;dur=<ms>` header: the handler's time, in ms. */
  readonly routerMs: number | undefined;
}

/**
 * Sends one request to the emulator at `baseUrl` and reads the whole response.
 *
 * @example
 * const res = await viewerRequest(edge.url, { host: 'shop.acme.com', path: '/cart' });
 */
export function viewerRequest(baseUrl: string, options: ViewerRequestOptions = {}): Promise<ViewerResponse> {
  const url = new URL(baseUrl);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    headers[name] = typeof value === 'string' ? value : [...value];
  }
  if (options.host !== undefined) headers.host = options.host;
  if (options.edgeRegion !== undefined) headers['x-local-edge-region'] = options.edgeRegion;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers,
        setHost: options.host !== undefined,
        timeout: options.timeoutMs ?? 30_000,
        ...(options.agent ? { agent: options.agent } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(body);
          } catch {
            json = undefined;
          }
          const timing = /router;dur=([\d.]+)/.exec(String(res.headers['server-timing'] ?? ''));
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json,
            routerMs: timing === null ? undefined : Number(timing[1]),
          });
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no response from ${baseUrl} within ${options.timeoutMs ?? 30_000} ms`)),
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
