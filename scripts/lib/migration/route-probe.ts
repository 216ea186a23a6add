/**
 * The `--verify-url` probe: one request through the router (optionally with the tenant's Host)
 * that reports which region answered, read from a response header or the JSON body's `region`
 * (the local edge's echo origins answer `{ "region": ... }`).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Options of {@link createRouteProbe}. */
export interface RouteProbeOptions {
  readonly url: string;
  /** Host header to send (a tenant domain), when the URL's host is the router's address. */
  readonly host?: string | undefined;
  /** Response header naming the region; when absent, the JSON body's `region` field is read. */
  readonly regionHeader?: string | undefined;
  /** Extra request headers (e.g. the local edge's `x-local-edge-region`). @default {} */
  readonly headers?: Readonly<Record<string, string>>;
  /** @default 5000 */
  readonly timeoutMs?: number;
}

/** Creates the probe: resolves to the region that answered, or undefined if the answer named none. */
export function createRouteProbe(options: RouteProbeOptions): () => Promise<string | undefined> {
  const url = new URL(options.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const timeoutMs = options.timeoutMs ?? 5000;
  return () =>
    new Promise((resolve, reject) => {
      const req = send(
        url,
        {
          method: 'GET',
          headers: { ...options.headers, ...(options.host === undefined ? {} : { host: options.host }) },
          signal: AbortSignal.timeout(timeoutMs),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            if ((res.statusCode ?? 0) >= 400) {
              reject(new Error(`HTTP ${res.statusCode}`));
              return;
            }
            if (options.regionHeader !== undefined) {
              const value = res.headers[options.regionHeader.toLowerCase()];
              resolve(Array.isArray(value) ? value[0] : value);
              return;
            }
            try {
              const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { region?: unknown };
              resolve(typeof body.region === 'string' ? body.region : undefined);
            } catch {
              resolve(undefined);
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
}
