/**
 * A local origin server that answers every request with JSON describing what it received, so a
 * viewer (or a test) sees where the router sent the request and with which headers.
 */
import { createServer, type Server } from 'node:http';
import { listenOn } from '../lib/listening-server.ts';

/** What an echo origin answers (the JSON body). */
export interface OriginEcho {
  /** Name of the origin server (`pool.eu-west-1`, `dedicated:hooli`, ...). */
  readonly origin: string;
  /** Region the origin stands for, when it is a region's pool (or a dedicated origin's region). */
  readonly region: string | null;
  /** The origin domain name this server stands in for. */
  readonly domainName: string;
  readonly method: string;
  readonly path: string;
  /** Query string without `?` ('' when none). */
  readonly query: string;
  /** The Host header the origin saw. */
  readonly host: string | null;
  readonly xForwardedHost: string | null;
  readonly xTenantId: string | null;
  /** Values of the watched custom headers (e.g. the origin secret), null when absent. */
  readonly customHeaders: Readonly<Record<string, string | null>>;
  /** Every header as received (lowercase names). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly bodyBytes: number;
}

/** Options of {@link startRegionOrigin}. */
export interface RegionOriginOptions {
  readonly name: string;
  readonly domainName: string;
  /** @default null */
  readonly region?: string | null;
  /** Header names reported under `customHeaders`. @default [] */
  readonly watchHeaders?: readonly string[];
  /** @default 0 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
}

/** A running echo origin. */
export interface RegionOrigin {
  readonly name: string;
  readonly domainName: string;
  readonly region: string | null;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Requests answered so far. */
  readonly requests: number;
  close(): Promise<void>;
}

/**
 * Starts an echo origin.
 *
 * @example
 * const origin = await startRegionOrigin({ name: 'pool.eu-west-1', domainName: 'pool.eu-west-1.origin.example.com', region: 'eu-west-1' });
 */
export async function startRegionOrigin(options: RegionOriginOptions): Promise<RegionOrigin> {
  const host = options.host ?? '127.0.0.1';
  const watch = (options.watchHeaders ?? []).map((h) => h.toLowerCase());
  let requests = 0;
  const server: Server = createServer((req, res) => {
    let bodyBytes = 0;
    req.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
    });
    req.on('end', () => {
      requests++;
      const target = req.url ?? '/';
      const q = target.indexOf('?');
      const one = (name: string) => {
        const value = req.headers[name];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      };
      const echo: OriginEcho = {
        origin: options.name,
        region: options.region ?? null,
        domainName: options.domainName,
        method: req.method ?? 'GET',
        path: q >= 0 ? target.slice(0, q) : target,
        query: q >= 0 ? target.slice(q + 1) : '',
        host: one('host'),
        xForwardedHost: one('x-forwarded-host'),
        xTenantId: one('x-tenant-id'),
        customHeaders: Object.fromEntries(watch.map((h) => [h, one(h)])),
        headers: req.headers,
        bodyBytes,
      };
      const body = `${JSON.stringify(echo, null, 2)}\n`;
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
        'x-origin': options.name,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  const listening = await listenOn(server, options.port ?? 0, host);
  return {
    name: options.name,
    domainName: options.domainName,
    region: options.region ?? null,
    url: listening.url,
    get requests() {
      return requests;
    },
    close: listening.close,
  };
}
