/**
 * `npm run bench`: microbenchmarks of the router's hot paths, heap per cached route, bundle size
 * and module-load time, each compared with its target. See `--help` and docs/performance.md.
 */
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { formatHotPaths, formatTargets } from './bench/bench-report.ts';
import { checkTargets } from './bench/bench-targets.ts';
import {
  type BundleMeasurement,
  type HeapMeasurement,
  measureBundle,
  measureHeapPerTenants,
} from './bench/child-process-metrics.ts';
import type { BenchResult } from './bench/harness.ts';
import { HEAP_HOST_KINDS } from './bench/heap-host-kinds.ts';
import { type HotPath, runHotPathBenchmarks } from './bench/hot-path-benchmarks.ts';
import {
  formatMetricsLibraries,
  type MetricsLibraryMeasurement,
  measureMetricsLibraries,
} from './bench/metrics-libraries.ts';
import { integerOption, parseCommandLine, runMain, UsageError, writeHelp } from './lib/cli.ts';
import { loadRouterConfig } from './lib/router-config-file.ts';

const USAGE = `
Usage: npm run bench -- [options]

Microbenchmarks of the router's hot paths (warm-up, then N samples of batched iterations; median,
p25-p75 and MAD per operation): the bare Map.get + request rewrite floor, host parsing, the event
rewrite, a warm cache hit and a cache miss through the whole handler (dynalite), and the raw SDK
GetItem round-trip; each with its ratio to the floor. Then heap per cached tenant, for 100,000
tenants of each host kind, platform, custom domain and wildcard (fresh --expose-gc processes), and the built bundle's
size and module-load time (fresh processes).

Options:
  --samples N       samples per benchmark (default 25)
  --load-runs N     fresh processes timing the bundle load (default 9)
  --only LIST       comma-separated parts: hot-paths, heap, bundle (default), and metrics-libs
                    (the EMF writer against Powertools Metrics and aws-embedded-metrics)
  --json FILE       results as JSON ('-' for stdout, the tables then go to stderr)
  -h, --help        this text
`;

const PARTS = ['hot-paths', 'heap', 'bundle', 'metrics-libs'] as const;
const DEFAULT_PARTS = ['hot-paths', 'heap', 'bundle'] as const;

runMain(async () => {
  const line = parseCommandLine(
    {
      name: 'bench',
      usage: USAGE,
      options: {
        samples: { type: 'string' },
        'load-runs': { type: 'string' },
        only: { type: 'string' },
        json: { type: 'string' },
      },
    },
    process.argv.slice(2),
  );
  if (line.kind === 'help') return writeHelp(process.stdout, line.text);
  const { values } = line;
  const samples = integerOption(values.samples, 'samples', 3, 1000) ?? 25;
  const loadRuns = integerOption(values['load-runs'], 'load-runs', 1, 100) ?? 9;
  const only = (values.only ?? DEFAULT_PARTS.join(',')).split(',').map((p) => p.trim());
  for (const part of only) {
    if (!(PARTS as readonly string[]).includes(part)) {
      throw new UsageError(`--only: unknown part ${JSON.stringify(part)}; use ${PARTS.join(', ')}`);
    }
  }
  const out = (text: string) => (values.json === '-' ? process.stderr : process.stdout).write(text);
  const config = loadRouterConfig();

  let hotPaths: Record<HotPath, BenchResult> | undefined;
  let heap: HeapMeasurement[] | undefined;
  let bundle: BundleMeasurement | undefined;
  let metricsLibraries: MetricsLibraryMeasurement[] | undefined;
  if (only.includes('hot-paths')) {
    hotPaths = await runHotPathBenchmarks({
      config,
      measure: { samples, warmupMs: 500, minSampleMs: 20 },
      // Many short samples of equal size: interleaved finely, the miss and the raw read see the
      // same background load, and their paired differences cancel it.
      measureNetwork: { samples: samples * 4, warmupMs: 1000, batch: 10 },
      onStart: (paths) => process.stderr.write(`bench: ${paths.join(', ')} (interleaved)...\n`),
    });
    out(`\n${formatHotPaths(hotPaths)}`);
  }
  if (only.includes('heap')) {
    heap = [];
    for (const kind of HEAP_HOST_KINDS) {
      process.stderr.write(`bench: heap per cached ${kind} tenant (100,000 of them)...\n`);
      heap.push(await measureHeapPerTenants(kind, 100_000));
    }
  }
  if (only.includes('bundle')) {
    process.stderr.write('bench: bundle size and module-load time...\n');
    bundle = await measureBundle(config, loadRuns);
  }
  if (only.includes('metrics-libs')) {
    process.stderr.write('bench: metrics libraries (bundle size, record cost, EMF lines)...\n');
    metricsLibraries = await measureMetricsLibraries(samples);
    out(`\n${formatMetricsLibraries(metricsLibraries)}`);
  }
  const checks = checkTargets({
    ...(hotPaths !== undefined && { hotPaths }),
    ...(heap !== undefined && { heap }),
    ...(bundle !== undefined && { bundle }),
  });
  out(`\n${formatTargets(checks)}`);
  out(`\nnode ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}\n`);
  if (values.json !== undefined) {
    const json = `${JSON.stringify(
      {
        node: process.version,
        cpus: cpus().length,
        at: new Date().toISOString(),
        hotPaths,
        heap,
        bundle,
        metricsLibraries,
        targets: checks,
      },
      null,
      2,
    )}\n`;
    if (values.json === '-') process.stdout.write(json);
    else await writeFile(values.json, json);
  }
  return 0;
});
