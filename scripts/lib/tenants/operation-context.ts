/**
 * What every tenant operation needs: the table, the router configuration and who is acting, plus
 * the clock, sleep and claim lease the claim protocol runs on (injected in tests).
 */
import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RouterConfig } from '../../../edge/config.ts';
import { DEFAULT_CLAIM_LEASE_MS } from './claims.ts';
import type { TenantTable } from './tenant-table.ts';

/** Dependencies of the tenant operations. */
export interface OperationContext {
  readonly table: TenantTable;
  readonly config: RouterConfig;
  /** Recorded in audit entries, e.g. `alice@ops-1`. */
  readonly actor: string;
  /** Epoch ms. @default Date.now */
  readonly clock?: (() => number) | undefined;
  /** @default node:timers/promises setTimeout */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  /** How long a pending claim lets its operation write the domain item. @default DEFAULT_CLAIM_LEASE_MS */
  readonly claimLeaseMs?: number | undefined;
  /** Progress lines for a person (e.g. "waiting for ..."). @default none */
  readonly notify?: ((line: string) => void) | undefined;
}

/** The clock, sleep and lease of a context, with their defaults. */
export function protocolTiming(ctx: OperationContext): {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  leaseMs: number;
} {
  return {
    now: ctx.clock ?? Date.now,
    sleep: ctx.sleep ?? ((ms) => sleep(ms)),
    leaseMs: ctx.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS,
  };
}

/** A unique name of one operation of this process (`user@host:pid:nonce`), kept in pending claims. */
export function newOperationId(ctx: Pick<OperationContext, 'actor'>): string {
  return `${ctx.actor}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** `user@host` of this process, for audit entries. */
export function currentActor(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep 'unknown'.
  }
  return `${user}@${hostname()}`;
}
