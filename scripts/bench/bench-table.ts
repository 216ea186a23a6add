/**
 * The benchmarks' table: dynalite in this process, the router table with ten generated tenants,
 * and the router's own replica clients, metered, all pointing at it.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type RouterConfig, resolveRouterConfig } from '../../edge/config.ts';
import type { CustomOrigin, Region, RegionRecord, TenantId } from '../../edge/model.ts';
import type { CleanupStack } from '../lib/cleanup-stack.ts';
import { startDynalite } from '../lib/dynalite-server.ts';
import { createReadMeter, meteredRouterClients, type ReadMeter } from '../lib/dynamodb-read-meter.ts';
import {
  defaultRegionsRecord,
  generatedTenantDomain,
  loadTestHost,
  loadTestTenantId,
} from '../lib/generated-tenants.ts';
import { ensureRouterTable } from '../lib/router-table.ts';
import { seedLoadTestTenants } from '../lib/seed-generated-tenants.ts';

/** A seeded table and what the benchmarks route to. */
export interface BenchTable {
  /** The configuration with every replica endpoint at the local server. */
  readonly config: RouterConfig;
  /** Counts the GetItem calls of every client made by {@link clientForRegion}. */
  readonly meter: ReadMeter;
  /** The router's client of a region, metered (every side of a comparison pays the same middleware). */
  readonly clientForRegion: (region: Region) => DynamoDBClient;
  /** The first replica region: where the handler runs and what it reads first. */
  readonly region: Region;
  readonly regions: ReadonlyMap<Region, RegionRecord>;
  /** The pool origin of {@link region}, where the first tenant routes. */
  readonly pool: CustomOrigin;
  readonly platformDomain: string;
  /** Host and id of the first generated tenant, homed in {@link region}. */
  readonly host: string;
  readonly tenantId: TenantId;
}

/**
 * Generated tenants seeded, each with a custom domain (and its platform subdomain, which needs no
 * item): two alternate in the miss cases, all of them in the custom-domain Zipf mix.
 */
const TENANTS = 1_000;

/** Starts the table and registers its cleanup (the clients, then the server) on `stack`. */
export async function startBenchTable(base: RouterConfig, stack: CleanupStack): Promise<BenchTable> {
  const dynalite = stack.use(await startDynalite());
  const config = resolveRouterConfig({
    ...base,
    endpoints: Object.fromEntries(base.replicaRegions.map((r) => [r, dynalite.endpoint])),
  });
  const meter = createReadMeter();
  const clients = stack.use(meteredRouterClients(config, meter));
  const region = config.replicaRegions[0] as Region;
  const admin = clients.clientForRegion(region);
  await ensureRouterTable(admin, config.tableName);
  const regions = defaultRegionsRecord(config);
  await seedLoadTestTenants({
    client: admin,
    tableName: config.tableName,
    tenants: TENANTS,
    hostsKind: 'custom',
    fallbackRegions: regions,
  });
  const pool = regions.get(region)?.origin;
  if (pool === undefined) throw new Error(`no pool origin for ${region}`);
  const platformDomain = generatedTenantDomain(config);
  return {
    pool,
    config,
    meter,
    clientForRegion: clients.clientForRegion,
    region,
    regions,
    platformDomain,
    host: loadTestHost(0, platformDomain),
    tenantId: loadTestTenantId(0),
  };
}
