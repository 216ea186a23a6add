/**
 * A tenant's own origin secret and its rotation (docs/operations.md#origin-secrets): the router
 * sends the tenant's dedicated custom origin its `originSecret`, never the platform's. A rotation
 * is two writes so the origin can accept the new value before the router sends it: `stage` stores a
 * generated `nextOriginSecret` (never sent) and shows it once; `promote` makes it the one sent.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { propagationWaitMs } from '../../../edge/config.ts';
import type { TenantId } from '../../../edge/model.ts';
import { modifyWithRetry } from './modify-with-retry.ts';
import type { OperationContext } from './operation-context.ts';
import { OperationRefusedError, tenantKeptChanging } from './tenant-errors.ts';
import type { TenantChange, TenantSnapshot } from './tenant-table.ts';

/** The steps of a rotation, and `clear` (the origin then gets no secret). */
export type SecretStep = 'stage' | 'promote' | 'clear';

/** What a step did; `secret` is the value the origin must accept (shown once, on `stage`). */
export interface SecretStepResult {
  readonly tenant: TenantSnapshot;
  readonly secret?: string;
  /** After `promote`: how long the old value may still be sent by an edge (TTL + replication lag). */
  readonly oldValueSentForMs?: number;
}

/** A new secret: 32 random bytes, base64url (43 characters, within ORIGIN_SECRET_PATTERN). */
export function generateOriginSecret(): string {
  return randomBytes(32).toString('base64url');
}

function changeFor(step: SecretStep, tenant: TenantSnapshot, fresh: string): TenantChange {
  const { record } = tenant;
  if (step === 'clear') return { originSecret: null, nextOriginSecret: null };
  if (record.origin?.type !== 'custom') {
    throw new OperationRefusedError(
      `tenant ${record.tenantId} has no dedicated custom origin: pool origins get the platform's secret`,
    );
  }
  if (step === 'stage') return { nextOriginSecret: fresh };
  if (record.nextOriginSecret === undefined) {
    throw new OperationRefusedError(
      `tenant ${record.tenantId} has no staged secret: run the stage step first`,
    );
  }
  return { originSecret: record.nextOriginSecret, nextOriginSecret: null };
}

/**
 * Runs one step on a tenant's origin secret with one conditional write and an audit entry (which
 * never holds the secret). `generate` is injectable for tests.
 */
export async function changeOriginSecret(
  ctx: OperationContext,
  tenantId: TenantId,
  step: SecretStep,
  generate: () => string = generateOriginSecret,
): Promise<SecretStepResult> {
  const read = async () => {
    const tenant = await ctx.table.getTenant(tenantId);
    if (tenant === undefined) throw new OperationRefusedError(`no tenant ${tenantId}`);
    return tenant;
  };
  const fresh = generate();
  return modifyWithRetry<TenantSnapshot, SecretStepResult>(await read(), {
    read,
    decide: (tenant) => {
      const change = changeFor(step, tenant, fresh);
      return {
        write: async () => {
          const updated = await ctx.table.updateTenant(tenant, change);
          await ctx.table.putAudit({
            tenantId,
            id: randomUUID(),
            at: updated.record.updatedAt,
            action: `origin-secret-${step}`,
            actor: ctx.actor,
            details: {},
          });
          if (step === 'stage') return { tenant: updated, secret: fresh };
          if (step === 'promote')
            return { tenant: updated, oldValueSentForMs: propagationWaitMs(ctx.config) };
          return { tenant: updated };
        },
      };
    },
    giveUp: () => tenantKeptChanging(tenantId),
  });
}
