/**
 * Declaring regions and changing their pool origin, status (`active` / `draining`), failover region
 * and health-check URL: one conditional write of the `REGIONS` item (checked on its `version`).
 */
import type { CustomOrigin, Region, RegionRecord, RegionStatus, RegionsRecord } from '../../../edge/model.ts';
import { CONFLICT_RETRIES, type OperationContext } from './operation-context.ts';
import { InvalidInputError, OperationRefusedError, VersionConflictError } from './tenant-errors.ts';

/** Changes to one region; `null` clears an optional field. */
export interface RegionChange {
  readonly origin?: CustomOrigin | undefined;
  readonly status?: RegionStatus | undefined;
  readonly failover?: Region | null | undefined;
  readonly healthUrl?: string | null | undefined;
}

/** Creates or changes a region's entry. A new region needs an origin. */
export async function setRegion(
  ctx: OperationContext,
  region: Region,
  change: RegionChange,
): Promise<{ created: boolean; record: RegionRecord; regions: RegionsRecord }> {
  if (change.healthUrl != null) {
    const ok = URL.canParse(change.healthUrl) && /^https?:$/.test(new URL(change.healthUrl).protocol);
    if (!ok)
      throw new InvalidInputError(`--health-url ${JSON.stringify(change.healthUrl)} is not an http(s) URL`);
  }
  if (change.failover === region) throw new InvalidInputError(`region ${region} cannot fail over to itself`);
  for (let attempt = 0; attempt < CONFLICT_RETRIES; attempt++) {
    const current = await ctx.table.getRegions();
    const regions = new Map(current?.regions ?? []);
    const before = regions.get(region);
    if (before === undefined && change.origin === undefined) {
      throw new InvalidInputError(`region ${region} is new: --origin is required`);
    }
    if (change.failover != null && change.failover !== region && !regions.has(change.failover)) {
      throw new InvalidInputError(`failover region ${change.failover} is not a known region`);
    }
    const origin = change.origin ?? (before as RegionRecord).origin;
    const failover = change.failover === undefined ? before?.failover : (change.failover ?? undefined);
    const healthUrl = change.healthUrl === undefined ? before?.healthUrl : (change.healthUrl ?? undefined);
    const record: RegionRecord = {
      origin,
      status: change.status ?? before?.status ?? 'active',
      ...(failover === undefined ? {} : { failover }),
      ...(healthUrl === undefined ? {} : { healthUrl }),
    };
    regions.set(region, record);
    try {
      const written = await ctx.table.putRegions(regions, current?.version);
      return { created: before === undefined, record, regions: written };
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
    }
  }
  throw new OperationRefusedError('the regions item kept changing concurrently; rerun');
}
