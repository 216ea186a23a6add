/**
 * The steps of a migration, one per phase it leaves, each ending in one conditional write that
 * records the next phase (then the crash hook may fire), so a run killed anywhere resumes from
 * the item:
 *
 *   planned --prepare--> prepared --freeze--> frozen --switchAfterFreeze--> switched
 *                                 \--switchHome (no --freeze)------------->/
 *   switched --confirmPropagation--> propagated --finalize--> (record removed)
 *
 * Also the pieces rollback shares: renewing the lease around a hook, restoring the status a freeze
 * replaced (the waits are in propagation-wait.ts).
 */
import type { MigrationPhase, Region, TenantStatus } from '../../../edge/model.ts';
import type { MigrationState, TenantChange, TenantSnapshot } from '../tenants/tenant-table.ts';
import type { MigrationEffects } from './migration-effects.ts';
import { HookFailedError, VerifyFailedError } from './migration-errors.ts';
import type { MigrationRequest } from './migration-plan.ts';
import type { HeldMigration } from './migration-session.ts';
import { waitForPropagation } from './propagation-wait.ts';

/** What a step of a migration or rollback works on: our hold, the effects and the lease length. */
export interface LeasedRun {
  readonly held: HeldMigration;
  readonly effects: MigrationEffects;
  readonly leaseMs: number;
}

/** A migration run. */
export interface MigrationRun extends LeasedRun {
  readonly request: MigrationRequest;
}

/** How a step ended: the migration moved on to its next phase, or it is finished. */
export type StepOutcome = { readonly done: false } | { readonly done: true; readonly tenant: TenantSnapshot };

/** One step: from the phase it is listed under to the next. */
export type MigrationStepRunner = (run: MigrationRun) => Promise<StepOutcome>;

const NEXT: StepOutcome = { done: false };

/** The step that leaves each phase. */
export const MIGRATION_STEPS: { readonly [P in MigrationPhase]: MigrationStepRunner } = {
  planned: prepare,
  prepared: freezeOrSwitch,
  frozen: switchAfterFreeze,
  switched: confirmPropagation,
  propagated: finalize,
};

/** planned -> prepared: runs the prepare hook; a failing hook abandons the migration. */
async function prepare(run: MigrationRun): Promise<StepOutcome> {
  const { hook } = run.request;
  if (hook !== undefined) await runPrepareHook(run, hook);
  await advance(run, 'prepared');
  run.effects.onEvent({ type: 'step', step: 'prepared', message: 'prepared' });
  await run.effects.afterStep?.('prepared');
  return NEXT;
}

async function runPrepareHook(run: MigrationRun, hook: string): Promise<void> {
  const { effects, held, request } = run;
  const state = held.state;
  effects.onEvent({ type: 'step', step: 'prepared', message: `running hook: ${hook}` });
  try {
    await withRenewal(run, () =>
      effects.runHook(hook, {
        tenantId: request.tenantId,
        from: state.from,
        to: state.to,
        phase: 'prepare',
        migrationId: state.id,
      }),
    );
  } catch (error) {
    // Nothing was switched: drop the record so the tenant is exactly as before.
    await held.write(() => ({ migration: null }));
    effects.onEvent({ type: 'info', message: 'hook failed: migration abandoned, nothing switched' });
    throw error instanceof HookFailedError ? error : new HookFailedError(String(error), { cause: error });
  }
}

/** prepared -> frozen (maintenance, with `--freeze`), else straight to switched. */
async function freezeOrSwitch(run: MigrationRun): Promise<StepOutcome> {
  if (!run.held.state.freeze) return switchHome(run);
  await advance(run, 'frozen', (tenant) => ({ status: 'maintenance', priorStatus: tenant.record.status }));
  run.effects.onEvent({
    type: 'step',
    step: 'frozen',
    message: 'tenant in maintenance (viewers get 503 + Retry-After)',
  });
  await run.effects.afterStep?.('frozen');
  return NEXT;
}

/** frozen -> switched, once every edge answers maintenance. */
async function switchAfterFreeze(run: MigrationRun): Promise<StepOutcome> {
  await waitForPropagation(run, run.request, 'waiting for every edge to see maintenance');
  return switchHome(run);
}

/** -> switched: the home region to the target, one write, so every domain switches together. */
async function switchHome(run: MigrationRun): Promise<StepOutcome> {
  const { to } = run.held.state;
  await advance(run, 'switched', () => ({ region: to }));
  run.effects.onEvent({ type: 'step', step: 'switched', message: `home region switched to ${to}` });
  await run.effects.afterStep?.('switched');
  return NEXT;
}

/**
 * switched -> propagated: waits until every edge sees the switch (every replica holds it, then the
 * cache TTL; or the staleness bound), then `--verify-url` if asked. A frozen tenant answers 503
 * through the router until it is unfrozen, so with `--freeze` the probe runs after finalize
 * instead (see verifyAfterUnfreeze).
 */
async function confirmPropagation(run: MigrationRun): Promise<StepOutcome> {
  await waitForPropagation(run, run.request, 'waiting for caches and replicas to see the switch');
  const probe = run.effects.probeRoute;
  if (probe !== undefined && !run.held.state.freeze) await verifyTarget(run, probe);
  await advance(run, 'propagated');
  run.effects.onEvent({ type: 'step', step: 'propagated', message: 'switch propagated' });
  await run.effects.afterStep?.('propagated');
  return NEXT;
}

/** propagated -> finished: the audit entry, then the status restored and the record removed. */
async function finalize(run: MigrationRun): Promise<StepOutcome> {
  const { effects, held } = run;
  const state = held.state;
  // The audit entry first, under a key fixed by the migration: a crash before the final write and
  // a rerun write the same entry again instead of a second one.
  await effects.table.putAudit({
    tenantId: run.request.tenantId,
    id: state.id,
    at: state.startedAt,
    action: 'migrate',
    actor: run.request.actor,
    details: {
      from: state.from,
      to: state.to,
      freeze: String(state.freeze),
      finishedAt: new Date(effects.now()).toISOString(),
    },
  });
  const tenant = await held.write((current, ours) => ({ ...restoreStatus(current, ours), migration: null }));
  effects.onEvent({
    type: 'step',
    step: 'finalized',
    message: `tenant ${tenant.record.tenantId} lives in ${tenant.record.region}`,
  });
  await effects.afterStep?.('finalized');
  return { done: true, tenant };
}

/** What a phase's write changes besides the migration record. */
interface PhaseChange {
  readonly status?: TenantStatus;
  readonly region?: Region;
  /** Kept in the migration record: the status a freeze replaced. */
  readonly priorStatus?: TenantStatus;
}

/** One conditional write moving our migration to `phase` (plus `extra` changes of the tenant). */
export async function advance(
  run: LeasedRun,
  phase: MigrationPhase,
  extra: (tenant: TenantSnapshot) => PhaseChange = () => ({}),
): Promise<void> {
  await run.held.write((tenant, state) => {
    const { priorStatus, ...change } = extra(tenant);
    const next = run.held.renewed(state, {
      phase,
      phaseAt: run.effects.now(),
      ...(priorStatus === undefined ? {} : { priorStatus }),
    });
    return { ...change, migration: next };
  });
}

/** Ends a freeze: back to the status before it, unless an operator changed the status since. */
export function restoreStatus(tenant: TenantSnapshot, state: MigrationState): Pick<TenantChange, 'status'> {
  if (state.priorStatus !== undefined && tenant.record.status === 'maintenance') {
    return { status: state.priorStatus };
  }
  return {};
}

/** Runs `work` (a hook) while a timer renews the lease. */
export async function withRenewal<T>(run: LeasedRun, work: () => Promise<T>): Promise<T> {
  const { effects, held, leaseMs } = run;
  const stop = effects.startRenewal?.(() => held.renewLease(), Math.max(1, Math.floor(leaseMs / 3)));
  try {
    return await work();
  } finally {
    stop?.();
  }
}

/** Probes `--verify-url` until the target region answers, renewing the lease; gives up at the limit. */
async function verifyTarget(run: MigrationRun, probe: () => Promise<string | undefined>): Promise<void> {
  const { request, held } = run;
  const deadline = run.effects.now() + (request.verifyTimeoutMs ?? 60_000);
  const last = await probeUntil(
    run,
    probe,
    deadline,
    () => held.state.leaseUntil - run.effects.now() < run.leaseMs / 2,
  );
  if (last === undefined) return;
  throw new VerifyFailedError(
    `--verify-url never reached ${request.to} (last: ${last}); the switch stays in place (phase switched)`,
  );
}

/**
 * `--verify-url` of a `--freeze` migration, once finalize unfroze it: the edges see the unfreeze
 * within the staleness bound, so the probe may take that long on top of its own limit. A failure
 * here comes after the migration finished: the message says how to move the tenant back.
 */
export async function verifyAfterUnfreeze(run: MigrationRun): Promise<void> {
  const probe = run.effects.probeRoute;
  if (probe === undefined || !run.held.state.freeze) return;
  const { request } = run;
  const deadline = run.effects.now() + request.propagationWaitMs + (request.verifyTimeoutMs ?? 60_000);
  const last = await probeUntil(run, probe, deadline, () => false);
  if (last === undefined) return;
  const from = run.held.state.from;
  throw new VerifyFailedError(
    `the migration finished (${request.tenantId} lives in ${request.to} and is unfrozen), but --verify-url never reached ${request.to} (last: ${last}): check ${request.to}'s origin; to move the tenant back, run \`npm run migrate -- ${request.tenantId} --to ${from}\``,
  );
}

/** Probes until the target answers (undefined) or the deadline passes (the last answer seen). */
async function probeUntil(
  run: MigrationRun,
  probe: () => Promise<string | undefined>,
  deadline: number,
  renewNow: () => boolean,
): Promise<string | undefined> {
  const { effects, held, request } = run;
  const interval = request.verifyIntervalMs ?? 500;
  let last = 'no answer yet';
  for (;;) {
    try {
      const region = await probe();
      if (region === request.to) {
        effects.onEvent({ type: 'info', message: `verified: ${request.to} answers through the router` });
        return undefined;
      }
      last = region === undefined ? 'answer did not name a region' : `${region} answered`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (effects.now() >= deadline) return last;
    effects.onEvent({ type: 'info', message: `verify: ${last}; probing again` });
    await effects.sleep(interval);
    if (renewNow()) await held.renewLease();
  }
}
