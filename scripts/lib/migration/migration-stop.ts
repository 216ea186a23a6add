/**
 * What a migration or rollback that stopped says: where it stopped and exactly how to recover.
 * On the operator's stop (Ctrl-C) the lease is released first, so the rerun it names resumes at
 * once; on an error the lease is released when the table still answers.
 */
import type { TenantId } from '../../../edge/model.ts';
import { InterruptedError } from '../errors.ts';
import type { MigrationEffects } from './migration-effects.ts';
import {
  HookFailedError,
  InjectedCrashError,
  MigrationLostError,
  VerifyFailedError,
} from './migration-errors.ts';
import type { HeldMigration } from './migration-session.ts';

/** Turns the error that stopped a run into the one to report (with the way back in it). */
export async function explainStop(
  held: HeldMigration,
  effects: Pick<MigrationEffects, 'signal' | 'table'>,
  tenantId: TenantId,
  error: unknown,
): Promise<unknown> {
  // A test's stand-in for a kill: nothing may run after it, as after a real one.
  if (error instanceof MigrationLostError || error instanceof InjectedCrashError) return error;
  const state = held.state;
  const resume = `\`npm run migrate -- ${tenantId} --to ${state.to}\``;
  const undo = `\`npm run migrate -- ${tenantId} --rollback\``;
  const current = await effects.table.getTenant(tenantId).catch(() => undefined);
  const stillOurs = current?.migration?.id === state.id;
  const interrupted = effects.signal?.aborted === true;
  if (!stillOurs && current !== undefined) {
    const why = interrupted ? 'interrupted' : 'stopped';
    if (current.record.region === state.to && current.migration === undefined) {
      const done = `${why} after the migration of ${tenantId} to ${state.to} had finished; nothing to resume`;
      return interrupted ? new InterruptedError(done, { cause: error }) : withRecovery(error, done);
    }
    const message = `${why}: the migration of ${tenantId} was abandoned before the switch and nothing changed (it lives in ${current.record.region}); rerun ${resume} to start again`;
    return interrupted ? new InterruptedError(message, { cause: error }) : withRecovery(error, message);
  }
  let released = false;
  if (stillOurs)
    released = await held.releaseLease().then(
      () => true,
      () => false,
    );
  const where = `migration ${state.id} of ${tenantId} (${state.from} -> ${state.to}) stopped in phase ${state.phase}`;
  const lease = released
    ? 'its lease is released'
    : `its lease ends ${new Date(state.leaseUntil).toISOString()} (or pass --takeover)`;
  const next = `resume with ${resume} or undo with ${undo}`;
  if (interrupted) return new InterruptedError(`interrupted: ${where}; ${lease}: ${next}`, { cause: error });
  if (error instanceof VerifyFailedError || error instanceof HookFailedError)
    return withRecovery(error, `${lease}: ${next}`);
  return withRecovery(error, `${where}; ${lease}: when the cause is fixed, ${next}`);
}

/** The error with the recovery appended to its message (its class kept, for the exit code). */
function withRecovery(error: unknown, recovery: string): unknown {
  if (!(error instanceof Error)) return error;
  error.message = `${error.message}; ${recovery}`;
  return error;
}
