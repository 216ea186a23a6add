import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REGION_PATTERN } from '../../edge/model.ts';
import { greatCircleKm, REGION_LOCATIONS, regionLocation } from '../../edge/region-geography.ts';
import { replicaOrderFor } from '../../edge/replica-order.ts';
import { aRouterConfig } from '../support/router-config.ts';

/** Region names of the commercial `aws` partition, from the partition data the AWS SDK ships. */
function sdkCommercialRegions(): string[] {
  const require = createRequire(import.meta.url);
  const clientEntry = require.resolve('@aws-sdk/core/client'); // .../dist-cjs/submodules/client/index.js
  const file = join(
    dirname(clientEntry),
    '../../../dist-es/submodules/client/util-endpoints/lib/aws/partitions.js',
  );
  const source = readFileSync(file, 'utf8');
  const json = source.slice(source.indexOf('{'), source.lastIndexOf('}') + 1);
  const info = JSON.parse(json) as { partitions: { id: string; regions: Record<string, unknown> }[] };
  const aws = info.partitions.find((p) => p.id === 'aws');
  if (aws === undefined) throw new Error('no aws partition in the SDK partition data');
  return Object.keys(aws.regions).filter((name) => name !== 'aws-global');
}

const km = (a: string, b: string) => {
  const from = regionLocation(a);
  const to = regionLocation(b);
  if (from === undefined || to === undefined) throw new Error(`no location for ${a} or ${b}`);
  return greatCircleKm(from, to);
};

describe('region geography', () => {
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

describe('replicaOrderFor', () => {
  const config = aRouterConfig({ replicaRegions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] });

  it.each([
    ['us-east-1', ['us-east-1', 'eu-west-1', 'ap-southeast-2']],
    ['us-west-2', ['us-east-1', 'eu-west-1', 'ap-southeast-2']],
    ['sa-east-1', ['us-east-1', 'eu-west-1', 'ap-southeast-2']],
    ['eu-central-1', ['eu-west-1', 'us-east-1', 'ap-southeast-2']],
    ['eu-west-2', ['eu-west-1', 'us-east-1', 'ap-southeast-2']],
    ['me-central-1', ['eu-west-1', 'us-east-1', 'ap-southeast-2']],
    ['ap-south-1', ['eu-west-1', 'ap-southeast-2', 'us-east-1']],
    ['ap-northeast-1', ['ap-southeast-2', 'eu-west-1', 'us-east-1']],
    ['ap-southeast-1', ['ap-southeast-2', 'eu-west-1', 'us-east-1']],
    ['ap-southeast-2', ['ap-southeast-2', 'us-east-1', 'eu-west-1']],
  ])('orders the replicas nearest-first for an edge in %s', (edge, expected) => {
    expect(replicaOrderFor(edge, config)).toEqual(expected);
  });

  it('puts the replica in the edge region itself first', () => {
    for (const replica of config.replicaRegions) expect(replicaOrderFor(replica, config)[0]).toBe(replica);
  });

  it('uses the configured replica order for an edge region it has no location for', () => {
    expect(replicaOrderFor('xx-nowhere-1', config)).toEqual(config.replicaRegions);
  });

  it('puts replicas it has no location for last, in configured order', () => {
    const withUnknown = aRouterConfig({
      replicaRegions: ['xx-future-2', 'ap-southeast-2', 'xx-future-1', 'us-east-1'],
    });
    expect(replicaOrderFor('us-east-2', withUnknown)).toEqual([
      'us-east-1',
      'ap-southeast-2',
      'xx-future-2',
      'xx-future-1',
    ]);
  });

  it('follows an explicit order for the edge region', () => {
    const overridden = aRouterConfig({
      replicaOrder: { 'eu-central-1': ['ap-southeast-2', 'us-east-1', 'eu-west-1'] },
    });
    expect(replicaOrderFor('eu-central-1', overridden)).toEqual(['ap-southeast-2', 'us-east-1', 'eu-west-1']);
    expect(replicaOrderFor('eu-west-2', overridden)).toEqual(['eu-west-1', 'us-east-1', 'ap-southeast-2']);
  });

  it('appends the replicas an explicit order leaves out, nearest-first, so none becomes unreachable', () => {
    const partial = aRouterConfig({ replicaOrder: { 'eu-central-1': ['ap-southeast-2'] } });
    expect(replicaOrderFor('eu-central-1', partial)).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
  });

  it('computes an order once per edge region and hands out the same frozen array', () => {
    const fresh = aRouterConfig();
    const first = replicaOrderFor('eu-west-3', fresh);
    expect(replicaOrderFor('eu-west-3', fresh)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(replicaOrderFor('us-west-1', fresh)).not.toBe(first);
  });

  it('returns a nearest-first permutation of any replica set for any known edge region', () => {
    const names = Object.keys(REGION_LOCATIONS);
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.uniqueArray(fc.constantFrom(...names), { minLength: 1, maxLength: 8 }),
        (edge, replicas) => {
          const order = replicaOrderFor(edge, aRouterConfig({ replicaRegions: replicas }));
          expect([...order].sort()).toEqual([...replicas].sort());
          for (let i = 1; i < order.length; i++) {
            expect(km(edge, order[i - 1] as string)).toBeLessThanOrEqual(km(edge, order[i] as string));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
