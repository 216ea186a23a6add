/**
 * Plain-text rendering of load test results: the summary at the end of a run, the sweep table and
 * the live progress suffix. Pure.
 */
import { alignColumns } from '../lib/text-columns.ts';
import type { LatencySummary } from './latency-histogram.ts';
import type { LoadTestResult } from './load-result.ts';
import type { SweepResult } from './sweep.ts';

/** Formats milliseconds with a unit that keeps 3 significant digits (µs below 1 ms). */
export function formatMs(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toPrecision(3)} µs`;
  if (ms < 1000) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1000).toPrecision(3)} s`;
}

/** One row of the latency table: count and percentiles. */
export function latencyRow(label: string, s: LatencySummary): string[] {
  return [
    label,
    String(s.count),
    formatMs(s.p50),
    formatMs(s.p90),
    formatMs(s.p99),
    formatMs(s.p999),
    formatMs(s.max),
  ];
}

function counts(record: Readonly<Record<string, number>>): string {
  const entries = Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? '-' : entries.map(([k, v]) => `${k}: ${v}`).join(', ');
}

/** `503: 120, timeout: 2`, or `none`. */
export function formatErrorsByStatus(errors: Readonly<Record<string, number>>): string {
  const entries = Object.entries(errors);
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k}: ${v}`).join(', ');
}

/** `12.50%` of a share from 0 to 1. */
export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(2)}%`;
}

/** The run's headline line: what was loaded, how hard, with which hosts. */
export function describeRun(result: LoadTestResult): string {
  const s = result.settings;
  return (
    `${s.mode} load test of ${s.target}: ${s.ratePerSecond} req/s for ${s.durationMs / 1000} s ` +
    `(+${s.warmupMs / 1000} s warm-up), ${s.hosts} ${s.hostsKind === undefined ? '' : `${s.hostsKind} `}hosts, ` +
    `${s.zipf === 0 ? 'uniform' : `zipf ${s.zipf}`}, seed ${s.seed}` +
    (s.connections === undefined ? '' : `, ${s.connections} connections`)
  );
}

/** The reads line: reads per 1,000 requests against the minimum of the same trace. */
export function describeReads(result: LoadTestResult): string | undefined {
  const reads = result.dynamoReads;
  if (reads === undefined) return undefined;
  const minimum = reads.minimum;
  return (
    `DynamoDB reads: ${reads.total} (${reads.per1000Requests.toFixed(1)} per 1,000 requests` +
    (minimum === undefined
      ? ')'
      : `; minimum for this trace ${minimum.per1000Requests.toFixed(1)}, ${minimum.total} reads)`)
  );
}

/** The end-of-run summary of one result. */
export function formatSummary(result: LoadTestResult): string {
  const s = result.settings;
  const lines: string[] = [];
  if (result.partial !== undefined)
    lines.push(
      `PARTIAL: interrupted at ${result.partial.at} after ${result.partial.sent} of ${result.requests.scheduled} measured requests were sent`,
    );
  lines.push(describeRun(result));
  lines.push(`expect: ${s.expect} (max error rate ${formatPercent(s.maxErrorRate)})`);
  if (s.extra !== undefined && Object.keys(s.extra).length > 0)
    lines.push(`settings: ${counts(s.extra as Record<string, number>)}`);
  const r = result.requests;
  lines.push(
    `requests: ${r.completed} answered, ${r.errors} errors (${formatPercent(result.errorRate)}; ${r.noResponse} without an answer) ` +
      `of ${r.scheduled} scheduled; achieved ${result.achievedRate.toFixed(1)} req/s`,
  );
  lines.push(`errors by status: ${formatErrorsByStatus(result.errorsByStatus)}`);
  lines.push('');
  const rows: string[][] = [['latency', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max']];
  rows.push(latencyRow('response (from intended send)', result.latency));
  if (result.routerLatency !== undefined) rows.push(latencyRow('router', result.routerLatency));
  for (const [outcome, summary] of Object.entries(result.byCacheOutcome ?? {})) {
    if (summary !== undefined) rows.push(latencyRow(`  router, cache ${outcome}`, summary));
  }
  lines.push(alignColumns(rows));
  lines.push('');
  if (result.routerShare !== undefined)
    lines.push(`router share of response time: ${(result.routerShare * 100).toFixed(1)}%`);
  if (result.cacheHitRatio !== undefined)
    lines.push(`cache hit ratio: ${formatPercent(result.cacheHitRatio)}`);
  const reads = describeReads(result);
  if (reads !== undefined) lines.push(reads);
  for (const caveat of result.dynamoReads?.minimum?.caveats ?? []) lines.push(`  minimum: ${caveat}`);
  lines.push(`statuses: ${counts(result.statuses)}`);
  const lag = s.extra?.generatorLagMs;
  if (typeof lag === 'number') {
    lines.push(
      `warning: the load generator fell ${lag} ms behind its schedule (busy machine?); latencies include the wait`,
    );
  }
  lines.push(`regions: ${counts(result.regions)}`);
  if (result.byHostKind !== undefined) lines.push('', formatHostKindTable(result));
  if (result.byEdgeRegion !== undefined) lines.push('', formatEdgeRegionTable(result));
  const env = result.environment;
  if (env !== undefined) {
    lines.push('', `command: ${env.command}`);
    lines.push(
      `machine: ${env.cpu}, ${env.cores} cores, load ${env.loadAverage}; ${env.engine ?? `Node.js ${env.node}`}; ${env.platform}; version ${env.version}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The rows of the per-host-kind table: requests, errors, latency, reads against the minimum. */
export function hostKindRows(result: LoadTestResult): string[][] {
  const rows: string[][] = [
    [
      'host kind',
      'requests',
      'errors',
      'p50',
      'p99',
      'router p50',
      'router p99',
      'hit ratio',
      'reads/1k',
      'minimum/1k',
    ],
  ];
  for (const [kind, k] of Object.entries(result.byHostKind ?? {})) {
    rows.push([
      kind,
      String(k.requests),
      k.failed === 0 ? '0' : `${k.failed} (${formatErrorsByStatus(k.errorsByStatus)})`,
      formatMs(k.latency.p50),
      formatMs(k.latency.p99),
      k.routerLatency === undefined ? '-' : formatMs(k.routerLatency.p50),
      k.routerLatency === undefined ? '-' : formatMs(k.routerLatency.p99),
      k.cacheHitRatio === undefined ? '-' : formatPercent(k.cacheHitRatio),
      k.readsPer1000 === undefined ? '-' : k.readsPer1000.toFixed(1),
      k.minimumReadsPer1000 === undefined ? '-' : k.minimumReadsPer1000.toFixed(1),
    ]);
  }
  return rows;
}

/** One row per host kind (`--hosts-kind`). */
export function formatHostKindTable(result: LoadTestResult): string {
  return alignColumns(hostKindRows(result));
}

/**
 * The rows of the per-edge-region table: the replica it reads first and its round trip, answered
 * and failed requests (failed: no answer or a status not expected), response-time percentiles of
 * uncached and cached tenants, reads and the errors by status.
 */
export function edgeRegionRows(result: LoadTestResult): string[][] {
  const rows: string[][] = [
    [
      'edge region',
      'nearest replica',
      'answered',
      'failed',
      'uncached p50',
      'p99',
      'cached p50',
      'p99',
      'reads',
      'errors by status',
    ],
  ];
  const ms = (s: LatencySummary | undefined, key: 'p50' | 'p99') =>
    s === undefined ? '-' : formatMs(s[key]);
  for (const [edge, r] of Object.entries(result.byEdgeRegion ?? {})) {
    rows.push([
      edge,
      r.nearestReplica === undefined
        ? '-'
        : `${r.nearestReplica.region} ${r.nearestReplica.rttMs.toFixed(0)} ms`,
      String(r.completed),
      String(r.failed),
      ms(r.uncached, 'p50'),
      ms(r.uncached, 'p99'),
      ms(r.cached, 'p50'),
      ms(r.cached, 'p99'),
      r.dynamoReads === undefined ? '-' : String(r.dynamoReads),
      r.failed === 0 ? '-' : formatErrorsByStatus(r.errorsByStatus),
    ]);
  }
  return rows;
}

/** One row per edge region (see {@link edgeRegionRows}). */
export function formatEdgeRegionTable(result: LoadTestResult): string {
  return alignColumns(edgeRegionRows(result));
}

/** The table of a sweep: one row per value of the swept parameter. */
export function formatSweepTable(sweep: SweepResult): string {
  return `${alignColumns(sweepRows(sweep))}\n`;
}

/** The rows of {@link formatSweepTable}. */
export function sweepRows(sweep: SweepResult): string[][] {
  const rows: string[][] = [
    [
      sweep.parameter,
      'req/s',
      'errors',
      'p50',
      'p99',
      'p99.9',
      'router p50',
      'router p99',
      'hit ratio',
      'reads/1k',
      'minimum/1k',
    ],
  ];
  for (const { value, result } of sweep.runs) {
    rows.push([
      `${value}${result.partial === undefined ? '' : ' (partial)'}`,
      result.achievedRate.toFixed(0),
      String(result.requests.errors),
      formatMs(result.latency.p50),
      formatMs(result.latency.p99),
      formatMs(result.latency.p999),
      result.routerLatency === undefined ? '-' : formatMs(result.routerLatency.p50),
      result.routerLatency === undefined ? '-' : formatMs(result.routerLatency.p99),
      result.cacheHitRatio === undefined ? '-' : `${(result.cacheHitRatio * 100).toFixed(2)}%`,
      result.dynamoReads === undefined ? '-' : result.dynamoReads.per1000Requests.toFixed(1),
      result.dynamoReads?.minimum === undefined ? '-' : result.dynamoReads.minimum.per1000Requests.toFixed(1),
    ]);
  }
  return rows;
}

/** The live progress suffix: rate so far, p99 so far, errors. */
export function progressSuffix(options: {
  completed: number;
  errors: number;
  elapsedMs: number;
  p99Ms: number;
}): string {
  const rate = options.elapsedMs > 0 ? (options.completed * 1000) / options.elapsedMs : 0;
  return `${rate.toFixed(0)} req/s, p99 ${formatMs(options.p99Ms)}, ${options.errors} errors`;
}
