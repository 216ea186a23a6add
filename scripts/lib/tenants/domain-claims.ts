/**
 * Adding and removing a tenant's domains without transactions (dynalite has none).
 *
 * The DOMAIN item is the truth the router reads; the tenant's `domains` list follows it. Both
 * directions write the DOMAIN item first, then the tenant's list:
 * - add: claim `DOMAIN#host` (`attribute_not_exists(pk) OR tenantId = :me`), then append to the
 *   list (conditional on `version`). A crash in between leaves a domain that already routes to its
 *   rightful tenant but is missing from the list; rerunning the add repairs the list.
 * - remove: delete `DOMAIN#host` (only if it is the tenant's), then drop it from the list. A crash
 *   in between leaves the list naming a domain that no longer routes; rerunning the remove repairs it.
 * A claim held by another tenant is refused before anything is written.
 */
import type { TenantId } from '../../../edge/model.ts';
import { modifyWithRetry } from './modify-with-retry.ts';
import type { OperationContext } from './operation-context.ts';
import { OperationRefusedError, tenantKeptChanging } from './tenant-errors.ts';
import type { TenantSnapshot } from './tenant-table.ts';

/** What an add or remove changed. */
export type DomainChange = 'added' | 'removed' | 'unchanged' | 'repaired';

/** Claims `host` for a tenant, refusing (with the holder's name) when another tenant holds it. */
export async function claimDomainOrRefuse(
  ctx: OperationContext,
  host: string,
  tenantId: TenantId,
): Promise<void> {
  if (await ctx.table.claimDomain(host, tenantId)) return;
  const holder = await ctx.table.getDomain(host);
  // The holder may have released it between the two reads: one more attempt settles it.
  if (holder === undefined && (await ctx.table.claimDomain(host, tenantId))) return;
  throw new OperationRefusedError(
    `domain ${host} is already claimed by tenant ${holder?.tenantId ?? '(another tenant)'}; nothing was changed`,
  );
}

/**
 * Applies a list change to the tenant item, re-reading and retrying when a concurrent write moved
 * the version on. Returns the new snapshot, or undefined when the tenant no longer exists.
 */
async function updateDomainList(
  ctx: OperationContext,
  tenantId: TenantId,
  start: TenantSnapshot | undefined,
  change: (domains: readonly string[]) => readonly string[] | undefined,
): Promise<TenantSnapshot | undefined> {
  return modifyWithRetry(start, {
    read: () => ctx.table.getTenant(tenantId),
    decide: (current) => {
      if (current === undefined) return { result: undefined };
      const next = change(current.record.domains ?? []);
      if (next === undefined) return { result: current };
      return { write: () => ctx.table.updateTenant(current, { domains: next }) };
    },
    giveUp: () => tenantKeptChanging(tenantId, 'nothing more was changed, rerun'),
  });
}

/** Adds a domain to an existing tenant (idempotent: a rerun repairs a half-done add). */
export async function addDomain(
  ctx: OperationContext,
  tenantId: TenantId,
  host: string,
): Promise<{ change: DomainChange; tenant: TenantSnapshot }> {
  const tenant = await ctx.table.getTenant(tenantId);
  if (tenant === undefined) throw new OperationRefusedError(`no tenant ${tenantId}`);
  const wasHeld = (await ctx.table.getDomain(host))?.tenantId === tenantId;
  await claimDomainOrRefuse(ctx, host, tenantId);
  const listed = tenant.record.domains?.includes(host) === true;
  const updated = await updateDomainList(ctx, tenantId, tenant, (domains) =>
    domains.includes(host) ? undefined : [...domains, host],
  );
  if (updated === undefined) {
    // The tenant was removed concurrently: undo the claim so the domain is not held by nobody.
    await ctx.table.releaseDomain(host, tenantId);
    throw new OperationRefusedError(`tenant ${tenantId} was removed concurrently; the domain was released`);
  }
  const change: DomainChange = listed && wasHeld ? 'unchanged' : listed || wasHeld ? 'repaired' : 'added';
  return { change, tenant: updated };
}

/** Removes a domain from a tenant (idempotent: a rerun repairs a half-done remove). */
export async function removeDomain(
  ctx: OperationContext,
  tenantId: TenantId,
  host: string,
): Promise<{ change: DomainChange; tenant: TenantSnapshot | undefined }> {
  const tenant = await ctx.table.getTenant(tenantId);
  const released = await ctx.table.releaseDomain(host, tenantId);
  const listed = tenant?.record.domains?.includes(host) === true;
  if (!released && !listed) {
    const holder = await ctx.table.getDomain(host);
    throw new OperationRefusedError(
      holder === undefined
        ? `tenant ${tenantId} does not have domain ${host}`
        : `domain ${host} belongs to tenant ${holder.tenantId}, not ${tenantId}`,
    );
  }
  const updated = await updateDomainList(ctx, tenantId, tenant, (domains) =>
    domains.includes(host) ? domains.filter((d) => d !== host) : undefined,
  );
  return { change: released && listed ? 'removed' : 'repaired', tenant: updated };
}
