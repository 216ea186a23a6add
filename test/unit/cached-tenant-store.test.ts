import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCachedTenantStore } from '../../edge/cached-tenant-store.ts';
import type { CacheConfig } from '../../edge/config.ts';
import { ConfigError, LookupFailedError, MalformedItemError } from '../../edge/errors.ts';
import { domainKey, REGIONS_KEY, tenantKey } from '../../edge/items.ts';
import type { CacheOutcome, TenantRecord } from '../../edge/model.ts';
import { slimTenant } from '../../edge/route-records.ts';
import type { CachedTenantStore } from '../../edge/tenant-store.ts';
import { type ControlledTenantStore, controlledTenantStore } from '../support/controlled-tenant-store.ts';
import { type FakeClock, fakeClock } from '../support/fake-clock.ts';
import { createInMemoryTenantStore, type InMemoryTenantStore } from '../support/in-memory-tenant-store.ts';
import { MALFORMED_CASES } from '../support/malformed-items.ts';
import { aDomainRecord, aTenantRecord, region, someRegions, tenantId } from '../support/records.ts';

const CACHE: CacheConfig = {
  ttlMs: 30_000,
  negativeTtlMs: 5_000,
  maxStaleMs: 300_000,
  maxTenants: 100,
  maxAbsences: 100,
  errorBackoffMs: 1_000,
};
const acme = aTenantRecord();
const acmeKey = tenantKey(acme.tenantId);
const nobody = tenantId('nobody');
const outage = () => new LookupFailedError('every replica failed');
/** The answer the cache gives for a tenant record: its slim route, with how it was served. */
const cachedAs = (record: TenantRecord, outcome: CacheOutcome) => ({
  value: slimTenant(record, record.tenantId),
  outcome,
});

describe('createCachedTenantStore', () => {
  let clock: FakeClock;
  let table: InMemoryTenantStore;
  let store: ControlledTenantStore;
  let cached: CachedTenantStore;

  beforeEach(() => {
    clock = fakeClock();
    table = createInMemoryTenantStore({
      tenants: [acme],
      domains: [aDomainRecord()],
      regions: someRegions(),
    });
    store = controlledTenantStore(table);
    cached = createCachedTenantStore(store, { cache: CACHE, clock: clock.now });
  });

  describe('fresh entries', () => {
    it.each([
      ['a tenant', () => cached.getTenant(acme.tenantId), acmeKey],
      ['a domain', () => cached.getDomain('shop.acme.com'), domainKey('shop.acme.com')],
      ['the regions', () => cached.getRegions(), REGIONS_KEY],
    ])('reads %s from the store once, then serves it from memory until the TTL', async (_, read, key) => {
      const first = await read();
      clock.advance(CACHE.ttlMs - 1);
      const second = await read();

      expect(first.outcome).toBe('miss');
      expect(first.value).toBeDefined();
      expect(second).toMatchObject({ value: first.value, outcome: 'hit' });
      expect(store.readsOf(key)).toBe(1);
    });

    it('hands out the same answer object on every hit (the warm path allocates nothing)', async () => {
      await cached.getTenant(acme.tenantId);
      const a = await cached.getTenant(acme.tenantId);
      const b = await cached.getTenant(acme.tenantId);
      expect(a).toBe(b);
      expect(Object.isFrozen(a)).toBe(true);
    });

    it('refreshes an expired entry from the store and sees the new version', async () => {
      await cached.getTenant(acme.tenantId);
      const moved = { ...acme, region: region('eu-west-1'), version: 2 };
      table.putRecords({ tenants: [moved] });
      clock.advance(CACHE.ttlMs);

      expect(await cached.getTenant(acme.tenantId)).toMatchObject(cachedAs(moved, 'miss'));
      expect(await cached.getTenant(acme.tenantId)).toMatchObject(cachedAs(moved, 'hit'));
      expect(store.readsOf(acmeKey)).toBe(2);
    });

    it('counts the TTL from when the read started, not when it finished', async () => {
      store.hold();
      const pending = cached.getTenant(acme.tenantId);
      clock.advance(25_000);
      store.release();
      await pending;
      clock.advance(CACHE.ttlMs - 25_000);

      expect((await cached.getTenant(acme.tenantId)).outcome).toBe('miss');
    });
  });

  describe('absent items', () => {
    it('remembers an absence for the negative TTL', async () => {
      expect(await cached.getTenant(nobody)).toMatchObject({ value: undefined, outcome: 'miss' });
      clock.advance(CACHE.negativeTtlMs - 1);
      expect(await cached.getTenant(nobody)).toMatchObject({ value: undefined, outcome: 'negative' });
      expect(store.readsOf(tenantKey(nobody))).toBe(1);
    });

    it('asks again once the negative TTL is over, and finds an item created meanwhile', async () => {
      await cached.getTenant(nobody);
      const created = aTenantRecord({ tenantId: nobody });
      table.putRecords({ tenants: [created] });
      clock.advance(CACHE.negativeTtlMs);

      expect(await cached.getTenant(nobody)).toMatchObject(cachedAs(created, 'miss'));
    });

    it('keeps found items for the full TTL after absences have expired', async () => {
      await cached.getTenant(acme.tenantId);
      await cached.getTenant(nobody);
      clock.advance(CACHE.negativeTtlMs);

      expect((await cached.getTenant(acme.tenantId)).outcome).toBe('hit');
      expect((await cached.getTenant(nobody)).outcome).toBe('miss');
    });
  });

  describe('when a refresh fails', () => {
    it('serves the expired value as stale within max-stale', async () => {
      await cached.getTenant(acme.tenantId);
      store.breakWith(outage());
      clock.advance(CACHE.ttlMs + CACHE.maxStaleMs);

      expect(await cached.getTenant(acme.tenantId)).toMatchObject(cachedAs(acme, 'stale'));
      expect(store.readsOf(acmeKey)).toBe(2);
    });

    it('serves stale on any infrastructure error, not only LookupFailedError', async () => {
      await cached.getTenant(acme.tenantId);
      store.breakWith(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      clock.advance(CACHE.ttlMs);

      expect(await cached.getTenant(acme.tenantId)).toMatchObject(cachedAs(acme, 'stale'));
    });

    it('rethrows the error once the entry is past max-stale', async () => {
      await cached.getTenant(acme.tenantId);
      const error = outage();
      store.breakWith(error);
      clock.advance(CACHE.ttlMs + CACHE.maxStaleMs + 1);

      await expect(cached.getTenant(acme.tenantId)).rejects.toBe(error);
    });

    it('rethrows the error when nothing was cached before', async () => {
      const error = outage();
      store.breakWith(error);
      await expect(cached.getTenant(acme.tenantId)).rejects.toBe(error);
    });

    it('serves a remembered absence as stale too (a wildcard-routed domain keeps working)', async () => {
      await cached.getDomain('www.acme.example.net');
      store.breakWith(outage());
      clock.advance(CACHE.negativeTtlMs + 1_000);

      expect(await cached.getDomain('www.acme.example.net')).toMatchObject({
        value: undefined,
        outcome: 'stale',
      });
    });

    it('serves stale without asking the store during the error backoff after a failed refresh', async () => {
      await cached.getTenant(acme.tenantId);
      store.breakWith(outage());
      clock.advance(CACHE.ttlMs);
      await cached.getTenant(acme.tenantId);
      clock.advance(999);

      expect(await cached.getTenant(acme.tenantId)).toMatchObject(cachedAs(acme, 'stale'));
      expect(store.readsOf(acmeKey)).toBe(2);
    });

    it('tries the store again after the error backoff and goes back to fresh once it answers', async () => {
      await cached.getTenant(acme.tenantId);
      store.breakWith(outage());
      clock.advance(CACHE.ttlMs);
      await cached.getTenant(acme.tenantId);
      store.heal();
      clock.advance(1_000);

      expect(await cached.getTenant(acme.tenantId)).toMatchObject(cachedAs(acme, 'miss'));
      expect(await cached.getTenant(acme.tenantId)).toMatchObject(cachedAs(acme, 'hit'));
    });

    it('does not let the error backoff stretch serving stale past max-stale', async () => {
      await cached.getTenant(acme.tenantId);
      const error = outage();
      store.breakWith(error);
      clock.advance(CACHE.ttlMs + CACHE.maxStaleMs - 500);
      await cached.getTenant(acme.tenantId);
      clock.advance(501);

      await expect(cached.getTenant(acme.tenantId)).rejects.toBe(error);
    });
  });

  describe('malformed items', () => {
    const bad = MALFORMED_CASES.find((c) => c.problem === 'unknown status');
    if (bad === undefined || bad.lookup.kind !== 'tenant') throw new Error('fixture missing');
    const badId = tenantId(bad.lookup.id);

    it('rethrows MalformedItemError and never caches it', async () => {
      table.putItems([bad.item]);
      await expect(cached.getTenant(badId)).rejects.toBeInstanceOf(MalformedItemError);
      await expect(cached.getTenant(badId)).rejects.toBeInstanceOf(MalformedItemError);
      expect(store.readsOf(tenantKey(badId))).toBe(2);
      expect(cached.size).toBe(0);
    });

    it('does not mask a malformed item with the last good value, and forgets that value', async () => {
      table.putRecords({ tenants: [aTenantRecord({ tenantId: badId })] });
      await cached.getTenant(badId);
      table.putItems([bad.item]);
      clock.advance(CACHE.ttlMs);

      await expect(cached.getTenant(badId)).rejects.toBeInstanceOf(MalformedItemError);
      // The good value is gone: a later outage cannot resurrect it either.
      const error = outage();
      store.breakWith(error);
      await expect(cached.getTenant(badId)).rejects.toBe(error);
    });
  });

  describe('concurrency', () => {
    it('makes one store read for concurrent misses of one key', async () => {
      store.hold();
      const reads = Array.from({ length: 10 }, () => cached.getTenant(acme.tenantId));
      expect(store.held).toBe(1);
      store.release();

      const answers = await Promise.all(reads);
      expect(answers.every((a) => a.value === answers[0]?.value && a.outcome === 'miss')).toBe(true);
      expect(store.readsOf(acmeKey)).toBe(1);
    });

    it('makes one store read for concurrent refreshes of an expired key', async () => {
      await cached.getTenant(acme.tenantId);
      clock.advance(CACHE.ttlMs);
      store.hold();
      const reads = Array.from({ length: 5 }, () => cached.getTenant(acme.tenantId));
      store.release();
      await Promise.all(reads);

      expect(store.readsOf(acmeKey)).toBe(2);
    });

    it('shares a failed read between its waiters, each served stale', async () => {
      await cached.getTenant(acme.tenantId);
      clock.advance(CACHE.ttlMs);
      store.breakWith(outage());
      store.hold();
      const reads = Array.from({ length: 3 }, () => cached.getTenant(acme.tenantId));
      store.release();

      for (const answer of await Promise.all(reads)) expect(answer).toMatchObject(cachedAs(acme, 'stale'));
      expect(store.readsOf(acmeKey)).toBe(2);
    });

    it('does not join a read left in flight by a frozen container; starts a new one', async () => {
      store.hold();
      const abandoned = cached.getTenant(acme.tenantId);
      clock.advance(31_000);
      const fresh = cached.getTenant(acme.tenantId);

      expect(store.held).toBe(2);
      store.release();
      expect(await fresh).toMatchObject(cachedAs(acme, 'miss'));
      await abandoned;
    });

    it('keeps the entry of the newer read when an abandoned older read finishes last', async () => {
      store.hold();
      const abandoned = cached.getTenant(acme.tenantId);
      clock.advance(31_000);
      const fresh = cached.getTenant(acme.tenantId);
      store.releaseNewest();
      await fresh;
      store.release();
      await abandoned;

      expect((await cached.getTenant(acme.tenantId)).outcome).toBe('hit');
    });

    it('reads different keys separately', async () => {
      await Promise.all([cached.getTenant(acme.tenantId), cached.getTenant(nobody), cached.getRegions()]);
      expect(store.reads).toBe(3);
    });
  });

  describe('options', () => {
    it.each([
      ['a negative TTL', { cache: { ...CACHE, ttlMs: -1 } }],
      ['a non-finite max-stale', { cache: { ...CACHE, maxStaleMs: Number.NaN } }],
      ['a zero tenant bound', { cache: { ...CACHE, maxTenants: 0 } }],
      ['a zero absence bound', { cache: { ...CACHE, maxAbsences: 0 } }],
      ['a negative refresh wait', { cache: CACHE, refreshWaitMs: -5 }],
    ])('refuses %s with a ConfigError', (_, options) => {
      expect(() => createCachedTenantStore(store, options)).toThrow(ConfigError);
    });
  });

  describe('size bound and clear', () => {
    it('holds at most maxTenants tenants, dropping the least recently used', async () => {
      const other = aTenantRecord({ tenantId: tenantId('other') });
      table.putRecords({ tenants: [other] });
      const small = createCachedTenantStore(store, { cache: { ...CACHE, maxTenants: 1 }, clock: clock.now });
      await small.getTenant(acme.tenantId);
      await small.getTenant(other.tenantId); // evicts acme

      expect(small.sizes.tenants).toBe(1);
      expect((await small.getTenant(other.tenantId)).outcome).toBe('hit');
      expect((await small.getTenant(acme.tenantId)).outcome).toBe('miss');
    });

    it('keeps absences in a budget of their own: however many, they never evict a found route', async () => {
      const small = createCachedTenantStore(store, {
        cache: { ...CACHE, maxTenants: 1, maxAbsences: 2 },
        clock: clock.now,
      });
      await small.getTenant(acme.tenantId);
      await small.getDomain('shop.acme.com');
      await small.getRegions();
      for (let i = 0; i < 10; i++) await small.getDomain(`unknown-${i}.example.org`);

      expect(small.sizes).toEqual({ tenants: 1, domains: 1, absences: 2, regions: 1 });
      expect(small.peekTenant(acme.tenantId)?.outcome).toBe('hit');
      expect(small.peekDomain('shop.acme.com')?.outcome).toBe('hit');
      expect(small.peekRegions()?.outcome).toBe('hit');
    });

    it('keeps an absence a route depends on with the found routes (keepAbsence)', async () => {
      const small = createCachedTenantStore(store, { cache: { ...CACHE, maxAbsences: 1 }, clock: clock.now });
      await small.getDomain('www.acme.example.net'); // served by a wildcard: its own item is absent
      small.keepAbsence('www.acme.example.net');
      await small.getDomain('unknown.example.org');
      await small.getDomain('other-unknown.example.org');
      clock.advance(CACHE.negativeTtlMs);
      await small.getDomain('www.acme.example.net'); // refreshed: stays with the found routes

      expect(small.sizes).toMatchObject({ domains: 1, absences: 1 });
      expect(small.peekDomain('www.acme.example.net')).toEqual(
        expect.objectContaining({ value: undefined, outcome: 'negative' }),
      );
    });

    it('counts found and absent entries in size', async () => {
      await cached.getTenant(acme.tenantId);
      await cached.getTenant(nobody);
      expect(cached.size).toBe(2);
    });

    it('drops every entry on clear, and a read in flight does not refill the cache', async () => {
      await cached.getTenant(acme.tenantId);
      store.hold();
      const inFlight = cached.getRegions();
      cached.clear();
      store.release();
      await inFlight;

      expect(cached.size).toBe(0);
      expect((await cached.getTenant(acme.tenantId)).outcome).toBe('miss');
    });
  });

  describe('with a refresh wait', () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      cached = createCachedTenantStore(store, { cache: CACHE, clock: clock.now, refreshWaitMs: 200 });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('serves stale when the refresh outlasts the refresh wait, and lets the refresh update the entry', async () => {
      await cached.getTenant(acme.tenantId);
      clock.advance(CACHE.ttlMs);
      const moved = { ...acme, version: 2 };
      table.putRecords({ tenants: [moved] });
      store.hold();

      const answer = cached.getTenant(acme.tenantId);
      await vi.advanceTimersByTimeAsync(200);
      expect(await answer).toMatchObject(cachedAs(acme, 'stale'));

      store.release();
      await vi.waitFor(async () =>
        expect(await cached.getTenant(acme.tenantId)).toMatchObject(cachedAs(moved, 'hit')),
      );
      expect(store.readsOf(acmeKey)).toBe(2);
    });

    it('serves stale at once to later requests while a refresh that outlasted the refresh wait runs', async () => {
      await cached.getTenant(acme.tenantId);
      clock.advance(CACHE.ttlMs);
      store.hold();
      const first = cached.getTenant(acme.tenantId);
      await vi.advanceTimersByTimeAsync(200);
      await first;

      expect(await cached.getTenant(acme.tenantId)).toMatchObject(cachedAs(acme, 'stale'));
      expect(store.held).toBe(1);
      store.release();
    });

    it('waits for the store when there is nothing to serve stale', async () => {
      store.hold();
      const answer = cached.getTenant(acme.tenantId);
      await vi.advanceTimersByTimeAsync(1_000);
      store.release();

      expect(await answer).toMatchObject(cachedAs(acme, 'miss'));
    });

    it('returns the refreshed value when it arrives within the refresh wait', async () => {
      await cached.getTenant(acme.tenantId);
      clock.advance(CACHE.ttlMs);
      expect(await cached.getTenant(acme.tenantId)).toMatchObject(cachedAs(acme, 'miss'));
    });
  });
});
