/**
 * Migrates a batch of tenants with the real migration state machine while faults come and go. A
 * run cut short by the table being unreachable or throttled, or by a replica not getting the
 * switch in time, is resumed from the tenant item, as an operator would rerun `npm run migrate`,
 * until it completes or the deadline passes.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Region, TenantId } from '../../edge/model.ts';
import { forEachConcurrently } from '../lib/bounded-concurrency.ts';
import { createHealthCheck } from '../lib/migration/health-check.ts';
import type { MigrationEffects } from '../lib/migration/migration-effects.ts';
import { MigrationRefusedError } from '../lib/migration/migration-errors.ts';
import { runMigration } from '../lib/migration/migration-machine.ts';
import type { MigrationRequest } from '../lib/migration/migration-plan.ts';
import type { ReplicaVersionReader } from '../lib/migration/replica-versions.ts';
import type { TenantTable } from '../lib/tenants/tenant-table.ts';

/** One tenant to move. */
export interface MigrationOrder {
  readonly tenantId: TenantId;
  readonly from: Region;
  readonly to: Region;
}

/** How one tenant's migration ended. */
export interface MigrationResult extends MigrationOrder {
  readonly outcome: 'done' | 'failed';
  /** Runs made: 1 when nothing interrupted it; each interruption adds a resumed run. */
  readonly runs: number;
  /** Errors that interrupted runs (kinds), in order. */
  readonly interruptions: readonly string[];
  /** Why it failed, when it did. */
  readonly reason: string | null;
  readonly ms: number;
}

/** Options of {@link runMigrationBatch}. */
export interface MigrationBatchOptions {
  readonly table: TenantTable;
  readonly orders: readonly MigrationOrder[];
  /** Migrations in flight. */
  readonly concurrency: number;
  /** Health URL of a region's pool (the local echo origin). */
  readonly healthUrlFor: (region: Region) => string;
  /** The staleness bound each switch waits out (when the replicas cannot be read). */
  readonly propagationWaitMs: number;
  /** Reads every replica: each switch then waits until they all hold it, then the cache TTL. */
  readonly replicaVersions?: ReplicaVersionReader | undefined;
  /** The bound's parts for that wait (`MigrationRequest.replicaCheck`). */
  readonly replicaCheck?: MigrationRequest['replicaCheck'];
  /** Give up resuming after this epoch ms. */
  readonly deadline: number;
  /** Pause between an interrupted run and its resumption. @default 250 */
  readonly retryDelayMs?: number;
  /** Called when a tenant is done or failed. */
  readonly onResult?: (result: MigrationResult) => void;
}

/** Runs the batch; never throws for one tenant's failure (it is reported). */
export async function runMigrationBatch(options: MigrationBatchOptions): Promise<MigrationResult[]> {
  const owner = `chaos:${process.pid}:${randomUUID().slice(0, 8)}`;
  const checkHealth = createHealthCheck({ timeoutMs: 2_000 });
  const results: MigrationResult[] = [];
  await forEachConcurrently(options.orders, options.concurrency, async (order) => {
    const result = await migrateWithResume(order, options, owner, checkHealth);
    results.push(result);
    options.onResult?.(result);
  });
  return results;
}

async function migrateWithResume(
  order: MigrationOrder,
  options: MigrationBatchOptions,
  owner: string,
  checkHealth: MigrationEffects['checkHealth'],
): Promise<MigrationResult> {
  const started = Date.now();
  const interruptions: string[] = [];
  const effects: MigrationEffects = {
    table: options.table,
    checkHealth,
    // No hook is configured for these migrations; a call would be a bug in the scenario.
    runHook: async () => {
      throw new Error('the chaos migrations run without a hook');
    },
    sleep: (ms) => sleep(ms),
    now: Date.now,
    newId: () => randomUUID(),
    onEvent: () => {},
    replicaVersions: options.replicaVersions,
  };
  const request = {
    tenantId: order.tenantId,
    to: order.to,
    owner,
    actor: 'chaos-scenario',
    propagationWaitMs: options.propagationWaitMs,
    replicaCheck: options.replicaCheck,
    healthUrl: options.healthUrlFor(order.to),
  };
  const finish = (outcome: 'done' | 'failed', reason: string | null): MigrationResult => ({
    ...order,
    outcome,
    runs: interruptions.length + 1,
    interruptions,
    reason,
    ms: Date.now() - started,
  });
  for (;;) {
    try {
      await runMigration(request, effects);
      return finish('done', null);
    } catch (error) {
      const kind = errorKind(error);
      if (error instanceof MigrationRefusedError) {
        // A run whose last write landed but whose answer was lost: the rerun finds it done.
        const now = await options.table.getTenant(order.tenantId).catch(() => undefined);
        if (now?.record.region === order.to && now.record.migration === undefined)
          return finish('done', null);
        return finish('failed', (error as Error).message);
      }
      if (Date.now() >= options.deadline) return finish('failed', `gave up after ${kind}`);
      interruptions.push(kind);
      await sleep(options.retryDelayMs ?? 250);
    }
  }
}

function errorKind(error: unknown): string {
  const e = error as { name?: unknown; code?: unknown };
  if (typeof e?.code === 'string' && e.code !== '') return e.code;
  if (typeof e?.name === 'string' && e.name !== '') return e.name;
  return 'error';
}

/** The report's migration section: outcomes, resumed runs and interruptions by kind. */
export function summarizeMigrations(results: readonly MigrationResult[], ordered: number) {
  const interruptions: Record<string, number> = {};
  for (const r of results)
    for (const kind of r.interruptions) interruptions[kind] = (interruptions[kind] ?? 0) + 1;
  return {
    ordered,
    done: results.filter((r) => r.outcome === 'done').length,
    failed: results.filter((r) => r.outcome === 'failed').length,
    resumed: results.reduce((sum, r) => sum + r.runs - 1, 0),
    interruptions,
    results: [...results].sort((a, b) => a.tenantId.localeCompare(b.tenantId)),
  };
}
