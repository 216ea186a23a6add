/**
 * Removing a tenant without ever losing a claim: the tenant is marked first (one conditional
 * write, refused while a migration is in progress, and after which no claim may be added), then
 * every claim it lists is released (path prefixes before hosts), what could not be released is
 * kept listed, and only then is the tenant deleted (conditional on its version). A refusal at the
 * mark leaves everything in place; a crash after it leaves a marked tenant that a rerun finishes.
 * Because every claim that routes to a tenant is listed on it (claim-protocol.ts), nothing keeps
 * naming a removed tenant, so a new tenant reusing the id inherits no traffic.
 */
import { randomUUID } from 'node:crypto';
import type { TenantId } from '../../../edge/model.ts';
import { type ClaimKey, claimOf, isExpired } from './claims.ts';
import { modifyWithRetry } from './modify-with-retry.ts';
import { newOperationId, type OperationContext, protocolTiming } from './operation-context.ts';
import { OperationRefusedError, tenantKeptChanging } from './tenant-errors.ts';
import type { TenantSnapshot } from './tenant-table.ts';

/** What a removal did. */
export interface RemovalResult {
  readonly releasedDomains: readonly string[];
}

/** Removes a tenant (see the file's comment). Rerun to finish one cut short. */
export async function removeTenant(ctx: OperationContext, tenantId: TenantId): Promise<RemovalResult> {
  const marked = await markRemoval(ctx, tenantId);
  const quiet = await waitForClaimsInFlight(ctx, marked);
  await refuseWhileSplit(ctx, quiet);
  const released: string[] = [];
  const blocked: string[] = [];
  for (const key of claimsOf(quiet)) {
    const outcome = await ctx.table.releaseDomain(claimOf(key), tenantId);
    if (outcome.kind === 'has-paths') {
      blocked.push(`${key} (still routes ${[...outcome.paths].map(([p, t]) => `${p} to ${t}`).join(', ')})`);
    } else if (outcome.kind === 'released') released.push(key);
  }
  const settled = await keepOnly(
    ctx,
    quiet,
    blocked.map((b) => b.split(' ')[0] ?? b),
  );
  if (blocked.length > 0) {
    throw new OperationRefusedError(
      `tenant ${tenantId} is marked for removal and half-removed: a path prefix was claimed on ${blocked.join('; ')} while it was being removed; remove those path claims, then rerun \`tenants remove ${tenantId}\``,
    );
  }
  await ctx.table.putAudit({
    tenantId,
    id: randomUUID(),
    at: ctx.table.now(),
    action: 'remove',
    actor: ctx.actor,
    details: { region: settled.record.region, domains: released.join(' ') },
  });
  await deleteMarked(ctx, settled);
  return { releasedDomains: released };
}

/**
 * A host of the tenant that other tenants' path prefixes still split cannot go: found before
 * anything is released, the mark is taken back and the removal refused with nothing changed.
 * (A prefix claimed after this check, in the instant before the host's release, stops the removal
 * half-way instead; the message then says so, and everything it kept is still listed.)
 */
async function refuseWhileSplit(ctx: OperationContext, tenant: TenantSnapshot): Promise<void> {
  const tenantId = tenant.record.tenantId;
  const blocked: string[] = [];
  for (const key of claimsOf(tenant)) {
    if (key.includes('/')) continue;
    const domain = await ctx.table.getDomain(key);
    const foreign = [...(domain?.paths ?? [])].filter(([, id]) => id !== tenantId);
    if (domain?.tenantId === tenantId && foreign.length > 0)
      blocked.push(`${key} (still routes ${foreign.map(([p, t]) => `${p} to ${t}`).join(', ')})`);
  }
  if (blocked.length === 0) return;
  await modifyWithRetry<TenantSnapshot | undefined, void>(tenant, {
    read: () => ctx.table.getTenant(tenantId),
    decide: (current) =>
      current?.removal === undefined
        ? { result: undefined }
        : { write: async () => void (await ctx.table.updateTenant(current, { removal: null })) },
    giveUp: () => tenantKeptChanging(tenantId),
  });
  throw new OperationRefusedError(
    `cannot remove tenant ${tenantId}: ${blocked.join('; ')}: remove those path claims first; nothing was changed`,
  );
}

/** Every claim the tenant lists, settled or pending; path prefixes first, so hosts are free to go. */
function claimsOf(tenant: TenantSnapshot): ClaimKey[] {
  const keys = new Set([...(tenant.record.domains ?? []), ...(tenant.pendingClaims?.keys() ?? [])]);
  return [...keys].sort((a, b) => Number(b.includes('/')) - Number(a.includes('/')) || a.localeCompare(b));
}

/** Step 1: the removal mark (kept when a removal already started). */
async function markRemoval(ctx: OperationContext, tenantId: TenantId): Promise<TenantSnapshot> {
  const read = async (): Promise<TenantSnapshot> => {
    const tenant = await ctx.table.getTenant(tenantId);
    if (tenant === undefined) throw new OperationRefusedError(`no tenant ${tenantId}`);
    return tenant;
  };
  const op = newOperationId(ctx);
  return modifyWithRetry<TenantSnapshot, TenantSnapshot>(await read(), {
    read,
    decide: (tenant) => {
      if (tenant.record.migration !== undefined) {
        throw new OperationRefusedError(
          `tenant ${tenantId} is migrating; finish or roll back the migration first (nothing was changed)`,
        );
      }
      if (tenant.removal !== undefined) return { result: tenant };
      return {
        write: () => ctx.table.updateTenant(tenant, { removal: { op, startedAt: ctx.table.now() } }),
      };
    },
    giveUp: () => tenantKeptChanging(tenantId, 'nothing was changed, rerun'),
  });
}

/**
 * Step 2: waits until no operation may still write a pending claim's domain item (their leases
 * are at most the claim lease away), so every release below is final.
 */
async function waitForClaimsInFlight(ctx: OperationContext, marked: TenantSnapshot): Promise<TenantSnapshot> {
  const { now, sleep, leaseMs } = protocolTiming(ctx);
  let tenant = marked;
  const deadline = now() + leaseMs * 2;
  for (;;) {
    const live = [...(tenant.pendingClaims ?? [])].filter(([, p]) => !isExpired(p, now()));
    if (live.length === 0) return tenant;
    if (now() > deadline) {
      throw new OperationRefusedError(
        `tenant ${marked.record.tenantId}: claims ${live.map(([k]) => k).join(', ')} kept being renewed; rerun \`tenants remove\``,
      );
    }
    const until = Math.max(...live.map(([, p]) => p.until));
    ctx.notify?.(
      `waiting for an operation in flight on ${live.map(([k]) => k).join(', ')} (until ${new Date(until).toISOString()})`,
    );
    await sleep(Math.min(Math.max(1, until - now()), 500));
    const read = await ctx.table.getTenant(marked.record.tenantId);
    if (read === undefined)
      throw new OperationRefusedError(`tenant ${marked.record.tenantId} was removed concurrently`);
    tenant = read;
  }
}

/** Step 3's settle: only `kept` stays listed, nothing pending. */
function keepOnly(
  ctx: OperationContext,
  tenant: TenantSnapshot,
  kept: readonly string[],
): Promise<TenantSnapshot> {
  const tenantId = tenant.record.tenantId;
  return modifyWithRetry<TenantSnapshot | undefined, TenantSnapshot>(tenant, {
    read: () => ctx.table.getTenant(tenantId),
    decide: (current) => {
      if (current === undefined)
        throw new OperationRefusedError(`tenant ${tenantId} was removed concurrently`);
      const domains = current.record.domains ?? [];
      const same = domains.length === kept.length && kept.every((k) => domains.includes(k));
      if (same && (current.pendingClaims?.size ?? 0) === 0) return { result: current };
      return { write: () => ctx.table.updateTenant(current, { domains: [...kept], pendingClaims: null }) };
    },
    giveUp: () => tenantKeptChanging(tenantId),
  });
}

/** Step 4: the delete, conditional on the version read (suspensions meanwhile are re-read). */
async function deleteMarked(ctx: OperationContext, tenant: TenantSnapshot): Promise<void> {
  const tenantId = tenant.record.tenantId;
  await modifyWithRetry<TenantSnapshot | undefined, void>(tenant, {
    read: () => ctx.table.getTenant(tenantId),
    decide: (current) => {
      if (current === undefined) return { result: undefined };
      return { write: () => ctx.table.deleteTenant(tenantId, current.record.version) };
    },
    giveUp: () => tenantKeptChanging(tenantId, 'rerun `tenants remove` to finish'),
  });
}
