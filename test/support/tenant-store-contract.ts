/**
 * The behaviour every {@link TenantStore} implementation shares, as one suite run against each
 * (Hono's common.case pattern). Run it with {@link describeTenantStoreContract}.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MalformedItemError } from '../../edge/errors.ts';
import { domainToItem, type Item } from '../../edge/items.ts';
import type { Region } from '../../edge/model.ts';
import type { TenantStore } from '../../edge/tenant-store.ts';
import { MALFORMED_CASES, MALFORMED_REGIONS_ITEM } from './malformed-items.ts';
import {
  aCustomOrigin,
  aDomainRecord,
  anS3Origin,
  aTenantRecord,
  FIXTURE_TIME,
  recordItems,
  region,
  someRegions,
  tenantId,
} from './records.ts';

/** A store under test and the means to put items behind it. */
export interface TenantStoreHarness {
  readonly store: TenantStore;
  /** Makes these items readable through {@link store} (replacing items with the same `pk`). */
  seed(items: readonly Item[]): Promise<void>;
  /** Releases whatever setup started (servers, clients). */
  teardown(): Promise<void>;
}

const minimalTenant = aTenantRecord({ tenantId: tenantId('minimal') });
const fullTenant = aTenantRecord({
  tenantId: tenantId('full'),
  region: region('eu-west-1'),
  status: 'maintenance',
  origin: aCustomOrigin({
    domainName: 'full.origin.example.com',
    protocol: 'http',
    port: 8080,
    path: '/app',
  }),
  failoverRegion: region('us-east-1'),
  version: 42,
  domains: ['full.example.com', '*.full.example.net'],
  migration: {
    id: 'mig-1',
    from: region('eu-west-1'),
    to: region('us-east-1'),
    phase: 'frozen',
    startedAt: FIXTURE_TIME,
    priorStatus: 'active',
  },
});
const s3Tenant = aTenantRecord({ tenantId: tenantId('static'), origin: anS3Origin({ path: '/static' }) });
const suspendedTenant = aTenantRecord({ tenantId: tenantId('gone'), status: 'suspended', version: 7 });
const exactDomain = aDomainRecord({ host: 'shop.minimal.com', tenantId: tenantId('minimal') });
const wildcardDomain = aDomainRecord({ host: '*.full.example.net', tenantId: tenantId('full') });
const splitDomain = aDomainRecord({
  host: 'split.example.com',
  tenantId: tenantId('minimal'),
  paths: new Map([
    ['/docs', tenantId('full')],
    ['/docs/api', tenantId('static')],
  ]),
});
const regions = someRegions(
  {
    'us-east-1': {
      failover: region('eu-west-1'),
      healthUrl: 'https://pool.us-east-1.origin.example.com/health',
    },
    'eu-west-1': { status: 'draining', failover: region('us-east-1') },
  },
  3,
);

/**
 * Declares the contract suite for one implementation. `setup` runs once (beforeAll) and gets an
 * empty table; the suite seeds what it needs, with keys unique to each test.
 *
 * @example
 * describeTenantStoreContract('in-memory store', async () => {
 *   const store = createInMemoryTenantStore();
 *   return { store, seed: async (items) => store.putItems(items), teardown: async () => {} };
 * });
 */
export function describeTenantStoreContract(name: string, setup: () => Promise<TenantStoreHarness>): void {
  describe(`TenantStore contract: ${name}`, () => {
    let harness: TenantStoreHarness;
    let store: TenantStore;

    beforeAll(async () => {
      harness = await setup();
      store = harness.store;
    });
    afterAll(async () => {
      await harness?.teardown();
    });

    describe('on an empty table', () => {
      it('answers undefined for a host with no domain item', async () => {
        expect(await store.getDomain('nobody.example.com')).toBeUndefined();
      });

      it('answers undefined for a tenant with no tenant item', async () => {
        expect(await store.getTenant(tenantId('nobody'))).toBeUndefined();
      });

      it('answers undefined when there is no regions item', async () => {
        expect(await store.getRegions()).toBeUndefined();
      });
    });

    describe('with records seeded', () => {
      beforeAll(async () => {
        await harness.seed(
          recordItems({
            tenants: [minimalTenant, fullTenant, s3Tenant, suspendedTenant],
            domains: [exactDomain, wildcardDomain, splitDomain],
            regions,
          }),
        );
      });

      it.each([
        ['a minimal tenant', minimalTenant],
        ['a tenant with every optional field', fullTenant],
        ['a tenant with an S3 origin', s3Tenant],
        ['a suspended tenant', suspendedTenant],
      ])('reads %s as written', async (_, record) => {
        expect(await store.getTenant(record.tenantId)).toEqual(record);
      });

      it.each([
        ['an exact host', exactDomain],
        ['a wildcard host', wildcardDomain],
        ['a host split by path prefix', splitDomain],
      ])('reads the domain item of %s', async (_, record) => {
        expect(await store.getDomain(record.host)).toEqual(record);
      });

      it('reads the regions item with every region entry', async () => {
        expect(await store.getRegions()).toEqual(regions);
      });

      it('answers records asked for together (a DynamoDB store sends them as one batch), each as read alone', async () => {
        expect(
          await Promise.all([
            store.getDomain(exactDomain.host),
            store.getDomain(wildcardDomain.host),
            store.getDomain('absent.minimal.com'),
            store.getTenant(fullTenant.tenantId),
            store.getTenant(tenantId('nobody')),
            store.getRegions(),
          ]),
        ).toEqual([exactDomain, wildcardDomain, undefined, fullTenant, undefined, regions]);
      });

      it('fails only the malformed one of records asked for together', async () => {
        const [bad] = MALFORMED_CASES.filter((c) => c.lookup.kind === 'tenant');
        if (bad === undefined || bad.lookup.kind !== 'tenant') throw new Error('no malformed tenant case');
        await harness.seed([bad.item]);
        const [good, broken] = await Promise.allSettled([
          store.getTenant(minimalTenant.tenantId),
          store.getTenant(tenantId(bad.lookup.id)),
        ]);
        expect(good).toEqual({ status: 'fulfilled', value: minimalTenant });
        expect(broken).toMatchObject({ status: 'rejected', reason: expect.any(MalformedItemError) });
      });

      it('looks hosts up exactly: a wildcard item does not answer for a concrete host', async () => {
        expect(await store.getDomain('www.full.example.net')).toBeUndefined();
      });

      it('returns the newest version after an item is replaced', async () => {
        const before = aTenantRecord({
          tenantId: tenantId('moving'),
          region: region('us-east-1'),
          version: 1,
        });
        const after = { ...before, region: region('ap-southeast-2'), version: 2 };
        await harness.seed(recordItems({ tenants: [before] }));
        await harness.seed(recordItems({ tenants: [after] }));
        expect(await store.getTenant(before.tenantId)).toEqual(after);
      });

      it('keeps a domain item of an unknown tenant readable (routing decides what it means)', async () => {
        const orphan = aDomainRecord({ host: 'orphan.example.com', tenantId: tenantId('no-such-tenant') });
        await harness.seed([domainToItem(orphan, FIXTURE_TIME)]);
        expect(await store.getDomain(orphan.host)).toEqual(orphan);
      });
    });

    describe('with malformed items', () => {
      beforeAll(async () => {
        await harness.seed(MALFORMED_CASES.map((c) => c.item));
      });

      it.each(MALFORMED_CASES.map((c) => [c.problem, c] as const))(
        'refuses an item with %s as MalformedItemError',
        async (_, { item, lookup }) => {
          const read =
            lookup.kind === 'tenant' ? store.getTenant(tenantId(lookup.id)) : store.getDomain(lookup.host);
          const error = await read.then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(MalformedItemError);
          expect((error as MalformedItemError).key).toBe(item.pk?.S);
        },
      );

      it('isolates a regions entry with an unknown region status', async () => {
        await harness.seed([MALFORMED_REGIONS_ITEM]);
        const isolated = await store.getRegions();
        expect([...(isolated?.malformed?.keys() ?? [])]).toEqual(['us-east-1']);
        expect(isolated?.regions.has('us-east-1' as Region)).toBe(false);
        await harness.seed(recordItems({ regions }));
        expect(await store.getRegions()).toEqual(regions);
      });
    });
  });
}
