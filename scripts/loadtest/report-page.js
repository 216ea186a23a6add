// The HTML report's charts, run in the page after uPlot: reads the chart specs that
// report-charts.ts embedded (#report-data) and draws each with uPlot, sized to its container and
// redrawn on resize. Cursors of the per-second charts move together. Sets
// document.body.dataset.charts to the number drawn, so a browser test knows the page is ready.
(() => {
  const data = JSON.parse(document.getElementById('report-data').textContent);

  const formatMs = (ms) => {
    if (ms == null) return '-';
    if (ms < 1) return `${(ms * 1000).toPrecision(3)} µs`;
    if (ms < 1000) return `${ms.toPrecision(3)} ms`;
    return `${(ms / 1000).toPrecision(3)} s`;
  };
  const formatCount = (n) => (n == null ? '-' : Number(n.toPrecision(4)).toLocaleString('en'));
  const formatPercentile = (x) => `${Number(((1 - 1 / x) * 100).toPrecision(6))}%`;

  // Each extra nine is a decade: 0%, 90%, 99%, 99.9%, ...
  const decades = (_u, _axis, min, max) => {
    const ticks = [];
    for (let x = 1; x <= max * 1.0001; x *= 10) if (x >= min / 1.0001) ticks.push(x);
    return ticks;
  };

  function axes(spec) {
    const yFormat = spec.yUnit === 'ms' ? formatMs : formatCount;
    const x = { label: spec.xLabel, size: 44 };
    if (spec.xKind === 'percentile') {
      x.splits = decades;
      x.values = (_u, ticks) => ticks.map(formatPercentile);
    }
    // Whole seconds only.
    if (spec.xKind === 'seconds') x.incrs = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
    const list = [x, { label: spec.yLabel, size: 70, values: (_u, ticks) => ticks.map(yFormat) }];
    if (spec.rightLabel !== undefined)
      list.push({
        label: spec.rightLabel,
        scale: 'right',
        side: 1,
        size: 56,
        labelSize: 24,
        gap: 4,
        grid: { show: false },
      });
    return list;
  }

  function series(spec) {
    const yFormat = spec.yUnit === 'ms' ? formatMs : formatCount;
    const x = { label: { seconds: 'second', percentile: 'percentile', value: 'value' }[spec.xKind] };
    if (spec.xKind === 'percentile') x.value = (_u, v) => (v == null ? '-' : formatPercentile(v));
    return [
      x,
      ...spec.series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 1.5,
        dash: s.dashed ? [6, 4] : undefined,
        scale: s.right ? 'right' : 'y',
        value: (_u, v) => (s.right ? formatCount(v) : yFormat(v)),
        points: { show: spec.x.length < 40 },
        spanGaps: false,
      })),
    ];
  }

  function options(spec, width, sync) {
    const scales = {
      x: { time: false, distr: spec.xLog ? 3 : 1 },
      y: {
        distr: spec.yLog ? 3 : 1,
        ...(spec.yLog ? {} : { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] }),
      },
    };
    if (spec.rightLabel !== undefined)
      scales.right = { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] };
    return {
      title: spec.title,
      width,
      height: 260,
      scales,
      axes: axes(spec),
      series: series(spec),
      legend: { live: true },
      cursor: spec.xKind === 'seconds' ? { sync: { key: sync.key } } : {},
    };
  }

  const sync = uPlot.sync('seconds');
  const drawn = [];
  for (const spec of data.charts) {
    const element = document.getElementById(spec.id);
    if (element === null || spec.x.length === 0) continue;
    const plot = new uPlot(
      options(spec, element.clientWidth, sync),
      [spec.x, ...spec.series.map((s) => s.values)],
      element,
    );
    drawn.push([element, plot]);
  }
  let pending;
  window.addEventListener('resize', () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      for (const [element, plot] of drawn) plot.setSize({ width: element.clientWidth, height: 260 });
    }, 100);
  });
  document.body.dataset.charts = String(drawn.length);
})();
