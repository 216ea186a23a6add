/**
 * What the chaos scenario will do, decided before the load starts: which tenants are cached
 * ("hot"), which of them migrate in each batch and to where, and the tenant of every request.
 * Pure: seeded randomness in, plans out.
 */
import { asRegion, type Region, type TenantId } from '../../edge/model.ts';
import { loadTestHost, loadTestTenantId } from '../lib/generated-tenants.ts';
import type { MigrationBatchName } from './fault-timeline.ts';
import type { MigrationOrder } from './migration-batch.ts';
import type { TableSnapshot } from './table-snapshot.ts';

/** One planned request: which tenant, and whether its route was cached beforehand. */
export interface PlannedRequest {
  readonly tenantId: TenantId;
  readonly host: string;
  readonly cached: boolean;
}

/** The tenants of a run and where each may be answered from. */
export interface TenantPlan {
  /** The tenants warmed into the cache: generated tenants 0 .. hotTenants-1. */
  readonly hot: readonly TenantId[];
  /** Two disjoint migration batches drawn from the hot tenants, each tenant to the next region. */
  readonly batches: Readonly<Record<MigrationBatchName, readonly MigrationOrder[]>>;
  /** Migrated tenant -> its target region. */
  readonly targets: ReadonlyMap<string, string>;
  /** The home region of a seeded tenant; throws for a tenant that was not seeded. */
  homeOf(tenantId: string): string;
  /** The regions allowed to answer for a tenant: its home, and its target while it migrates. */
  allowedRegions(tenantId: string): string[];
}

/** Tenant id -> home region, from a scan of the table. */
export function tenantHomes(snapshot: TableSnapshot): Map<string, string> {
  const homes = new Map<string, string>();
  for (const item of snapshot.values()) {
    if (item.kind?.S === 'tenant' && item.tenantId?.S !== undefined && item.region?.S !== undefined) {
      homes.set(item.tenantId.S, item.region.S);
    }
  }
  return homes;
}

/** Options of {@link planTenants}. */
export interface TenantPlanOptions {
  readonly homes: ReadonlyMap<string, string>;
  readonly hotTenants: number;
  readonly migrationsPerBatch: number;
  /** The replica regions, in the order a migration moves a tenant to the next one. */
  readonly regions: readonly string[];
  readonly random: () => number;
}

/** Chooses the cached tenants and the two migration batches. */
export function planTenants(options: TenantPlanOptions): TenantPlan {
  const { homes, regions, migrationsPerBatch: perBatch } = options;
  const hot = Array.from({ length: options.hotTenants }, (_, i) => loadTestTenantId(i));
  const homeOf = (id: string) => {
    const home = homes.get(id);
    if (home === undefined) throw new Error(`tenant ${id} was not seeded`);
    return home;
  };
  const orderOf = (id: TenantId): MigrationOrder => {
    const from = homeOf(id);
    const to = regions[(regions.indexOf(from) + 1) % regions.length] as string;
    return { tenantId: id, from: regionOf(from), to: regionOf(to) };
  };
  const shuffled = [...hot].sort(() => options.random() - 0.5);
  const batches = {
    'batch-a': shuffled.slice(0, perBatch).map(orderOf),
    'batch-b': shuffled.slice(perBatch, 2 * perBatch).map(orderOf),
  };
  const targets = new Map<string, string>(
    [...batches['batch-a'], ...batches['batch-b']].map((o) => [o.tenantId, o.to]),
  );
  return {
    hot,
    batches,
    targets,
    homeOf,
    allowedRegions(id) {
      const to = targets.get(id);
      return to === undefined ? [homeOf(id)] : [homeOf(id), to];
    },
  };
}

function regionOf(name: string): Region {
  const region = asRegion(name);
  if (region === undefined) throw new Error(`${JSON.stringify(name)} is not a region`);
  return region;
}

/** Options of {@link planRequests}. */
export interface RequestPlanOptions {
  readonly count: number;
  readonly hotTenants: number;
  /** Generated tenants after the hot ones, each requested at most once. */
  readonly coldTenants: number;
  /** Share of requests for a cold (never cached) tenant, 0..1. */
  readonly coldShare: number;
  readonly platformDomain: string;
  readonly random: () => number;
}

/** The tenant of each scheduled request: a cold tenant with `coldShare`, else a random hot one. */
export function planRequests(options: RequestPlanOptions): PlannedRequest[] {
  const plan: PlannedRequest[] = [];
  let nextCold = 0;
  for (let i = 0; i < options.count; i++) {
    const cold = options.random() < options.coldShare && nextCold < options.coldTenants;
    const index = cold ? options.hotTenants + nextCold++ : Math.floor(options.random() * options.hotTenants);
    plan.push({
      tenantId: loadTestTenantId(index),
      host: loadTestHost(index, options.platformDomain),
      cached: !cold,
    });
  }
  return plan;
}
