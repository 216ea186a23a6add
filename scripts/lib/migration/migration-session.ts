/**
 * One process's hold on one tenant's migration. Every write is conditional on the tenant's
 * `version`, writes are serialised (the lease renewal and the phase steps never race each other),
 * and a write lost to another writer is re-read: if the migration is still ours (same id, same
 * owner) the write is rebuilt on the new item and retried (an operator may have suspended the
 * tenant meanwhile); if not, {@link MigrationLostError}.
 */
import type { TenantId } from '../../../edge/model.ts';
import { modifyWithRetry } from '../tenants/modify-with-retry.ts';
import { VersionConflictError } from '../tenants/tenant-errors.ts';
import type { MigrationState, TenantChange, TenantSnapshot } from '../tenants/tenant-table.ts';
import type { MigrationEffects, MigrationTable } from './migration-effects.ts';
import { MigrationLostError, MigrationRefusedError } from './migration-errors.ts';

/** How long each write holds the lease when the request does not say. */
export const DEFAULT_LEASE_MS = 30_000;

/** Who holds a session, on which tenant, for how long. */
export interface SessionOptions {
  readonly table: MigrationTable;
  readonly tenantId: TenantId;
  /** This process's owner name. */
  readonly owner: string;
  /** How long each write holds the lease. */
  readonly leaseMs: number;
  readonly now: () => number;
}

/** Builds a write of our migration from the tenant as last read and our migration state. */
export type WriteBuilder = (tenant: TenantSnapshot, state: MigrationState) => TenantChange;

/** A tenant read to migrate (or roll back), with the session options of this run. */
export interface OpenedTenant {
  readonly tenant: TenantSnapshot;
  readonly options: SessionOptions;
}

/** Reads the tenant a request names; refuses an unknown tenant. */
export async function openTenant(
  request: { readonly tenantId: TenantId; readonly owner: string; readonly leaseMs?: number | undefined },
  effects: Pick<MigrationEffects, 'table' | 'now'>,
): Promise<OpenedTenant> {
  const options: SessionOptions = {
    table: effects.table,
    tenantId: request.tenantId,
    owner: request.owner,
    leaseMs: request.leaseMs ?? DEFAULT_LEASE_MS,
    now: effects.now,
  };
  const tenant = await options.table.getTenant(options.tenantId);
  if (tenant === undefined) throw new MigrationRefusedError(`no tenant ${request.tenantId}`);
  return { tenant, options };
}

/**
 * Starts a migration: writes `state` on a tenant with no migration, conditional on the version
 * read. Losing the race to any other write refuses: the tenant changed under the preflight.
 */
export async function beginMigration(opened: OpenedTenant, state: MigrationState): Promise<HeldMigration> {
  const { options } = opened;
  try {
    return await claim(opened, state);
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    const now = await options.table.getTenant(options.tenantId);
    const other = now?.migration;
    throw new MigrationRefusedError(
      other === undefined
        ? `tenant ${options.tenantId} changed during preflight; rerun`
        : `tenant ${options.tenantId} is already being migrated to ${other.to} by ${other.owner}`,
    );
  }
}

/**
 * Takes over the tenant's migration in progress: refused while another owner's lease is live,
 * unless `takeover` (the operator asserts the other process is gone).
 */
export async function acquireMigration(opened: OpenedTenant, takeover: boolean): Promise<HeldMigration> {
  const { options } = opened;
  const id = options.tenantId;
  return modifyWithRetry<TenantSnapshot | undefined, HeldMigration>(opened.tenant, {
    read: () => options.table.getTenant(id),
    decide: (tenant) => {
      if (tenant === undefined) throw new MigrationRefusedError(`tenant ${id} was removed`);
      const state = tenant.migration;
      if (state === undefined) throw new MigrationRefusedError(`tenant ${id} has no migration in progress`);
      const remaining = state.leaseUntil - options.now();
      if (state.owner !== options.owner && remaining > 0 && !takeover) {
        throw new MigrationRefusedError(
          `tenant ${id} is being migrated to ${state.to} by ${state.owner} (phase ${state.phase}, lease for ${Math.ceil(remaining / 1000)}s more); if that process is gone, rerun after the lease or pass --takeover`,
        );
      }
      return { write: () => claim({ tenant, options }, state) };
    },
    giveUp: () => new MigrationRefusedError(`tenant ${id} kept changing concurrently; rerun`),
  });
}

/** Writes `state` with a fresh lease under this owner, conditional on the version read. */
async function claim(opened: OpenedTenant, state: MigrationState): Promise<HeldMigration> {
  const held = renewedBy(opened.options, state);
  const tenant = await opened.options.table.updateTenant(opened.tenant, { migration: held });
  return new HeldMigration(opened.options, tenant, held);
}

function renewedBy(options: SessionOptions, state: MigrationState, changes: Partial<MigrationState> = {}) {
  return { ...state, ...changes, owner: options.owner, leaseUntil: options.now() + options.leaseMs };
}

/** A migration this process holds. */
export class HeldMigration {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: SessionOptions,
    private snapshot: TenantSnapshot,
    private ours: MigrationState,
  ) {}

  /** The tenant as last read or written. */
  get tenant(): TenantSnapshot {
    return this.snapshot;
  }

  /** Our migration as last written (kept after the write that removes it, for the outcome). */
  get state(): MigrationState {
    return this.ours;
  }

  /** `state` with a renewed lease held by this process and the given changes. */
  renewed(state: MigrationState, changes: Partial<MigrationState> = {}): MigrationState {
    return renewedBy(this.options, state, changes);
  }

  /** Writes a change of our migration, conditional on the version, rebuilt while it is still ours. */
  write(build: WriteBuilder): Promise<TenantSnapshot> {
    const id = this.options.tenantId;
    return this.serialised(() =>
      modifyWithRetry<TenantSnapshot | undefined, TenantSnapshot>(this.snapshot, {
        read: () => this.options.table.getTenant(id),
        decide: (read) => {
          const { tenant, state } = this.stillOurs(read);
          const change = build(tenant, state);
          return { write: () => this.store(tenant, change) };
        },
        giveUp: () => new MigrationLostError(`tenant ${id} kept changing concurrently`),
      }),
    );
  }

  /**
   * Ends our lease now (the operator stopped the run), so a rerun resumes at once without
   * `--takeover`; the migration record and its phase stay.
   */
  async releaseLease(): Promise<void> {
    await this.write((_, state) => ({ migration: { ...state, leaseUntil: this.options.now() } }));
  }

  /** Renews the lease (during long waits and hooks). */
  async renewLease(): Promise<void> {
    await this.write((_, state) => ({ migration: this.renewed(state) }));
  }

  private async store(tenant: TenantSnapshot, change: TenantChange): Promise<TenantSnapshot> {
    this.snapshot = await this.options.table.updateTenant(tenant, change);
    if (this.snapshot.migration !== undefined) this.ours = this.snapshot.migration;
    return this.snapshot;
  }

  /** The tenant and our migration in it; {@link MigrationLostError} when it is no longer ours. */
  private stillOurs(read: TenantSnapshot | undefined): { tenant: TenantSnapshot; state: MigrationState } {
    const id = this.options.tenantId;
    if (read === undefined) throw new MigrationLostError(`tenant ${id} was removed`);
    const state = read.migration;
    if (state === undefined || state.id !== this.ours.id || state.owner !== this.options.owner) {
      throw new MigrationLostError(
        state === undefined
          ? `the migration of ${id} was finished or rolled back by another process`
          : `the migration of ${id} was taken over by ${state.owner}`,
      );
    }
    return { tenant: read, state };
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
