import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MigrationPhase } from '../../edge/model.ts';
import { runMigrateCli } from '../../scripts/lib/migration/migrate-cli.ts';
import { CRASH_ENV, CRASH_EXIT_CODE } from '../../scripts/lib/migration/migration-wiring.ts';
import { runTenantsCli } from '../../scripts/lib/tenants/tenants-cli.ts';
import { type CliRun, type OpsHarness, processOutput, startOpsHarness } from '../support/ops-harness.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
let h: OpsHarness;

/** Runs the real `scripts/migrate.ts` in its own process. */
function migrateProcess(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const child = spawn(TSX, [join(ROOT, 'scripts/migrate.ts'), ...argv], {
    cwd: ROOT,
    env: { ...h.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return processOutput(child);
}

const migrate = (...argv: string[]) => h.run(runMigrateCli, argv);

async function addTenant(id: string): Promise<void> {
  expect((await h.run(runTenantsCli, ['add', id, 'eu-west-1', '--domain', `${id}.example.org`])).code).toBe(
    0,
  );
}

beforeAll(async () => {
  h = await startOpsHarness();
  for (const run of await h.declareRegions(['eu-west-1', 'us-east-1'])) expect(run.code).toBe(0);
});

afterAll(async () => {
  await h?.close();
});

describe('migrate (command line)', () => {
  it('prints its help', async () => {
    const r = await migrate('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ETR_CRASH_AFTER_PHASE');
  });

  it.each([
    [[], /expected one <tenant>/],
    [['acme'], /--to <region> is required/],
    [['acme', '--to', 'nowhere'], /not an AWS region name/],
    [['acme', '--to', 'us-east-1', '--rollback'], /--rollback takes no --to/],
    [['acme', '--to', 'us-east-1', '--lease-seconds', '1'], /--lease-seconds must be a whole number from 5/],
    [['acme', '--to', 'us-east-1', '--verify-url', 'not a url'], /--verify-url/],
    [['Not_A_Tenant', '--to', 'us-east-1'], /tenant id/],
    [['acme', '--to', 'us-east-1', '--colour'], /Unknown option/],
  ])('refuses %j with one line and exit 2', async (argv, message) => {
    const r = await migrate(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('prints the plan with --dry-run --json and changes nothing', async () => {
    await addTenant('cli-dry');
    const before = (await h.tenant('cli-dry'))?.record.version;
    const r = await migrate('cli-dry', '--to', 'us-east-1', '--dry-run', '--json', '--freeze');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      outcome: 'dry-run',
      plan: { from: 'eu-west-1', to: 'us-east-1', freeze: true },
    });
    expect((await h.tenant('cli-dry'))?.record.version).toBe(before);
  });

  it('runs the hook with the migration in its environment and shows progress', async () => {
    await addTenant('cli-hook');
    const r = await migrate(
      'cli-hook',
      '--to',
      'us-east-1',
      '--hook',
      'echo "hook:$ETR_PHASE:$ETR_TENANT:$ETR_FROM:$ETR_TO" >&2',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('hook:prepare:cli-hook:eu-west-1:us-east-1');
    expect(r.stderr).toMatch(/\[switched\] home region switched to us-east-1/);
    expect(r.stdout).toMatch(/^migrated cli-hook to us-east-1/);
  });

  it('stops on a failing hook with exit 1 and nothing switched', async () => {
    await addTenant('cli-hookfail');
    const r = await migrate('cli-hookfail', '--to', 'us-east-1', '--hook', 'exit 7');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: hook "exit 7" \(phase prepare\) failed: exit code 7/);
    const t = await h.tenant('cli-hookfail');
    expect(t?.record).toMatchObject({ region: 'eu-west-1', status: 'active' });
    expect(t?.record.migration).toBeUndefined();
  });

  it('kills a hook that outlives --hook-timeout and abandons the migration', async () => {
    await addTenant('cli-hookhang');
    const r = await migrate('cli-hookhang', '--to', 'us-east-1', '--hook', 'sleep 30', '--hook-timeout', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: hook "sleep 30" \(phase prepare\) timed out/);
    expect((await h.tenant('cli-hookhang'))?.record).toMatchObject({
      region: 'eu-west-1',
      status: 'active',
    });
  });
});

describe('migrate killed after each phase (real processes)', () => {
  it.each<MigrationPhase>(['planned', 'prepared', 'frozen', 'switched', 'propagated'])(
    'exits after %s and the same command rerun (with --takeover) converges',
    async (phase) => {
      const id = `kill-${phase}`;
      await addTenant(id);
      const argv = [id, '--to', 'us-east-1', '--freeze', '--json'];
      const killed = await migrateProcess(argv, { [CRASH_ENV]: phase });
      expect(killed.code).toBe(CRASH_EXIT_CODE);
      expect((await h.tenant(id))?.record.migration?.phase).toBe(phase);

      const plain = await migrate(...argv);
      expect(plain.code).toBe(1);
      expect(plain.stderr).toMatch(
        /lease for \d+s more\); if that process is gone, rerun after the lease or pass --takeover/,
      );

      const resumed = await migrateProcess([...argv, '--takeover']);
      expect(resumed.stderr).toBe('');
      expect(resumed.code).toBe(0);
      expect(JSON.parse(resumed.stdout)).toMatchObject({
        outcome: 'completed',
        tenant: { region: 'us-east-1', status: 'active', migration: null, domains: [`${id}.example.org`] },
      });
    },
  );

  it('rolls back with --rollback after a kill after the switch', async () => {
    await addTenant('kill-rollback');
    const killed = await migrateProcess(['kill-rollback', '--to', 'us-east-1', '--freeze'], {
      [CRASH_ENV]: 'switched',
    });
    expect(killed.code).toBe(CRASH_EXIT_CODE);
    const r = await migrate('kill-rollback', '--rollback', '--takeover', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      outcome: 'rolled-back',
      fromPhase: 'switched',
      tenant: { region: 'eu-west-1', status: 'active', migration: null },
    });
  });

  it('lets exactly one of two processes migrating the same tenant at once proceed', async () => {
    await addTenant('race');
    const runs = await Promise.all([
      migrateProcess(['race', '--to', 'us-east-1', '--hook', 'sleep 0.3']),
      migrateProcess(['race', '--to', 'us-east-1', '--hook', 'sleep 0.3']),
    ]);
    expect(runs.map((r) => r.code).sort()).toEqual([0, 1]);
    const loser = runs.find((r) => r.code === 1);
    expect(loser?.stderr).toMatch(
      /error: (tenant race is being migrated|tenant race is already being migrated)/,
    );
    const t = await h.tenant('race');
    expect(t?.record).toMatchObject({ region: 'us-east-1', status: 'active' });
    expect(t?.record.migration).toBeUndefined();
  });
});
