/**
 * Onboarding operations over the table, the claim protocol and CloudFront: `add` (the challenge),
 * `verify` (drive the state machine as far as it goes now), `remove`. Every step is idempotent
 * and resumable: state lives in the onboarding record, the `DOMAIN#` item and the distribution
 * tenant (named after the host), so a rerun after a kill at any point continues without a second
 * resource or a lost domain.
 */
import type { TenantId } from '../../../edge/model.ts';
import { addDomain, holderOf, removeDomain } from '../tenants/domain-claims.ts';
import type { OperationContext } from '../tenants/operation-context.ts';
import { OperationRefusedError, TenantContentionError } from '../tenants/tenant-errors.ts';
import type { DomainCdn } from './domain-cdn.ts';
import { nextAction, type OnboardingAction, type OnboardingFacts, retryState } from './onboarding-machine.ts';
import type { OnboardingRecord } from './onboarding-record.ts';
import type { OnboardingStore } from './onboarding-store.ts';
import { newChallengeToken, type OwnershipCheck } from './ownership-proof.ts';

/** The steps a run may be stopped after (tests kill a run at each one). */
export type OnboardingStep =
  | 'ownership-seen'
  | 'claimed'
  | 'ownership-recorded'
  | 'cdn-tenant-created'
  | 'activated'
  | 'removal-marked'
  | 'cdn-disabled'
  | 'claim-released'
  | 'cdn-deleted';

/** What the operations need. */
export interface DomainsContext {
  /** The tenant operations' context (table, configuration, claim lease). */
  readonly ops: OperationContext;
  readonly store: OnboardingStore;
  readonly cdn: DomainCdn;
  readonly ownership: OwnershipCheck;
  /** Called after each step; a test throws here to stand for a kill. @default none */
  readonly afterStep?: ((step: OnboardingStep, host: string) => void) | undefined;
  /**
   * Runs one tenant's claims one at a time (an import of many domains of one customer would
   * otherwise race itself on the tenant item). @default each claim at once
   */
  readonly oneClaimPerTenant?: (<T>(tenantId: TenantId, claim: () => Promise<T>) => Promise<T>) | undefined;
}

/** The outcome of `add`. */
export interface AddOutcome {
  readonly change: 'added' | 'unchanged';
  readonly record: OnboardingRecord;
}

/** Starts onboarding `host` for `tenantId`: refused when another tenant holds or onboards it. */
export async function addOnboarding(
  ctx: DomainsContext,
  host: string,
  tenantId: TenantId,
): Promise<AddOutcome> {
  if ((await ctx.ops.table.getTenant(tenantId)) === undefined)
    throw new OperationRefusedError(`no tenant ${tenantId}`);
  const holder = await holderOf(ctx.ops, { host });
  if (holder !== undefined && holder !== tenantId)
    throw new OperationRefusedError(
      `domain ${host} is already claimed by tenant ${holder}; nothing was changed`,
    );
  const now = ctx.ops.table.now();
  const { created, record } = await ctx.store.create({
    host,
    tenantId,
    state: 'pending-ownership',
    token: newChallengeToken(),
    createdAt: now,
    updatedAt: now,
  });
  if (record.tenantId !== tenantId)
    throw new OperationRefusedError(
      `domain ${host} is being onboarded for tenant ${record.tenantId} (${record.state}); nothing was changed`,
    );
  if (record.state === 'removing')
    throw new OperationRefusedError(
      `domain ${host} is being removed: rerun \`domains remove ${host}\` first`,
    );
  return { change: created ? 'added' : 'unchanged', record };
}

/** What a `verify` reached. */
export interface VerifyOutcome {
  readonly record: OnboardingRecord;
  /** The last action decided (what the record waits for, when it is not active). */
  readonly action: OnboardingAction;
}

/** Reads a record, refusing an unknown host. */
async function requireRecord(ctx: DomainsContext, host: string): Promise<OnboardingRecord> {
  const record = await ctx.store.get(host);
  if (record === undefined)
    throw new OperationRefusedError(`no onboarding of ${host}: run \`domains add\` first`);
  return record;
}

/**
 * Writes a change. When another operator (a second `verify` of the same host) moved the record on
 * meanwhile, the record as it is now comes back instead: every action is decided again from what
 * is observed, so the loser of the race simply continues from where the winner got to.
 */
async function write(ctx: DomainsContext, record: OnboardingRecord, change: Partial<OnboardingRecord>) {
  return (await ctx.store.update(record, change)) ?? requireRecord(ctx, record.host);
}

/** Observes what the record's state needs. */
async function observe(ctx: DomainsContext, record: OnboardingRecord): Promise<OnboardingFacts> {
  const holder = await holderOf(ctx.ops, { host: record.host });
  if (record.state === 'pending-ownership') {
    const claimPending =
      holder === record.tenantId &&
      (await ctx.ops.table.getTenant(record.tenantId))?.pendingClaims?.has(record.host) === true;
    return { holder, claimPending, ownershipProven: await ctx.ownership(record.host, record.token) };
  }
  const cdn = await ctx.cdn.find(record.host);
  const ready = cdn?.enabled === true && cdn.deployed && cdn.domainActive;
  return {
    holder,
    cdn,
    certificate: cdn === undefined || ready ? undefined : await ctx.cdn.certificate(cdn),
  };
}

/**
 * Drives the record through the machine until it waits (for the proof, the certificate) or is
 * done; `retry` first moves a failed record back to the step it failed at.
 */
export async function verifyOnboarding(
  ctx: DomainsContext,
  host: string,
  options: { readonly retry?: boolean } = {},
): Promise<VerifyOutcome> {
  let record = await requireRecord(ctx, host);
  if (record.state === 'failed' && options.retry === true) {
    if (record.failedStep === 'certificate') {
      const cdn = await ctx.cdn.find(host);
      if (cdn !== undefined) await ctx.cdn.renewCertificate(cdn, host);
    }
    record = await write(ctx, record, {
      state: retryState(record),
      reason: undefined,
      failedStep: undefined,
    });
  }
  for (;;) {
    if (record.state !== 'pending-ownership' && record.state !== 'pending-certificate')
      return { record, action: { kind: 'done' } };
    const action = nextAction(record, await observe(ctx, record));
    const next = await perform(ctx, record, action);
    if (next === undefined) return { record, action };
    record = next;
  }
}

/** Performs one action; undefined when the record waits. */
async function perform(
  ctx: DomainsContext,
  record: OnboardingRecord,
  action: OnboardingAction,
): Promise<OnboardingRecord | undefined> {
  const step = (name: OnboardingStep) => ctx.afterStep?.(name, record.host);
  switch (action.kind) {
    case 'claim':
      step('ownership-seen');
      try {
        const claim = () => addDomain(ctx.ops, record.tenantId, { host: record.host });
        await (ctx.oneClaimPerTenant === undefined ? claim() : ctx.oneClaimPerTenant(record.tenantId, claim));
      } catch (error) {
        // Contention is no answer about the host: wait, the next verify claims again.
        if (error instanceof TenantContentionError) return undefined;
        if (!(error instanceof OperationRefusedError)) throw error;
        return write(ctx, record, { state: 'failed', failedStep: 'claim', reason: error.message });
      }
      step('claimed');
      return record;
    case 'record-ownership': {
      const next = await write(ctx, record, {
        state: 'pending-certificate',
        ownershipProvenAt: ctx.ops.table.now(),
      });
      step('ownership-recorded');
      return next;
    }
    case 'create-cdn-tenant':
      try {
        const cdn = await ctx.cdn.create(record.host, record.tenantId);
        step('cdn-tenant-created');
        return cdn.id === record.distributionTenantId
          ? record
          : write(ctx, record, { distributionTenantId: cdn.id });
      } catch (error) {
        if (!(error instanceof OperationRefusedError)) throw error;
        return write(ctx, record, { state: 'failed', failedStep: 'cloudfront', reason: error.message });
      }
    case 'activate': {
      const next = await write(ctx, record, { state: 'active' });
      step('activated');
      return next;
    }
    case 'fail':
      return write(ctx, record, { state: 'failed', failedStep: action.step, reason: action.reason });
    default:
      return undefined;
  }
}

/**
 * Removes a domain in the order that never serves a host without a route: CloudFront stops
 * serving it (the tenant disabled), then the `DOMAIN#` claim is released, then the tenant and the
 * record are deleted. Marked `removing` first, so a rerun finishes a cut-short removal.
 */
export async function removeOnboarding(
  ctx: DomainsContext,
  host: string,
): Promise<{ readonly tenantId: TenantId }> {
  let record = await requireRecord(ctx, host);
  const step = (name: OnboardingStep) => ctx.afterStep?.(name, host);
  if (record.state !== 'removing') record = await write(ctx, record, { state: 'removing' });
  step('removal-marked');
  let cdn = await ctx.cdn.find(host);
  if (cdn !== undefined) cdn = await ctx.cdn.disable(cdn, host);
  step('cdn-disabled');
  if ((await holderOf(ctx.ops, { host })) === record.tenantId)
    await removeDomain(ctx.ops, record.tenantId, { host });
  step('claim-released');
  if (cdn !== undefined) await ctx.cdn.delete(cdn);
  step('cdn-deleted');
  if (!(await ctx.store.delete(record)))
    throw new OperationRefusedError(`the onboarding of ${host} changed while it was removed; rerun`);
  return { tenantId: record.tenantId };
}
