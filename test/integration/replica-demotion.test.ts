/**
 * The latency-aware replica order of the DynamoDB store, against dynalite behind replica stand-ins
 * that answer late (the `slow` fault), fail, or recover: a replica slower than the next one's hedge
 * delay is demoted after `slowReadsToDemote` reads and later lookups read the next one first with
 * no double read; a probe after the cooldown promotes it once it is quick again; one late but
 * quicker than the next is never demoted; the metrics count demotions, promotions and probes; and
 * `slowReadsToDemote: 0` or `replicaCooldownMs: 0` switch it off. Assertions count attempts, say
 * which replica answered and in what order; none measures time (the clock is the wall clock plus
 * what a test skips, so a slow answer is slow and a cooldown passes at once).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDynamoDBTenantStore, type ReplicaAttempt } from '../../edge/dynamodb-tenant-store.ts';
import type { LogEntry } from '../../edge/logger.ts';
import { createRouterMetrics } from '../../edge/router-metrics.ts';
import { capturingLogger } from '../support/capturing-logger.ts';
import { type LocalTable, startLocalTable } from '../support/local-table.ts';
import { type FaultyReplica, refusingEndpoint, startFaultyReplica } from '../support/network-faults.ts';
import { aTenantRecord, recordItems, someRegions } from '../support/records.ts';
import { aRouterConfig, type RouterConfigOverrides } from '../support/router-config.ts';

const acme = aTenantRecord();
const NEAR = 'us-east-1';
const NEXT = 'eu-west-1';
/**
 * Both replicas at zero distance: a hedge 100 ms after the request went out, no request timeout
 * near the slow answers below (a late answer is an answer, not a failure).
 */
const LOOKUP = { attemptTimeoutMs: 5_000, hedgeAfterMs: 100, budgetMs: 10_000, slowReadsToDemote: 3 };
/** Far past the next replica's hedge delay (and its answer, on a ready local connection). */
const SLOW = { mode: 'slow', delayMs: 600 } as const;

describe('the latency-aware replica order', () => {
  let table: LocalTable;
  const replicas: FaultyReplica[] = [];

  beforeAll(async () => {
    table = await startLocalTable();
    await table.seed(recordItems({ tenants: [acme], regions: someRegions() }));
  });
  afterAll(async () => {
    await Promise.all([table?.close(), ...replicas.map((r) => r.close())]);
  });

  async function replicaStandIn(fault: FaultyReplica['fault']): Promise<FaultyReplica> {
    const replica = await startFaultyReplica({ forwardTo: table.endpoint, fault });
    replicas.push(replica);
    return replica;
  }

  /** A store in us-east-1 reading `near` (us-east-1), then `next` (eu-west-1), with metrics. */
  function storeWith(near: string, next: string, overrides: RouterConfigOverrides = {}) {
    const logger = capturingLogger();
    const metricsLog = capturingLogger();
    const attempts: ReplicaAttempt[] = [];
    let skippedMs = 0;
    const config = aRouterConfig({
      tableName: table.tableName,
      replicaRegions: [NEAR, NEXT],
      endpoints: { [NEAR]: near, [NEXT]: next },
      ...overrides,
      lookup: { ...LOOKUP, ...overrides.lookup },
    });
    const metrics = createRouterMetrics({
      config: config.metrics,
      logger: metricsLog,
      edgeRegion: NEAR,
      schedule: () => {},
    });
    const store = createDynamoDBTenantStore({
      config,
      edgeRegion: NEAR,
      logger,
      clock: () => Date.now() + skippedMs,
      onAttempt: (attempt) => {
        attempts.push(attempt);
        metrics.onAttempt(attempt);
      },
    });
    /** Every attempt so far has ended (the slow ones end after their lookup). */
    const settled = (count: number) => vi.waitFor(() => expect(attempts).toHaveLength(count), 5_000);
    return {
      store,
      logger,
      attempts,
      config,
      settled,
      /** Skips the cooldown on the store's clock. */
      skipCooldown: () => {
        skippedMs += config.lookup.replicaCooldownMs;
      },
      /** The per-replica metrics counted so far. */
      replicaMetrics(region: string): LogEntry | undefined {
        metrics.flush();
        return metricsLog.entries.findLast((entry) => entry.Replica === region);
      },
    };
  }

  /** Three lookups the slow near replica loses to the hedge: it ends demoted. */
  async function demoteSlowNear(s: ReturnType<typeof storeWith>) {
    for (let i = 1; i <= 3; i++) {
      expect(await s.store.getTenant(acme.tenantId)).toEqual(acme);
      await s.settled(2 * i);
    }
    expect(s.store.currentOrder).toEqual([NEXT, NEAR]);
  }

  it('demotes a replica slower than the next one’s hedge delay after three reads, then reads the next one first with no double read', async () => {
    const near = await replicaStandIn(SLOW);
    const s = storeWith(near.endpoint, table.endpoint);

    await demoteSlowNear(s);
    // Each lookup: the near replica first, the hedge to the next one answering first.
    expect(s.attempts.map((a) => [a.region, a.kind, a.slow, a.change?.change])).toEqual([
      [NEXT, 'hedge', false, undefined],
      [NEAR, 'first', true, undefined],
      [NEXT, 'hedge', false, undefined],
      [NEAR, 'first', true, undefined],
      [NEXT, 'hedge', false, undefined],
      [NEAR, 'first', true, 'demoted'],
    ]);
    expect(s.logger.at('info')).toContainEqual(
      expect.objectContaining({ msg: 'replica demoted', region: NEAR, reason: 'slow', slowReads: 3 }),
    );

    const nearRequests = near.requests;
    s.attempts.length = 0;
    for (let i = 0; i < 3; i++) expect(await s.store.getTenant(acme.tenantId)).toEqual(acme);
    expect(s.attempts.map((a) => [a.region, a.kind])).toEqual([
      [NEXT, 'first'],
      [NEXT, 'first'],
      [NEXT, 'first'],
    ]);
    expect(near.requests).toBe(nearRequests);
    expect(s.replicaMetrics(NEAR)).toMatchObject({
      ReplicaDemotions: 1,
      ReplicaPromotions: 0,
      ReplicaProbes: 0,
    });
  });

  it('probes a demoted replica once its cooldown is over, keeps it behind while still slow, and promotes it once quick', async () => {
    const near = await replicaStandIn(SLOW);
    const s = storeWith(near.endpoint, table.endpoint);
    await demoteSlowNear(s);

    // Cooldown over, still slow: the lookup reads the next replica, the probe beside it is slow.
    s.skipCooldown();
    s.attempts.length = 0;
    expect(await s.store.getTenant(acme.tenantId)).toEqual(acme);
    await s.settled(2);
    expect(s.attempts.map((a) => [a.region, a.kind, a.slow, a.change?.change])).toEqual([
      [NEXT, 'first', false, undefined],
      [NEAR, 'probe', true, undefined],
    ]);
    expect(s.store.currentOrder).toEqual([NEXT, NEAR]);

    // Quick again: the next probe promotes it, and it is read first again, alone.
    near.fault = { mode: 'normal' };
    s.skipCooldown();
    s.attempts.length = 0;
    expect(await s.store.getTenant(acme.tenantId)).toEqual(acme);
    await s.settled(2);
    expect(s.attempts.map((a) => [a.region, a.kind, a.change?.change])).toEqual(
      expect.arrayContaining([
        [NEXT, 'first', undefined],
        [NEAR, 'probe', 'promoted'],
      ]),
    );
    expect(s.store.currentOrder).toEqual([NEAR, NEXT]);
    s.attempts.length = 0;
    expect(await s.store.getTenant(acme.tenantId)).toEqual(acme);
    expect(s.attempts.map((a) => [a.region, a.kind])).toEqual([[NEAR, 'first']]);
    expect(s.logger.at('info')).toContainEqual(
      expect.objectContaining({ msg: 'replica promoted', region: NEAR }),
    );
    expect(s.replicaMetrics(NEAR)).toMatchObject({
      ReplicaDemotions: 1,
      ReplicaPromotions: 1,
      ReplicaProbes: 2,
    });
  });

  it('never demotes a replica late past its hedge delay but still quicker than the next one', async () => {
    // The near one answers 300 ms late, after its hedge went out; the next one 1 s late.
    const near = await replicaStandIn({ mode: 'slow', delayMs: 300 });
    const next = await replicaStandIn({ mode: 'slow', delayMs: 1_000 });
    const s = storeWith(near.endpoint, next.endpoint);

    for (let i = 1; i <= 5; i++) {
      expect(await s.store.getTenant(acme.tenantId)).toEqual(acme);
      const nearAttempts = s.attempts.filter((a) => a.region === NEAR);
      expect(nearAttempts).toHaveLength(i); // it answered the lookup: its attempt has ended
      expect(nearAttempts.at(-1)).toMatchObject({ kind: 'first', ok: true, slow: false });
    }
    await s.settled(10); // the five hedges, answered after the near replica
    expect(s.attempts.filter((a) => a.region === NEXT).map((a) => a.kind)).toEqual(Array(5).fill('hedge'));
    expect(s.attempts.filter((a) => a.change !== undefined)).toEqual([]);
    expect(s.store.currentOrder).toEqual([NEAR, NEXT]);
  });

  it('demotes a replica that failed at once', async () => {
    const s = storeWith(await refusingEndpoint(), table.endpoint);
    expect(await s.store.getTenant(acme.tenantId)).toEqual(acme);
    expect(s.attempts.map((a) => [a.region, a.kind, a.ok, a.change?.change])).toEqual([
      [NEAR, 'first', false, 'demoted'],
      [NEXT, 'failover', true, undefined],
    ]);
    expect(s.store.currentOrder).toEqual([NEXT, NEAR]);
    expect(s.replicaMetrics(NEAR)).toMatchObject({ ReplicaErrors: 1, ReplicaDemotions: 1 });
  });

  it('keeps the order with slowReadsToDemote 0: a slow replica is hedged around on every lookup', async () => {
    const near = await replicaStandIn(SLOW);
    const s = storeWith(near.endpoint, table.endpoint, { lookup: { slowReadsToDemote: 0 } });
    for (let i = 0; i < 5; i++) expect(await s.store.getTenant(acme.tenantId)).toEqual(acme);
    await s.settled(10);
    expect(s.attempts.filter((a) => a.kind === 'hedge')).toHaveLength(5);
    expect(near.requests).toBe(5);
    expect(s.store.currentOrder).toEqual([NEAR, NEXT]);
  });

  it('keeps the order with replicaCooldownMs 0: a failing replica is tried first on every lookup', async () => {
    const s = storeWith(await refusingEndpoint(), table.endpoint, { lookup: { replicaCooldownMs: 0 } });
    for (let i = 0; i < 3; i++) expect(await s.store.getTenant(acme.tenantId)).toEqual(acme);
    expect(s.attempts.map((a) => [a.region, a.kind])).toEqual(
      Array(3)
        .fill([
          [NEAR, 'first'],
          [NEXT, 'failover'],
        ])
        .flat(),
    );
    expect(s.store.currentOrder).toEqual([NEAR, NEXT]);
    expect(s.replicaMetrics(NEAR)).toMatchObject({ ReplicaErrors: 3, ReplicaDemotions: 0 });
  });
});
