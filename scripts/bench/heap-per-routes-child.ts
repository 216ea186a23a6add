/**
 * Child-process entry of the heap benchmark (run with `--expose-gc`): routes N tenants of one host
 * kind through the router's own cached store (`assembleRouter`, `routeRequest`), each record parsed
 * from a full item as the DynamoDB store does, and prints as one JSON line the heap growth after
 * full collections, and the fixed cost of the empty cache (its budgets' preallocated slots).
 *
 * Usage: heap-per-routes-child.ts <platform|custom|wildcard> <tenants>
 */
import { domainKey, type Item, parseDomainItem, parseTenantItem, tenantToItem } from '../../edge/items.ts';
import type { Region, TenantId } from '../../edge/model.ts';
import { routeRequest } from '../../edge/resolve-route.ts';
import { assembleRouter } from '../../edge/router-assembly.ts';
import type { TenantStore } from '../../edge/tenant-store.ts';
import { domainItemHostOf, generatedHost, generatedTenantOfDomain } from '../lib/generated-hosts.ts';
import { defaultRegionsRecord, loadTestTenantIndex } from '../lib/generated-tenants.ts';
import { loadRouterConfig } from '../lib/router-config-file.ts';
import { HEAP_HOST_KINDS, type HeapHostKind } from './heap-host-kinds.ts';

const kind = process.argv[2] as HeapHostKind;
const tenants = Number(process.argv[3] ?? '100000');
if (!HEAP_HOST_KINDS.includes(kind))
  throw new Error(`host kind must be one of ${HEAP_HOST_KINDS.join(', ')}`);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
const base = loadRouterConfig();
// A wildcard-served tenant takes two domain slots (the wildcard's record and the host's absence,
// kept with the routes), and the domain budget is cache.maxTenants: give it room for all of them.
const slots = kind === 'wildcard' ? 2 * tenants : tenants;
const config = { ...base, cache: { ...base.cache, maxTenants: Math.max(slots, 1) } };
const regions = config.replicaRegions;
const platform = config.platformDomains[0] as string;
const updatedAt = new Date().toISOString();
/** The full tenant item, as the tools write it: version, timestamps, the domain list. */
function tenantItemOf(tenantId: TenantId): Item {
  const domainHost = domainItemHostOf(loadTestTenantIndex(tenantId) ?? 0, kind);
  return tenantToItem({
    tenantId,
    region: regions[tenantId.length % regions.length] as Region,
    status: 'active',
    version: 3,
    updatedAt,
    // A new string per read, as a parsed item's would be (one kept from before would not be counted).
    ...(domainHost !== undefined && { domains: [domainHost] }),
  });
}

// A new record per read, parsed from its item, as the DynamoDB store builds it.
const store: TenantStore = {
  getTenant: async (tenantId) => parseTenantItem(tenantItemOf(tenantId)),
  getDomain: async (host) => {
    const id = generatedTenantOfDomain(host);
    if (id === undefined) return undefined;
    return parseDomainItem({
      pk: { S: domainKey(host) },
      kind: { S: 'domain' },
      tenantId: { S: id },
      updatedAt: { S: updatedAt },
    });
  },
  getRegions: async () => ({ regions: defaultRegionsRecord(config), version: 1 }),
};
const heapUsed = () => {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
};
const empty = heapUsed();
const { store: cache } = assembleRouter({ config, edgeRegion: regions[0] as string, tenantStore: store });
const hostOf = (i: number) => generatedHost(i, kind, platform).host;
const route = (i: number) => routeRequest({ hostValues: [hostOf(i)], uri: '/' }, { store: cache, config });
// Warm what every route shares (REGIONS, the code paths) before measuring what each one adds.
await route(tenants);
cache.clear();
const before = heapUsed();
for (let i = 0; i < tenants; i++) {
  const { decision } = await route(i);
  if (decision.kind !== 'forward') throw new Error(`tenant ${i} was not routed: ${JSON.stringify(decision)}`);
}
const after = heapUsed();
// Platform: the tenant; custom: its domain too; wildcard: the wildcard's domain and the host's absence.
const expected = { platform: tenants, custom: 2 * tenants, wildcard: 3 * tenants }[kind];
const held = cache.sizes.tenants + cache.sizes.domains + cache.sizes.absences;
if (held !== expected)
  throw new Error(
    `cache holds ${held} routes (${JSON.stringify(cache.sizes)}) of ${tenants} ${kind} tenants`,
  );
// Fixed: the empty cache's budgets preallocate their slots (and the first route loads code).
process.stdout.write(
  `${JSON.stringify({ kind, tenants, bytes: after - before, fixedBytes: before - empty })}\n`,
);
