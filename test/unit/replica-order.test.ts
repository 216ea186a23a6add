import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REGION_LOCATIONS, regionRoundTrip } from '../../edge/region-geography.ts';
import { replicaOrderFor } from '../../edge/replica-order.ts';
import { aRouterConfig } from '../support/router-config.ts';

const rtt = (a: string, b: string) => regionRoundTrip(a, b)?.ms ?? Number.POSITIVE_INFINITY;

describe('replicaOrderFor', () => {
  const config = aRouterConfig({ replicaRegions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] });

  it.each([
    ['us-east-1', ['us-east-1', 'eu-west-1', 'ap-southeast-2']],
    ['us-west-2', ['us-east-1', 'eu-west-1', 'ap-southeast-2']],
    ['sa-east-1', ['us-east-1', 'eu-west-1', 'ap-southeast-2']],
    ['eu-central-1', ['eu-west-1', 'us-east-1', 'ap-southeast-2']],
    ['eu-west-2', ['eu-west-1', 'us-east-1', 'ap-southeast-2']],
    ['me-central-1', ['eu-west-1', 'ap-southeast-2', 'us-east-1']],
    // A region launched after the measurements: ordered by the fibre model.
    ['ap-southeast-6', ['ap-southeast-2', 'us-east-1', 'eu-west-1']],
    ['ap-south-1', ['eu-west-1', 'ap-southeast-2', 'us-east-1']],
    // Tokyo is nearer Dublin than Ashburn on the globe, but nearer Ashburn in round-trip time.
    ['ap-northeast-1', ['ap-southeast-2', 'us-east-1', 'eu-west-1']],
    ['ap-southeast-1', ['ap-southeast-2', 'eu-west-1', 'us-east-1']],
    ['ap-southeast-2', ['ap-southeast-2', 'us-east-1', 'eu-west-1']],
  ])('orders the replicas nearest-first in round-trip time for an edge in %s', (edge, expected) => {
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
            expect(rtt(edge, order[i - 1] as string)).toBeLessThanOrEqual(rtt(edge, order[i] as string));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
