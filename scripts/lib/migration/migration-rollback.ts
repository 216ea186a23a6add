/**
 * Rolling a migration back from any phase, as named steps:
 *
 *   hook (phase=rollback) -> [unswitch: back home, still frozen] -> [wait out the bound while
 *   frozen] -> audit -> restore (home region, status, record removed) -> [show the cache tail]
 *
 * A frozen tenant that was switched is switched back first (still in maintenance, phase
 * `frozen`), the staleness bound is waited out, and only then is it unfrozen, so it never takes
 * writes in two regions. Resumable like a migration: a rerun continues from the recorded phase.
 */
import type { MigrationPhase, TenantId } from '../../../edge/model.ts';
import type { MigrationState, TenantSnapshot } from '../tenants/tenant-table.ts';
import type { MigrationEffects } from './migration-effects.ts';
import { MigrationRefusedError } from './migration-errors.ts';
import type { MigrationOutcome } from './migration-machine.ts';
import { acquireMigration, openTenant } from './migration-session.ts';
import { advance, type LeasedRun, restoreStatus, withRenewal } from './migration-steps.ts';
import { explainStop } from './migration-stop.ts';
import { type PropagationBounds, waitForPropagation } from './propagation-wait.ts';

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
  /** The bound's parts, for the wait that reads every replica (see `MigrationRequest`). */
  readonly replicaCheck?: PropagationBounds['replicaCheck'];
}

interface RollbackRun extends LeasedRun {
  readonly request: RollbackRequest;
  /** Our migration as it was when the rollback took it over. */
  readonly start: MigrationState;
}

/** Returns a migrating tenant to its source region from any phase (see the file's comment). */
export async function rollbackMigration(
  request: RollbackRequest,
  effects: MigrationEffects,
): Promise<MigrationOutcome> {
  const opened = await openTenant(request, effects);
  if (opened.tenant.migration === undefined) {
    throw new MigrationRefusedError(`tenant ${request.tenantId} has no migration in progress to roll back`);
  }
  const held = await acquireMigration(opened, request.takeover === true);
  const run: RollbackRun = { request, effects, held, leaseMs: opened.options.leaseMs, start: held.state };
  effects.onEvent({
    type: 'step',
    step: 'resume',
    message: `rolling back migration ${run.start.id} from phase ${run.start.phase}`,
  });
  let tenant: TenantSnapshot;
  try {
    tenant = await rollBack(run);
  } catch (error) {
    throw await explainStop(held, effects, request.tenantId, error);
  }
  // Done: an interrupted wait only stops showing the tail.
  if (isSwitched(run.start.phase) && !run.start.freeze) await showCacheTail(run).catch(() => undefined);
  return { kind: 'rolled-back', migrationId: run.start.id, fromPhase: run.start.phase, tenant };
}

/** The steps of a rollback (see the file's comment). */
async function rollBack(run: RollbackRun): Promise<TenantSnapshot> {
  const { request, held } = run;
  if (request.hook !== undefined) await runRollbackHook(run, request.hook);
  const switched = isSwitched(run.start.phase);
  if (switched && run.start.freeze) await unswitch(run);
  if (held.state.phase === 'frozen') {
    await waitForPropagation(run, request, 'waiting for every edge to see the source region');
  }
  return restoreSource(run);
}

function isSwitched(phase: MigrationPhase): boolean {
  return phase === 'switched' || phase === 'propagated';
}

async function runRollbackHook(run: RollbackRun, hook: string): Promise<void> {
  const { start } = run;
  run.effects.onEvent({ type: 'info', message: `running hook: ${hook}` });
  await withRenewal(run, () =>
    run.effects.runHook(hook, {
      tenantId: run.request.tenantId,
      from: start.from,
      to: start.to,
      phase: 'rollback',
      migrationId: start.id,
    }),
  );
}

/** Switched and frozen: home region back to the source, still in maintenance (phase `frozen`). */
async function unswitch(run: RollbackRun): Promise<void> {
  const { from } = run.start;
  await advance(run, 'frozen', () => ({ region: from }));
  run.effects.onEvent({
    type: 'step',
    step: 'unswitched',
    message: `home region back to ${from}, still in maintenance`,
  });
  await run.effects.afterStep?.('unswitched');
}

/** The audit entry, then the source region and the status before any freeze, record removed. */
async function restoreSource(run: RollbackRun): Promise<TenantSnapshot> {
  const { effects, held, request, start } = run;
  await effects.table.putAudit({
    tenantId: request.tenantId,
    id: `${start.id}-rollback`,
    at: start.startedAt,
    action: 'migrate-rollback',
    actor: request.actor,
    details: {
      from: start.from,
      to: start.to,
      fromPhase: start.phase,
      finishedAt: new Date(effects.now()).toISOString(),
    },
  });
  const tenant = await held.write((current, ours) => ({
    region: start.from,
    ...restoreStatus(current, ours),
    migration: null,
  }));
  effects.onEvent({
    type: 'step',
    step: 'rolled-back',
    message: `tenant ${request.tenantId} back in ${start.from}`,
  });
  await effects.afterStep?.('rolled-back');
  return tenant;
}

/** Unfrozen and switched back in one write: caches still send some requests to the target a while. */
async function showCacheTail(run: RollbackRun): Promise<void> {
  const { effects, request } = run;
  const until = effects.now() + request.propagationWaitMs;
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
