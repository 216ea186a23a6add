/**
 * The router's domain model: the records read from the global table and the routing decision.
 * Pure types and tiny constructors; no I/O.
 */

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A tenant identifier (`acme`). Branded so a tenant id is never passed where a region is meant. */
export type TenantId = Brand<string, 'TenantId'>;
/** An AWS region name (`eu-west-1`). Branded so a region is never passed where a tenant id is meant. */
export type Region = Brand<string, 'Region'>;
/** A canonical host name: lowercase, punycode, no port, no trailing dot. */
export type CanonicalHost = Brand<string, 'CanonicalHost'>;

/** Tenant ids: 1-63 chars of `a-z0-9-`, starting with a letter or digit, usable as a DNS label. */
export const TENANT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** AWS region names such as `us-east-1`, `ap-southeast-2`, `us-gov-west-1`. */
export const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/** Narrows a string to a {@link TenantId}, or returns undefined when it is not one. */
export function asTenantId(value: string): TenantId | undefined {
  return TENANT_ID_PATTERN.test(value) ? (value as TenantId) : undefined;
}

/** Narrows a string to a {@link Region}, or returns undefined when it is not one. */
export function asRegion(value: string): Region | undefined {
  return REGION_PATTERN.test(value) ? (value as Region) : undefined;
}

/** Tenant lifecycle status. `active` forwards, `suspended` answers 403, `maintenance` answers 503. */
export type TenantStatus = 'active' | 'suspended' | 'maintenance';
export const TENANT_STATUSES: readonly TenantStatus[] = ['active', 'suspended', 'maintenance'];

/** A custom (HTTP) origin. */
export interface CustomOrigin {
  readonly type: 'custom';
  readonly domainName: string;
  /** @default 'https' */
  readonly protocol: 'http' | 'https';
  /** 80, 443 or 1024-65535. @default 443 for https, 80 for http */
  readonly port: number;
  /** Empty, or starts with `/` and has no trailing `/`. @default '' */
  readonly path: string;
}

/** An S3 bucket origin (`<bucket>.s3.<region>.amazonaws.com`). */
export interface S3Origin {
  readonly type: 's3';
  readonly domainName: string;
  /** Empty, or starts with `/` and has no trailing `/`. @default '' */
  readonly path: string;
  /** Region of the bucket, used for SigV4 by origin access control. */
  readonly region: Region;
}

/** Where a request may be sent. */
export type Origin = CustomOrigin | S3Origin;

/** Migration phases, in order. State of a migration lives in the tenant item. */
export type MigrationPhase = 'planned' | 'prepared' | 'frozen' | 'switched' | 'propagated';
export const MIGRATION_PHASES: readonly MigrationPhase[] = [
  'planned',
  'prepared',
  'frozen',
  'switched',
  'propagated',
];

/** An in-flight region migration, recorded on the tenant item. */
export interface MigrationRecord {
  readonly id: string;
  readonly from: Region;
  readonly to: Region;
  readonly phase: MigrationPhase;
  readonly startedAt: string;
  /** Status the tenant had before a freeze, restored on finalize or rollback. */
  readonly priorStatus?: TenantStatus;
}

/** `DOMAIN#<host>` item: which tenant serves a host, optionally split by path prefix. */
export interface DomainRecord {
  readonly host: string;
  readonly tenantId: TenantId;
  /** Path prefix (starting with `/`) -> tenant; longest matching prefix wins, else {@link tenantId}. */
  readonly paths?: ReadonlyMap<string, TenantId>;
}

/** `TENANT#<id>` item: where a tenant lives and how it is served. */
export interface TenantRecord {
  readonly tenantId: TenantId;
  readonly region: Region;
  readonly status: TenantStatus;
  readonly origin?: Origin;
  readonly failoverRegion?: Region;
  readonly version: number;
  readonly updatedAt: string;
  readonly domains?: readonly string[];
  readonly migration?: MigrationRecord;
  /**
   * The tenant's own origin secret, sent in the origin secret header to its dedicated custom
   * origin (never the platform's secret, which only pool origins get). docs/routing.md#4-rewrite-forward
   */
  readonly originSecret?: string;
  /** The next secret of a rotation, staged for the origin to accept before it is sent; never sent. */
  readonly nextOriginSecret?: string;
}

/** Region status: `draining` sends the region's tenants to its failover region. */
export type RegionStatus = 'active' | 'draining';

/** One region's entry in the `REGIONS` item. */
export interface RegionRecord {
  /** The region's shared pool origin. */
  readonly origin: CustomOrigin;
  readonly status: RegionStatus;
  readonly failover?: Region;
  /** URL probed by migration preflight. */
  readonly healthUrl?: string;
}

/** The `REGIONS` item: every region tenants can live in. */
export interface RegionsRecord {
  readonly regions: ReadonlyMap<Region, RegionRecord>;
  readonly version: number;
  /**
   * Entries the router could not read, by their key, with the problem: left out of `regions`, so a
   * bad entry fails its own region's tenants (502) and no other region's. Absent when there is none.
   */
  readonly malformed?: ReadonlyMap<string, string>;
}

/** How a lookup was served, for logs and the load test. */
export type CacheOutcome = 'hit' | 'miss' | 'stale' | 'negative';

/** The routing decision: expected outcomes are data, not exceptions. */
export type RouteDecision =
  | {
      readonly kind: 'forward';
      readonly tenantId: TenantId | undefined;
      readonly region: Region | undefined;
      readonly origin: Origin;
      /** The viewer's canonical host, kept in `x-forwarded-host`. */
      readonly viewerHost: string;
      /** The normalised request path the decision was made on: exactly what the origin gets. */
      readonly path: string;
      /**
       * Why this origin: home region, dedicated origin, failover of a draining region, fallback.
       * Only platform origins (`home`, `failover`, `fallback`) get the platform's origin secret.
       */
      readonly via: 'home' | 'dedicated' | 'failover' | 'fallback';
      /** For a dedicated custom origin: the tenant's own secret, sent in the origin secret header. */
      readonly tenantSecret?: string;
    }
  | {
      readonly kind: 'respond';
      readonly status: 400 | 403 | 404 | 502 | 503;
      /** Short machine reason (`bad-host`, `unknown-tenant`, ...), also logged. */
      readonly reason: string;
      readonly tenantId?: TenantId;
      /** Seconds, for 503 answers. */
      readonly retryAfter?: number;
    };
