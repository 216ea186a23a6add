/**
 * The CloudFront emulator: each viewer request becomes an origin-request event, runs the edge
 * function of the emulated edge region, is checked against CloudFront's rules (502 on a violation,
 * 503 when the function fails, as CloudFront answers), then is proxied to the chosen origin's
 * local server or answered with the generated response.
 */
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { CloudFrontHeaders, CloudFrontRequest, CloudFrontResultResponse } from 'aws-lambda';
import { REGION_PATTERN } from '../../edge/model.ts';
import { listenOn } from '../lib/listening-server.ts';
import {
  type DefaultOriginSettings,
  newRequestId,
  viewerRequestToOriginRequestEvent,
} from './cloudfront-event.ts';
import { checkOriginRequestResult } from './cloudfront-rules.ts';
import { countResponse, type EdgeCounters } from './edge-counters.ts';
import type { EdgeFunction } from './edge-function.ts';

/** Request header choosing the emulated edge region of one request (consumed, never forwarded). */
export const EDGE_REGION_HEADER = 'x-local-edge-region';
/** CloudFront's limit on a request's line and headers, in bytes; larger requests get 494. */
export const MAX_REQUEST_HEADER_BYTES = 20_480;

/** Options of {@link startEmulatorServer}. */
export interface EmulatorServerOptions {
  readonly edgeFunction: EdgeFunction;
  /** Edge region of requests without the {@link EDGE_REGION_HEADER}. */
  readonly defaultEdgeRegion: string;
  readonly defaultOrigin: DefaultOriginSettings;
  /** Origin domain name -> base URL of the local server standing in for it. */
  readonly resolveOrigin: (domainName: string) => string | undefined;
  readonly counters: EdgeCounters;
  /** @default 'd111111abcdef8.cloudfront.net' */
  readonly distributionDomainName?: string;
  /** Diagnostics (violations, handler errors, origin failures). @default none */
  readonly log?: (line: string) => void;
  /** @default 0 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
}

/** A running emulator. */
export interface EmulatorServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Response headers CloudFront never passes from an origin or a generated response as-is. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'upgrade',
  'trailer',
]);

/**
 * Starts the emulator. Rejects with the listen error (e.g. EADDRINUSE) when the port is taken.
 */
export async function startEmulatorServer(options: EmulatorServerOptions): Promise<EmulatorServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const counters = options.counters;
  const distributionDomainName = options.distributionDomainName ?? 'd111111abcdef8.cloudfront.net';

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const requestId = newRequestId();
    const regionHeader = req.headers[EDGE_REGION_HEADER];
    const edgeRegion =
      typeof regionHeader === 'string' && regionHeader !== '' ? regionHeader : options.defaultEdgeRegion;
    const base: Record<string, string> = {
      'x-edge-region': edgeRegion,
      'x-amz-cf-id': requestId,
      'x-amz-cf-pop': `LOCAL-${edgeRegion}`,
      via: `1.1 local-${edgeRegion}.cloudfront.net (CloudFront)`,
    };
    const finish = (status: number, headers: Record<string, string | string[]>, body?: Buffer | string) => {
      // A junk region header must not grow the per-region counters without bound.
      countResponse(counters, REGION_PATTERN.test(edgeRegion) ? edgeRegion : 'invalid', status);
      const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
      res.writeHead(status, { ...headers, ...base, 'content-length': String(payload?.length ?? 0) });
      res.end(req.method === 'HEAD' ? undefined : payload);
    };
    const fail = (status: number, error: string, message: string, extra: Record<string, unknown> = {}) => {
      req.resume();
      finish(
        status,
        {
          'content-type': 'application/json; charset=utf-8',
          'x-cache': `${error} from cloudfront`,
          'cache-control': 'no-store',
        },
        `${JSON.stringify({ error, message, requestId, edgeRegion, ...extra })}\n`,
      );
    };

    if (!REGION_PATTERN.test(edgeRegion)) {
      fail(
        400,
        'BadEdgeRegion',
        `${EDGE_REGION_HEADER} must be an AWS region name, got ${JSON.stringify(edgeRegion)}`,
      );
      return;
    }
    const headerBytes = req.rawHeaders.reduce(
      (sum, h) => sum + Buffer.byteLength(h) + 2,
      (req.url ?? '').length,
    );
    if (headerBytes > MAX_REQUEST_HEADER_BYTES) {
      fail(
        494,
        'RequestHeaderTooLarge',
        `request line and headers total ${headerBytes} bytes (limit ${MAX_REQUEST_HEADER_BYTES})`,
      );
      return;
    }

    const event = viewerRequestToOriginRequestEvent(
      {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        rawHeaders: req.rawHeaders,
        clientIp: normalizeIp(req.socket.remoteAddress),
        clientPort: req.socket.remotePort ?? 0,
        httpVersion: req.httpVersion,
      },
      {
        requestId,
        distributionDomainName,
        defaultOrigin: options.defaultOrigin,
        stripHeaders: [EDGE_REGION_HEADER],
        via: `2.0 local-${edgeRegion}.cloudfront.net (CloudFront)`,
      },
    );
    // The function may mutate the event; keep what it was called with for the rule check.
    const snapshot = structuredClone(event);
    const invocation = await options.edgeFunction.invoke(edgeRegion, event);
    const timing = `router;dur=${invocation.durationMs}`;
    base['server-timing'] = timing;
    if (!invocation.ok) {
      counters.handlerErrors++;
      log(`[${edgeRegion}] ${requestId} handler failed: ${invocation.error}`);
      fail(503, 'LambdaExecutionError', 'The Lambda function failed or timed out.', {
        detail: invocation.error,
      });
      return;
    }
    const verdict = checkOriginRequestResult(snapshot, invocation.result);
    for (const warning of verdict.warnings) log(`[${edgeRegion}] ${requestId} warning: ${warning}`);
    if (!verdict.ok) {
      counters.ruleViolations++;
      log(`[${edgeRegion}] ${requestId} LambdaValidationError: ${verdict.violations.join('; ')}`);
      fail(502, 'LambdaValidationError', 'The Lambda function returned an invalid response.', {
        violations: verdict.violations,
      });
      return;
    }
    if (verdict.kind === 'response') {
      counters.generatedResponses++;
      req.resume();
      sendGenerated(invocation.result as CloudFrontResultResponse, res, finish);
      return;
    }
    forward(req, res, invocation.result as CloudFrontRequest, requestId, finish, fail);
  };

  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    cfRequest: CloudFrontRequest,
    requestId: string,
    finish: (status: number, headers: Record<string, string | string[]>, body?: Buffer | string) => void,
    fail: (status: number, error: string, message: string, extra?: Record<string, unknown>) => void,
  ) => {
    const origin = (cfRequest.origin?.custom ?? cfRequest.origin?.s3) as
      | { domainName: string; path: string; customHeaders: CloudFrontHeaders; readTimeout?: number }
      | undefined;
    if (origin === undefined) {
      fail(502, 'OriginError', 'no origin');
      return;
    }
    const target = options.resolveOrigin(origin.domainName);
    if (target === undefined) {
      counters.originErrors++;
      log(`${requestId} origin ${origin.domainName} is not mapped to a local server`);
      fail(
        502,
        'OriginDnsError',
        `origin ${origin.domainName} does not resolve (no local server stands in for it)`,
      );
      return;
    }
    counters.forwarded++;
    counters.byOrigin[origin.domainName] = (counters.byOrigin[origin.domainName] ?? 0) + 1;
    // Null prototype: header names come from the viewer (`__proto__` must stay a plain key).
    const headers: Record<string, string | string[]> = Object.create(null);
    for (const [name, list] of Object.entries(cfRequest.headers)) {
      const values = list.map((h) => h.value);
      headers[name] =
        name === 'host' ? (values[0] ?? '') : values.length === 1 ? (values[0] as string) : values;
    }
    for (const [name, list] of Object.entries(origin.customHeaders ?? {})) {
      headers[name] = list.map((h) => h.value).join(', ');
    }
    headers['x-amz-cf-id'] = requestId;
    const url = new URL(target);
    const qs = cfRequest.querystring ?? '';
    const upstream = request({
      host: url.hostname,
      port: url.port,
      method: cfRequest.method,
      path: `${origin.path}${cfRequest.uri}${qs === '' ? '' : `?${qs}`}`,
      headers,
      timeout: (origin.readTimeout ?? 30) * 1000,
    });
    upstream.on('response', (up) => {
      const out: Record<string, string | string[]> = { 'x-cache': 'Miss from cloudfront' };
      for (const [name, value] of Object.entries(up.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
      }
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => finish(up.statusCode ?? 502, out, Buffer.concat(chunks)));
      up.on('error', () => res.destroy());
    });
    upstream.on('timeout', () => {
      upstream.destroy();
      counters.originErrors++;
      fail(504, 'OriginReadTimeout', `origin ${origin.domainName} did not answer within its read timeout`);
    });
    upstream.on('error', (error) => {
      if (res.headersSent) return;
      counters.originErrors++;
      log(`${requestId} origin ${origin.domainName} failed: ${error.message}`);
      fail(502, 'OriginConnectError', `origin ${origin.domainName} could not be reached`);
    });
    req.pipe(upstream);
  };

  const server: Server = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`emulator bug: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('local edge emulator error\n');
      } else res.destroy();
    });
  });
  const listening = await listenOn(server, options.port ?? 0, host);
  return {
    url: listening.url,
    port: listening.port,
    close: listening.close,
  };
}

function sendGenerated(
  response: CloudFrontResultResponse,
  res: ServerResponse,
  finish: (status: number, headers: Record<string, string | string[]>, body?: Buffer | string) => void,
): void {
  const headers: Record<string, string | string[]> = Object.create(null);
  headers['x-cache'] = 'LambdaGeneratedResponse from cloudfront';
  for (const [name, list] of Object.entries(response.headers ?? {})) {
    if (HOP_BY_HOP.has(name)) continue;
    headers[name] = list.length === 1 ? (list[0]?.value ?? '') : list.map((h) => h.value);
  }
  const body =
    response.body === undefined
      ? undefined
      : response.bodyEncoding === 'base64'
        ? Buffer.from(response.body, 'base64')
        : Buffer.from(response.body, 'utf8');
  if (response.statusDescription !== undefined) res.statusMessage = response.statusDescription;
  finish(Number(response.status), headers, body);
}

/** `::ffff:127.0.0.1` -> `127.0.0.1`, as CloudFront reports IPv4 viewers. */
function normalizeIp(address: string | undefined): string {
  if (address === undefined) return '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
