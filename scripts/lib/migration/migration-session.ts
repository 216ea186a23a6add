/**
 * One process's hold on one tenant's migration: every write is conditional on the tenant's
 * `version`, writes are serialised (the lease renewal and the phase steps never race each other),
 * and each write renews the lease. A conflict with another writer is re-read: if the migration is
 * still ours (same id, same owner) the write is rebuilt on the new item and retried (an operator
 * may have suspended the tenant meanwhile); if not, {@link MigrationLostError}.
 */
import type { TenantId } from '../../../edge/model.ts';
import { VersionConflictError } from '../tenants/tenant-errors.ts';
import type { TenantSnapshot, TenantTable, TenantUpdate } from '../tenants/tenant-table.ts';
import { MigrationLostError, MigrationRefusedError } from './migration-errors.ts';
import { type MigrationState, migrationStateOf, migrationStateToAttribute } from './migration-state.ts';

/** The table operations a migration uses. */
export type MigrationTable = Pick<TenantTable, 'getTenant' | 'getRegions' | 'updateTenant' | 'putAudit'>;

/** Options of {@link MigrationSession}. */
export interface SessionOptions {
  readonly table: MigrationTable;
  readonly tenantId: TenantId;
  /** This process's owner name. */
  readonly owner: string;
  /** How long each write holds the lease. */
  readonly leaseMs: number;
  readonly now: () => number;
}

/** Builds a write from the current item and migration state. */
export type WriteBuilder = (snapshot: TenantSnapshot, state: MigrationState | undefined) => TenantUpdate;

const MAX_CONFLICT_RETRIES = 10;

/** A process's hold on a tenant's migration. */
export class MigrationSession {
  private snapshot: TenantSnapshot;
  private queue: Promise<unknown> = Promise.resolve();
  private migrationId: string | undefined;

  private constructor(
    private readonly options: SessionOptions,
    snapshot: TenantSnapshot,
  ) {
    this.snapshot = snapshot;
  }

  /** Reads the tenant; undefined when it does not exist. */
  static async open(options: SessionOptions): Promise<MigrationSession | undefined> {
    const snapshot = await options.table.getTenant(options.tenantId);
    return snapshot === undefined ? undefined : new MigrationSession(options, snapshot);
  }

  /** The tenant as last read or written. */
  get current(): TenantSnapshot {
    return this.snapshot;
  }

  /** The migration in the item, if any. */
  get state(): MigrationState | undefined {
    return migrationStateOf(this.snapshot);
  }

  /** The migration state with a renewed lease held by this process and the given changes. */
  renewed(state: MigrationState, changes: Partial<MigrationState> = {}): MigrationState {
    return {
      ...state,
      ...changes,
      owner: this.options.owner,
      leaseUntil: this.options.now() + this.options.leaseMs,
    };
  }

  /**
   * Starts a migration: writes `state` on an item with no migration, conditional on the version
   * read. Losing the race to any other write refuses: the tenant changed under the preflight.
   */
  async begin(state: MigrationState): Promise<void> {
    await this.serialised(async () => {
      try {
        await this.claim(state);
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error;
        const now = await this.options.table.getTenant(this.options.tenantId);
        const other = now === undefined ? undefined : migrationStateOf(now);
        throw new MigrationRefusedError(
          other === undefined
            ? `tenant ${this.options.tenantId} changed during preflight; rerun`
            : `tenant ${this.options.tenantId} is already being migrated to ${other.to} by ${other.owner}`,
        );
      }
    });
  }

  /**
   * Takes over an existing migration: refused while another owner's lease is live, unless
   * `takeover` (the operator asserts the other process is gone).
   */
  async acquire(takeover: boolean): Promise<MigrationState> {
    return this.serialised(async () => {
      for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
        const state = this.state;
        if (state === undefined)
          throw new MigrationRefusedError(`tenant ${this.options.tenantId} has no migration in progress`);
        const remaining = state.leaseUntil - this.options.now();
        if (state.owner !== this.options.owner && remaining > 0 && !takeover) {
          throw new MigrationRefusedError(
            `tenant ${this.options.tenantId} is being migrated to ${state.to} by ${state.owner} (phase ${state.phase}, lease for ${Math.ceil(remaining / 1000)}s more); if that process is gone, rerun after the lease or pass --takeover`,
          );
        }
        try {
          await this.claim(state);
          return this.state as MigrationState;
        } catch (error) {
          if (!(error instanceof VersionConflictError)) throw error;
          const now = await this.options.table.getTenant(this.options.tenantId);
          if (now === undefined)
            throw new MigrationRefusedError(`tenant ${this.options.tenantId} was removed`);
          this.snapshot = now;
        }
      }
      throw new MigrationRefusedError(`tenant ${this.options.tenantId} kept changing concurrently; rerun`);
    });
  }

  /** Writes a change of our migration, conditional on the version, retrying while it is still ours. */
  async write(build: WriteBuilder): Promise<TenantSnapshot> {
    return this.serialised(async () => {
      for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
        this.assertOurs();
        try {
          this.snapshot = await this.options.table.updateTenant(
            this.options.tenantId,
            this.snapshot.record.version,
            build(this.snapshot, this.state),
          );
          return this.snapshot;
        } catch (error) {
          if (!(error instanceof VersionConflictError)) throw error;
          const now = await this.options.table.getTenant(this.options.tenantId);
          if (now === undefined) throw new MigrationLostError(`tenant ${this.options.tenantId} was removed`);
          this.snapshot = now;
        }
      }
      throw new MigrationLostError(`tenant ${this.options.tenantId} kept changing concurrently`);
    });
  }

  /** Renews the lease (during long waits and hooks). */
  async renewLease(): Promise<void> {
    await this.write((_, state) => ({
      set: { migration: migrationStateToAttribute(this.renewed(state as MigrationState)) },
    }));
  }

  /** Writes `state` with a fresh lease under this owner, conditional on the version last read. */
  private async claim(state: MigrationState): Promise<void> {
    this.snapshot = await this.options.table.updateTenant(
      this.options.tenantId,
      this.snapshot.record.version,
      {
        set: { migration: migrationStateToAttribute(this.renewed(state)) },
      },
    );
    this.migrationId = state.id;
  }

  private assertOurs(): void {
    const state = this.state;
    if (state === undefined || state.id !== this.migrationId || state.owner !== this.options.owner) {
      throw new MigrationLostError(
        state === undefined
          ? `the migration of ${this.options.tenantId} was finished or rolled back by another process`
          : `the migration of ${this.options.tenantId} was taken over by ${state.owner}`,
      );
    }
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
