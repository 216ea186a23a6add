/**
 * Turns a viewer's HTTP request into the origin-request event CloudFront would hand the function,
 * following the "Lambda@Edge event structure" page of the CloudFront Developer Guide. Pure.
 *
 * The viewer's headers, cookies and query string pass as the distribution's cache policy and origin
 * request policy let them (`infra/cloudfront-policies.ts`, derived from the same configuration the
 * CDK app deploys): by default every viewer header but Authorization (which only the cache policy
 * can forward), every cookie and query string. Of CloudFront's own headers, those the policy names
 * (`CloudFront-Forwarded-Proto`, `-Viewer-Address`, `-Viewer-Country`, `-Viewer-Http-Version`).
 * CloudFront also adds `X-Forwarded-For` and `Via`. Disallowed headers are never exposed.
 */
import type { CloudFrontHeaders, CloudFrontRequestEvent } from 'aws-lambda';
import {
  type CloudFrontPolicies,
  cloudFrontPolicies,
  forwardsViewerHeader,
  type Selection,
  selects,
} from '../../infra/cloudfront-policies.ts';
import { INFRA_DEFAULTS } from '../../infra/infra-config.ts';
import { isDisallowedHeader } from './cloudfront-rules.ts';

/** The policies of a deployment with default settings. */
export const DEFAULT_CLOUDFRONT_POLICIES: CloudFrontPolicies = cloudFrontPolicies(INFRA_DEFAULTS);

/** The distribution's default origin, as its origin settings put it into the event. */
export interface DefaultOriginSettings {
  readonly domainName: string;
  /** @default 'https' */
  readonly protocol?: 'http' | 'https';
  /** @default 443 */
  readonly port?: number;
  /** @default '' */
  readonly path?: string;
  /** Origin custom headers configured on the distribution, name -> value. @default {} */
  readonly customHeaders?: Readonly<Record<string, string>>;
  /** @default 5 */
  readonly keepaliveTimeout?: number;
  /** @default 30 */
  readonly readTimeout?: number;
  /** @default ['TLSv1.2'] */
  readonly sslProtocols?: readonly string[];
}

/** A viewer request as the emulator received it. */
export interface ViewerRequest {
  readonly method: string;
  /** The request target: origin-form (`/a?b`) or absolute-form (`http://h/a?b`). */
  readonly url: string;
  /** Node's `rawHeaders`: alternating names (original case) and values, duplicates kept. */
  readonly rawHeaders: readonly string[];
  readonly clientIp: string;
  readonly clientPort: number;
  /** @default '1.1' */
  readonly httpVersion?: string;
}

/** Distribution-level settings of {@link viewerRequestToOriginRequestEvent}. */
export interface EventSettings {
  /** @default 'd111111abcdef8.cloudfront.net' */
  readonly distributionDomainName?: string;
  /** @default 'EDFDVBD6EXAMPLE' */
  readonly distributionId?: string;
  /** CloudFront's id of this viewer request (the `x-amz-cf-id` the origin sees). */
  readonly requestId: string;
  readonly defaultOrigin: DefaultOriginSettings;
  /** Protocol the viewer used to reach CloudFront. @default 'http' */
  readonly viewerProtocol?: 'http' | 'https';
  /** Two-letter country CloudFront geolocates the viewer to. @default 'US' */
  readonly viewerCountry?: string;
  /** Lowercase header names the emulator consumes and CloudFront would never see. @default [] */
  readonly stripHeaders?: readonly string[];
  /** The `Via` value CloudFront adds, e.g. `2.0 abc.cloudfront.net (CloudFront)`. */
  readonly via?: string;
  /** What the distribution's policies pass. @default DEFAULT_CLOUDFRONT_POLICIES */
  readonly policies?: CloudFrontPolicies;
}

/** Headers CloudFront itself sets from the viewer connection, overwriting any viewer-sent copy. */
const CLOUDFRONT_HEADERS = [
  'cloudfront-forwarded-proto',
  'cloudfront-viewer-address',
  'cloudfront-viewer-country',
  'cloudfront-viewer-http-version',
];

/** The cookies of a Cookie header that the cookie setting passes ('' when none). */
function selectCookies(header: string, selection: Selection): string {
  if (selection === 'all' || selection === 'none') return selection === 'all' ? header : '';
  return header
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) =>
      selects(selection, pair.slice(0, pair.indexOf('=') < 0 ? pair.length : pair.indexOf('='))),
    )
    .join('; ');
}

/** The parameters of a query string that the query string setting passes. */
function selectQuery(querystring: string, selection: Selection): string {
  if (selection === 'all' || querystring === '') return querystring;
  if (selection === 'none') return '';
  return querystring
    .split('&')
    .filter((param) => selects(selection, decodeURIComponentSafe(param.split('=')[0] ?? '')))
    .join('&');
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

/**
 * Builds the origin-request event for a viewer request.
 *
 * @example
 * const event = viewerRequestToOriginRequestEvent(
 *   { method: 'GET', url: '/a?b=1', rawHeaders: ['Host', 'shop.acme.com'], clientIp: '203.0.113.9', clientPort: 50000 },
 *   { requestId: 'r1', defaultOrigin: { domainName: 'default.origin.example.com' } },
 * );
 */
export function viewerRequestToOriginRequestEvent(
  viewer: ViewerRequest,
  settings: EventSettings,
): CloudFrontRequestEvent {
  const policies = settings.policies ?? DEFAULT_CLOUDFRONT_POLICIES;
  const target = splitTarget(viewer.url);
  const uri = target.uri;
  const querystring = selectQuery(target.querystring, policies.originRequest.queryStrings);
  const strip = new Set(settings.stripHeaders ?? []);
  const headers: CloudFrontHeaders = {};
  for (let i = 0; i + 1 < viewer.rawHeaders.length; i += 2) {
    const key = viewer.rawHeaders[i] as string;
    const name = key.toLowerCase();
    if (isDisallowedHeader(name) || strip.has(name) || CLOUDFRONT_HEADERS.includes(name)) continue;
    // Cookies pass by the cookie setting (none left: no Cookie header), every other header by
    // the header settings.
    const raw = viewer.rawHeaders[i + 1] as string;
    const value =
      name === 'cookie'
        ? selectCookies(raw, policies.originRequest.cookies) || undefined
        : forwardsViewerHeader(policies, name)
          ? raw
          : undefined;
    if (value === undefined) continue;
    // Own properties only: a viewer may send headers named `constructor` or `__proto__`.
    const list = Object.hasOwn(headers, name) ? headers[name] : undefined;
    if (list === undefined)
      Object.defineProperty(headers, name, {
        value: [{ key, value }],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else list.push({ key, value });
  }

  // CloudFront appends the viewer's address to any X-Forwarded-For the viewer sent.
  const xff = headers['x-forwarded-for'];
  const forwardedFor =
    xff === undefined ? viewer.clientIp : `${xff.map((h) => h.value).join(', ')}, ${viewer.clientIp}`;
  headers['x-forwarded-for'] = [{ key: 'X-Forwarded-For', value: forwardedFor }];
  const via = settings.via ?? `2.0 ${hashId(settings.requestId)}.cloudfront.net (CloudFront)`;
  const viewerVia = headers.via;
  headers.via = [
    {
      key: 'Via',
      value: viewerVia === undefined ? via : `${viewerVia.map((h) => h.value).join(', ')}, ${via}`,
    },
  ];
  const cloudFront: Record<string, [string, string]> = {
    'cloudfront-forwarded-proto': ['CloudFront-Forwarded-Proto', settings.viewerProtocol ?? 'http'],
    'cloudfront-viewer-address': ['CloudFront-Viewer-Address', `${viewer.clientIp}:${viewer.clientPort}`],
    'cloudfront-viewer-country': ['CloudFront-Viewer-Country', settings.viewerCountry ?? 'US'],
    'cloudfront-viewer-http-version': ['CloudFront-Viewer-Http-Version', viewer.httpVersion ?? '1.1'],
  };
  for (const named of policies.originRequest.cloudFrontHeaders) {
    const header = cloudFront[named.toLowerCase()];
    if (header !== undefined) headers[named.toLowerCase()] = [{ key: header[0], value: header[1] }];
  }

  const o = settings.defaultOrigin;
  const customHeaders: CloudFrontHeaders = {};
  for (const [name, value] of Object.entries(o.customHeaders ?? {})) {
    customHeaders[name.toLowerCase()] = [{ key: name, value }];
  }
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: settings.distributionDomainName ?? 'd111111abcdef8.cloudfront.net',
            distributionId: settings.distributionId ?? 'EDFDVBD6EXAMPLE',
            eventType: 'origin-request',
            requestId: settings.requestId,
          },
          request: {
            clientIp: viewer.clientIp,
            headers,
            method: viewer.method.toUpperCase(),
            origin: {
              custom: {
                customHeaders,
                domainName: o.domainName,
                keepaliveTimeout: o.keepaliveTimeout ?? 5,
                path: o.path ?? '',
                port: o.port ?? 443,
                protocol: o.protocol ?? 'https',
                readTimeout: o.readTimeout ?? 30,
                sslProtocols: [...(o.sslProtocols ?? ['TLSv1.2'])],
              },
            },
            querystring,
            uri,
          },
        },
      },
    ],
  };
}

/** Splits a request target into the path (`uri`) and the query string without `?` or fragment. */
export function splitTarget(target: string): { uri: string; querystring: string } {
  let rest = target;
  // Absolute-form (proxies send it): drop scheme and authority.
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(rest);
  if (absolute !== null) rest = rest.slice(absolute[0].length);
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const path = q >= 0 ? rest.slice(0, q) : rest;
  return {
    uri: path === '' ? '/' : path.startsWith('/') ? path : `/${path}`,
    querystring: q >= 0 ? rest.slice(q + 1) : '',
  };
}

/** CloudFront's `requestId` shape: 56 URL-safe base64 characters ending in `==`. */
export function newRequestId(random: () => number = Math.random): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  let id = '';
  for (let i = 0; i < 54; i++) id += alphabet[Math.floor(random() * alphabet.length)];
  return `${id}==`;
}

/** A stable 32-hex-digit id derived from a string, like the host id in CloudFront's Via. */
function hashId(seed: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < seed.length; i++) {
    h1 = Math.imul(h1 ^ seed.charCodeAt(i), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ seed.charCodeAt(i), 0x811c9dc5) >>> 0;
  }
  return (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).repeat(2);
}
