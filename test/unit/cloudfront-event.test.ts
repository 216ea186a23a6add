import type { CloudFrontRequestEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CloudFrontPolicies,
  cloudFrontPolicies,
  type OriginRequestSettings,
} from '../../infra/cloudfront-policies.ts';
import { INFRA_DEFAULTS } from '../../infra/infra-config.ts';
import {
  newRequestId,
  splitTarget,
  type ViewerRequest,
  viewerRequestToOriginRequestEvent,
} from '../../scripts/local-edge/cloudfront-event.ts';
import { checkOriginRequestResult } from '../../scripts/local-edge/cloudfront-rules.ts';

/** The policies a deployment with these settings (over the defaults) gets. */
function policiesOf(settings: {
  originRequest?: Partial<OriginRequestSettings>;
  cacheKeyHeaders?: readonly string[];
}): CloudFrontPolicies {
  return cloudFrontPolicies({
    originRequest: { ...INFRA_DEFAULTS.originRequest, ...settings.originRequest },
    cacheKeyHeaders: settings.cacheKeyHeaders ?? INFRA_DEFAULTS.cacheKeyHeaders,
  });
}

const settings = {
  requestId: 'req-1',
  defaultOrigin: { domainName: 'default.origin.example.com', customHeaders: { 'X-Origin-Secret': 's3cret' } },
  stripHeaders: ['x-local-edge-region'],
  via: '2.0 abc.cloudfront.net (CloudFront)',
};

function viewer(overrides: Partial<ViewerRequest> = {}): ViewerRequest {
  return {
    method: 'get',
    url: '/products/1?color=red&size=m',
    rawHeaders: ['Host', 'Shop.Acme.com:8080', 'User-Agent', 'curl/8.5', 'Accept', '*/*'],
    clientIp: '203.0.113.9',
    clientPort: 50123,
    ...overrides,
  };
}

function requestOf(v: ViewerRequest) {
  const record = viewerRequestToOriginRequestEvent(v, settings).Records[0];
  if (record === undefined) throw new Error('no record');
  return record.cf;
}

describe('viewerRequestToOriginRequestEvent', () => {
  it('builds the documented origin-request shape', () => {
    const cf = requestOf(viewer());
    expect(cf.config).toEqual({
      distributionDomainName: 'd111111abcdef8.cloudfront.net',
      distributionId: 'EDFDVBD6EXAMPLE',
      eventType: 'origin-request',
      requestId: 'req-1',
    });
    expect(cf.request.method).toBe('GET');
    expect(cf.request.clientIp).toBe('203.0.113.9');
    expect(cf.request.uri).toBe('/products/1');
    expect(cf.request.querystring).toBe('color=red&size=m');
    expect(cf.request.origin).toEqual({
      custom: {
        customHeaders: { 'x-origin-secret': [{ key: 'X-Origin-Secret', value: 's3cret' }] },
        domainName: 'default.origin.example.com',
        keepaliveTimeout: 5,
        path: '',
        port: 443,
        protocol: 'https',
        readTimeout: 30,
        sslProtocols: ['TLSv1.2'],
      },
    });
  });

  it('lowercases header names and keeps the original case in key, value untouched', () => {
    const { headers } = requestOf(viewer()).request;
    expect(headers.host).toEqual([{ key: 'Host', value: 'Shop.Acme.com:8080' }]);
    expect(headers['user-agent']).toEqual([{ key: 'User-Agent', value: 'curl/8.5' }]);
  });

  it('keeps every value of a repeated header in order', () => {
    const { headers } = requestOf(
      viewer({ rawHeaders: ['Host', 'a.example.com', 'X-Foo', '1', 'x-foo', '2'] }),
    ).request;
    expect(headers['x-foo']).toEqual([
      { key: 'X-Foo', value: '1' },
      { key: 'x-foo', value: '2' },
    ]);
  });

  it('passes two Host headers through for the router to judge', () => {
    const { headers } = requestOf(
      viewer({ rawHeaders: ['Host', 'a.example.com', 'Host', 'b.example.com'] }),
    ).request;
    expect(headers.host?.map((h) => h.value)).toEqual(['a.example.com', 'b.example.com']);
  });

  it.each([
    'Connection',
    'Keep-Alive',
    'X-Forwarded-Proto',
    'X-Real-IP',
    'X-Amz-Cf-Id',
    'X-Edge-Foo',
    'Upgrade',
    'Proxy-Authorization',
  ])('hides the disallowed header %s from the function', (name) => {
    const { headers } = requestOf(viewer({ rawHeaders: ['Host', 'a.example.com', name, 'x'] })).request;
    expect(headers[name.toLowerCase()]).toBeUndefined();
  });

  it.each(['__proto__', 'constructor'])('keeps a header named %s as an own entry', (name) => {
    const { headers } = requestOf(viewer({ rawHeaders: ['Host', 'a.example.com', name, 'x'] })).request;
    expect(Object.hasOwn(headers, name)).toBe(true);
    expect(Object.getOwnPropertyDescriptor(headers, name)?.value).toEqual([{ key: name, value: 'x' }]);
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
  });

  it('strips the emulator control header', () => {
    const { headers } = requestOf(
      viewer({ rawHeaders: ['Host', 'a.example.com', 'X-Local-Edge-Region', 'eu-west-1'] }),
    ).request;
    expect(headers['x-local-edge-region']).toBeUndefined();
  });

  it('adds X-Forwarded-For with the viewer address, appended to a viewer-sent one', () => {
    expect(requestOf(viewer()).request.headers['x-forwarded-for']).toEqual([
      { key: 'X-Forwarded-For', value: '203.0.113.9' },
    ]);
    const { headers } = requestOf(
      viewer({ rawHeaders: ['Host', 'a.example.com', 'X-Forwarded-For', '198.51.100.7'] }),
    ).request;
    expect(headers['x-forwarded-for']).toEqual([
      { key: 'X-Forwarded-For', value: '198.51.100.7, 203.0.113.9' },
    ]);
  });

  it('adds Via and the CloudFront headers the policy names, overwriting viewer-sent copies', () => {
    const cloudFrontHeaders = [
      'CloudFront-Viewer-Country',
      'CloudFront-Viewer-Address',
      'CloudFront-Forwarded-Proto',
    ];
    const event = viewerRequestToOriginRequestEvent(
      viewer({ rawHeaders: ['Host', 'a.example.com', 'CloudFront-Viewer-Country', 'ZZ'] }),
      { ...settings, policies: policiesOf({ originRequest: { cloudFrontHeaders } }) },
    );
    const headers = (event.Records[0] as CloudFrontRequestEvent['Records'][number]).cf.request.headers;
    expect(headers.via).toEqual([{ key: 'Via', value: '2.0 abc.cloudfront.net (CloudFront)' }]);
    expect(headers['cloudfront-viewer-country']).toEqual([{ key: 'CloudFront-Viewer-Country', value: 'US' }]);
    expect(headers['cloudfront-viewer-address']).toEqual([
      { key: 'CloudFront-Viewer-Address', value: '203.0.113.9:50123' },
    ]);
    expect(headers['cloudfront-forwarded-proto']?.[0]?.value).toBe('http');
  });

  it('keeps a viewer-sent origin secret in headers (CloudFront passes viewer headers; the router must drop it)', () => {
    const { headers } = requestOf(
      viewer({ rawHeaders: ['Host', 'a.example.com', 'X-Origin-Secret', 'guess'] }),
    ).request;
    expect(headers['x-origin-secret']).toEqual([{ key: 'X-Origin-Secret', value: 'guess' }]);
  });
});

describe('splitTarget', () => {
  it.each([
    ['/', '/', ''],
    ['/a/b', '/a/b', ''],
    ['/a?b=1&c', '/a', 'b=1&c'],
    ['/a?', '/a', ''],
    ['/a?b#frag', '/a', 'b'],
    ['/a#frag?x', '/a', ''],
    ['http://example.com/a?b=1', '/a', 'b=1'],
    ['http://example.com', '/', ''],
    ['/%E2%9C%93?q=%20', '/%E2%9C%93', 'q=%20'],
    ['*', '/*', ''],
  ])('splits %j into uri %j and querystring %j', (target, uri, querystring) => {
    expect(splitTarget(target)).toEqual({ uri, querystring });
  });
});

describe('newRequestId', () => {
  it('looks like a CloudFront request id', () => {
    expect(newRequestId()).toMatch(/^[A-Za-z0-9_-]{54}==$/);
  });
});

describe('events and the rule checker together', () => {
  const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/);
  const value = fc.stringMatching(/^[\x20-\x7e\t]{0,40}$/);
  const path = fc.stringMatching(/^(?:\/[A-Za-z0-9._~%!$&'()*+,;=:@-]{0,12}){1,4}$/);
  const query = fc.stringMatching(/^[A-Za-z0-9=&%._~-]{0,30}$/);

  it('a function that returns the request unchanged always passes CloudFront validation', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(token, value), { maxLength: 12 }), path, query, (pairs, uri, qs) => {
        const rawHeaders = ['Host', 'a.example.com', ...pairs.flat()];
        const event = viewerRequestToOriginRequestEvent(
          viewer({ rawHeaders, url: `${uri}?${qs}` }),
          settings,
        );
        const verdict = checkOriginRequestResult(event, structuredClone(event.Records[0]?.cf.request));
        expect(verdict.violations).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the emulated cache and origin request policies', () => {
  const browser = viewer({
    url: '/p?utm=1&id=7',
    rawHeaders: [
      'Host',
      'shop.acme.com',
      'Accept-Language',
      'fr',
      'Referer',
      'https://shop.acme.com/',
      'Authorization',
      'Bearer t0ken',
      'Cookie',
      'session=abc; theme=dark',
      'CloudFront-Viewer-Country',
      'ZZ',
    ],
  });
  const event = (policies: CloudFrontPolicies) => {
    const record = viewerRequestToOriginRequestEvent(browser, { ...settings, policies }).Records[0];
    return (record as CloudFrontRequestEvent['Records'][number]).cf.request;
  };

  it('passes every viewer header, cookie and query string by default, but not Authorization', () => {
    const request = event(policiesOf({}));
    expect(Object.keys(request.headers)).toEqual(
      expect.arrayContaining(['host', 'accept-language', 'referer', 'cookie']),
    );
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers.cookie?.[0]?.value).toBe('session=abc; theme=dark');
    expect(request.querystring).toBe('utm=1&id=7');
    expect(request.headers['cloudfront-viewer-country']).toBeUndefined();
  });

  it('passes Authorization when it is in the cache key', () => {
    const request = event(policiesOf({ cacheKeyHeaders: ['Authorization'] }));
    expect(request.headers.authorization).toEqual([{ key: 'Authorization', value: 'Bearer t0ken' }]);
  });

  it('passes only the listed headers, cookies and query parameters (and Host, always)', () => {
    const request = event(
      policiesOf({
        originRequest: { headers: ['Accept-Language'], cookies: ['session'], queryStrings: ['id'] },
      }),
    );
    expect(
      Object.keys(request.headers)
        .filter((h) => !['via', 'x-forwarded-for'].includes(h))
        .sort(),
    ).toEqual(['accept-language', 'cookie', 'host']);
    expect(request.headers.cookie?.[0]?.value).toBe('session=abc');
    expect(request.querystring).toBe('id=7');
  });

  it('passes no cookie and no query string when told none', () => {
    const request = event(policiesOf({ originRequest: { cookies: 'none', queryStrings: 'none' } }));
    expect(request.headers.cookie).toBeUndefined();
    expect(request.querystring).toBe('');
  });
});
