/**
 * CloudFront's validation of what an origin-request Lambda@Edge function returns, as a pure
 * function. CloudFront answers the viewer 502 (LambdaValidationError) when any rule is broken; the
 * local edge does the same with the reasons from here, and the fuzz tests use it as an oracle.
 *
 * Sources (AWS CloudFront Developer Guide): "Restrictions on all edge functions" (disallowed and
 * read-only headers, query string and URI rules), "Lambda@Edge event structure" (origin fields and
 * their ranges), "Generating HTTP responses in request triggers" (status 200-599, bodyEncoding,
 * 1 MB for origin-request events), "Adding custom headers to origin requests" (custom headers
 * CloudFront can't add).
 */
import type { CloudFrontHeaders, CloudFrontRequestEvent } from 'aws-lambda';

/** The outcome of {@link checkOriginRequestResult}. */
export interface RuleVerdict {
  /** True when CloudFront would accept the output. */
  readonly ok: boolean;
  /** What the function returned: a request to forward, a generated response, or neither. */
  readonly kind: 'request' | 'response' | 'invalid';
  /** Broken rules; any one makes CloudFront answer 502. */
  readonly violations: readonly string[];
  /** Accepted by CloudFront but probably a bug (e.g. origin changed without `host`). */
  readonly warnings: readonly string[];
}

/** Headers never exposed to functions that functions must not add (matched case-insensitively). */
export const DISALLOWED_HEADERS: readonly string[] = [
  'connection',
  'expect',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'trailer',
  'upgrade',
  'x-accel-buffering',
  'x-accel-charset',
  'x-accel-limit-rate',
  'x-accel-redirect',
  'x-amzn-auth',
  'x-amzn-cf-billing',
  'x-amzn-cf-id',
  'x-amzn-cf-xff',
  'x-amzn-errortype',
  'x-amzn-fle-profile',
  'x-amzn-header-count',
  'x-amzn-header-order',
  'x-amzn-lambda-integration-tag',
  'x-amzn-requestid',
  'x-cache',
  'x-forwarded-proto',
  'x-real-ip',
];
/** Disallowed header name prefixes. */
export const DISALLOWED_HEADER_PREFIXES: readonly string[] = ['x-amz-cf-', 'x-edge-'];

/** Headers an origin-request function may read but not add, change or delete. */
export const ORIGIN_REQUEST_READ_ONLY_HEADERS: readonly string[] = [
  'accept-encoding',
  'content-length',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'transfer-encoding',
  'via',
];

/** Headers CloudFront refuses as origin custom headers. */
export const FORBIDDEN_CUSTOM_HEADERS: readonly string[] = [
  'cache-control',
  'connection',
  'content-length',
  'cookie',
  'host',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'max-forwards',
  'pragma',
  'proxy-authorization',
  'proxy-connection',
  'range',
  'request-range',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
  'x-real-ip',
];
const FORBIDDEN_CUSTOM_HEADER_PREFIXES = ['x-amz-', 'x-edge-'];

/** URI plus query string must be shorter than this many characters. */
export const MAX_URI_AND_QUERY_LENGTH = 8192;
/** Largest generated response of an origin-request function, headers and body together, in bytes. */
export const MAX_GENERATED_RESPONSE_BYTES = 1024 * 1024;
/** Largest replaced request body returned by an origin-request function, by encoding. */
export const MAX_REPLACED_BODY_BYTES = { text: 1024 * 1024, base64: Math.floor(1.33 * 1024 * 1024) };

const SSL_PROTOCOLS = new Set(['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2']);
/** RFC 9110 token characters: what a header name may contain. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
/** Control characters other than horizontal tab break a header value. */
function hasBadValueChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}
/** Spaces and control characters are not allowed in a URI, query string or origin path. */
function hasControlOrSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return true;
  }
  return false;
}
const HOST_LABELS = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Whether a (lowercase) header name is one CloudFront hides from functions and refuses from them. */
export function isDisallowedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return DISALLOWED_HEADERS.includes(lower) || DISALLOWED_HEADER_PREFIXES.some((p) => lower.startsWith(p));
}

/**
 * Checks an origin-request function's output against CloudFront's rules, given the event it was
 * called with (read-only headers are compared with the event's). Pure; never throws.
 *
 * @example
 * const verdict = checkOriginRequestResult(event, await handler(event));
 * if (!verdict.ok) console.log(verdict.violations.join('; '));
 */
export function checkOriginRequestResult(event: CloudFrontRequestEvent, result: unknown): RuleVerdict {
  const v: string[] = [];
  const w: string[] = [];
  if (!isObject(result)) {
    v.push('the function returned neither a request nor a response object');
    return { ok: false, kind: 'invalid', violations: v, warnings: w };
  }
  const original = event?.Records?.[0]?.cf?.request;
  if ('status' in result) {
    checkResponse(result, v, w);
    return { ok: v.length === 0, kind: 'response', violations: v, warnings: w };
  }
  if (!('uri' in result) && !('headers' in result) && !('origin' in result)) {
    v.push(
      'the function returned an object that is neither a request nor a response (no status, uri or headers)',
    );
    return { ok: false, kind: 'invalid', violations: v, warnings: w };
  }
  checkRequest(result, (original ?? {}) as unknown as Record<string, unknown>, v, w);
  return { ok: v.length === 0, kind: 'request', violations: v, warnings: w };
}

// ---- requests --------------------------------------------------------------------------------

function checkRequest(
  request: Record<string, unknown>,
  original: Record<string, unknown>,
  v: string[],
  w: string[],
): void {
  for (const field of ['clientIp', 'method'] as const) {
    if (field in original && request[field] !== original[field]) {
      w.push(`${field} is read-only; CloudFront ignores the change`);
    }
  }

  const uri = request.uri;
  const querystring = request.querystring ?? '';
  if (typeof uri !== 'string') v.push('uri must be a string');
  else {
    if (!uri.startsWith('/')) v.push(`uri must begin with '/' (got ${preview(uri)})`);
    if (hasControlOrSpace(uri)) v.push('uri must not contain spaces or control characters');
    if (uri.includes('?') || uri.includes('#'))
      v.push("uri must not contain '?' or '#'; the query string goes in querystring");
  }
  if (typeof querystring !== 'string') v.push('querystring must be a string');
  else {
    if (hasControlOrSpace(querystring)) v.push('querystring must not contain spaces or control characters');
    if (querystring.includes('#')) v.push("querystring must not contain the fragment identifier '#'");
    if (querystring.startsWith('?')) w.push("querystring starts with '?'; the origin will see '??'");
  }
  if (typeof uri === 'string' && typeof querystring === 'string') {
    const length = uri.length + (querystring === '' ? 0 : querystring.length + 1);
    if (length >= MAX_URI_AND_QUERY_LENGTH) {
      v.push(`uri and querystring total ${length} characters; must be less than ${MAX_URI_AND_QUERY_LENGTH}`);
    }
  }

  const headers = request.headers;
  const originalHeaders = (isObject(original.headers) ? original.headers : {}) as CloudFrontHeaders;
  if (!isObject(headers)) v.push('headers must be an object');
  else {
    checkHeaderMap(headers, 'headers', v, w);
    for (const name of Object.keys(headers)) {
      if (isDisallowedHeader(name)) v.push(`headers: ${name} is a disallowed header`);
    }
    for (const name of ORIGIN_REQUEST_READ_ONLY_HEADERS) {
      if (!sameValues(own(originalHeaders, name), own(headers, name))) {
        v.push(`headers: ${name} is read-only in origin-request events and was added, changed or removed`);
      }
    }
  }

  checkOrigin(
    request.origin,
    original.origin,
    isObject(headers) ? (headers as CloudFrontHeaders) : {},
    originalHeaders,
    v,
    w,
  );

  if (request.body !== undefined) checkRequestBody(request.body, v);
}

/** Where one origin check reports, and what it compares against. */
interface OriginCheck {
  /** `origin.custom` or `origin.s3`, for the messages. */
  readonly at: string;
  readonly kind: 'custom' | 's3';
  /** The request headers after the function, and before. */
  readonly headers: CloudFrontHeaders;
  readonly originalHeaders: CloudFrontHeaders;
  /** The origin before the function (`custom` or `s3`), when there was one. */
  readonly before: Record<string, unknown> | undefined;
  readonly v: string[];
  readonly w: string[];
}

function checkOrigin(
  origin: unknown,
  originalOrigin: unknown,
  headers: CloudFrontHeaders,
  originalHeaders: CloudFrontHeaders,
  v: string[],
  w: string[],
): void {
  if (origin === undefined) {
    v.push('origin is missing; an origin-request must keep exactly one origin');
    return;
  }
  if (!isObject(origin)) {
    v.push('origin must be an object');
    return;
  }
  const kinds = (['custom', 's3'] as const).filter((k) => origin[k] !== undefined);
  const extra = Object.keys(origin).filter((k) => k !== 'custom' && k !== 's3');
  if (extra.length > 0) v.push(`origin has unknown field(s) ${extra.join(', ')}`);
  if (kinds.length !== 1) {
    v.push(
      `origin must contain exactly one of custom or s3 (found ${kinds.length === 0 ? 'neither' : 'both'})`,
    );
    return;
  }
  const kind = kinds[0] as 'custom' | 's3';
  const o = origin[kind];
  if (!isObject(o)) {
    v.push(`origin.${kind} must be an object`);
    return;
  }
  const previous = isObject(originalOrigin) ? (originalOrigin.custom ?? originalOrigin.s3) : undefined;
  const check: OriginCheck = {
    at: `origin.${kind}`,
    kind,
    headers,
    originalHeaders,
    before: isObject(previous) ? previous : undefined,
    v,
    w,
  };
  checkOriginDomain(o.domainName, check);
  checkOriginPath(o.path, check);
  if (kind === 'custom') checkCustomOriginFields(o, check);
  else checkS3OriginFields(o, check);
  checkOriginCustomHeaders(o.customHeaders, check);
  checkOriginMoveHost(o.domainName, check);
}

function checkOriginDomain(domainName: unknown, { at, kind, v }: OriginCheck): void {
  if (typeof domainName !== 'string' || domainName === '') {
    v.push(`${at}.domainName must be a non-empty string`);
  } else if (kind === 'custom') {
    if (domainName.length > 253) v.push(`${at}.domainName is longer than 253 characters`);
    if (domainName.includes(':')) v.push(`${at}.domainName must not include a colon (no port, no IPv6)`);
    else if (IPV4.test(domainName)) v.push(`${at}.domainName must not be an IP address`);
    else if (!HOST_LABELS.test(domainName))
      v.push(`${at}.domainName ${preview(domainName)} is not a DNS name`);
  } else {
    if (domainName.length > 128) v.push(`${at}.domainName is longer than 128 characters`);
    if (domainName !== domainName.toLowerCase()) v.push(`${at}.domainName must be all lowercase`);
    if (!HOST_LABELS.test(domainName)) v.push(`${at}.domainName ${preview(domainName)} is not a DNS name`);
  }
}

function checkOriginPath(path: unknown, { at, kind, v }: OriginCheck): void {
  if (typeof path !== 'string') v.push(`${at}.path must be a string`);
  else if (path !== '') {
    if (!path.startsWith('/')) v.push(`${at}.path must start with '/'`);
    if (path.endsWith('/')) v.push(`${at}.path must not end with '/'`);
    if (kind === 'custom' && path.length > 255) v.push(`${at}.path is longer than 255 characters`);
    if (hasControlOrSpace(path)) v.push(`${at}.path must be URL-encoded (no spaces or control characters)`);
  }
}

const CUSTOM_ORIGIN_FIELDS = [
  'customHeaders',
  'domainName',
  'keepaliveTimeout',
  'path',
  'port',
  'protocol',
  'readTimeout',
  'sslProtocols',
];

function checkCustomOriginFields(o: Record<string, unknown>, { at, v }: OriginCheck): void {
  const port = o.port;
  if (
    !(
      Number.isInteger(port) &&
      (port === 80 || port === 443 || ((port as number) >= 1024 && (port as number) <= 65535))
    )
  ) {
    v.push(`${at}.port must be 80, 443 or 1024-65535 (got ${preview(port)})`);
  }
  if (o.protocol !== 'http' && o.protocol !== 'https') v.push(`${at}.protocol must be 'http' or 'https'`);
  checkIntRange(o.keepaliveTimeout, `${at}.keepaliveTimeout`, 1, 60, v);
  checkIntRange(o.readTimeout, `${at}.readTimeout`, 4, 60, v);
  const ssl = o.sslProtocols;
  if (!Array.isArray(ssl) || ssl.length === 0) v.push(`${at}.sslProtocols must be a non-empty array`);
  else {
    for (const p of ssl) {
      if (typeof p !== 'string' || !SSL_PROTOCOLS.has(p)) {
        v.push(`${at}.sslProtocols: ${preview(p)} is not one of ${[...SSL_PROTOCOLS].join(', ')}`);
      }
    }
  }
  const extraFields = Object.keys(o).filter((k) => !CUSTOM_ORIGIN_FIELDS.includes(k));
  if (extraFields.length > 0) v.push(`${at} has unknown field(s) ${extraFields.join(', ')}`);
}

function checkS3OriginFields(o: Record<string, unknown>, { at, v }: OriginCheck): void {
  if (o.authMethod !== 'none' && o.authMethod !== 'origin-access-identity') {
    v.push(`${at}.authMethod must be 'none' or 'origin-access-identity'`);
  }
  if (o.authMethod === 'origin-access-identity' && (typeof o.region !== 'string' || o.region === '')) {
    v.push(`${at}.region is required when authMethod is origin-access-identity`);
  }
  if (o.region !== undefined && typeof o.region !== 'string') v.push(`${at}.region must be a string`);
}

function checkOriginCustomHeaders(custom: unknown, check: OriginCheck): void {
  const { at, v, w, headers, originalHeaders, before } = check;
  if (!isObject(custom)) {
    v.push(`${at}.customHeaders must be an object`);
    return;
  }
  checkHeaderMap(custom, `${at}.customHeaders`, v, w);
  const beforeCustom = isObject(before?.customHeaders) ? before.customHeaders : {};
  for (const name of Object.keys(custom)) {
    const lower = name.toLowerCase();
    if (isDisallowedHeader(lower)) v.push(`${at}.customHeaders: ${lower} is a disallowed header`);
    else if (
      FORBIDDEN_CUSTOM_HEADERS.includes(lower) ||
      FORBIDDEN_CUSTOM_HEADER_PREFIXES.some((p) => lower.startsWith(p))
    ) {
      v.push(`${at}.customHeaders: CloudFront can't add ${lower} as an origin custom header`);
    }
    // CloudFront hands the function a viewer header that shares a configured custom header's
    // name (the custom value wins at the origin); only a collision the function made is refused.
    const inherited = own(beforeCustom, lower) !== undefined && own(originalHeaders, lower) !== undefined;
    if (own(headers, lower) !== undefined && !inherited) {
      v.push(`${at}.customHeaders: ${lower} is also in request.headers; a custom header can't be both`);
    }
  }
}

/**
 * Not a CloudFront rule, but the origin's TLS certificate is checked against Host: a moved origin
 * with the old Host fails at the origin (or reaches the wrong virtual host).
 */
function checkOriginMoveHost(domainName: unknown, { before, headers, w }: OriginCheck): void {
  if (typeof domainName === 'string' && before !== undefined && before.domainName !== domainName) {
    const host = headers.host?.[0]?.value;
    if (host !== domainName) {
      w.push(`origin moved to ${domainName} but the host header is ${preview(host)}; origin TLS checks Host`);
    }
  }
}

function checkRequestBody(body: unknown, v: string[]): void {
  if (!isObject(body)) {
    v.push('body must be an object');
    return;
  }
  if (body.action !== 'read-only' && body.action !== 'replace')
    v.push("body.action must be 'read-only' or 'replace'");
  if (body.action !== 'replace') return;
  const encoding = body.encoding ?? 'base64';
  if (encoding !== 'base64' && encoding !== 'text') v.push("body.encoding must be 'base64' or 'text'");
  if (typeof body.data !== 'string') {
    v.push('body.data must be a string');
    return;
  }
  if (encoding === 'base64' && !BASE64.test(body.data)) v.push('body.data is not valid base64');
  const limit = encoding === 'text' ? MAX_REPLACED_BODY_BYTES.text : MAX_REPLACED_BODY_BYTES.base64;
  const bytes = Buffer.byteLength(body.data, 'utf8');
  if (bytes > limit)
    v.push(`body.data is ${bytes} bytes; a replaced ${encoding} body may be at most ${limit}`);
}

// ---- generated responses ---------------------------------------------------------------------

function checkResponse(response: Record<string, unknown>, v: string[], w: string[]): void {
  const status = response.status;
  const code =
    typeof status === 'number'
      ? status
      : typeof status === 'string' && /^\d{3}$/.test(status)
        ? Number(status)
        : Number.NaN;
  if (!(code >= 200 && code <= 599))
    v.push(`status must be an HTTP status from 200 to 599 (got ${preview(status)})`);
  if (response.statusDescription !== undefined && typeof response.statusDescription !== 'string') {
    v.push('statusDescription must be a string');
  }
  const encoding = response.bodyEncoding ?? 'text';
  if (encoding !== 'text' && encoding !== 'base64') v.push("bodyEncoding must be 'text' or 'base64'");
  const body = response.body;
  let bytes = 0;
  if (body !== undefined) {
    if (typeof body !== 'string') v.push('body must be a string');
    else {
      if (encoding === 'base64' && !BASE64.test(body))
        v.push('body is declared base64 but is not valid base64');
      bytes += Buffer.byteLength(body, 'utf8');
      if (code === 204 && body !== '') w.push('a 204 response carries a body');
    }
  }
  const headers = response.headers;
  if (headers !== undefined) {
    if (!isObject(headers)) v.push('headers must be an object');
    else {
      checkHeaderMap(headers, 'headers', v, w);
      for (const [name, list] of Object.entries(headers)) {
        if (isDisallowedHeader(name)) v.push(`headers: ${name} is a disallowed header`);
        if (Array.isArray(list)) {
          for (const h of list) {
            if (isObject(h))
              bytes +=
                Buffer.byteLength(String(h.key ?? name), 'utf8') +
                Buffer.byteLength(String(h.value ?? ''), 'utf8') +
                4;
          }
        }
      }
    }
  }
  if (bytes > MAX_GENERATED_RESPONSE_BYTES) {
    v.push(
      `generated response is ${bytes} bytes with headers; origin-request responses may be at most ${MAX_GENERATED_RESPONSE_BYTES}`,
    );
  }
}

// ---- shared ----------------------------------------------------------------------------------

/** Structure of a CloudFront header map: lowercase keys, arrays of `{key?, value}` with clean values. */
function checkHeaderMap(headers: Record<string, unknown>, at: string, v: string[], w: string[]): void {
  for (const [name, list] of Object.entries(headers)) {
    if (name !== name.toLowerCase()) v.push(`${at}: key ${preview(name)} must be lowercase`);
    if (!HEADER_NAME.test(name.toLowerCase())) v.push(`${at}: ${preview(name)} is not a valid header name`);
    if (!Array.isArray(list)) {
      v.push(`${at}.${name} must be an array of {key, value}`);
      continue;
    }
    if (list.length === 0) w.push(`${at}.${name} is an empty array; delete the key to remove a header`);
    list.forEach((h, i) => {
      if (!isObject(h)) {
        v.push(`${at}.${name}[${i}] must be an object {key, value}`);
        return;
      }
      if (typeof h.value !== 'string') v.push(`${at}.${name}[${i}].value must be a string`);
      else if (hasBadValueChar(h.value)) v.push(`${at}.${name}[${i}].value contains control characters`);
      if (h.key !== undefined) {
        if (typeof h.key !== 'string') v.push(`${at}.${name}[${i}].key must be a string`);
        else if (h.key.toLowerCase() !== name.toLowerCase()) {
          v.push(`${at}.${name}[${i}].key ${preview(h.key)} does not match the header name`);
        }
      }
    });
  }
}

function sameValues(a: unknown, b: unknown): boolean {
  const values = (x: unknown) =>
    Array.isArray(x) ? x.map((h) => (isObject(h) ? String(h.value) : String(h))).join('\u0000') : undefined;
  return values(a) === values(b);
}

function checkIntRange(value: unknown, at: string, min: number, max: number, v: string[]): void {
  if (!(Number.isInteger(value) && (value as number) >= min && (value as number) <= max)) {
    v.push(`${at} must be a whole number from ${min} to ${max} (got ${preview(value)})`);
  }
}

/** A map's own property (header names such as `constructor` must not find Object.prototype's). */
function own(map: object, key: string): unknown {
  return Object.hasOwn(map, key) ? (map as Record<string, unknown>)[key] : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
