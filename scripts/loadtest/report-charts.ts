/**
 * The charts of the HTML report as data: one x array and named series each, drawn in the page by
 * uPlot (report-page.ts inlines it). Latency over time split by cache outcome, the router's time
 * beside the response time, statuses and throughput per second, the percentile distribution, and
 * a sweep's growth. Pure.
 */
import type { LoadTestResult, TimelinePoint } from './load-result.ts';
import type { SweepResult } from './sweep.ts';

/** One line of a chart; `null` where it has no value (nothing to draw). */
export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
  /** Drawn against the right-hand axis. @default false */
  readonly right?: boolean;
  /** Dashed (p99 beside a solid p50). @default false */
  readonly dashed?: boolean;
}

/** One chart. */
export interface ChartSpec {
  /** Element id, stable for tests. */
  readonly id: string;
  readonly title: string;
  readonly x: readonly number[];
  readonly xLabel: string;
  /** `percentile`: x is 1/(1-p), labelled as percentiles; `seconds`: plain numbers. */
  readonly xKind: 'seconds' | 'percentile' | 'value';
  readonly xLog?: boolean;
  readonly yLabel: string;
  /** Units of the left axis: `ms` formats as µs / ms / s; `count` as plain numbers. */
  readonly yUnit: 'ms' | 'count';
  readonly yLog?: boolean;
  readonly rightLabel?: string;
  readonly series: readonly ChartSeries[];
}

const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#17becf',
];

/** Fixed colours for the labels that recur, so the same outcome looks the same in every chart. */
const LABEL_COLORS: Readonly<Record<string, string>> = {
  hit: '#2ca02c',
  cached: '#2ca02c',
  miss: '#d62728',
  uncached: '#d62728',
  stale: '#ff7f0e',
  negative: '#9467bd',
  response: '#1f77b4',
  router: '#ff7f0e',
};

function colorOf(label: string, index: number): string {
  return LABEL_COLORS[label] ?? (PALETTE[index % PALETTE.length] as string);
}

/** Positive values only: a log axis cannot show 0 (an empty second). */
const positive = (v: number | undefined): number | null => (v !== undefined && v > 0 ? v : null);

function seconds(result: LoadTestResult): number[] {
  return result.timeline.map((p) => p.second);
}

/** Response time per second split by cache outcome (hit/miss in-process, uncached/cached over HTTP). */
export function latencyByCacheChart(result: LoadTestResult): ChartSpec {
  const labels = [...new Set(result.timeline.flatMap((p) => Object.keys(p.byCache ?? {})))];
  const byLabel = (label: string, key: 'p50' | 'p99') => (p: TimelinePoint) =>
    positive(p.byCache?.[label]?.[key]);
  const split = labels.flatMap((label, i) => [
    { label: `${label} p50`, color: colorOf(label, i), values: result.timeline.map(byLabel(label, 'p50')) },
    {
      label: `${label} p99`,
      color: colorOf(label, i),
      dashed: true,
      values: result.timeline.map(byLabel(label, 'p99')),
    },
  ]);
  const all = [
    { label: 'all p50', color: colorOf('response', 0), values: result.timeline.map((p) => positive(p.p50)) },
    {
      label: 'all p99',
      color: colorOf('response', 0),
      dashed: true,
      values: result.timeline.map((p) => positive(p.p99)),
    },
  ];
  return {
    id: 'chart-latency-by-cache',
    title: 'Response time per second, by cache outcome',
    x: seconds(result),
    xLabel: 'second of the measured run (intended send time)',
    xKind: 'seconds',
    yLabel: 'response time',
    yUnit: 'ms',
    yLog: true,
    series: labels.length > 0 ? split : all,
  };
}

/** The router's own time beside the response time, per second. */
export function routerBesideResponseChart(result: LoadTestResult): ChartSpec {
  const t = result.timeline;
  return {
    id: 'chart-router-vs-response',
    title: 'Router time beside response time, per second',
    x: seconds(result),
    xLabel: 'second of the measured run',
    xKind: 'seconds',
    yLabel: 'time',
    yUnit: 'ms',
    yLog: true,
    series: [
      { label: 'response p50', color: colorOf('response', 0), values: t.map((p) => positive(p.p50)) },
      {
        label: 'response p99',
        color: colorOf('response', 0),
        dashed: true,
        values: t.map((p) => positive(p.p99)),
      },
      { label: 'router p50', color: colorOf('router', 1), values: t.map((p) => positive(p.router?.p50)) },
      {
        label: 'router p99',
        color: colorOf('router', 1),
        dashed: true,
        values: t.map((p) => positive(p.router?.p99)),
      },
    ],
  };
}

/** 2xx green, 3xx blue, 4xx orange, 5xx red, no answer (`timeout`) grey or purple. */
function statusColor(status: string, index: number): string {
  const byClass: Record<string, string> = { '2': '#2ca02c', '3': '#1f77b4', '4': '#ff7f0e', '5': '#d62728' };
  return byClass[status[0] ?? ''] ?? (index % 2 === 0 ? '#7f7f7f' : '#9467bd');
}

/** Answers per second by status, and requests with no answer by why. */
export function statusTimelineChart(result: LoadTestResult): ChartSpec {
  const statuses = [...new Set(result.timeline.flatMap((p) => Object.keys(p.statuses)))].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  );
  return {
    id: 'chart-statuses',
    title: 'Statuses per second',
    x: seconds(result),
    xLabel: 'second of the measured run (intended send time)',
    xKind: 'seconds',
    yLabel: 'requests',
    yUnit: 'count',
    series: statuses.map((status, i) => ({
      label: status,
      color: statusColor(status, i),
      values: result.timeline.map((p) => p.statuses[status] ?? 0),
    })),
  };
}

/** Requests sent and answers completed per second, against the target rate. */
export function throughputChart(result: LoadTestResult): ChartSpec {
  const t = result.timeline;
  return {
    id: 'chart-throughput',
    title: 'Throughput per second',
    x: seconds(result),
    xLabel: 'second of the measured run',
    xKind: 'seconds',
    yLabel: 'requests per second',
    yUnit: 'count',
    series: [
      {
        label: 'target rate',
        color: '#7f7f7f',
        dashed: true,
        values: t.map(() => result.settings.ratePerSecond),
      },
      // Every request of a second is in its statuses: answers by status, the rest by why none came.
      {
        label: 'sent',
        color: '#1f77b4',
        values: t.map((p) => Object.values(p.statuses).reduce((a, b) => a + b, 0)),
      },
      { label: 'answered (by completion)', color: '#2ca02c', values: t.map((p) => p.completed) },
      { label: 'failed', color: '#d62728', values: t.map((p) => p.errors) },
    ],
  };
}

/** Percentile p as the x of the classic HdrHistogram plot: 1 / (1 - p), so each extra nine is a decade. */
export function percentileToX(percentile: number): number {
  return 1 / (1 - percentile / 100);
}

/** The response (and router) time by percentile. */
export function percentileChart(result: LoadTestResult): ChartSpec {
  const points = result.distribution.filter((p) => p.percentile < 100);
  const router = new Map((result.routerDistribution ?? []).map((p) => [p.percentile, p.ms]));
  return {
    id: 'chart-percentiles',
    title: `Response time by percentile (max ${result.latency.max.toFixed(2)} ms)`,
    x: points.map((p) => percentileToX(p.percentile)),
    xLabel: 'percentile',
    xKind: 'percentile',
    xLog: true,
    yLabel: 'time',
    yUnit: 'ms',
    yLog: true,
    series: [
      { label: 'response', color: colorOf('response', 0), values: points.map((p) => positive(p.ms)) },
      ...(router.size > 0
        ? [
            {
              label: 'router',
              color: colorOf('router', 1),
              values: points.map((p) => positive(router.get(p.percentile))),
            },
          ]
        : []),
    ],
  };
}

/** The charts of one run, in page order. */
export function runCharts(result: LoadTestResult): ChartSpec[] {
  return [
    latencyByCacheChart(result),
    ...(result.routerLatency === undefined ? [] : [routerBesideResponseChart(result)]),
    statusTimelineChart(result),
    throughputChart(result),
    percentileChart(result),
  ];
}

/** A sweep's growth: latency percentiles (left) and reads per 1,000 requests against the minimum (right). */
export function sweepChart(sweep: SweepResult): ChartSpec {
  const runs = [...sweep.runs].sort((a, b) => a.value - b.value);
  const values = runs.map((r) => r.value);
  const spread = Math.max(...values) / Math.max(1e-9, Math.min(...values));
  const withReads = runs.every((r) => r.result.dynamoReads !== undefined);
  const withMinimum = runs.every((r) => r.result.dynamoReads?.minimum !== undefined);
  return {
    id: 'chart-sweep',
    title: `Latency and read cost by ${sweep.parameter}`,
    x: values,
    xLabel: sweep.parameter,
    xKind: 'value',
    xLog: values.every((v) => v > 0) && spread >= 20,
    yLabel: 'response time',
    yUnit: 'ms',
    yLog: true,
    rightLabel: 'reads per 1,000 requests',
    series: [
      { label: 'p50', color: PALETTE[0] as string, values: runs.map((r) => positive(r.result.latency.p50)) },
      { label: 'p99', color: PALETTE[1] as string, values: runs.map((r) => positive(r.result.latency.p99)) },
      ...(runs.every((r) => r.result.routerLatency !== undefined)
        ? [
            {
              label: 'router p99',
              color: colorOf('router', 3),
              values: runs.map((r) => positive(r.result.routerLatency?.p99)),
            },
          ]
        : []),
      ...(withReads
        ? [
            {
              label: 'reads / 1k',
              color: PALETTE[2] as string,
              right: true,
              values: runs.map((r) => r.result.dynamoReads?.per1000Requests ?? null),
            },
          ]
        : []),
      ...(withMinimum
        ? [
            {
              label: 'minimum / 1k',
              color: PALETTE[2] as string,
              right: true,
              dashed: true,
              values: runs.map((r) => r.result.dynamoReads?.minimum?.per1000Requests ?? null),
            },
          ]
        : []),
    ],
  };
}
