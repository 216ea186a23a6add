/**
 * How the CloudFront emulator answers a viewer: every response carries the edge's headers
 * (`x-edge-region`, `x-amz-cf-id`, `x-amz-cf-pop`, `Via`, and `Server-Timing` once the function
 * ran) and is counted; errors are CloudFront-style JSON bodies; a generated response is sent as
 * the function returned it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CloudFrontResultResponse } from 'aws-lambda';
import { REGION_PATTERN } from '../../edge/model.ts';
import { countResponse, type EdgeCounters } from './edge-counters.ts';

/** Response headers CloudFront never passes from an origin or a generated response as-is. */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'upgrade',
  'trailer',
]);

/** Response headers, one value or several. */
export type ResponseHeaders = Record<string, string | string[]>;

/** The answer to one viewer request. */
export interface ViewerReply {
  /** Sets `Server-Timing: router;dur=<ms>` on whatever is sent next. */
  setRouterTime(ms: number): void;
  /** Sends a response (counted under its status and the edge region). */
  finish(status: number, headers: ResponseHeaders, body?: Buffer | string): void;
  /** Sends a CloudFront-style error: JSON `{error, message, requestId, edgeRegion, ...extra}`. */
  fail(status: number, error: string, message: string, extra?: Record<string, unknown>): void;
  /** True once the response has started. */
  readonly started: boolean;
  /** Drops the viewer's connection (a response cut off midway). */
  abort(): void;
}

/** The reply to `req` from `edgeRegion`, with request id `requestId`. */
export function viewerReply(
  req: IncomingMessage,
  res: ServerResponse,
  edge: { readonly edgeRegion: string; readonly requestId: string; readonly counters: EdgeCounters },
): ViewerReply {
  const { edgeRegion, requestId } = edge;
  const base: Record<string, string> = {
    'x-edge-region': edgeRegion,
    'x-amz-cf-id': requestId,
    'x-amz-cf-pop': `LOCAL-${edgeRegion}`,
    via: `1.1 local-${edgeRegion}.cloudfront.net (CloudFront)`,
  };
  const finish: ViewerReply['finish'] = (status, headers, body) => {
    // A junk region header must not grow the per-region counters without bound.
    countResponse(edge.counters, REGION_PATTERN.test(edgeRegion) ? edgeRegion : 'invalid', status);
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
    res.writeHead(status, { ...headers, ...base, 'content-length': String(payload?.length ?? 0) });
    res.end(req.method === 'HEAD' ? undefined : payload);
  };
  return {
    get started() {
      return res.headersSent;
    },
    abort: () => res.destroy(),
    setRouterTime(ms) {
      base['server-timing'] = `router;dur=${ms}`;
    },
    finish,
    fail(status, error, message, extra = {}) {
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
    },
  };
}

/** Sends a response the function generated, decoding a base64 body. */
export function sendGenerated(
  response: CloudFrontResultResponse,
  res: ServerResponse,
  reply: ViewerReply,
): void {
  const headers: ResponseHeaders = Object.create(null);
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
  reply.finish(Number(response.status), headers, body);
}
