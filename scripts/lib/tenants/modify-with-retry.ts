/**
 * Read-modify-write of one item under optimistic concurrency: decide on the item as read, write
 * conditionally on its version, and on a lost race re-read and decide again, a bounded number of
 * times. Every conditional write of the operator tools that may lose to a concurrent writer (an
 * operator, a migration renewing its lease) goes through here, so none is ever lost silently.
 */
import { VersionConflictError } from './tenant-errors.ts';

/** Conditional writes tried before giving up on an item that keeps changing under us. */
export const CONFLICT_ATTEMPTS = 10;

/**
 * What {@link Modification.decide} chose: stop with `result`, writing nothing, or run `write`, a
 * conditional write built on the item as read (it throws {@link VersionConflictError} when the
 * item moved on, and then nothing was written).
 */
export type Decision<R> = { readonly result: R } | { readonly write: () => Promise<R> };

/** One read-modify-write. */
export interface Modification<S, R> {
  /** Re-reads the item after a lost race (strongly consistent). */
  read(): Promise<S>;
  /**
   * Decides on the item as read, without side effects: it runs again on every re-read. Throws to
   * refuse the operation.
   */
  decide(current: S): Decision<R>;
  /** The error once {@link CONFLICT_ATTEMPTS} writes all lost to concurrent writers. */
  giveUp(): Error;
}

/**
 * Runs a {@link Modification} starting from `current` (the item as the caller last read it).
 *
 * @example
 * const tenant = await modifyWithRetry(await table.getTenant(id), {
 *   read: () => table.getTenant(id),
 *   decide: (t) => {
 *     if (t === undefined) throw new OperationRefusedError(`no tenant ${id}`);
 *     return t.record.status === 'suspended'
 *       ? { result: t }
 *       : { write: () => table.updateTenant(t, { status: 'suspended' }) };
 *   },
 *   giveUp: () => new OperationRefusedError(`tenant ${id} kept changing concurrently; rerun`),
 * });
 */
export async function modifyWithRetry<S, R>(
  current: S,
  modification: Modification<S, R>,
  attempts: number = CONFLICT_ATTEMPTS,
): Promise<R> {
  let item = current;
  for (let attempt = 1; ; attempt++) {
    const decision = modification.decide(item);
    if ('result' in decision) return decision.result;
    try {
      return await decision.write();
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      if (attempt >= attempts) throw modification.giveUp();
    }
    item = await modification.read();
  }
}
