/**
 * Inline SVG line charts for the HTML report: no scripts, no external resources. Pure.
 */

/** One line of a chart. */
export interface ChartSeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  /** CSS colour. */
  readonly color: string;
  /** Plot against the right-hand axis. @default false */
  readonly rightAxis?: boolean;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Label of the right-hand axis, when a series uses it. */
  readonly yRightLabel?: string;
  readonly series: readonly ChartSeries[];
  /** @default 'linear' */
  readonly xScale?: 'linear' | 'log';
  /** @default 'linear' */
  readonly yScale?: 'linear' | 'log';
  /** Formats x tick labels. @default String */
  readonly xTick?: (x: number) => string;
  /** Formats y tick labels. @default 3 significant digits */
  readonly yTick?: (y: number) => string;
  /** Explicit x ticks (data units). @default evenly spaced */
  readonly xTicks?: readonly number[];
  /** @default 720 */
  readonly width?: number;
  /** @default 320 */
  readonly height?: number;
}

/** Escapes text for XML/HTML content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const MARGIN = { left: 64, right: 64, top: 36, bottom: 48 };

interface Axis {
  readonly toPixel: (value: number) => number;
  readonly ticks: number[];
}

function axis(
  values: number[],
  scale: 'linear' | 'log',
  from: number,
  to: number,
  explicit?: readonly number[],
): Axis {
  const finite = values.filter((v) => Number.isFinite(v) && (scale === 'linear' || v > 0));
  let lo = finite.length > 0 ? Math.min(...finite) : 0;
  let hi = finite.length > 0 ? Math.max(...finite) : 1;
  if (scale === 'linear') lo = Math.min(0, lo);
  if (scale === 'log') {
    lo = 10 ** Math.floor(Math.log10(lo > 0 ? lo : 1));
    hi = 10 ** Math.ceil(Math.log10(hi > 0 ? hi : 1));
    if (hi <= lo) hi = lo * 10;
  } else if (hi <= lo) hi = lo + 1;
  const t = scale === 'log' ? Math.log10 : (v: number) => v;
  const toPixel = (value: number) => {
    const v = scale === 'log' ? Math.max(value, lo) : value;
    return from + ((t(v) - t(lo)) / (t(hi) - t(lo))) * (to - from);
  };
  let ticks: number[];
  if (explicit !== undefined) ticks = [...explicit];
  else if (scale === 'log') {
    ticks = [];
    for (let v = lo; v <= hi * 1.0001; v *= 10) ticks.push(v);
  } else {
    const step = niceStep((hi - lo) / 5);
    ticks = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
      ticks.push(Number(v.toPrecision(12)));
  }
  return { toPixel, ticks };
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

const defaultTick = (v: number) =>
  Math.abs(v) >= 1000 || v === 0 ? String(Math.round(v)) : String(Number(v.toPrecision(3)));

/** A line chart as an `<svg>` element string. */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 320;
  const xTick = options.xTick ?? defaultTick;
  const yTick = options.yTick ?? defaultTick;
  const left = options.series.filter((s) => s.rightAxis !== true);
  const right = options.series.filter((s) => s.rightAxis === true);
  const x = axis(
    options.series.flatMap((s) => s.points.map((p) => p[0])),
    options.xScale ?? 'linear',
    MARGIN.left,
    width - MARGIN.right,
    options.xTicks,
  );
  const yScale = options.yScale ?? 'linear';
  const y = axis(
    left.flatMap((s) => s.points.map((p) => p[1])),
    yScale,
    height - MARGIN.bottom,
    MARGIN.top,
  );
  const yRight =
    right.length > 0
      ? axis(
          right.flatMap((s) => s.points.map((p) => p[1])),
          'linear',
          height - MARGIN.bottom,
          MARGIN.top,
        )
      : undefined;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(options.title)}">`,
  );
  parts.push(
    `<text x="${width / 2}" y="20" text-anchor="middle" class="title">${escapeXml(options.title)}</text>`,
  );
  const bottom = height - MARGIN.bottom;
  for (const tick of x.ticks) {
    const px = x.toPixel(tick).toFixed(1);
    parts.push(`<line x1="${px}" y1="${MARGIN.top}" x2="${px}" y2="${bottom}" class="grid"/>`);
    parts.push(`<text x="${px}" y="${bottom + 16}" text-anchor="middle">${escapeXml(xTick(tick))}</text>`);
  }
  for (const tick of y.ticks) {
    const py = y.toPixel(tick).toFixed(1);
    parts.push(`<line x1="${MARGIN.left}" y1="${py}" x2="${width - MARGIN.right}" y2="${py}" class="grid"/>`);
    parts.push(
      `<text x="${MARGIN.left - 6}" y="${py}" text-anchor="end" dy="4">${escapeXml(yTick(tick))}</text>`,
    );
  }
  if (yRight !== undefined) {
    for (const tick of yRight.ticks) {
      const py = yRight.toPixel(tick).toFixed(1);
      parts.push(
        `<text x="${width - MARGIN.right + 6}" y="${py}" dy="4">${escapeXml(defaultTick(tick))}</text>`,
      );
    }
    parts.push(
      `<text transform="translate(${width - 12} ${(MARGIN.top + bottom) / 2}) rotate(90)" text-anchor="middle">${escapeXml(options.yRightLabel ?? '')}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${width - MARGIN.left - MARGIN.right}" height="${bottom - MARGIN.top}" class="frame"/>`,
  );
  parts.push(
    `<text x="${(MARGIN.left + width - MARGIN.right) / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
  );
  parts.push(
    `<text transform="translate(14 ${(MARGIN.top + bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );
  options.series.forEach((series, index) => {
    const yAxis = series.rightAxis === true && yRight !== undefined ? yRight : y;
    const finite = series.points.filter(([px, py]) => Number.isFinite(px) && Number.isFinite(py));
    const d = finite
      .map(
        ([px, py], i) => `${i === 0 ? 'M' : 'L'}${x.toPixel(px).toFixed(1)},${yAxis.toPixel(py).toFixed(1)}`,
      )
      .join(' ');
    if (d !== '')
      parts.push(`<path d="${d}" fill="none" stroke="${escapeXml(series.color)}" stroke-width="2"/>`);
    for (const [px, py] of finite.length <= 30 ? finite : []) {
      parts.push(
        `<circle cx="${x.toPixel(px).toFixed(1)}" cy="${yAxis.toPixel(py).toFixed(1)}" r="3" fill="${escapeXml(series.color)}"/>`,
      );
    }
    const lx = MARGIN.left + 10 + index * 150;
    parts.push(
      `<rect x="${lx}" y="${MARGIN.top + 8}" width="12" height="4" fill="${escapeXml(series.color)}"/>`,
    );
    parts.push(`<text x="${lx + 16}" y="${MARGIN.top + 14}">${escapeXml(series.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
