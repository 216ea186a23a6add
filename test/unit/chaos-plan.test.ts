import { describe, expect, it } from 'vitest';
import { tenantToItem } from '../../edge/items.ts';
import { planRequests, planTenants, tenantHomes } from '../../scripts/chaos/chaos-plan.ts';
import { chaosTimeline } from '../../scripts/chaos/fault-timeline.ts';
import { PhaseStats } from '../../scripts/chaos/phase-stats.ts';
import type { ViewerVerdict } from '../../scripts/chaos/viewer-verdict.ts';
import { loadTestTenantId } from '../../scripts/lib/generated-tenants.ts';
import { seededRandom } from '../../scripts/lib/seeded-random.ts';
import { aTenantRecord, region } from '../support/records.ts';

const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
/** Generated tenant i lives in regions[i % 3], as the seeder spreads them. */
const homes = new Map(
  Array.from({ length: 30 }, (_, i) => [loadTestTenantId(i) as string, regions[i % 3] as string]),
);

describe('tenantHomes', () => {
  it('reads each tenant item’s home region from a table scan and skips other items', () => {
    const item = tenantToItem(aTenantRecord({ tenantId: loadTestTenantId(0), region: region('eu-west-1') }));
    const snapshot = new Map([
      ['TENANT#lt-000001', item],
      ['REGIONS', { pk: { S: 'REGIONS' }, kind: { S: 'regions' } }],
    ]);
    expect(tenantHomes(snapshot)).toEqual(new Map([['lt-000001', 'eu-west-1']]));
  });
});

describe('planTenants', () => {
  const plan = planTenants({
    homes,
    hotTenants: 20,
    migrationsPerBatch: 4,
    regions,
    random: seededRandom(7),
  });

  it('draws two disjoint batches from the cached tenants, each tenant to the next region', () => {
    const a = plan.batches['batch-a'];
    const b = plan.batches['batch-b'];
    expect(a).toHaveLength(4);
    expect(b).toHaveLength(4);
    const ids = [...a, ...b].map((o) => o.tenantId);
    expect(new Set(ids).size).toBe(8);
    for (const order of [...a, ...b]) {
      expect(plan.hot).toContain(order.tenantId);
      expect(order.from).toBe(homes.get(order.tenantId));
      expect(order.to).toBe(regions[(regions.indexOf(order.from) + 1) % regions.length]);
      expect(plan.targets.get(order.tenantId)).toBe(order.to);
    }
  });

  it('allows a migrating tenant its home and its target, any other tenant only its home', () => {
    const migrating = plan.batches['batch-a'][0];
    if (migrating === undefined) throw new Error('fixture');
    expect(plan.allowedRegions(migrating.tenantId)).toEqual([migrating.from, migrating.to]);
    const staying = plan.hot.find((id) => !plan.targets.has(id)) as string;
    expect(plan.allowedRegions(staying)).toEqual([homes.get(staying)]);
  });

  it('refuses a tenant that was never seeded', () => {
    expect(() => plan.homeOf('lt-999999')).toThrow(/was not seeded/);
  });

  it('is the same plan for the same seed', () => {
    const again = planTenants({
      homes,
      hotTenants: 20,
      migrationsPerBatch: 4,
      regions,
      random: seededRandom(7),
    });
    expect(again.batches).toEqual(plan.batches);
  });
});

describe('planRequests', () => {
  it('sends each cold tenant at most once, after the hot ones, and the rest to hot tenants', () => {
    const plan = planRequests({
      count: 400,
      hotTenants: 10,
      coldTenants: 20,
      coldShare: 0.3,
      platformDomain: 'app.example.com',
      random: seededRandom(1),
    });
    expect(plan).toHaveLength(400);
    const cold = plan.filter((p) => !p.cached).map((p) => p.tenantId);
    expect(new Set(cold).size).toBe(cold.length);
    expect(cold).toEqual(Array.from({ length: cold.length }, (_, i) => loadTestTenantId(10 + i)));
    expect(cold.length).toBeLessThanOrEqual(20);
    const hot = new Set(Array.from({ length: 10 }, (_, i) => loadTestTenantId(i) as string));
    for (const p of plan.filter((r) => r.cached)) expect(hot.has(p.tenantId)).toBe(true);
    expect(plan[0]?.host).toBe(`${plan[0]?.tenantId}.app.example.com`);
  });
});

describe('PhaseStats', () => {
  const timeline = chaosTimeline({
    phaseMs: 1000,
    outageMs: 2000,
    regions,
    nearest: 'us-east-1',
    throttleShare: 0.3,
  });
  const [first, second] = timeline;
  if (first === undefined || second === undefined) throw new Error('fixture');
  const ok: ViewerVerdict = { kind: 'ok', region: 'us-east-1' };
  const failed: ViewerVerdict = { kind: 'failed', why: 'HTTP 502' };

  it('counts verdicts per phase and in total, by cached or not, and keeps the problem requests', () => {
    const stats = new PhaseStats(timeline);
    stats.record({ phase: first.name, host: 'a', cached: true, verdict: ok, latencyMs: 2, routerMs: 0.1 });
    stats.record({ phase: first.name, host: 'b', cached: false, verdict: failed, latencyMs: 3 });
    stats.record({ phase: second.name, host: 'c', cached: true, verdict: ok, latencyMs: 4 });
    const [one, two] = stats.reports(timeline, regions);
    expect(one).toMatchObject({
      name: first.name,
      cached: { sent: 1, ok: 1 },
      uncached: { sent: 1, failed: 1 },
    });
    expect(one?.latency.count).toBe(2);
    expect(one?.routerLatency.count).toBe(1);
    expect(two).toMatchObject({ cached: { sent: 1, ok: 1 }, uncached: { sent: 0 } });
    expect(stats.totals.cached).toMatchObject({ sent: 2, ok: 2 });
    expect(stats.problems).toEqual([
      { phase: first.name, host: 'b', cached: false, verdict: 'failed', why: 'HTTP 502' },
    ]);
  });

  it('keeps at most 25 problem requests', () => {
    const stats = new PhaseStats(timeline);
    for (let i = 0; i < 40; i++)
      stats.record({ phase: first.name, host: `h${i}`, cached: true, verdict: failed, latencyMs: 1 });
    expect(stats.problems).toHaveLength(25);
    expect(stats.totals.cached.failed).toBe(40);
  });

  it('reports the replica requests of a phase as the difference of its boundary counters', () => {
    const stats = new PhaseStats(timeline);
    const counts = (requests: number, faulted: number) =>
      Object.fromEntries(
        regions.map((r) => [r, { requests, forwarded: requests - faulted, faulted, upstreamErrors: 0 }]),
      );
    stats.markBoundary(undefined, first.name, counts(10, 0));
    stats.markBoundary(first.name, second.name, counts(25, 5));
    stats.markBoundary(second.name, undefined, counts(30, 5));
    const [one, two] = stats.reports(timeline, regions);
    expect(one?.replicas['us-east-1']).toEqual({ requests: 15, faulted: 5 });
    expect(two?.replicas['eu-west-1']).toEqual({ requests: 5, faulted: 0 });
  });
});
