/**
 * Child-process entry of the heap benchmark (run with `--expose-gc`): fills the route cache with N
 * tenant routes, each parsed from its item as the DynamoDB store does, and prints the heap growth
 * after full collections as one JSON line.
 */
import { parseTenantItem, tenantToItem } from '../../edge/items.ts';
import type { Region, TenantId } from '../../edge/model.ts';
import { assembleRouter } from '../../edge/router-assembly.ts';
import type { TenantStore } from '../../edge/tenant-store.ts';
import { loadTestTenantId } from '../lib/generated-tenants.ts';
import { loadRouterConfig } from '../lib/router-config-file.ts';

const routes = Number(process.argv[2] ?? '100000');
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
const base = loadRouterConfig();
const config = { ...base, cache: { ...base.cache, maxEntries: Math.max(routes, 1) } };
const regions = config.replicaRegions;
const updatedAt = new Date().toISOString();
const store: TenantStore = {
  // A new record per read, parsed from the item form, as the DynamoDB store builds it.
  getTenant: async (tenantId: TenantId) =>
    parseTenantItem(
      tenantToItem({
        tenantId,
        region: regions[tenantId.length % regions.length] as Region,
        status: 'active',
        version: 1,
        updatedAt,
      }),
    ),
  getDomain: async () => undefined,
  getRegions: async () => undefined,
};
// The production assembly of the route cache, over a store that parses items as DynamoDB's does.
const cache = assembleRouter({ config, edgeRegion: regions[0] as string, tenantStore: store }).store;
const heapUsed = () => {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
};
const before = heapUsed();
for (let i = 0; i < routes; i++) await cache.getTenant(loadTestTenantId(i));
const after = heapUsed();
if (cache.size !== routes) throw new Error(`cache holds ${cache.size} of ${routes} routes`);
process.stdout.write(`${JSON.stringify({ routes, bytes: after - before })}\n`);
