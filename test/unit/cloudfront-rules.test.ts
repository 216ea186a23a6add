import type { CloudFrontRequest, CloudFrontRequestEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { viewerRequestToOriginRequestEvent } from '../../scripts/local-edge/cloudfront-event.ts';
import {
  checkOriginRequestResult,
  isDisallowedHeader,
  MAX_GENERATED_RESPONSE_BYTES,
} from '../../scripts/local-edge/cloudfront-rules.ts';

function makeEvent(extraHeaders: string[] = []): CloudFrontRequestEvent {
  return viewerRequestToOriginRequestEvent(
    {
      method: 'GET',
      url: '/products/1?color=red',
      rawHeaders: [
        'Host',
        'shop.acme.com',
        'Accept-Encoding',
        'gzip',
        'User-Agent',
        'curl/8',
        ...extraHeaders,
      ],
      clientIp: '203.0.113.9',
      clientPort: 50123,
    },
    {
      requestId: 'req-1',
      defaultOrigin: {
        domainName: 'default.origin.example.com',
        customHeaders: { 'x-origin-secret': 's3cret' },
      },
    },
  );
}

/** What the router returns for a forward: the event's request, rewritten to a pool origin. */
function forwarded(event: CloudFrontRequestEvent): CloudFrontRequest {
  const request = structuredClone((event.Records[0] as { cf: { request: CloudFrontRequest } }).cf.request);
  const custom = request.origin?.custom;
  request.origin = {
    custom: {
      customHeaders: custom?.customHeaders ?? {},
      domainName: 'pool.eu-west-1.origin.example.com',
      keepaliveTimeout: 5,
      path: '',
      port: 443,
      protocol: 'https',
      readTimeout: 30,
      sslProtocols: ['TLSv1.2'],
    },
  };
  request.headers.host = [{ key: 'Host', value: 'pool.eu-west-1.origin.example.com' }];
  request.headers['x-tenant-id'] = [{ key: 'X-Tenant-Id', value: 'acme' }];
  return request;
}

type Mutation = (request: CloudFrontRequest & Record<string, unknown>) => void;

describe('checkOriginRequestResult', () => {
  it('accepts a rewritten request to a valid custom origin', () => {
    const event = makeEvent();
    const verdict = checkOriginRequestResult(event, forwarded(event));
    expect(verdict).toEqual({ ok: true, kind: 'request', violations: [], warnings: [] });
  });

  it('accepts the unchanged request', () => {
    const event = makeEvent();
    const verdict = checkOriginRequestResult(event, structuredClone(event.Records[0]?.cf.request));
    expect(verdict.ok).toBe(true);
  });

  it('accepts a rewrite to an S3 origin with authMethod none', () => {
    const event = makeEvent();
    const request = forwarded(event);
    request.origin = {
      s3: {
        authMethod: 'none',
        customHeaders: {},
        domainName: 'tenant-assets.s3.eu-west-1.amazonaws.com',
        path: '/p',
      },
    };
    request.headers.host = [{ key: 'Host', value: 'tenant-assets.s3.eu-west-1.amazonaws.com' }];
    expect(checkOriginRequestResult(event, request)).toMatchObject({ ok: true, kind: 'request' });
  });

  it.each<[string, Mutation, RegExp]>([
    [
      'a disallowed header',
      (r) => (r.headers['x-real-ip'] = [{ key: 'X-Real-IP', value: '1.2.3.4' }]),
      /x-real-ip is a disallowed header/,
    ],
    [
      'a disallowed prefix header',
      (r) => (r.headers['x-edge-foo'] = [{ key: 'X-Edge-Foo', value: '1' }]),
      /x-edge-foo is a disallowed/,
    ],
    [
      'an X-Amz-Cf- header',
      (r) => (r.headers['x-amz-cf-id'] = [{ key: 'X-Amz-Cf-Id', value: '1' }]),
      /x-amz-cf-id is a disallowed/,
    ],
    [
      'an X-Amzn- header',
      (r) => (r.headers['x-amzn-requestid'] = [{ key: 'X-Amzn-RequestId', value: '1' }]),
      /disallowed/,
    ],
    [
      'connection',
      (r) => (r.headers.connection = [{ key: 'Connection', value: 'close' }]),
      /connection is a disallowed/,
    ],
    [
      'a changed read-only header',
      (r) => (r.headers['accept-encoding'] = [{ key: 'Accept-Encoding', value: 'br' }]),
      /accept-encoding is read-only/,
    ],
    ['a removed read-only header', (r) => delete r.headers.via, /via is read-only/],
    [
      'an added read-only header',
      (r) => (r.headers['if-none-match'] = [{ key: 'If-None-Match', value: '"x"' }]),
      /if-none-match is read-only/,
    ],
    [
      'an uppercase header key',
      (r) => (r.headers['X-Foo'] = [{ key: 'X-Foo', value: '1' }]),
      /must be lowercase/,
    ],
    [
      'a header key not matching its name',
      (r) => (r.headers['x-foo'] = [{ key: 'X-Bar', value: '1' }]),
      /does not match the header name/,
    ],
    [
      'a header value with a newline',
      (r) => (r.headers['x-foo'] = [{ key: 'X-Foo', value: 'a\r\nb: c' }]),
      /control characters/,
    ],
    [
      'a non-array header',
      (r) => ((r.headers as Record<string, unknown>)['x-foo'] = 'bar'),
      /must be an array/,
    ],
    [
      'a non-string header value',
      (r) => ((r.headers as Record<string, unknown>)['x-foo'] = [{ value: 42 }]),
      /value must be a string/,
    ],
    ['a uri without a leading slash', (r) => (r.uri = 'products'), /uri must begin with '\/'/],
    ['a uri with a space', (r) => (r.uri = '/a b'), /uri must not contain spaces/],
    ['a uri carrying the query', (r) => (r.uri = '/a?b=1'), /uri must not contain '\?'/],
    ['a querystring with a fragment', (r) => (r.querystring = 'a=1#top'), /fragment identifier/],
    ['a querystring with a space', (r) => (r.querystring = 'a=1 2'), /querystring must not contain spaces/],
    [
      'an 8192-character uri and query',
      (r) => {
        r.uri = `/${'a'.repeat(8000)}`;
        r.querystring = 'b'.repeat(190);
      },
      /must be less than 8192/,
    ],
    ['no origin', (r) => delete (r as Record<string, unknown>).origin, /origin is missing/],
    [
      'both origins',
      (r) =>
        ((r.origin as Record<string, unknown>).s3 = {
          authMethod: 'none',
          customHeaders: {},
          domainName: 'b.s3.amazonaws.com',
          path: '',
        }),
      /exactly one of custom or s3/,
    ],
    [
      'port 81',
      (r) => ((r.origin?.custom as { port: number }).port = 81),
      /port must be 80, 443 or 1024-65535/,
    ],
    ['port 70000', (r) => ((r.origin?.custom as { port: number }).port = 70000), /port must be/],
    [
      'protocol ftp',
      (r) => ((r.origin?.custom as unknown as Record<string, unknown>).protocol = 'ftp'),
      /protocol must be 'http' or 'https'/,
    ],
    [
      'a path with a trailing slash',
      (r) => ((r.origin?.custom as { path: string }).path = '/a/'),
      /must not end with '\/'/,
    ],
    [
      'a path without a leading slash',
      (r) => ((r.origin?.custom as { path: string }).path = 'a'),
      /must start with '\/'/,
    ],
    [
      'a path longer than 255',
      (r) => ((r.origin?.custom as { path: string }).path = `/${'p'.repeat(255)}`),
      /longer than 255/,
    ],
    [
      'a domain with a port',
      (r) => ((r.origin?.custom as { domainName: string }).domainName = 'a.example.com:8443'),
      /must not include a colon/,
    ],
    [
      'an IP address domain',
      (r) => ((r.origin?.custom as { domainName: string }).domainName = '10.0.0.1'),
      /must not be an IP address/,
    ],
    [
      'an empty domain',
      (r) => ((r.origin?.custom as { domainName: string }).domainName = ''),
      /domainName must be a non-empty string/,
    ],
    [
      'keepaliveTimeout 0',
      (r) => ((r.origin?.custom as { keepaliveTimeout: number }).keepaliveTimeout = 0),
      /keepaliveTimeout must be a whole number from 1 to 60/,
    ],
    [
      'readTimeout 3',
      (r) => ((r.origin?.custom as { readTimeout: number }).readTimeout = 3),
      /readTimeout must be a whole number from 4 to 60/,
    ],
    [
      'readTimeout 61',
      (r) => ((r.origin?.custom as { readTimeout: number }).readTimeout = 61),
      /readTimeout/,
    ],
    [
      'an unknown TLS protocol',
      (r) => ((r.origin?.custom as { sslProtocols: string[] }).sslProtocols = ['TLSv1.3']),
      /is not one of/,
    ],
    [
      'no TLS protocols',
      (r) => ((r.origin?.custom as { sslProtocols: string[] }).sslProtocols = []),
      /non-empty array/,
    ],
    [
      'a custom header also in headers',
      (r) => (r.headers['x-origin-secret'] = [{ key: 'X-Origin-Secret', value: 'x' }]),
      /also in request.headers/,
    ],
    [
      'a forbidden custom header',
      (r) =>
        ((r.origin?.custom as { customHeaders: object }).customHeaders = {
          'cache-control': [{ key: 'Cache-Control', value: 'no' }],
        }),
      /can't add cache-control/,
    ],
    [
      'an X-Amz- custom header',
      (r) =>
        ((r.origin?.custom as { customHeaders: object }).customHeaders = {
          'x-amz-meta': [{ key: 'X-Amz-Meta', value: '1' }],
        }),
      /can't add x-amz-meta/,
    ],
    [
      'a disallowed custom header',
      (r) =>
        ((r.origin?.custom as { customHeaders: object }).customHeaders = {
          'x-cache': [{ key: 'X-Cache', value: '1' }],
        }),
      /x-cache is a disallowed/,
    ],
    [
      'an unknown origin field',
      (r) => ((r.origin?.custom as unknown as Record<string, unknown>).weight = 1),
      /unknown field\(s\) weight/,
    ],
    [
      'an invalid base64 replaced body',
      (r) => ((r as Record<string, unknown>).body = { action: 'replace', encoding: 'base64', data: '@@@' }),
      /not valid base64/,
    ],
  ])('rejects %s', (_name, mutate, reason) => {
    const event = makeEvent();
    const request = forwarded(event) as CloudFrontRequest & Record<string, unknown>;
    mutate(request);
    const verdict = checkOriginRequestResult(event, request);
    expect(verdict.ok).toBe(false);
    expect(verdict.violations.join('\n')).toMatch(reason);
  });

  it('rejects an S3 origin with origin-access-identity but no region', () => {
    const event = makeEvent();
    const request = forwarded(event);
    (request as unknown as Record<string, unknown>).origin = {
      s3: {
        authMethod: 'origin-access-identity',
        customHeaders: {},
        domainName: 'b.s3.amazonaws.com',
        path: '',
      },
    };
    expect(checkOriginRequestResult(event, request).violations.join()).toMatch(/region is required/);
  });

  it('rejects an S3 domain with uppercase letters', () => {
    const event = makeEvent();
    const request = forwarded(event);
    request.origin = {
      s3: { authMethod: 'none', customHeaders: {}, domainName: 'B.s3.amazonaws.com', path: '' },
    };
    expect(checkOriginRequestResult(event, request).violations.join()).toMatch(/must be all lowercase/);
  });

  it('accepts a viewer header sharing a custom header name when the function passes both through', () => {
    const event = makeEvent(['X-Origin-Secret', 'guess']);
    const verdict = checkOriginRequestResult(event, structuredClone(event.Records[0]?.cf.request));
    expect(verdict.ok).toBe(true);
  });

  it('warns when the origin moves but host still names the old one', () => {
    const event = makeEvent();
    const request = forwarded(event);
    request.headers.host = [{ key: 'Host', value: 'shop.acme.com' }];
    const verdict = checkOriginRequestResult(event, request);
    expect(verdict.ok).toBe(true);
    expect(verdict.warnings.join()).toMatch(/origin TLS checks Host/);
  });

  it('warns that a changed method is ignored', () => {
    const event = makeEvent();
    const request = { ...forwarded(event), method: 'POST' };
    expect(checkOriginRequestResult(event, request).warnings.join()).toMatch(/method is read-only/);
  });

  it.each([undefined, null, 'string', 42, []])('rejects a non-object result %j', (result) => {
    expect(checkOriginRequestResult(makeEvent(), result)).toMatchObject({ ok: false, kind: 'invalid' });
  });

  it('rejects an object that is neither request nor response', () => {
    expect(checkOriginRequestResult(makeEvent(), { foo: 1 })).toMatchObject({ ok: false, kind: 'invalid' });
  });
});

describe('checkOriginRequestResult on generated responses', () => {
  const event = makeEvent();
  const ok = {
    status: '404',
    statusDescription: 'Not Found',
    headers: { 'content-type': [{ key: 'Content-Type', value: 'application/json' }] },
    body: '{"error":"unknown-host"}',
  };

  it('accepts a small JSON response', () => {
    expect(checkOriginRequestResult(event, ok)).toEqual({
      ok: true,
      kind: 'response',
      violations: [],
      warnings: [],
    });
  });

  it('accepts a numeric status and a base64 body', () => {
    const verdict = checkOriginRequestResult(event, {
      status: 200,
      bodyEncoding: 'base64',
      body: 'aGVsbG8=',
    });
    expect(verdict.ok).toBe(true);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['status 199', { status: '199' }, /from 200 to 599/],
    ['status 600', { status: '600' }, /from 200 to 599/],
    ['a non-numeric status', { status: 'OK' }, /from 200 to 599/],
    ['an unknown bodyEncoding', { status: '200', body: 'x', bodyEncoding: 'gzip' }, /bodyEncoding must be/],
    [
      'a non-base64 body declared base64',
      { status: '200', body: 'not base64!', bodyEncoding: 'base64' },
      /not valid base64/,
    ],
    [
      'a disallowed response header',
      { status: '200', headers: { 'x-cache': [{ key: 'X-Cache', value: 'Hit' }] } },
      /x-cache is a disallowed/,
    ],
    [
      'a header value with CR LF',
      { status: '200', headers: { location: [{ key: 'Location', value: '/a\r\nSet-Cookie: x' }] } },
      /control characters/,
    ],
    ['a non-string body', { status: '200', body: 42 }, /body must be a string/],
    [
      'a non-string statusDescription',
      { status: '200', statusDescription: 5 },
      /statusDescription must be a string/,
    ],
  ])('rejects %s', (_name, response, reason) => {
    const verdict = checkOriginRequestResult(event, response);
    expect(verdict.ok).toBe(false);
    expect(verdict.violations.join('\n')).toMatch(reason);
  });

  it('accepts a text body at the 1 MB limit and rejects one byte more', () => {
    const exact = { status: '200', body: 'a'.repeat(MAX_GENERATED_RESPONSE_BYTES) };
    expect(checkOriginRequestResult(event, exact).ok).toBe(true);
    const over = { status: '200', body: 'a'.repeat(MAX_GENERATED_RESPONSE_BYTES + 1) };
    expect(checkOriginRequestResult(event, over).violations.join()).toMatch(/at most 1048576/);
  });

  it('counts the base64 text, not the decoded bytes, against the 1 MB limit', () => {
    const decoded = Buffer.alloc(800 * 1024, 1);
    const verdict = checkOriginRequestResult(event, {
      status: '200',
      bodyEncoding: 'base64',
      body: decoded.toString('base64'),
    });
    expect(verdict.ok).toBe(false);
  });

  it('counts headers toward the limit', () => {
    const verdict = checkOriginRequestResult(event, {
      status: '200',
      headers: { 'x-big': [{ key: 'X-Big', value: 'v'.repeat(MAX_GENERATED_RESPONSE_BYTES) }] },
    });
    expect(verdict.violations.join()).toMatch(/at most/);
  });

  it('warns about a 204 with a body', () => {
    expect(checkOriginRequestResult(event, { status: '204', body: 'x' }).warnings.join()).toMatch(/204/);
  });
});

describe('isDisallowedHeader', () => {
  it.each([
    'Connection',
    'X-Amz-Cf-Pop',
    'x-edge-location',
    'X-Forwarded-Proto',
    'keep-alive',
    'X-Amzn-Cf-Id',
  ])('disallows %s', (name) => expect(isDisallowedHeader(name)).toBe(true));
  it.each(['host', 'x-forwarded-for', 'x-amz-meta-foo', 'x-tenant-id', 'cloudfront-viewer-country'])(
    'allows %s',
    (name) => expect(isDisallowedHeader(name)).toBe(false),
  );
});
