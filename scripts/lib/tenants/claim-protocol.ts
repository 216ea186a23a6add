/**
 * The claim protocol: how a tenant's claims change with single-item conditional writes only
 * (dynalite has no transactions, and under multi-region global tables a transaction would hold
 * only in the region written to anyway). Three steps, each resumable by anyone:
 *
 * 1. **record**: one conditional write on the tenant item moves each changed claim into its
 *    `pendingClaims` (intent, operation, lease). From here on the tenant lists the claim, so
 *    whatever the `DOMAIN#` item says, the tenant knows about it (a removal will release it).
 * 2. **write**: the `DOMAIN#` item is claimed or released, only while the operation's lease has
 *    at least a third left (else the lease is renewed first, refused if someone settled it).
 * 3. **settle**: one conditional write moves each claim out of `pendingClaims`: listed in `domains`
 *    exactly when the `DOMAIN#` item gives it to the tenant, dropped otherwise.
 *
 * A crash leaves pending claims; once their lease has passed anyone (a rerun, another operation on
 * the claim, `tenants check --repair`, a removal) settles them by the same rule. A refused claim
 * (another tenant holds it) is settled as dropped, so a refusal leaves every claim as it was.
 */
import type { TenantId } from '../../../edge/model.ts';
import {
  type Claim,
  type ClaimIntent,
  type ClaimKey,
  claimKey,
  claimOf,
  isExpired,
  mayWrite,
  type PendingClaim,
} from './claims.ts';
import { modifyWithRetry } from './modify-with-retry.ts';
import { newOperationId, type OperationContext, protocolTiming } from './operation-context.ts';
import { OperationRefusedError, tenantKeptChanging } from './tenant-errors.ts';
import type { ClaimOutcome, ReleaseOutcome, TenantSnapshot } from './tenant-table.ts';

/** One claim to add or release. */
export interface ClaimChange {
  readonly claim: Claim;
  readonly intent: ClaimIntent;
}

/** What the `DOMAIN#` write of one change found. */
export type ChangeOutcome = ClaimOutcome | ReleaseOutcome;

/** The result of a run: the tenant after settling (undefined if it vanished) and each outcome. */
export interface ClaimRunResult {
  readonly tenant: TenantSnapshot | undefined;
  readonly outcomes: ReadonlyMap<ClaimKey, ChangeOutcome>;
}

/** Whether the tenant holds the claim after the write that found `outcome`. */
export function holdsAfter(outcome: ChangeOutcome): boolean {
  return outcome.kind === 'claimed' || outcome.kind === 'has-paths';
}

/**
 * The pending-claims map with `changes` recorded for `op`, and the domains list without them.
 * Refuses when another live operation is changing one of the claims the other way.
 */
export function withPending(
  tenant: TenantSnapshot,
  changes: readonly ClaimChange[],
  op: string,
  now: number,
  leaseMs: number,
): { pendingClaims: Map<ClaimKey, PendingClaim>; domains: string[] } {
  const pendingClaims = new Map(tenant.pendingClaims ?? []);
  const keys = new Set(changes.map((c) => claimKey(c.claim)));
  for (const { claim, intent } of changes) {
    const key = claimKey(claim);
    const other = pendingClaims.get(key);
    // The same intent may take over a live record: both would write the same thing.
    if (other !== undefined && other.op !== op && other.intent !== intent && !isExpired(other, now)) {
      throw new OperationRefusedError(
        `another operation (${other.op}) is changing ${key} of tenant ${tenant.record.tenantId} until ${new Date(other.until).toISOString()}; rerun after that`,
      );
    }
    pendingClaims.set(key, { intent, op, until: now + leaseMs });
  }
  const domains = (tenant.record.domains ?? []).filter((d) => !keys.has(d));
  return { pendingClaims, domains };
}

/**
 * Runs the three steps for one tenant. `recorded` is the tenant as created with the changes
 * already pending for `op` (a new tenant's add); otherwise step 1 records them on `start`.
 */
export async function runClaimChanges(
  ctx: OperationContext,
  start: TenantSnapshot,
  changes: readonly ClaimChange[],
  options: { readonly op?: string; readonly recorded?: boolean } = {},
): Promise<ClaimRunResult> {
  const op = options.op ?? newOperationId(ctx);
  const tenantId = start.record.tenantId;
  let tenant = options.recorded === true ? start : await record(ctx, start, changes, op);
  const outcomes = new Map<ClaimKey, ChangeOutcome>();
  for (const { claim, intent } of changes) {
    tenant = await keepWritable(ctx, tenant, claimKey(claim), op);
    outcomes.set(
      claimKey(claim),
      intent === 'claim'
        ? await ctx.table.claimDomain(claim, tenantId)
        : await ctx.table.releaseDomain(claim, tenantId),
    );
  }
  const settled = await settle(ctx, tenantId, tenant, outcomes, op);
  if (settled === undefined) await releaseOrphans(ctx, tenantId, changes, outcomes);
  return { tenant: settled, outcomes };
}

/** Step 1: the changes pending on the tenant (refused once a removal has started). */
function record(
  ctx: OperationContext,
  start: TenantSnapshot,
  changes: readonly ClaimChange[],
  op: string,
): Promise<TenantSnapshot> {
  const { now, leaseMs } = protocolTiming(ctx);
  const tenantId = start.record.tenantId;
  return modifyWithRetry<TenantSnapshot | undefined, TenantSnapshot>(start, {
    read: () => ctx.table.getTenant(tenantId),
    decide: (tenant) => {
      if (tenant === undefined) throw new OperationRefusedError(`no tenant ${tenantId}`);
      if (tenant.removal !== undefined)
        throw new OperationRefusedError(`tenant ${tenantId} is being removed; nothing was changed`);
      const change = withPending(tenant, changes, op, now(), leaseMs);
      return { write: () => ctx.table.updateTenant(tenant, change) };
    },
    giveUp: () => tenantKeptChanging(tenantId, 'nothing was changed, rerun'),
  });
}

/** Step 2's guard: renews our lease on `key` when less than the margin is left. */
async function keepWritable(
  ctx: OperationContext,
  tenant: TenantSnapshot,
  key: ClaimKey,
  op: string,
): Promise<TenantSnapshot> {
  const { now, leaseMs } = protocolTiming(ctx);
  const ours = tenant.pendingClaims?.get(key);
  if (ours?.op === op && mayWrite(ours, leaseMs, now())) return tenant;
  const tenantId = tenant.record.tenantId;
  const lost = () =>
    new OperationRefusedError(
      `the change of ${key} of tenant ${tenantId} was settled by another process while this one paused; rerun`,
    );
  return modifyWithRetry<TenantSnapshot | undefined, TenantSnapshot>(tenant, {
    read: () => ctx.table.getTenant(tenantId),
    decide: (current) => {
      const entry = current?.pendingClaims?.get(key);
      if (current === undefined || entry?.op !== op) throw lost();
      const pendingClaims = new Map(current.pendingClaims);
      pendingClaims.set(key, { ...entry, until: now() + leaseMs });
      return { write: () => ctx.table.updateTenant(current, { pendingClaims }) };
    },
    giveUp: () => tenantKeptChanging(tenantId),
  });
}

/** Step 3: our pending claims out of the map, each listed when the tenant holds it. */
function settle(
  ctx: OperationContext,
  tenantId: TenantId,
  tenant: TenantSnapshot,
  outcomes: ReadonlyMap<ClaimKey, ChangeOutcome>,
  op: string,
): Promise<TenantSnapshot | undefined> {
  return modifyWithRetry<TenantSnapshot | undefined, TenantSnapshot | undefined>(tenant, {
    read: () => ctx.table.getTenant(tenantId),
    decide: (current) => {
      if (current === undefined) return { result: undefined };
      const pendingClaims = new Map(current.pendingClaims ?? []);
      const domains = [...(current.record.domains ?? [])];
      let changed = false;
      for (const [key, outcome] of outcomes) {
        // Taken over by another operation with the same intent: that one settles it.
        if (pendingClaims.get(key)?.op !== op) continue;
        pendingClaims.delete(key);
        if (holdsAfter(outcome) && !domains.includes(key)) domains.push(key);
        changed = true;
      }
      if (!changed) return { result: current };
      return { write: () => ctx.table.updateTenant(current, { pendingClaims, domains }) };
    },
    giveUp: () => tenantKeptChanging(tenantId, 'its pending claims are settled by a rerun'),
  });
}

/** The tenant vanished under us (a removal after our lease): nothing may keep naming it. */
async function releaseOrphans(
  ctx: OperationContext,
  tenantId: TenantId,
  changes: readonly ClaimChange[],
  outcomes: ReadonlyMap<ClaimKey, ChangeOutcome>,
): Promise<void> {
  for (const { claim } of changes) {
    const outcome = outcomes.get(claimKey(claim));
    if (outcome !== undefined && holdsAfter(outcome)) await ctx.table.releaseDomain(claim, tenantId);
  }
}

/**
 * Settles every pending claim of the tenant whose lease has passed, by the holder rule (listed
 * exactly when the domain item gives it to the tenant): what a killed operation left, cleaned by
 * the next operation on the tenant. One conditional write; the tenant as it is afterwards.
 */
export async function settleExpiredClaims(
  ctx: OperationContext,
  tenant: TenantSnapshot,
): Promise<TenantSnapshot> {
  const { now } = protocolTiming(ctx);
  const expired = [...(tenant.pendingClaims ?? [])].filter(([, p]) => isExpired(p, now()));
  if (expired.length === 0) return tenant;
  const tenantId = tenant.record.tenantId;
  const holds = new Map<ClaimKey, boolean>();
  for (const [key] of expired) holds.set(key, (await holderOfClaim(ctx, key)) === tenantId);
  return modifyWithRetry<TenantSnapshot | undefined, TenantSnapshot>(tenant, {
    read: () => ctx.table.getTenant(tenantId),
    decide: (current) => {
      if (current === undefined) throw new OperationRefusedError(`no tenant ${tenantId}`);
      const pendingClaims = new Map(current.pendingClaims ?? []);
      const domains = [...(current.record.domains ?? [])];
      let changed = false;
      for (const [key, held] of holds) {
        const entry = pendingClaims.get(key);
        // Renewed or taken over since it was read: that operation settles it.
        if (entry === undefined || !isExpired(entry, now())) continue;
        pendingClaims.delete(key);
        if (held && !domains.includes(key)) domains.push(key);
        changed = true;
      }
      if (!changed) return { result: current };
      return { write: () => ctx.table.updateTenant(current, { pendingClaims, domains }) };
    },
    giveUp: () => tenantKeptChanging(tenantId),
  });
}

async function holderOfClaim(ctx: OperationContext, key: ClaimKey): Promise<TenantId | undefined> {
  const { host, path } = claimOf(key);
  const domain = await ctx.table.getDomain(host);
  return path === undefined ? domain?.tenantId : domain?.paths?.get(path);
}
