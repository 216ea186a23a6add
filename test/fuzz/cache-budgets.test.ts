/**
 * The route cache's budgets under a flood: whatever sequence of unknown hosts (custom domains of no
 * tenant, platform subdomains of no tenant, with or without a wildcard parent) arrives, every route
 * that was cached before (platform tenants, custom domains, hosts served by a wildcard, REGIONS)
 * is still served from the cache when the table becomes unreachable right after: stale within
 * max-stale, never a 503.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCachedTenantStore } from '../../edge/cached-tenant-store.ts';
import { LookupFailedError } from '../../edge/errors.ts';
import { routeRequest } from '../../edge/resolve-route.ts';
import { controlledTenantStore } from '../support/controlled-tenant-store.ts';
import { fakeClock } from '../support/fake-clock.ts';
import { createInMemoryTenantStore } from '../support/in-memory-tenant-store.ts';
import { aDomainRecord, aTenantRecord, someRegions, tenantId } from '../support/records.ts';
import { aRouterConfig } from '../support/router-config.ts';
import { fuzzParameters, fuzzTimeoutMs } from './fuzz-runs.ts';

const KNOWN_HOSTS = [
  'alpha.app.example.com',
  'beta.app.example.com',
  'shop.gamma.com',
  'www.delta.example.net', // served by *.delta.example.net
];
const records = {
  regions: someRegions(),
  tenants: ['alpha', 'beta', 'gamma', 'delta'].map((id) => aTenantRecord({ tenantId: tenantId(id) })),
  domains: [
    aDomainRecord({ host: 'shop.gamma.com', tenantId: tenantId('gamma') }),
    aDomainRecord({ host: '*.delta.example.net', tenantId: tenantId('delta') }),
  ],
};

const label = fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/);
/** Hosts that resolve to no tenant, in every way the router looks them up. */
const unknownHost = fc.oneof(
  label.map((l) => `${l}.unknown.example.org`),
  fc.tuple(label, label).map(([a, b]) => `${a}.${b}.example.com`),
  label.filter((l) => !['alpha', 'beta'].includes(l)).map((l) => `${l}.app.example.com`),
  label.map((l) => `${l}.gamma.com`),
);

describe('route cache budgets', () => {
  it(
    'no sequence of unknown hosts evicts a found route that stale-if-error needs',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(unknownHost, { minLength: 1, maxLength: 300 }), async (flood) => {
          const clock = fakeClock();
          const config = aRouterConfig({
            cache: {
              maxTenants: 8,
              maxAbsences: 4,
              ttlMs: 30_000,
              negativeTtlMs: 5_000,
              maxStaleMs: 300_000,
            },
          });
          const table = controlledTenantStore(createInMemoryTenantStore(records));
          const store = createCachedTenantStore(table, { cache: config.cache, clock: clock.now });
          const route = (host: string) => routeRequest({ hostValues: [host], uri: '/' }, { store, config });
          for (const host of KNOWN_HOSTS) expect((await route(host)).decision.kind).toBe('forward');

          for (const host of flood) expect((await route(host)).decision).toMatchObject({ status: 404 });

          table.breakWith(new LookupFailedError('every replica is unreachable'));
          clock.advance(config.cache.ttlMs + 1);
          for (const host of KNOWN_HOSTS) {
            const result = await route(host);
            expect(result.decision.kind, `${host} after ${flood.length} unknown hosts`).toBe('forward');
            expect(result.outcomes).not.toContain('miss');
          }
          expect(store.sizes.absences).toBeLessThanOrEqual(4);
        }),
        fuzzParameters(0.25),
      );
    },
    fuzzTimeoutMs(0.25),
  );
});
