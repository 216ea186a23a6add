/**
 * Header spoofing end to end: a viewer sends its own `x-tenant-id`, `x-forwarded-host` and origin
 * secret through the local edge (CloudFront emulator + built router bundle), and the echo origins
 * show what actually arrived. The emulator, like CloudFront, answers 502 if the router's output
 * breaks a CloudFront rule, so a secret left in both the headers and the custom headers fails too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OriginEcho } from '../../scripts/local-edge/region-origin.ts';
import {
  DEMO_ORIGIN_SECRET,
  type LocalEdge,
  startLocalEdge,
} from '../../scripts/local-edge/start-local-edge.ts';
import { viewerRequest } from '../../scripts/local-edge/viewer-client.ts';

let edge: LocalEdge;
const diagnostics: string[] = [];

beforeAll(async () => {
  edge = await startLocalEdge({
    config: { decisionLogSampleRate: 0 },
    log: (line) => diagnostics.push(line),
  });
});

afterAll(async () => {
  await edge?.stop();
});

/** Spoofing header sets a client might try: names in other cases, several values, the real secret. */
const SPOOFS: ReadonlyArray<readonly [string, Record<string, string | string[]>]> = [
  [
    'lowercase copies',
    { 'x-tenant-id': 'globex', 'x-forwarded-host': 'evil.example.org', 'x-origin-secret': 'guess' },
  ],
  [
    'copies in other letter cases',
    { 'X-TENANT-ID': 'globex', 'X-Forwarded-HOST': 'evil.example.org', 'X-Origin-Secret': 'guess' },
  ],
  [
    'several values of each',
    {
      'x-tenant-id': ['globex', 'initech'],
      'x-forwarded-host': ['evil.example.org', 'shop.acme.com'],
      'x-origin-secret': ['a', 'b'],
    },
  ],
  [
    'comma lists and the right secret',
    {
      'x-tenant-id': 'globex, acme',
      'x-forwarded-host': 'evil.example.org, shop.acme.com',
      'x-origin-secret': DEMO_ORIGIN_SECRET,
    },
  ],
  ['empty values', { 'x-tenant-id': '', 'x-forwarded-host': '', 'x-origin-secret': '' }],
];

const forwardedHosts = () => edge.demo.hosts.filter((h) => h.status === 200);

describe('client-sent router headers', () => {
  it.each(SPOOFS)('never reach an origin as the client sent them: %s', async (_, spoof) => {
    for (const demo of forwardedHosts()) {
      const res = await viewerRequest(edge.url, { host: demo.host, headers: spoof });
      expect(res.status, `${demo.host}: ${res.body}`).toBe(200);
      const echo = res.json as OriginEcho;
      expect(echo.domainName).toBe(demo.originDomain);
      // Exactly the router's values, once each (a joined list would show a comma).
      expect(echo.headers['x-tenant-id']).toBe(demo.tenantId);
      expect(echo.headers['x-forwarded-host']).toBe(demo.host);
      // Exactly the distribution's secret to a pool origin, never the client's guess, never both;
      // nothing at all to a tenant's dedicated origin (the platform's secret is not theirs).
      const pool = demo.originDomain?.startsWith('pool.') === true;
      expect(echo.headers['x-origin-secret']).toBe(pool ? DEMO_ORIGIN_SECRET : undefined);
    }
  });

  it('removes underscore spellings, which CGI-style origins would read as the router headers', async () => {
    const res = await viewerRequest(edge.url, {
      host: 'shop.acme.com',
      headers: {
        x_tenant_id: 'globex',
        X_Forwarded_Host: 'evil.example.org',
        x_origin_secret: 'guess',
        'x-tenant_id': 'globex',
      },
    });
    const echo = res.json as OriginEcho;
    const names = Object.keys(echo.headers);
    expect(names.filter((n) => n.includes('_'))).toEqual([]);
    expect(echo.headers['x-tenant-id']).toBe('acme');
    expect(echo.headers['x-forwarded-host']).toBe('shop.acme.com');
    expect(echo.headers['x-origin-secret']).toBe(DEMO_ORIGIN_SECRET);
  });

  it('keeps the client’s Host out of the origin request: the origin sees its own domain', async () => {
    const res = await viewerRequest(edge.url, {
      host: 'shop.acme.com',
      headers: { 'x-forwarded-host': 'pool.eu-west-1.origin.example.com' },
    });
    const echo = res.json as OriginEcho;
    expect(echo.host).toBe(echo.domainName);
    expect(echo.xForwardedHost).toBe('shop.acme.com');
  });

  it('does not let a spoofed x-tenant-id choose the tenant of an unknown or suspended host', async () => {
    const before = Object.values(edge.counters.byOrigin).reduce((a, b) => a + b, 0);
    for (const host of ['nobody.example.com', 'umbrella.example.org', 'evil.app.example.com']) {
      const res = await viewerRequest(edge.url, {
        host,
        headers: {
          'x-tenant-id': 'acme',
          'x-forwarded-host': 'shop.acme.com',
          'x-origin-secret': DEMO_ORIGIN_SECRET,
        },
      });
      expect([403, 404]).toContain(res.status);
      expect(res.body).not.toContain(DEMO_ORIGIN_SECRET);
    }
    // Nothing was forwarded: no origin saw these requests at all.
    expect(Object.values(edge.counters.byOrigin).reduce((a, b) => a + b, 0)).toBe(before);
  });

  it('routes on the Host header alone, whatever x-forwarded-host or the query string claim', async () => {
    const res = await viewerRequest(edge.url, {
      host: 'globex.app.example.com',
      path: '/?host=shop.acme.com&x-tenant-id=acme',
      headers: { 'x-forwarded-host': 'shop.acme.com', forwarded: 'host=shop.acme.com' },
    });
    const echo = res.json as OriginEcho;
    expect(echo.xTenantId).toBe('globex');
    expect(echo.query).toBe('host=shop.acme.com&x-tenant-id=acme');
    // Forwarded is not a router header: it reaches the origin untouched, for the origin to distrust.
    expect(echo.headers.forwarded).toBe('host=shop.acme.com');
  });

  it('left no CloudFront rule violation in the emulator log', () => {
    expect(diagnostics.filter((line) => /LambdaValidationError|warning:|handler failed/.test(line))).toEqual(
      [],
    );
  });
});
