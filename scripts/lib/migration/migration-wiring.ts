/**
 * The real effects of a migration for the command-line tools: the table, the hook runner, the
 * health check, the route probe, real sleep and clock, and the crash hook of the tests.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CliIO } from '../cli-io.ts';
import type { TenantTable } from '../tenants/tenant-table.ts';
import { createHealthCheck } from './health-check.ts';
import { createHookRunner } from './hook-runner.ts';
import type { MigrationEffects, MigrationEvent, MigrationStep } from './migration-effects.ts';
import type { ReplicaVersionReader } from './replica-versions.ts';

/**
 * Test hook: when `ETR_CRASH_AFTER_PHASE` names a step (`planned`, `prepared`, `frozen`,
 * `switched`, `propagated`, `finalized`, `unswitched`, `rolled-back`), the process exits with
 * code {@link CRASH_EXIT_CODE} right after that step's write, as if it had been killed there.
 */
export const CRASH_ENV = 'ETR_CRASH_AFTER_PHASE';
/** Exit code of an injected crash. */
export const CRASH_EXIT_CODE = 86;

/** Options of {@link createMigrationEffects}. */
export interface MigrationWiringOptions {
  readonly table: TenantTable;
  readonly io: CliIO;
  readonly onEvent: (event: MigrationEvent) => void;
  readonly probeRoute?: (() => Promise<string | undefined>) | undefined;
  /** Reads every replica in the propagation waits (`replica-readers.ts`). @default none */
  readonly replicaVersions?: ReplicaVersionReader | undefined;
  /** Why there is no reader, said when a wait begins. @default none */
  readonly replicaNote?: string | undefined;
  /** Replaces the env-driven crash hook (in-process tests). */
  readonly afterStep?: ((step: MigrationStep) => void | Promise<void>) | undefined;
  /** @default 3000 */
  readonly healthTimeoutMs?: number;
  /** @default 1800000 */
  readonly hookTimeoutMs?: number | undefined;
  /** The operator's stop (Ctrl-C). @default never */
  readonly signal?: AbortSignal | undefined;
}

/** Builds the effects of a real run. */
export function createMigrationEffects(options: MigrationWiringOptions): MigrationEffects {
  const crashAfter = options.io.env[CRASH_ENV];
  return {
    table: options.table,
    checkHealth: createHealthCheck({ timeoutMs: options.healthTimeoutMs ?? 3000 }),
    runHook: createHookRunner({
      output: options.io.stderr,
      env: options.io.env,
      ...(options.hookTimeoutMs === undefined ? {} : { timeoutMs: options.hookTimeoutMs }),
      signal: options.signal,
    }),
    probeRoute: options.probeRoute,
    replicaVersions: options.replicaVersions,
    replicaNote: options.replicaNote,
    sleep: (ms) => sleep(ms, undefined, { signal: options.signal }),
    signal: options.signal,
    now: Date.now,
    newId: () => randomUUID(),
    onEvent: options.onEvent,
    afterStep:
      options.afterStep ??
      ((step) => {
        if (crashAfter === step) {
          options.io.stderr.write(`${CRASH_ENV}=${step}: exiting as if killed\n`);
          process.exit(CRASH_EXIT_CODE);
        }
      }),
    startRenewal: (renew, everyMs) => {
      const timer = setInterval(() => {
        renew().catch((error: Error) =>
          options.onEvent({ type: 'info', message: `lease renewal failed: ${error.message}` }),
        );
      }, everyMs);
      return () => clearInterval(timer);
    },
  };
}

/** A unique owner name for this process's migrations. */
export function processOwner(actor: string): string {
  return `${actor}:${process.pid}:${randomUUID().slice(0, 8)}`;
}
