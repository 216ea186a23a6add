import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { propagationWaitMs } from '../../edge/config.ts';
import type { MigrationPhase, Region, TenantId } from '../../edge/model.ts';
import { createHealthCheck } from '../../scripts/lib/migration/health-check.ts';
import type {
  HookEnvironment,
  MigrationEffects,
  MigrationEvent,
  MigrationStep,
} from '../../scripts/lib/migration/migration-effects.ts';
import {
  HookFailedError,
  InjectedCrashError,
  MigrationLostError,
  MigrationRefusedError,
  VerifyFailedError,
} from '../../scripts/lib/migration/migration-errors.ts';
import { runMigration } from '../../scripts/lib/migration/migration-machine.ts';
import { rollbackMigration } from '../../scripts/lib/migration/migration-rollback.ts';
import { changeTenantStatus } from '../../scripts/lib/tenants/tenant-lifecycle.ts';
import { runTenantsCli } from '../../scripts/lib/tenants/tenants-cli.ts';
import { fakeClock } from '../support/fake-clock.ts';
import { type OpsHarness, startOpsHarness } from '../support/ops-harness.ts';

const EU = 'eu-west-1' as Region;
const US = 'us-east-1' as Region;
const LEASE_MS = 30_000;
let h: OpsHarness;
let bound: number;
const clock = fakeClock(Date.UTC(2026, 5, 1));

interface Recorder {
  readonly effects: MigrationEffects;
  readonly events: MigrationEvent[];
  readonly hooks: HookEnvironment[];
  readonly slept: number[];
}

/** Effects over the real table and health endpoint, with a fake clock whose sleep moves time. */
function recorder(overrides: Partial<MigrationEffects> = {}): Recorder {
  const events: MigrationEvent[] = [];
  const hooks: HookEnvironment[] = [];
  const slept: number[] = [];
  const effects: MigrationEffects = {
    table: h.table,
    checkHealth: createHealthCheck({ timeoutMs: 2000 }),
    runHook: async (_command, env) => {
      hooks.push(env);
    },
    sleep: async (ms) => {
      slept.push(ms);
      clock.advance(ms);
      await new Promise((resolve) => setImmediate(resolve));
    },
    now: clock.now,
    newId: randomUUID,
    onEvent: (event) => events.push(event),
    ...overrides,
  };
  return { effects, events, hooks, slept };
}

function crashAfter(step: MigrationStep): (s: MigrationStep) => void {
  return (s) => {
    if (s === step) throw new InjectedCrashError(`crash after ${s}`);
  };
}

const request = (tenantId: string, to: Region, extra: Partial<Parameters<typeof runMigration>[0]> = {}) => ({
  tenantId: tenantId as TenantId,
  to,
  owner: `owner-${randomUUID()}`,
  actor: 'test@ops',
  leaseMs: LEASE_MS,
  propagationWaitMs: bound,
  hook: 'prepare-data',
  ...extra,
});

async function addTenant(tenantId: string, region: Region = EU): Promise<void> {
  const r = await h.run(runTenantsCli, ['add', tenantId, region, '--domain', `${tenantId}.example.org`]);
  expect(r.stderr).toBe('');
}

/** Where the router sends the tenant's domain right now (its own code, uncached). */
async function routedRegion(tenantId: string): Promise<string> {
  const r = await h.run(runTenantsCli, ['resolve', `${tenantId}.example.org`, '--json']);
  const { decision } = JSON.parse(r.stdout);
  return decision.kind === 'forward' ? decision.region : `${decision.status}`;
}

async function expectSettled(tenantId: string, region: Region): Promise<void> {
  const tenant = await h.tenant(tenantId);
  expect(tenant?.record.region).toBe(region);
  expect(tenant?.record.status).toBe('active');
  expect(tenant?.record.migration).toBeUndefined();
  expect(tenant?.record.domains).toEqual([`${tenantId}.example.org`]);
  expect(await routedRegion(tenantId)).toBe(region);
}

beforeAll(async () => {
  h = await startOpsHarness({ cache: { ttlMs: 30_000 }, replicationLagAllowanceMs: 2_000 });
  bound = propagationWaitMs(h.config);
  for (const run of await h.declareRegions([EU, US, 'ap-southeast-2'])) expect(run.code).toBe(0);
});

afterAll(async () => {
  await h?.close();
});

beforeEach(() => {
  h.setHealth(200);
});

describe('runMigration', () => {
  it('walks every phase, waits the staleness bound after the switch, and audits', async () => {
    await addTenant('walk');
    const { effects, events, hooks, slept } = recorder();
    const outcome = await runMigration(request('walk', US), effects);
    expect(outcome.kind).toBe('completed');
    const steps = events.flatMap((e) => (e.type === 'step' ? [e.step] : []));
    expect(steps).toEqual([
      'preflight',
      'planned',
      'prepared',
      'prepared',
      'switched',
      'propagated',
      'finalized',
    ]);
    expect(hooks).toEqual([
      expect.objectContaining({ tenantId: 'walk', from: EU, to: US, phase: 'prepare' }),
    ]);
    expect(slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(bound);
    await expectSettled('walk', US);
    const audits = await h.local.client.send(new ScanCommand({ TableName: h.local.tableName }));
    const audit = audits.Items?.find((i) => i.pk?.S?.startsWith('AUDIT#walk#'));
    expect(audit?.action?.S).toBe('migrate');
    expect(audit?.details?.M?.to?.S).toBe(US);
  });

  it('with --freeze keeps the tenant in maintenance from before the switch until it propagated', async () => {
    await addTenant('frosty');
    const seen: Record<string, { region: string; status: string }> = {};
    const { effects } = recorder({
      afterStep: async (step) => {
        const t = await h.tenant('frosty');
        seen[step] = { region: t?.record.region ?? '', status: t?.record.status ?? '' };
      },
    });
    await runMigration(request('frosty', US, { freeze: true }), effects);
    expect(seen).toEqual({
      planned: { region: EU, status: 'active' },
      prepared: { region: EU, status: 'active' },
      frozen: { region: EU, status: 'maintenance' },
      switched: { region: US, status: 'maintenance' },
      propagated: { region: US, status: 'maintenance' },
      finalized: { region: US, status: 'active' },
    });
    await expectSettled('frosty', US);
  });

  it('prints the plan on a dry run and writes nothing', async () => {
    await addTenant('dry');
    const before = await h.tenant('dry');
    const outcome = await runMigration(
      request('dry', US, { dryRun: true, freeze: true }),
      recorder().effects,
    );
    expect(outcome.kind).toBe('dry-run');
    if (outcome.kind === 'dry-run') {
      expect(outcome.plan).toMatchObject({
        from: EU,
        to: US,
        freeze: true,
        healthUrl: h.healthUrl,
        resumeFrom: null,
      });
      expect(outcome.plan.steps.join('\n')).toContain('frozen');
    }
    expect((await h.tenant('dry'))?.record.version).toBe(before?.record.version);
  });

  it.each([
    ['an unknown region', 'sa-east-1', undefined, /sa-east-1 is not a known region/],
    ['its own region', EU, undefined, /already lives in eu-west-1/],
    ['an unhealthy target', US, 503, /target origin is unhealthy .*503/],
  ])('refuses %s in preflight and writes nothing', async (_name, to, health, message) => {
    await addTenant(`pre-${String(health ?? to).replace(/\W/g, '')}`);
    const id = `pre-${String(health ?? to).replace(/\W/g, '')}`;
    if (health !== undefined) h.setHealth(health);
    const before = await h.tenant(id);
    await expect(runMigration(request(id, to as Region), recorder().effects)).rejects.toThrow(message);
    expect((await h.tenant(id))?.record.version).toBe(before?.record.version);
  });

  it('refuses a draining target region and a tenant that is not active', async () => {
    await addTenant('blocked');
    await h.run(runTenantsCli, ['region', 'set', 'ap-southeast-2', '--status', 'draining']);
    await expect(
      runMigration(request('blocked', 'ap-southeast-2' as Region), recorder().effects),
    ).rejects.toThrow(/ap-southeast-2 is draining/);
    await h.run(runTenantsCli, ['region', 'set', 'ap-southeast-2', '--status', 'active']);
    await h.run(runTenantsCli, ['suspend', 'blocked']);
    await expect(runMigration(request('blocked', US), recorder().effects)).rejects.toThrow(
      /is suspended, not active/,
    );
    await expect(runMigration(request('nobody', US), recorder().effects)).rejects.toThrow(/no tenant nobody/);
  });

  it('abandons the migration when the prepare hook fails: nothing switched, no record left', async () => {
    await addTenant('hookfail');
    const { effects } = recorder({
      runHook: async () => {
        throw new HookFailedError('hook "prepare-data" (phase prepare) failed: exit code 3');
      },
    });
    await expect(runMigration(request('hookfail', US), effects)).rejects.toThrow(/exit code 3/);
    await expectSettled('hookfail', EU);
  });

  it('verifies through the router with --verify-url until the target answers', async () => {
    await addTenant('verified');
    const answers = [EU, EU, US];
    const { effects, events } = recorder({ probeRoute: async () => answers.shift() });
    await runMigration(request('verified', US), effects);
    expect(
      events.filter((e) => e.type === 'info' && /verify: eu-west-1 answered/.test(e.message)),
    ).toHaveLength(2);
    await expectSettled('verified', US);
  });

  it('stops at switched when verification never succeeds, and a rerun finishes', async () => {
    await addTenant('unverified');
    const { effects } = recorder({ probeRoute: async () => EU });
    const req = request('unverified', US, { verifyTimeoutMs: 5_000, verifyIntervalMs: 1_000 });
    await expect(runMigration(req, effects)).rejects.toThrow(VerifyFailedError);
    expect((await h.tenant('unverified'))?.record.migration?.phase).toBe('switched');
    await runMigration(req, recorder({ probeRoute: async () => US }).effects);
    await expectSettled('unverified', US);
  });

  it('with --freeze verifies after unfreezing: a frozen tenant answers 503 through the router', async () => {
    await addTenant('frozen-verify');
    // The router's view: 503 while in maintenance, else the home region's origin answers.
    const probeRoute = async () => {
      const t = await h.tenant('frozen-verify');
      if (t?.record.status === 'maintenance') throw new Error('HTTP 503');
      return t?.record.region;
    };
    const { effects, events } = recorder({ probeRoute });
    const req = request('frozen-verify', US, { freeze: true, verifyTimeoutMs: 5_000 });
    await runMigration(req, effects);
    expect(
      events.some((e) => e.type === 'info' && e.message === 'verified: us-east-1 answers through the router'),
    ).toBe(true);
    expect(events.some((e) => e.type === 'info' && /HTTP 503/.test(e.message))).toBe(false);
    await expectSettled('frozen-verify', US);
  });

  it('with --freeze says how to move the tenant back when the unfrozen target never answers', async () => {
    await addTenant('frozen-dark');
    const { effects } = recorder({ probeRoute: async () => EU });
    const req = request('frozen-dark', US, { freeze: true, verifyTimeoutMs: 2_000, verifyIntervalMs: 1_000 });
    await expect(runMigration(req, effects)).rejects.toThrow(
      /the migration finished \(frozen-dark lives in us-east-1 and is unfrozen\), but --verify-url never reached us-east-1 .*`npm run migrate -- frozen-dark --to eu-west-1`/,
    );
    expect((await h.tenant('frozen-dark'))?.record.status).toBe('active');
  });

  it('keeps a suspension made during the migration (the write is retried on the new version)', async () => {
    await addTenant('suspended-midway');
    const ctx = { table: h.table, config: h.config, actor: 'test' };
    const { effects } = recorder({
      afterStep: async (step) => {
        if (step === 'switched') await changeTenantStatus(ctx, 'suspended-midway' as TenantId, 'suspend');
      },
    });
    await runMigration(request('suspended-midway', US, { freeze: true }), effects);
    const t = await h.tenant('suspended-midway');
    expect(t?.record).toMatchObject({ region: US, status: 'suspended' });
    expect(t?.record.migration).toBeUndefined();
  });
});

const PHASES: readonly MigrationPhase[] = ['planned', 'prepared', 'frozen', 'switched', 'propagated'];

describe('a migration killed after each phase', () => {
  it.each(PHASES)('resumes after a crash after %s and converges', async (phase) => {
    const id = `crash-${phase}`;
    await addTenant(id);
    const first = recorder({ afterStep: crashAfter(phase) });
    await expect(runMigration(request(id, US, { freeze: true }), first.effects)).rejects.toThrow(
      InjectedCrashError,
    );
    const cut = await h.tenant(id);
    expect(cut?.record.migration?.phase).toBe(phase);
    expect(cut?.record.region).toBe(phase === 'switched' || phase === 'propagated' ? US : EU);

    // Another operator (or the same command rerun) while the dead run's lease is live: refused.
    const rerun = recorder();
    await expect(runMigration(request(id, US, { freeze: true }), rerun.effects)).rejects.toThrow(
      /lease for \d+s more/,
    );
    // Once the lease has run out, the same command resumes from the recorded phase.
    clock.advance(LEASE_MS + 1);
    const outcome = await runMigration(request(id, US, { freeze: true }), rerun.effects);
    expect(outcome.kind).toBe('completed');
    expect(rerun.events.find((e) => e.type === 'step' && e.step === 'resume')).toMatchObject({
      message: expect.stringContaining(`from phase ${phase}`),
    });
    // The hook runs between planned and prepared: once, whichever run got there.
    expect(first.hooks.length + rerun.hooks.length).toBe(1);
    await expectSettled(id, US);
  });

  it('a rerun after the final write finds nothing left to do', async () => {
    await addTenant('crash-final');
    await expect(
      runMigration(request('crash-final', US), recorder({ afterStep: crashAfter('finalized') }).effects),
    ).rejects.toThrow(InjectedCrashError);
    await expectSettled('crash-final', US);
    await expect(runMigration(request('crash-final', US), recorder().effects)).rejects.toThrow(
      /already lives in us-east-1/,
    );
  });

  it('resumes at once with takeover, and the displaced run stops with MigrationLostError', async () => {
    await addTenant('taken');
    let rescued: Promise<unknown> | undefined;
    const original = recorder({
      afterStep: (step) => {
        if (step === 'switched' && rescued === undefined) {
          rescued = runMigration(request('taken', US, { takeover: true }), recorder().effects);
        }
      },
    });
    const results = await Promise.allSettled([runMigration(request('taken', US), original.effects)]);
    await rescued;
    expect(results[0]).toMatchObject({ status: 'rejected', reason: expect.any(MigrationLostError) });
    await expectSettled('taken', US);
  });
});

describe('concurrent migrations of one tenant', () => {
  it('lets exactly one of two simultaneous migrations proceed', async () => {
    await addTenant('contested');
    const a = recorder();
    const b = recorder();
    const results = await Promise.allSettled([
      runMigration(request('contested', US), a.effects),
      runMigration(request('contested', US), b.effects),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(MigrationRefusedError);
    expect(a.hooks.length + b.hooks.length).toBe(1);
    await expectSettled('contested', US);
  });

  it('refuses a migration to another region while one is in progress', async () => {
    await addTenant('busy');
    await expect(
      runMigration(request('busy', US), recorder({ afterStep: crashAfter('prepared') }).effects),
    ).rejects.toThrow(InjectedCrashError);
    await expect(
      runMigration(request('busy', 'ap-southeast-2' as Region), recorder().effects),
    ).rejects.toThrow(/already migrating to us-east-1 \(phase prepared\)/);
    const r = await h.run(runTenantsCli, ['maintenance', 'busy', 'on']);
    expect(r.stderr).toMatch(/is migrating to us-east-1/);
    expect((await h.run(runTenantsCli, ['remove', 'busy'])).stderr).toMatch(/is migrating/);
  });
});

describe('rollbackMigration', () => {
  it.each(
    PHASES.flatMap((phase) => [
      [phase, true] as const,
      ...(phase === 'frozen' ? [] : [[phase, false] as const]),
    ]),
  )('returns a tenant to its source region from %s (freeze: %s)', async (phase, freeze) => {
    const id = `rb-${phase}-${freeze ? 'f' : 'n'}`;
    await addTenant(id);
    await expect(
      runMigration(request(id, US, { freeze }), recorder({ afterStep: crashAfter(phase) }).effects),
    ).rejects.toThrow(InjectedCrashError);
    const seen: Record<string, { region: string; status: string }> = {};
    const rb = recorder({
      afterStep: async (step) => {
        const t = await h.tenant(id);
        seen[step] = { region: t?.record.region ?? '', status: t?.record.status ?? '' };
      },
    });
    const outcome = await rollbackMigration(
      {
        tenantId: id as TenantId,
        owner: 'rollbacker',
        actor: 'test',
        leaseMs: LEASE_MS,
        propagationWaitMs: bound,
        hook: 'undo',
        takeover: true,
      },
      rb.effects,
    );
    expect(outcome).toMatchObject({ kind: 'rolled-back', fromPhase: phase });
    expect(rb.hooks).toEqual([expect.objectContaining({ phase: 'rollback', from: EU, to: US })]);
    const switched = phase === 'switched' || phase === 'propagated';
    if (switched && freeze) {
      // Switched back while still frozen, so the tenant never takes writes in two regions.
      expect(seen.unswitched).toEqual({ region: EU, status: 'maintenance' });
      expect(rb.slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(bound);
    }
    expect(seen['rolled-back']).toEqual({ region: EU, status: 'active' });
    await expectSettled(id, EU);
  });

  it('refuses when no migration is in progress, and while another process holds the lease', async () => {
    await addTenant('rb-none');
    const base = { owner: 'x', actor: 'test', leaseMs: LEASE_MS, propagationWaitMs: bound };
    await expect(
      rollbackMigration({ ...base, tenantId: 'rb-none' as TenantId }, recorder().effects),
    ).rejects.toThrow(/no migration in progress/);
    await expect(
      runMigration(request('rb-none', US), recorder({ afterStep: crashAfter('switched') }).effects),
    ).rejects.toThrow(InjectedCrashError);
    await expect(
      rollbackMigration({ ...base, tenantId: 'rb-none' as TenantId }, recorder().effects),
    ).rejects.toThrow(/--takeover/);
    const cut = await h.tenant('rb-none');
    expect(cut?.migration?.phase).toBe('switched');
  });
});
