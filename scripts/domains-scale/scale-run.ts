/**
 * One `domains:scale` run: a local edge (no distance, no replication lag: the run measures the
 * tool, not the geography), the plan's tenants added with `tenants import`, then `domains import`
 * of every host with the customer's DNS records simulated, SIGKILLed once `killAt` distribution
 * tenants exist, rerun to the end, and checked (scale-checks.ts). Counts the CloudFront calls the
 * control plane answered and the DynamoDB requests the write region's endpoint took, over both
 * imports, so a resumed run's cost per domain includes what the kill wasted.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CleanupStack } from '../lib/cleanup-stack.ts';
import { runTenantsCli } from '../lib/tenants/tenants-cli.ts';
import { type LocalEdge, startLocalEdge } from '../local-edge/start-local-edge.ts';
import { runCaptured } from './captured-cli.ts';
import { type ImportExit, startImport } from './import-process.ts';
import { checkScaleRun, type ScaleChecks } from './scale-checks.ts';
import { domainsImportText, type ScalePlan, scalePlan, tenantsImportText } from './scale-plan.ts';

/** Settings of a run. */
export interface ScaleSettings {
  readonly domains: number;
  readonly tenants: number;
  /** CloudFront calls a second, the import's `--rate`. */
  readonly rate: number;
  readonly concurrency: number;
  /** Distribution tenants created when the first import is killed. */
  readonly killAt: number;
  /** The import's `--poll-ms`: how often a pending domain is verified again. */
  readonly pollMs: number;
}

/** What one import process did. */
export interface ImportPhase {
  readonly ms: number;
  readonly exit: Pick<ImportExit, 'code' | 'signal'>;
}

/** The run's figures and checks. */
export interface ScaleReport {
  readonly settings: ScaleSettings;
  /** The first import, up to its kill, and the tenants and issued certificates it had made. */
  readonly killed: ImportPhase & { readonly distributionTenants: number; readonly issued: number };
  /** The rerun, and its own `--json` summary. */
  readonly resumed: ImportPhase & { readonly summary: Record<string, unknown> };
  readonly totalMs: number;
  /** Calls the control plane answered over both imports, by operation (`throttled` included). */
  readonly cloudFrontCalls: Readonly<Record<string, number>>;
  readonly cloudFrontCallsPerDomain: number;
  readonly dynamodbRequests: number;
  readonly dynamodbRequestsPerDomain: number;
  readonly checks: ScaleChecks;
}

/** The environment the tools get: the local edge's table, control plane and DNS. */
function toolEnv(edge: LocalEdge): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DYNAMODB_ENDPOINT: edge.dynamodbEndpoint,
    CLOUDFRONT_ENDPOINT: edge.cloudFront.url,
    ETR_DISTRIBUTION_ID: edge.cloudFront.distributionId,
    ETR_CONNECTION_GROUP: edge.cloudFront.connectionGroupId,
    ETR_DNS_SERVER: edge.cloudFront.dnsServer,
    LOCAL_EDGE_CONTROL: edge.controlUrl,
    AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: '1',
  };
  delete env.ETR_CONFIG;
  return env;
}

/** Requests the write region's operator endpoint took (the tools'; the edge endpoints are the router's). */
function operatorRequests(edge: LocalEdge): number {
  const { counters } = edge.replicas[edge.writeRegion] as LocalEdge['replicas'][string];
  return counters.requests - Object.values(counters.byEdgeRegion).reduce((a, b) => a + b, 0);
}

function sumCalls(after: Readonly<Record<string, number>>, before: Readonly<Record<string, number>>) {
  return Object.fromEntries(
    Object.entries(after)
      .map(([op, n]) => [op, n - (before[op] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
}

async function addTenants(plan: ScalePlan, dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const file = join(dir, 'tenants.jsonl');
  await writeFile(file, tenantsImportText(plan));
  const { code, stderr } = await runCaptured(runTenantsCli, ['import', file], env);
  if (code !== 0) throw new Error(`tenants import exited ${code}: ${stderr.trim()}`);
}

const exitOf = (exit: ImportExit) => ({ code: exit.code, signal: exit.signal });

/** The import's `--json` summary, or its stderr when it printed none (it failed). */
function summaryOf(exit: ImportExit): Record<string, unknown> {
  try {
    return JSON.parse(exit.stdout) as Record<string, unknown>;
  } catch {
    return { stderr: exit.stderrTail };
  }
}

/** Distribution tenants the run made so far, and how many of their certificates are issued. */
function progressOf(edge: LocalEdge, setup: ReadonlySet<string>): { made: number; issued: number } {
  let made = 0;
  let issued = 0;
  for (const t of edge.cloudFront.model.tenants.values()) {
    if (setup.has(t.id)) continue;
    made++;
    if (t.managedCertificate?.status === 'issued') issued++;
  }
  return { made, issued };
}

/**
 * Runs one import to its end, or kills it once `killAt` distribution tenants exist; logs the
 * progress every 30 s.
 */
async function importPhase(
  edge: LocalEdge,
  start: () => ReturnType<typeof startImport>,
  killAt: number | undefined,
  setup: ReadonlySet<string>,
  log: (line: string) => void,
): Promise<{ ms: number; exit: ImportExit }> {
  const started = Date.now();
  const child = start();
  let exit: ImportExit | undefined;
  void child.exited.then((e) => {
    exit = e;
  });
  let lastLog = started;
  while (exit === undefined) {
    await sleep(200);
    const now = progressOf(edge, setup);
    if (killAt !== undefined && now.made >= killAt) {
      child.kill();
      break;
    }
    if (Date.now() - lastLog >= 30_000) {
      lastLog = Date.now();
      log(
        `${now.made} distribution tenants, ${now.issued} issued, after ${((lastLog - started) / 1000).toFixed(0)} s`,
      );
    }
  }
  return { ms: Date.now() - started, exit: exit ?? (await child.exited) };
}

/** Runs the whole scenario and checks it. */
export async function runDomainsScale(
  settings: ScaleSettings,
  log: (line: string) => void,
): Promise<ScaleReport> {
  const stack = new CleanupStack();
  try {
    const edge = await startLocalEdge({ echoFunctionOutput: false, config: { decisionLogSampleRate: 0 } });
    stack.defer(() => edge.stop());
    const dir = await mkdtemp(join(tmpdir(), 'domains-scale-'));
    stack.defer(() => rm(dir, { recursive: true, force: true }));
    const env = toolEnv(edge);
    const plan = scalePlan(settings.domains, settings.tenants, edge.config.replicaRegions);
    await addTenants(plan, dir, env);
    log(`${plan.tenants.length} tenants added; importing ${plan.domains.length} domains`);
    const file = join(dir, 'domains.csv');
    await writeFile(file, domainsImportText(plan));
    const argv = [
      '--simulate-customer-dns',
      ...['--rate', String(settings.rate), '--concurrency', String(settings.concurrency)],
      ...['--poll-ms', String(settings.pollMs), '--json'],
    ];
    const setup = new Set(edge.cloudFront.model.tenants.keys());
    const callsBefore = { ...edge.cloudFront.calls };
    const dynamodbBefore = operatorRequests(edge);
    const start = () => startImport(file, argv, env);
    const first = await importPhase(edge, start, settings.killAt, setup, log);
    const atKill = progressOf(edge, setup);
    const killed = {
      ms: first.ms,
      exit: exitOf(first.exit),
      distributionTenants: atKill.made,
      issued: atKill.issued,
    };
    log(
      `first import ended (${first.exit.signal ?? `exit ${first.exit.code}`}) after ${(first.ms / 1000).toFixed(1)} s at ${atKill.made} distribution tenants; resuming`,
    );
    const second = await importPhase(edge, start, undefined, setup, log);
    const resumed = { ms: second.ms, exit: exitOf(second.exit), summary: summaryOf(second.exit) };
    log(`resumed import exited ${second.exit.code} after ${(second.ms / 1000).toFixed(1)} s; checking`);
    const cloudFrontCalls = sumCalls(edge.cloudFront.calls, callsBefore);
    const dynamodbRequests = operatorRequests(edge) - dynamodbBefore;
    await edge.replication.drained();
    const checks = await checkScaleRun(edge, plan, env, setup);
    const calls = Object.entries(cloudFrontCalls)
      .filter(([op]) => op !== 'throttled')
      .reduce((a, [, n]) => a + n, 0);
    return {
      settings,
      killed,
      resumed,
      totalMs: killed.ms + resumed.ms,
      cloudFrontCalls,
      cloudFrontCallsPerDomain: calls / settings.domains,
      dynamodbRequests,
      dynamodbRequestsPerDomain: dynamodbRequests / settings.domains,
      checks,
    };
  } finally {
    await stack.close();
  }
}
