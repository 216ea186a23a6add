/**
 * Adding and removing one claim of a tenant (a host, or a path prefix of a host) with the claim
 * protocol of claim-protocol.ts: recorded as pending on the tenant, the `DOMAIN#` item written,
 * then settled. The tenant always lists everything that routes to it; a refusal leaves every claim
 * as it was; a rerun repairs what a crash left.
 */
import type { TenantId } from '../../../edge/model.ts';
import { type ChangeOutcome, holdsAfter, runClaimChanges, settleExpiredClaims } from './claim-protocol.ts';
import { type Claim, claimKey } from './claims.ts';
import type { OperationContext } from './operation-context.ts';
import { OperationRefusedError } from './tenant-errors.ts';
import type { TenantSnapshot } from './tenant-table.ts';

/** What an add or remove changed. */
export type DomainChange = 'added' | 'removed' | 'unchanged' | 'repaired';

/** The tenant holding a claim now (the `DOMAIN#` item's tenant, or its prefix's), if any. */
export async function holderOf(ctx: OperationContext, claim: Claim): Promise<TenantId | undefined> {
  const domain = await ctx.table.getDomain(claim.host);
  if (domain === undefined) return undefined;
  return claim.path === undefined ? domain.tenantId : domain.paths?.get(claim.path);
}

/** The refusal of a claim another tenant holds (or that cannot be made). */
export function claimRefusal(key: string, outcome: ChangeOutcome): OperationRefusedError | undefined {
  switch (outcome.kind) {
    case 'held':
      return new OperationRefusedError(
        `domain ${key} is already claimed by tenant ${outcome.holder}; nothing was changed`,
      );
    case 'no-host':
      return new OperationRefusedError(
        `domain ${key} is a path prefix of a host no tenant holds: add the host first; nothing was changed`,
      );
    case 'full':
      return new OperationRefusedError(`domain ${key}: the host already splits into the most path prefixes`);
    case 'has-paths':
      return new OperationRefusedError(
        `domain ${key} also routes ${[...outcome.paths].map(([p, t]) => `${p} to ${t}`).join(', ')}: remove those path claims first; nothing was changed`,
      );
    default:
      return undefined;
  }
}

/** Reads a tenant, refusing when it does not exist. */
async function requireTenant(ctx: OperationContext, tenantId: TenantId): Promise<TenantSnapshot> {
  const tenant = await ctx.table.getTenant(tenantId);
  if (tenant === undefined) throw new OperationRefusedError(`no tenant ${tenantId}`);
  return tenant;
}

/** A prefix of a host whose tenant is being removed is refused: the removal checked for prefixes. */
async function refuseHostBeingRemoved(
  ctx: OperationContext,
  claim: Claim,
  tenantId: TenantId,
): Promise<void> {
  const base = (await ctx.table.getDomain(claim.host))?.tenantId;
  if (base === undefined || base === tenantId) return;
  if ((await ctx.table.getTenant(base))?.removal !== undefined)
    throw new OperationRefusedError(`domain ${claim.host} belongs to tenant ${base}, which is being removed`);
}

/** Adds a claim to an existing tenant (idempotent: a rerun repairs a half-done add). */
export async function addDomain(
  ctx: OperationContext,
  tenantId: TenantId,
  claim: Claim,
): Promise<{ change: DomainChange; tenant: TenantSnapshot }> {
  const key = claimKey(claim);
  const tenant = await settleExpiredClaims(ctx, await requireTenant(ctx, tenantId));
  const holder = await holderOf(ctx, claim);
  const listed = tenant.record.domains?.includes(key) === true;
  // Refused before anything is written in the usual case (the protocol settles a lost race), but a
  // claim of this key still pending (a rerun after a kill) is driven through, so it is settled.
  if (holder !== undefined && holder !== tenantId && tenant.pendingClaims?.get(key)?.intent !== 'claim')
    throw claimRefusal(key, { kind: 'held', holder }) as OperationRefusedError;
  if (listed && holder === tenantId && tenant.pendingClaims?.has(key) !== true)
    return { change: 'unchanged', tenant };
  if (claim.path !== undefined) await refuseHostBeingRemoved(ctx, claim, tenantId);
  const { tenant: after, outcomes } = await runClaimChanges(ctx, tenant, [{ claim, intent: 'claim' }]);
  const outcome = outcomes.get(key);
  const refusal = outcome === undefined ? undefined : claimRefusal(key, outcome);
  if (refusal !== undefined) throw refusal;
  if (after === undefined)
    throw new OperationRefusedError(`tenant ${tenantId} was removed concurrently; the domain was released`);
  return { change: listed || holder === tenantId ? 'repaired' : 'added', tenant: after };
}

/** Removes a claim from a tenant (idempotent: a rerun repairs a half-done remove). */
export async function removeDomain(
  ctx: OperationContext,
  tenantId: TenantId,
  claim: Claim,
): Promise<{ change: DomainChange; tenant: TenantSnapshot | undefined }> {
  const key = claimKey(claim);
  const tenant = await settleExpiredClaims(ctx, await requireTenant(ctx, tenantId));
  const holder = await holderOf(ctx, claim);
  const listed = tenant.record.domains?.includes(key) === true || tenant.pendingClaims?.has(key) === true;
  if (!listed && holder !== tenantId) {
    throw new OperationRefusedError(
      holder === undefined
        ? `tenant ${tenantId} does not have domain ${key}`
        : `domain ${key} belongs to tenant ${holder}, not ${tenantId}`,
    );
  }
  const { tenant: after, outcomes } = await runClaimChanges(ctx, tenant, [{ claim, intent: 'release' }]);
  const outcome = outcomes.get(key);
  if (outcome !== undefined && holdsAfter(outcome)) throw claimRefusal(key, outcome) as OperationRefusedError;
  return { change: listed && holder === tenantId ? 'removed' : 'repaired', tenant: after };
}
