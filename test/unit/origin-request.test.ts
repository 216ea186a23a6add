import type { CloudFrontRequest, CloudFrontRequestEvent, CloudFrontResultResponse } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { LookupFailedError, MalformedItemError } from '../../edge/errors.ts';
import type { LogEntry } from '../../edge/logger.ts';
import { createOriginRequestHandler } from '../../edge/origin-request.ts';
import { type TenantStore, uncachedTenantStore } from '../../edge/tenant-store.ts';
import { anOriginRequestEvent } from '../../scripts/lib/origin-request-event.ts';
import { createInMemoryTenantStore } from '../support/in-memory-tenant-store.ts';
import {
  aCustomOrigin,
  aDomainRecord,
  anS3Origin,
  aTenantRecord,
  region,
  someRegions,
  tenantId,
} from '../support/records.ts';
import { aRouterConfig } from '../support/router-config.ts';

const baseConfig = {
  allowedOriginSuffixes: ['.origin.example.com', 'assets.s3.eu-west-1.amazonaws.com'],
  decisionLogSampleRate: 0,
};

const tenant = (id: string, home: string, overrides: Parameters<typeof aTenantRecord>[0] = {}) =>
  aTenantRecord({ tenantId: tenantId(id), region: region(home), ...overrides });

const records = {
  regions: someRegions({ 'us-east-1': {}, 'eu-west-1': {} }),
  tenants: [
    tenant('acme', 'eu-west-1'),
    tenant('globex', 'us-east-1'),
    tenant('initech', 'eu-west-1', { status: 'suspended' }),
    tenant('hooli', 'us-east-1', { status: 'maintenance' }),
    tenant('umbrella', 'us-east-1', {
      origin: aCustomOrigin({
        domainName: 'umbrella.dedicated.origin.example.com',
        protocol: 'http',
        port: 8080,
        path: '/site',
      }),
    }),
    tenant('stark', 'eu-west-1', {
      origin: anS3Origin({ domainName: 'assets.s3.eu-west-1.amazonaws.com', path: '/stark' }),
    }),
    tenant('evil', 'eu-west-1', { origin: aCustomOrigin({ domainName: 'attacker.example.org' }) }),
    tenant('wayne', 'us-east-1', {
      origin: aCustomOrigin({ domainName: 'wayne.dedicated.origin.example.com' }),
      originSecret: 'wayne-own-secret-0123456789abcdefghij',
      nextOriginSecret: 'wayne-next-secret-0123456789abcdefghi',
    }),
  ],
  domains: [
    aDomainRecord({ host: 'shop.acme.com', tenantId: tenantId('acme') }),
    aDomainRecord({ host: '*.globex.example.net', tenantId: tenantId('globex') }),
    aDomainRecord({
      host: 'shared.example.com',
      tenantId: tenantId('acme'),
      paths: new Map([['/globex', tenantId('globex')]]),
    }),
    aDomainRecord({ host: 'dangling.example.com', tenantId: tenantId('ghost') }),
  ],
};

const memoryStore = (): TenantStore => createInMemoryTenantStore(records);

function setup(store: TenantStore = memoryStore(), overrides: Record<string, unknown> = {}) {
  const logs: LogEntry[] = [];
  const handle = createOriginRequestHandler({
    config: aRouterConfig({ ...baseConfig, ...overrides }),
    store: uncachedTenantStore(store),
    logger: { log: (entry) => logs.push(entry) },
    random: () => 0.5,
    edgeRegion: 'us-east-1',
  });
  return { handle, logs };
}

const asRequest = (result: unknown) => result as CloudFrontRequest;
const asResponse = (result: unknown) => result as CloudFrontResultResponse;
const header = (request: CloudFrontRequest, name: string) => request.headers[name]?.map((h) => h.value);

describe('origin-request handler', () => {
  it.each([
    ['a custom domain', 'shop.acme.com', '/', 'acme', 'eu-west-1'],
    ['a platform subdomain', 'globex.app.example.com', '/', 'globex', 'us-east-1'],
    ['a one-level wildcard domain', 'www.globex.example.net', '/', 'globex', 'us-east-1'],
    ['a path prefix on a shared host', 'shared.example.com', '/globex/x', 'globex', 'us-east-1'],
    ['the default tenant of a shared host', 'shared.example.com', '/other', 'acme', 'eu-west-1'],
    ['a host in mixed case with a port', 'SHOP.Acme.com:443', '/', 'acme', 'eu-west-1'],
  ])('routes %s to its home region pool', async (_, host, uri, tenantId, region) => {
    const { handle } = setup();
    const request = asRequest(await handle(anOriginRequestEvent({ hosts: [host], uri })));
    expect(request.origin?.custom).toMatchObject({
      domainName: `pool.${region}.origin.example.com`,
      protocol: 'https',
      port: 443,
      path: '',
    });
    expect(header(request, 'host')).toEqual([`pool.${region}.origin.example.com`]);
    expect(header(request, 'x-tenant-id')).toEqual([tenantId]);
    expect(header(request, 'x-forwarded-host')).toEqual([host.toLowerCase().replace(/:\d+$/, '')]);
    expect(request.uri).toBe(uri);
  });

  it('overwrites client-sent router headers and drops a client-sent origin secret', async () => {
    const { handle } = setup();
    const event = anOriginRequestEvent({
      headers: { 'X-Tenant-Id': 'globex', 'X-Forwarded-Host': 'evil.example', 'X-Origin-Secret': 'guess' },
    });
    const request = asRequest(await handle(event));
    expect(header(request, 'x-tenant-id')).toEqual(['acme']);
    expect(header(request, 'x-forwarded-host')).toEqual(['shop.acme.com']);
    expect(request.headers['x-origin-secret']).toBeUndefined();
  });

  it("carries the distribution's origin custom headers and timeouts over to the new origin", async () => {
    const { handle } = setup();
    const event = anOriginRequestEvent({ customHeaders: { 'X-Origin-Secret': 's3cr3t' } });
    const custom = asRequest(await handle(event)).origin?.custom;
    expect(custom?.customHeaders).toEqual({
      'x-origin-secret': [{ key: 'X-Origin-Secret', value: 's3cr3t' }],
    });
    expect(custom).toMatchObject({ readTimeout: 30, keepaliveTimeout: 5, sslProtocols: ['TLSv1.2'] });
  });

  it("never sends the distribution's origin custom headers (the platform secret) to a dedicated origin", async () => {
    const { handle } = setup();
    const secret = { 'X-Origin-Secret': 'platform-secret' };
    const pool = asRequest(await handle(anOriginRequestEvent({ customHeaders: secret })));
    expect(pool.origin?.custom?.customHeaders).toEqual({
      'x-origin-secret': [{ key: 'X-Origin-Secret', value: 'platform-secret' }],
    });
    for (const host of ['umbrella.app.example.com', 'stark.app.example.com']) {
      const dedicated = asRequest(
        await handle(anOriginRequestEvent({ hosts: [host], customHeaders: secret })),
      );
      expect(dedicated.origin?.custom?.customHeaders).toEqual({});
    }
  });

  it('sends a dedicated origin its own secret, the current one and not the staged next one', async () => {
    const { handle } = setup();
    const event = anOriginRequestEvent({
      hosts: ['wayne.app.example.com'],
      customHeaders: { 'X-Origin-Secret': 'platform-secret' },
    });
    expect(asRequest(await handle(event)).origin?.custom?.customHeaders).toEqual({
      'x-origin-secret': [{ key: 'x-origin-secret', value: 'wayne-own-secret-0123456789abcdefghij' }],
    });
  });

  it('routes to a dedicated custom origin with its protocol, port and path', async () => {
    const { handle } = setup();
    const request = asRequest(await handle(anOriginRequestEvent({ hosts: ['umbrella.app.example.com'] })));
    expect(request.origin?.custom).toMatchObject({
      domainName: 'umbrella.dedicated.origin.example.com',
      protocol: 'http',
      port: 8080,
      path: '/site',
    });
    expect(header(request, 'host')).toEqual(['umbrella.dedicated.origin.example.com']);
  });

  it('routes to a dedicated S3 origin', async () => {
    const { handle } = setup();
    const request = asRequest(await handle(anOriginRequestEvent({ hosts: ['stark.app.example.com'] })));
    // Over HTTPS to the bucket's REST endpoint, and without the platform's origin secret.
    expect(request.origin).toEqual({
      custom: {
        customHeaders: {},
        domainName: 'assets.s3.eu-west-1.amazonaws.com',
        keepaliveTimeout: 5,
        path: '/stark',
        port: 443,
        protocol: 'https',
        readTimeout: 30,
        sslProtocols: ['TLSv1.2'],
      },
    });
    expect(header(request, 'host')).toEqual(['assets.s3.eu-west-1.amazonaws.com']);
  });

  it.each([
    ['a suspended tenant', ['initech.app.example.com'], '403', 'suspended'],
    ['a tenant in maintenance', ['hooli.app.example.com'], '503', 'maintenance'],
    ['an unknown custom domain', ['nobody.example.org'], '404', 'unknown-host'],
    ['an unknown platform tenant', ['nobody.app.example.com'], '404', 'unknown-tenant'],
    ['a malformed host', ['bad_host!'], '400', 'bad-host'],
    ['several Host headers', ['shop.acme.com', 'globex.app.example.com'], '400', 'bad-host'],
    ['no Host header', null, '400', 'bad-host'],
    ['an origin outside the allowed suffixes', ['evil.app.example.com'], '502', 'disallowed-origin'],
  ])('answers %s with a generated %s', async (_, hosts, status, reason) => {
    const { handle } = setup();
    const response = asResponse(await handle(anOriginRequestEvent({ hosts })));
    expect(response.status).toBe(status);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({ error: reason });
    expect(response.headers?.['content-type']?.[0]?.value).toContain('application/json');
  });

  it('adds Retry-After to maintenance answers and no-store to every 5xx', async () => {
    const { handle } = setup();
    const response = asResponse(await handle(anOriginRequestEvent({ hosts: ['hooli.app.example.com'] })));
    expect(response.headers?.['retry-after']?.[0]?.value).toBe('30');
    expect(response.headers?.['cache-control']?.[0]?.value).toBe('no-store');
  });

  it('lets CloudFront cache a 404 for the negative TTL only', async () => {
    const { handle } = setup();
    const response = asResponse(await handle(anOriginRequestEvent({ hosts: ['nobody.example.org'] })));
    expect(response.headers?.['cache-control']?.[0]?.value).toBe('public, max-age=5');
  });

  it('forwards unknown hosts to the fallback origin when configured so', async () => {
    const fallback = {
      type: 'custom',
      domainName: 'fallback.origin.example.com',
      protocol: 'https',
      port: 443,
    };
    const { handle } = setup(memoryStore(), { unknownHost: { action: 'forward', origin: fallback } });
    const request = asRequest(await handle(anOriginRequestEvent({ hosts: ['nobody.example.org'] })));
    expect(request.origin?.custom?.domainName).toBe('fallback.origin.example.com');
    expect(request.headers['x-tenant-id']).toBeUndefined();
  });

  it('answers 503 and logs the cause when the lookup fails', async () => {
    const failing: TenantStore = {
      ...memoryStore(),
      getDomain: async () => {
        throw new LookupFailedError('all replicas failed', { cause: new Error('ECONNREFUSED') });
      },
    };
    const { handle, logs } = setup(failing);
    const response = asResponse(await handle(anOriginRequestEvent()));
    expect(response.status).toBe('503');
    expect(response.body).not.toContain('ECONNREFUSED');
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'error',
        errorName: 'LookupFailedError',
        cause: 'Error: ECONNREFUSED',
        host: 'shop.acme.com',
      }),
    ]);
  });

  it('answers 502 and logs a malformed item', async () => {
    const malformed: TenantStore = {
      ...memoryStore(),
      getTenant: async () => {
        throw new MalformedItemError('TENANT#acme', 'status must be a string');
      },
    };
    const { handle, logs } = setup(malformed);
    const response = asResponse(await handle(anOriginRequestEvent()));
    expect(response.status).toBe('502');
    expect(JSON.parse(response.body ?? '{}').error).toBe('malformed-item');
    expect(logs[0]).toMatchObject({ level: 'error', errorName: 'MalformedItemError', tenantId: undefined });
  });

  it('logs a domain that points at a missing tenant', async () => {
    const { handle, logs } = setup();
    const response = asResponse(await handle(anOriginRequestEvent({ hosts: ['dangling.example.com'] })));
    expect(response.status).toBe('404');
    expect(logs[0]).toMatchObject({ level: 'warn', error: expect.stringContaining('ghost') });
  });

  it('never throws on a malformed event', async () => {
    const { handle, logs } = setup();
    const response = asResponse(await handle({ Records: [] } as unknown as CloudFrontRequestEvent));
    expect(response.status).toBe('502');
    expect(logs[0]).toMatchObject({ level: 'error', msg: 'handler-failure' });
  });

  it('logs sampled routing decisions with tenant, region and cache outcomes', async () => {
    const logs: LogEntry[] = [];
    const handle = createOriginRequestHandler({
      config: aRouterConfig({ ...baseConfig, decisionLogSampleRate: 0.5 }),
      store: uncachedTenantStore(memoryStore()),
      logger: { log: (entry) => logs.push(entry) },
      random: () => 0.25,
    });
    await handle(anOriginRequestEvent());
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'route',
        tenantId: 'acme',
        region: 'eu-west-1',
        cache: ['miss', 'miss', 'miss'],
        lookupMs: expect.any(Number),
      }),
    ]);
  });

  describe('hooks', () => {
    it('tells onRouted the decision and outcomes of the very event it routed', async () => {
      const seen: [CloudFrontRequestEvent, string, string[]][] = [];
      const handle = createOriginRequestHandler({
        config: aRouterConfig(baseConfig),
        tenantStore: memoryStore(),
        logger: { log() {} },
        edgeRegion: 'us-east-1',
        hooks: { onRouted: (event, result) => seen.push([event, result.decision.kind, result.outcomes]) },
      });
      const cold = anOriginRequestEvent();
      const warm = anOriginRequestEvent();
      await handle(cold);
      await handle(warm);
      expect(seen).toEqual([
        [cold, 'forward', ['miss', 'miss', 'miss']],
        [warm, 'forward', ['hit', 'hit', 'hit']],
      ]);
    });

    it('logs a hook that throws and still answers the viewer', async () => {
      const logs: LogEntry[] = [];
      const handle = createOriginRequestHandler({
        config: aRouterConfig(baseConfig),
        tenantStore: memoryStore(),
        logger: { log: (entry) => logs.push(entry) },
        edgeRegion: 'us-east-1',
        hooks: {
          onRouted: () => {
            throw new Error('metrics sink is full');
          },
        },
      });
      const result = asRequest(await handle(anOriginRequestEvent()));
      expect(result.origin?.custom?.domainName).toMatch(/eu-west-1/);
      expect(logs).toEqual([
        expect.objectContaining({
          level: 'error',
          msg: 'hook-failure',
          error: 'Error: metrics sink is full',
        }),
      ]);
    });
  });

  it('routes through the production assembly of stores, visible on the handler', () => {
    const config = aRouterConfig(baseConfig);
    const handle = createOriginRequestHandler({
      config,
      tenantStore: memoryStore(),
      edgeRegion: 'eu-west-1',
    });
    expect(handle.assembly.edgeRegion).toBe('eu-west-1');
    expect(handle.assembly.settings).toEqual({
      cache: config.cache,
      refreshWaitMs: config.lookup.attemptTimeoutMs,
    });
  });
});
