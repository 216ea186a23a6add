import { describe, expect, it } from 'vitest';
import { createCachedTenantStore } from '../../edge/cached-tenant-store.ts';
import { routeFromCache, routeRequest } from '../../edge/resolve-route.ts';
import { controlledTenantStore } from '../support/controlled-tenant-store.ts';
import { fakeClock } from '../support/fake-clock.ts';
import { createInMemoryTenantStore } from '../support/in-memory-tenant-store.ts';
import { aDomainRecord, aTenantRecord, someRegions, tenantId } from '../support/records.ts';
import { aRouterConfig } from '../support/router-config.ts';

const config = aRouterConfig({ cache: { ttlMs: 1_000, negativeTtlMs: 500 } });
const records = {
  regions: someRegions(),
  tenants: [aTenantRecord({ tenantId: tenantId('acme') })],
  domains: [aDomainRecord({ host: '*.acme.example.net', tenantId: tenantId('acme') })],
};

function setup() {
  const clock = fakeClock();
  const inner = controlledTenantStore(createInMemoryTenantStore(records));
  const store = createCachedTenantStore(inner, { cache: config.cache, clock: clock.now });
  return { clock, inner, deps: { store, config } };
}

const request = { hostValues: ['www.acme.example.net'], uri: '/' };

describe('routeFromCache (the warm path)', () => {
  it('cannot answer before the records are cached', () => {
    expect(routeFromCache(request, setup().deps)).toBeUndefined();
  });

  it('answers from fresh entries alone, with the same decision as the async path', async () => {
    const { deps, inner } = setup();
    const cold = await routeRequest(request, deps);
    const readsAfterCold = inner.reads;
    const warm = routeFromCache(request, deps);
    expect(warm?.decision).toEqual(cold.decision);
    expect(warm?.outcomes).toEqual(['negative', 'hit', 'hit', 'hit']);
    expect(inner.reads).toBe(readsAfterCold);
  });

  it('gives way to the async path once an entry expires', async () => {
    const { deps, clock } = setup();
    await routeRequest(request, deps);
    clock.advance(600); // past the negative TTL of the exact-host lookup only
    expect(routeFromCache(request, deps)).toBeUndefined();
    const refreshed = await routeRequest(request, deps);
    expect(refreshed.outcomes).toEqual(['miss', 'hit', 'hit', 'hit']);
  });

  it('reads the clock once for all its freshness checks, and judges each peek by that reading', async () => {
    const clock = fakeClock();
    let reads = 0;
    const counted = () => {
      reads++;
      return clock.now();
    };
    const inner = createInMemoryTenantStore(records);
    const store = createCachedTenantStore(inner, { cache: config.cache, clock: counted });
    await routeRequest(request, { store, config });
    reads = 0;
    expect(routeFromCache(request, { store, config })?.decision).toMatchObject({ kind: 'forward' });
    expect(reads).toBe(1); // four peeks: exact host, wildcard, tenant, regions
    const now = store.now();
    expect(store.peekTenant(tenantId('acme'), now)?.outcome).toBe('hit');
    expect(store.peekTenant(tenantId('acme'), now + config.cache.ttlMs)).toBeUndefined();
  });

  it('answers a bad Host with 400 without any lookup', () => {
    const { deps, inner } = setup();
    expect(routeFromCache({ hostValues: ['no spaces.example'], uri: '/' }, deps)?.decision).toMatchObject({
      status: 400,
    });
    expect(inner.reads).toBe(0);
  });
});

describe('routeRequest', () => {
  it('reads each record a request needs exactly once', async () => {
    const { deps, inner } = setup();
    const result = await routeRequest(request, deps);
    expect(result.decision).toMatchObject({ kind: 'forward', tenantId: 'acme' });
    expect(result.outcomes).toEqual(['miss', 'miss', 'miss', 'miss']);
    expect(inner.reads).toBe(4); // exact host (absent), wildcard, tenant, regions
  });

  it('asks for an exact host, its wildcard and the regions in one turn, before any answer', async () => {
    const { deps, inner } = setup();
    inner.hold();
    const routed = routeRequest(request, deps);
    await Promise.resolve();
    // All three are asked for while none has been answered: a batching store sends them together.
    expect(inner.held).toBe(3);
    expect(
      ['DOMAIN#www.acme.example.net', 'DOMAIN#*.acme.example.net', 'REGIONS'].map(inner.readsOf),
    ).toEqual([1, 1, 1]);
    inner.release();
    expect((await routed).decision).toMatchObject({ kind: 'forward', tenantId: 'acme' });
    expect(inner.reads).toBe(4); // the tenant came next, once its id was known
  });

  it('reads no wildcard or regions ahead when the cache holds them fresh', async () => {
    const { deps, inner } = setup();
    await routeRequest(request, deps);
    const before = inner.reads;
    await routeRequest({ hostValues: ['shop.acme.example.net'], uri: '/' }, deps);
    expect(inner.reads - before).toBe(1); // the exact host only
  });

  it('refreshes a host whose own item it found before without reading its wildcard again', async () => {
    const exact = aDomainRecord({ host: 'shop.acme.example.net', tenantId: tenantId('acme') });
    const clock = fakeClock();
    const inner = controlledTenantStore(
      createInMemoryTenantStore({ ...records, domains: [...records.domains, exact] }),
    );
    const store = createCachedTenantStore(inner, { cache: config.cache, clock: clock.now });
    const shop = { hostValues: ['shop.acme.example.net'], uri: '/' };
    await routeRequest(shop, { store, config });
    expect(inner.readsOf('DOMAIN#*.acme.example.net')).toBe(1); // never seen: read ahead
    clock.advance(config.cache.ttlMs);
    await routeRequest(shop, { store, config });
    expect(inner.readsOf('DOMAIN#shop.acme.example.net')).toBe(2);
    expect(inner.readsOf('DOMAIN#*.acme.example.net')).toBe(1); // known to exist: no wildcard
  });

  it('keeps no absent wildcard read ahead beside a host found by its own item', async () => {
    const clock = fakeClock();
    const own = aDomainRecord({ host: 'shop.globex.example.com', tenantId: tenantId('acme') });
    const inner = controlledTenantStore(
      createInMemoryTenantStore({ ...records, domains: [...records.domains, own] }),
    );
    const store = createCachedTenantStore(inner, { cache: config.cache, clock: clock.now });
    await routeRequest({ hostValues: ['shop.globex.example.com'], uri: '/' }, { store, config });
    expect(inner.readsOf('DOMAIN#*.globex.example.com')).toBe(1); // read ahead, found absent
    expect(store.sizes).toMatchObject({ domains: 1, absences: 0 }); // and not held
    // An unknown host keeps both absences (its answer depends on them).
    await routeRequest({ hostValues: ['nobody.initech.example.com'], uri: '/' }, { store, config });
    expect(store.sizes.absences).toBe(2);
  });

  it('reports the outcomes read so far when a lookup fails', async () => {
    const { deps, inner } = setup();
    inner.breakWith(new Error('replica down'));
    const result = await routeRequest(request, deps);
    expect(result.decision).toMatchObject({ status: 503, reason: 'lookup-failed' });
    expect(result.error).toBeInstanceOf(Error);
  });
});
