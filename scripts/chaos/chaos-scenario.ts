/**
 * The chaos scenario: the local edge under steady open-loop load while faults are injected in
 * turn and together (a replica cut off, reads throttled, the DynamoDB server unreachable for
 * longer than the cache TTL) and batches of tenants are migrated. Every response is judged
 * (viewer-verdict.ts), the table is compared before and after (table-snapshot.ts), and migrated
 * tenants are checked to route to their target at the end.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Region, TenantId } from '../../edge/model.ts';
import { forEachConcurrently } from '../lib/bounded-concurrency.ts';
import { LOCAL_CREDENTIALS } from '../lib/local-credentials.ts';
import { createTenantTable } from '../lib/tenants/tenant-table.ts';
import { arrivalSchedule } from '../loadtest/arrival-schedule.ts';
import { LatencyHistogram } from '../loadtest/latency-histogram.ts';
import { LoadCollector, type RequestOutcome } from '../loadtest/load-collector.ts';
import { runOpenLoop } from '../loadtest/open-loop-driver.ts';
import { seededRandom } from '../loadtest/seeded-random.ts';
import { loadTestHost, loadTestTenantId } from '../loadtest/tenant-seeder.ts';
import { poolDomain } from '../local-edge/demo-data.ts';
import { type ChaosEdge, type ReplicaCounts, spawnChaosEdge } from './chaos-edge.ts';
import {
  addCounts,
  type ChaosProgress,
  type ChaosReport,
  countVerdict,
  emptyCounts,
  type PhaseReport,
  type ViewerProblem,
} from './chaos-result.ts';
import type { ChaosSettings } from './chaos-settings.ts';
import { chaosVerdict } from './chaos-verdict.ts';
import {
  type ChaosPhase,
  chaosDurationMs,
  chaosTimeline,
  faultsOf,
  type MigrationBatchName,
  phaseAt,
} from './fault-timeline.ts';
import { checkFinalRoutes } from './final-check.ts';
import { type MigrationOrder, type MigrationResult, runMigrationBatch } from './migration-batch.ts';
import { diffSnapshots, scanTable } from './table-snapshot.ts';
import { observe } from './viewer-probe.ts';
import { judgeViewerResponse } from './viewer-verdict.ts';

/** One planned request: which tenant, and whether its route was cached beforehand. */
interface PlannedRequest {
  readonly tenantId: TenantId;
  readonly host: string;
  readonly cached: boolean;
}

/**
 * Runs the scenario and returns its report; the verdict says whether every assertion held.
 * Throws only when the scenario cannot be set up (the edge does not start, the warm-up fails).
 */
export async function runChaosScenario(
  settings: ChaosSettings,
  onProgress: (event: ChaosProgress) => void = () => {},
): Promise<ChaosReport> {
  const startedAt = new Date().toISOString();
  const began = performance.now();
  const durationMs = chaosDurationMs(settings);
  const schedule = arrivalSchedule({ ratePerSecond: settings.ratePerSecond, durationMs });
  const total = schedule.intendedMs.length;
  const coldTenants = Math.ceil(total * settings.coldShare * 1.3) + 20;

  onProgress({
    type: 'setup',
    message: `starting the local edge with ${settings.hotTenants + coldTenants} tenants`,
  });
  const edge = await spawnChaosEdge({
    edgeRegion: settings.edgeRegion,
    tenants: settings.hotTenants + coldTenants,
    ttlMs: settings.ttlMs,
    // Longer than the whole run: a cached route may be served stale through every outage.
    maxStaleMs: Math.max(300_000, durationMs * 2),
    attemptTimeoutMs: settings.attemptTimeoutMs,
    budgetMs: settings.budgetMs,
    replicationLagMs: 500,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const admin = new DynamoDBClient({
    region: settings.edgeRegion,
    endpoint: edge.dynamodbEndpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  // The operator runs migrations against a replica endpoint other than the one cut off, so it
  // lives through the throttling and the outages like everything else.
  const operatorRegion =
    [...edge.replicaRegions].reverse().find((r) => r !== edge.nearestReplica) ?? edge.nearestReplica;
  const operatorClient = new DynamoDBClient({
    region: operatorRegion,
    endpoint: edge.replicas[operatorRegion],
    credentials: LOCAL_CREDENTIALS,
    requestHandler: { requestTimeout: 2_000, throwOnRequestTimeout: true },
  });
  try {
    return await runAgainst(edge, {
      settings,
      startedAt,
      began,
      durationMs,
      schedule,
      coldTenants,
      agent,
      admin,
      operatorRegion,
      operatorClient,
      onProgress,
    });
  } finally {
    agent.destroy();
    admin.destroy();
    operatorClient.destroy();
    await edge.stop();
  }
}

interface RunContext {
  readonly settings: ChaosSettings;
  readonly startedAt: string;
  readonly began: number;
  readonly durationMs: number;
  readonly schedule: ReturnType<typeof arrivalSchedule>;
  readonly coldTenants: number;
  readonly agent: Agent;
  readonly admin: DynamoDBClient;
  readonly operatorRegion: string;
  readonly operatorClient: DynamoDBClient;
  readonly onProgress: (event: ChaosProgress) => void;
}

async function runAgainst(edge: ChaosEdge, ctx: RunContext): Promise<ChaosReport> {
  const { settings, schedule, onProgress } = ctx;
  const random = seededRandom(settings.seed);
  const timeline = chaosTimeline({
    phaseMs: settings.phaseMs,
    outageMs: settings.outageMs,
    regions: edge.replicaRegions,
    nearest: edge.nearestReplica,
    throttleShare: settings.throttleShare,
  });

  const before = await scanTable(ctx.admin, edge.tableName);
  const homes = new Map<string, string>();
  for (const item of before.values()) {
    if (item.kind?.S === 'tenant' && item.tenantId?.S !== undefined && item.region?.S !== undefined) {
      homes.set(item.tenantId.S, item.region.S);
    }
  }
  const hot = Array.from({ length: settings.hotTenants }, (_, i) => loadTestTenantId(i));
  const homeOf = (id: string) => {
    const home = homes.get(id);
    if (home === undefined) throw new Error(`tenant ${id} was not seeded`);
    return home;
  };

  // Two disjoint migration batches drawn from the cached tenants, each to the next region.
  const shuffled = [...hot].sort(() => random() - 0.5);
  const orderOf = (id: TenantId): MigrationOrder => {
    const from = homeOf(id);
    const regions = edge.replicaRegions;
    const to = regions[(regions.indexOf(from) + 1) % regions.length] as string;
    return { tenantId: id, from: from as Region, to: to as Region };
  };
  const batches: Record<MigrationBatchName, MigrationOrder[]> = {
    'batch-a': shuffled.slice(0, settings.migrationsPerBatch).map(orderOf),
    'batch-b': shuffled.slice(settings.migrationsPerBatch, 2 * settings.migrationsPerBatch).map(orderOf),
  };
  const targets = new Map<string, string>(
    [...batches['batch-a'], ...batches['batch-b']].map((o) => [o.tenantId, o.to]),
  );
  const allowedRegions = (id: string) => {
    const to = targets.get(id);
    return to === undefined ? [homeOf(id)] : [homeOf(id), to];
  };

  onProgress({ type: 'setup', message: `warming ${hot.length} cached tenants` });
  // A few attempts each: the function's first lookups (cold bundle, new connections) may spend
  // the lookup budget and answer 503, which only means the route is not cached yet.
  const warmProblems: string[] = [];
  await forEachConcurrently(hot, 8, async (id) => {
    const host = loadTestHost(hot.indexOf(id), edge.platformDomain);
    let last = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const verdict = judgeViewerResponse(
        { host, tenantId: id, regions: [homeOf(id)], cached: false },
        await observe(edge.url, host, ctx.agent, settings.edgeRegion),
      );
      if (verdict.kind === 'ok') return;
      last = verdict.kind === 'unavailable' ? 'unavailable' : verdict.why;
      await sleep(200);
    }
    warmProblems.push(`${host}: ${last}`);
  });
  if (warmProblems.length > 0) throw new Error(`warm-up failed: ${warmProblems.slice(0, 3).join('; ')}`);

  const plan: PlannedRequest[] = [];
  let nextCold = 0;
  for (let i = 0; i < schedule.intendedMs.length; i++) {
    if (random() < settings.coldShare && nextCold < ctx.coldTenants) {
      const index = settings.hotTenants + nextCold++;
      plan.push({
        tenantId: loadTestTenantId(index),
        host: loadTestHost(index, edge.platformDomain),
        cached: false,
      });
    } else {
      const index = Math.floor(random() * settings.hotTenants);
      plan.push({
        tenantId: loadTestTenantId(index),
        host: loadTestHost(index, edge.platformDomain),
        cached: true,
      });
    }
  }

  const stats = new Map(
    timeline.map((p) => [
      p.name,
      {
        cached: emptyCounts(),
        uncached: emptyCounts(),
        latency: new LatencyHistogram(),
        router: new LatencyHistogram(),
        replicasAtStart: {} as Record<string, ReplicaCounts>,
        replicasAtEnd: {} as Record<string, ReplicaCounts>,
      },
    ]),
  );
  const problems: ViewerProblem[] = [];
  const running: Promise<MigrationResult[]>[] = [];
  const table = createTenantTable({ client: ctx.operatorClient, tableName: edge.tableName });
  const healthUrlFor = (region: Region) => `${edge.origins[poolDomain(region)] ?? ''}/health`;
  const migrationDeadline = () => Date.now() + ctx.durationMs + 60_000;

  const collector = new LoadCollector();
  // The load's time origin, set when the driver fires its first request; faults follow it.
  let t0 = 0;
  const injectFaults = async () => {
    let previous: ChaosPhase | undefined;
    for (const phase of timeline) {
      const wait = t0 + phase.startMs - performance.now();
      if (wait > 0) await sleep(wait);
      const counts = await edge.replicaCounts();
      if (previous !== undefined)
        (stats.get(previous.name) as { replicasAtEnd: object }).replicasAtEnd = counts;
      (stats.get(phase.name) as { replicasAtStart: object }).replicasAtStart = counts;
      await Promise.all(
        faultsOf(phase, edge.replicaRegions).map(([region, fault]) => edge.setFault(region, fault)),
      );
      onProgress({ type: 'phase', phase });
      if (phase.startsMigration !== undefined) {
        running.push(
          runMigrationBatch({
            table,
            orders: batches[phase.startsMigration],
            concurrency: settings.migrationConcurrency,
            healthUrlFor,
            propagationWaitMs: edge.propagationWaitMs,
            deadline: migrationDeadline(),
            onResult: (result) => onProgress({ type: 'migration', result }),
          }),
        );
      }
      previous = phase;
    }
    const last = t0 + ctx.durationMs - performance.now();
    if (last > 0) await sleep(last);
    if (previous !== undefined) {
      (stats.get(previous.name) as { replicasAtEnd: object }).replicasAtEnd = await edge.replicaCounts();
    }
  };
  let injector: Promise<void> = Promise.resolve();

  const totals = { cached: emptyCounts(), uncached: emptyCounts() };
  const send = async (index: number): Promise<RequestOutcome> => {
    const planned = plan[index] as PlannedRequest;
    const intendedMs = schedule.intendedMs[index] ?? 0;
    const phase = phaseAt(timeline, intendedMs);
    const seen = await observe(edge.url, planned.host, ctx.agent, settings.edgeRegion);
    const verdict = judgeViewerResponse(
      {
        host: planned.host,
        tenantId: planned.tenantId,
        regions: allowedRegions(planned.tenantId),
        cached: planned.cached,
      },
      seen,
    );
    const bucket = stats.get(phase.name);
    if (bucket !== undefined) {
      countVerdict(planned.cached ? bucket.cached : bucket.uncached, verdict);
      bucket.latency.record(performance.now() - (t0 + intendedMs));
      if (seen.routerMs !== undefined) bucket.router.record(seen.routerMs);
    }
    countVerdict(planned.cached ? totals.cached : totals.uncached, verdict);
    if ((verdict.kind === 'failed' || verdict.kind === 'misrouted') && problems.length < 25) {
      problems.push({
        phase: phase.name,
        host: planned.host,
        cached: planned.cached,
        verdict: verdict.kind,
        why: verdict.why,
      });
    }
    if (seen.status === undefined) return { error: seen.error ?? 'no-response' };
    return { status: seen.status, region: verdict.kind === 'ok' ? verdict.region : 'generated' };
  };

  const timing = await runOpenLoop({
    onMeasuredStart: () => {
      t0 = performance.now();
      injector = injectFaults();
    },
    schedule,
    send,
    collector,
    progressIntervalMs: 500,
    onProgress: (sent) =>
      onProgress({
        type: 'load',
        sent,
        total: schedule.intendedMs.length,
        counts: addCounts(totals.cached, totals.uncached),
      }),
  });
  await injector;
  await edge.clearFaults();

  onProgress({ type: 'setup', message: 'load done; waiting for the migrations to finish' });
  const results = (await Promise.all(running)).flat();

  // Every cached route must now have been refreshed from the table: wait out the staleness bound.
  await sleep(edge.propagationWaitMs + settings.ttlMs);
  onProgress({ type: 'setup', message: 'final check of every cached tenant' });
  const finalCheck = await checkFinalRoutes({
    tenants: hot.map((id, index) => ({
      tenantId: id,
      host: loadTestHost(index, edge.platformDomain),
      region: targets.get(id) ?? homeOf(id),
    })),
    probe: (host) => observe(edge.url, host, ctx.agent, settings.edgeRegion),
  });

  const after = await scanTable(ctx.admin, edge.tableName);
  const tableDiff = diffSnapshots(before, after, targets);

  const phases: PhaseReport[] = timeline.map((phase) => {
    const s = stats.get(phase.name) as NonNullable<ReturnType<typeof stats.get>>;
    const replicas: Record<string, { requests: number; faulted: number }> = {};
    for (const region of edge.replicaRegions) {
      const a = s.replicasAtStart[region];
      const b = s.replicasAtEnd[region];
      replicas[region] = {
        requests: (b?.requests ?? 0) - (a?.requests ?? 0),
        faulted: (b?.faulted ?? 0) - (a?.faulted ?? 0),
      };
    }
    return {
      name: phase.name,
      description: phase.description,
      startMs: phase.startMs,
      endMs: phase.endMs,
      replicas,
      cached: s.cached,
      uncached: s.uncached,
      latency: s.latency.summary(),
      routerLatency: s.router.summary(),
    };
  });

  const interruptions: Record<string, number> = {};
  for (const r of results)
    for (const kind of r.interruptions) interruptions[kind] = (interruptions[kind] ?? 0) + 1;
  const migrations = {
    ordered: targets.size,
    done: results.filter((r) => r.outcome === 'done').length,
    failed: results.filter((r) => r.outcome === 'failed').length,
    resumed: results.reduce((sum, r) => sum + r.runs - 1, 0),
    interruptions,
    results: [...results].sort((a, b) => a.tenantId.localeCompare(b.tenantId)),
  };
  const all = addCounts(totals.cached, totals.uncached);
  const report: Omit<ChaosReport, 'verdict'> = {
    settings,
    startedAt: ctx.startedAt,
    durationMs: Math.round(performance.now() - ctx.began),
    nearestReplica: edge.nearestReplica,
    operatorRegion: ctx.operatorRegion,
    phases,
    totals: { cached: totals.cached, uncached: totals.uncached, all },
    problems,
    latency: collector.result({
      settings: {
        mode: 'http',
        target: edge.url,
        ratePerSecond: settings.ratePerSecond,
        durationMs: ctx.durationMs,
        warmupMs: 0,
        hosts: settings.hotTenants + ctx.coldTenants,
        zipf: 0,
        seed: settings.seed,
      },
      startedAt: ctx.startedAt,
      scheduled: schedule.intendedMs.length,
      measuredWallMs: timing.measuredWallMs,
    }).latency,
    migrations,
    finalCheck,
    table: tableDiff,
    routerLogs: Object.fromEntries([...edge.logCounts].sort(([a], [b]) => a.localeCompare(b))),
  };
  return { ...report, verdict: chaosVerdict(report, timeline) };
}
