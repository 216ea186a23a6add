/**
 * The dashboard page the control API serves at `/dashboard`: one self-contained HTML document,
 * styles and script inline (no assets from anywhere, the machine may have no internet). It follows
 * `/dashboard/events` (server-sent events, one snapshot a second) and switches replica faults
 * through the control API's own `/faults/<region>` routes.
 */

/** The fault modes offered as switches, in order. */
const MODES = ['normal', 'slow', 'error-500', 'throttle', 'hang', 'refuse'] as const;

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1b1f24; background: #f6f8fa; }
h1 { font-size: 1.3rem; margin: 0 0 .2rem; } h2 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
.muted { color: #57606a; } table { border-collapse: collapse; background: #fff; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; white-space: nowrap; }
th { background: #eaeef2; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.ok { color: #1a7f37; font-weight: 600; } .faulted, .failing { color: #cf222e; font-weight: 600; }
button { margin: 0 .15rem; padding: .15rem .45rem; border: 1px solid #8c959f; border-radius: 4px; background: #fff; cursor: pointer; }
button.active { background: #0969da; color: #fff; border-color: #0969da; }
.status { display: inline-block; margin-right: .4rem; } #live { font-weight: 600; }
`;

const SCRIPT = `
const MODES = ${JSON.stringify(MODES)};
const $ = (id) => document.getElementById(id);
const text = (v) => (v === null || v === undefined ? '–' : String(v));
const pct = (v) => (v === null ? '–' : (v * 100).toFixed(1) + ' %');
function cell(value, cls, testId) {
  const td = document.createElement('td');
  td.textContent = value;
  if (cls) td.className = cls;
  if (testId) td.dataset.testid = testId;
  return td;
}
function row(cells) { const tr = document.createElement('tr'); for (const c of cells) tr.append(c); return tr; }
function renderRegions(regions) {
  const body = $('regions'); body.replaceChildren();
  for (const r of regions) {
    const mix = Object.entries(r.statusMix).sort().map(([s, n]) => s + ': ' + n).join('  ');
    const replicas = Object.entries(r.replicaReads).map(([k, v]) => k + ' ' + v.reads + (v.errors ? ' (' + v.errors + ' err)' : '')).join(', ');
    body.append(row([
      cell(r.region),
      cell(r.rps.toFixed(1), 'num', 'region-' + r.region + '-rps'),
      cell(String(r.requests), 'num', 'region-' + r.region + '-requests'),
      cell(mix || '–', '', 'region-' + r.region + '-status'),
      cell(pct(r.cacheHitRatio), 'num', 'region-' + r.region + '-hit-ratio'),
      cell(r.lookupMs ? r.lookupMs.p50 : '–', 'num'),
      cell(r.lookupMs ? r.lookupMs.p90 : '–', 'num'),
      cell(r.lookupMs ? r.lookupMs.p99 : '–', 'num', 'region-' + r.region + '-p99'),
      cell(replicas || '–'),
    ]));
  }
}
async function setFault(region, mode) {
  const url = '/faults/' + encodeURIComponent(region);
  const response = mode === 'normal'
    ? await fetch(url, { method: 'DELETE' })
    : await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode }) });
  $('fault-result').textContent = response.ok ? region + ': ' + mode : region + ': ' + (await response.text());
}
function renderReplicas(replicas) {
  const body = $('replicas'); body.replaceChildren();
  for (const r of replicas) {
    const switches = document.createElement('td');
    for (const mode of MODES) {
      const b = document.createElement('button');
      b.textContent = mode;
      b.dataset.testid = 'fault-' + r.region + '-' + mode;
      if (r.fault.mode === mode) b.className = 'active';
      b.onclick = () => setFault(r.region, mode);
      switches.append(b);
    }
    body.append(row([
      cell(r.region),
      cell(r.health, r.health, 'replica-' + r.region + '-health'),
      cell(r.fault.mode, '', 'replica-' + r.region + '-mode'),
      cell(String(r.requests), 'num'),
      cell(String(r.faulted), 'num'),
      switches,
    ]));
  }
}
function renderDecisions(decisions) {
  const body = $('decisions'); body.replaceChildren();
  for (const d of decisions) {
    body.append(row([cell(d.time.slice(11, 23)), cell(d.edgeRegion), cell(text(d.host)), cell(text(d.tenantId)),
      cell(d.outcome), cell(d.cache || '–'), cell(text(d.lookupMs), 'num'), cell(text(d.requestId))]));
  }
}
function render(snapshot) {
  $('live').textContent = 'live ' + snapshot.at.slice(11, 19) + ' UTC';
  renderRegions(snapshot.regions); renderReplicas(snapshot.replicas); renderDecisions(snapshot.decisions);
}
const events = new EventSource('/dashboard/events');
events.onmessage = (message) => render(JSON.parse(message.data));
events.onerror = () => { $('live').textContent = 'disconnected, retrying'; };
`;

/** The dashboard document. */
export function dashboardPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>local edge dashboard</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Local edge <span class="muted">— tenant router</span></h1>
<div class="muted"><span id="live">connecting…</span>. Rates and percentiles over the last minute, from the function's own metrics and decision logs, CloudFront's request counts and the replicas' state.</div>
<h2>Edge regions</h2>
<table>
<thead><tr><th>edge region</th><th>req/s</th><th>requests</th><th>status mix</th><th>cache hit ratio</th><th>lookup p50 ms</th><th>p90</th><th>p99</th><th>replica reads (1 min)</th></tr></thead>
<tbody id="regions"></tbody>
</table>
<h2>Replicas</h2>
<table>
<thead><tr><th>replica</th><th>health</th><th>fault</th><th>requests</th><th>faulted</th><th>switch fault</th></tr></thead>
<tbody id="replicas"></tbody>
</table>
<div class="muted" id="fault-result"></div>
<h2>Last routing decisions</h2>
<table>
<thead><tr><th>time</th><th>edge region</th><th>host</th><th>tenant</th><th>decision</th><th>cache</th><th>lookup ms</th><th>request id</th></tr></thead>
<tbody id="decisions"></tbody>
</table>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
