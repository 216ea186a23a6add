/**
 * The CloudFront adapter: origin-request event <-> routing core. Only converts; decides nothing.
 */
import type { CloudFrontHeaders, CloudFrontRequest, CloudFrontResultResponse } from 'aws-lambda';
import type { RouterConfig } from './config.ts';
import type { RouteDecision } from './model.ts';
import type { EdgeRequest } from './resolve-route.ts';

/** Header carrying the tenant id to the origin. */
export const TENANT_ID_HEADER = 'x-tenant-id';
/** Header carrying the viewer's canonical host to the origin. */
export const FORWARDED_HOST_HEADER = 'x-forwarded-host';

/** Origin timeouts CloudFront applies when the distribution's origin did not say (seconds). */
const DEFAULT_READ_TIMEOUT = 30;
const DEFAULT_KEEPALIVE_TIMEOUT = 5;
const TLS_PROTOCOLS = ['TLSv1.2'];

/** The parts of a CloudFront request the routing core reads. */
export function cloudFrontRequestToEdgeRequest(request: CloudFrontRequest): EdgeRequest {
  const host = request.headers.host;
  return {
    hostValues:
      host === undefined
        ? undefined
        : host.length === 1
          ? [(host[0] as { value: string }).value]
          : host.map((h) => h.value),
    uri: request.uri,
  };
}

/** The origin custom headers of a forward: the platform's to platform origins, the tenant's own to its. */
function originCustomHeaders(
  decision: Extract<RouteDecision, { kind: 'forward' }>,
  distribution: CloudFrontHeaders | undefined,
  config: RouterConfig,
): CloudFrontHeaders {
  // The distribution's origin custom headers carry the platform's origin secret, which lets its
  // holder reach the pool origins around CloudFront: a dedicated origin is not the platform's.
  if (decision.via !== 'dedicated') return distribution ?? {};
  if (decision.tenantSecret === undefined || decision.origin.type !== 'custom') return {};
  return { [config.originSecretHeader]: [{ key: config.originSecretHeader, value: decision.tenantSecret }] };
}

/**
 * Rewrites the request in place to a forward decision and returns it: the origin replaced (the
 * distribution's origin timeouts carried over; its origin custom headers, with the platform's
 * secret, only to platform pool origins), `host` set to the origin domain (CloudFront checks the
 * origin's TLS certificate against it), `x-forwarded-host` and `x-tenant-id` set by the router,
 * whatever the client sent. An S3 origin is sent as a custom origin over HTTPS to the bucket's REST
 * endpoint: the `s3` form exposes no protocol, and a bucket chosen at the edge is not signed for
 * anyway (authMethod `none`), so the custom form is the same request, HTTPS only.
 */
export function routeToCloudFrontRequest(
  request: CloudFrontRequest,
  decision: Extract<RouteDecision, { kind: 'forward' }>,
  config: RouterConfig,
): CloudFrontRequest {
  const custom = request.origin?.custom;
  const distributionHeaders = (custom ?? request.origin?.s3)?.customHeaders;
  const origin = decision.origin;
  const https = origin.type === 's3';
  request.origin = {
    custom: {
      customHeaders: originCustomHeaders(decision, distributionHeaders, config),
      domainName: origin.domainName,
      keepaliveTimeout: custom?.keepaliveTimeout ?? DEFAULT_KEEPALIVE_TIMEOUT,
      path: origin.path,
      port: https ? 443 : origin.port,
      protocol: https ? 'https' : origin.protocol,
      readTimeout: custom?.readTimeout ?? DEFAULT_READ_TIMEOUT,
      sslProtocols: TLS_PROTOCOLS,
    },
  };
  const headers = request.headers;
  // The origin secret is CloudFront's to add from customHeaders; a client-sent copy is never passed on.
  // (Checked first: deleting a property that is absent still costs, on the hot path.)
  if (headers[config.originSecretHeader] !== undefined) delete headers[config.originSecretHeader];
  // CGI-style origins (Rack, WSGI, PHP) read `x_tenant_id` and `x-tenant-id` as one variable, so
  // an underscore spelling of a router header is as much a spoof as the header itself.
  for (const name in headers) {
    if (name.indexOf('_') !== -1 && isRouterHeader(name.replaceAll('_', '-'), config)) delete headers[name];
  }
  // The origin gets exactly the path the decision was made on (normalised: docs/routing.md#path).
  if (request.uri !== decision.path) request.uri = decision.path;
  headers.host = [{ key: 'Host', value: origin.domainName }];
  headers[FORWARDED_HOST_HEADER] = [{ key: 'X-Forwarded-Host', value: decision.viewerHost }];
  if (decision.tenantId === undefined) {
    if (headers[TENANT_ID_HEADER] !== undefined) delete headers[TENANT_ID_HEADER];
  } else headers[TENANT_ID_HEADER] = [{ key: 'X-Tenant-Id', value: decision.tenantId }];
  return request;
}

function isRouterHeader(name: string, config: RouterConfig): boolean {
  return name === TENANT_ID_HEADER || name === FORWARDED_HOST_HEADER || name === config.originSecretHeader;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

const MESSAGES: Record<string, string> = {
  'bad-host': 'The Host header is missing or not a valid host name.',
  'bad-path': 'The request path is not valid or is ambiguous.',
  'unknown-host': 'No site is configured for this host name.',
  'unknown-tenant': 'No site is configured for this host name.',
  suspended: 'This site is suspended.',
  maintenance: 'This site is down for maintenance. Please retry shortly.',
  'lookup-failed': 'The site could not be reached. Please retry shortly.',
  'no-regions': 'The site could not be reached. Please retry shortly.',
};

/**
 * A generated response for a `respond` decision: a small JSON body with no internal detail, a
 * Retry-After on 503, and a cache-control that keeps CloudFront from caching answers that should
 * change soon (only a 404 is cached briefly, for the negative TTL).
 */
export function decisionToResponse(
  decision: Extract<RouteDecision, { kind: 'respond' }>,
  config: RouterConfig,
): CloudFrontResultResponse {
  const status = decision.status;
  const cacheControl =
    status === 404 ? `public, max-age=${Math.floor(config.cache.negativeTtlMs / 1000)}` : 'no-store';
  const headers: CloudFrontHeaders = {
    'content-type': [{ key: 'Content-Type', value: 'application/json; charset=utf-8' }],
    'cache-control': [{ key: 'Cache-Control', value: cacheControl }],
  };
  if (decision.retryAfter !== undefined) {
    headers['retry-after'] = [{ key: 'Retry-After', value: String(decision.retryAfter) }];
  }
  const message = Object.hasOwn(MESSAGES, decision.reason)
    ? (MESSAGES[decision.reason] as string)
    : 'The site could not be reached.';
  return {
    status: String(status),
    statusDescription: Object.hasOwn(STATUS_TEXT, status) ? (STATUS_TEXT[status] as string) : 'Error',
    headers,
    body: JSON.stringify({ error: decision.reason, message }),
  };
}
