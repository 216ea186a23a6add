/**
 * Where AWS regions are on the globe, for ordering replicas nearest-first. Pure data and a distance
 * function; no I/O.
 */

/** A point on the globe in decimal degrees. */
export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
}

/**
 * Approximate location (the metro area the region is named after) of every region of the
 * commercial `aws` partition. Precision of ~50 km is plenty: replicas in different regions are
 * hundreds of kilometres apart, and network latency follows distance only roughly anyway.
 * `test/unit/replica-order.test.ts` checks this table against the partition data shipped with the
 * AWS SDK, so a new region shows up as a failing test when the SDK is upgraded.
 */
export const REGION_LOCATIONS: Readonly<Record<string, GeoPoint>> = {
  'us-east-1': { lat: 39.04, lon: -77.49 }, // N. Virginia (Ashburn)
  'us-east-2': { lat: 39.96, lon: -83.0 }, // Ohio (Columbus)
  'us-west-1': { lat: 37.34, lon: -121.89 }, // N. California (San Jose)
  'us-west-2': { lat: 45.84, lon: -119.7 }, // Oregon (Boardman)
  'ca-central-1': { lat: 45.5, lon: -73.57 }, // Montreal
  'ca-west-1': { lat: 51.05, lon: -114.07 }, // Calgary
  'mx-central-1': { lat: 20.59, lon: -100.39 }, // Querétaro
  'sa-east-1': { lat: -23.55, lon: -46.63 }, // São Paulo
  'sa-west-1': { lat: -33.45, lon: -70.67 }, // Santiago
  'eu-west-1': { lat: 53.35, lon: -6.26 }, // Dublin
  'eu-west-2': { lat: 51.51, lon: -0.13 }, // London
  'eu-west-3': { lat: 48.86, lon: 2.35 }, // Paris
  'eu-central-1': { lat: 50.11, lon: 8.68 }, // Frankfurt
  'eu-central-2': { lat: 47.38, lon: 8.54 }, // Zurich
  'eu-south-1': { lat: 45.46, lon: 9.19 }, // Milan
  'eu-south-2': { lat: 41.65, lon: -0.89 }, // Aragón (Zaragoza)
  'eu-north-1': { lat: 59.33, lon: 18.07 }, // Stockholm
  'il-central-1': { lat: 32.09, lon: 34.78 }, // Tel Aviv
  'me-south-1': { lat: 26.23, lon: 50.59 }, // Bahrain (Manama)
  'me-central-1': { lat: 25.2, lon: 55.27 }, // UAE (Dubai)
  'me-west-1': { lat: 24.71, lon: 46.68 }, // Saudi Arabia (Riyadh)
  'af-south-1': { lat: -33.92, lon: 18.42 }, // Cape Town
  'ap-south-1': { lat: 19.08, lon: 72.88 }, // Mumbai
  'ap-south-2': { lat: 17.39, lon: 78.49 }, // Hyderabad
  'ap-southeast-1': { lat: 1.35, lon: 103.82 }, // Singapore
  'ap-southeast-2': { lat: -33.87, lon: 151.21 }, // Sydney
  'ap-southeast-3': { lat: -6.21, lon: 106.85 }, // Jakarta
  'ap-southeast-4': { lat: -37.81, lon: 144.96 }, // Melbourne
  'ap-southeast-5': { lat: 3.14, lon: 101.69 }, // Malaysia (Kuala Lumpur)
  'ap-southeast-6': { lat: -36.85, lon: 174.76 }, // New Zealand (Auckland)
  'ap-southeast-7': { lat: 13.76, lon: 100.5 }, // Thailand (Bangkok)
  'ap-east-1': { lat: 22.32, lon: 114.17 }, // Hong Kong
  'ap-east-2': { lat: 25.03, lon: 121.56 }, // Taipei
  'ap-northeast-1': { lat: 35.68, lon: 139.69 }, // Tokyo
  'ap-northeast-2': { lat: 37.57, lon: 126.98 }, // Seoul
  'ap-northeast-3': { lat: 34.69, lon: 135.5 }, // Osaka
};

const EARTH_RADIUS_KM = 6371;
const RADIANS_PER_DEGREE = Math.PI / 180;

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
