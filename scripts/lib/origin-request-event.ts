/**
 * Builds CloudFront origin-request events as the distribution passes them to the function: the one
 * event factory of the tests, the load test's in-process mode and the benchmarks.
 */
import type { CloudFrontHeaders, CloudFrontRequestEvent } from 'aws-lambda';

/** Options of {@link anOriginRequestEvent}. */
export interface EventOptions {
  /** Host header values; `null` for none. @default ['shop.acme.com'] */
  readonly hosts?: readonly string[] | null;
  /** @default '/' */
  readonly uri?: string;
  /** @default '' */
  readonly querystring?: string;
  /** Extra viewer headers, by name. */
  readonly headers?: Record<string, string>;
  /** The distribution's origin custom headers. @default { 'x-origin-secret': 'demo-secret' } */
  readonly customHeaders?: Record<string, string>;
  /** @default 'test-request-id' */
  readonly requestId?: string;
  /** Domain of the distribution's default origin. @default 'pool.us-east-1.origin.example.com' */
  readonly originDomainName?: string;
}

function toHeaders(values: Record<string, string>): CloudFrontHeaders {
  const headers: CloudFrontHeaders = {};
  for (const [key, value] of Object.entries(values)) headers[key.toLowerCase()] = [{ key, value }];
  return headers;
}

/** An origin-request event of a GET for the distribution's default custom origin; a fresh object every call (the handler rewrites it in place). */
export function anOriginRequestEvent(options: EventOptions = {}): CloudFrontRequestEvent {
  const headers = toHeaders(options.headers ?? {});
  const hosts = options.hosts === undefined ? ['shop.acme.com'] : options.hosts;
  if (hosts !== null) headers.host = hosts.map((value) => ({ key: 'Host', value }));
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: 'd111111abcdef8.cloudfront.net',
            distributionId: 'EDFDVBD6EXAMPLE',
            eventType: 'origin-request',
            requestId: options.requestId ?? 'test-request-id',
          },
          request: {
            clientIp: '203.0.113.178',
            method: 'GET',
            uri: options.uri ?? '/',
            querystring: options.querystring ?? '',
            headers,
            origin: {
              custom: {
                customHeaders: toHeaders(options.customHeaders ?? { 'X-Origin-Secret': 'demo-secret' }),
                domainName: options.originDomainName ?? 'pool.us-east-1.origin.example.com',
                keepaliveTimeout: 5,
                path: '',
                port: 443,
                protocol: 'https',
                readTimeout: 30,
                sslProtocols: ['TLSv1.2'],
              },
            },
          },
        },
      },
    ],
  };
}

/**
 * The event shape of generated viewer traffic (the load test's in-process mode, the benchmarks):
 * a browser-like request to the distribution's default origin. Spread it and add `hosts` and
 * `requestId`.
 */
export const GENERATED_TRAFFIC_EVENT = {
  headers: { 'User-Agent': 'edge-tenant-router-loadtest', 'X-Forwarded-For': '203.0.113.178' },
  customHeaders: { 'x-origin-secret': 'loadtest' },
  originDomainName: 'default.origin.example.com',
} as const satisfies EventOptions;
