/**
 * `--import DIR`: turns what an emitted engine test wrote (DIR/workload.json, DIR/results/:
 * records.jsonl, run.json, Locust's locust_stats.csv) into this tool's result: the same collector,
 * errors by status under `--expect`, per-region and per-host-kind tables, reads against the minimum
 * of the very requests sent. Requests the schedule had but no record shows are errors
 * (`unrecorded`), and Locust's own request count is checked against the records.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { UsageError } from '../../lib/errors.ts';
import { generatedHost, routeLookupsOf } from '../../lib/generated-hosts.ts';
import { generatedTenantDomain } from '../../lib/generated-tenants.ts';
import { loadRouterConfig } from '../../lib/router-config-file.ts';
import { LoadCollector } from '../load-collector.ts';
import type { LoadTestResult } from '../load-result.ts';
import type { LoadTestOptions } from '../load-test-options.ts';
import { minimumReads } from '../minimum-reads.ts';
import { withNearestReplicas } from '../nearest-replicas.ts';
import { projectVersion } from '../run-environment.ts';
import { cachedAtSend, type EngineRecord, outcomeOfRecord, parseEngineRecords } from './engine-records.ts';
import { checkEngineWorkload, type EngineWorkload } from './engine-workload.ts';

/** results/run.json as the locustfile writes it. */
interface EngineRunInfo {
  readonly locustVersion?: string;
  readonly command?: string;
  readonly startedAt?: string;
  readonly machine?: {
    cpu?: string;
    cores?: number;
    loadAverage?: number;
    python?: string;
    platform?: string;
  };
  readonly readsAtMeasuredStart?: ReadCounters | null;
  readonly readsAtEnd?: ReadCounters | null;
}

interface ReadCounters {
  readonly total: number;
  readonly byEdgeRegion: Readonly<Record<string, number>>;
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--import: cannot read ${what} ${file}: ${(error as Error).message}`);
  }
}

/** Reads the run in `dir` into a result; `command` is this import's own command line. */
export async function importEngineResults(
  dir: string,
  options: Pick<LoadTestOptions, 'expect' | 'maxErrorRate'>,
  command: string,
): Promise<LoadTestResult> {
  const workload = checkEngineWorkload(
    JSON.parse(await readText(join(dir, 'workload.json'), 'the workload')),
    join(dir, 'workload.json'),
  );
  const recordsFile = join(dir, 'results', 'records.jsonl');
  const records = parseEngineRecords(await readText(recordsFile, 'the records'), recordsFile);
  const run = JSON.parse(await readText(join(dir, 'results', 'run.json'), 'the run')) as EngineRunInfo;
  const engineCounts = await locustCounts(join(dir, 'results', 'locust_stats.csv'));
  if (engineCounts !== undefined && engineCounts.requests !== records.length)
    throw new Error(
      `Locust counted ${engineCounts.requests} requests, the records hold ${records.length}: the results are incomplete`,
    );
  const collector = new LoadCollector(options.expect);
  const cached = cachedAtSend(records);
  const byRegion = workload.regions.length > 0;
  let measured = 0;
  let lastEnd = 0;
  for (const [i, record] of records.entries()) {
    if (record.offsetMs < workload.warmupMs) continue;
    measured++;
    lastEnd = Math.max(lastEnd, record.endOffsetMs - workload.warmupMs);
    const hostKind = workload.hostKinds?.[record.hostIndex];
    collector.record(
      record.latencyMs,
      record.offsetMs - workload.warmupMs,
      outcomeOfRecord(record, {
        edgeRegion: byRegion,
        ...(hostKind !== undefined && { hostKind }),
        cached: cached[i] === true,
      }),
    );
  }
  const scheduled = scheduledMeasured(workload);
  // Scheduled but never recorded (a worker lost, an answer after the run time): errors, in the last second.
  for (let i = measured; i < scheduled; i++)
    collector.record(0, workload.durationMs - 1, { error: 'unrecorded' });
  const reads = readsOf(run);
  const minimum =
    reads === undefined || workload.hostKinds === undefined ? undefined : engineMinimum(workload, records);
  const result = collector.result({
    settings: {
      mode: 'engine',
      target: workload.target ?? 'hosts via DNS',
      ratePerSecond: workload.ratePerSecond,
      durationMs: workload.durationMs,
      warmupMs: workload.warmupMs,
      connections: workload.connections,
      hosts: workload.hosts.length,
      ...(workload.hostsKind !== undefined && { hostsKind: workload.hostsKind }),
      zipf: workload.zipf,
      seed: workload.seed,
      expect: options.expect.label,
      maxErrorRate: options.maxErrorRate,
      extra: {
        engine: `locust ${run.locustVersion ?? ''}`.trim(),
        workers: new Set(records.map((r) => r.worker)).size,
        ...(engineCounts !== undefined && {
          locustRequests: engineCounts.requests,
          locustFailures: engineCounts.failures,
        }),
        importedBy: command,
      },
    },
    startedAt: run.startedAt ?? new Date().toISOString(),
    scheduled,
    measuredWallMs: lastEnd,
    ...(reads !== undefined && { dynamoReads: reads.total, dynamoReadsByEdgeRegion: reads.byEdgeRegion }),
    ...(minimum !== undefined && { minimum }),
  });
  // Against the local edge the workers' regions are its emulated edge regions.
  const located =
    workload.edgeRegionHeader === undefined ? result : withNearestReplicas(result, loadRouterConfig());
  return {
    ...located,
    environment: {
      command: run.command ?? '(unknown)',
      cpu: run.machine?.cpu ?? 'unknown',
      cores: run.machine?.cores ?? 0,
      loadAverage: Math.round((run.machine?.loadAverage ?? 0) * 100) / 100,
      node: '-',
      platform: `${run.machine?.platform ?? ''}, Python ${run.machine?.python ?? '?'}`,
      version: projectVersion(),
      engine: `locust ${run.locustVersion ?? ''}`.trim(),
    },
  };
}

/** Measured requests the schedule holds: per user, all minus those in the warm-up. */
function scheduledMeasured(w: EngineWorkload): number {
  const perUserRate = w.ratePerSecond / w.users;
  const count = Math.round(((w.warmupMs + w.durationMs) / 1000) * perUserRate);
  const warm = Math.min(count, Math.ceil((w.warmupMs / 1000) * perUserRate));
  return w.users * (count - warm);
}

/** Table reads of the measured part, from the counters the master read at its start and end. */
function readsOf(run: EngineRunInfo): ReadCounters | undefined {
  const start = run.readsAtMeasuredStart;
  const end = run.readsAtEnd;
  if (start == null || end == null) return undefined;
  return {
    total: end.total - start.total,
    byEdgeRegion: Object.fromEntries(
      Object.entries(end.byEdgeRegion).map(([edge, n]) => [edge, n - (start.byEdgeRegion[edge] ?? 0)]),
    ),
  };
}

/** The minimum of the requests the workers really sent, each worker's region its own cache. */
function engineMinimum(workload: EngineWorkload, records: readonly EngineRecord[]) {
  const platformDomain = generatedTenantDomain(loadRouterConfig());
  const choice = workload.hostsKind ?? 'platform';
  // As the requests reached the router (the answer's end less the router's time), as for a run.
  const arrivalOf = (r: EngineRecord) =>
    r.status > 0 && r.routerMs >= 0 ? r.endOffsetMs - r.routerMs : r.offsetMs;
  const trace = records
    .map((r) => ({ offsetMs: arrivalOf(r), hostIndex: r.hostIndex, edgeRegion: r.region || r.worker }))
    .sort((a, b) => a.offsetMs - b.offsetMs);
  return minimumReads({
    trace,
    lookupsOf: (i) => routeLookupsOf(generatedHost(i, choice, platformDomain)),
    kindOf: (i) => generatedHost(i, choice, platformDomain).kind,
    ttlMs: workload.cache.ttlMs,
    negativeTtlMs: workload.cache.negativeTtlMs,
    measuredFromMs: workload.warmupMs,
    cacheTenants: workload.cache.maxTenants,
  });
}

/** Locust's own totals (the Aggregated row of locust_stats.csv), when the file is there. */
async function locustCounts(file: string): Promise<{ requests: number; failures: number } | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const rows = parseCsv(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const total = rows.find((row) => row.Name === 'Aggregated');
  if (total === undefined) return undefined;
  return { requests: Number(total['Request Count']), failures: Number(total['Failure Count']) };
}
