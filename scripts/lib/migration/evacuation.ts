/**
 * Region evacuation: migrates every tenant of a region, to one target or to each tenant's failover
 * region, with bounded concurrency. Resumable: a rerun finds the tenants still living in the
 * region and those whose migration out of it was cut short after the switch (they already live in
 * the target but still carry the migration record).
 */
import type { Region, RegionsRecord, TenantId } from '../../../edge/model.ts';
import { forEachConcurrently } from '../bounded-concurrency.ts';
import { allTenants } from '../tenants/tenant-listing.ts';
import type { PageKey, TenantTable } from '../tenants/tenant-table.ts';
import type { MigrationEffects } from './migration-effects.ts';
import { MigrationRefusedError } from './migration-errors.ts';
import { runMigration } from './migration-machine.ts';
import type { MigrationRequest } from './migration-plan.ts';

/** What to evacuate and how each migration runs. */
export interface EvacuationRequest extends Omit<MigrationRequest, 'tenantId' | 'to' | 'dryRun'> {
  readonly from: Region;
  /** One target for every tenant. @default each tenant's failover region, else the region's */
  readonly to?: Region | undefined;
  /** Migrations in flight. @default 4 */
  readonly concurrency?: number;
  /** Print the assignment of every tenant and change nothing. @default false */
  readonly dryRun?: boolean;
  /** The operator's stop: no further tenant is started. */
  readonly signal?: AbortSignal | undefined;
}

/** The result for one tenant. */
export interface EvacuationResult {
  readonly tenantId: TenantId;
  readonly outcome: 'done' | 'failed' | 'skipped' | 'planned';
  readonly to: Region | null;
  readonly reason: string | null;
}

/** Counts and per-tenant results. */
export interface EvacuationSummary {
  readonly from: Region;
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly skipped: number;
  readonly results: readonly EvacuationResult[];
}

/** Dependencies of {@link evacuateRegion}. */
export interface EvacuationDependencies {
  readonly table: TenantTable;
  /** The migration effects of one tenant's run. */
  readonly effectsFor: (tenantId: TenantId) => MigrationEffects;
  /** Called after each tenant. */
  readonly onResult?: (result: EvacuationResult, done: number, total: number) => void;
  /** Called once the candidates are known. */
  readonly onStart?: (total: number) => void;
}

interface Candidate {
  readonly tenantId: TenantId;
  readonly to: Region | null;
  readonly skip: string | null;
}

async function findCandidates(
  table: TenantTable,
  request: EvacuationRequest,
  regions: RegionsRecord | undefined,
): Promise<Candidate[]> {
  const fallback = request.to ?? regions?.regions.get(request.from)?.failover;
  const out: Candidate[] = [];
  for await (const { record } of allTenants(table, { region: request.from })) {
    if (record.migration !== undefined) {
      // Switched into this region already: resuming would finish the move into the region emptied.
      const into = record.migration.to === request.from;
      out.push({
        tenantId: record.tenantId,
        to: record.migration.to,
        skip: into ? `migrating into ${request.from}: roll it back or let it finish, then rerun` : null,
      });
      continue;
    }
    const to = request.to ?? record.failoverRegion ?? fallback ?? null;
    let skip: string | null = null;
    if (to === null) skip = 'no target: pass --to or set a failover region';
    else if (to === request.from) skip = `its failover region is ${request.from} itself`;
    else if (record.status !== 'active') skip = `tenant is ${record.status}`;
    out.push({ tenantId: record.tenantId, to, skip });
  }
  // Migrations out of this region cut short after the switch: the tenant lives in the target now.
  for (const region of regions?.regions.keys() ?? []) {
    if (region === request.from) continue;
    let next: PageKey | undefined;
    do {
      // A filtered Query of the index: reads the region's tenants but returns only the stragglers.
      const page = await table.queryRegion(region, {
        startKey: next,
        migratingFrom: request.from,
        limit: 500,
      });
      for (const { record } of page.tenants) {
        if (record.migration?.from === request.from) {
          out.push({ tenantId: record.tenantId, to: record.migration.to, skip: null });
        }
      }
      next = page.nextKey;
    } while (next !== undefined);
  }
  return out;
}

/** Evacuates a region. Never throws for one tenant's failure: it is counted and reported. */
export async function evacuateRegion(
  request: EvacuationRequest,
  deps: EvacuationDependencies,
): Promise<EvacuationSummary> {
  const regions = await deps.table.getRegions();
  if (regions?.regions.has(request.from) !== true) {
    throw new MigrationRefusedError(`cannot evacuate ${request.from}: it is not a known region`);
  }
  if (request.to !== undefined && request.to === request.from) {
    throw new MigrationRefusedError(`cannot evacuate ${request.from} to itself`);
  }
  const candidates = await findCandidates(deps.table, request, regions);
  deps.onStart?.(candidates.length);
  const results: EvacuationResult[] = [];
  const record = (result: EvacuationResult) => {
    results.push(result);
    deps.onResult?.(result, results.length, candidates.length);
  };
  await forEachConcurrently(candidates, request.concurrency ?? 4, async (candidate) => {
    if (request.signal?.aborted === true) {
      record({ tenantId: candidate.tenantId, outcome: 'skipped', to: candidate.to, reason: 'interrupted' });
      return;
    }
    if (candidate.skip !== null || candidate.to === null) {
      record({ tenantId: candidate.tenantId, outcome: 'skipped', to: candidate.to, reason: candidate.skip });
      return;
    }
    if (request.dryRun === true) {
      record({ tenantId: candidate.tenantId, outcome: 'planned', to: candidate.to, reason: null });
      return;
    }
    try {
      await runMigration(
        { ...request, tenantId: candidate.tenantId, to: candidate.to, dryRun: false },
        deps.effectsFor(candidate.tenantId),
      );
      record({ tenantId: candidate.tenantId, outcome: 'done', to: candidate.to, reason: null });
    } catch (error) {
      record({
        tenantId: candidate.tenantId,
        outcome: 'failed',
        to: candidate.to,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  });
  results.sort((a, b) => a.tenantId.localeCompare(b.tenantId));
  const count = (o: EvacuationResult['outcome']) => results.filter((r) => r.outcome === o).length;
  return {
    from: request.from,
    total: results.length,
    done: count('done'),
    failed: count('failed'),
    skipped: count('skipped'),
    results,
  };
}
