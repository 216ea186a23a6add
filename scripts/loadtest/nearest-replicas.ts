/**
 * The replica each edge region of a result reads first (the router's own replica order) and
 * that pair's round trip (docs/geography.md), for the per-edge-region table. Pure.
 */
import type { RouterConfig } from '../../edge/config.ts';
import { regionRoundTrip } from '../../edge/region-geography.ts';
import { replicaOrderFor } from '../../edge/replica-order.ts';
import type { LoadTestResult } from './load-result.ts';

/** Each edge region's result with the replica it reads first and that replica's round trip. */
export function withNearestReplicas(result: LoadTestResult, config: RouterConfig): LoadTestResult {
  if (result.byEdgeRegion === undefined) return result;
  const byEdgeRegion = Object.fromEntries(
    Object.entries(result.byEdgeRegion).map(([edge, r]) => {
      const nearest = replicaOrderFor(edge, config)[0] as string;
      const rttMs = regionRoundTrip(edge, nearest)?.ms ?? 0;
      return [edge, { ...r, nearestReplica: { region: nearest, rttMs } }];
    }),
  );
  return { ...result, byEdgeRegion };
}
