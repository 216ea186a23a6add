/**
 * The operator tools against the local world: they write to the write region's endpoint
 * (DYNAMODB_ENDPOINT) and their writes reach the other replicas by replication; `tenants resolve
 * --edge-region` reads the replicas as that edge region's function does (LOCAL_EDGE_CONTROL); and
 * a migration's `--verify-url` from an edge region whose replica is not receiving replication
 * fails clearly, then succeeds once replication resumes.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrateCli } from '../../scripts/lib/migration/migrate-cli.ts';
import { LOCAL_CONFIG_PATH } from '../../scripts/lib/router-config-file.ts';
import { runTenantsCli } from '../../scripts/lib/tenants/tenants-cli.ts';
import { poolDomain } from '../../scripts/local-edge/demo-data.ts';
import { type LocalEdge, startLocalEdge } from '../../scripts/local-edge/start-local-edge.ts';
import { type CliEntry, runCli } from '../support/ops-harness.ts';

/** A short staleness bound; lookups far from any timeout (this test is about the world). */
const FAST = {
  cache: { ttlMs: 300, negativeTtlMs: 1 },
  replicationLagAllowanceMs: 100,
  lookup: { attemptTimeoutMs: 5_000, budgetMs: 10_000 },
  decisionLogSampleRate: 0,
};
const HOST = 'geo.example.org';

let edge: LocalEdge;
let dir: string;
let env: NodeJS.ProcessEnv;

const run = (entry: CliEntry, argv: readonly string[]) => runCli(entry, argv, env);
const resolve = async (edgeRegion: string) => {
  const r = await run(runTenantsCli, ['resolve', HOST, '--edge-region', edgeRegion, '--json']);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { decision: { kind: string; region?: string; status?: number } }).decision;
};

beforeAll(async () => {
  edge = await startLocalEdge({ latency: { scale: 0.1 }, config: FAST });
  dir = await mkdtemp(join(tmpdir(), 'tools-world-'));
  const config = { ...JSON.parse(await readFile(LOCAL_CONFIG_PATH, 'utf8')), ...FAST };
  await writeFile(join(dir, 'router.json'), JSON.stringify(config));
  env = {
    ...process.env,
    DYNAMODB_ENDPOINT: edge.dynamodbEndpoint,
    LOCAL_EDGE_CONTROL: edge.controlUrl,
    ETR_CONFIG: join(dir, 'router.json'),
  };
  delete env.ETR_CRASH_AFTER_PHASE;
  for (const region of ['eu-west-1', 'us-east-1']) {
    const origin = edge.origins[poolDomain(region)];
    const r = await run(runTenantsCli, ['region', 'set', region, '--health-url', `${origin?.url}/health`]);
    expect(r.stderr).toBe('');
  }
  await edge.replication.drained();
}, 120_000);

afterAll(async () => {
  await edge?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('the tools in the local world', () => {
  it('write to the write region; resolve reads each edge region replicas as its function does', async () => {
    edge.replication.pause('ap-southeast-2');
    const added = await run(runTenantsCli, ['add', 'geo', 'eu-west-1', '--domain', HOST]);
    expect(added.stderr).toBe('');
    await edge.replication.drained();
    expect(await resolve('eu-west-1')).toMatchObject({ kind: 'forward', region: 'eu-west-1' });
    // Sydney's function reads Sydney's replica, which has not received the write yet.
    expect(await resolve('ap-southeast-2')).toMatchObject({ kind: 'respond', status: 404 });
    edge.replication.resume('ap-southeast-2');
    await edge.replication.drained();
    expect(await resolve('ap-southeast-2')).toMatchObject({ kind: 'forward', region: 'eu-west-1' });
  });

  it('fails a migration verified from an edge region whose replica is paused, and passes it once resumed', async () => {
    edge.replication.pause('ap-southeast-2');
    const verify = [
      '--verify-url',
      edge.url,
      '--verify-host',
      HOST,
      '--verify-edge-region',
      'ap-southeast-2',
    ];
    const held = await run(runMigrateCli, ['geo', '--to', 'us-east-1', ...verify, '--verify-timeout', '1']);
    expect(held.code).not.toBe(0);
    expect(held.stderr).toContain('--verify-url never reached us-east-1');
    edge.replication.resume('ap-southeast-2');
    await edge.replication.drained();
    const resumed = await run(runMigrateCli, ['geo', '--to', 'us-east-1', ...verify, '--takeover', '--json']);
    expect(resumed.stderr).toBe('');
    expect(JSON.parse(resumed.stdout)).toMatchObject({
      outcome: 'completed',
      tenant: { region: 'us-east-1' },
    });
    expect(await resolve('ap-southeast-2')).toMatchObject({ kind: 'forward', region: 'us-east-1' });
  });
});
