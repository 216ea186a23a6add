/**
 * Creating, suspending, resuming and changing tenants. Every tenant write is conditional on
 * `version`; status and settings changes leave an audit entry. Removal is tenant-removal.ts.
 *
 * Adding a tenant creates the tenant item first, its domains recorded as pending claims, then
 * claims them and settles (the claim protocol, claim-protocol.ts), so the tenant lists every
 * domain that routes to it at every moment. A domain held by another tenant refuses the add before
 * anything is written; one lost to a concurrent claim in between refuses it too, and the tenant
 * this add created is removed again. A crash leaves pending claims a rerun (or `tenants check
 * --repair`) settles.
 */
import { randomUUID } from 'node:crypto';
import type {
  Origin,
  Region,
  RegionsRecord,
  TenantId,
  TenantRecord,
  TenantStatus,
} from '../../../edge/model.ts';
import { runClaimChanges, settleExpiredClaims } from './claim-protocol.ts';
import { type Claim, type ClaimKey, claimKey, claimOf, type PendingClaim } from './claims.ts';
import { claimRefusal, holderOf } from './domain-claims.ts';
import { formatOrigin, requireKnownRegion } from './input-validation.ts';
import { modifyWithRetry } from './modify-with-retry.ts';
import { newOperationId, type OperationContext, protocolTiming } from './operation-context.ts';
import { OperationRefusedError, tenantKeptChanging, VersionConflictError } from './tenant-errors.ts';
import { removeTenant } from './tenant-removal.ts';
import type { TenantChange, TenantSnapshot } from './tenant-table.ts';

/** A validated tenant definition, as given to `add` or a bulk import line. */
export interface TenantSpec {
  readonly tenantId: TenantId;
  readonly region: Region;
  /** Claims in their listed form: hosts, or host + path prefix. */
  readonly domains: readonly string[];
  readonly origin?: Origin | undefined;
  readonly failoverRegion?: Region | undefined;
  /** @default 'active' on create; when given for an existing tenant it must match */
  readonly status?: TenantStatus | undefined;
}

/** What an add did. */
export type AddOutcome = 'created' | 'unchanged' | 'repaired';

/** Lists the ways an existing tenant differs from a spec (region, origin, failover, status). */
function differences(record: TenantRecord, spec: TenantSpec): string[] {
  const out: string[] = [];
  if (record.region !== spec.region) out.push(`region is ${record.region}, not ${spec.region}`);
  const have = record.origin === undefined ? 'none' : formatOrigin(record.origin);
  const want = spec.origin === undefined ? 'none' : formatOrigin(spec.origin);
  if (have !== want) out.push(`origin is ${have}, not ${want}`);
  if ((record.failoverRegion ?? 'none') !== (spec.failoverRegion ?? 'none'))
    out.push(`failover region is ${record.failoverRegion ?? 'none'}, not ${spec.failoverRegion ?? 'none'}`);
  if (spec.status !== undefined && record.status !== spec.status)
    out.push(`status is ${record.status}, not ${spec.status}`);
  return out;
}

/** Refuses, before anything is written, when another tenant holds one of the claims. */
async function refuseHeldElsewhere(ctx: OperationContext, tenantId: TenantId, claims: readonly Claim[]) {
  for (const claim of claims) {
    const holder = await holderOf(ctx, claim);
    if (holder !== undefined && holder !== tenantId)
      throw claimRefusal(claimKey(claim), { kind: 'held', holder }) as OperationRefusedError;
  }
}

/**
 * Adds a tenant, or completes / confirms an identical one (idempotent, so imports can be rerun).
 * An existing tenant that differs is refused: regions change through `migrate`, status through
 * `suspend` / `resume`.
 */
export async function addTenant(
  ctx: OperationContext,
  spec: TenantSpec,
  options: { readonly regions?: RegionsRecord | undefined } = {},
): Promise<{ outcome: AddOutcome; tenant: TenantSnapshot }> {
  // Bulk imports pass the regions read once; regions are only ever added, so a stale copy can
  // only refuse a line, never admit a bad one.
  const regions = options.regions ?? (await ctx.table.getRegions());
  requireKnownRegion(spec.region, regions);
  if (spec.failoverRegion !== undefined) requireKnownRegion(spec.failoverRegion, regions);
  const claims = [...new Set(spec.domains)].map(claimOf);

  const existing = await ctx.table.getTenant(spec.tenantId);
  if (existing !== undefined) return completeExisting(ctx, existing, spec, claims);
  await refuseHeldElsewhere(ctx, spec.tenantId, claims);

  const op = newOperationId(ctx);
  const { now, leaseMs } = protocolTiming(ctx);
  const until = now() + leaseMs;
  const pending = new Map<ClaimKey, PendingClaim>(
    claims.map((c) => [claimKey(c), { intent: 'claim', op, until }]),
  );
  let created: TenantSnapshot;
  try {
    created = await ctx.table.createTenant(
      {
        tenantId: spec.tenantId,
        region: spec.region,
        status: spec.status ?? 'active',
        domains: [],
        ...(spec.origin === undefined ? {} : { origin: spec.origin }),
        ...(spec.failoverRegion === undefined ? {} : { failoverRegion: spec.failoverRegion }),
      },
      pending,
    );
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    // Created concurrently (another operator, or a parallel import line): this add claimed
    // nothing, so it only compares with that one.
    const raced = await ctx.table.getTenant(spec.tenantId);
    if (raced === undefined) throw error;
    return completeExisting(ctx, raced, spec, claims);
  }
  const changes = claims.map((claim) => ({ claim, intent: 'claim' as const }));
  const { tenant, outcomes } = await runClaimChanges(ctx, created, changes, { op, recorded: true });
  for (const [key, outcome] of outcomes) {
    const refusal = claimRefusal(key, outcome);
    if (refusal === undefined) continue;
    // Lost a claim to a concurrent add: this add created the tenant, so it removes it again.
    await removeTenant(ctx, spec.tenantId);
    throw new OperationRefusedError(`${refusal.message}; the tenant this add created was removed again`);
  }
  if (tenant === undefined)
    throw new OperationRefusedError(`tenant ${spec.tenantId} was removed while it was being added`);
  return { outcome: 'created', tenant };
}

async function completeExisting(
  ctx: OperationContext,
  start: TenantSnapshot,
  spec: TenantSpec,
  claims: readonly Claim[],
): Promise<{ outcome: AddOutcome; tenant: TenantSnapshot }> {
  let existing = start;
  if (existing.removal !== undefined)
    throw new OperationRefusedError(`tenant ${spec.tenantId} is being removed; nothing was changed`);
  const diff = differences(existing.record, spec);
  if (diff.length > 0) {
    throw new OperationRefusedError(`tenant ${spec.tenantId} already exists and differs: ${diff.join('; ')}`);
  }
  existing = await settleExpiredClaims(ctx, existing);
  try {
    await refuseHeldElsewhere(ctx, spec.tenantId, claims);
  } catch (error) {
    // A rerun of an add cut short: its claims still pending are driven through (and settled).
    const pending = claims.filter((c) => existing.pendingClaims?.get(claimKey(c))?.intent === 'claim');
    if (pending.length > 0)
      await runClaimChanges(
        ctx,
        existing,
        pending.map((claim) => ({ claim, intent: 'claim' as const })),
      );
    throw error;
  }
  const missing: Claim[] = [];
  for (const claim of claims) {
    const key = claimKey(claim);
    const listed =
      existing.record.domains?.includes(key) === true && existing.pendingClaims?.has(key) !== true;
    if (!listed || (await holderOf(ctx, claim)) !== spec.tenantId) missing.push(claim);
  }
  if (missing.length === 0) return { outcome: 'unchanged', tenant: existing };
  const changes = missing.map((claim) => ({ claim, intent: 'claim' as const }));
  const { tenant, outcomes } = await runClaimChanges(ctx, existing, changes);
  for (const [key, outcome] of outcomes) {
    const refusal = claimRefusal(key, outcome);
    if (refusal !== undefined) throw refusal;
  }
  if (tenant === undefined)
    throw new OperationRefusedError(`tenant ${spec.tenantId} was removed concurrently`);
  return { outcome: 'repaired', tenant };
}

/** Status transitions offered by the admin tool. */
export type StatusCommand = 'suspend' | 'resume' | 'maintenance-on' | 'maintenance-off';

const TRANSITIONS: Record<StatusCommand, { from: readonly TenantStatus[]; to: TenantStatus }> = {
  suspend: { from: ['active', 'maintenance'], to: 'suspended' },
  resume: { from: ['suspended'], to: 'active' },
  'maintenance-on': { from: ['active'], to: 'maintenance' },
  'maintenance-off': { from: ['maintenance'], to: 'active' },
};

/** What a status or settings change did. */
type ChangeResult = { changed: boolean; tenant: TenantSnapshot };

/** Reads a tenant, refusing when it does not exist. */
async function existingTenant(ctx: OperationContext, tenantId: TenantId): Promise<TenantSnapshot> {
  const tenant = await ctx.table.getTenant(tenantId);
  if (tenant === undefined) throw new OperationRefusedError(`no tenant ${tenantId}`);
  return tenant;
}

/**
 * Changes a tenant's status with one conditional write and an audit entry. Already in the target
 * status is a no-op. Only `suspend` is allowed while a migration is in progress (it is the
 * emergency lever; the migration keeps the suspension when it finishes).
 */
export async function changeTenantStatus(
  ctx: OperationContext,
  tenantId: TenantId,
  command: StatusCommand,
  reason?: string,
): Promise<ChangeResult> {
  const { from, to } = TRANSITIONS[command];
  return modifyWithRetry<TenantSnapshot, ChangeResult>(await existingTenant(ctx, tenantId), {
    read: () => existingTenant(ctx, tenantId),
    decide: (tenant) => {
      const { record } = tenant;
      if (record.status === to) return { result: { changed: false, tenant } };
      if (record.migration !== undefined && command !== 'suspend') {
        throw new OperationRefusedError(
          `tenant ${tenantId} is migrating to ${record.migration.to} (phase ${record.migration.phase}); finish or roll back the migration first`,
        );
      }
      if (!from.includes(record.status)) {
        throw new OperationRefusedError(`cannot ${command} tenant ${tenantId}: it is ${record.status}`);
      }
      return {
        write: async () => {
          const updated = await ctx.table.updateTenant(tenant, { status: to });
          await ctx.table.putAudit({
            tenantId,
            id: randomUUID(),
            at: updated.record.updatedAt,
            action: command,
            actor: ctx.actor,
            details: { from: record.status, to, ...(reason === undefined ? {} : { reason }) },
          });
          return { changed: true, tenant: updated };
        },
      };
    },
    giveUp: () => tenantKeptChanging(tenantId),
  });
}

/** Changes of a tenant's serving settings; `null` clears the field. */
export interface TenantSettingsChange {
  readonly origin?: Origin | null | undefined;
  readonly failoverRegion?: Region | null | undefined;
}

/** The write of a settings change and its audit details; empty details: nothing changes. */
function settingsChange(
  record: TenantRecord,
  change: TenantSettingsChange,
): { change: TenantChange; details: Record<string, string> } {
  const details: Record<string, string> = {};
  const write: { -readonly [K in keyof TenantChange]: TenantChange[K] } = {};
  if (change.origin !== undefined) {
    const before = record.origin === undefined ? 'none' : formatOrigin(record.origin);
    const after = change.origin === null ? 'none' : formatOrigin(change.origin);
    if (before !== after) {
      write.origin = change.origin;
      details.origin = `${before} -> ${after}`;
    }
  }
  if (change.failoverRegion !== undefined) {
    const before = record.failoverRegion ?? 'none';
    const after = change.failoverRegion ?? 'none';
    if (before !== after) {
      write.failoverRegion = change.failoverRegion;
      details.failoverRegion = `${before} -> ${after}`;
    }
  }
  return { change: write, details };
}

/**
 * Sets or clears a tenant's dedicated origin and failover region: one conditional write and an
 * audit entry. The failover region must be declared.
 */
export async function changeTenantSettings(
  ctx: OperationContext,
  tenantId: TenantId,
  change: TenantSettingsChange,
): Promise<ChangeResult> {
  if (change.failoverRegion != null) requireKnownRegion(change.failoverRegion, await ctx.table.getRegions());
  return modifyWithRetry<TenantSnapshot, ChangeResult>(await existingTenant(ctx, tenantId), {
    read: () => existingTenant(ctx, tenantId),
    decide: (tenant) => {
      const { change: write, details } = settingsChange(tenant.record, change);
      if (Object.keys(details).length === 0) return { result: { changed: false, tenant } };
      return {
        write: async () => {
          const updated = await ctx.table.updateTenant(tenant, write);
          await ctx.table.putAudit({
            tenantId,
            id: randomUUID(),
            at: updated.record.updatedAt,
            action: 'set',
            actor: ctx.actor,
            details,
          });
          return { changed: true, tenant: updated };
        },
      };
    },
    giveUp: () => tenantKeptChanging(tenantId),
  });
}
