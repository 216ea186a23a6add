/**
 * Where AWS regions are and how far apart they are in round-trip time, for ordering replicas
 * nearest-first and for emulating distance locally. Pure functions over the data in
 * `region-geography-data.ts`; no I/O.
 */
import {
  FIBRE_MODEL,
  type GeoPoint,
  MEASURED_RTT,
  REGION_LOCATIONS,
  REGIONAL_EDGE_CACHE_REGIONS,
} from './region-geography-data.ts';

export type { GeoPoint } from './region-geography-data.ts';
export { REGION_LOCATIONS, REGIONAL_EDGE_CACHE_REGIONS } from './region-geography-data.ts';

/** A round-trip time between two regions and what it rests on. */
export interface RegionRoundTrip {
  /** Round-trip time in ms. */
  readonly ms: number;
  /** `measured`: the published figure; `estimated`: great-circle distance through the fibre model. */
  readonly basis: 'measured' | 'estimated';
}

const EARTH_RADIUS_KM = 6371;
const RADIANS_PER_DEGREE = Math.PI / 180;
const MEASURED_INDEX: ReadonlyMap<string, number> = new Map(MEASURED_RTT.regions.map((r, i) => [r, i]));
const EDGE_CACHE_REGIONS: ReadonlySet<string> = new Set(REGIONAL_EDGE_CACHE_REGIONS);

/** Great-circle distance in kilometres between two points (haversine formula). */
export function greatCircleKm(a: GeoPoint, b: GeoPoint): number {
  const dLat = (b.lat - a.lat) * RADIANS_PER_DEGREE;
  const dLon = (b.lon - a.lon) * RADIANS_PER_DEGREE;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * RADIANS_PER_DEGREE) * Math.cos(b.lat * RADIANS_PER_DEGREE) * Math.sin(dLon / 2) ** 2;
  // min() guards asin against rounding just above 1 for antipodal points.
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Approximate location of a region, or undefined for a region this table does not know. */
export function regionLocation(region: string): GeoPoint | undefined {
  return Object.hasOwn(REGION_LOCATIONS, region) ? REGION_LOCATIONS[region] : undefined;
}

/** Whether origin-request functions run in `region` (it has a regional edge cache). */
export function isRegionalEdgeCacheRegion(region: string): boolean {
  return EDGE_CACHE_REGIONS.has(region);
}

/** The fibre model's round trip over `km` of great circle (see `FIBRE_MODEL`). */
export function fibreRoundTripMs(km: number): number {
  return ((2 * km) / FIBRE_MODEL.kmPerMs) * FIBRE_MODEL.routeFactor + FIBRE_MODEL.fixedMs;
}

/**
 * The round-trip time from a client in `from` to an endpoint in `to`: the measured figure when
 * there is one, else the fibre model over the great-circle distance; undefined for a region with
 * neither (an unknown name).
 *
 * @example
 * regionRoundTrip('sa-east-1', 'us-east-1'); // { ms: 115.4, basis: 'measured' }
 */
export function regionRoundTrip(from: string, to: string): RegionRoundTrip | undefined {
  const row = MEASURED_INDEX.get(from);
  const column = MEASURED_INDEX.get(to);
  if (row !== undefined && column !== undefined) {
    const ms = MEASURED_RTT.ms[row]?.[column];
    if (ms !== undefined) return { ms, basis: 'measured' };
  }
  const a = regionLocation(from);
  const b = regionLocation(to);
  if (a === undefined || b === undefined) return undefined;
  return { ms: Math.round(fibreRoundTripMs(greatCircleKm(a, b)) * 10) / 10, basis: 'estimated' };
}
