/**
 * Ctrl-C on migrate: the run stops at its next safe point, releases its lease, says where it
 * stopped and how to resume, and exits 130; the rerun it names resumes at once (no --takeover).
 */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvacuateCli } from '../../scripts/lib/migration/evacuate-cli.ts';
import { runMigrateCli } from '../../scripts/lib/migration/migrate-cli.ts';
import { runTenantsCli } from '../../scripts/lib/tenants/tenants-cli.ts';
import {
  type CliRun,
  type OpsHarness,
  processOutput,
  runCli,
  startOpsHarness,
} from '../support/ops-harness.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
let h: OpsHarness;

async function addTenant(id: string): Promise<void> {
  expect((await h.run(runTenantsCli, ['add', id, 'eu-west-1', '--domain', `${id}.example.org`])).code).toBe(
    0,
  );
}

beforeAll(async () => {
  h = await startOpsHarness();
  await h.declareRegions(['eu-west-1', 'us-east-1']);
});

afterAll(async () => {
  await h?.close();
});

describe('migrate interrupted', () => {
  it('releases the lease after the switch, prints the resume command, and the rerun finishes', async () => {
    await addTenant('halted');
    const stop = new AbortController();
    const io = { signal: stop.signal };
    let stderr = '';
    const code = await runMigrateCli(
      ['halted', '--to', 'us-east-1'],
      {
        stdout: { write: () => true },
        stderr: { write: (s: string) => (stderr += s) },
        env: h.env,
        ...io,
      },
      { afterStep: (step) => (step === 'switched' ? stop.abort() : undefined) },
    );
    expect(code).toBe(130);
    expect(stderr).toMatch(
      /error: interrupted: migration \S+ of halted \(eu-west-1 -> us-east-1\) stopped in phase switched; its lease is released: resume with `npm run migrate -- halted --to us-east-1` or undo with `npm run migrate -- halted --rollback`/,
    );
    const cut = await h.tenant('halted');
    expect(cut?.migration?.phase).toBe('switched');
    expect(cut?.migration?.leaseUntil).toBeLessThanOrEqual(Date.now());
    const rerun: CliRun = await runCli(runMigrateCli, ['halted', '--to', 'us-east-1'], h.env);
    expect(rerun.code).toBe(0);
    const done = await h.tenant('halted');
    expect(done?.record.region).toBe('us-east-1');
    expect(done?.migration).toBeUndefined();
  });

  it('as a process: SIGINT during the prepare hook kills it, abandons the migration and exits 130', async () => {
    await addTenant('sigint');
    const child = spawn(
      TSX,
      [
        join(ROOT, 'scripts/migrate.ts'),
        'sigint',
        '--to',
        'us-east-1',
        '--hook',
        'echo hook-started >&2; sleep 30',
      ],
      { cwd: ROOT, env: h.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stderr.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('hook-started')) child.kill('SIGINT');
    });
    const run = await processOutput(child);
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(
      /error: interrupted: the migration of sigint was abandoned before the switch and nothing changed \(it lives in eu-west-1\); rerun `npm run migrate -- sigint --to us-east-1` to start again/,
    );
    const left = await h.tenant('sigint');
    expect(left?.record.region).toBe('eu-west-1');
    expect(left?.migration).toBeUndefined();
  });

  it('evacuate: starts no further tenant, releases the leases in flight, says how to resume, exit 130', async () => {
    for (const id of ['ev1', 'ev2', 'ev3']) await addTenant(id);
    const stop = new AbortController();
    let stderr = '';
    let stdout = '';
    const code = await runEvacuateCli(
      ['--from', 'eu-west-1', '--to', 'us-east-1', '--concurrency', '1', '--json'],
      {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        env: h.env,
        signal: stop.signal,
      },
      { afterStep: (_tenant, step) => (step === 'switched' ? stop.abort() : undefined) },
    );
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted: .*rerun `npm run evacuate -- --from eu-west-1` to resume/);
    const results = JSON.parse(stdout).results as { outcome: string; reason: string | null }[];
    expect(results.filter((r) => r.reason === 'interrupted').length).toBeGreaterThan(0);
    const cut = (await Promise.all(['ev1', 'ev2', 'ev3'].map((id) => h.tenant(id)))).filter(
      (t) => t?.migration,
    );
    expect(cut).toHaveLength(1);
    expect(cut[0]?.migration?.leaseUntil).toBeLessThanOrEqual(Date.now());
  });
});
