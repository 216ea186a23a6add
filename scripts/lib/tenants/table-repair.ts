/**
 * Making the repairs `tenants check` found: each re-verified against the table (strongly
 * consistent reads) right before its one conditional write, then one audit entry per change. A
 * repair whose premise no longer holds (someone fixed it, or the table moved on) is skipped and
 * said so; nothing is overwritten.
 */
import { randomUUID } from 'node:crypto';
import { runClaimChanges } from './claim-protocol.ts';
import { claimOf, isExpired, settledByHolder } from './claims.ts';
import { holderOf } from './domain-claims.ts';
import { modifyWithRetry } from './modify-with-retry.ts';
import { type OperationContext, protocolTiming } from './operation-context.ts';
import type { Repair } from './table-check.ts';
import { OperationRefusedError, tenantKeptChanging } from './tenant-errors.ts';
import type { TenantSnapshot } from './tenant-table.ts';

/** How one repair went. */
export interface RepairResult {
  readonly repair: Repair;
  readonly outcome: 'repaired' | 'skipped' | 'failed';
  /** What was changed, or why not. */
  readonly detail: string;
}

/** A one-line description of a repair, for the plan. */
export function describeRepair(repair: Repair): string {
  switch (repair.kind) {
    case 'release-orphan':
      return `release ${repair.key} from tenant ${repair.tenantId} (it does not list it or is gone)`;
    case 'list-claim':
      return `list ${repair.key} on tenant ${repair.tenantId} (it keeps routing there)`;
    case 'reclaim':
      return `claim ${repair.key} for tenant ${repair.tenantId} again (it lists it)`;
    case 'settle-pending':
      return `settle the pending claim ${repair.key} of tenant ${repair.tenantId} by who holds it`;
  }
}

/** Makes one repair and audits it. Never throws for a repair that cannot be made: it reports it. */
export async function applyRepair(ctx: OperationContext, repair: Repair): Promise<RepairResult> {
  try {
    const detail = await perform(ctx, repair);
    if (detail === undefined) return { repair, outcome: 'skipped', detail: 'no longer needed' };
    await ctx.table.putAudit({
      tenantId: repair.tenantId,
      id: randomUUID(),
      at: ctx.table.now(),
      action: 'check-repair',
      actor: ctx.actor,
      details: { repair: repair.kind, claim: repair.key, change: detail },
    });
    return { repair, outcome: 'repaired', detail };
  } catch (error) {
    if (!(error instanceof OperationRefusedError)) throw error;
    return { repair, outcome: 'failed', detail: error.message };
  }
}

/** The write of a repair, after re-verifying it; undefined when its premise no longer holds. */
async function perform(ctx: OperationContext, repair: Repair): Promise<string | undefined> {
  const { tenantId, key } = repair;
  const claim = claimOf(key);
  const tenant = await ctx.table.getTenant(tenantId);
  switch (repair.kind) {
    case 'release-orphan': {
      if (tenant !== undefined && tenant.removal === undefined && listsIt(tenant, key)) return undefined;
      const outcome = await ctx.table.releaseDomain(claim, tenantId);
      if (outcome.kind === 'has-paths')
        throw new OperationRefusedError(`${key} still routes path prefixes; remove those first`);
      return outcome.kind === 'released' ? `released ${key}` : undefined;
    }
    case 'list-claim':
      return tenant === undefined ? undefined : listClaim(ctx, tenant, key);
    case 'reclaim': {
      if (tenant === undefined || !listsIt(tenant, key) || (await holderOf(ctx, claim)) !== undefined)
        return undefined;
      const { outcomes } = await runClaimChanges(ctx, tenant, [{ claim, intent: 'claim' }]);
      const outcome = outcomes.get(key);
      if (outcome?.kind !== 'claimed')
        throw new OperationRefusedError(`${key} could not be claimed (${outcome?.kind})`);
      return `claimed ${key} for ${tenantId}`;
    }
    case 'settle-pending':
      return tenant === undefined ? undefined : settlePending(ctx, tenant, key);
  }
}

function listsIt(tenant: TenantSnapshot, key: string): boolean {
  return tenant.record.domains?.includes(key) === true || tenant.pendingClaims?.has(key) === true;
}

/** Lists a claim the tenant holds, if it still holds it unlisted. */
async function listClaim(
  ctx: OperationContext,
  tenant: TenantSnapshot,
  key: string,
): Promise<string | undefined> {
  const tenantId = tenant.record.tenantId;
  if ((await holderOf(ctx, claimOf(key))) !== tenantId) return undefined;
  return modifyWithRetry<TenantSnapshot | undefined, string | undefined>(tenant, {
    read: () => ctx.table.getTenant(tenantId),
    decide: (current) => {
      if (current === undefined || current.removal !== undefined || listsIt(current, key))
        return { result: undefined };
      const domains = [...(current.record.domains ?? []), key];
      return {
        write: async () => {
          await ctx.table.updateTenant(current, { domains });
          return `listed ${key}`;
        },
      };
    },
    giveUp: () => tenantKeptChanging(tenantId),
  });
}

/** Settles an expired pending claim by who holds the domain item. */
async function settlePending(
  ctx: OperationContext,
  tenant: TenantSnapshot,
  key: string,
): Promise<string | undefined> {
  const tenantId = tenant.record.tenantId;
  const { now } = protocolTiming(ctx);
  const holder = await holderOf(ctx, claimOf(key));
  const rule = settledByHolder(holder, tenantId);
  return modifyWithRetry<TenantSnapshot | undefined, string | undefined>(tenant, {
    read: () => ctx.table.getTenant(tenantId),
    decide: (current) => {
      const pending = current?.pendingClaims?.get(key);
      if (current === undefined || pending === undefined || !isExpired(pending, now()))
        return { result: undefined };
      const pendingClaims = new Map(current.pendingClaims);
      pendingClaims.delete(key);
      const listed = current.record.domains ?? [];
      const domains =
        rule === 'listed' ? [...listed.filter((d) => d !== key), key] : listed.filter((d) => d !== key);
      return {
        write: async () => {
          await ctx.table.updateTenant(current, { pendingClaims, domains });
          return rule === 'listed'
            ? `settled ${key} as listed (held by ${tenantId})`
            : `dropped ${key} (not held)`;
        },
      };
    },
    giveUp: () => tenantKeptChanging(tenantId),
  });
}
