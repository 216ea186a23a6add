import type { CloudFrontRequest, CloudFrontRequestEvent, CloudFrontResultResponse } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCachedTenantStore } from '../../edge/cached-tenant-store.ts';
import { parseHostHeader } from '../../edge/host.ts';
import { createOriginRequestHandler } from '../../edge/origin-request.ts';
import { normaliseRequestPath } from '../../edge/request-path.ts';
import { type CachedTenantStore, uncachedTenantStore } from '../../edge/tenant-store.ts';
import { checkOriginRequestResult } from '../../scripts/local-edge/cloudfront-rules.ts';
import { capturingLogger } from '../support/capturing-logger.ts';
import { createInMemoryTenantStore } from '../support/in-memory-tenant-store.ts';
import { aRouterConfig } from '../support/router-config.ts';
import { fuzzParameters, fuzzTimeoutMs } from './fuzz-runs.ts';
import {
  expectedRoute,
  FUZZ_ALLOWED_SUFFIXES,
  FUZZ_PLATFORM_DOMAIN,
  FUZZ_SECRET_HEADER,
  fuzzTableItems,
  isUnderAllowedSuffix,
} from './fuzz-tenants.ts';
import { eventOf, homoglyphHost, hostileRequest } from './hostile-requests.ts';

const config = aRouterConfig({
  platformDomains: [FUZZ_PLATFORM_DOMAIN],
  allowedOriginSuffixes: [...FUZZ_ALLOWED_SUFFIXES],
  originSecretHeader: FUZZ_SECRET_HEADER,
  decisionLogSampleRate: 0,
});

const ROUTER_HEADERS = ['x-tenant-id', 'x-forwarded-host', FUZZ_SECRET_HEADER];

const table = createInMemoryTenantStore();
table.putItems(fuzzTableItems());

const stores: Array<[string, () => CachedTenantStore]> = [
  ['uncached store', () => uncachedTenantStore(table)],
  ['lru-cached store', () => createCachedTenantStore(table, { cache: config.cache })],
];

function handlerOver(store: CachedTenantStore) {
  const logger = capturingLogger();
  const handle = createOriginRequestHandler({
    config,
    store,
    logger,
    random: () => 1,
    edgeRegion: 'us-east-1',
  });
  return { handle, logger };
}

/** Runs the handler on a copy of the event: the handler rewrites the request in place. */
async function run(handle: ReturnType<typeof handlerOver>['handle'], event: CloudFrontRequestEvent) {
  const original = structuredClone(event);
  const result = await handle(event);
  return { original, result };
}

const requestField = fc.constantFrom('uri', 'headers', 'origin', 'querystring');
const brokenHostEvent = ([host, other]: [unknown, unknown]) => ({
  Records: [{ cf: { request: { uri: '/', headers: { host, other } } } }],
});

/** The fuzz table's platform pool origins (`pool.<region>.origin.example.com`). */
const POOL_ORIGIN = /^pool\.[a-z0-9-]+\.origin\.example\.com$/;

const isResponse = (result: unknown): result is CloudFrontResultResponse =>
  typeof result === 'object' && result !== null && 'status' in result;

describe.each(stores)('origin-request handler under hostile requests (%s)', (_, makeStore) => {
  it(
    'never throws, always satisfies the CloudFront rules, and routes exactly as the data says',
    async () => {
      const { handle, logger } = handlerOver(makeStore());
      await fc.assert(
        fc.asyncProperty(hostileRequest, async (request) => {
          const errorsBefore = logger.at('error').length;
          const { original, result } = await run(handle, eventOf(request));
          const verdict = checkOriginRequestResult(original, result);
          expect(verdict.violations).toEqual([]);

          const parsed = parseHostHeader(request.hosts ?? undefined, config);
          if (!parsed.ok) {
            expect(isResponse(result) && result.status).toBe('400');
            return;
          }
          const path = normaliseRequestPath(request.uri, config);
          const expected = expectedRoute(parsed.host, path.ok ? path : undefined);
          if (expected.kind === 'respond') {
            expect(isResponse(result) && result.status).toBe(String(expected.status));
            if (expected.status === 502) expect(logger.at('error').length).toBeGreaterThan(errorsBefore);
            return;
          }
          expect(isResponse(result)).toBe(false);
          const forwarded = result as CloudFrontRequest;
          const origin = forwarded.origin?.custom ?? forwarded.origin?.s3;
          expect(origin?.domainName).toBe(expected.domainName);
          // The origin gets exactly the path the decision was made on: normalised where the router
          // read it (a path split, an origin path to stay under), else as received.
          expect(forwarded.uri).toBe(expected.readsPath && path.ok ? path.path : request.uri);
          expect(forwarded.headers.host).toEqual([{ key: 'Host', value: expected.domainName }]);
          expect(forwarded.headers['x-tenant-id']).toEqual([
            { key: 'X-Tenant-Id', value: expected.tenantId },
          ]);
          expect(forwarded.headers['x-forwarded-host']).toEqual([
            { key: 'X-Forwarded-Host', value: parsed.host },
          ]);
        }),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'never forwards to a host outside the allowed origin suffixes',
    async () => {
      const { handle } = handlerOver(makeStore());
      await fc.assert(
        fc.asyncProperty(hostileRequest, async (request) => {
          const { result } = await run(handle, eventOf(request));
          if (isResponse(result)) return;
          const forwarded = result as CloudFrontRequest;
          const origin = forwarded.origin?.custom ?? forwarded.origin?.s3;
          expect(origin).toBeDefined();
          expect(isUnderAllowedSuffix(origin?.domainName ?? '')).toBe(true);
          expect(isUnderAllowedSuffix(forwarded.headers.host?.[0]?.value ?? '')).toBe(true);
        }),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'never passes on the client-sent x-tenant-id, x-forwarded-host or origin secret',
    async () => {
      const { handle } = handlerOver(makeStore());
      await fc.assert(
        fc.asyncProperty(hostileRequest, async (request) => {
          const { original, result } = await run(handle, eventOf(request));
          if (isResponse(result)) return;
          const forwarded = result as CloudFrontRequest;
          const sent = original.Records[0]?.cf.request;
          // The secret reaches the origin only as the distribution's custom header, never from the client.
          expect(forwarded.headers[FUZZ_SECRET_HEADER]).toBeUndefined();
          const lookalikes = Object.keys(forwarded.headers).filter(
            (name) => name.includes('_') && ROUTER_HEADERS.includes(name.replaceAll('_', '-')),
          );
          expect(lookalikes).toEqual([]);
          const before = sent?.origin?.custom?.customHeaders ?? sent?.origin?.s3?.customHeaders;
          const chosen = forwarded.origin?.custom ?? forwarded.origin?.s3;
          // The distribution's custom headers (the platform's secret) go to platform pool origins
          // only; any other origin gets none of them.
          if (POOL_ORIGIN.test(chosen?.domainName ?? '')) expect(chosen?.customHeaders).toEqual(before);
          else expect(JSON.stringify(chosen?.customHeaders)).not.toContain('distribution-secret');
          // Exactly one router-set value each, whatever the client sent.
          expect(forwarded.headers['x-tenant-id']).toHaveLength(1);
          expect(forwarded.headers['x-forwarded-host']).toHaveLength(1);
        }),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'never routes a homoglyph of a known host to that host’s tenant',
    async () => {
      const { handle } = handlerOver(makeStore());
      await fc.assert(
        fc.asyncProperty(homoglyphHost, async ({ original, spoofed }) => {
          const parsed = parseHostHeader([spoofed], config);
          if (parsed.ok) expect(parsed.host).not.toBe(original);
          const { result } = await run(
            handle,
            eventOf({
              hosts: [spoofed],
              headers: {},
              uri: '/',
              querystring: '',
              origin: 'custom-with-secret',
            }),
          );
          const genuine = expectedRoute(original, { path: '/', matchPath: '/' });
          if (isResponse(result) || genuine.kind !== 'forward') return;
          expect((result as CloudFrontRequest).headers['x-tenant-id']?.[0]?.value).not.toBe(genuine.tenantId);
        }),
        fuzzParameters(0.5),
      );
    },
    fuzzTimeoutMs(0.5),
  );

  it(
    'answers a malformed event with a generated response instead of throwing',
    async () => {
      const { handle, logger } = handlerOver(makeStore());
      const brokenEvent = fc.oneof(
        fc.anything(),
        fc.record({ Records: fc.array(fc.anything(), { maxLength: 2 }) }),
        fc.dictionary(requestField, fc.anything()).map((request) => ({ Records: [{ cf: { request } }] })),
        fc.tuple(fc.anything(), fc.anything()).map(brokenHostEvent),
      );
      await fc.assert(
        fc.asyncProperty(brokenEvent, async (event) => {
          const result = await handle(event as CloudFrontRequestEvent);
          expect(typeof result).toBe('object');
          if (isResponse(result)) {
            expect(checkOriginRequestResult(event as CloudFrontRequestEvent, result).violations).toEqual([]);
          }
        }),
        fuzzParameters(),
      );
      // Every broken event that could not be routed left an error line; nothing was swallowed silently.
      for (const entry of logger.at('error')) expect(entry.msg).toMatch(/^(handler-failure|route-problem)$/);
    },
    fuzzTimeoutMs(),
  );
});
