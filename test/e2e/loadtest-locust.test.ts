/**
 * The load test on an existing engine, for real: `--emit locust` writes the test for a running
 * local edge (its generated mixed hosts seeded), Locust runs it in its distributed mode (a master
 * and one worker per edge region, as local processes) for a few seconds, and `--import` turns its
 * results into the load test's report. Needs Debian's python3-locust (.ci/run installs it for this
 * test); skipped where it is missing outside CI.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEngineWorkload } from '../../scripts/loadtest/engines/engine-workload.ts';
import { type LocustProcess, locustRun } from '../../scripts/loadtest/engines/locust-commands.ts';
import type { LoadTestResult } from '../../scripts/loadtest/load-result.ts';
import { loadTestCommand } from '../../scripts/loadtest/load-test-command.ts';
import { type LocalEdge, startLocalEdge } from '../../scripts/local-edge/start-local-edge.ts';

const LOCUST = '/usr/bin/locust';
const canRun = existsSync(LOCUST) || process.env.CI !== undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(),
      );
    });
  });
}

describe.skipIf(!canRun)('a Locust run of the emitted test, distributed, against the local edge', () => {
  let edge: LocalEdge;
  let dir: string;
  const processes: ChildProcess[] = [];
  const output: string[] = [];
  const quietIO = { stdout: { write: (t: string) => output.push(t) }, stderr: { write: () => true } };

  beforeAll(async () => {
    edge = await startLocalEdge({ echoFunctionOutput: false });
    dir = await mkdtemp(join(tmpdir(), 'lt-locust-'));
  }, 60_000);

  afterAll(async () => {
    for (const p of processes) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await edge?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const start = (p: LocustProcess): ChildProcess => {
    const [command, ...args] = p.argv as [string, ...string[]];
    const child = spawn(command, args, {
      env: { ...process.env, ...p.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
    processes.push(child);
    return child;
  };

  it('runs with a master and two workers and imports into the report', async () => {
    const emitted = await loadTestCommand(
      [
        '--emit',
        'locust',
        dir,
        '--target',
        edge.url,
        '--control',
        edge.controlUrl,
        '--seed',
        '--hosts-kind',
        'mixed',
        '--tenants',
        '40',
        '--edge-regions',
        'us-east-1,ap-southeast-2',
        '--rate',
        '20',
        '--duration',
        '3',
        '--warmup',
        '1',
        '--timeout',
        '2000',
      ],
      quietIO,
    );
    expect(emitted).toBe(0);
    const workload = checkEngineWorkload(
      JSON.parse(await readFile(join(dir, 'workload.json'), 'utf8')),
      'workload',
    );
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toContain('LOADTEST_REGION=ap-southeast-2');

    const run = locustRun(workload, dir, { locust: LOCUST, masterPort: await freePort() });
    const master = start(run.master);
    const masterExit = new Promise<number | null>((done) => master.on('exit', (code) => done(code)));
    for (const worker of run.workers) start(worker);
    expect(await masterExit).toBe(0);

    output.length = 0;
    const code = await loadTestCommand(['--import', dir, '--json', '-'], quietIO);
    const result = JSON.parse(output.join('')) as LoadTestResult;
    expect(code).toBe(0);
    expect(result.settings).toMatchObject({ mode: 'engine', hostsKind: 'mixed', ratePerSecond: 20 });
    expect(result.environment?.engine).toMatch(/^locust /);
    expect(result.requests).toEqual({ scheduled: 60, completed: 60, errors: 0, noResponse: 0 });
    expect(Object.keys(result.byEdgeRegion ?? {}).sort()).toEqual(['ap-southeast-2', 'us-east-1']);
    expect(result.byEdgeRegion?.['us-east-1']).toMatchObject({
      completed: 30,
      nearestReplica: { region: 'us-east-1' },
    });
    expect(Object.keys(result.byHostKind ?? {})).toContain('custom');
    // The router's Server-Timing was captured for every answer.
    expect(result.routerLatency?.count).toBe(60);
    expect(result.dynamoReads?.total).toBeGreaterThan(0);
    expect(result.dynamoReads?.minimum?.total).toBeGreaterThan(0);
  }, 180_000);
});
