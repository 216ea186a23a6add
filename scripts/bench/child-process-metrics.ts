/**
 * Measurements that need fresh processes: heap per cached route (with `--expose-gc`), and the
 * size and module-load time of the built edge bundle.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { RouterConfig } from '../../edge/config.ts';
import { bundleEdgeFunction } from '../../infra/edge-bundle.ts';
import type { HeapHostKind } from './heap-host-kinds.ts';
import { type SampleStatistics, sampleStatistics } from './sample-statistics.ts';

const run = promisify(execFile);
const HEAP_CHILD = fileURLToPath(new URL('./heap-per-routes-child.ts', import.meta.url));

/** Heap held by the route cache for a number of tenants of one host kind. */
export interface HeapMeasurement {
  readonly kind: HeapHostKind;
  readonly tenants: number;
  /** Heap growth while the tenants were routed and cached. */
  readonly bytes: number;
  readonly bytesPerTenant: number;
  /** Heap of the empty cache sized for them (its budgets' preallocated slots), not in `bytes`. */
  readonly fixedBytes: number;
}

/**
 * Routes `tenants` tenants of `kind` through the route cache in a fresh `--expose-gc` process and
 * reports the heap they take.
 */
export async function measureHeapPerTenants(kind: HeapHostKind, tenants: number): Promise<HeapMeasurement> {
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', HEAP_CHILD, kind, String(tenants)],
    { maxBuffer: 1 << 20 },
  );
  const line = stdout.trim().split('\n').at(-1) ?? '';
  const parsed = JSON.parse(line) as { tenants: number; bytes: number; fixedBytes: number };
  return { kind, ...parsed, bytesPerTenant: parsed.bytes / parsed.tenants };
}

/** Size and load time of the built edge bundle. */
export interface BundleMeasurement {
  readonly bytes: number;
  readonly gzipBytes: number;
  /** `require()` of the bundle in a fresh Node.js process, ms per run. */
  readonly loadMs: SampleStatistics;
}

/** Script run in each fresh process: time one `require` of the bundle. */
const LOAD_SCRIPT = `
const file = process.argv[1];
const started = process.hrtime.bigint();
const mod = require(file);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
if (typeof mod.handler !== 'function') throw new Error('bundle exports no handler');
process.stdout.write(String(ms));
`;

/**
 * Builds the bundle as production does (`bundleEdgeFunction`, minified, the given configuration
 * baked in) and times its module load in `runs` fresh processes.
 */
export async function measureBundle(config: RouterConfig, runs: number): Promise<BundleMeasurement> {
  const outdir = await mkdtemp(join(tmpdir(), 'bench-bundle-'));
  try {
    const { file, bytes } = await bundleEdgeFunction({ config, outdir });
    const gzipBytes = gzipSync(await readFile(file)).length;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const { stdout } = await run(process.execPath, ['-e', LOAD_SCRIPT, file]);
      times.push(Number(stdout));
    }
    return { bytes, gzipBytes, loadMs: sampleStatistics(times) };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}
