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

function latencyRow(label: string, s: LatencySummary): string[] {
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

/** The end-of-run summary of one result. */
export function formatSummary(result: LoadTestResult): string {
  const s = result.settings;
  const lines: string[] = [];
  lines.push(
    `${s.mode} load test of ${s.target}: ${s.ratePerSecond} req/s for ${s.durationMs / 1000} s ` +
      `(+${s.warmupMs / 1000} s warm-up), ${s.hosts} hosts, ${s.zipf === 0 ? 'uniform' : `zipf ${s.zipf}`}, seed ${s.seed}` +
      (s.connections === undefined ? '' : `, ${s.connections} connections`),
  );
  if (s.extra !== undefined && Object.keys(s.extra).length > 0)
    lines.push(`settings: ${counts(s.extra as Record<string, number>)}`);
  lines.push(
    `requests: ${result.requests.completed} completed, ${result.requests.errors} errors of ${result.requests.scheduled} scheduled; ` +
      `achieved ${result.achievedRate.toFixed(1)} req/s`,
  );
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
    lines.push(`cache hit ratio: ${(result.cacheHitRatio * 100).toFixed(2)}%`);
  if (result.dynamoReads !== undefined) {
    lines.push(
      `DynamoDB reads: ${result.dynamoReads.total} (${result.dynamoReads.per1000Requests.toFixed(1)} per 1,000 requests)`,
    );
  }
  lines.push(`statuses: ${counts(result.statuses)}`);
  const lag = s.extra?.generatorLagMs;
  if (typeof lag === 'number') {
    lines.push(
      `warning: the load generator fell ${lag} ms behind its schedule (busy machine?); latencies include the wait`,
    );
  }
  lines.push(`regions: ${counts(result.regions)}`);
  if (result.requests.errors > 0) lines.push(`errors: ${counts(result.errorKinds)}`);
  if (result.byEdgeRegion !== undefined) lines.push('', formatEdgeRegionTable(result));
  return `${lines.join('\n')}\n`;
}

/**
 * One row per edge region: the replica it reads first and its round trip, answered and failed
 * requests (no answer or 5xx), response-time percentiles of uncached and cached tenants, reads.
 */
export function formatEdgeRegionTable(result: LoadTestResult): string {
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
    ]);
  }
  return alignColumns(rows);
}

/** The table of a sweep: one row per value of the swept parameter. */
export function formatSweepTable(sweep: SweepResult): string {
  const rows: string[][] = [
    [sweep.parameter, 'req/s', 'p50', 'p99', 'p99.9', 'router p50', 'router p99', 'hit ratio', 'reads/1k'],
  ];
  for (const { value, result } of sweep.runs) {
    rows.push([
      String(value),
      result.achievedRate.toFixed(0),
      formatMs(result.latency.p50),
      formatMs(result.latency.p99),
      formatMs(result.latency.p999),
      result.routerLatency === undefined ? '-' : formatMs(result.routerLatency.p50),
      result.routerLatency === undefined ? '-' : formatMs(result.routerLatency.p99),
      result.cacheHitRatio === undefined ? '-' : `${(result.cacheHitRatio * 100).toFixed(2)}%`,
      result.dynamoReads === undefined ? '-' : result.dynamoReads.per1000Requests.toFixed(1),
    ]);
  }
  return `${alignColumns(rows)}\n`;
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
