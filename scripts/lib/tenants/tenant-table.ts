/**
 * The router table as the operator tools see it: typed records in, typed records out. Every
 * record written is encoded and checked by the router's own item code (`edge/items.ts`), so a tool
 * can never store an item the router refuses; every tenant and regions write is conditional on
 * `version`, and a lost race is a {@link VersionConflictError}. The DynamoDB implementation is
 * `dynamodb-tenant-table.ts`; retrying a lost race is `modify-with-retry.ts`.
 */
import type { Item } from '../../../edge/items.ts';
import type {
  DomainRecord,
  MigrationRecord,
  Origin,
  Region,
  RegionRecord,
  RegionsRecord,
  TenantId,
  TenantRecord,
  TenantStatus,
} from '../../../edge/model.ts';
import type { Claim, ClaimKey, PendingClaim } from './claims.ts';
import type { VersionConflictError } from './tenant-errors.ts';

/**
 * A migration as the operator tools see it: the router's {@link MigrationRecord} plus what only
 * the tools read, kept in the same `migration` map (the router ignores keys it does not know), so
 * any machine can resume a migration from the item alone.
 */
export interface MigrationState extends MigrationRecord {
  /** Who runs it (`user@host:pid:nonce`); others may not while the lease is live. */
  readonly owner: string;
  /** Epoch ms until which {@link owner} holds the migration. */
  readonly leaseUntil: number;
  /** Epoch ms when {@link phase} was entered, so a resumed wait only waits the remainder. */
  readonly phaseAt: number;
  /** Whether the tenant is put in maintenance around the switch. */
  readonly freeze: boolean;
}

/** A removal in progress (`tenants remove` marks the tenant before it releases anything). */
export interface RemovalState {
  /** The operation that started it. */
  readonly op: string;
  readonly startedAt: string;
}

/** A tenant as read or written. */
export interface TenantSnapshot {
  /** What the router reads (its `migration` is the router's part of {@link migration}). */
  readonly record: TenantRecord;
  /** The migration in progress, with the tools' lease; undefined when there is none. */
  readonly migration: MigrationState | undefined;
  /** Claims an operation is changing (tools only; the router ignores them). @default none */
  readonly pendingClaims?: ReadonlyMap<ClaimKey, PendingClaim> | undefined;
  /** Set once `tenants remove` started; no claim may be added after it. @default none */
  readonly removal?: RemovalState | undefined;
}

/** A tenant to create: its record without the fields the table sets (`version`, `updatedAt`). */
export type NewTenant = Omit<TenantRecord, 'version' | 'updatedAt' | 'migration'>;

/**
 * The changes of one tenant write: a field left out is kept, `null` clears an optional one.
 * `version` and `updatedAt` are always set by the table.
 */
export interface TenantChange {
  readonly status?: TenantStatus;
  readonly region?: Region;
  readonly domains?: readonly string[];
  readonly origin?: Origin | null;
  readonly failoverRegion?: Region | null;
  readonly migration?: MigrationState | null;
  /** The tenant's own origin secret (sent to its dedicated origin); `null` removes it. */
  readonly originSecret?: string | null;
  /** A staged next origin secret (never sent); `null` removes it. */
  readonly nextOriginSecret?: string | null;
  /** The whole pending-claims map after the write (empty or `null`: none). */
  readonly pendingClaims?: ReadonlyMap<ClaimKey, PendingClaim> | null;
  readonly removal?: RemovalState | null;
}

/** Where a page of a region's tenants starts: a key returned as {@link TenantPage.nextKey}. Opaque. */
export type PageKey = Item;

/** A page request over the `byRegion` index. */
export interface RegionQuery {
  readonly limit?: number | undefined;
  readonly startKey?: PageKey | undefined;
  /** Only tenants with this status (a server-side filter). */
  readonly status?: TenantStatus | undefined;
  /** Only tenants whose migration comes from this region (a server-side filter). */
  readonly migratingFrom?: Region | undefined;
}

/** One page of a region's tenants from the `byRegion` index. */
export interface TenantPage {
  readonly tenants: readonly TenantSnapshot[];
  /** Pass back as `startKey` for the next page; undefined on the last page. */
  readonly nextKey: PageKey | undefined;
}

/** What a claim write found. */
export type ClaimOutcome =
  | { readonly kind: 'claimed' }
  /** Another tenant holds the host (or the prefix). */
  | { readonly kind: 'held'; readonly holder: TenantId }
  /** A path prefix of a host nobody holds: claim the host first. */
  | { readonly kind: 'no-host' }
  /** The host already splits between the most path prefixes the router reads. */
  | { readonly kind: 'full' };

/** What a release found. */
export type ReleaseOutcome =
  | { readonly kind: 'released' }
  /** The tenant does not hold it (already released, or someone else's). */
  | { readonly kind: 'not-held' }
  /** The host still routes path prefixes (listed) to tenants: they must go first. */
  | { readonly kind: 'has-paths'; readonly paths: ReadonlyMap<string, TenantId> };

/** A page of raw items of a Scan. */
export interface ScanPage {
  readonly items: readonly Item[];
  readonly nextKey: PageKey | undefined;
}

/** An audit entry (`AUDIT#<tenant>#<at>#<id>`), never read by the router. */
export interface AuditEntry {
  readonly tenantId: TenantId;
  readonly id: string;
  readonly at: string;
  readonly action: string;
  readonly actor: string;
  readonly details: Readonly<Record<string, string>>;
}

/**
 * Reads and conditional writes of the router table. Reads are strongly consistent (the tools
 * write and read one region). A record the router would refuse is an `UnroutableRecordError`,
 * thrown before anything is sent.
 */
export interface TenantTable {
  readonly tableName: string;
  /** The table's clock as an ISO timestamp (what `updatedAt` gets). */
  now(): string;

  /** Reads a tenant; undefined when absent. Throws MalformedItemError for a bad item. */
  getTenant(tenantId: TenantId): Promise<TenantSnapshot | undefined>;
  /**
   * Creates a tenant at version 1, with the pending claims of the add creating it;
   * {@link VersionConflictError} when it already exists.
   */
  createTenant(
    tenant: NewTenant,
    pendingClaims?: ReadonlyMap<ClaimKey, PendingClaim>,
  ): Promise<TenantSnapshot>;
  /**
   * Writes `change` over `current`, conditional on `current`'s version, bumping `version` and
   * `updatedAt`. {@link VersionConflictError} when the version moved on or the tenant is gone.
   */
  updateTenant(current: TenantSnapshot, change: TenantChange): Promise<TenantSnapshot>;
  /** Deletes a tenant conditional on `expectedVersion`; {@link VersionConflictError} otherwise. */
  deleteTenant(tenantId: TenantId, expectedVersion: number): Promise<void>;
  /** One page of a region's tenants from the `byRegion` index (never a Scan). */
  queryRegion(region: Region, query?: RegionQuery): Promise<TenantPage>;

  /** Reads a domain record; undefined when absent. */
  getDomain(host: string): Promise<DomainRecord | undefined>;
  /**
   * Claims a host (creating its domain item, or keeping it when the tenant already holds it, its
   * path map kept) or a path prefix of a held host. Writes nothing unless it is `claimed`.
   */
  claimDomain(claim: Claim, tenantId: TenantId): Promise<ClaimOutcome>;
  /**
   * Releases a host (deleting its domain item) or a path prefix, if and only if the tenant holds
   * it. A host whose item still splits paths to tenants is not released (`has-paths`).
   */
  releaseDomain(claim: Claim, tenantId: TenantId): Promise<ReleaseOutcome>;
  /** Deletes a domain item still naming `tenantId` (repair of a claim whose tenant is gone). */
  deleteDomainOf(host: string, tenantId: TenantId): Promise<boolean>;
  /** One page of a strongly consistent Scan of the whole table (`tenants check`). */
  scan(options: { readonly limit: number; readonly startKey?: PageKey | undefined }): Promise<ScanPage>;

  /** Reads the regions record; undefined when absent. */
  getRegions(): Promise<RegionsRecord | undefined>;
  /**
   * Writes the regions record conditional on the version read (`undefined`: must not exist yet);
   * the written record carries `expectedVersion + 1`. {@link VersionConflictError} otherwise.
   */
  putRegions(
    regions: ReadonlyMap<Region, RegionRecord>,
    expectedVersion: number | undefined,
  ): Promise<RegionsRecord>;

  /** Writes an audit entry; writing the same entry twice leaves one item. */
  putAudit(entry: AuditEntry): Promise<void>;
}
