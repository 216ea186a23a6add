/**
 * The waits of a migration (and a rollback) for a write to reach every edge, renewing the lease
 * meanwhile. With a reader of every replica (`MigrationEffects.replicaVersions`): first until each
 * replica holds the version written, within the replication lag allowance, then the cache TTL
 * from then on, so a replication that stalls is found and said instead of silently waited out.
 * Without one: the staleness bound (cache TTL + replication lag allowance) on the clock.
 */
import { propagationWaitMs, type RouterConfig } from '../../../edge/config.ts';
import { PropagationTimeoutError } from './migration-errors.ts';
import type { LeasedRun } from './migration-steps.ts';
import type { ReplicaVersion, ReplicaVersionReader } from './replica-versions.ts';

/** What a propagation wait needs to know: the staleness bound, and its two parts. */
export interface PropagationBounds {
  /** Cache TTL + replication lag allowance: the wait without a replica reader. */
  readonly propagationWaitMs: number;
  /** With a replica reader: how long replication may take, then how long caches keep a record. */
  readonly replicaCheck?:
    | { readonly replicationLagAllowanceMs: number; readonly cacheTtlMs: number }
    | undefined;
}

/** The bounds of a router configuration: the staleness bound and its parts. */
export function propagationBoundsOf(config: RouterConfig): Required<PropagationBounds> {
  return {
    propagationWaitMs: propagationWaitMs(config),
    replicaCheck: {
      replicationLagAllowanceMs: config.replicationLagAllowanceMs,
      cacheTtlMs: config.cache.ttlMs,
    },
  };
}

/** How often the replicas are read while one is behind. */
const REPLICA_POLL_MS = 200;

/**
 * Waits until the tenant write this phase made is visible at every edge: each replica holds its
 * version (or a later one), then the cache TTL has passed since; or, without a replica reader,
 * the staleness bound since the phase began. Throws {@link PropagationTimeoutError} when a
 * replica still lacks the version after the replication lag allowance.
 */
export async function waitForPropagation(
  run: LeasedRun,
  bounds: PropagationBounds,
  label: string,
): Promise<void> {
  const read = run.effects.replicaVersions;
  const check = bounds.replicaCheck;
  if (read === undefined || check === undefined) {
    const note = run.effects.replicaNote;
    if (note !== undefined) run.effects.onEvent({ type: 'info', message: note });
    await waitOut(run, bounds.propagationWaitMs, label);
    return;
  }
  const seenAt = await waitForReplicas(run, read, check.replicationLagAllowanceMs, label);
  await waitUntil(
    run,
    seenAt + check.cacheTtlMs,
    check.cacheTtlMs,
    `${label}: every replica has it, cache TTL`,
  );
}

/** Waits what is left of the staleness bound since the phase began, renewing the lease. */
export async function waitOut(run: LeasedRun, bound: number, label: string): Promise<void> {
  await waitUntil(run, run.held.state.phaseAt + bound, bound, label);
}

/** Waits until `until` on the effects' clock, showing progress and renewing the lease. */
async function waitUntil(run: LeasedRun, until: number, totalMs: number, label: string): Promise<void> {
  const { effects } = run;
  for (;;) {
    const remaining = until - effects.now();
    effects.onEvent({ type: 'wait', label, totalMs, remainingMs: Math.max(0, remaining) });
    if (remaining <= 0) return;
    await pause(run, Math.min(remaining, 1000), until);
  }
}

/**
 * Reads every replica until each holds the version the tenant has now (this phase's write, or a
 * later one), for at most `boundMs` from now; returns when they all did.
 */
async function waitForReplicas(
  run: LeasedRun,
  read: ReplicaVersionReader,
  boundMs: number,
  label: string,
): Promise<number> {
  const { effects, held } = run;
  const { tenantId, version } = held.tenant.record;
  const deadline = effects.now() + boundMs;
  for (;;) {
    const behind = (await read(tenantId)).filter((r) => !(r.version !== undefined && r.version >= version));
    const now = effects.now();
    effects.onEvent({
      type: 'wait',
      label: `${label}: every replica to hold version ${version}${behind.length === 0 ? '' : ` (behind: ${describeBehind(behind)})`}`,
      totalMs: boundMs,
      remainingMs: behind.length === 0 ? 0 : Math.max(0, deadline - now),
    });
    if (behind.length === 0) return now;
    if (now >= deadline) {
      throw new PropagationTimeoutError(
        `replication: ${describeBehind(behind)} still without version ${version} of ${tenantId} after ${boundMs} ms (the replication lag allowance): replication into ${behind.length === 1 ? 'it' : 'them'} is paused or slow, so edges reading ${behind.length === 1 ? 'it' : 'them'} still route by the old record; the write stays in place (phase ${held.state.phase}): rerun the same command to wait again`,
      );
    }
    await pause(run, Math.min(REPLICA_POLL_MS, deadline - now), deadline);
  }
}

function describeBehind(behind: readonly ReplicaVersion[]): string {
  return behind
    .map((r) =>
      r.error !== undefined
        ? `${r.region} (unreadable: ${r.error})`
        : `${r.region} (${r.version === undefined ? 'no item' : `version ${r.version}`})`,
    )
    .join(', ');
}

/** Sleeps `ms`, then renews the lease if it would run out before `until` is reached. */
async function pause(run: LeasedRun, ms: number, until: number): Promise<void> {
  const { effects, held, leaseMs } = run;
  await effects.sleep(Math.min(ms, Math.max(1, Math.floor(leaseMs / 3))));
  if (effects.now() < until && held.state.leaseUntil - effects.now() < leaseMs / 2) await held.renewLease();
}
