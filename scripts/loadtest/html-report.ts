/**
 * The `--html` report: one self-contained page (no external resources) readable at a glance: the
 * verdict and headline figures as cards, errors by status, the charts (drawn by uPlot, inlined with
 * its CSS and the page script report-page.js), latency, host-kind and edge-region tables, and what
 * the run was (command, machine, version). Fits its width: nothing scrolls sideways.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { LoadTestResult } from './load-result.ts';
import { type ChartSpec, runCharts, sweepChart } from './report-charts.ts';
import { exceedsErrorRate } from './status-expectation.ts';
import {
  describeReads,
  describeRun,
  edgeRegionRows,
  formatErrorsByStatus,
  formatMs,
  formatPercent,
  hostKindRows,
  latencyRow,
  sweepRows,
} from './summary-table.ts';
import type { SweepResult } from './sweep.ts';

const require = createRequire(import.meta.url);
const asset = (file: string) => readFileSync(file, 'utf8');

/** uPlot (MIT) and its CSS, read once from node_modules; the page script from beside this file. */
const ASSETS = {
  uplot: () => asset(require.resolve('uplot/dist/uPlot.iife.min.js')),
  uplotCss: () => asset(require.resolve('uplot/dist/uPlot.min.css')),
  page: () => asset(new URL('./report-page.js', import.meta.url).pathname),
};

const STYLE = `
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; padding: 1.5rem; max-width: 74rem; color: #1d1d1f; }
h1 { font-size: 1.35rem; margin: 0 0 .3rem; overflow-wrap: anywhere; } h2 { font-size: 1.05rem; margin: 1.8rem 0 .6rem; }
.lead { color: #444; margin: 0 0 1rem; overflow-wrap: anywhere; }
.verdict { display: inline-block; padding: .25rem .7rem; border-radius: .3rem; font-weight: 600; }
.verdict.pass { background: #e3f5e6; color: #155724; } .verdict.fail { background: #fde2e1; color: #8a1c1c; }
.partial { background: #fff3cd; color: #664d03; border: 1px solid #e6c96b; padding: .6rem .9rem; border-radius: .3rem; margin: .6rem 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(9.5rem, 1fr)); gap: .6rem; margin: 1rem 0; }
.card { border: 1px solid #e2e2e6; border-radius: .4rem; padding: .55rem .7rem; min-width: 0; }
.card .label { color: #666; font-size: .78rem; } .card .value { font-size: 1.25rem; font-weight: 600; overflow-wrap: anywhere; }
.card .note { color: #666; font-size: .75rem; overflow-wrap: anywhere; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(30rem, 1fr)); gap: 1rem; }
.chart { min-width: 0; overflow: hidden; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
th, td { padding: .25rem .45rem; text-align: right; border-bottom: 1px solid #e6e6ea; overflow-wrap: break-word; }
th { background: #f6f6f8; font-weight: 600; } th:first-child, td:first-child { text-align: left; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dt { color: #666; } dd { margin: 0; overflow-wrap: anywhere; }
code.command { display: block; white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f6f8; padding: .6rem; border-radius: .3rem; }
@media (max-width: 40rem) { .charts { grid-template-columns: 1fr; } }
`;

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function table(rows: readonly (readonly string[])[]): string {
  const [head, ...body] = rows;
  const cells = (tag: string, values: readonly string[]) =>
    `<tr>${values.map((v) => `<${tag}>${escapeHtml(v)}</${tag}>`).join('')}</tr>`;
  return `<table>\n${cells('th', head ?? [])}\n${body.map((r) => cells('td', r)).join('\n')}\n</table>`;
}

function card(label: string, value: string, note = ''): string {
  return `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div>${note === '' ? '' : `<div class="note">${escapeHtml(note)}</div>`}</div>`;
}

function chartSlots(charts: readonly ChartSpec[]): string {
  return `<div class="charts">${charts.map((c) => `<div class="chart" id="${c.id}" data-title="${escapeHtml(c.title)}"></div>`).join('')}</div>`;
}

/** The headline figures of a run as cards. */
function cards(result: LoadTestResult): string {
  const r = result.requests;
  const reads = result.dynamoReads;
  return `<div class="cards">${[
    card('answered', r.completed.toLocaleString('en'), `of ${r.scheduled.toLocaleString('en')} scheduled`),
    card(
      'errors',
      `${r.errors.toLocaleString('en')} (${formatPercent(result.errorRate)})`,
      `${r.noResponse} without an answer`,
    ),
    card('achieved rate', `${result.achievedRate.toFixed(1)}/s`, `target ${result.settings.ratePerSecond}/s`),
    card('p50', formatMs(result.latency.p50), 'response, from intended send'),
    card('p99', formatMs(result.latency.p99)),
    card('p99.9', formatMs(result.latency.p999), `max ${formatMs(result.latency.max)}`),
    ...(result.routerLatency === undefined
      ? []
      : [
          card(
            'router p50 / p99',
            `${formatMs(result.routerLatency.p50)} / ${formatMs(result.routerLatency.p99)}`,
          ),
          card('router share', `${((result.routerShare ?? 0) * 100).toFixed(1)}%`, 'of mean response time'),
        ]),
    ...(result.cacheHitRatio === undefined
      ? []
      : [card('cache hit ratio', formatPercent(result.cacheHitRatio))]),
    ...(reads === undefined
      ? []
      : [
          card(
            'reads per 1,000',
            reads.per1000Requests.toFixed(1),
            reads.minimum === undefined
              ? `${reads.total} reads`
              : `minimum ${reads.minimum.per1000Requests.toFixed(1)} for this trace`,
          ),
        ]),
  ].join('')}</div>`;
}

function latencyTable(result: LoadTestResult): string {
  const row = latencyRow;
  const rows = [
    ['latency', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max'],
    row('response (from intended send)', result.latency),
  ];
  if (result.routerLatency !== undefined) rows.push(row('router', result.routerLatency));
  for (const [outcome, s] of Object.entries(result.byCacheOutcome ?? {}))
    if (s !== undefined) rows.push(row(`router, cache ${outcome}`, s));
  return table(rows);
}

function runFacts(result: LoadTestResult): string {
  const s = result.settings;
  const env = result.environment;
  const facts: [string, string][] = [
    ['started', result.startedAt],
    ['expect', `${s.expect}; max error rate ${formatPercent(s.maxErrorRate)}`],
    ...Object.entries(s.extra ?? {}).map(([k, v]): [string, string] => [k, String(v)]),
    ...(env === undefined
      ? []
      : ([
          ['machine', `${env.cpu}, ${env.cores} cores, load average ${env.loadAverage} at the start`],
          ['runtime', `${env.engine ?? `Node.js ${env.node}`}; ${env.platform}`],
          ['version', env.version],
        ] as [string, string][])),
    ['statuses', formatErrorsByStatus(result.statuses)],
    ['regions', formatErrorsByStatus(result.regions)],
  ];
  const command =
    env === undefined ? '' : `<h2>Command</h2><code class="command">${escapeHtml(env.command)}</code>`;
  return `${command}<h2>Run</h2><dl>${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

function page(title: string, lead: string, body: string, charts: readonly ChartSpec[]): string {
  // `</` inside the embedded JSON would end its script element.
  const data = JSON.stringify({ charts }).replaceAll('</', '<\\/');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${ASSETS.uplotCss()}</style>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="lead">${escapeHtml(lead)}</p>
${body}
<script type="application/json" id="report-data">${data}</script>
<script>${ASSETS.uplot()}</script>
<script>${ASSETS.page()}</script>
</body>
</html>
`;
}

function verdict(result: LoadTestResult): string {
  const failed = exceedsErrorRate(
    { errors: result.requests.errors, finished: result.requests.completed + result.requests.noResponse },
    result.settings.maxErrorRate,
  );
  const text = `${failed ? 'FAILED' : 'PASSED'}: ${formatPercent(result.errorRate)} errors, at most ${formatPercent(result.settings.maxErrorRate)} allowed`;
  return `<span class="verdict ${failed ? 'fail' : 'pass'}">${escapeHtml(text)}</span>`;
}

function partialBanner(result: LoadTestResult): string {
  const p = result.partial;
  if (p === undefined) return '';
  return `<div class="partial" data-partial="true"><strong>Partial report.</strong> ${escapeHtml(`The run was interrupted at ${p.at} after ${p.sent} of ${result.requests.scheduled} measured requests were sent; every figure covers those only.`)}</div>`;
}

/** A self-contained HTML report of one run. */
export function renderRunReport(result: LoadTestResult): string {
  const charts = runCharts(result);
  const errors = Object.entries(result.errorsByStatus);
  const body = [
    partialBanner(result),
    verdict(result),
    cards(result),
    '<h2>Errors by status</h2>',
    errors.length === 0
      ? '<p>None.</p>'
      : table([['status or failure', 'requests'], ...errors.map(([k, v]) => [k, String(v)])]),
    ...(describeReads(result) === undefined ? [] : [`<p>${escapeHtml(describeReads(result) as string)}</p>`]),
    ...(result.dynamoReads?.minimum?.caveats ?? []).map(
      (c) => `<p class="note">minimum: ${escapeHtml(c)}</p>`,
    ),
    '<h2>Over the run</h2>',
    chartSlots(charts),
    '<h2>Latency</h2>',
    latencyTable(result),
    ...(result.byHostKind === undefined ? [] : ['<h2>By host kind</h2>', table(hostKindRows(result))]),
    ...(result.byEdgeRegion === undefined ? [] : ['<h2>By edge region</h2>', edgeRegionTable(result)]),
    runFacts(result),
  ].join('\n');
  return page(`Load test: ${result.settings.target}`, describeRun(result), body, charts);
}

/** The per-edge-region results as an HTML table (the same columns as the text summary). */
export function edgeRegionTable(result: LoadTestResult): string {
  return table(edgeRegionRows(result));
}

/** A self-contained HTML report of a sweep: the table, the growth chart, then each run's cards. */
export function renderSweepReport(sweep: SweepResult): string {
  const first = sweep.runs[0]?.result;
  const chart = sweepChart(sweep);
  const rows = sweepRows(sweep);
  const body = [
    ...(sweep.partial === undefined
      ? []
      : [
          `<div class="partial" data-partial="true"><strong>Partial sweep.</strong> Interrupted after ${sweep.partial.values} run(s).</div>`,
        ]),
    '<h2>Results</h2>',
    table(rows),
    '<h2>Growth</h2>',
    chartSlots([chart]),
    ...sweep.runs.flatMap(({ value, result }) => [
      `<h2>${escapeHtml(`${sweep.parameter} = ${value}`)}</h2>`,
      partialBanner(result),
      cards(result),
    ]),
    ...(first === undefined ? [] : [runFacts(first)]),
  ].join('\n');
  return page(
    `Load test sweep over ${sweep.parameter}${first === undefined ? '' : `: ${first.settings.target}`}`,
    first === undefined ? '' : describeRun(first),
    body,
    [chart],
  );
}
