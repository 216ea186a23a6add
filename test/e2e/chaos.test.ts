/**
 * The chaos scenario, short version: the local edge (child process) under open-loop load while a
 * replica is cut off, reads are throttled, the DynamoDB server is unreachable for longer than the
 * cache TTL, and two batches of tenants are migrated, in turn and together. Plus the judges the
 * scenario relies on, shown to catch what they are meant to catch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from '../../edge/items.ts';
import type { ChaosReport } from '../../scripts/chaos/chaos-result.ts';
import { runChaosScenario } from '../../scripts/chaos/chaos-scenario.ts';
import { QUICK_CHAOS } from '../../scripts/chaos/chaos-settings.ts';
import { chaosDurationMs, chaosTimeline, phaseAt } from '../../scripts/chaos/fault-timeline.ts';
import { diffSnapshots } from '../../scripts/chaos/table-snapshot.ts';
import { judgeViewerResponse, type ViewerExpectation } from '../../scripts/chaos/viewer-verdict.ts';

const expectation: ViewerExpectation = {
  host: 'lt-000001.app.example.com',
  tenantId: 'lt-000001',
  regions: ['eu-west-1'],
  cached: true,
};

const echo = (fields: Record<string, unknown>) =>
  JSON.stringify({
    region: 'eu-west-1',
    domainName: 'pool.eu-west-1.origin.example.com',
    host: 'pool.eu-west-1.origin.example.com',
    xTenantId: 'lt-000001',
    xForwardedHost: 'lt-000001.app.example.com',
    ...fields,
  });

const lookupFailed = {
  status: 503,
  headers: { 'retry-after': '30' },
  body: JSON.stringify({ error: 'lookup-failed', message: 'retry' }),
};

describe('viewer verdicts', () => {
  it('accepts the tenant’s own origin in an allowed region', () => {
    expect(judgeViewerResponse(expectation, { status: 200, body: echo({}) })).toEqual({
      kind: 'ok',
      region: 'eu-west-1',
    });
  });

  it.each([
    ['another tenant', { xTenantId: 'lt-000002' }],
    ['another region', { region: 'ap-southeast-2' }],
    ['the wrong x-forwarded-host', { xForwardedHost: 'other.example.com' }],
    ['a Host that is not the origin’s', { host: 'lt-000001.app.example.com' }],
  ])('calls a response from %s a misroute', (_, fields) => {
    expect(judgeViewerResponse(expectation, { status: 200, body: echo(fields) }).kind).toBe('misrouted');
  });

  it('allows a clear 503 only for an uncached tenant', () => {
    expect(judgeViewerResponse({ ...expectation, cached: false }, lookupFailed)).toEqual({
      kind: 'unavailable',
    });
    expect(judgeViewerResponse(expectation, lookupFailed).kind).toBe('failed');
  });

  it.each([
    ['a 503 without Retry-After', { ...lookupFailed, headers: {} }],
    ['a 502 from the emulator', { status: 502, body: '{"error":"LambdaValidationError"}' }],
    ['a 503 for maintenance', { ...lookupFailed, body: '{"error":"maintenance"}' }],
    ['no response at all', { error: 'ECONNRESET' }],
    ['a 200 that is not an origin echo', { status: 200, body: 'hello' }],
  ])('fails %s even for an uncached tenant', (_, seen) => {
    expect(judgeViewerResponse({ ...expectation, cached: false }, seen).kind).toBe('failed');
  });
});

describe('table comparison', () => {
  const tenant = (id: string, region: string, version: number, extra: Item = {}): Item => ({
    pk: { S: `TENANT#${id}` },
    kind: { S: 'tenant' },
    tenantId: { S: id },
    region: { S: region },
    status: { S: 'active' },
    version: { N: String(version) },
    updatedAt: { S: `t${version}` },
    ...extra,
  });
  const before = new Map([
    ['TENANT#a', tenant('a', 'us-east-1', 1)],
    ['TENANT#b', tenant('b', 'us-east-1', 1)],
    ['REGIONS', { pk: { S: 'REGIONS' }, version: { N: '1' } }],
  ]);
  const migrated = new Map([['a', 'eu-west-1']]);

  it('accepts exactly the migration’s changes and one audit item', () => {
    const after = new Map(before);
    after.set('TENANT#a', tenant('a', 'eu-west-1', 6));
    after.set('AUDIT#a#2026-01-01T00:00:00.000Z#m1', { pk: { S: 'AUDIT#a#2026-01-01T00:00:00.000Z#m1' } });
    expect(diffSnapshots(before, after, migrated)).toMatchObject({
      migratedAsExpected: 1,
      auditItems: 1,
      lost: [],
      unexpectedlyChanged: [],
      unexpectedlyAdded: [],
      wrongRegion: [],
    });
  });

  it('reports lost items, untouched tenants that changed, stray items and wrong targets', () => {
    const after = new Map(before);
    after.set('TENANT#a', tenant('a', 'ap-southeast-2', 6));
    after.set('TENANT#b', tenant('b', 'us-east-1', 1, { status: { S: 'suspended' } }));
    after.delete('REGIONS');
    after.set('DOMAIN#stray.example.com', { pk: { S: 'DOMAIN#stray.example.com' } });
    expect(diffSnapshots(before, after, migrated)).toMatchObject({
      lost: ['REGIONS'],
      unexpectedlyChanged: ['TENANT#b'],
      unexpectedlyAdded: ['DOMAIN#stray.example.com'],
      wrongRegion: ['a'],
    });
  });

  it('refuses a migrated tenant whose other attributes changed or that kept its migration record', () => {
    const after = new Map(before);
    after.set('TENANT#a', tenant('a', 'eu-west-1', 6, { migration: { M: {} } }));
    expect(diffSnapshots(before, after, migrated).unexpectedlyChanged).toEqual(['TENANT#a']);
    after.set('TENANT#a', tenant('a', 'eu-west-1', 6, { status: { S: 'maintenance' } }));
    expect(diffSnapshots(before, after, migrated).unexpectedlyChanged).toEqual(['TENANT#a']);
  });
});

describe('fault timeline', () => {
  const timeline = chaosTimeline({
    phaseMs: 1000,
    outageMs: 2500,
    regions: ['us-east-1', 'eu-west-1'],
    nearest: 'us-east-1',
    throttleShare: 0.3,
  });

  it('runs the faults in turn, then together, back to back', () => {
    expect(timeline.map((p) => p.name)).toEqual([
      'baseline',
      'replica-cut-off',
      'throttled-reads',
      'server-stopped',
      'recovery',
      'replication-paused',
      'migration',
      'together',
      'together-stopped',
      'together-after',
      'final-recovery',
    ]);
    for (let i = 1; i < timeline.length; i++) expect(timeline[i]?.startMs).toBe(timeline[i - 1]?.endMs);
    expect(timeline.at(-1)?.endMs).toBe(chaosDurationMs({ phaseMs: 1000, outageMs: 2500 }));
    expect(phaseAt(timeline, 3500).name).toBe('server-stopped');
    expect(timeline.find((p) => p.name === 'replication-paused')?.replicationPaused).toEqual(['us-east-1']);
    expect(timeline.find((p) => p.name === 'migration')?.replicationPaused).toEqual([]);
    expect(timeline.find((p) => p.name === 'together')?.faults).toEqual({
      'us-east-1': { mode: 'hang' },
      'eu-west-1': { mode: 'throttle', share: 0.3 },
    });
  });
});

describe('chaos scenario (short version)', () => {
  let report: ChaosReport;

  beforeAll(async () => {
    report = await runChaosScenario(QUICK_CHAOS);
  }, 240_000);

  afterAll(() => {
    // The figures of this run, for whoever reads the test output.
    if (report !== undefined) {
      const t = report.totals.all;
      console.info(
        `chaos (short): ${t.sent} requests, ${t.ok} ok, ${t.unavailable} clear 503, ${t.failed} failed, ${t.misrouted} misrouted; ` +
          `${report.migrations.done}/${report.migrations.ordered} migrated; ${report.table.lost.length} items lost`,
      );
    }
  });

  it('passes every assertion of the scenario', () => {
    expect(report.verdict.problems).toEqual([]);
    expect(report.verdict.passed).toBe(true);
  });

  it('never fails a cached tenant and never misroutes', () => {
    expect(report.totals.cached.sent).toBeGreaterThan(0);
    expect(report.totals.cached.ok).toBe(report.totals.cached.sent);
    expect(report.totals.all.misrouted).toBe(0);
    expect(report.problems).toEqual([]);
  });

  it('answers uncached tenants with a clear 503 while the server is down, and serves them otherwise', () => {
    for (const phase of report.phases.filter((p) => p.name.includes('stopped'))) {
      expect(phase.uncached.unavailable, phase.name).toBeGreaterThan(0);
      expect(phase.uncached.failed, phase.name).toBe(0);
    }
    expect(report.totals.uncached.ok).toBeGreaterThan(0);
  });

  it('felt every injected fault', () => {
    const cut = report.phases.find((p) => p.name === 'replica-cut-off');
    expect(cut?.replicas[report.nearestReplica]?.faulted).toBeGreaterThan(0);
    const throttled = report.phases.find((p) => p.name === 'throttled-reads');
    expect(Object.values(throttled?.replicas ?? {}).some((r) => r.faulted > 0)).toBe(true);
    expect(report.routerLogs['error route-problem lookup-failed']).toBeGreaterThan(0);
    // The migrations' switches written during the pause were held back from the viewers' replica.
    expect(report.replicationPauses).toEqual([
      { region: report.nearestReplica, heldWrites: expect.any(Number) },
    ]);
    expect(report.replicationPauses[0]?.heldWrites).toBeGreaterThan(0);
  });

  it('moves every migrated tenant to its target region and leaves the rest of the table as it was', () => {
    expect(report.migrations.done).toBe(report.migrations.ordered);
    expect(report.migrations.ordered).toBe(2 * QUICK_CHAOS.migrationsPerBatch);
    expect(report.finalCheck.problems).toEqual([]);
    expect(report.table).toMatchObject({
      lost: [],
      unexpectedlyChanged: [],
      unexpectedlyAdded: [],
      wrongRegion: [],
      migratedAsExpected: report.migrations.ordered,
      auditItems: report.migrations.ordered,
    });
    expect(report.table.itemsAfter).toBe(report.table.itemsBefore + report.migrations.ordered);
  });
});
