/**
 * The `--html` report: one self-contained page (inline CSS and SVG, no scripts, no external
 * resources) with the summary, latency over time and the percentile distribution, or for a sweep
 * the growth of latency and read cost with the swept parameter. Pure.
 */
import type { LatencySummary } from './latency-histogram.ts';
import type { LoadTestResult } from './load-result.ts';
import { formatMs, formatSummary, formatSweepTable } from './summary-table.ts';
import { escapeXml, lineChart } from './svg-chart.ts';
import type { SweepResult } from './sweep.ts';

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
pre { background: #f6f6f6; padding: 1rem; overflow-x: auto; }
svg { display: block; margin: 1rem 0; font-size: 11px; }
svg .title { font-size: 13px; font-weight: 600; }
svg .grid { stroke: #e4e4e4; } svg .frame { fill: none; stroke: #999; }
table { border-collapse: collapse; } th, td { padding: 0.2rem 0.6rem; text-align: right; border-bottom: 1px solid #e4e4e4; }
th:first-child, td:first-child, th:nth-child(2), td:nth-child(2) { text-align: left; }
`;

const COLORS = { p50: '#1f77b4', p99: '#d62728', max: '#7f7f7f', reads: '#2ca02c', router: '#ff7f0e' };

/** Percentile p as the x of the classic HdrHistogram plot: 1 / (1 - p), so each extra nine is a decade. */
function percentileToX(percentile: number): number {
  return 1 / (1 - percentile / 100);
}

function percentileLabel(x: number): string {
  const p = (1 - 1 / x) * 100;
  return `${Number(p.toPrecision(6))}%`;
}

/** The latency-over-time chart of one result. */
export function latencyOverTimeChart(result: LoadTestResult): string {
  const t = result.timeline;
  return lineChart({
    title: 'Response time over the run (per second, by intended send time)',
    xLabel: 'second of the measured run',
    yLabel: 'latency (ms)',
    yScale: 'log',
    series: [
      { name: 'p50', color: COLORS.p50, points: t.map((p) => [p.second, p.p50]) },
      { name: 'p99', color: COLORS.p99, points: t.map((p) => [p.second, p.p99]) },
      { name: 'max', color: COLORS.max, points: t.map((p) => [p.second, p.max]) },
    ],
  });
}

/** The percentile distribution chart of one result. */
export function percentileDistributionChart(result: LoadTestResult): string {
  const points = result.distribution.filter((p) => p.percentile < 100);
  const maxX = Math.max(10, ...points.map((p) => percentileToX(p.percentile)));
  const ticks: number[] = [];
  for (let x = 1; x <= maxX * 1.0001; x *= 10) ticks.push(x);
  return lineChart({
    title: `Response time by percentile (max ${result.latency.max.toFixed(2)} ms)`,
    xLabel: 'percentile',
    yLabel: 'latency (ms)',
    xScale: 'log',
    yScale: 'log',
    xTicks: ticks,
    xTick: percentileLabel,
    series: [
      {
        name: 'response time',
        color: COLORS.p99,
        points: points.map((p) => [percentileToX(p.percentile), p.ms]),
      },
    ],
  });
}

/** The chart of a sweep: latency percentiles (left axis) and reads per 1,000 requests (right). */
export function sweepChart(sweep: SweepResult): string {
  const values = sweep.runs.map((r) => r.value);
  const spread = Math.max(...values) / Math.max(1e-9, Math.min(...values));
  const positive = values.every((v) => v > 0);
  const hasRouter = sweep.runs.every((r) => r.result.routerLatency !== undefined);
  const hasReads = sweep.runs.every((r) => r.result.dynamoReads !== undefined);
  return lineChart({
    title: `Latency and read cost by ${sweep.parameter}`,
    xLabel: sweep.parameter,
    yLabel: 'latency (ms)',
    yRightLabel: 'DynamoDB reads per 1,000 requests',
    xScale: positive && spread >= 20 ? 'log' : 'linear',
    yScale: 'log',
    xTicks: values,
    series: [
      { name: 'p50', color: COLORS.p50, points: sweep.runs.map((r) => [r.value, r.result.latency.p50]) },
      { name: 'p99', color: COLORS.p99, points: sweep.runs.map((r) => [r.value, r.result.latency.p99]) },
      ...(hasRouter
        ? [
            {
              name: 'router p99',
              color: COLORS.router,
              points: sweep.runs.map((r) => [r.value, r.result.routerLatency?.p99 ?? 0] as const),
            },
          ]
        : []),
      ...(hasReads
        ? [
            {
              name: 'reads / 1k',
              color: COLORS.reads,
              rightAxis: true,
              points: sweep.runs.map((r) => [r.value, r.result.dynamoReads?.per1000Requests ?? 0] as const),
            },
          ]
        : []),
    ],
  });
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
${body}
</body>
</html>
`;
}

/** A self-contained HTML report of one run. */
export function renderRunReport(result: LoadTestResult): string {
  return page(
    `Load test: ${result.settings.target}, ${result.startedAt}`,
    [
      '<h2>Summary</h2>',
      `<pre>${escapeXml(formatSummary(result))}</pre>`,
      '<h2>Latency over time</h2>',
      latencyOverTimeChart(result),
      '<h2>Percentile distribution</h2>',
      percentileDistributionChart(result),
      ...(result.byEdgeRegion === undefined ? [] : ['<h2>Edge regions</h2>', edgeRegionTable(result)]),
    ].join('\n'),
  );
}

/** The per-edge-region results as an HTML table (the same columns as the text summary). */
export function edgeRegionTable(result: LoadTestResult): string {
  const ms = (summary: LatencySummary | undefined, key: 'p50' | 'p99') =>
    summary === undefined ? '-' : formatMs(summary[key]);
  const head = [
    'edge region',
    'nearest replica',
    'answered',
    'failed',
    'uncached p50',
    'uncached p99',
    'cached p50',
    'cached p99',
    'reads',
  ];
  const rows = Object.entries(result.byEdgeRegion ?? {}).map(([edge, r]) => [
    edge,
    r.nearestReplica === undefined
      ? '-'
      : `${r.nearestReplica.region} (${r.nearestReplica.rttMs.toFixed(0)} ms)`,
    String(r.completed),
    String(r.failed),
    ms(r.uncached, 'p50'),
    ms(r.uncached, 'p99'),
    ms(r.cached, 'p50'),
    ms(r.cached, 'p99'),
    r.dynamoReads === undefined ? '-' : String(r.dynamoReads),
  ]);
  const cells = (tag: string, values: readonly string[]) =>
    `<tr>${values.map((v) => `<${tag}>${escapeXml(v)}</${tag}>`).join('')}</tr>`;
  return `<table>\n${cells('th', head)}\n${rows.map((r) => cells('td', r)).join('\n')}\n</table>`;
}

/** A self-contained HTML report of a sweep: the table, the growth chart, then each run's summary. */
export function renderSweepReport(sweep: SweepResult): string {
  const first = sweep.runs[0]?.result;
  return page(
    `Load test sweep over ${sweep.parameter}${first === undefined ? '' : `: ${first.settings.target}, ${first.startedAt}`}`,
    [
      '<h2>Results</h2>',
      `<pre>${escapeXml(formatSweepTable(sweep))}</pre>`,
      sweepChart(sweep),
      ...sweep.runs.flatMap(({ value, result }) => [
        `<h2>${escapeXml(`${sweep.parameter} = ${value}`)}</h2>`,
        `<pre>${escapeXml(formatSummary(result))}</pre>`,
        percentileDistributionChart(result),
      ]),
    ].join('\n'),
  );
}
