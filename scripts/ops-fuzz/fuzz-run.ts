/**
 * Runs an ops-fuzz history: the local edge (short TTL), several operator processes
 * (fuzz-worker.ts) running their random commands at once, random SIGKILLs of a process in the
 * middle of a command and its restart (which reruns the command cut short, as an operator would),
 * then `tenants check` (the real command line) and, through the local edge, every claim a tenant
 * was last told it owns.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CleanupStack } from '../lib/cleanup-stack.ts';
import { type RandomSource, seededRandom } from '../lib/seeded-random.ts';
import { startLocalEdge } from '../local-edge/start-local-edge.ts';
import { type FuzzVerdict, judgeRun } from './fuzz-judge.ts';
import { FUZZ_HOST_PARENT, type FuzzOp, fuzzPlan } from './fuzz-plan.ts';
import type { Attempt } from './fuzz-verdict.ts';
import type { WorkerEvent } from './fuzz-worker.ts';

const WORKER_ENTRY = fileURLToPath(new URL('./fuzz-worker.ts', import.meta.url));

/** Settings of a run. */
export interface FuzzSettings {
  readonly seed: number;
  readonly workers: number;
  readonly opsPerWorker: number;
  /** SIGKILLs of a process in the middle of a command, each followed by a restart. */
  readonly kills: number;
  /**
   * Regions the workers write through: 1 (the rule: every tool writes to the write region), or 2
   * (half the workers forced with `--force-region` into a second region, to show what the rule
   * prevents; it needs per-region replicas, see docs/reliability.md).
   */
  readonly writeRegions: 1 | 2;
  /**
   * Lag of each write replicated between the local edge's per-region stores (`MS`,
   * `uniform:A-B`, `lognormal:MEDIAN,P99`). @default 'uniform:20-200'
   */
  readonly replicationLag?: string;
}

/** What a run did and found. */
export interface FuzzReport {
  readonly settings: FuzzSettings;
  readonly processes: number;
  readonly commands: number;
  readonly kills: number;
  readonly outcomes: Readonly<Record<string, number>>;
  /** Every command run, in order of start. */
  readonly attempts: readonly Attempt[];
  readonly verdict: FuzzVerdict;
  readonly ms: number;
}

/** The default replication lag of a run: short, but real (writes reach the other replicas later). */
const DEFAULT_LAG = 'uniform:20-200';

/**
 * The router settings of the run: a short TTL, so migrations and the final wait take little time,
 * and a lag allowance covering the run's replication lag (what a migration waits for).
 */
const FAST = {
  cache: { ttlMs: 300, negativeTtlMs: 100 },
  replicationLagAllowanceMs: 250,
  // The edge runs in this process: its sampled decision lines would interleave with the report.
  decisionLogSampleRate: 0,
};

/** Runs one history and judges it. */
export async function runOpsFuzz(
  settings: FuzzSettings,
  log: (line: string) => void = () => {},
): Promise<FuzzReport> {
  const started = Date.now();
  const stack = new CleanupStack();
  try {
    const edge = await startLocalEdge({
      config: FAST,
      echoFunctionOutput: false,
      replicationLag: settings.replicationLag ?? DEFAULT_LAG,
    });
    stack.defer(() => edge.stop());
    // CloudFront serves the pool (one wildcard tenant), so every claim is judged by the router.
    edge.cloudFront.activate([`*.${FUZZ_HOST_PARENT}`]);
    const dir = await mkdtemp(join(tmpdir(), 'ops-fuzz-'));
    stack.defer(() => rm(dir, { recursive: true, force: true }));
    const plan = fuzzPlan({ ...settings, regions: edge.config.replicaRegions });
    const planPath = join(dir, 'plan.json');
    await writeFile(planPath, JSON.stringify(plan));
    const configPath = join(dir, 'router.json');
    const { endpoints: _local, ...config } = edge.config;
    await writeFile(configPath, JSON.stringify(config));
    const envOf = (worker: number): NodeJS.ProcessEnv => workerEnv(edge, configPath, settings, worker);
    const run = await runWorkers(plan, planPath, envOf, settings, log);
    log(`histories done: ${run.processes} processes, ${run.attempts.length} commands, ${run.kills} kills`);
    // Every replica has every write (last writer wins), then every edge sees it within the TTL.
    await edge.replication.drained();
    await new Promise((r) => setTimeout(r, FAST.cache.ttlMs + FAST.replicationLagAllowanceMs + 200));
    const verdict = await judgeRun({ edge, attempts: run.attempts, env: envOf(0) });
    const outcomes: Record<string, number> = {};
    for (const a of run.attempts) {
      const key = a.endedAt === undefined ? 'killed' : a.code === 0 ? 'ok' : `exit ${a.code}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }
    return {
      settings,
      processes: run.processes,
      commands: run.attempts.length,
      kills: run.kills,
      outcomes,
      attempts: run.attempts,
      verdict,
      ms: Date.now() - started,
    };
  } finally {
    await stack.close();
  }
}

/** A worker's environment: the edge's DynamoDB, the run's configuration, short leases. */
function workerEnv(
  edge: Awaited<ReturnType<typeof startLocalEdge>>,
  configPath: string,
  settings: FuzzSettings,
  worker: number,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ETR_CONFIG: configPath,
    DYNAMODB_ENDPOINT: edge.dynamodbEndpoint,
    ETR_CLAIM_LEASE_MS: '1500',
  };
  delete env.AWS_REGION;
  if (settings.writeRegions === 2 && worker % 2 === 1) {
    // Forced into the second replica region, through that region's endpoint.
    const second = edge.config.replicaRegions[1] as string;
    env.DYNAMODB_ENDPOINT = edge.replicas[second]?.endpoint ?? edge.dynamodbEndpoint;
    env.ETR_FUZZ_REGION_ARGS = JSON.stringify(['--region', second, '--force-region']);
  }
  return env;
}

/** A running worker: its process, the command it is in, and the next one. */
interface WorkerState {
  readonly child: ChildProcess;
  attempt: Attempt | undefined;
  next: number;
}

interface WorkerRun {
  readonly attempts: Attempt[];
  readonly processes: number;
  readonly kills: number;
}

/** Starts every worker, kills one now and then in the middle of a command, restarts it, until all are done. */
function runWorkers(
  plan: readonly FuzzOp[][],
  planPath: string,
  envOf: (worker: number) => NodeJS.ProcessEnv,
  settings: FuzzSettings,
  log: (line: string) => void,
): Promise<WorkerRun> {
  const random: RandomSource = seededRandom(settings.seed ^ 0x5eed);
  const attempts: Attempt[] = [];
  const current = new Map<number, WorkerState>();
  let processes = 0;
  // Kills sent, and kills that landed (a process that had just finished is not restarted).
  let sent = 0;
  let kills = 0;
  return new Promise((resolve, reject) => {
    const start = (worker: number, from: number, resume: boolean) => {
      processes++;
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          WORKER_ENTRY,
          planPath,
          String(worker),
          String(from),
          ...(resume ? ['--resume'] : []),
        ],
        { env: envOf(worker), stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const state: WorkerState = { child, attempt: undefined, next: from };
      current.set(worker, state);
      let done = false;
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        const event = JSON.parse(line) as WorkerEvent;
        if (event.event === 'start') {
          state.attempt = {
            worker,
            index: event.index,
            op: plan[worker]?.[event.index] as FuzzOp,
            startedAt: event.at,
            rerun: resume && event.index === from,
          };
          attempts.push(state.attempt);
        } else if (event.event === 'end' && state.attempt !== undefined) {
          const detail = event.stderr.trim().split('\n').at(-1);
          const ended: Attempt = { ...state.attempt, endedAt: event.at, code: event.code, detail };
          attempts[attempts.indexOf(state.attempt)] = ended;
          state.attempt = undefined;
          state.next = event.index + 1;
        } else if (event.event === 'done') done = true;
      });
      child.on('exit', (code, signal) => {
        if (current.get(worker)?.child !== child) return;
        if (signal === 'SIGKILL' && !done) {
          kills++;
          const at = state.attempt?.index ?? state.next;
          const cut = state.attempt !== undefined;
          log(`killed worker ${worker} in command ${at}; restarting it`);
          start(worker, at, cut);
          return;
        }
        current.delete(worker);
        if (!done) reject(new Error(`worker ${worker} exited with ${code ?? signal} before finishing`));
        else if (current.size === 0) resolve({ attempts, processes, kills });
      });
    };
    for (let worker = 0; worker < plan.length; worker++) start(worker, 0, false);
    const killSoon = () => {
      if (sent >= settings.kills || current.size === 0) return;
      setTimeout(
        () => {
          const busy = [...current.values()].filter((s) => s.attempt !== undefined);
          const victim = busy[Math.floor(random() * busy.length)];
          if (victim !== undefined) {
            sent++;
            victim.child.kill('SIGKILL');
          }
          killSoon();
        },
        300 + random() * 1200,
      );
    };
    killSoon();
  });
}
