import { describe, expect, it } from 'vitest';
import { REGION_PATTERN } from '../../edge/model.ts';
import {
  fibreRoundTripMs,
  greatCircleKm,
  isRegionalEdgeCacheRegion,
  REGION_LOCATIONS,
  REGIONAL_EDGE_CACHE_REGIONS,
  regionLocation,
  regionRoundTrip,
} from '../../edge/region-geography.ts';
import { MEASURED_RTT, UNMEASURED_REGIONS } from '../../edge/region-geography-data.ts';
import { sdkCommercialRegions } from '../support/sdk-regions.ts';

const km = (a: string, b: string) => {
  const from = regionLocation(a);
  const to = regionLocation(b);
  if (from === undefined || to === undefined) throw new Error(`no location for ${a} or ${b}`);
  return greatCircleKm(from, to);
};

describe('region locations', () => {
  it('knows the location of every commercial region the AWS SDK knows', () => {
    const missing = sdkCommercialRegions().filter((name) => regionLocation(name) === undefined);
    expect(missing).toEqual([]);
  });

  it('lists only well-formed region names with coordinates on the globe', () => {
    for (const [name, point] of Object.entries(REGION_LOCATIONS)) {
      expect(name).toMatch(REGION_PATTERN);
      expect(Math.abs(point.lat)).toBeLessThanOrEqual(90);
      expect(Math.abs(point.lon)).toBeLessThanOrEqual(180);
    }
  });

  it('does not treat inherited object keys as regions', () => {
    expect(regionLocation('constructor')).toBeUndefined();
    expect(regionLocation('__proto__')).toBeUndefined();
    expect(regionRoundTrip('constructor', 'us-east-1')).toBeUndefined();
  });

  it.each([
    // Published great-circle distances between the cities, rounded.
    ['eu-west-2', 'eu-west-3', 344], // London - Paris
    ['us-east-1', 'eu-west-1', 5_450], // Ashburn - Dublin
    ['ap-southeast-2', 'ap-southeast-4', 713], // Sydney - Melbourne
  ])('measures %s to %s as about %i km', (a, b, expected) => {
    expect(km(a, b)).toBeGreaterThan(expected * 0.95);
    expect(km(a, b)).toBeLessThan(expected * 1.05);
  });

  it('measures zero from a region to itself and the same both ways', () => {
    expect(km('eu-central-1', 'eu-central-1')).toBe(0);
    expect(km('sa-east-1', 'ap-northeast-1')).toBeCloseTo(km('ap-northeast-1', 'sa-east-1'), 6);
  });
});

describe('regional edge cache regions', () => {
  it('are the thirteen regions where origin-request functions run, all known to the SDK', () => {
    expect(REGIONAL_EDGE_CACHE_REGIONS).toHaveLength(13);
    expect(new Set(REGIONAL_EDGE_CACHE_REGIONS).size).toBe(13);
    const sdk = new Set(sdkCommercialRegions());
    expect(REGIONAL_EDGE_CACHE_REGIONS.filter((r) => !sdk.has(r))).toEqual([]);
  });

  it('answers membership', () => {
    expect(isRegionalEdgeCacheRegion('sa-east-1')).toBe(true);
    expect(isRegionalEdgeCacheRegion('eu-north-1')).toBe(false);
  });
});

describe('the round-trip matrix', () => {
  it('covers every regional edge cache region to every region of the SDK partition', () => {
    const gaps: string[] = [];
    for (const edge of REGIONAL_EDGE_CACHE_REGIONS)
      for (const replica of sdkCommercialRegions())
        if (regionRoundTrip(edge, replica) === undefined) gaps.push(`${edge}->${replica}`);
    expect(gaps).toEqual([]);
  });

  it('has a measured figure for every pair of regions it lists, in a square of positive numbers', () => {
    const n = MEASURED_RTT.regions.length;
    expect(MEASURED_RTT.ms).toHaveLength(n);
    for (const row of MEASURED_RTT.ms) {
      expect(row).toHaveLength(n);
      for (const ms of row) expect(ms).toBeGreaterThan(0);
    }
  });

  it('measures every regional edge cache region, and marks exactly the rest of the partition as estimated', () => {
    const measured = new Set<string>(MEASURED_RTT.regions);
    for (const edge of REGIONAL_EDGE_CACHE_REGIONS) expect(measured.has(edge)).toBe(true);
    const unmeasured = sdkCommercialRegions().filter((r) => !measured.has(r));
    expect(unmeasured.sort()).toEqual([...UNMEASURED_REGIONS].sort());
  });

  it('reports measured pairs as measured and pairs with an unmeasured region as estimated', () => {
    expect(regionRoundTrip('sa-east-1', 'us-east-1')).toEqual({ ms: 115.4, basis: 'measured' });
    expect(regionRoundTrip('ap-southeast-2', 'ap-southeast-6')?.basis).toBe('estimated');
    expect(regionRoundTrip('xx-nowhere-1', 'us-east-1')).toBeUndefined();
  });

  it('puts each region nearer to itself than to any other region', () => {
    for (const from of MEASURED_RTT.regions) {
      const self = regionRoundTrip(from, from)?.ms ?? Number.NaN;
      for (const to of MEASURED_RTT.regions) {
        if (to !== from) expect(regionRoundTrip(from, to)?.ms).toBeGreaterThan(self);
      }
    }
  });

  it('estimates the measured pairs with the fibre model to a median error under 20 %', () => {
    const errors: number[] = [];
    for (const from of MEASURED_RTT.regions)
      for (const to of MEASURED_RTT.regions) {
        if (from === to) continue;
        const measured = regionRoundTrip(from, to)?.ms as number;
        errors.push(Math.abs(fibreRoundTripMs(km(from, to)) - measured) / measured);
      }
    errors.sort((a, b) => a - b);
    expect(errors[Math.floor(errors.length / 2)]).toBeLessThan(0.2);
  });
});
