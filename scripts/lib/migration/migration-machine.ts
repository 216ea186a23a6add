/**
 * The region migration state machine. Its state lives in the tenant item (see migration-state.ts),
 * every step is one conditional write on the tenant's `version`, and its effects (table, hook,
 * health check, route probe, sleep, clock) come in through {@link MigrationEffects}, so a run
 * killed after any write resumes from the item on any machine, and tests drive it with a fake clock.
 *
 * Phases: planned -> prepared -> [frozen] -> switched -> propagated -> (finalized: record removed).
 */
import type { MigrationPhase, Region, RegionRecord, TenantId } from '../../../edge/model.ts';
import { formatOrigin } from '../tenants/input-validation.ts';
import type { TenantSnapshot } from '../tenants/tenant-table.ts';
import { HookFailedError, MigrationRefusedError, VerifyFailedError } from './migration-errors.ts';
import type { MigrationTable } from './migration-session.ts';
import { MigrationSession } from './migration-session.ts';
import { type MigrationState, migrationStateToAttribute } from './migration-state.ts';

/** Result of a health check. */
export interface HealthResult {
  readonly healthy: boolean;
  /** e.g. `200 OK`, `503`, `timeout after 3000 ms`. */
  readonly detail: string;
}

/** What the hook command receives in its environment. */
export interface HookEnvironment {
  readonly tenantId: TenantId;
  readonly from: Region;
  readonly to: Region;
  /** `prepare` before the switch, `rollback` when a migration is rolled back. */
  readonly phase: 'prepare' | 'rollback';
  readonly migrationId: string;
}

/** A point right after a durable write, where the crash hook may fire. */
export type MigrationStep = MigrationPhase | 'finalized' | 'unswitched' | 'rolled-back';

/** Progress of a migration, for the display. */
export type MigrationEvent =
  | { readonly type: 'step'; readonly step: MigrationStep | 'preflight' | 'resume'; readonly message: string }
  | { readonly type: 'wait'; readonly label: string; readonly totalMs: number; readonly remainingMs: number }
  | { readonly type: 'info'; readonly message: string };

/** The effects of the state machine. */
export interface MigrationEffects {
  readonly table: MigrationTable;
  readonly checkHealth: (url: string) => Promise<HealthResult>;
  /** Runs the hook command; throws {@link HookFailedError} when it fails. */
  readonly runHook: (command: string, env: HookEnvironment) => Promise<void>;
  /** Probes the router (`--verify-url`); resolves to the region that answered, if known. */
  readonly probeRoute?: (() => Promise<string | undefined>) | undefined;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly newId: () => string;
  readonly onEvent: (event: MigrationEvent) => void;
  /** Called right after each durable step (the crash hook of the tests). @default nothing */
  readonly afterStep?: ((step: MigrationStep) => void | Promise<void>) | undefined;
  /**
   * Starts renewing the lease every `everyMs` of real time while a hook runs; returns the stopper.
   * @default no renewal (hooks must then finish within the lease)
   */
  readonly startRenewal?: ((renew: () => Promise<void>, everyMs: number) => () => void) | undefined;
}

/** What to migrate and how. */
export interface MigrationRequest {
  readonly tenantId: TenantId;
  readonly to: Region;
  /** Put the tenant in maintenance around the switch. @default false */
  readonly freeze?: boolean;
  /** Shell command run before the switch (and on rollback). */
  readonly hook?: string | undefined;
  /** Stop after preflight and return the plan. @default false */
  readonly dryRun?: boolean;
  /** Take over a migration whose lease another process still holds. @default false */
  readonly takeover?: boolean;
  /** This process's owner name (unique per process). */
  readonly owner: string;
  /** Who acts, for the audit entry. */
  readonly actor: string;
  /** @default 30000 */
  readonly leaseMs?: number;
  /** The staleness bound: cache TTL + replication lag allowance. */
  readonly propagationWaitMs: number;
  /** Overrides the target region's health URL. */
  readonly healthUrl?: string | undefined;
  /** How long `--verify-url` probing may take after the wait. @default 60000 */
  readonly verifyTimeoutMs?: number;
  /** @default 500 */
  readonly verifyIntervalMs?: number;
}

/** The plan printed by `--dry-run` (and before a real run). */
export interface MigrationPlan {
  readonly tenantId: TenantId;
  readonly from: Region;
  readonly to: Region;
  readonly freeze: boolean;
  readonly hook: string | null;
  readonly healthUrl: string | null;
  readonly targetOrigin: string;
  readonly propagationWaitMs: number;
  /** Phase a resumed migration continues from (null for a new one). */
  readonly resumeFrom: MigrationPhase | null;
  readonly steps: readonly string[];
  readonly notes: readonly string[];
}

/** How a migration run ended. */
export type MigrationOutcome =
  | { readonly kind: 'dry-run'; readonly plan: MigrationPlan }
  | {
      readonly kind: 'completed';
      readonly migrationId: string;
      readonly plan: MigrationPlan;
      readonly tenant: TenantSnapshot;
    }
  | {
      readonly kind: 'rolled-back';
      readonly migrationId: string;
      readonly fromPhase: MigrationPhase;
      readonly tenant: TenantSnapshot;
    };

const DEFAULT_LEASE_MS = 30_000;

/** The health URL of a region: its configured `healthUrl`, else `<pool origin>/health`. */
export function healthUrlOf(region: RegionRecord): string {
  return region.healthUrl ?? `${formatOrigin(region.origin)}/health`;
}

function planSteps(freeze: boolean, hook: boolean, verify: boolean, waitMs: number): string[] {
  const wait = `${(waitMs / 1000).toFixed(1)}s`;
  return [
    'planned: record the migration on the tenant item',
    hook ? 'prepared: run the hook (phase=prepare)' : 'prepared: (no hook)',
    ...(freeze ? [`frozen: tenant to maintenance (503 + Retry-After), wait ${wait}`] : []),
    'switched: home region to the target, one conditional write',
    `propagated: wait ${wait}${verify ? ', then probe --verify-url until the target answers' : ''}`,
    `finalized: status ${freeze ? 'restored' : 'kept'}, migration record removed, audit entry written`,
  ];
}

/** Opens the tenant's migration session with the request's lease; refuses an unknown tenant. */
async function openSession(
  request: {
    readonly tenantId: MigrationRequest['tenantId'];
    readonly owner: string;
    readonly leaseMs?: number;
  },
  effects: MigrationEffects,
): Promise<{ session: MigrationSession; leaseMs: number }> {
  const leaseMs = request.leaseMs ?? DEFAULT_LEASE_MS;
  const session = await MigrationSession.open({
    table: effects.table,
    tenantId: request.tenantId,
    owner: request.owner,
    leaseMs,
    now: effects.now,
  });
  if (session === undefined) throw new MigrationRefusedError(`no tenant ${request.tenantId}`);
  return { session, leaseMs };
}

/** Runs (or resumes) a migration to `request.to`. */
export async function runMigration(
  request: MigrationRequest,
  effects: MigrationEffects,
): Promise<MigrationOutcome> {
  const { session, leaseMs } = await openSession(request, effects);
  const regions = await effects.table.getRegions();
  const target = regions?.regions.get(request.to);
  const existing = session.state;

  let plan: MigrationPlan;
  if (existing === undefined) {
    plan = await preflight(request, session.current, target, effects);
    if (request.dryRun === true) return { kind: 'dry-run', plan };
    const now = effects.now();
    await session.begin({
      id: effects.newId(),
      from: session.current.record.region,
      to: request.to,
      phase: 'planned',
      startedAt: new Date(now).toISOString(),
      owner: request.owner,
      leaseUntil: now + leaseMs,
      phaseAt: now,
      freeze: request.freeze === true,
    });
    effects.onEvent({ type: 'step', step: 'planned', message: `migration ${session.state?.id} planned` });
    await effects.afterStep?.('planned');
  } else {
    if (existing.to !== request.to) {
      throw new MigrationRefusedError(
        `tenant ${request.tenantId} is already migrating to ${existing.to} (phase ${existing.phase}); resume it with --to ${existing.to} or roll it back with --rollback`,
      );
    }
    plan = {
      ...describePlan(request, existing.from, existing.freeze, target),
      resumeFrom: existing.phase,
    };
    if (request.dryRun === true) return { kind: 'dry-run', plan };
    if ((request.freeze === true) !== existing.freeze) {
      effects.onEvent({
        type: 'info',
        message: `keeping the recorded choice: ${existing.freeze ? 'with' : 'without'} --freeze`,
      });
    }
    await session.acquire(request.takeover === true);
    effects.onEvent({
      type: 'step',
      step: 'resume',
      message: `resuming migration ${existing.id} from phase ${existing.phase}`,
    });
  }

  const bound = request.propagationWaitMs;
  for (;;) {
    const state = session.state as MigrationState;
    switch (state.phase) {
      case 'planned': {
        if (request.hook !== undefined) {
          effects.onEvent({ type: 'step', step: 'prepared', message: `running hook: ${request.hook}` });
          try {
            await withRenewal(session, effects, leaseMs, () =>
              effects.runHook(request.hook as string, {
                tenantId: request.tenantId,
                from: state.from,
                to: state.to,
                phase: 'prepare',
                migrationId: state.id,
              }),
            );
          } catch (error) {
            // Nothing was switched: drop the record so the tenant is exactly as before.
            await session.write(() => ({ remove: ['migration'] }));
            effects.onEvent({ type: 'info', message: 'hook failed: migration abandoned, nothing switched' });
            throw error instanceof HookFailedError
              ? error
              : new HookFailedError(String(error), { cause: error });
          }
        }
        await advance(session, effects, 'prepared', () => ({}));
        effects.onEvent({ type: 'step', step: 'prepared', message: 'prepared' });
        await effects.afterStep?.('prepared');
        break;
      }
      case 'prepared': {
        if (state.freeze) {
          await advance(session, effects, 'frozen', (snapshot) => ({
            status: { S: 'maintenance' },
            priorStatus: snapshot.record.status,
          }));
          effects.onEvent({
            type: 'step',
            step: 'frozen',
            message: 'tenant in maintenance (viewers get 503 + Retry-After)',
          });
          await effects.afterStep?.('frozen');
        } else await doSwitch(session, effects);
        break;
      }
      case 'frozen': {
        await waitOut(session, effects, leaseMs, bound, 'waiting for every edge to see maintenance');
        await doSwitch(session, effects);
        break;
      }
      case 'switched': {
        await waitOut(session, effects, leaseMs, bound, 'waiting for caches and replicas to see the switch');
        if (effects.probeRoute !== undefined) await verifyTarget(session, effects, request, leaseMs);
        await advance(session, effects, 'propagated', () => ({}));
        effects.onEvent({ type: 'step', step: 'propagated', message: 'switch propagated' });
        await effects.afterStep?.('propagated');
        break;
      }
      case 'propagated': {
        const tenant = await finalize(session, effects, request.actor);
        return { kind: 'completed', migrationId: state.id, plan, tenant };
      }
    }
  }
}

async function preflight(
  request: MigrationRequest,
  tenant: TenantSnapshot,
  target: RegionRecord | undefined,
  effects: MigrationEffects,
): Promise<MigrationPlan> {
  const { record } = tenant;
  const refuse = (why: string): never => {
    throw new MigrationRefusedError(`cannot migrate ${request.tenantId} to ${request.to}: ${why}`);
  };
  if (record.status !== 'active') refuse(`the tenant is ${record.status}, not active`);
  if (record.region === request.to) refuse(`the tenant already lives in ${request.to}`);
  if (target === undefined) return refuse(`${request.to} is not a known region`);
  if (target.status !== 'active') refuse(`${request.to} is ${target.status}`);
  const url = request.healthUrl ?? healthUrlOf(target);
  effects.onEvent({ type: 'step', step: 'preflight', message: `health check ${url}` });
  const health = await effects.checkHealth(url);
  if (!health.healthy) refuse(`the target origin is unhealthy (GET ${url}: ${health.detail})`);
  return describePlan(request, record.region, request.freeze === true, target, record.origin !== undefined);
}

function describePlan(
  request: MigrationRequest,
  from: Region,
  freeze: boolean,
  target: RegionRecord | undefined,
  dedicated = false,
): MigrationPlan {
  const notes: string[] = [];
  if (dedicated)
    notes.push('the tenant has a dedicated origin: its traffic keeps going there after the switch');
  return {
    tenantId: request.tenantId,
    from,
    to: request.to,
    freeze,
    hook: request.hook ?? null,
    healthUrl: target === undefined ? null : (request.healthUrl ?? healthUrlOf(target)),
    targetOrigin: target === undefined ? '(unknown region)' : formatOrigin(target.origin),
    propagationWaitMs: request.propagationWaitMs,
    resumeFrom: null,
    steps: planSteps(freeze, request.hook !== undefined, false, request.propagationWaitMs),
    notes,
  };
}

/** One conditional write moving our migration to `phase` (plus extra attributes). */
async function advance(
  session: MigrationSession,
  effects: MigrationEffects,
  phase: MigrationPhase,
  extra: (snapshot: TenantSnapshot) => {
    status?: { S: string };
    region?: { S: string };
    priorStatus?: MigrationState['priorStatus'];
  },
): Promise<void> {
  await session.write((snapshot, state) => {
    const { priorStatus, ...attributes } = extra(snapshot);
    const next = session.renewed(state as MigrationState, {
      phase,
      phaseAt: effects.now(),
      ...(priorStatus === undefined ? {} : { priorStatus }),
    });
    return { set: { ...attributes, migration: migrationStateToAttribute(next) } };
  });
}

async function doSwitch(session: MigrationSession, effects: MigrationEffects): Promise<void> {
  const to = (session.state as MigrationState).to;
  await advance(session, effects, 'switched', () => ({ region: { S: to } }));
  effects.onEvent({ type: 'step', step: 'switched', message: `home region switched to ${to}` });
  await effects.afterStep?.('switched');
}

/** Waits what is left of the staleness bound since the phase began, renewing the lease. */
async function waitOut(
  session: MigrationSession,
  effects: MigrationEffects,
  leaseMs: number,
  bound: number,
  label: string,
): Promise<void> {
  const until = (session.state as MigrationState).phaseAt + bound;
  const chunk = Math.max(1, Math.floor(leaseMs / 3));
  for (;;) {
    const remaining = until - effects.now();
    effects.onEvent({ type: 'wait', label, totalMs: bound, remainingMs: Math.max(0, remaining) });
    if (remaining <= 0) return;
    await effects.sleep(Math.min(remaining, chunk, 1000));
    if (effects.now() < until && (session.state as MigrationState).leaseUntil - effects.now() < leaseMs / 2) {
      await session.renewLease();
    }
  }
}

async function verifyTarget(
  session: MigrationSession,
  effects: MigrationEffects,
  request: MigrationRequest,
  leaseMs: number,
): Promise<void> {
  const probe = effects.probeRoute as () => Promise<string | undefined>;
  const deadline = effects.now() + (request.verifyTimeoutMs ?? 60_000);
  const interval = request.verifyIntervalMs ?? 500;
  let last = 'no answer yet';
  for (;;) {
    try {
      const region = await probe();
      if (region === request.to) {
        effects.onEvent({ type: 'info', message: `verified: ${request.to} answers through the router` });
        return;
      }
      last = region === undefined ? 'answer did not name a region' : `${region} answered`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (effects.now() >= deadline) {
      throw new VerifyFailedError(
        `--verify-url never reached ${request.to} (last: ${last}); the switch stays in place: rerun to verify again, or --rollback`,
      );
    }
    effects.onEvent({ type: 'info', message: `verify: ${last}; probing again` });
    await effects.sleep(interval);
    if ((session.state as MigrationState).leaseUntil - effects.now() < leaseMs / 2)
      await session.renewLease();
  }
}

async function finalize(
  session: MigrationSession,
  effects: MigrationEffects,
  actor: string,
): Promise<TenantSnapshot> {
  const state = session.state as MigrationState;
  // The audit entry first, under a key fixed by the migration: a crash before the final write and
  // a rerun write the same entry again instead of a second one.
  await effects.table.putAudit({
    tenantId: session.current.record.tenantId,
    id: state.id,
    at: state.startedAt,
    action: 'migrate',
    actor,
    details: {
      from: state.from,
      to: state.to,
      freeze: String(state.freeze),
      finishedAt: new Date(effects.now()).toISOString(),
    },
  });
  const tenant = await session.write((snapshot, current) => ({
    ...restoreStatus(snapshot, current as MigrationState),
    remove: ['migration'],
  }));
  effects.onEvent({
    type: 'step',
    step: 'finalized',
    message: `tenant ${tenant.record.tenantId} lives in ${tenant.record.region}`,
  });
  await effects.afterStep?.('finalized');
  return tenant;
}

/** Ends a freeze: back to the status before it, unless an operator changed the status since. */
function restoreStatus(snapshot: TenantSnapshot, state: MigrationState): { set?: { status: { S: string } } } {
  if (state.priorStatus !== undefined && snapshot.record.status === 'maintenance') {
    return { set: { status: { S: state.priorStatus } } };
  }
  return {};
}

async function withRenewal<T>(
  session: MigrationSession,
  effects: MigrationEffects,
  leaseMs: number,
  work: () => Promise<T>,
): Promise<T> {
  const stop = effects.startRenewal?.(() => session.renewLease(), Math.max(1, Math.floor(leaseMs / 3)));
  try {
    return await work();
  } finally {
    stop?.();
  }
}

/** What to roll back. */
export interface RollbackRequest {
  readonly tenantId: TenantId;
  readonly hook?: string | undefined;
  readonly takeover?: boolean;
  readonly owner: string;
  readonly actor: string;
  /** @default 30000 */
  readonly leaseMs?: number;
  readonly propagationWaitMs: number;
}

/**
 * Returns a migrating tenant to its source region from any phase. A frozen tenant that was
 * switched is switched back first (still in maintenance, phase `frozen`), the staleness bound is
 * waited out, and only then is it unfrozen, so it never takes writes in two regions. Resumable like
 * a migration: a rerun continues from the recorded phase.
 */
export async function rollbackMigration(
  request: RollbackRequest,
  effects: MigrationEffects,
): Promise<MigrationOutcome> {
  const { session, leaseMs } = await openSession(request, effects);
  if (session.state === undefined) {
    throw new MigrationRefusedError(`tenant ${request.tenantId} has no migration in progress to roll back`);
  }
  const start = await session.acquire(request.takeover === true);
  const fromPhase = start.phase;
  effects.onEvent({
    type: 'step',
    step: 'resume',
    message: `rolling back migration ${start.id} from phase ${fromPhase}`,
  });
  if (request.hook !== undefined) {
    effects.onEvent({ type: 'info', message: `running hook: ${request.hook}` });
    await withRenewal(session, effects, leaseMs, () =>
      effects.runHook(request.hook as string, {
        tenantId: request.tenantId,
        from: start.from,
        to: start.to,
        phase: 'rollback',
        migrationId: start.id,
      }),
    );
  }
  const state = session.state as MigrationState;
  const switched = state.phase === 'switched' || state.phase === 'propagated';
  if (switched && state.freeze) {
    await session.write((_, current) => ({
      set: {
        region: { S: state.from },
        migration: migrationStateToAttribute(
          session.renewed(current as MigrationState, { phase: 'frozen', phaseAt: effects.now() }),
        ),
      },
    }));
    effects.onEvent({
      type: 'step',
      step: 'unswitched',
      message: `home region back to ${state.from}, still in maintenance`,
    });
    await effects.afterStep?.('unswitched');
  }
  if ((session.state as MigrationState).phase === 'frozen') {
    await waitOut(
      session,
      effects,
      leaseMs,
      request.propagationWaitMs,
      'waiting for every edge to see the source region',
    );
  }
  await effects.table.putAudit({
    tenantId: request.tenantId,
    id: `${state.id}-rollback`,
    at: state.startedAt,
    action: 'migrate-rollback',
    actor: request.actor,
    details: { from: state.from, to: state.to, fromPhase, finishedAt: new Date(effects.now()).toISOString() },
  });
  const tenant = await session.write((snapshot, current) => {
    const restore = restoreStatus(snapshot, current as MigrationState);
    return { set: { region: { S: state.from }, ...restore.set }, remove: ['migration'] };
  });
  effects.onEvent({
    type: 'step',
    step: 'rolled-back',
    message: `tenant ${request.tenantId} back in ${state.from}`,
  });
  await effects.afterStep?.('rolled-back');
  if (switched && !state.freeze) {
    const since = effects.now();
    const until = since + request.propagationWaitMs;
    while (effects.now() < until) {
      effects.onEvent({
        type: 'wait',
        label: 'caches still route some requests to the target until',
        totalMs: request.propagationWaitMs,
        remainingMs: until - effects.now(),
      });
      await effects.sleep(Math.min(until - effects.now(), 1000));
    }
  }
  return { kind: 'rolled-back', migrationId: state.id, fromPhase, tenant };
}
