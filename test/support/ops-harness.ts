/**
 * Harness of the operator tools' tests: a local router table, a fast router configuration file
 * (tiny cache TTL, so migrations wait milliseconds), a health endpoint, and the tools run
 * in-process with captured output.
 */

import type { ChildProcessByStdio } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { type RouterConfig, resolveRouterConfig } from '../../edge/config.ts';
import type { CliIO } from '../../scripts/lib/cli-io.ts';
import { listenOn } from '../../scripts/lib/listening-server.ts';
import { LOCAL_CONFIG_PATH, loadRouterConfig } from '../../scripts/lib/router-config-file.ts';
import { createDynamoDBTenantTable } from '../../scripts/lib/tenants/dynamodb-tenant-table.ts';
import type { TenantSnapshot, TenantTable } from '../../scripts/lib/tenants/tenant-table.ts';
import { runTenantsCli } from '../../scripts/lib/tenants/tenants-cli.ts';
import { type LocalTable, startLocalTable } from './local-table.ts';
import { tenantId } from './records.ts';

/** Captured output of one in-process run. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  /** stderr without the target line a writing command starts with (see {@link CliRun.target}). */
  readonly stderr: string;
  /** The `writing to table ... in <region> ...` line, when the command announced its writes. */
  readonly target?: string | undefined;
}

/** Splits the target announcement off a writing command's stderr. */
export function splitTarget(stderr: string): { stderr: string; target: string | undefined } {
  const match = /^writing to table [^\n]*\n/m.exec(stderr);
  if (match === null) return { stderr, target: undefined };
  return { stderr: stderr.replace(match[0], ''), target: match[0].trim() };
}

/** An in-process CLI entry point (`runTenantsCli`, `runMigrateCli`, ...). */
export type CliEntry = (argv: readonly string[], io: CliIO) => Promise<number>;

/** Everything an operator-tool test needs. */
export interface OpsHarness {
  readonly local: LocalTable;
  readonly table: TenantTable;
  readonly config: RouterConfig;
  readonly configPath: string;
  /** URL of a health endpoint answering 200 (or what {@link setHealth} says). */
  readonly healthUrl: string;
  /** Environment pointing the tools at the local table and the fast configuration. */
  readonly env: NodeJS.ProcessEnv;
  setHealth(status: number): void;
  /** Reads a tenant by its plain id (a typo fails loudly). */
  tenant(id: string): Promise<TenantSnapshot | undefined>;
  run(entry: CliEntry, argv: readonly string[]): Promise<CliRun>;
  /**
   * Declares each region with `tenants region set`: pool origin `https://pool.<region>.origin.example.com`
   * and the harness's health URL. Returns each run, for the test to check.
   */
  declareRegions(regions: readonly string[]): Promise<CliRun[]>;
  close(): Promise<void>;
}

/** Starts the harness; `config` is laid over config/local.json (default: 20 ms TTL, 10 ms lag). */
export async function startOpsHarness(config: Record<string, unknown> = {}): Promise<OpsHarness> {
  const local = await startLocalTable();
  const dir = await mkdtemp(join(tmpdir(), 'ops-test-'));
  const base = loadRouterConfigRaw() as Record<string, unknown>;
  const raw = {
    ...base,
    cache: { ...(base.cache as object), ttlMs: 20 },
    replicationLagAllowanceMs: 10,
    ...config,
  };
  const configPath = join(dir, 'router.json');
  await writeFile(configPath, JSON.stringify(raw));
  let healthStatus = 200;
  const health: Server = createServer((_req, res) => {
    res.statusCode = healthStatus;
    res.end(healthStatus === 200 ? 'ok' : 'unhealthy');
  });
  const healthServer = await listenOn(health);
  const healthUrl = `${healthServer.url}/health`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DYNAMODB_ENDPOINT: local.endpoint,
    ETR_CONFIG: configPath,
  };
  delete env.ETR_CRASH_AFTER_PHASE;
  delete env.AWS_REGION;
  const run = (entry: CliEntry, argv: readonly string[]) => runCli(entry, argv, env);
  const table = createDynamoDBTenantTable({ client: local.client, tableName: local.tableName });
  return {
    local,
    table,
    config: resolveRouterConfig(raw),
    configPath,
    healthUrl,
    env,
    setHealth(status) {
      healthStatus = status;
    },
    tenant: (id) => table.getTenant(tenantId(id)),
    run,
    async declareRegions(regions) {
      const runs: CliRun[] = [];
      for (const region of regions) {
        const origin = `https://pool.${region}.origin.example.com`;
        runs.push(
          await run(runTenantsCli, ['region', 'set', region, '--origin', origin, '--health-url', healthUrl]),
        );
      }
      return runs;
    },
    async close() {
      await healthServer.close();
      await local.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function loadRouterConfigRaw(): unknown {
  // Validate the shipped file once, then use its raw JSON as the base of the test configuration.
  loadRouterConfig(LOCAL_CONFIG_PATH);
  return JSON.parse(readFileSync(LOCAL_CONFIG_PATH, 'utf8'));
}

/** Runs an operator tool in-process with `env`, capturing its exit code and output. */
export async function runCli(
  entry: CliEntry,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
  };
  const code = await entry(argv, io);
  return { code, stdout, ...splitTarget(stderr) };
}

/** The exit code and whole output of a child process, once it has closed. */
export function processOutput(child: ChildProcessByStdio<null, Readable, Readable>): Promise<CliRun> {
  return new Promise((done, fail) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, ...splitTarget(stderr) }));
  });
}
