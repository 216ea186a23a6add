/**
 * A migration's propagation wait on a hand-moved clock: every replica read until each holds the
 * version written, then the cache TTL from then; a replica still behind after the replication lag
 * allowance fails clearly; without a replica reader, the staleness bound on the clock.
 */
import { describe, expect, it } from 'vitest';
import type { Region, TenantId } from '../../edge/model.ts';
import type { MigrationEffects, MigrationEvent } from '../../scripts/lib/migration/migration-effects.ts';
import { PropagationTimeoutError } from '../../scripts/lib/migration/migration-errors.ts';
import type { HeldMigration } from '../../scripts/lib/migration/migration-session.ts';
import type { LeasedRun } from '../../scripts/lib/migration/migration-steps.ts';
import { waitForPropagation } from '../../scripts/lib/migration/propagation-wait.ts';
import type { ReplicaVersion } from '../../scripts/lib/migration/replica-versions.ts';

const BOUNDS = {
  propagationWaitMs: 35_000,
  replicaCheck: { replicationLagAllowanceMs: 5_000, cacheTtlMs: 30_000 },
};

/** A run of tenant `acme` at version 7, whose replicas reach it when `arrivals` say (ms from start). */
function runWith(arrivals: Record<string, number> | undefined, note?: string) {
  let now = 1_000_000;
  const start = now;
  const events: MigrationEvent[] = [];
  let reads = 0;
  const replicaVersions =
    arrivals === undefined
      ? undefined
      : async (): Promise<readonly ReplicaVersion[]> => {
          reads++;
          return Object.entries(arrivals).map(([region, at]) => ({
            region: region as Region,
            version: now - start >= at ? 7 : 6,
          }));
        };
  const held = {
    tenant: { record: { tenantId: 'acme' as TenantId, version: 7 } },
    state: { phaseAt: start, leaseUntil: start + 60_000_000, phase: 'switched' },
    renewLease: async () => {},
  } as unknown as HeldMigration;
  const effects = {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    onEvent: (event: MigrationEvent) => events.push(event),
    replicaVersions,
    replicaNote: note,
  } as unknown as MigrationEffects;
  const run: LeasedRun = { held, effects, leaseMs: 30_000 };
  return { run, events, elapsed: () => now - start, reads: () => reads };
}

describe('waitForPropagation', () => {
  it('waits until every replica holds the version written, then the cache TTL from then', async () => {
    const r = runWith({ 'us-east-1': 0, 'eu-west-1': 400, 'ap-southeast-2': 1_300 });
    await waitForPropagation(r.run, BOUNDS, 'waiting');
    // Sydney was seen with it at the first read after 1.3 s (reads every 200 ms), then 30 s of TTL.
    expect(r.elapsed()).toBe(1_400 + 30_000);
    expect(r.reads()).toBe(8);
    const labels = [...new Set(r.events.map((e) => (e.type === 'wait' ? e.label : '')))];
    expect(labels).toEqual([
      'waiting: every replica to hold version 7 (behind: eu-west-1 (version 6), ap-southeast-2 (version 6))',
      'waiting: every replica to hold version 7 (behind: ap-southeast-2 (version 6))',
      'waiting: every replica to hold version 7',
      'waiting: every replica has it, cache TTL',
    ]);
  });

  it('fails clearly when a replica is still behind after the replication lag allowance', async () => {
    const r = runWith({ 'us-east-1': 0, 'ap-southeast-2': Number.POSITIVE_INFINITY });
    const error = await waitForPropagation(r.run, BOUNDS, 'waiting').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PropagationTimeoutError);
    expect((error as Error).message).toBe(
      'replication: ap-southeast-2 (version 6) still without version 7 of acme after 5000 ms (the replication lag allowance): replication into it is paused or slow, so edges reading it still route by the old record; the write stays in place (phase switched): rerun the same command to wait again',
    );
    expect(r.elapsed()).toBe(5_000);
  });

  it('without a reader of every replica, waits the staleness bound from the phase and says why', async () => {
    const r = runWith(undefined, 'replicas not read one by one');
    await waitForPropagation(r.run, BOUNDS, 'waiting');
    expect(r.elapsed()).toBe(35_000);
    expect(r.events[0]).toEqual({ type: 'info', message: 'replicas not read one by one' });
  });
});
