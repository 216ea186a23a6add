/**
 * The HTTP target: GET requests with the viewer's Host header, over a bounded pool of keep-alive
 * connections, either to one address (`--target URL`, e.g. the local edge) or to each host as DNS
 * resolves it (a real deployment). Requests beyond the pool wait in the agent's queue, and that
 * wait counts in their latency (measured by the driver from the intended send time).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { RequestOutcome } from './load-collector.ts';
import { serverTimingDuration } from './server-timing.ts';

/** Options of {@link createHttpTarget}. */
export interface HttpTargetOptions {
  /** Send every request to this base URL with the Host header set; unset: `https://<host>/` via DNS. */
  readonly target?: URL;
  /** Concurrent connections (per origin when resolving by DNS). */
  readonly connections: number;
  /** Per-request deadline from the send (socket wait included), ms; then the request is destroyed. */
  readonly timeoutMs: number;
  /** Request path. @default '/' */
  readonly path?: string;
  /** Extra request headers (e.g. the local edge's edge-region header). @default {} */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A ready HTTP target. */
export interface HttpTarget {
  /** One GET for `host`, with `headers` on top of the target's own. */
  send(host: string, headers?: Readonly<Record<string, string>>): Promise<RequestOutcome>;
  close(): void;
}

/** Largest response body read to find the region; the rest is drained. */
const MAX_BODY_BYTES = 64 * 1024;

/** Creates the HTTP target. */
export function createHttpTarget(options: HttpTargetOptions): HttpTarget {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.connections,
    maxFreeSockets: options.connections,
  };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent(agentOptions);
  const path = options.path ?? '/';
  return {
    send(host, extraHeaders = {}) {
      const url = options.target ?? new URL(`https://${host}${path}`);
      const secure = url.protocol === 'https:';
      const send = secure ? httpsRequest : httpRequest;
      return new Promise<RequestOutcome>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        const settle =
          <A>(finish: (arg: A) => void) =>
          (arg: A) => {
            clearTimeout(timer);
            finish(arg);
          };
        const done = settle(resolve);
        const fail = settle(reject);
        const req = send(
          {
            host: url.hostname,
            port: url.port === '' ? undefined : Number(url.port),
            path: options.target === undefined ? path : `${url.pathname.replace(/\/$/, '')}${path}`,
            method: 'GET',
            agent: secure ? httpsAgent : httpAgent,
            // TLS SNI must name the viewer's host when connecting to a fixed address.
            ...(secure && { servername: host }),
            headers: { ...options.headers, ...extraHeaders, host },
          },
          (res) => {
            readBody(res).then((body) => done(describeResponse(res, body)), fail);
          },
        );
        // A total deadline: the socket option would only time idle sockets, not a queued request.
        timer = setTimeout(
          () => req.destroy(Object.assign(new Error('request timed out'), { code: 'timeout' })),
          options.timeoutMs,
        );
        req.on('error', fail);
        req.end();
      });
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      if (size < MAX_BODY_BYTES) chunks.push(chunk);
      size += chunk.length;
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

/**
 * Status, router time and region of a response. The region comes from the local edge's echo
 * origins (a JSON body with `region` / `origin`); a response without one is `generated` when the
 * router (or the emulator) answered, else `unknown`.
 */
export function describeResponse(
  res: { statusCode?: number | undefined; headers: Record<string, string | string[] | undefined> },
  body: string,
): RequestOutcome {
  const status = res.statusCode ?? 0;
  const routerMs = serverTimingDuration(res.headers['server-timing'], 'router');
  let region = status >= 200 && status < 300 ? 'unknown' : 'generated';
  const type = res.headers['content-type'];
  if (typeof type === 'string' && type.startsWith('application/json') && body.length < MAX_BODY_BYTES) {
    try {
      const echo = JSON.parse(body) as { region?: unknown; origin?: unknown };
      if (typeof echo.region === 'string') region = echo.region;
      else if (typeof echo.origin === 'string') region = echo.origin;
    } catch {
      // Not an echo: keep the status-based label.
    }
  }
  return { status, region, ...(routerMs !== undefined && { routerMs }) };
}
