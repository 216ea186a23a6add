/**
 * The CloudFront emulator: each viewer request becomes an origin-request event, runs the edge
 * function of the emulated edge region, is checked against CloudFront's rules (502 on a violation,
 * 503 when the function fails, as CloudFront answers), then is proxied to the chosen origin's
 * local server or answered with the generated response.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { CloudFrontRequest, CloudFrontResultResponse } from 'aws-lambda';
import { REGION_PATTERN } from '../../edge/model.ts';
import type { CloudFrontPolicies } from '../../infra/cloudfront-policies.ts';
import { listenOn } from '../lib/listening-server.ts';
import { decideHost, type HostGateSource, unclaimedHostPage } from './cloudfront/host-gate.ts';
import {
  type DefaultOriginSettings,
  newRequestId,
  viewerRequestToOriginRequestEvent,
} from './cloudfront-event.ts';
import { checkOriginRequestResult } from './cloudfront-rules.ts';
import type { EdgeCounters } from './edge-counters.ts';
import type { EdgeFunction } from './edge-function.ts';
import { forwardToOrigin } from './origin-forwarder.ts';
import { sendGenerated, type ViewerReply, viewerReply } from './viewer-reply.ts';

/** Request header choosing the emulated edge region of one request (consumed, never forwarded). */
export const EDGE_REGION_HEADER = 'x-local-edge-region';
/** CloudFront's limit on a request's line and headers, in bytes; larger requests get 494. */
export const MAX_REQUEST_HEADER_BYTES = 20_480;

/** Options of {@link startEmulatorServer}. */
export interface EmulatorServerOptions {
  readonly edgeFunction: EdgeFunction;
  /** Edge region of requests without the {@link EDGE_REGION_HEADER}. */
  readonly defaultEdgeRegion: string;
  /** The edge regions the function runs in; a request for another is a 400. @default any */
  readonly edgeRegions?: ReadonlySet<string>;
  readonly defaultOrigin: DefaultOriginSettings;
  /** Origin domain name -> base URL of the local server standing in for it. */
  readonly resolveOrigin: (domainName: string) => string | undefined;
  readonly counters: EdgeCounters;
  /** @default 'd111111abcdef8.cloudfront.net' */
  readonly distributionDomainName?: string;
  /** What the distribution's cache and origin request policies pass. @default DEFAULT_CLOUDFRONT_POLICIES */
  readonly policies?: CloudFrontPolicies;
  /**
   * The distribution tenants: hosts none of them serves get CloudFront's 403 before the function
   * runs. @default every host is served (no control plane)
   */
  readonly hostGate?: HostGateSource;
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

/**
 * Starts the emulator. Rejects with the listen error (e.g. EADDRINUSE) when the port is taken.
 */
export async function startEmulatorServer(options: EmulatorServerOptions): Promise<EmulatorServer> {
  const log = options.log ?? (() => {});
  const server: Server = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    handleViewerRequest(req, res, options, log).catch((error: unknown) => {
      log(`emulator bug: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('local edge emulator error\n');
      } else res.destroy();
    });
  });
  const listening = await listenOn(server, options.port ?? 0, options.host ?? '127.0.0.1');
  return { url: listening.url, port: listening.port, close: listening.close };
}

/**
 * One viewer request, as CloudFront handles a cache miss: refuse what CloudFront refuses, build
 * the origin-request event, run the function of the edge region, check its output against
 * CloudFront's rules, then answer with the generated response or forward to the origin.
 */
async function handleViewerRequest(
  req: IncomingMessage,
  res: ServerResponse,
  options: EmulatorServerOptions,
  log: (line: string) => void,
): Promise<void> {
  const requestId = newRequestId();
  const regionHeader = req.headers[EDGE_REGION_HEADER];
  const edgeRegion =
    typeof regionHeader === 'string' && regionHeader !== '' ? regionHeader : options.defaultEdgeRegion;
  const reply = viewerReply(req, res, { edgeRegion, requestId, counters: options.counters });
  if (refuseRequest(req, edgeRegion, reply, options.edgeRegions)) return;
  if (
    options.hostGate !== undefined &&
    answerAtTheGate(req, options.hostGate, reply, requestId, options.counters)
  )
    return;
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
      distributionDomainName: options.distributionDomainName ?? 'd111111abcdef8.cloudfront.net',
      defaultOrigin: options.defaultOrigin,
      stripHeaders: [EDGE_REGION_HEADER],
      via: `2.0 local-${edgeRegion}.cloudfront.net (CloudFront)`,
      ...(options.policies !== undefined && { policies: options.policies }),
    },
  );
  const result = await runFunction(event, edgeRegion, requestId, reply, options, log);
  if (result === undefined) return;
  if (result.kind === 'response') {
    options.counters.generatedResponses++;
    req.resume();
    sendGenerated(result.response, res, reply);
    return;
  }
  forwardToOrigin(req, result.request, requestId, reply, {
    resolveOrigin: options.resolveOrigin,
    counters: options.counters,
    log,
  });
}

/** Answers what CloudFront refuses before running the function; true when it answered. */
function refuseRequest(
  req: IncomingMessage,
  edgeRegion: string,
  reply: ViewerReply,
  edgeRegions: ReadonlySet<string> | undefined,
): boolean {
  if (!REGION_PATTERN.test(edgeRegion)) {
    reply.fail(
      400,
      'BadEdgeRegion',
      `${EDGE_REGION_HEADER} must be an AWS region name, got ${JSON.stringify(edgeRegion)}`,
    );
    return true;
  }
  if (edgeRegions !== undefined && !edgeRegions.has(edgeRegion)) {
    reply.fail(
      400,
      'BadEdgeRegion',
      `origin-request functions run only in regional edge cache regions: ${[...edgeRegions].join(', ')}; got ${edgeRegion}`,
    );
    return true;
  }
  const headerBytes = req.rawHeaders.reduce(
    (sum, h) => sum + Buffer.byteLength(h) + 2,
    (req.url ?? '').length,
  );
  if (headerBytes > MAX_REQUEST_HEADER_BYTES) {
    reply.fail(
      494,
      'RequestHeaderTooLarge',
      `request line and headers total ${headerBytes} bytes (limit ${MAX_REQUEST_HEADER_BYTES})`,
    );
    return true;
  }
  return false;
}

/** Answers what CloudFront answers before the function for the Host (see host-gate.ts); true when it did. */
function answerAtTheGate(
  req: IncomingMessage,
  gate: HostGateSource,
  reply: ViewerReply,
  requestId: string,
  counters: EdgeCounters,
): boolean {
  const decision = decideHost(gate, req.headers.host, (req.url ?? '/').split('?')[0] ?? '/');
  if (decision.kind === 'serve') return false;
  req.resume();
  if (decision.kind === 'validation-token') {
    reply.finish(200, { 'content-type': 'text/plain', 'x-cache': 'Miss from cloudfront' }, decision.body);
    return true;
  }
  counters.unclaimedHosts++;
  reply.finish(
    403,
    { 'content-type': 'text/html', server: 'CloudFront', 'x-cache': 'Error from cloudfront' },
    unclaimedHostPage(requestId),
  );
  return true;
}

/**
 * Invokes the function of `edgeRegion` and checks its output; answers the viewer itself (503 on a
 * failure, 502 on a rule violation) and returns undefined, or returns what to do next.
 */
async function runFunction(
  event: ReturnType<typeof viewerRequestToOriginRequestEvent>,
  edgeRegion: string,
  requestId: string,
  reply: ViewerReply,
  options: EmulatorServerOptions,
  log: (line: string) => void,
): Promise<
  | { readonly kind: 'response'; readonly response: CloudFrontResultResponse }
  | { readonly kind: 'request'; readonly request: CloudFrontRequest }
  | undefined
> {
  // The function may mutate the event; keep what it was called with for the rule check.
  const snapshot = structuredClone(event);
  const invocation = await options.edgeFunction.invoke(edgeRegion, event);
  reply.setRouterTime(invocation.durationMs);
  if (!invocation.ok) {
    options.counters.handlerErrors++;
    log(`[${edgeRegion}] ${requestId} handler failed: ${invocation.error}`);
    reply.fail(503, 'LambdaExecutionError', 'The Lambda function failed or timed out.', {
      detail: invocation.error,
    });
    return undefined;
  }
  const verdict = checkOriginRequestResult(snapshot, invocation.result);
  for (const warning of verdict.warnings) log(`[${edgeRegion}] ${requestId} warning: ${warning}`);
  if (!verdict.ok) {
    options.counters.ruleViolations++;
    log(`[${edgeRegion}] ${requestId} LambdaValidationError: ${verdict.violations.join('; ')}`);
    reply.fail(502, 'LambdaValidationError', 'The Lambda function returned an invalid response.', {
      violations: verdict.violations,
    });
    return undefined;
  }
  // The rule check has established which of the two shapes the output is.
  return verdict.kind === 'response'
    ? { kind: 'response', response: invocation.result as CloudFrontResultResponse }
    : { kind: 'request', request: invocation.result as CloudFrontRequest };
}

/** `::ffff:127.0.0.1` -> `127.0.0.1`, as CloudFront reports IPv4 viewers. */
function normalizeIp(address: string | undefined): string {
  if (address === undefined) return '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
