import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { propagationWaitMs } from '../../edge/config.ts';
import { runMigrateCli } from '../../scripts/lib/migration/migrate-cli.ts';
import { LOCAL_CONFIG_PATH } from '../../scripts/lib/router-config-file.ts';
import { runTenantsCli } from '../../scripts/lib/tenants/tenants-cli.ts';
import { poolDomain } from '../../scripts/local-edge/demo-data.ts';
import { type LocalEdge, startLocalEdge } from '../../scripts/local-edge/start-local-edge.ts';
import { viewerRequest } from '../../scripts/local-edge/viewer-client.ts';
import { type CliEntry, runCli } from '../support/ops-harness.ts';

/**
 * A short staleness bound so the propagation wait takes milliseconds, not 35 s; generous lookup
 * timeouts so a busy two-core test machine does not turn slow lookups into 503s (this test is
 * about migration, the fault tests cover timeouts).
 */
const FAST = {
  cache: { ttlMs: 400 },
  replicationLagAllowanceMs: 100,
  lookup: { attemptTimeoutMs: 2_000, budgetMs: 6_000 },
};
const HOST = 'live.example.org';
const EDGE_REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

let edge: LocalEdge;
let dir: string;
let env: NodeJS.ProcessEnv;

const run = (entry: CliEntry, argv: readonly string[]) => runCli(entry, argv, env);

interface Sample {
  readonly sentAt: number;
  readonly status: number;
  readonly region: string | null;
}

/** Keeps `workers` viewers requesting HOST from every edge region until stopped. */
function startTraffic(workers: number): { samples: Sample[]; stop: () => Promise<void> } {
  const samples: Sample[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async (_, w) => {
    for (let i = 0; running; i++) {
      const sentAt = Date.now();
      const edgeRegion = EDGE_REGIONS[(w + i) % EDGE_REGIONS.length] as string;
      try {
        const res = await viewerRequest(edge.url, {
          host: HOST,
          path: `/w${w}/r${i}`,
          edgeRegion,
          timeoutMs: 10_000,
        });
        samples.push({
          sentAt,
          status: res.status,
          region: (res.json as { region?: string } | undefined)?.region ?? null,
        });
      } catch {
        samples.push({ sentAt, status: 0, region: null });
      }
    }
  });
  return {
    samples,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

beforeAll(async () => {
  edge = await startLocalEdge({ config: FAST });
  // The tenant's domain is on CloudFront (as `domains` leaves it), so its traffic reaches the router.
  edge.cloudFront.activate([HOST]);
  dir = await mkdtemp(join(tmpdir(), 'migration-e2e-'));
  const config = { ...JSON.parse(await readFile(LOCAL_CONFIG_PATH, 'utf8')), ...FAST };
  config.cache = { ...config.cache, ...FAST.cache };
  config.lookup = { ...config.lookup, ...FAST.lookup };
  await writeFile(join(dir, 'router.json'), JSON.stringify(config));
  env = { ...process.env, DYNAMODB_ENDPOINT: edge.dynamodbEndpoint, ETR_CONFIG: join(dir, 'router.json') };
  delete env.ETR_CRASH_AFTER_PHASE;
  for (const region of ['eu-west-1', 'us-east-1']) {
    const origin = edge.origins[poolDomain(region)];
    const r = await run(runTenantsCli, ['region', 'set', region, '--health-url', `${origin?.url}/health`]);
    expect(r.stderr).toBe('');
  }
  const added = await run(runTenantsCli, ['add', 'live', 'eu-west-1', '--domain', HOST]);
  expect(added.stderr).toBe('');
}, 120_000);

afterAll(async () => {
  await edge?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('a live migration through the local edge', () => {
  it('drops no request, and once the migration returns every request reaches the target region', async () => {
    const warmup = await viewerRequest(edge.url, { host: HOST });
    expect(warmup.status).toBe(200);
    expect((warmup.json as { region: string }).region).toBe('eu-west-1');

    const traffic = startTraffic(4);
    // Counted, not timed: enough traffic before the switch, however slow the machine is.
    await until(() => traffic.samples.length >= 20);
    const migration = await run(runMigrateCli, [
      'live',
      '--to',
      'us-east-1',
      '--verify-url',
      edge.url,
      '--verify-host',
      HOST,
      '--json',
    ]);
    const finishedAt = Date.now();
    await until(() => traffic.samples.filter((s) => s.sentAt >= finishedAt).length >= 20);
    await traffic.stop();

    expect(migration.stderr).toBe('');
    expect(migration.code).toBe(0);
    expect(JSON.parse(migration.stdout)).toMatchObject({
      outcome: 'completed',
      tenant: { region: 'us-east-1', migration: null },
    });
    const { samples } = traffic;
    const before = samples.filter((s) => s.region === 'eu-west-1').length;
    const after = samples.filter((s) => s.sentAt >= finishedAt);
    // Traffic really flowed on both sides of the switch.
    expect(before).toBeGreaterThanOrEqual(20);
    expect(after.length).toBeGreaterThanOrEqual(20);
    expect(samples.filter((s) => s.status !== 200)).toEqual([]);
    expect(new Set(samples.map((s) => s.region))).toEqual(new Set(['eu-west-1', 'us-east-1']));
    expect(after.filter((s) => s.region !== 'us-east-1')).toEqual([]);
  });

  it('with --freeze, viewers get 503 with Retry-After while the tenant is frozen, then the target', async () => {
    const seen: { status: number; retryAfter: string | undefined; region: string | null }[] = [];
    const frozen = run(runMigrateCli, ['live', '--to', 'eu-west-1', '--freeze', '--json']);
    let done = false;
    void frozen.finally(() => {
      done = true;
    });
    while (!done) {
      const res = await viewerRequest(edge.url, { host: HOST });
      seen.push({
        status: res.status,
        retryAfter: res.headers['retry-after'] as string | undefined,
        region: (res.json as { region?: string } | undefined)?.region ?? null,
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await frozen).code).toBe(0);
    const unavailable = seen.filter((s) => s.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    expect(unavailable.every((s) => s.retryAfter !== undefined)).toBe(true);
    expect(seen.every((s) => s.status === 200 || s.status === 503)).toBe(true);
    // Ending the freeze propagates like any write: within the staleness bound.
    await new Promise((resolve) => setTimeout(resolve, propagationWaitMs(edge.config)));
    const res = await viewerRequest(edge.url, { host: HOST });
    expect(res.status).toBe(200);
    expect((res.json as { region: string }).region).toBe('eu-west-1');
  });
});
