/**
 * The chaos scenario: the local edge under steady open-loop load while faults are injected in
 * turn and together (a replica cut off, reads throttled, the DynamoDB server unreachable for
 * longer than the cache TTL) and batches of tenants are migrated. Every response is judged
 * (viewer-verdict.ts), the table is compared before and after (table-snapshot.ts), and migrated
 * tenants are checked to route to their target at the end. The run is a sequence of named steps:
 * start, plan, warm up, load under faults, settle, report.
 */
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Region } from '../../edge/model.ts';
import { forEachConcurrently } from '../lib/bounded-concurrency.ts';
import { CleanupStack } from '../lib/cleanup-stack.ts';
import { loadTestHost } from '../lib/generated-tenants.ts';
import { localDynamoDBClient } from '../lib/local-dynamodb-client.ts';
import { replicaVersionReader } from '../lib/migration/replica-versions.ts';
import { seededRandom } from '../lib/seeded-random.ts';
import { createDynamoDBTenantTable } from '../lib/tenants/dynamodb-tenant-table.ts';
import { arrivalSchedule } from '../loadtest/arrival-schedule.ts';
import { LoadCollector, type RequestOutcome } from '../loadtest/load-collector.ts';
import { runOpenLoop } from '../loadtest/open-loop-driver.ts';
import { poolDomain } from '../local-edge/demo-data.ts';
import { type ChaosEdge, spawnChaosEdge } from './chaos-edge.ts';
import {
  type PlannedRequest,
  planRequests,
  planTenants,
  type TenantPlan,
  tenantHomes,
} from './chaos-plan.ts';
import { addCounts, type ChaosProgress, type ChaosReport } from './chaos-result.ts';
import type { ChaosSettings } from './chaos-settings.ts';
import { chaosVerdict } from './chaos-verdict.ts';
import { injectFaults } from './fault-injector.ts';
import { type ChaosPhase, chaosDurationMs, chaosTimeline, phaseAt } from './fault-timeline.ts';
import { checkFinalRoutes, type FinalCheck } from './final-check.ts';
import { type MigrationResult, runMigrationBatch, summarizeMigrations } from './migration-batch.ts';
import { PhaseStats } from './phase-stats.ts';
import { diffSnapshots, scanTable, type TableSnapshot } from './table-snapshot.ts';
import { observe } from './viewer-probe.ts';
import { judgeViewerResponse } from './viewer-verdict.ts';

/** The running parts of one scenario run. */
interface RunContext {
  readonly settings: ChaosSettings;
  readonly edge: ChaosEdge;
  readonly startedAt: string;
  readonly began: number;
  readonly durationMs: number;
  readonly schedule: ReturnType<typeof arrivalSchedule>;
  readonly coldTenants: number;
  readonly agent: Agent;
  /** A client of the DynamoDB server itself (no faults), for the table snapshots. */
  readonly admin: DynamoDBClient;
  /** The replica the operator's migrations write through. */
  readonly operatorRegion: string;
  readonly operatorClient: DynamoDBClient;
  /** A client of each replica's operator endpoint: the migrations' propagation wait reads them. */
  readonly replicaClients: ReadonlyMap<Region, DynamoDBClient>;
  readonly onProgress: (event: ChaosProgress) => void;
}

/**
 * Runs the scenario and returns its report; the verdict says whether every assertion held.
 * Throws only when the scenario cannot be set up (the edge does not start, the warm-up fails).
 */
export async function runChaosScenario(
  settings: ChaosSettings,
  onProgress: (event: ChaosProgress) => void = () => {},
): Promise<ChaosReport> {
  const stack = new CleanupStack();
  try {
    return await runAgainst(await startRun(settings, onProgress, stack));
  } finally {
    await stack.close();
  }
}

/** Step 1: the edge (in a child process) with enough tenants, and the clients of the run. */
async function startRun(
  settings: ChaosSettings,
  onProgress: (event: ChaosProgress) => void,
  stack: CleanupStack,
): Promise<RunContext> {
  const startedAt = new Date().toISOString();
  const began = performance.now();
  const durationMs = chaosDurationMs(settings);
  const schedule = arrivalSchedule({ ratePerSecond: settings.ratePerSecond, durationMs });
  const coldTenants = Math.ceil(schedule.intendedMs.length * settings.coldShare * 1.3) + 20;
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
    replicationLagMs: settings.replicationLagAllowanceMs,
    latency: settings.latency,
    replicationLag: settings.replicationLag,
  });
  stack.defer(() => edge.stop());
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  stack.defer(() => agent.destroy());
  const admin = localDynamoDBClient(edge.dynamodbEndpoint, settings.edgeRegion);
  stack.defer(() => admin.destroy());
  // The operator runs migrations against a replica endpoint other than the one cut off, so it
  // lives through the throttling and the outages like everything else.
  const operatorRegion =
    [...edge.replicaRegions].reverse().find((r) => r !== edge.nearestReplica) ?? edge.nearestReplica;
  const operatorClient = localDynamoDBClient(
    edge.replicas[operatorRegion] ?? edge.dynamodbEndpoint,
    operatorRegion,
    {
      requestHandler: { requestTimeout: 2_000, throwOnRequestTimeout: true },
    },
  );
  stack.defer(() => operatorClient.destroy());
  const replicaClients = new Map(
    Object.entries(edge.replicas).map(([region, endpoint]) => [
      region as Region,
      localDynamoDBClient(endpoint, region, { maxAttempts: 1 }),
    ]),
  );
  stack.defer(() => {
    for (const client of replicaClients.values()) client.destroy();
  });
  return {
    replicaClients,
    settings,
    edge,
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
  };
}

async function runAgainst(ctx: RunContext): Promise<ChaosReport> {
  const { settings, edge } = ctx;
  const random = seededRandom(settings.seed);
  const timeline = chaosTimeline({
    phaseMs: settings.phaseMs,
    outageMs: settings.outageMs,
    regions: edge.replicaRegions,
    nearest: edge.nearestReplica,
    throttleShare: settings.throttleShare,
  });
  const before = await scanTable(ctx.admin, edge.tableName);
  const tenants = planTenants({
    homes: tenantHomes(before),
    hotTenants: settings.hotTenants,
    migrationsPerBatch: settings.migrationsPerBatch,
    regions: edge.replicaRegions,
    random,
  });
  await warmUp(ctx, tenants);
  const requests = planRequests({
    count: ctx.schedule.intendedMs.length,
    hotTenants: settings.hotTenants,
    coldTenants: ctx.coldTenants,
    coldShare: settings.coldShare,
    platformDomain: edge.platformDomain,
    random,
  });
  const load = await loadUnderFaults(ctx, timeline, tenants, requests);
  const settled = await settle(ctx, tenants, load.migrations);
  return report(ctx, { timeline, before, tenants, load, ...settled });
}

/**
 * Step 2: every hot tenant requested until it answers, so its route is cached. A few attempts
 * each: the function's first lookups (cold bundle, new connections) may spend the lookup budget
 * and answer 503, which only means the route is not cached yet.
 */
async function warmUp(ctx: RunContext, tenants: TenantPlan): Promise<void> {
  const { edge, settings } = ctx;
  ctx.onProgress({ type: 'setup', message: `warming ${tenants.hot.length} cached tenants` });
  const problems: string[] = [];
  await forEachConcurrently(tenants.hot, 8, async (id) => {
    const host = loadTestHost(tenants.hot.indexOf(id), edge.platformDomain);
    let last = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const verdict = judgeViewerResponse(
        { host, tenantId: id, regions: [tenants.homeOf(id)], cached: false },
        await observe(edge.url, host, ctx.agent, settings.edgeRegion),
      );
      if (verdict.kind === 'ok') return;
      last = verdict.kind === 'unavailable' ? 'unavailable' : verdict.why;
      await sleep(200);
    }
    problems.push(`${host}: ${last}`);
  });
  if (problems.length > 0) throw new Error(`warm-up failed: ${problems.slice(0, 3).join('; ')}`);
}

/** What the load phase produced. */
interface LoadRun {
  readonly stats: PhaseStats;
  readonly collector: LoadCollector;
  readonly measuredWallMs: number;
  /** The migration batches started by the timeline, still running. */
  readonly migrations: readonly Promise<MigrationResult[]>[];
  /** Each replication pause: its region and the replicated writes it held when it ended. */
  readonly replicationPauses: readonly { readonly region: string; readonly heldWrites: number }[];
}

/**
 * Step 3: the open-loop load, every response judged, while the timeline sets the replicas' faults
 * and starts the migration batches; ends with the faults cleared.
 */
async function loadUnderFaults(
  ctx: RunContext,
  timeline: readonly ChaosPhase[],
  tenants: TenantPlan,
  requests: readonly PlannedRequest[],
): Promise<LoadRun> {
  const { edge, settings, schedule } = ctx;
  const stats = new PhaseStats(timeline);
  const collector = new LoadCollector();
  const migrations: Promise<MigrationResult[]>[] = [];
  const startBatch = migrationStarter(ctx, tenants, migrations);
  // The load's time origin, set when the driver fires its first request; faults follow it.
  let t0 = 0;
  let injector: Promise<void> = Promise.resolve();
  const replicationPauses: { region: string; heldWrites: number }[] = [];
  const send = async (index: number): Promise<RequestOutcome> => {
    const planned = requests[index] as PlannedRequest;
    const intendedMs = schedule.intendedMs[index] ?? 0;
    const seen = await observe(edge.url, planned.host, ctx.agent, settings.edgeRegion);
    const expected = { ...planned, regions: tenants.allowedRegions(planned.tenantId) };
    const verdict = judgeViewerResponse(expected, seen);
    stats.record({
      phase: phaseAt(timeline, intendedMs).name,
      host: planned.host,
      cached: planned.cached,
      verdict,
      latencyMs: performance.now() - (t0 + intendedMs),
      routerMs: seen.routerMs,
    });
    if (seen.status === undefined) return { error: seen.error ?? 'no-response' };
    return { status: seen.status, region: verdict.kind === 'ok' ? verdict.region : 'generated' };
  };
  const timing = await runOpenLoop({
    onMeasuredStart: () => {
      t0 = performance.now();
      injector = injectFaults({
        timeline,
        edge,
        stats,
        t0,
        durationMs: ctx.durationMs,
        onPhase: startBatch,
        onReplicationResumed: (region, heldWrites) => replicationPauses.push({ region, heldWrites }),
      });
    },
    schedule,
    send,
    collector,
    progressIntervalMs: 500,
    onProgress: (sent) =>
      ctx.onProgress({
        type: 'load',
        sent,
        total: schedule.intendedMs.length,
        counts: addCounts(stats.totals.cached, stats.totals.uncached),
      }),
  });
  await injector;
  await edge.clearFaults();
  return { stats, collector, measuredWallMs: timing.measuredWallMs, migrations, replicationPauses };
}

/** Reports each phase and starts its migration batch, if it has one, into `running`. */
function migrationStarter(
  ctx: RunContext,
  tenants: TenantPlan,
  running: Promise<MigrationResult[]>[],
): (phase: ChaosPhase) => void {
  const { edge, settings } = ctx;
  const table = createDynamoDBTenantTable({ client: ctx.operatorClient, tableName: edge.tableName });
  const healthUrlFor = (region: Region) => `${edge.origins[poolDomain(region)] ?? ''}/health`;
  // The operator reads every replica through its endpoint (faults included) to confirm a switch.
  const replicaVersions = replicaVersionReader(ctx.replicaClients, edge.tableName);
  return (phase) => {
    ctx.onProgress({ type: 'phase', phase });
    if (phase.startsMigration === undefined) return;
    running.push(
      runMigrationBatch({
        table,
        orders: tenants.batches[phase.startsMigration],
        concurrency: settings.migrationConcurrency,
        healthUrlFor,
        propagationWaitMs: edge.propagationWaitMs,
        replicaVersions,
        replicaCheck: {
          replicationLagAllowanceMs: settings.replicationLagAllowanceMs,
          cacheTtlMs: settings.ttlMs,
        },
        deadline: Date.now() + ctx.durationMs + 60_000,
        onResult: (result) => ctx.onProgress({ type: 'migration', result }),
      }),
    );
  };
}

/**
 * Step 4: the migrations finished, the staleness bound waited out, every cached tenant checked
 * against the region the table names, and the table scanned again.
 */
async function settle(
  ctx: RunContext,
  tenants: TenantPlan,
  migrations: readonly Promise<MigrationResult[]>[],
): Promise<{ results: MigrationResult[]; finalCheck: FinalCheck; after: TableSnapshot }> {
  const { edge, settings } = ctx;
  ctx.onProgress({ type: 'setup', message: 'load done; waiting for the migrations to finish' });
  const results = (await Promise.all(migrations)).flat();
  // Every cached route must now have been refreshed from the table: wait out the staleness bound.
  await sleep(edge.propagationWaitMs + settings.ttlMs);
  ctx.onProgress({ type: 'setup', message: 'final check of every cached tenant' });
  const finalCheck = await checkFinalRoutes({
    tenants: tenants.hot.map((id, index) => ({
      tenantId: id,
      host: loadTestHost(index, edge.platformDomain),
      region: tenants.targets.get(id) ?? tenants.homeOf(id),
    })),
    probe: (host) => observe(edge.url, host, ctx.agent, settings.edgeRegion),
  });
  const after = await scanTable(ctx.admin, edge.tableName);
  return { results, finalCheck, after };
}

/** Step 5: the report and its verdict. */
function report(
  ctx: RunContext,
  run: {
    readonly timeline: readonly ChaosPhase[];
    readonly before: TableSnapshot;
    readonly after: TableSnapshot;
    readonly tenants: TenantPlan;
    readonly load: LoadRun;
    readonly results: readonly MigrationResult[];
    readonly finalCheck: FinalCheck;
  },
): ChaosReport {
  const { settings, edge } = ctx;
  const { stats } = run.load;
  const body: Omit<ChaosReport, 'verdict'> = {
    settings,
    startedAt: ctx.startedAt,
    durationMs: Math.round(performance.now() - ctx.began),
    nearestReplica: edge.nearestReplica,
    operatorRegion: ctx.operatorRegion,
    phases: stats.reports(run.timeline, edge.replicaRegions),
    totals: { ...stats.totals, all: addCounts(stats.totals.cached, stats.totals.uncached) },
    problems: stats.problems,
    latency: run.load.collector.result({
      settings: {
        mode: 'http',
        target: edge.url,
        ratePerSecond: settings.ratePerSecond,
        durationMs: ctx.durationMs,
        warmupMs: 0,
        hosts: settings.hotTenants + ctx.coldTenants,
        zipf: 0,
        seed: settings.seed,
        // Only the latency is taken from this result; the chaos report judges statuses itself.
        expect: '2xx,3xx',
        maxErrorRate: 0,
      },
      startedAt: ctx.startedAt,
      scheduled: ctx.schedule.intendedMs.length,
      measuredWallMs: run.load.measuredWallMs,
    }).latency,
    migrations: summarizeMigrations(run.results, run.tenants.targets.size),
    finalCheck: run.finalCheck,
    table: diffSnapshots(run.before, run.after, run.tenants.targets),
    routerLogs: Object.fromEntries([...edge.logCounts].sort(([a], [b]) => a.localeCompare(b))),
    replicationPauses: run.load.replicationPauses,
  };
  return { ...body, verdict: chaosVerdict(body, run.timeline) };
}
