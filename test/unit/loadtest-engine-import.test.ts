import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cachedAtSend,
  type EngineRecord,
  parseEngineRecords,
} from '../../scripts/loadtest/engines/engine-records.ts';
import type { EngineWorkload } from '../../scripts/loadtest/engines/engine-workload.ts';
import { locustRun, shellLine } from '../../scripts/loadtest/engines/locust-commands.ts';
import type { LoadTestResult } from '../../scripts/loadtest/load-result.ts';
import { loadTestCommand } from '../../scripts/loadtest/load-test-command.ts';

const workload: EngineWorkload = {
  version: 1,
  engine: 'locust',
  emittedBy: 'npm run loadtest -- --emit locust out',
  target: 'http://127.0.0.1:8080/',
  controlUrl: 'http://127.0.0.1:8081/',
  edgeRegionHeader: 'x-local-edge-region',
  regions: ['us-east-1', 'sa-east-1'],
  users: 2,
  hosts: ['www.lt-000001.example.com', 'lt-000002.app.example.com'],
  hostKinds: ['custom', 'platform'],
  hostsKind: 'mixed',
  zipf: 0,
  seed: 1,
  ratePerSecond: 4,
  durationMs: 1_000,
  warmupMs: 500,
  timeoutMs: 1_000,
  connections: 2,
  expect: { label: '2xx,3xx', classes: [2, 3], codes: [] },
  cache: { ttlMs: 30_000, negativeTtlMs: 5_000, maxTenants: 100_000 },
  runTimeSeconds: 5,
};

/** [offset, latency, status, error, router, host, end] */
type Row = [number, number, number, string, number, number, number];

function batch(region: string, worker: string, records: Row[]): string {
  return JSON.stringify({ region, worker, records });
}

describe('--import of a Locust run', () => {
  let dir: string;
  const stdout: string[] = [];
  const io = { stdout: { write: (t: string) => stdout.push(t) }, stderr: { write: () => true } };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lt-import-'));
    await mkdir(join(dir, 'results'));
    await writeFile(join(dir, 'workload.json'), JSON.stringify(workload));
    // Each user: 2 req/s for 1.5 s = 3 requests, the first (offset 0) in the warm-up.
    const records = [
      batch('us-east-1', 'w1', [
        [0, 20, 200, '', 2, 0, 20],
        [500, 5, 200, '', 0.1, 0, 505],
        [1000, 900, 503, '', 750, 1, 1900],
      ]),
      batch('sa-east-1', 'w2', [
        [0, 30, 200, '', 3, 1, 30],
        [500, 4, 200, '', 0.1, 1, 504],
      ]),
    ];
    await writeFile(join(dir, 'results', 'records.jsonl'), `${records.join('\n')}\n`);
    await writeFile(
      join(dir, 'results', 'run.json'),
      JSON.stringify({
        locustVersion: '2.12.1-1',
        command: 'locust -f locustfile.py --master',
        startedAt: '2026-01-01T00:00:00Z',
        machine: { cpu: 'x86_64', cores: 2, loadAverage: 1.5, python: '3.11.2', platform: 'Linux' },
        readsAtMeasuredStart: { total: 6, byEdgeRegion: { 'us-east-1': 4, 'sa-east-1': 2 } },
        readsAtEnd: { total: 8, byEdgeRegion: { 'us-east-1': 6, 'sa-east-1': 2 } },
      }),
    );
    await writeFile(
      join(dir, 'results', 'locust_stats.csv'),
      'Type,Name,Request Count,Failure Count\nGET,/,5,1\n,Aggregated,5,1\n',
    );
    stdout.length = 0;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const imported = async (...extra: string[]) => {
    const code = await loadTestCommand(['--import', dir, '--json', '-', ...extra], io);
    return { code, result: JSON.parse(stdout.join('')) as LoadTestResult };
  };

  it('reports the measured requests, with the missing one and the 503 as errors, and exits 1', async () => {
    const { code, result } = await imported();
    expect(code).toBe(1);
    expect(result.settings).toMatchObject({ mode: 'engine', hostsKind: 'mixed', expect: '2xx,3xx' });
    // 4 measured scheduled (2 users x 2), 3 recorded: the fourth is an error too.
    expect(result.requests).toEqual({ scheduled: 4, completed: 3, errors: 2, noResponse: 1 });
    expect(result.errorsByStatus).toEqual({ '503': 1, unrecorded: 1 });
    expect(result.byEdgeRegion?.['us-east-1']).toMatchObject({ completed: 2, failed: 1, dynamoReads: 2 });
    expect(result.byEdgeRegion?.['sa-east-1']?.cached?.count).toBe(1);
    expect(result.byHostKind?.custom?.requests).toBe(1);
    expect(result.environment).toMatchObject({ engine: 'locust 2.12.1-1', cores: 2 });
    expect(result.dynamoReads?.total).toBe(2);
  });

  it('passes under a looser error bar', async () => {
    expect((await imported('--max-error-rate', '0.5')).code).toBe(0);
  });

  it("refuses records that do not add up to Locust's own count", async () => {
    await writeFile(
      join(dir, 'results', 'locust_stats.csv'),
      'Type,Name,Request Count,Failure Count\n,Aggregated,9,0\n',
    );
    await expect(loadTestCommand(['--import', dir], io)).rejects.toThrow(
      /Locust counted 9 requests, the records hold 5/,
    );
  });
});

describe('engine records', () => {
  it('names the line of a malformed batch', () => {
    expect(() => parseEngineRecords('{"records":[[1,2]]}\n', 'r.jsonl')).toThrow('r.jsonl:1');
    expect(() => parseEngineRecords('nope\n', 'r.jsonl')).toThrow('r.jsonl:1: not JSON');
  });

  it('calls a request cached once an answer for its host came back to its worker before it was sent', () => {
    const record = (worker: string, offsetMs: number, endOffsetMs: number, status = 200): EngineRecord => ({
      region: '',
      worker,
      offsetMs,
      latencyMs: endOffsetMs - offsetMs,
      status,
      error: '',
      routerMs: -1,
      hostIndex: 0,
      endOffsetMs,
    });
    const records = [
      record('a', 0, 50, 503),
      record('a', 10, 100),
      record('a', 60, 70),
      record('a', 101, 102),
      record('b', 200, 201),
    ];
    // The 503 is no answer to cache; the answer at 70 (sent at 60) makes the one sent at 101 cached.
    expect(cachedAtSend(records)).toEqual([false, false, false, true, false]);
  });
});

describe('the Locust commands', () => {
  it('start one master and one worker per region, one user each', () => {
    const run = locustRun(workload, 'out', { locust: '/usr/bin/locust', masterPort: 6000 });
    expect(shellLine(run.master)).toBe(
      '/usr/bin/locust -f out/locustfile.py --master --master-bind-host 127.0.0.1 --master-bind-port 6000 --expect-workers 2 --expect-workers-max-wait 120 --headless --users 2 --spawn-rate 2 --run-time 5s --csv out/results/locust --only-summary',
    );
    expect(run.workers.map(shellLine)).toEqual([
      'LOADTEST_REGION=us-east-1 /usr/bin/locust -f out/locustfile.py --worker --master-host 127.0.0.1 --master-port 6000',
      'LOADTEST_REGION=sa-east-1 /usr/bin/locust -f out/locustfile.py --worker --master-host 127.0.0.1 --master-port 6000',
    ]);
  });
});
