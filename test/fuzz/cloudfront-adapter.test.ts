import type { CloudFrontRequestEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cloudFrontRequestToEdgeRequest,
  decisionToResponse,
  routeToCloudFrontRequest,
} from '../../edge/cloudfront-request.ts';
import type { Origin, Region, RouteDecision, TenantId } from '../../edge/model.ts';
import { checkOriginRequestResult } from '../../scripts/local-edge/cloudfront-rules.ts';
import { aRouterConfig } from '../support/router-config.ts';
import { fuzzParameters, fuzzTimeoutMs } from './fuzz-runs.ts';
import { FUZZ_SECRET_HEADER } from './fuzz-tenants.ts';
import { eventOf, hostileRequest } from './hostile-requests.ts';

const config = aRouterConfig({ originSecretHeader: FUZZ_SECRET_HEADER });
const ROUTER_HEADERS = ['x-forwarded-host', 'x-tenant-id', FUZZ_SECRET_HEADER];

const labelArb = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/);
const pathArb = fc.oneof(
  fc.constant(''),
  fc
    .array(fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/), { minLength: 1, maxLength: 4 })
    .map((s) => `/${s.join('/')}`),
);
const regionArb = fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2') as fc.Arbitrary<Region>;

/** Origins the core may choose: any valid custom or S3 origin under the allowed suffixes. */
const originArb: fc.Arbitrary<Origin> = fc.oneof(
  fc.record({
    type: fc.constant('custom' as const),
    domainName: fc
      .array(labelArb, { minLength: 1, maxLength: 3 })
      .map((l) => `${l.join('.')}.origin.example.com`),
    protocol: fc.constantFrom('http' as const, 'https' as const),
    port: fc.oneof(fc.constantFrom(80, 443), fc.integer({ min: 1024, max: 65535 })),
    path: pathArb,
  }),
  fc.record({
    type: fc.constant('s3' as const),
    domainName: fc.constant('tenant-assets.s3.eu-west-1.amazonaws.com'),
    path: pathArb,
    region: regionArb,
  }),
);

const forwardArb = fc.record({
  kind: fc.constant('forward' as const),
  tenantId: fc.option(labelArb as fc.Arbitrary<TenantId>, { nil: undefined }),
  region: fc.option(regionArb, { nil: undefined }),
  origin: originArb,
  viewerHost: fc.domain(),
  path: fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)),
  via: fc.constantFrom('home' as const, 'dedicated' as const, 'failover' as const, 'fallback' as const),
  tenantSecret: fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{32,48}$/), { nil: undefined }),
});

const respondArb: fc.Arbitrary<Extract<RouteDecision, { kind: 'respond' }>> = fc.record(
  {
    kind: fc.constant('respond' as const),
    status: fc.constantFrom(400 as const, 403 as const, 404 as const, 502 as const, 503 as const),
    // The reasons the core produces (docs/routing.md); reasons are never taken from a request.
    reason: fc.constantFrom(
      'bad-host',
      'bad-path',
      'unknown-host',
      'unknown-tenant',
      'suspended',
      'maintenance',
      'lookup-failed',
      'no-regions',
      'unknown-region',
      'disallowed-origin',
      'malformed-item',
      'router-error',
    ),
    tenantId: labelArb as fc.Arbitrary<TenantId>,
    retryAfter: fc.integer({ min: 0, max: 86_400 }),
  },
  { requiredKeys: ['kind', 'status', 'reason'] },
);

const requestOf = (event: CloudFrontRequestEvent) =>
  (event.Records[0] as CloudFrontRequestEvent['Records'][number]).cf.request;

describe('CloudFront adapter under hostile requests', () => {
  it(
    'reads every Host value as sent, and the URI untouched',
    () => {
      fc.assert(
        fc.property(hostileRequest, (request) => {
          const edge = cloudFrontRequestToEdgeRequest(requestOf(eventOf(request)));
          expect(edge.hostValues).toEqual(request.hosts === null ? undefined : request.hosts);
          expect(edge.uri).toBe(request.uri);
        }),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'rewrites any request to any allowed origin within the CloudFront rules, with only router-set headers',
    () => {
      fc.assert(
        fc.property(hostileRequest, forwardArb, (request, decision) => {
          const event = eventOf(request);
          const original = structuredClone(event);
          const out = routeToCloudFrontRequest(requestOf(event), decision, config);
          expect(checkOriginRequestResult(original, out).violations).toEqual([]);

          const sent = requestOf(original);
          const chosen = out.origin?.custom ?? out.origin?.s3;
          expect(chosen?.domainName).toBe(decision.origin.domainName);
          expect(chosen?.path).toBe(decision.origin.path);
          // Platform origins get the distribution's custom headers; a dedicated one never does.
          const distribution = sent.origin?.custom?.customHeaders ?? sent.origin?.s3?.customHeaders;
          const own =
            decision.tenantSecret === undefined || decision.origin.type !== 'custom'
              ? {}
              : { [FUZZ_SECRET_HEADER]: [{ key: FUZZ_SECRET_HEADER, value: decision.tenantSecret }] };
          expect(chosen?.customHeaders).toEqual(decision.via === 'dedicated' ? own : (distribution ?? {}));
          expect(out.origin?.s3).toBeUndefined();
          if (decision.origin.type === 's3') expect(out.origin?.custom?.protocol).toBe('https');
          expect(out.headers.host).toEqual([{ key: 'Host', value: decision.origin.domainName }]);
          expect(out.headers['x-forwarded-host']).toEqual([
            { key: 'X-Forwarded-Host', value: decision.viewerHost },
          ]);
          expect(out.headers['x-tenant-id']).toEqual(
            decision.tenantId === undefined ? undefined : [{ key: 'X-Tenant-Id', value: decision.tenantId }],
          );
          expect(out.headers[FUZZ_SECRET_HEADER]).toBeUndefined();
          expect(out.uri).toBe(decision.path);
          expect(out.querystring).toBe(sent.querystring);
          // Everything else the viewer sent is passed on unchanged.
          for (const [name, values] of Object.entries(sent.headers)) {
            if (name === 'host' || ROUTER_HEADERS.includes(name.replaceAll('_', '-'))) continue;
            expect(out.headers[name]).toEqual(values);
          }
          // Underscore spellings of router headers are removed (CGI-style origins merge them).
          for (const name of Object.keys(out.headers)) {
            if (name.includes('_')) expect(ROUTER_HEADERS).not.toContain(name.replaceAll('_', '-'));
          }
        }),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'generates responses within the CloudFront rules that reveal only the reason',
    () => {
      fc.assert(
        fc.property(respondArb, hostileRequest, (decision, request) => {
          const response = decisionToResponse(decision, config);
          expect(checkOriginRequestResult(eventOf(request), response).violations).toEqual([]);
          expect(response.status).toBe(String(decision.status));
          const body = JSON.parse(response.body ?? '') as Record<string, unknown>;
          expect(Object.keys(body).sort()).toEqual(['error', 'message']);
          expect(body.error).toBe(decision.reason);
          expect(body.message).toEqual(expect.any(String));
          if (decision.tenantId !== undefined) expect(response.body).not.toContain(`"${decision.tenantId}"`);
        }),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs(),
  );
});
