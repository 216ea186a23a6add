/**
 * The whole handler against a real DynamoDB-compatible server (dynalite) through the real SDK
 * store and the route cache: what a viewer gets on hits, misses, failures and bad data.
 */
import type { CloudFrontRequest, CloudFrontResultResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../edge/config.ts';
import { createDynamoDBTenantStore } from '../../edge/dynamodb-tenant-store.ts';
import { tenantKey } from '../../edge/items.ts';
import { createOriginRequestHandler } from '../../edge/origin-request.ts';
import { anOriginRequestEvent } from '../../scripts/lib/origin-request-event.ts';
import { capturingLogger } from '../support/capturing-logger.ts';
import { controlledTenantStore } from '../support/controlled-tenant-store.ts';
import { fakeClock } from '../support/fake-clock.ts';
import { type LocalTable, startLocalTable } from '../support/local-table.ts';
import { startHangingServer } from '../support/network-faults.ts';
import {
  aCustomOrigin,
  aDomainRecord,
  anS3Origin,
  aTenantRecord,
  recordItems,
  region,
  someRegions,
  tenantId,
} from '../support/records.ts';
import { aRouterConfig } from '../support/router-config.ts';

let table: LocalTable;

const records = {
  regions: someRegions(),
  tenants: [
    aTenantRecord({ tenantId: tenantId('acme'), region: region('eu-west-1') }),
    aTenantRecord({ tenantId: tenantId('globex'), region: region('ap-southeast-2') }),
    aTenantRecord({ tenantId: tenantId('initech'), status: 'suspended' }),
    aTenantRecord({ tenantId: tenantId('hooli'), status: 'maintenance' }),
    aTenantRecord({
      tenantId: tenantId('umbrella'),
      origin: aCustomOrigin({ domainName: 'umbrella.origin.example.com', port: 8443 }),
    }),
    aTenantRecord({
      tenantId: tenantId('stark'),
      origin: anS3Origin({ domainName: 'tenant-assets.s3.eu-west-1.amazonaws.com' }),
    }),
  ],
  domains: [
    aDomainRecord({ host: 'shop.acme.com', tenantId: tenantId('acme') }),
    aDomainRecord({ host: '*.globex.example.net', tenantId: tenantId('globex') }),
  ],
};

function handlerFor(config: RouterConfig, options: { clock?: () => number; counted?: boolean } = {}) {
  const logger = capturingLogger();
  const clock = options.clock ?? Date.now;
  const store = controlledTenantStore(
    createDynamoDBTenantStore({ config, edgeRegion: 'us-east-1', clock, logger }),
  );
  const handle = createOriginRequestHandler({
    config,
    tenantStore: store,
    clock,
    logger,
    edgeRegion: 'us-east-1',
  });
  return { handle, store, logger };
}

const everyReplicaAt = (endpoint: string) => ({
  'us-east-1': endpoint,
  'eu-west-1': endpoint,
  'ap-southeast-2': endpoint,
});

beforeAll(async () => {
  table = await startLocalTable();
  await table.seed(recordItems(records));
});
afterAll(async () => {
  await table?.close();
});

const req = (r: unknown) => r as CloudFrontRequest;
const res = (r: unknown) => r as CloudFrontResultResponse;

describe('origin-request handler on a local DynamoDB', () => {
  it.each([
    ['a custom domain', 'shop.acme.com', 'pool.eu-west-1.origin.example.com'],
    ['a wildcard domain', 'www.globex.example.net', 'pool.ap-southeast-2.origin.example.com'],
    ['a platform subdomain', 'acme.app.example.com', 'pool.eu-west-1.origin.example.com'],
    ['a dedicated custom origin', 'umbrella.app.example.com', 'umbrella.origin.example.com'],
  ])('routes %s to %s', async (_, host, origin) => {
    const { handle } = handlerFor(aRouterConfig({ endpoints: everyReplicaAt(table.endpoint) }));
    const request = req(await handle(anOriginRequestEvent({ hosts: [host] })));
    expect(request.origin?.custom?.domainName).toBe(origin);
    expect(request.headers.host?.[0]?.value).toBe(origin);
  });

  it('routes a dedicated S3 origin', async () => {
    const { handle } = handlerFor(aRouterConfig({ endpoints: everyReplicaAt(table.endpoint) }));
    const request = req(await handle(anOriginRequestEvent({ hosts: ['stark.app.example.com'] })));
    expect(request.origin?.custom).toMatchObject({
      domainName: 'tenant-assets.s3.eu-west-1.amazonaws.com',
      protocol: 'https',
      customHeaders: {},
    });
  });

  it.each([
    ['suspended', 'initech.app.example.com', '403'],
    ['maintenance', 'hooli.app.example.com', '503'],
    ['unknown', 'nobody.example.org', '404'],
    ['malformed host', 'bad host', '400'],
  ])('answers a %s tenant with %s', async (_, host, status) => {
    const { handle } = handlerFor(aRouterConfig({ endpoints: everyReplicaAt(table.endpoint) }));
    expect(res(await handle(anOriginRequestEvent({ hosts: [host] }))).status).toBe(status);
  });

  it('reads each item once, then serves hits from the cache', async () => {
    const { handle, store } = handlerFor(aRouterConfig({ endpoints: everyReplicaAt(table.endpoint) }));
    await handle(anOriginRequestEvent({ hosts: ['shop.acme.com'] }));
    const afterFirst = store.reads;
    for (let i = 0; i < 5; i++) await handle(anOriginRequestEvent({ hosts: ['shop.acme.com'] }));
    // The domain with its wildcard and the regions (read together), then the tenant.
    expect(afterFirst).toBe(4);
    expect(store.reads).toBe(4);
  });

  it('remembers an unknown host for the negative TTL, then reads again', async () => {
    const clock = fakeClock();
    const config = aRouterConfig({
      endpoints: everyReplicaAt(table.endpoint),
      cache: { negativeTtlMs: 1_000 },
    });
    const { handle, store } = handlerFor(config, { clock: clock.now });
    await handle(anOriginRequestEvent({ hosts: ['nobody.example.org'] }));
    await handle(anOriginRequestEvent({ hosts: ['nobody.example.org'] }));
    expect(store.reads).toBe(3); // exact + wildcard, once, and the regions read with them
    clock.advance(1_001);
    await handle(anOriginRequestEvent({ hosts: ['nobody.example.org'] }));
    expect(store.reads).toBe(5); // the regions are still cached
  });

  it('makes one read per item for concurrent misses of one host', async () => {
    const { handle, store } = handlerFor(aRouterConfig({ endpoints: everyReplicaAt(table.endpoint) }));
    const results = await Promise.all(
      Array.from({ length: 20 }, () => handle(anOriginRequestEvent({ hosts: ['shop.acme.com'] }))),
    );
    expect(
      results.every((r) => req(r).origin?.custom?.domainName === 'pool.eu-west-1.origin.example.com'),
    ).toBe(true);
    expect(store.reads).toBe(4);
  });

  it('fails over to the next replica when the nearest one hangs', async () => {
    const hanging = await startHangingServer();
    try {
      const config = aRouterConfig({
        endpoints: { ...everyReplicaAt(table.endpoint), 'us-east-1': hanging.endpoint },
        lookup: { attemptTimeoutMs: 100, budgetMs: 2_000 },
      });
      const { handle, logger } = handlerFor(config);
      const request = req(await handle(anOriginRequestEvent({ hosts: ['shop.acme.com'] })));
      expect(request.origin?.custom?.domainName).toBe('pool.eu-west-1.origin.example.com');
      expect(logger.entries.some((e) => e.level === 'warn' && e.region === 'us-east-1')).toBe(true);
    } finally {
      await hanging.close();
    }
  });

  it('answers 502 for a malformed tenant item, and logs it', async () => {
    await table.seed([
      {
        ...recordItems({ tenants: [aTenantRecord({ tenantId: tenantId('broken') })] })[0],
        status: { N: '1' },
      },
    ]);
    const { handle, logger } = handlerFor(aRouterConfig({ endpoints: everyReplicaAt(table.endpoint) }));
    const response = res(await handle(anOriginRequestEvent({ hosts: ['broken.app.example.com'] })));
    expect(response.status).toBe('502');
    expect(logger.entries).toContainEqual(
      expect.objectContaining({ level: 'error', errorName: 'MalformedItemError' }),
    );
    await table.deleteItem(tenantKey('broken'));
  });
});

describe('origin-request handler when the database goes away', () => {
  it('serves cached tenants stale past their TTL, and answers 503 for the rest', async () => {
    const own = await startLocalTable();
    await own.seed(recordItems(records));
    const clock = fakeClock();
    const config = aRouterConfig({
      endpoints: everyReplicaAt(own.endpoint),
      cache: { ttlMs: 1_000, maxStaleMs: 60_000 },
      lookup: { attemptTimeoutMs: 200, budgetMs: 600 },
    });
    const { handle } = handlerFor(config, { clock: clock.now });
    expect(
      req(await handle(anOriginRequestEvent({ hosts: ['shop.acme.com'] }))).origin?.custom,
    ).toBeDefined();
    await own.close();
    clock.advance(5_000);

    const cached = req(await handle(anOriginRequestEvent({ hosts: ['shop.acme.com'] })));
    expect(cached.origin?.custom?.domainName).toBe('pool.eu-west-1.origin.example.com');
    const uncached = res(await handle(anOriginRequestEvent({ hosts: ['globex.app.example.com'] })));
    expect(uncached.status).toBe('503');
    expect(uncached.headers?.['retry-after']?.[0]?.value).toBe('30');

    clock.advance(60_000);
    const tooStale = res(await handle(anOriginRequestEvent({ hosts: ['shop.acme.com'] })));
    expect(tooStale.status).toBe('503');
  });
});
