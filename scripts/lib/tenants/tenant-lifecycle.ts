/**
 * Creating, suspending, resuming and removing tenants. Every tenant write is conditional on
 * `version`; status changes and removals leave an audit entry.
 *
 * Adding a tenant claims its domains first, then creates the tenant item (listing them) in one
 * write. A refused claim releases the claims this add made and writes no tenant. A crash between
 * the claims and the tenant write leaves domains pointing at a tenant that does not exist yet (the
 * router answers 404 for them, as before); rerunning the add completes it.
 */
import { randomUUID } from 'node:crypto';
import type {
  CustomOrigin,
  Region,
  RegionsRecord,
  TenantId,
  TenantRecord,
  TenantStatus,
} from '../../../edge/model.ts';
import { claimDomainOrRefuse } from './domain-claims.ts';
import { formatOrigin, requireKnownRegion } from './input-validation.ts';
import { modifyWithRetry } from './modify-with-retry.ts';
import type { OperationContext } from './operation-context.ts';
import { OperationRefusedError, tenantKeptChanging, VersionConflictError } from './tenant-errors.ts';
import type { TenantChange, TenantSnapshot } from './tenant-table.ts';

/** A validated tenant definition, as given to `add` or a bulk import line. */
export interface TenantSpec {
  readonly tenantId: TenantId;
  readonly region: Region;
  readonly domains: readonly string[];
  readonly origin?: CustomOrigin | undefined;
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
  const domains = [...new Set(spec.domains)];

  const existing = await ctx.table.getTenant(spec.tenantId);
  if (existing !== undefined) return completeExisting(ctx, existing, spec, domains);

  const claimed: string[] = [];
  try {
    for (const host of domains) {
      await claimDomainOrRefuse(ctx, host, spec.tenantId);
      claimed.push(host);
    }
  } catch (error) {
    // Compensation: the tenant does not exist, so none of these claims may stay behind.
    for (const host of claimed) await ctx.table.releaseDomain(host, spec.tenantId);
    throw error;
  }
  try {
    const tenant = await ctx.table.createTenant({
      tenantId: spec.tenantId,
      region: spec.region,
      status: spec.status ?? 'active',
      domains,
      ...(spec.origin === undefined ? {} : { origin: spec.origin }),
      ...(spec.failoverRegion === undefined ? {} : { failoverRegion: spec.failoverRegion }),
    });
    return { outcome: 'created', tenant };
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    // Created concurrently (another operator, or a parallel import line): compare with that one.
    const raced = await ctx.table.getTenant(spec.tenantId);
    if (raced === undefined) throw error;
    return completeExisting(ctx, raced, spec, domains);
  }
}

async function completeExisting(
  ctx: OperationContext,
  existing: TenantSnapshot,
  spec: TenantSpec,
  domains: readonly string[],
): Promise<{ outcome: AddOutcome; tenant: TenantSnapshot }> {
  const diff = differences(existing.record, spec);
  if (diff.length > 0) {
    throw new OperationRefusedError(`tenant ${spec.tenantId} already exists and differs: ${diff.join('; ')}`);
  }
  let repaired = false;
  for (const host of domains) {
    const holder = await ctx.table.getDomain(host);
    if (holder?.tenantId !== spec.tenantId) {
      await claimDomainOrRefuse(ctx, host, spec.tenantId);
      repaired = true;
    }
  }
  return modifyWithRetry<TenantSnapshot | undefined, { outcome: AddOutcome; tenant: TenantSnapshot }>(
    existing,
    {
      read: () => ctx.table.getTenant(spec.tenantId),
      decide: (current) => {
        if (current === undefined)
          throw new OperationRefusedError(`tenant ${spec.tenantId} was removed concurrently`);
        const listed = current.record.domains ?? [];
        const missing = domains.filter((d) => !listed.includes(d));
        if (missing.length === 0)
          return { result: { outcome: repaired ? 'repaired' : 'unchanged', tenant: current } };
        return {
          write: async () => ({
            outcome: 'repaired',
            tenant: await ctx.table.updateTenant(current, { domains: [...listed, ...missing] }),
          }),
        };
      },
      giveUp: () => tenantKeptChanging(spec.tenantId),
    },
  );
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

/**
 * Removes a tenant: releases its domains, then deletes the item (conditional on `version`). A
 * crash in between leaves the tenant with fewer routable domains; rerunning the remove finishes.
 * Refused while a migration is in progress.
 */
export async function removeTenant(
  ctx: OperationContext,
  tenantId: TenantId,
): Promise<{ releasedDomains: readonly string[] }> {
  return modifyWithRetry(await existingTenant(ctx, tenantId), {
    read: () => existingTenant(ctx, tenantId),
    decide: (tenant) => {
      if (tenant.record.migration !== undefined) {
        throw new OperationRefusedError(
          `tenant ${tenantId} is migrating; finish or roll back the migration first`,
        );
      }
      return { write: () => releaseAndDelete(ctx, tenant) };
    },
    giveUp: () => tenantKeptChanging(tenantId),
  });
}

/** Releases a tenant's domains, deletes it on the version read, and audits the removal. */
async function releaseAndDelete(
  ctx: OperationContext,
  tenant: TenantSnapshot,
): Promise<{ releasedDomains: readonly string[] }> {
  const { tenantId, region, domains = [], version } = tenant.record;
  const released: string[] = [];
  // Releasing is idempotent, so a retry after a lost race releases again what the re-read lists.
  for (const host of domains) {
    if (await ctx.table.releaseDomain(host, tenantId)) released.push(host);
  }
  await ctx.table.deleteTenant(tenantId, version);
  await ctx.table.putAudit({
    tenantId,
    id: randomUUID(),
    at: ctx.table.now(),
    action: 'remove',
    actor: ctx.actor,
    details: { region, domains: domains.join(' ') },
  });
  return { releasedDomains: released };
}

/** Changes of a tenant's serving settings; `null` clears the field. */
export interface TenantSettingsChange {
  readonly origin?: CustomOrigin | null | undefined;
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
