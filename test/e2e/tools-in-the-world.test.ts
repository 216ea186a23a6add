/**
 * The operator tools against the local world: they write to the write region's endpoint
 * (DYNAMODB_ENDPOINT) and their writes reach the other replicas by replication; `tenants resolve
 * --edge-region` reads the replicas as that edge region's function does (LOCAL_EDGE_CONTROL); a
 * migration's propagation wait reads every replica (LOCAL_EDGE_CONTROL): a replica whose
 * replication is paused keeps it waiting, past the replication lag allowance it fails clearly,
 * and a rerun once replication resumes completes (verified from that edge region).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseTenantItem } from '../../edge/items.ts';
import { runMigrateCli } from '../../scripts/lib/migration/migrate-cli.ts';
import { LOCAL_CONFIG_PATH } from '../../scripts/lib/router-config-file.ts';
import { runTenantsCli } from '../../scripts/lib/tenants/tenants-cli.ts';
import { poolDomain } from '../../scripts/local-edge/demo-data.ts';
import { type LocalEdge, startLocalEdge } from '../../scripts/local-edge/start-local-edge.ts';
import { type CliEntry, runCli } from '../support/ops-harness.ts';

/**
 * A short staleness bound (an allowance a busy machine's replication still keeps within); lookups
 * far from any timeout (this test is about the world).
 */
const FAST = {
  cache: { ttlMs: 300, negativeTtlMs: 1 },
  replicationLagAllowanceMs: 1_000,
  lookup: { attemptTimeoutMs: 5_000, budgetMs: 10_000 },
  decisionLogSampleRate: 0,
};
const HOST = 'geo.example.org';

let edge: LocalEdge;
let dir: string;
let env: NodeJS.ProcessEnv;
/** The same configuration with a replication lag allowance of 10 s. */
let patientConfig: string;

const run = (entry: CliEntry, argv: readonly string[]) => runCli(entry, argv, env);
const resolve = async (edgeRegion: string) => {
  const r = await run(runTenantsCli, ['resolve', HOST, '--edge-region', edgeRegion, '--json']);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { decision: { kind: string; region?: string; status?: number } }).decision;
};

beforeAll(async () => {
  edge = await startLocalEdge({ latency: { scale: 0.1 }, config: FAST });
  // The tenant's domain is on CloudFront, as `domains` would leave it: `--verify-url` goes through.
  edge.cloudFront.activate([HOST]);
  dir = await mkdtemp(join(tmpdir(), 'tools-world-'));
  const config = { ...JSON.parse(await readFile(LOCAL_CONFIG_PATH, 'utf8')), ...FAST };
  await writeFile(join(dir, 'router.json'), JSON.stringify(config));
  patientConfig = join(dir, 'patient.json');
  await writeFile(patientConfig, JSON.stringify({ ...config, replicationLagAllowanceMs: 10_000 }));
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

  it('times a migration out clearly when a replica does not get the switch, and completes it once replication resumes', async () => {
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
    expect(held.code).toBe(1);
    // The propagation wait read every replica: Sydney's still has the version before the switch.
    expect(held.stderr).toMatch(
      /replication: ap-southeast-2 \(version \d+\) still without version \d+ of geo after 1000 ms \(the replication lag allowance\): replication into it is paused or slow/,
    );
    expect(held.stderr).toContain('phase switched');
    expect(await phaseOf('geo')).toBe('switched');
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

  it('keeps a migration waiting while replication into a replica is paused, and goes on once it resumes', async () => {
    edge.replication.pause('eu-west-1');
    // A replication lag allowance long enough for the test to see the migration wait.
    const migrating = runCli(runMigrateCli, ['geo', '--to', 'eu-west-1'], {
      ...env,
      ETR_CONFIG: patientConfig,
    });
    await vi.waitFor(async () => expect(await phaseOf('geo')).toBe('switched'), { timeout: 10_000 });
    expect(edge.replication.status()['eu-west-1']?.pending).toBeGreaterThan(0); // the switch, held
    edge.replication.resume('eu-west-1');
    const done = await migrating;
    expect(done.stderr).toContain('[finalized]');
    expect(done.code).toBe(0);
    expect(done.stderr).toMatch(
      /every replica to hold version \d+ \(behind: [^\n]*eu-west-1 \(version \d+\)/,
    );
    expect(done.stdout).toContain('migrated geo to eu-west-1');
    expect(await resolve('eu-west-1')).toMatchObject({ kind: 'forward', region: 'eu-west-1' });
  });
});

/** The phase of a tenant's migration in the write region, or undefined when it has none. */
async function phaseOf(id: string): Promise<string | undefined> {
  const { Item } = await edge.client.send(
    new GetItemCommand({ TableName: edge.config.tableName, Key: { pk: { S: `TENANT#${id}` } } }),
  );
  return Item === undefined ? undefined : parseTenantItem(Item).migration?.phase;
}
