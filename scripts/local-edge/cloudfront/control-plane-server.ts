/**
 * The local CloudFront control plane over HTTP: the REST-XML API of exactly the calls the
 * `domains` tool makes (CreateConnectionGroup, GetConnectionGroup, Create/Get/GetByDomain/Update/
 * Delete/ListDistributionTenants, GetManagedCertificateDetails, VerifyDnsConfiguration), so the
 * real `@aws-sdk/client-cloudfront` talks to it through an endpoint override, as dynalite stands
 * in for DynamoDB. Throttling on demand (a request rate, or a share of requests, answered
 * `Throttling`), and a count of calls per operation.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOn } from '../../lib/listening-server.ts';
import type { CertificateValidator } from './certificate-validator.ts';
import { ControlPlaneError, throttling } from './control-plane-errors.ts';
import type { ControlPlaneModel } from './control-plane-model.ts';
import {
  certificateRoutes,
  connectionGroupRoutes,
  type Reply,
  tenantRoutes,
} from './control-plane-routes.ts';
import { errorXml } from './control-plane-xml.ts';
import type { LocalDnsTable } from './local-dns.ts';

export { newValidationToken } from './validation-token.ts';

/** Throttling on demand: at most `ratePerSecond` calls (a token bucket), and/or a `share` refused. */
export interface ThrottleSetting {
  readonly ratePerSecond?: number | undefined;
  readonly share?: number | undefined;
}

/** A running control plane. */
export interface ControlPlaneServer {
  /** `http://127.0.0.1:<port>`: the CloudFront client's endpoint. */
  readonly url: string;
  /** Calls served, by operation; `throttled` counts refusals. */
  readonly calls: Record<string, number>;
  setThrottle(setting: ThrottleSetting | undefined): void;
  close(): Promise<void>;
}

/** Options of {@link startControlPlaneServer}. */
export interface ControlPlaneServerOptions {
  readonly model: ControlPlaneModel;
  readonly dns: LocalDnsTable;
  readonly validator: CertificateValidator;
  readonly port?: number;
  readonly host?: string;
  /** @default Math.random */
  readonly random?: () => number;
}

const API = '/2020-05-31';

/** Starts the control plane. */
export async function startControlPlaneServer(
  options: ControlPlaneServerOptions,
): Promise<ControlPlaneServer> {
  const { model, validator } = options;
  const calls: Record<string, number> = { throttled: 0 };
  let throttle: ThrottleSetting | undefined;
  let tokens = 0;
  let refilledAt = Date.now();
  const random = options.random ?? Math.random;

  const throttled = (): boolean => {
    if (throttle === undefined) return false;
    if (throttle.share !== undefined && random() < throttle.share) return true;
    const rate = throttle.ratePerSecond;
    if (rate === undefined) return false;
    const now = Date.now();
    tokens = Math.min(rate, tokens + ((now - refilledAt) / 1000) * rate);
    refilledAt = now;
    if (tokens < 1) return true;
    tokens -= 1;
    return false;
  };

  // Reads of a tenant give its pending certificate a validation attempt first, as ACM keeps trying.
  const sources = { model, dns: options.dns, validator };
  const routes = [...connectionGroupRoutes(sources), ...tenantRoutes(sources), ...certificateRoutes(sources)];

  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      void answer(req, res, body);
    });
  });

  const answer = async (req: IncomingMessage, res: ServerResponse, body: string): Promise<void> => {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname.startsWith(API) ? url.pathname.slice(API.length) : '';
    const route = routes.find(([method, pattern]) => method === req.method && pattern.test(path));
    let reply: Reply;
    try {
      if (route === undefined)
        throw new ControlPlaneError(404, 'NotFound', `no operation ${req.method} ${url.pathname}`);
      if (throttled()) {
        calls.throttled = (calls.throttled ?? 0) + 1;
        throw throttling();
      }
      const [, pattern, operation, handle] = route;
      calls[operation] = (calls[operation] ?? 0) + 1;
      const params = (pattern.exec(path) ?? []).slice(1).map(decodeURIComponent);
      reply = await handle(req, body, params, url);
    } catch (error) {
      const failure =
        error instanceof ControlPlaneError
          ? error
          : error instanceof SyntaxError
            ? new ControlPlaneError(400, 'MalformedXML', error.message)
            : new ControlPlaneError(
                500,
                'InternalError',
                error instanceof Error ? error.message : String(error),
              );
      reply = { status: failure.status, body: errorXml(failure.code, failure.message, requestId) };
    }
    res.writeHead(reply.status, {
      'x-amzn-requestid': requestId,
      ...(reply.body !== undefined && { 'content-type': 'text/xml' }),
      ...(reply.etag !== undefined && { etag: reply.etag }),
    });
    res.end(reply.body);
  };

  const listening = await listenOn(server, options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    url: listening.url,
    calls,
    setThrottle(setting) {
      throttle = setting;
      tokens = setting?.ratePerSecond ?? 0;
      refilledAt = Date.now();
    },
    close: listening.close,
  };
}
