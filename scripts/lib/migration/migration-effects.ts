/**
 * The seam of the migration state machine: everything it does to the world (the table, the hook,
 * the health check, the route probe, sleep and the clock) and everything it reports (events, the
 * crash hook of the tests) comes in through {@link MigrationEffects}, so tests drive it with a fake
 * clock and the command-line tools wire the real ones (migration-wiring.ts).
 */
import type { MigrationPhase, Region, TenantId } from '../../../edge/model.ts';
import type { TenantTable } from '../tenants/tenant-table.ts';
import type { ReplicaVersionReader } from './replica-versions.ts';

/** The table operations a migration uses. */
export type MigrationTable = Pick<TenantTable, 'getTenant' | 'getRegions' | 'updateTenant' | 'putAudit'>;

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
  /** Runs the hook command; throws `HookFailedError` when it fails. */
  readonly runHook: (command: string, env: HookEnvironment) => Promise<void>;
  /** Probes the router (`--verify-url`); resolves to the region that answered, if known. */
  readonly probeRoute?: (() => Promise<string | undefined>) | undefined;
  /**
   * Reads the tenant's item in every replica: the propagation waits then check that each holds the
   * version written instead of waiting out the replication lag allowance blind. @default none
   */
  readonly replicaVersions?: ReplicaVersionReader | undefined;
  /** Why there is no {@link replicaVersions}, said when a propagation wait begins. @default none */
  readonly replicaNote?: string | undefined;
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
  /** Aborted when the operator stops the run (Ctrl-C): waits end, the lease is released. */
  readonly signal?: AbortSignal | undefined;
}
