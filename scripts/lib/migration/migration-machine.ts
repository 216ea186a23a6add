/**
 * The region migration state machine. Its state lives in the tenant item (the `migration` map,
 * see `MigrationState`), every step is one conditional write on the tenant's `version` (the
 * phase -> step table is in migration-steps.ts), and its effects come in through
 * {@link MigrationEffects}, so a run killed after any write resumes from the item on any machine,
 * and tests drive it with a fake clock.
 *
 * Phases: planned -> prepared -> [frozen] -> switched -> propagated -> (finalized: record removed).
 */
import type { MigrationPhase, RegionRecord } from '../../../edge/model.ts';
import type { MigrationState, TenantSnapshot } from '../tenants/tenant-table.ts';
import type { MigrationEffects } from './migration-effects.ts';
import { MigrationRefusedError } from './migration-errors.ts';
import { describePlan, type MigrationPlan, type MigrationRequest, preflight } from './migration-plan.ts';
import {
  acquireMigration,
  beginMigration,
  type HeldMigration,
  type OpenedTenant,
  openTenant,
} from './migration-session.ts';
import { MIGRATION_STEPS, type MigrationRun, verifyAfterUnfreeze } from './migration-steps.ts';
import { explainStop } from './migration-stop.ts';

// The types of runMigration's signature, for callers that import the machine alone.
export type { MigrationPlan, MigrationRequest } from './migration-plan.ts';

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

/** A dry run's outcome: the plan, nothing written. */
type DryRun = Extract<MigrationOutcome, { readonly kind: 'dry-run' }>;

/** A run ready to step: its plan and our hold on the migration. */
interface Started {
  readonly kind: 'started';
  readonly plan: MigrationPlan;
  readonly held: HeldMigration;
}

/** Runs (or resumes) a migration to `request.to`. */
export async function runMigration(
  request: MigrationRequest,
  effects: MigrationEffects,
): Promise<MigrationOutcome> {
  const opened = await openTenant(request, effects);
  const target = (await effects.table.getRegions())?.regions.get(request.to);
  const existing = opened.tenant.migration;
  const start =
    existing === undefined
      ? await startNew(request, effects, opened, target)
      : await resume(request, effects, opened, existing, target);
  if (start.kind === 'dry-run') return start;
  const run: MigrationRun = { request, effects, held: start.held, leaseMs: opened.options.leaseMs };
  let tenant: TenantSnapshot;
  try {
    tenant = await runSteps(run);
  } catch (error) {
    throw await explainStop(start.held, effects, request.tenantId, error);
  }
  await verifyAfterUnfreeze(run);
  return { kind: 'completed', migrationId: start.held.state.id, plan: start.plan, tenant };
}

/** Runs the step of each phase the migration is in until the last one finishes it. */
async function runSteps(run: MigrationRun): Promise<TenantSnapshot> {
  for (;;) {
    // The operator's stop is taken between steps too: a step may have nothing left to wait for.
    run.effects.signal?.throwIfAborted();
    const phase = run.held.state.phase;
    const outcome = await MIGRATION_STEPS[phase](run);
    if (outcome.done) return outcome.tenant;
    // Every step records a later phase; one that did not would loop here for ever.
    if (run.held.state.phase === phase) throw new Error(`bug: migration step ${phase} did not advance`);
  }
}

/** A new migration: preflight, then the `planned` write (unless a dry run). */
async function startNew(
  request: MigrationRequest,
  effects: MigrationEffects,
  opened: OpenedTenant,
  target: RegionRecord | undefined,
): Promise<Started | DryRun> {
  const plan = await preflight(request, opened.tenant, target, effects);
  if (request.dryRun === true) return { kind: 'dry-run', plan };
  const now = effects.now();
  const held = await beginMigration(opened, {
    id: effects.newId(),
    from: opened.tenant.record.region,
    to: request.to,
    phase: 'planned',
    startedAt: new Date(now).toISOString(),
    owner: request.owner,
    leaseUntil: now + opened.options.leaseMs,
    phaseAt: now,
    freeze: request.freeze === true,
  });
  effects.onEvent({ type: 'step', step: 'planned', message: `migration ${held.state.id} planned` });
  await effects.afterStep?.('planned');
  return { kind: 'started', plan, held };
}

/** A migration in progress: the same target only, the recorded `--freeze` choice, our lease. */
async function resume(
  request: MigrationRequest,
  effects: MigrationEffects,
  opened: OpenedTenant,
  existing: MigrationState,
  target: RegionRecord | undefined,
): Promise<Started | DryRun> {
  if (existing.to !== request.to) {
    throw new MigrationRefusedError(
      `tenant ${request.tenantId} is already migrating to ${existing.to} (phase ${existing.phase}); resume it with --to ${existing.to} or roll it back with --rollback`,
    );
  }
  const plan: MigrationPlan = {
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
  const held = await acquireMigration(opened, request.takeover === true);
  effects.onEvent({
    type: 'step',
    step: 'resume',
    message: `resuming migration ${existing.id} from phase ${existing.phase}`,
  });
  return { kind: 'started', plan, held };
}
