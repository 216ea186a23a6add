import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvacuateCli } from '../../scripts/lib/migration/evacuate-cli.ts';
import { InjectedCrashError } from '../../scripts/lib/migration/migration-errors.ts';
import { runTenantsCli } from '../../scripts/lib/tenants/tenants-cli.ts';
import { type OpsHarness, startOpsHarness } from '../support/ops-harness.ts';

let h: OpsHarness;
const tenants = (...argv: string[]) => h.run(runTenantsCli, argv);
const evacuate = (...argv: string[]) => h.run(runEvacuateCli, argv);

async function regionOf(id: string): Promise<string | undefined> {
  return (await h.tenant(id))?.record.region;
}

beforeAll(async () => {
  h = await startOpsHarness();
  for (const run of await h.declareRegions(['eu-west-1', 'us-east-1', 'ap-southeast-2']))
    expect(run.code).toBe(0);
  expect((await tenants('region', 'set', 'eu-west-1', '--failover', 'us-east-1')).code).toBe(0);
  for (const id of ['e1', 'e2', 'e3', 'e4'])
    expect((await tenants('add', id, 'eu-west-1', '--domain', `${id}.example.org`)).code).toBe(0);
  expect((await tenants('add', 'e5', 'eu-west-1', '--status', 'suspended')).code).toBe(0);
  expect((await tenants('add', 'e6', 'eu-west-1', '--failover', 'ap-southeast-2')).code).toBe(0);
  expect((await tenants('add', 'u1', 'us-east-1')).code).toBe(0);
});

afterAll(async () => {
  await h?.close();
});

describe('evacuate', () => {
  it('documents both levers in its help', async () => {
    const r = await evacuate('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--status draining/);
    expect(r.stdout).toMatch(/tenant by tenant/);
  });

  it.each([
    [[], 2, /--from <region> is required/],
    [['--from', 'nowhere'], 2, /not an AWS region name/],
    [['--from', 'sa-east-1'], 1, /sa-east-1: it is not a known region/],
    [['--from', 'eu-west-1', '--to', 'eu-west-1'], 1, /to itself/],
    [['--from', 'eu-west-1', '--concurrency', '0'], 2, /--concurrency/],
    [['--from', 'eu-west-1', 'extra'], 2, /Unexpected argument 'extra'/],
  ])('refuses %j with one line', async (argv, code, message) => {
    const r = await evacuate(...argv);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('skips a tenant whose migration into the region is already switched, instead of finishing it', async () => {
    expect((await tenants('add', 'inbound', 'ap-southeast-2')).code).toBe(0);
    const t = await h.tenant('inbound');
    if (t === undefined) throw new Error('missing');
    await h.table.updateTenant(t, {
      region: 'us-east-1' as never,
      migration: {
        id: 'm-in',
        from: 'ap-southeast-2' as never,
        to: 'us-east-1' as never,
        phase: 'switched',
        startedAt: new Date().toISOString(),
        owner: 'someone',
        leaseUntil: Date.now() + 60_000,
        phaseAt: Date.now(),
        freeze: false,
      },
    });
    const r = await evacuate('--from', 'us-east-1', '--dry-run', '--json');
    const inbound = JSON.parse(r.stdout).results.find((x: { tenantId: string }) => x.tenantId === 'inbound');
    expect(inbound).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringMatching(/migrating into us-east-1/),
    });
    await h.local.deleteItem('TENANT#inbound');
  });

  it('plans each tenant on --dry-run and changes nothing', async () => {
    const r = await evacuate('--from', 'eu-west-1', '--dry-run', '--json');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    const targets = Object.fromEntries(
      summary.results.map((x: { tenantId: string; outcome: string; to: string }) => [
        x.tenantId,
        `${x.outcome}:${x.to}`,
      ]),
    );
    expect(targets).toEqual({
      e1: 'planned:us-east-1',
      e2: 'planned:us-east-1',
      e3: 'planned:us-east-1',
      e4: 'planned:us-east-1',
      e5: 'skipped:us-east-1',
      e6: 'planned:ap-southeast-2',
    });
    expect(await regionOf('e1')).toBe('eu-west-1');
  });

  it('migrates every tenant, survives a crash in one of them, and a rerun finishes the job', async () => {
    const first = await h.run(
      (argv, io) =>
        runEvacuateCli(argv, io, {
          afterStep: (tenantId, step) => {
            if (tenantId === 'e2' && step === 'switched')
              throw new InjectedCrashError('killed after switched');
          },
        }),
      ['--from', 'eu-west-1', '--concurrency', '3', '--json'],
    );
    expect(first.code).toBe(1);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ from: 'eu-west-1', total: 6, done: 4, failed: 1, skipped: 1 });
    expect(summary.results.find((x: { tenantId: string }) => x.tenantId === 'e5').reason).toBe(
      'tenant is suspended',
    );
    // e2 was cut short after its switch: it already lives in the target, still carrying its migration.
    const e2 = await h.tenant('e2');
    expect(e2?.record).toMatchObject({
      region: 'us-east-1',
      migration: { from: 'eu-west-1', phase: 'switched' },
    });

    const rerun = await evacuate('--from', 'eu-west-1', '--takeover', '--json');
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ total: 2, done: 1, failed: 0, skipped: 1 });
    for (const id of ['e1', 'e2', 'e3', 'e4']) {
      const t = await h.tenant(id);
      expect(t?.record).toMatchObject({ region: 'us-east-1', status: 'active' });
      expect(t?.record.migration).toBeUndefined();
    }
    expect(await regionOf('e6')).toBe('ap-southeast-2');
    expect(await regionOf('e5')).toBe('eu-west-1');
    expect(await regionOf('u1')).toBe('us-east-1');
  });

  it('sends every tenant to --to, and reports failures (unhealthy target) without stopping', async () => {
    h.setHealth(503);
    const failing = await evacuate('--from', 'ap-southeast-2', '--to', 'eu-west-1');
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(
      /failed: e6: cannot migrate e6 to eu-west-1: the target origin is unhealthy/,
    );
    expect(failing.stdout).toBe('evacuate ap-southeast-2: 1 tenant(s): 0 done, 1 failed, 0 skipped\n');
    h.setHealth(200);
    const ok = await evacuate('--from', 'ap-southeast-2', '--to', 'eu-west-1');
    expect(ok.code).toBe(0);
    expect(await regionOf('e6')).toBe('eu-west-1');
  });
});
