/**
 * What a migration is asked to do, the preflight that may refuse it before anything is written,
 * and the plan it prints (`--dry-run`, and before a real run).
 */
import type { MigrationPhase, Region, RegionRecord, TenantId } from '../../../edge/model.ts';
import { formatOrigin } from '../tenants/input-validation.ts';
import type { TenantSnapshot } from '../tenants/tenant-table.ts';
import type { MigrationEffects } from './migration-effects.ts';
import { MigrationRefusedError } from './migration-errors.ts';
import type { PropagationBounds } from './propagation-wait.ts';

/** What to migrate and how. */
export interface MigrationRequest {
  readonly tenantId: TenantId;
  readonly to: Region;
  /** Put the tenant in maintenance around the switch. @default false */
  readonly freeze?: boolean;
  /** Shell command run before the switch (and on rollback). */
  readonly hook?: string | undefined;
  /** Stop after preflight and return the plan. @default false */
  readonly dryRun?: boolean;
  /** Take over a migration whose lease another process still holds. @default false */
  readonly takeover?: boolean;
  /** This process's owner name (unique per process). */
  readonly owner: string;
  /** Who acts, for the audit entry. */
  readonly actor: string;
  /** @default 30000 */
  readonly leaseMs?: number;
  /** The staleness bound: cache TTL + replication lag allowance. */
  readonly propagationWaitMs: number;
  /**
   * Its two parts, for the wait that reads every replica (when the effects can): replication may
   * take the allowance, then caches keep a record for the TTL. @default the bound on the clock
   */
  readonly replicaCheck?: PropagationBounds['replicaCheck'];
  /** Overrides the target region's health URL. */
  readonly healthUrl?: string | undefined;
  /** How long `--verify-url` probing may take after the wait. @default 60000 */
  readonly verifyTimeoutMs?: number;
  /** @default 500 */
  readonly verifyIntervalMs?: number;
}

/** The plan printed by `--dry-run` (and before a real run). */
export interface MigrationPlan {
  readonly tenantId: TenantId;
  readonly from: Region;
  readonly to: Region;
  readonly freeze: boolean;
  readonly hook: string | null;
  readonly healthUrl: string | null;
  readonly targetOrigin: string;
  readonly propagationWaitMs: number;
  /** Phase a resumed migration continues from (null for a new one). */
  readonly resumeFrom: MigrationPhase | null;
  readonly steps: readonly string[];
  readonly notes: readonly string[];
}

/** The health URL of a region: its configured `healthUrl`, else `<pool origin>/health`. */
export function healthUrlOf(region: RegionRecord): string {
  return region.healthUrl ?? `${formatOrigin(region.origin)}/health`;
}

function planSteps(freeze: boolean, hook: boolean, waitMs: number): string[] {
  const wait = `${(waitMs / 1000).toFixed(1)}s`;
  return [
    'planned: record the migration on the tenant item',
    hook ? 'prepared: run the hook (phase=prepare)' : 'prepared: (no hook)',
    ...(freeze ? [`frozen: tenant to maintenance (503 + Retry-After), wait ${wait}`] : []),
    'switched: home region to the target, one conditional write',
    `propagated: wait ${wait}`,
    `finalized: status ${freeze ? 'restored' : 'kept'}, migration record removed, audit entry written`,
  ];
}

/** The plan of a migration from `from`; `dedicated` adds the note about a dedicated origin. */
export function describePlan(
  request: MigrationRequest,
  from: Region,
  freeze: boolean,
  target: RegionRecord | undefined,
  dedicated = false,
): MigrationPlan {
  const notes: string[] = [];
  if (dedicated)
    notes.push('the tenant has a dedicated origin: its traffic keeps going there after the switch');
  return {
    tenantId: request.tenantId,
    from,
    to: request.to,
    freeze,
    hook: request.hook ?? null,
    healthUrl: target === undefined ? null : (request.healthUrl ?? healthUrlOf(target)),
    targetOrigin: target === undefined ? '(unknown region)' : formatOrigin(target.origin),
    propagationWaitMs: request.propagationWaitMs,
    resumeFrom: null,
    steps: planSteps(freeze, request.hook !== undefined, request.propagationWaitMs),
    notes,
  };
}

/**
 * Checks a new migration before anything is written: the tenant is active and elsewhere, the
 * target region is declared, active and healthy. Returns the plan; {@link MigrationRefusedError}
 * otherwise.
 */
export async function preflight(
  request: MigrationRequest,
  tenant: TenantSnapshot,
  target: RegionRecord | undefined,
  effects: Pick<MigrationEffects, 'checkHealth' | 'onEvent'>,
): Promise<MigrationPlan> {
  const { record } = tenant;
  const refuse = (why: string): never => {
    throw new MigrationRefusedError(`cannot migrate ${request.tenantId} to ${request.to}: ${why}`);
  };
  if (tenant.removal !== undefined) refuse('the tenant is being removed');
  if (record.status !== 'active') refuse(`the tenant is ${record.status}, not active`);
  if (record.region === request.to) refuse(`the tenant already lives in ${request.to}`);
  if (target === undefined) return refuse(`${request.to} is not a known region`);
  if (target.status !== 'active') refuse(`${request.to} is ${target.status}`);
  const url = request.healthUrl ?? healthUrlOf(target);
  effects.onEvent({ type: 'step', step: 'preflight', message: `health check ${url}` });
  const health = await effects.checkHealth(url);
  if (!health.healthy) refuse(`the target origin is unhealthy (GET ${url}: ${health.detail})`);
  return describePlan(request, record.region, request.freeze === true, target, record.origin !== undefined);
}
