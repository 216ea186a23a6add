/**
 * Declaring regions and changing their pool origin, status (`active` / `draining`), failover region
 * and health-check URL: one conditional write of the `REGIONS` item (checked on its `version`).
 */
import { MAX_HEALTH_URL_LENGTH } from '../../../edge/items.ts';
import type { CustomOrigin, Region, RegionRecord, RegionStatus, RegionsRecord } from '../../../edge/model.ts';
import { modifyWithRetry } from './modify-with-retry.ts';
import type { OperationContext } from './operation-context.ts';
import { InvalidInputError, OperationRefusedError } from './tenant-errors.ts';

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
    // The router's own limit (edge/items.ts); the write is checked by its parser too.
    if (change.healthUrl.length > MAX_HEALTH_URL_LENGTH)
      throw new InvalidInputError(`--health-url is longer than ${MAX_HEALTH_URL_LENGTH} characters`);
  }
  if (change.failover === region) throw new InvalidInputError(`region ${region} cannot fail over to itself`);
  return modifyWithRetry(await ctx.table.getRegions(), {
    read: () => ctx.table.getRegions(),
    decide: (current) => {
      const regions = new Map(current?.regions ?? []);
      const before = regions.get(region);
      const record = changedRegion(region, before, change, regions);
      regions.set(region, record);
      return {
        write: async () => ({
          created: before === undefined,
          record,
          regions: await ctx.table.putRegions(regions, current?.version),
        }),
      };
    },
    giveUp: () => new OperationRefusedError('the regions item kept changing concurrently; rerun'),
  });
}

/** A region's entry after `change`; refuses a new region without an origin or an unknown failover. */
function changedRegion(
  region: Region,
  before: RegionRecord | undefined,
  change: RegionChange,
  regions: ReadonlyMap<Region, RegionRecord>,
): RegionRecord {
  const origin = change.origin ?? before?.origin;
  if (origin === undefined) throw new InvalidInputError(`region ${region} is new: --origin is required`);
  if (change.failover != null && change.failover !== region && !regions.has(change.failover)) {
    throw new InvalidInputError(`failover region ${change.failover} is not a known region`);
  }
  const failover = change.failover === undefined ? before?.failover : (change.failover ?? undefined);
  const healthUrl = change.healthUrl === undefined ? before?.healthUrl : (change.healthUrl ?? undefined);
  return {
    origin,
    status: change.status ?? before?.status ?? 'active',
    ...(failover === undefined ? {} : { failover }),
    ...(healthUrl === undefined ? {} : { healthUrl }),
  };
}
