/**
 * Runs one load test: sets up the target (in-process handler, the load test's own local edge, or
 * a given address), drives it on the arrival schedule with the trace drawn before the run, and
 * builds the result, with the minimum read count of that trace. An abort (Ctrl-C) ends the run
 * early with a result marked partial; the target is closed either way.
 */
import type { RouterConfig } from '../../edge/config.ts';
import { type HostKind, routeLookupsOf } from '../lib/generated-hosts.ts';
import { generatedTenantDomain } from '../lib/generated-tenants.ts';
import { createProgress } from '../lib/progress.ts';
import { loadRouterConfig } from '../lib/router-config-file.ts';
import { type ArrivalSchedule, arrivalSchedule } from './arrival-schedule.ts';
import { edgeRegionOf } from './edge-region-spread.ts';
import { LoadCollector } from './load-collector.ts';
import type { LoadTestResult, LoadTestSettings } from './load-result.ts';
import type { LoadTestOptions } from './load-test-options.ts';
import { type MinimumReads, minimumReads, type TraceRequest } from './minimum-reads.ts';
import { withNearestReplicas } from './nearest-replicas.ts';
import { type OpenLoopTiming, runOpenLoop } from './open-loop-driver.ts';
import { type PreparedTarget, prepareTarget } from './prepare-target.ts';
import { progressSuffix } from './summary-table.ts';
import { loadWorkload, sampleTrace, type Workload } from './workload.ts';

/** Hooks of {@link runLoadTest}. */
export interface RunHooks {
  /** Status lines (setting up, seeding). @default stderr */
  readonly log?: (line: string) => void;
  /** Ends the run early: the result is marked partial. */
  readonly signal?: AbortSignal;
}

/** Counters read when the measured part starts, to subtract at the end. */
interface CounterSnapshot {
  reads?: Promise<number>;
  /**
   * When the read counter was read, ms from the start of the run: over HTTP the answer of the
   * local edge's /status comes a little after the measured part starts, and the reads made
   * meanwhile are left out of the count; the minimum then starts counting there too.
   */
  readsAtMs?: number;
  byEdgeRegion?: Promise<Record<string, number>>;
  byHostKind?: Partial<Record<HostKind, number>>;
}

/**
 * When each request reached the router, ms from the start of the run: the end of its answer less
 * the router's own time; NaN when no answer came (the intended send time stands in).
 */
type ArrivalTimes = Float64Array;

/** Runs one load test and returns its result. */
export async function runLoadTest(options: LoadTestOptions, hooks: RunHooks = {}): Promise<LoadTestResult> {
  const log = hooks.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const config = loadRouterConfig();
  const workload = await loadWorkload(options, () => generatedTenantDomain(config));
  const target = await prepareTarget(options, config, log);
  try {
    const schedule = arrivalSchedule({
      ratePerSecond: options.ratePerSecond,
      durationMs: options.durationMs,
      warmupMs: options.warmupMs,
    });
    const trace = sampleTrace(
      { hosts: workload.hosts.length, zipf: options.zipf, seed: options.randomSeed },
      schedule.intendedMs.length,
    );
    const collector = new LoadCollector(options.expect);
    const startedAt = new Date().toISOString();
    const start: CounterSnapshot = {};
    const arrivals: ArrivalTimes = new Float64Array(schedule.intendedMs.length).fill(Number.NaN);
    const timing = await drive(
      options,
      hooks.signal,
      { schedule, trace, workload, target, collector, arrivals },
      start,
    );
    const readsAtEnd = await target.reads?.();
    const startReads = await start.reads;
    const edgeReads = differenceOf(await start.byEdgeRegion, await target.readsByEdgeRegion?.());
    const kindReads = differenceOf(start.byHostKind, target.readsByHostKind?.());
    const minimum =
      readsAtEnd !== undefined && workload.generated !== undefined
        ? traceMinimum(
            options,
            config,
            workload,
            { schedule, trace, arrivals, sent: timing.sent },
            {
              errors: collector.errors,
              countedFromMs: start.readsAtMs ?? schedule.measuredFromMs,
            },
          )
        : undefined;
    const result = collector.result({
      settings: settingsOf(options, target, workload, timing),
      startedAt,
      scheduled: schedule.intendedMs.length - schedule.warmupCount,
      measuredWallMs: timing.measuredWallMs,
      ...(readsAtEnd !== undefined && startReads !== undefined && { dynamoReads: readsAtEnd - startReads }),
      ...(edgeReads !== undefined && { dynamoReadsByEdgeRegion: edgeReads }),
      ...(kindReads !== undefined && { dynamoReadsByHostKind: kindReads }),
      ...(minimum !== undefined && { minimum }),
      ...(timing.interrupted && {
        partial: {
          reason: 'interrupted',
          at: new Date().toISOString(),
          sent: Math.max(0, timing.sent - schedule.warmupCount),
        },
      }),
    });
    return withNearestReplicas(result, config);
  } finally {
    await target.close();
  }
}

/** Sends the schedule with a progress line; snapshots the counters when the measured part starts. */
async function drive(
  options: LoadTestOptions,
  signal: AbortSignal | undefined,
  run: {
    schedule: ArrivalSchedule;
    trace: Int32Array;
    workload: Workload;
    target: PreparedTarget;
    collector: LoadCollector;
    arrivals: ArrivalTimes;
  },
  start: CounterSnapshot,
): Promise<OpenLoopTiming> {
  const { schedule, trace, workload, target, collector, arrivals } = run;
  const progress = createProgress({
    label: 'loadtest',
    total: schedule.intendedMs.length,
    force: options.progress,
  });
  const runStart = performance.now();
  const timing = await runOpenLoop({
    schedule,
    collector,
    ...(signal !== undefined && { signal }),
    send: async (index) => {
      const hostIndex = trace[index] as number;
      const outcome = await target.send(workload.hosts[hostIndex] as string, index);
      if (outcome.status !== undefined)
        arrivals[index] = performance.now() - runStart - (outcome.routerMs ?? 0);
      const kind = workload.generated?.[hostIndex]?.kind;
      return kind === undefined ? outcome : { ...outcome, hostKind: kind };
    },
    onMeasuredStart: () => {
      const calledAtMs = performance.now() - runStart;
      start.reads = target.reads?.().then((reads) => {
        start.readsAtMs = target.readsOnCall === true ? calledAtMs : performance.now() - runStart;
        return reads;
      });
      start.byEdgeRegion = target.readsByEdgeRegion?.();
      start.byHostKind = target.readsByHostKind?.();
    },
    onProgress: (sent) =>
      progress.update(
        sent,
        sent <= schedule.warmupCount
          ? 'warm-up (not measured)'
          : progressSuffix({
              completed: collector.completed,
              errors: collector.errors,
              elapsedMs: Math.max(1, performance.now() - runStart - schedule.measuredFromMs),
              p99Ms: collector.latencyAt(99),
            }),
      ),
  });
  progress.finish();
  return timing;
}

/** The minimum reads of the requests sent, with the router's TTLs (docs/performance.md). */
function traceMinimum(
  options: LoadTestOptions,
  config: RouterConfig,
  workload: Workload,
  run: { schedule: ArrivalSchedule; trace: Int32Array; arrivals: ArrivalTimes; sent: number },
  counted: { errors: number; countedFromMs: number },
): MinimumReads {
  const { schedule, trace, arrivals, sent } = run;
  const generated = workload.generated ?? [];
  const lookups = generated.map(routeLookupsOf);
  const regions = options.edgeRegions;
  // The requests as they reached the router: a loaded system answers late, and so reads late.
  const requests: TraceRequest[] = [];
  for (let i = 0; i < sent; i++) {
    const arrived = arrivals[i] as number;
    const offsetMs = Number.isNaN(arrived) ? (schedule.intendedMs[i] as number) : arrived;
    const hostIndex = trace[i] as number;
    requests.push(
      regions === undefined
        ? { offsetMs, hostIndex }
        : { offsetMs, hostIndex, edgeRegion: edgeRegionOf(i, regions) },
    );
  }
  requests.sort((a, b) => a.offsetMs - b.offsetMs);
  const minimum = minimumReads({
    trace: requests,
    lookupsOf: (i) => lookups[i] ?? [],
    kindOf: (i) => generated[i]?.kind ?? 'platform',
    ttlMs: options.cacheTtlMs ?? config.cache.ttlMs,
    negativeTtlMs: config.cache.negativeTtlMs,
    // The counter is read when the measured part starts (over HTTP its answer comes a little later).
    measuredFromMs: Math.max(schedule.measuredFromMs, counted.countedFromMs),
    cacheTenants: options.cacheMaxEntries ?? config.cache.maxTenants,
    // A new container reads REGIONS as it starts: in-process before the run, and from its second
    // replica apart (not counted there); over HTTP at its first request, the second replica's counted.
    ...(options.mode === 'in-process'
      ? { regionsReadBeforeStart: config.lookup.warmReplicas > 0 }
      : { warmUpReads: Math.max(0, Math.min(config.lookup.warmReplicas, config.replicaRegions.length) - 1) }),
  });
  const caveats = [...minimum.caveats];
  if (counted.errors > 0)
    caveats.push(
      `${counted.errors} requests failed: a failed lookup is read again, the minimum assumes none fails`,
    );
  const late = counted.countedFromMs - schedule.measuredFromMs;
  if (late >= 10)
    caveats.push(
      `reads counted from ${Math.round(late)} ms after the warm-up ended, when the read counter was read; the minimum too`,
    );
  if (options.target !== undefined) caveats.push("the target's TTLs are assumed to be config/local.json's");
  if (options.mode === 'http')
    caveats.push(
      'over HTTP a read is a request the replica served: a BatchGetItem of several items counts once, the minimum counts items',
    );
  return { ...minimum, caveats };
}

function settingsOf(
  options: LoadTestOptions,
  target: PreparedTarget,
  workload: Workload,
  timing: OpenLoopTiming,
): LoadTestSettings {
  return {
    mode: options.mode,
    target: target.description,
    ratePerSecond: options.ratePerSecond,
    durationMs: options.durationMs,
    warmupMs: options.warmupMs,
    ...(options.mode === 'http' && { connections: options.connections }),
    hosts: workload.hosts.length,
    ...(workload.generated !== undefined && { hostsKind: options.hostsKind }),
    zipf: options.zipf,
    seed: options.randomSeed,
    expect: options.expect.label,
    maxErrorRate: options.maxErrorRate,
    extra: {
      edgeRegion:
        options.edgeRegions === undefined ? options.edgeRegion : `${options.edgeRegions.length} regions`,
      ...(options.mode === 'http' &&
        options.target === undefined &&
        options.hostsFile === undefined && { latency: describeLatencyOption(options.latency) }),
      ...(options.cacheTtlMs !== undefined && { cacheTtlMs: options.cacheTtlMs }),
      ...(options.cacheMaxEntries !== undefined && { cacheMaxEntries: options.cacheMaxEntries }),
      ...(options.readLatencyMs > 0 && { readLatencyMs: options.readLatencyMs }),
      ...(timing.maxSendLagMs > 50 && { generatorLagMs: Math.round(timing.maxSendLagMs) }),
    },
  };
}

/** Counts between two readings of the same counters. */
function differenceOf<K extends string>(
  before: Partial<Record<K, number>> | undefined,
  after: Partial<Record<K, number>> | undefined,
): Partial<Record<K, number>> | undefined {
  if (before === undefined || after === undefined) return undefined;
  return Object.fromEntries(
    Object.entries<number | undefined>(after).map(([key, n]) => [key, (n ?? 0) - (before[key as K] ?? 0)]),
  ) as Partial<Record<K, number>>;
}

function describeLatencyOption(latency: LoadTestOptions['latency']): string {
  return typeof latency === 'string' ? latency : `scaled:${latency.scale}`;
}
