/**
 * Replica layout advice: for each regional edge cache region (where the function runs), the
 * nearest replica of a table layout and its round trip, and the edge regions farther than a bound
 * from every replica. Reported by the CDK construct at synth (`TenantRouter`); the layouts
 * docs/deploying.md recommends are data here, so the table there is generated and checked. Pure.
 */
import { REGIONAL_EDGE_CACHE_REGIONS, regionRoundTrip } from '../edge/region-geography.ts';

/** One edge region's nearest replica. */
export interface EdgeRegionReach {
  readonly edgeRegion: string;
  /** The replica with the shortest round trip from the edge region (undefined: none known). */
  readonly nearest: string | undefined;
  /** Its round trip, ms. */
  readonly rttMs: number;
  /** Whether the round trip was measured or estimated by the fibre model (docs/geography.md). */
  readonly basis: 'measured' | 'estimated' | 'unknown';
}

/** The reach of a replica layout from every edge region. */
export interface ReplicaLayoutReport {
  readonly replicas: readonly string[];
  readonly edgeRegions: readonly EdgeRegionReach[];
  /** The bound the report checks, ms. */
  readonly maxRoundTripMs: number;
  /** The edge regions farther than the bound from every replica. */
  readonly far: readonly EdgeRegionReach[];
}

/**
 * The nearest replica of `replicas` from each of `edgeRegions`, and those farther than
 * `maxRoundTripMs` from every replica.
 *
 * @example
 * replicaLayoutReport(['us-east-1', 'eu-west-1'], 100).far.map((r) => r.edgeRegion); // ['ap-south-1', ...]
 */
export function replicaLayoutReport(
  replicas: readonly string[],
  maxRoundTripMs: number,
  edgeRegions: readonly string[] = REGIONAL_EDGE_CACHE_REGIONS,
): ReplicaLayoutReport {
  const reach = edgeRegions.map((edgeRegion) => nearestReplica(edgeRegion, replicas));
  return {
    replicas,
    edgeRegions: reach,
    maxRoundTripMs,
    far: reach.filter((r) => !(r.rttMs <= maxRoundTripMs)),
  };
}

function nearestReplica(edgeRegion: string, replicas: readonly string[]): EdgeRegionReach {
  let best: EdgeRegionReach = {
    edgeRegion,
    nearest: undefined,
    rttMs: Number.POSITIVE_INFINITY,
    basis: 'unknown',
  };
  for (const replica of replicas) {
    const rtt = regionRoundTrip(edgeRegion, replica);
    if (rtt !== undefined && rtt.ms < best.rttMs)
      best = { edgeRegion, nearest: replica, rttMs: rtt.ms, basis: rtt.basis };
  }
  return best;
}

/** The report as lines for the synth output: one per edge region, the far ones marked. */
export function formatReplicaLayout(report: ReplicaLayoutReport): string {
  const lines = [
    `replica layout ${report.replicas.join(', ')}: nearest replica of each edge region (bound ${report.maxRoundTripMs} ms)`,
  ];
  for (const r of report.edgeRegions) {
    const rtt = Number.isFinite(r.rttMs)
      ? `${r.rttMs} ms${r.basis === 'estimated' ? ' (estimated)' : ''}`
      : 'unknown';
    const mark = r.rttMs <= report.maxRoundTripMs ? '' : '  FAR';
    lines.push(`  ${r.edgeRegion.padEnd(15)} ${String(r.nearest ?? '-').padEnd(15)} ${rtt}${mark}`);
  }
  return lines.join('\n');
}

/** What a far edge region costs, in one line per region, for the warning. */
export function describeFarRegions(report: ReplicaLayoutReport): string {
  const far = report.far
    .map((r) => `${r.edgeRegion} (${r.nearest ?? 'no replica'} ${r.rttMs} ms)`)
    .join(', ');
  return (
    `${report.far.length} of ${report.edgeRegions.length} edge regions are farther than ${report.maxRoundTripMs} ms from every replica: ${far}. ` +
    'Their uncached lookups cross that distance (a cold one three times); a replica nearer to them, or a larger replicaLayout.maxRoundTripMs, silences this (docs/deploying.md#replica-layout)'
  );
}

/** A replica layout docs/deploying.md recommends, and why. */
export interface RecommendedLayout {
  readonly replicas: readonly string[];
  readonly why: string;
}

/**
 * Replica layouts that cover the 13 edge regions within 100 ms and within 50 ms, found by an
 * exhaustive search over the regions of the round-trip matrix (every layout of that size was
 * tried; these are the ones with the smallest worst round trip), plus the demo layout for
 * comparison. `npm test` checks the table in docs/deploying.md against {@link layoutTable}.
 */
export const RECOMMENDED_LAYOUTS: readonly RecommendedLayout[] = [
  {
    replicas: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
    why: 'the demo and example layout, for comparison',
  },
  {
    replicas: ['us-east-1', 'sa-east-1', 'ap-southeast-1'],
    why: 'the fewest replicas within 100 ms (no layout of two is)',
  },
  {
    replicas: ['us-east-1', 'sa-east-1', 'eu-west-1', 'ap-southeast-1'],
    why: 'within 100 ms, Europe within 27 ms',
  },
  {
    replicas: ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'sa-east-1', 'ap-southeast-1'],
    why: 'the demo layout brought within 100 ms: two replicas more',
  },
  {
    replicas: [
      'ca-west-1',
      'sa-east-1',
      'eu-west-2',
      'ap-south-1',
      'ap-southeast-1',
      'ap-southeast-2',
      'ap-northeast-1',
    ],
    why: 'the fewest replicas within 50 ms (no layout of six is)',
  },
  {
    replicas: [
      'us-east-1',
      'us-west-2',
      'sa-east-1',
      'eu-west-1',
      'ap-south-1',
      'ap-southeast-1',
      'ap-southeast-2',
      'ap-northeast-1',
    ],
    why: 'a replica in or beside every edge region: within 40 ms',
  },
];

/** The layouts table of docs/deploying.md: per layout its worst nearest round trip and far regions. */
export function layoutTable(layouts: readonly RecommendedLayout[] = RECOMMENDED_LAYOUTS): string {
  const lines = [
    '| replicas | worst nearest round trip | edge regions beyond 50 ms | beyond 100 ms | why |',
    '|---|---|---|---|---|',
  ];
  for (const layout of layouts) {
    const report = replicaLayoutReport(layout.replicas, 100);
    const worst = report.edgeRegions.reduce((a, b) => (b.rttMs > a.rttMs ? b : a));
    const beyond = (ms: number) =>
      replicaLayoutReport(layout.replicas, ms)
        .far.map((r) => `${r.edgeRegion} ${r.rttMs}`)
        .join(', ') || 'none';
    lines.push(
      `| ${layout.replicas.join(', ')} | ${worst.rttMs} ms (${worst.edgeRegion}) | ${beyond(50)} | ${beyond(100)} | ${layout.why} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
