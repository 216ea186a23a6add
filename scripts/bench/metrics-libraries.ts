/**
 * The comparison behind the router's own EMF writer (`npm run bench -- --only metrics-libs`): the
 * Powertools Metrics library, `aws-embedded-metrics` and `edge/router-metrics.ts`, by the bytes
 * each adds to a minified esbuild bundle, the cost of recording one warm request (the facts the
 * router counts: a request, a forward, two cache hits), and the EMF lines each writes for one
 * interval of 1,000 routed requests of which 1,000 carry a lookup latency, checked against the
 * specification's rules. The libraries are dev dependencies used only here.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CloudFrontRequestEvent } from 'aws-lambda';
import { build } from 'esbuild';
import { resolveRouterConfig } from '../../edge/config.ts';
import type { RouteResult } from '../../edge/resolve-route.ts';
import { createRouterMetrics } from '../../edge/router-metrics.ts';
import { emfViolations } from '../lib/emf-spec-check.ts';
import { type BenchResult, measureInterleaved } from './harness.ts';

/** The three candidates. */
export const METRICS_LIBRARIES = ['own-writer', 'powertools', 'aws-embedded-metrics'] as const;
export type MetricsLibrary = (typeof METRICS_LIBRARIES)[number];

/** What was measured of one candidate. */
export interface MetricsLibraryMeasurement {
  readonly library: MetricsLibrary;
  /** Minified esbuild bundle of an entry that imports it (node, ESM). */
  readonly bundleBytes: number;
  readonly bundleGzipBytes: number;
  /** Recording one warm request, ns (median of samples). */
  readonly recordNs: BenchResult;
  /** Garbage collections while recording 1,000,000 warm requests: 0 means it allocates nothing. */
  readonly gcsPerMillion: number;
  /** EMF lines and bytes written for 1,000 requests each with a latency. */
  readonly lines: number;
  readonly bytes: number;
  /** Lines that break a rule of the specification (with the first problem). */
  readonly invalidLines: number;
  readonly firstProblem: string | undefined;
  /** Whether the lines hold the 1,000 latencies (Values) as one distribution. */
  readonly latencyValues: number;
}

const ROOT = resolve(import.meta.dirname, '../..');

/** The bundle entry of each candidate: import it, build one logger, record once. */
const ENTRIES: Record<MetricsLibrary, string> = {
  'own-writer': `import { createRouterMetrics } from ${JSON.stringify(join(ROOT, 'edge/router-metrics.ts'))};
export const m = createRouterMetrics({ config: { enabled: true, namespace: 'N', flushIntervalMs: 60000 },
  logger: { log: (e) => process.stdout.write(JSON.stringify(e) + '\\n') }, edgeRegion: 'us-east-1' });`,
  powertools: `import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
export const m = new Metrics({ namespace: 'N', serviceName: 'router' });
m.addMetric('Requests', MetricUnit.Count, 1);`,
  'aws-embedded-metrics': `import { createMetricsLogger, Unit } from 'aws-embedded-metrics';
export const m = createMetricsLogger(); m.setNamespace('N'); m.putMetric('Requests', 1, Unit.Count);`,
};

async function bundleSize(library: MetricsLibrary): Promise<{ bytes: number; gzip: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'metrics-lib-'));
  try {
    const entry = join(dir, 'entry.ts');
    await writeFile(entry, ENTRIES[library]);
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      write: false,
      nodePaths: [join(ROOT, 'node_modules')],
      logLevel: 'error',
    });
    const code = result.outputFiles[0]?.contents ?? new Uint8Array();
    return { bytes: code.byteLength, gzip: gzipSync(code).byteLength };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const WARM: RouteResult = {
  decision: {
    kind: 'forward',
    tenantId: undefined,
    region: undefined,
    origin: { type: 'custom', domainName: 'pool.origin.example.com', protocol: 'https', port: 443, path: '' },
    viewerHost: 'acme.app.example.com',
    path: '/',
    via: 'home',
  },
  outcomes: ['hit', 'hit'],
};
const EVENT = {} as CloudFrontRequestEvent;

type EmbeddedMetrics = typeof import('aws-embedded-metrics');

/** Recorders of one request for each candidate, and how to end an interval. */
function recorders({ createMetricsLogger, Unit }: EmbeddedMetrics) {
  const config = resolveRouterConfig({
    tableName: 'bench',
    replicaRegions: ['us-east-1'],
    platformDomains: ['app.example.com'],
    allowedOriginSuffixes: ['.origin.example.com'],
  });
  const own = createRouterMetrics({
    config: config.metrics,
    logger: { log: (entry) => process.stdout.write(`${JSON.stringify(entry)}\n`) },
    edgeRegion: 'us-east-1',
    schedule: () => {},
  });
  const powertools = new Metrics({ namespace: 'EdgeTenantRouter', serviceName: 'router' });
  const emf = createMetricsLogger();
  emf.setNamespace('EdgeTenantRouter');
  return {
    'own-writer': {
      record: (latency: number) => own.onRouted(EVENT, WARM, latency),
      end: () => own.flush(),
    },
    powertools: {
      record: (latency: number) => {
        powertools.addMetric('Requests', MetricUnit.Count, 1);
        powertools.addMetric('Forwarded', MetricUnit.Count, 1);
        powertools.addMetric('CacheHits', MetricUnit.Count, 2);
        if (latency > 0) powertools.addMetric('LookupLatency', MetricUnit.Milliseconds, latency);
      },
      end: () => powertools.publishStoredMetrics(),
    },
    'aws-embedded-metrics': {
      record: (latency: number) => {
        emf.putMetric('Requests', 1, Unit.Count);
        emf.putMetric('Forwarded', 1, Unit.Count);
        emf.putMetric('CacheHits', 2, Unit.Count);
        if (latency > 0) emf.putMetric('LookupLatency', latency, Unit.Milliseconds);
      },
      end: () => emf.flush(),
    },
  } satisfies Record<MetricsLibrary, { record(latency: number): void; end(): unknown }>;
}

/**
 * Counts the garbage collections while `record` runs a million times: a recorder that allocates
 * nothing per call triggers none (the young generation never fills).
 */
async function gcsDuring(record: () => void): Promise<number> {
  let collections = 0;
  const observer = new PerformanceObserver((list) => {
    collections += list.getEntries().length;
  });
  observer.observe({ entryTypes: ['gc'] });
  for (let i = 0; i < 1_000_000; i++) record();
  // GC entries are delivered asynchronously: let them arrive before counting.
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return collections;
}

/** Runs `fn` with stdout captured (the libraries write EMF straight to it); returns what was written. */
async function capturingStdout(fn: () => Promise<void>): Promise<string[]> {
  const written: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  try {
    await fn();
  } finally {
    process.stdout.write = original;
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/** Measures the three candidates (takes a few seconds). */
export async function measureMetricsLibraries(samples: number): Promise<MetricsLibraryMeasurement[]> {
  // aws-embedded-metrics picks its sink from the environment when it loads (an agent socket off
  // Lambda); Local is stdout, as in Lambda.
  process.env.AWS_EMF_ENVIRONMENT = 'Local';
  const embedded: EmbeddedMetrics = await import('aws-embedded-metrics');
  const sizes = await Promise.all(METRICS_LIBRARIES.map(bundleSize));
  let timings: BenchResult[] = [];
  const gcs: number[] = [];
  const formats: { lines: string[] }[] = [];
  await capturingStdout(async () => {
    const r = recorders(embedded);
    timings = await measureInterleaved(
      METRICS_LIBRARIES.map((name) => ({ name, operation: () => r[name].record(0) })),
      { samples, warmupMs: 300, minSampleMs: 20 },
    );
    for (const name of METRICS_LIBRARIES) await r[name].end();
    for (const name of METRICS_LIBRARIES) {
      const fresh = recorders(embedded)[name];
      gcs.push(await gcsDuring(() => fresh.record(0)));
      await fresh.end();
    }
  });
  for (const name of METRICS_LIBRARIES) {
    const r = recorders(embedded);
    const lines = await capturingStdout(async () => {
      for (let i = 0; i < 1000; i++) r[name].record(0.5 + (i % 200) * 1.7);
      await r[name].end();
    });
    formats.push({ lines });
  }
  return METRICS_LIBRARIES.map((library, i) => {
    const lines = formats[i]?.lines ?? [];
    const problems = lines.map(emfViolations).filter((p) => p.length > 0);
    const latencyValues = lines
      .map((line) => JSON.parse(line) as { LookupLatency?: unknown })
      .reduce(
        (n, doc) =>
          n +
          (Array.isArray(doc.LookupLatency)
            ? doc.LookupLatency.length
            : doc.LookupLatency === undefined
              ? 0
              : 1),
        0,
      );
    return {
      library,
      bundleBytes: sizes[i]?.bytes ?? 0,
      bundleGzipBytes: sizes[i]?.gzip ?? 0,
      recordNs: timings[i] as BenchResult,
      gcsPerMillion: gcs[i] ?? 0,
      lines: lines.length,
      bytes: lines.reduce((n, line) => n + Buffer.byteLength(line) + 1, 0),
      invalidLines: problems.length,
      firstProblem: problems[0]?.[0],
      latencyValues,
    };
  });
}

/** The comparison as a text table. */
export function formatMetricsLibraries(rows: readonly MetricsLibraryMeasurement[]): string {
  const header =
    'candidate              bundle (min)      gzip   record 1 request  GCs/1M   lines/1k   bytes/1k  valid  latencies kept';
  const body = rows.map((r) =>
    [
      r.library.padEnd(22),
      `${(r.bundleBytes / 1024).toFixed(1)} KiB`.padStart(12),
      `${(r.bundleGzipBytes / 1024).toFixed(1)} KiB`.padStart(9),
      `${r.recordNs.median.toFixed(0)} ns`.padStart(18),
      String(r.gcsPerMillion).padStart(7),
      String(r.lines).padStart(10),
      String(r.bytes).padStart(10),
      (r.invalidLines === 0 ? 'yes' : `no (${r.firstProblem})`).padStart(6),
      String(r.latencyValues).padStart(15),
    ].join(' '),
  );
  return `${[header, ...body].join('\n')}\n`;
}
