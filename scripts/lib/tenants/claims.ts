/**
 * What a tenant claims: a whole host (`shop.acme.com`, `*.acme.example.net`) or one path prefix of
 * a host split between tenants (`shop.acme.com/blog`), and the pending-claim records of the claim
 * protocol (docs/data-model.md#claims). Pure.
 */
import type { TenantId } from '../../../edge/model.ts';

/** A host, or a path prefix of a host, that routes to one tenant. */
export interface Claim {
  /** Canonical host or `*.parent` wildcard: the `DOMAIN#` item's key. */
  readonly host: string;
  /** A path prefix (`/blog`) in the host's `paths` map; undefined: the host itself. */
  readonly path?: string | undefined;
}

/**
 * The string form of a claim, as listed in a tenant's `domains`: the host, or host + prefix
 * (`shop.acme.com/blog`). A canonical host has no `/`, so the form is unambiguous.
 */
export type ClaimKey = string;

/** The listed form of a claim. */
export function claimKey(claim: Claim): ClaimKey {
  return claim.path === undefined ? claim.host : `${claim.host}${claim.path}`;
}

/** A listed claim back into host and path (the inverse of {@link claimKey}). */
export function claimOf(key: ClaimKey): Claim {
  const slash = key.indexOf('/');
  return slash < 0 ? { host: key } : { host: key.slice(0, slash), path: key.slice(slash) };
}

/** What an operation in flight does to a claim. */
export type ClaimIntent = 'claim' | 'release';

/**
 * A claim an operation is changing, recorded on the tenant item before the `DOMAIN#` item is
 * written, so the tenant always lists everything that routes to it. Only the operation `op`
 * writes the `DOMAIN#` item, and only while `until` is comfortably ahead; once `until` has passed
 * anyone may settle the record (see {@link settledByHolder}).
 */
export interface PendingClaim {
  readonly intent: ClaimIntent;
  /** The operation that recorded it (`user@host:pid:nonce`). */
  readonly op: string;
  /** Epoch ms until which {@link op} may write the `DOMAIN#` item. */
  readonly until: number;
}

/** How long a pending claim lets its operation write the `DOMAIN#` item. */
export const DEFAULT_CLAIM_LEASE_MS = 30_000;

/**
 * An operation writes a `DOMAIN#` item only with at least this share of its lease left, so a write
 * still in flight when the lease ends cannot land after someone else settled the claim.
 */
export const CLAIM_WRITE_MARGIN = 1 / 3;

/** Whether the operation holding `pending` may still write the `DOMAIN#` item at `now`. */
export function mayWrite(pending: PendingClaim, leaseMs: number, now: number): boolean {
  return pending.until - now >= leaseMs * CLAIM_WRITE_MARGIN;
}

/** Whether a pending claim's operation is past its lease (anyone may settle it). */
export function isExpired(pending: PendingClaim, now: number): boolean {
  return pending.until <= now;
}

/**
 * The one rule that settles a pending claim, whoever applies it: the claim is the tenant's
 * (listed) exactly when the `DOMAIN#` item gives it to the tenant, and is dropped otherwise.
 */
export function settledByHolder(holder: TenantId | undefined, tenantId: TenantId): 'listed' | 'dropped' {
  return holder === tenantId ? 'listed' : 'dropped';
}
