/**
 * End to end over HTTP: a local edge running the built router bundle against dynalite through the
 * replica endpoints. Each failover case uses an edge region not used before, so its handler
 * instance starts with an empty route cache and must really read a replica.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replicaOrderFor } from '../../edge/replica-order.ts';
import type { OriginEcho } from '../../scripts/local-edge/region-origin.ts';
import {
  DEMO_ORIGIN_SECRET,
  type LocalEdge,
  startLocalEdge,
} from '../../scripts/local-edge/start-local-edge.ts';
import { viewerRequest } from '../../scripts/local-edge/viewer-client.ts';
import { invokeRouter } from '../support/router-invoke.ts';

let edge: LocalEdge;

const REPLICA_COOLDOWN_MS = 300;

beforeAll(async () => {
  edge = await startLocalEdge({
    // TTL 1 ms: every request refreshes from a replica, so faults and the outage are felt at once,
    // and a failed refresh serves the stale entry (the router's stale-if-error).
    // A short replica cooldown, so going back to a recovered nearest replica is quick to show.
    config: {
      cache: { ttlMs: 1, negativeTtlMs: 1 },
      lookup: { replicaCooldownMs: REPLICA_COOLDOWN_MS },
      decisionLogSampleRate: 0,
    },
  });
  // A host CloudFront serves (its distribution tenant exists) that no DOMAIN item routes: what
  // reaches the router as an unknown host.
  edge.cloudFront.activate([UNROUTED]);
});

const UNROUTED = 'nobody.example.com';

afterAll(async () => {
  await edge?.stop();
});

const get = (
  host: string | undefined,
  options: { path?: string; edgeRegion?: string; headers?: Record<string, string> } = {},
) => viewerRequest(edge.url, { ...(host === undefined ? {} : { host }), ...options });

/** The nearest replica of an edge region (the one the router reads first). */
const nearest = (edgeRegion: string) => replicaOrderFor(edgeRegion, edge.config)[0] as string;

describe('local edge routing', () => {
  it('routes every forwarded demo tenant to its origin with the router headers', async () => {
    const forwarded = edge.demo.hosts.filter((h) => h.status === 200);
    expect(forwarded.map((h) => h.tenantId)).toEqual(['acme', 'globex', 'initech', 'hooli', 'piedpiper']);
    for (const demo of forwarded) {
      const res = await get(demo.host, { path: '/cart/items?page=2' });
      expect(res.status, demo.host).toBe(200);
      const echo = res.json as OriginEcho;
      expect(echo.domainName).toBe(demo.originDomain);
      expect(echo.host).toBe(demo.originDomain);
      expect(echo.xForwardedHost).toBe(demo.host);
      expect(echo.xTenantId).toBe(demo.tenantId);
      // The platform's origin secret goes to pool origins only, never to a tenant's dedicated one.
      const pool = demo.originDomain?.startsWith('pool.') === true;
      expect(echo.customHeaders['x-origin-secret']).toBe(pool ? DEMO_ORIGIN_SECRET : null);
      expect(echo.query).toBe('page=2');
      expect(echo.path.endsWith('/cart/items')).toBe(true);
    }
  });

  it('sends custom, platform and wildcard tenants to their home regions pool', async () => {
    const regions = edge.config.replicaRegions;
    for (const [host, region] of [
      ['shop.acme.com', regions[0]],
      ['globex.app.example.com', regions[1]],
      ['anything.initech.example.net', regions[2]],
    ] as const) {
      const echo = (await get(host)).json as OriginEcho;
      expect(echo.origin, host).toBe(`pool.${region}`);
      expect(echo.region).toBe(region);
    }
  });

  it('prefixes the dedicated origin path', async () => {
    const echo = (await get('www.hooli.example.io', { path: '/about' })).json as OriginEcho;
    expect(echo.origin).toBe('dedicated:hooli');
    expect(echo.path).toBe('/site/about');
  });

  it('overwrites a spoofed x-tenant-id and x-forwarded-host and never passes a client origin secret', async () => {
    const res = await get('Shop.Acme.com.', {
      headers: { 'x-tenant-id': 'globex', 'x-forwarded-host': 'evil.example', 'x-origin-secret': 'guess' },
    });
    const echo = res.json as OriginEcho;
    expect(echo.xTenantId).toBe('acme');
    expect(echo.xForwardedHost).toBe('shop.acme.com');
    expect(echo.customHeaders['x-origin-secret']).toBe(DEMO_ORIGIN_SECRET);
  });

  it('passes the method and the request body through to the origin', async () => {
    const res = await viewerRequest(edge.url, {
      host: 'shop.acme.com',
      method: 'POST',
      path: '/orders',
      headers: { 'content-type': 'application/json' },
      body: '{"sku":"a-1","qty":2}',
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ method: 'POST', path: '/orders', bodyBytes: 21 });
  });

  it('adds Server-Timing with the handler time and the edge region to every response', async () => {
    const res = await get('shop.acme.com', { edgeRegion: 'eu-west-1' });
    expect(res.routerMs).toBeGreaterThan(0);
    expect(res.headers['x-edge-region']).toBe('eu-west-1');
    const notFound = await get(UNROUTED);
    expect(notFound.routerMs).toBeGreaterThan(0);
    expect(notFound.headers['x-edge-region']).toBe(edge.defaultEdgeRegion);
  });

  it('answers 404 for a host CloudFront serves but no DOMAIN item routes', async () => {
    const res = await get(UNROUTED);
    expect(res.status).toBe(404);
    expect(res.headers['x-cache']).toBe('LambdaGeneratedResponse from cloudfront');
    expect(res.json).toMatchObject({ error: expect.stringMatching(/unknown/) });
  });

  it('answers a host no distribution tenant holds with CloudFront’s 403 page, before the function', async () => {
    edge.resetCounters();
    const res = await get('nobody.example.net');
    expect(res.status).toBe(403);
    expect(res.headers['x-cache']).toBe('Error from cloudfront');
    expect(res.body).toContain('The request could not be satisfied');
    expect(res.routerMs).toBeUndefined();
    expect(edge.counters.unclaimedHosts).toBe(1);
  });

  it.each([['bad host!'], ['a..b.example.com'], ['-x.example.com']])(
    'answers 400 for the malformed Host %j (the function invoked directly; CloudFront refuses it first)',
    async (host) => {
      const answer = await invokeRouter(edge.controlUrl, host);
      expect(answer).toMatchObject({ kind: 'response', status: 400, json: { error: 'bad-host' } });
      expect((await get(host)).headers['x-cache']).toBe('Error from cloudfront');
    },
  );

  it('answers 400 when there is no Host header', async () => {
    const res = await get(undefined);
    expect(res.status).toBe(400);
  });

  it('answers 403 for the suspended tenant', async () => {
    const res = await get('umbrella.example.org');
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: 'suspended' });
  });

  it('counts requests by status and edge region', async () => {
    edge.resetCounters();
    await get('shop.acme.com', { edgeRegion: 'eu-west-2' });
    await get(UNROUTED, { edgeRegion: 'eu-west-2' });
    expect(edge.counters.requests).toBe(2);
    expect(edge.counters.byStatus).toEqual({ '200': 1, '404': 1 });
    expect(edge.counters.byEdgeRegion['eu-west-2']?.requests).toBe(2);
    expect(edge.counters.forwarded).toBe(1);
    expect(edge.counters.generatedResponses).toBe(1);
  });
});

describe('replica failover', () => {
  it.each([
    ['cut off (connections hang)', 'us-east-2', { mode: 'hang' }],
    ['cut off (connections refused)', 'us-west-2', { mode: 'refuse' }],
    ['failing with HTTP 500', 'ap-south-1', { mode: 'error-500' }],
    ['throttling', 'eu-central-1', { mode: 'throttle' }],
    ['slower than the attempt timeout', 'ap-northeast-2', { mode: 'slow', delayMs: 5_000 }],
  ] as const)('still routes when the nearest replica is %s', async (_name, edgeRegion, fault) => {
    const replica = nearest(edgeRegion);
    const before = edge.replicas[replica]?.counters.faulted ?? 0;
    const forwardedBefore = edge.replicas[replica]?.counters.forwarded ?? 0;
    await edge.setFault(replica, fault);
    try {
      const res = await get('globex.app.example.com', { edgeRegion });
      expect(res.status).toBe(200);
      expect((res.json as OriginEcho).xTenantId).toBe('globex');
      if (fault.mode === 'refuse') {
        // Refused connections never reach the proxy, and nothing was forwarded by it either.
        expect(edge.replicas[replica]?.counters.forwarded).toBe(forwardedBefore);
      } else expect(edge.replicas[replica]?.counters.faulted).toBeGreaterThan(before);
    } finally {
      await edge.clearFaults();
    }
  });

  it('serves again from the nearest replica once it is back and its cooldown is over', async () => {
    // An edge region of its own, so its handler starts with no demoted replica; this test demotes
    // the nearest one itself instead of relying on the failover cases above.
    const edgeRegion = 'ap-northeast-1';
    const replica = nearest(edgeRegion);
    const forwarded = () => edge.replicas[replica]?.counters.forwarded ?? 0;
    await edge.setFault(replica, { mode: 'refuse' });
    try {
      const failedOver = await get('shop.acme.com', { edgeRegion });
      expect(failedOver.status).toBe(200);
    } finally {
      await edge.clearFaults();
    }
    const whileDemoted = forwarded();
    // The nearest replica failed an attempt, so it is tried last for the cooldown; wait it out.
    await new Promise((resolve) => setTimeout(resolve, REPLICA_COOLDOWN_MS + 50));
    const res = await get('shop.acme.com', { edgeRegion });
    expect(res.status).toBe(200);
    expect(forwarded()).toBeGreaterThan(whileDemoted);
  });
});

// Last: stops the embedded DynamoDB server for good.
describe('DynamoDB server stopped', () => {
  it('serves cached tenants stale and answers 503 for uncached ones', async () => {
    const edgeRegion = 'sa-east-1';
    expect((await get('shop.acme.com', { edgeRegion })).status).toBe(200);

    await edge.stopDynamoDB();

    const cached = await get('shop.acme.com', { edgeRegion });
    expect(cached.status).toBe(200);
    expect((cached.json as OriginEcho).xTenantId).toBe('acme');

    const uncached = await get('globex.app.example.com', { edgeRegion });
    expect(uncached.status).toBe(503);
    expect(uncached.headers['retry-after']).toBeDefined();
    expect(uncached.json).toMatchObject({ error: 'lookup-failed' });
  });
});
