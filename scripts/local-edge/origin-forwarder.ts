/**
 * The emulator's origin fetch: a request the function rewrote is sent to the local server
 * standing in for its origin domain (path = origin path + uri + query; the function's headers plus
 * the origin's custom headers and `x-amz-cf-id`), and the origin's answer is passed back, with
 * CloudFront's answers when the origin does not resolve, refuses or is too slow.
 */
import { type IncomingMessage, request } from 'node:http';
import type { CloudFrontHeaders, CloudFrontRequest } from 'aws-lambda';
import type { EdgeCounters } from './edge-counters.ts';
import { HOP_BY_HOP, type ResponseHeaders, type ViewerReply } from './viewer-reply.ts';

/** What the forwarder needs from the emulator. */
export interface OriginForwarding {
  /** Origin domain name -> base URL of the local server standing in for it. */
  readonly resolveOrigin: (domainName: string) => string | undefined;
  readonly counters: EdgeCounters;
  readonly log: (line: string) => void;
}

/** The origin of a rewritten request, custom or S3, as far as forwarding needs it. */
interface ForwardedOrigin {
  readonly domainName: string;
  readonly path: string;
  readonly customHeaders: CloudFrontHeaders;
  readonly readTimeout?: number;
}

/** Forwards `cfRequest` (the function's output) with the viewer's body to its origin. */
export function forwardToOrigin(
  req: IncomingMessage,
  cfRequest: CloudFrontRequest,
  requestId: string,
  reply: ViewerReply,
  forwarding: OriginForwarding,
): void {
  const { counters, log } = forwarding;
  const origin: ForwardedOrigin | undefined = cfRequest.origin?.custom ?? cfRequest.origin?.s3;
  if (origin === undefined) {
    reply.fail(502, 'OriginError', 'no origin');
    return;
  }
  const target = forwarding.resolveOrigin(origin.domainName);
  if (target === undefined) {
    counters.originErrors++;
    log(`${requestId} origin ${origin.domainName} is not mapped to a local server`);
    reply.fail(
      502,
      'OriginDnsError',
      `origin ${origin.domainName} does not resolve (no local server stands in for it)`,
    );
    return;
  }
  counters.forwarded++;
  counters.byOrigin[origin.domainName] = (counters.byOrigin[origin.domainName] ?? 0) + 1;
  const url = new URL(target);
  const qs = cfRequest.querystring ?? '';
  const upstream = request({
    host: url.hostname,
    port: url.port,
    method: cfRequest.method,
    path: `${origin.path}${cfRequest.uri}${qs === '' ? '' : `?${qs}`}`,
    headers: originRequestHeaders(cfRequest, origin, requestId),
    timeout: (origin.readTimeout ?? 30) * 1000,
  });
  upstream.on('response', (up) => {
    const out: ResponseHeaders = { 'x-cache': 'Miss from cloudfront' };
    for (const [name, value] of Object.entries(up.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
    }
    const chunks: Buffer[] = [];
    up.on('data', (c: Buffer) => chunks.push(c));
    up.on('end', () => reply.finish(up.statusCode ?? 502, out, Buffer.concat(chunks)));
    up.on('error', () => reply.abort());
  });
  upstream.on('timeout', () => {
    upstream.destroy();
    counters.originErrors++;
    reply.fail(
      504,
      'OriginReadTimeout',
      `origin ${origin.domainName} did not answer within its read timeout`,
    );
  });
  upstream.on('error', (error) => {
    if (reply.started) return;
    counters.originErrors++;
    log(`${requestId} origin ${origin.domainName} failed: ${error.message}`);
    reply.fail(502, 'OriginConnectError', `origin ${origin.domainName} could not be reached`);
  });
  req.pipe(upstream);
}

/** The headers the origin receives: the function's, its origin's custom headers, `x-amz-cf-id`. */
function originRequestHeaders(cfRequest: CloudFrontRequest, origin: ForwardedOrigin, requestId: string) {
  // Null prototype: header names come from the viewer (`__proto__` must stay a plain key).
  const headers: ResponseHeaders = Object.create(null);
  for (const [name, list] of Object.entries(cfRequest.headers)) {
    const values = list.map((h) => h.value);
    headers[name] =
      name === 'host' ? (values[0] ?? '') : values.length === 1 ? (values[0] as string) : values;
  }
  for (const [name, list] of Object.entries(origin.customHeaders ?? {})) {
    headers[name] = list.map((h) => h.value).join(', ');
  }
  headers['x-amz-cf-id'] = requestId;
  return headers;
}
