/**
 * The state of the local CloudFront control plane: one multi-tenant distribution, connection
 * groups and distribution tenants, with CloudFront's rules for the calls the `domains` tool makes
 * (validation, unique names, a domain on one tenant only, ETags and If-Match, disabled before
 * delete) and the managed certificates' life (pending-validation until the validator issues or
 * fails them). In memory; the HTTP shapes are control-plane-server.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ManagedCertificateStatus } from '@aws-sdk/client-cloudfront';
import {
  cnameAlreadyExists,
  entityAlreadyExists,
  entityLimitExceeded,
  entityNotFound,
  invalidArgument,
  invalidIfMatch,
  preconditionFailed,
  resourceNotDisabled,
} from './control-plane-errors.ts';

/** A managed certificate's status, as GetManagedCertificateDetails names them (the SDK's model). */
export type CertificateStatus = ManagedCertificateStatus;

/** A CloudFront-managed certificate of one tenant (HTTP-validated, as CloudFront requests them). */
export interface ManagedCertificate {
  readonly arn: string;
  status: CertificateStatus;
  readonly validationTokenHost: 'cloudfront' | 'self-hosted';
  readonly primaryDomainName: string;
  /** Per domain: the HTTP token path ACM fetches and what CloudFront answers there. */
  readonly tokens: ReadonlyMap<string, { readonly path: string; readonly content: string }>;
  readonly requestedAt: number;
  attempts: number;
}

/** A distribution tenant. */
export interface TenantState {
  readonly id: string;
  readonly name: string;
  readonly arn: string;
  readonly distributionId: string;
  connectionGroupId: string;
  domains: string[];
  enabled: boolean;
  /** Domains whose certificate is valid (DomainResult `active`). */
  activeDomains: Set<string>;
  createdTime: Date;
  lastModifiedTime: Date;
  etag: string;
  tags: Array<{ Key: string; Value?: string | undefined }>;
  /** A certificate of the tenant's own (Customizations.Certificate): covers its domains here. */
  certificateArn: string | undefined;
  managedCertificate: ManagedCertificate | undefined;
}

/** A connection group: the DNS target (routing endpoint) customers point their CNAME at. */
export interface ConnectionGroupState {
  readonly id: string;
  readonly name: string;
  readonly arn: string;
  readonly routingEndpoint: string;
  readonly createdTime: Date;
  readonly etag: string;
  readonly ipv6Enabled: boolean;
  readonly enabled: boolean;
  readonly isDefault: boolean;
}

/** What creating or updating a tenant asks for (the request bodies, as parsed). */
export interface TenantRequest {
  readonly distributionId?: string | undefined;
  readonly name?: string | undefined;
  readonly domains?: readonly string[] | undefined;
  readonly connectionGroupId?: string | undefined;
  readonly enabled?: boolean | undefined;
  readonly certificateArn?: string | undefined;
  readonly managedCertificate?:
    | { readonly validationTokenHost: string; readonly primaryDomainName?: string | undefined }
    | undefined;
  readonly tags?: ReadonlyArray<{ Key: string; Value?: string | undefined }> | undefined;
}

/** Limits the model enforces. */
export interface ControlPlaneLimits {
  /** Distribution tenants per multi-tenant distribution. @default 10000 */
  readonly tenantsPerDistribution?: number;
  /** Domains per distribution tenant. @default 5 */
  readonly domainsPerTenant?: number;
}

const ACCOUNT = '111111111111';
// CloudFormation's pattern for a distribution tenant's name.
const TENANT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-.]{1,126}[a-zA-Z0-9]$/;
const DOMAIN = /^(\*\.)?(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;

/** A CloudFront-style id: prefix plus 27 base62-ish characters. */
function newId(prefix: string): string {
  return `${prefix}${randomBytes(20).toString('base64url').replace(/[-_]/g, 'x').slice(0, 27)}`;
}

/** An ETag: a new opaque version on every change. */
function newEtag(): string {
  return `E${randomBytes(8).toString('hex').toUpperCase()}`;
}

/** The wildcard covering `host` one level up, as CloudFront matches `*.parent`. */
export function wildcardOf(host: string): string | undefined {
  const dot = host.indexOf('.');
  return dot < 0 ? undefined : `*${host.slice(dot)}`;
}

/** The local control plane's state and rules. */
export class ControlPlaneModel {
  readonly distributionId: string;
  readonly tenants = new Map<string, TenantState>();
  readonly connectionGroups = new Map<string, ConnectionGroupState>();
  private readonly byDomain = new Map<string, string>();
  // Names are unique per account: an index, so a create or a read by name costs the same at
  // 10,000 tenants as at 10.
  private readonly byName = new Map<string, string>();
  private readonly limits: Required<ControlPlaneLimits>;
  /** Domains some other AWS account's distribution holds (CNAMEAlreadyExists), set by tests. */
  readonly foreignDomains = new Set<string>();

  constructor(options: { readonly distributionId?: string; readonly limits?: ControlPlaneLimits } = {}) {
    this.distributionId = options.distributionId ?? 'E2LOCALTENANTS';
    this.limits = {
      tenantsPerDistribution: options.limits?.tenantsPerDistribution ?? 10_000,
      domainsPerTenant: options.limits?.domainsPerTenant ?? 5,
    };
  }

  /** CreateConnectionGroup. */
  createConnectionGroup(name: string, options: { ipv6Enabled?: boolean; enabled?: boolean } = {}) {
    if (!TENANT_NAME.test(name)) throw invalidArgument(`Name ${JSON.stringify(name)} is not valid`);
    if ([...this.connectionGroups.values()].some((g) => g.name === name))
      throw entityAlreadyExists(`connection group ${name}`);
    const id = newId('cg_');
    const hash = createHash('sha256').update(id).digest('hex').slice(0, 14);
    const group: ConnectionGroupState = {
      id,
      name,
      arn: `arn:aws:cloudfront::${ACCOUNT}:connection-group/${id}`,
      routingEndpoint: `d${hash}.cloudfront.net`,
      createdTime: new Date(),
      etag: newEtag(),
      ipv6Enabled: options.ipv6Enabled ?? true,
      enabled: options.enabled ?? true,
      isDefault: false,
    };
    this.connectionGroups.set(id, group);
    return group;
  }

  /** GetConnectionGroup: by id, name or ARN. */
  connectionGroup(identifier: string): ConnectionGroupState {
    const group = [...this.connectionGroups.values()].find(
      (g) => g.id === identifier || g.name === identifier || g.arn === identifier,
    );
    if (group === undefined) throw entityNotFound(`connection group ${identifier}`);
    return group;
  }

  /** GetDistributionTenant: by id, name or ARN. */
  tenant(identifier: string): TenantState {
    const id = this.tenants.has(identifier)
      ? identifier
      : (this.byName.get(identifier) ?? /:distribution-tenant\/(.+)$/.exec(identifier)?.[1]);
    const found = id === undefined ? undefined : this.tenants.get(id);
    if (found === undefined) throw entityNotFound(`distribution tenant ${identifier}`);
    return found;
  }

  /** GetDistributionTenantByDomain: the tenant holding the domain, or the wildcard covering it. */
  tenantByDomain(domain: string): TenantState {
    const id = this.byDomain.get(domain) ?? this.byDomain.get(wildcardOf(domain) ?? '');
    if (id === undefined) throw entityNotFound(`distribution tenant with domain ${domain}`);
    return this.tenant(id);
  }

  /** The tenant holding exactly `domain` (no wildcard), if any. */
  tenantWithDomain(domain: string): TenantState | undefined {
    const id = this.byDomain.get(domain);
    return id === undefined ? undefined : this.tenants.get(id);
  }

  /**
   * CreateDistributionTenant. `setup`: a tenant made before the run (the local edge's demo and
   * generated hosts), which the tenants-per-distribution limit does not refuse.
   */
  createTenant(
    request: TenantRequest,
    managedToken: () => { path: string; content: string },
    options: { readonly setup?: boolean } = {},
  ): TenantState {
    if (request.distributionId !== this.distributionId)
      throw entityNotFound(`distribution ${request.distributionId ?? '(none)'}`);
    const name = request.name ?? '';
    if (!TENANT_NAME.test(name)) throw invalidArgument(`Name ${JSON.stringify(name)} is not valid`);
    const domains = this.checkDomains(request.domains, undefined);
    const connectionGroupId = this.checkConnectionGroup(request.connectionGroupId);
    if (this.byName.has(name)) throw entityAlreadyExists(`distribution tenant ${name}`);
    if (options.setup !== true && this.tenants.size >= this.limits.tenantsPerDistribution)
      throw entityLimitExceeded(
        `distribution tenants per distribution (${this.limits.tenantsPerDistribution})`,
      );
    const id = newId('dt_');
    const now = new Date();
    const tenant: TenantState = {
      id,
      name,
      arn: `arn:aws:cloudfront::${ACCOUNT}:distribution-tenant/${id}`,
      distributionId: this.distributionId,
      connectionGroupId,
      domains,
      enabled: request.enabled ?? true,
      activeDomains: new Set(request.certificateArn === undefined ? [] : domains),
      createdTime: now,
      lastModifiedTime: now,
      etag: newEtag(),
      tags: [...(request.tags ?? [])],
      certificateArn: request.certificateArn,
      managedCertificate: this.managedCertificate(request, domains, managedToken),
    };
    this.tenants.set(id, tenant);
    this.byName.set(name, id);
    for (const d of domains) this.byDomain.set(d, id);
    return tenant;
  }

  /** UpdateDistributionTenant: conditional on If-Match. */
  updateTenant(
    id: string,
    ifMatch: string | undefined,
    request: TenantRequest,
    managedToken: () => { path: string; content: string },
  ): TenantState {
    const tenant = this.checkVersion(id, ifMatch);
    if (request.distributionId !== undefined && request.distributionId !== tenant.distributionId)
      throw invalidArgument('DistributionId cannot be changed');
    const domains = this.checkDomains(request.domains ?? tenant.domains, tenant.id);
    if (request.connectionGroupId !== undefined)
      tenant.connectionGroupId = this.checkConnectionGroup(request.connectionGroupId);
    for (const d of tenant.domains) this.byDomain.delete(d);
    for (const d of domains) this.byDomain.set(d, tenant.id);
    const added = domains.filter((d) => !tenant.domains.includes(d));
    tenant.domains = domains;
    tenant.activeDomains = new Set([...tenant.activeDomains].filter((d) => domains.includes(d)));
    if (request.enabled !== undefined) tenant.enabled = request.enabled;
    if (request.certificateArn !== undefined) tenant.certificateArn = request.certificateArn;
    if (tenant.certificateArn !== undefined) for (const d of domains) tenant.activeDomains.add(d);
    if (request.managedCertificate !== undefined || added.length > 0) {
      const requested = this.managedCertificate(request, domains, managedToken);
      if (requested !== undefined) tenant.managedCertificate = requested;
    }
    tenant.lastModifiedTime = new Date();
    tenant.etag = newEtag();
    return tenant;
  }

  /** DeleteDistributionTenant: conditional on If-Match; only once disabled. */
  deleteTenant(id: string, ifMatch: string | undefined): void {
    const tenant = this.checkVersion(id, ifMatch);
    if (tenant.enabled) throw resourceNotDisabled();
    for (const d of tenant.domains) this.byDomain.delete(d);
    this.byName.delete(tenant.name);
    this.tenants.delete(tenant.id);
  }

  /** ListDistributionTenants: ordered by id, `marker` is the last id of the previous page. */
  listTenants(
    filter: { distributionId?: string; connectionGroupId?: string },
    marker: string | undefined,
    maxItems: number,
  ) {
    const all = [...this.tenants.values()]
      .filter(
        (t) =>
          (filter.distributionId === undefined || t.distributionId === filter.distributionId) &&
          (filter.connectionGroupId === undefined || t.connectionGroupId === filter.connectionGroupId),
      )
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const start = marker === undefined || marker === '' ? 0 : all.findIndex((t) => t.id > marker);
    const page = start < 0 ? [] : all.slice(start, start + maxItems);
    const more = start >= 0 && start + maxItems < all.length;
    return { tenants: page, nextMarker: more ? page.at(-1)?.id : undefined };
  }

  /** Whether `host` is served: an enabled tenant holds it (or its wildcard) with a valid certificate. */
  servingTenant(host: string): TenantState | undefined {
    for (const key of [host, wildcardOf(host)]) {
      const id = key === undefined ? undefined : this.byDomain.get(key);
      const tenant = id === undefined ? undefined : this.tenants.get(id);
      if (tenant?.enabled === true && tenant.activeDomains.has(key as string)) return tenant;
    }
    return undefined;
  }

  private checkVersion(id: string, ifMatch: string | undefined): TenantState {
    const tenant = this.tenants.get(id);
    if (tenant === undefined) throw entityNotFound(`distribution tenant ${id}`);
    if (ifMatch === undefined || ifMatch === '') throw invalidIfMatch();
    if (ifMatch !== tenant.etag) throw preconditionFailed();
    return tenant;
  }

  private checkDomains(domains: readonly string[] | undefined, self: string | undefined): string[] {
    if (domains === undefined || domains.length === 0)
      throw invalidArgument('Domains must list at least one domain');
    if (domains.length > this.limits.domainsPerTenant)
      throw entityLimitExceeded(`domains per distribution tenant (${this.limits.domainsPerTenant})`);
    for (const d of domains) {
      if (!DOMAIN.test(d)) throw invalidArgument(`Domain ${JSON.stringify(d)} is not a valid domain name`);
      const holder = this.byDomain.get(d);
      if ((holder !== undefined && holder !== self) || this.foreignDomains.has(d))
        throw cnameAlreadyExists(d);
    }
    if (new Set(domains).size !== domains.length) throw invalidArgument('Domains lists a domain twice');
    return [...domains];
  }

  private checkConnectionGroup(id: string | undefined): string {
    if (id === undefined) {
      const first = this.connectionGroups.values().next();
      if (first.done === true) throw entityNotFound('default connection group');
      return first.value.id;
    }
    return this.connectionGroup(id).id;
  }

  private managedCertificate(
    request: TenantRequest,
    domains: readonly string[],
    managedToken: () => { path: string; content: string },
  ): ManagedCertificate | undefined {
    const ask = request.managedCertificate;
    if (ask === undefined) return undefined;
    if (ask.validationTokenHost !== 'cloudfront' && ask.validationTokenHost !== 'self-hosted')
      throw invalidArgument(`ValidationTokenHost ${JSON.stringify(ask.validationTokenHost)} is not valid`);
    const primary = ask.primaryDomainName ?? domains[0] ?? '';
    if (!domains.includes(primary))
      throw invalidArgument(`PrimaryDomainName ${primary} is not one of the tenant's domains`);
    // ACM's HTTP validation cannot issue a wildcard: a managed certificate covers exact names only.
    const wildcard = domains.find((d) => d.startsWith('*.'));
    if (wildcard !== undefined)
      throw invalidArgument(
        `a managed certificate cannot cover the wildcard ${wildcard}: bring a certificate`,
      );
    return {
      arn: `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/${newId('').toLowerCase()}`,
      status: 'pending-validation',
      validationTokenHost: ask.validationTokenHost,
      primaryDomainName: primary,
      tokens: new Map(domains.map((d) => [d, managedToken()])),
      requestedAt: Date.now(),
      attempts: 0,
    };
  }
}
