/**
 * The hosts of generated tenants, by kind: a platform subdomain (resolved by convention, one
 * tenant item), a custom domain (an exact DOMAIN item, then the tenant item) or a subdomain served
 * by a wildcard (the exact DOMAIN item is absent, then the `*.parent` item, then the tenant item).
 * Generated tenant `i` has exactly one host; its kind follows from `i` and the `--hosts-kind`
 * choice, so the load test, its seeding and the engine tests it emits agree without passing lists.
 * Pure.
 */
import { domainKey, tenantKey } from '../../edge/items.ts';
import type { TenantId } from '../../edge/model.ts';
import { wildcardOf } from '../../edge/resolve-tenant.ts';
import { loadTestTenantId } from './generated-tenants.ts';

/** The kinds of host a tenant is reached at. */
export const HOST_KINDS = ['platform', 'custom', 'wildcard'] as const;
/** One kind of host. */
export type HostKind = (typeof HOST_KINDS)[number];
/** What `--hosts-kind` takes: one kind for every host, or the documented mix. */
export type HostsKindChoice = HostKind | 'mixed';
/** Every value of `--hosts-kind`. */
export const HOSTS_KIND_CHOICES: readonly HostsKindChoice[] = [...HOST_KINDS, 'mixed'];

/**
 * The mix, by popularity rank modulo 10: 5 custom domains, 3 platform subdomains, 2 wildcard
 * subdomains, interleaved so every kind has popular and rare hosts. Custom domains lead because
 * they are most of a SaaS's traffic and the costlier case (two reads on a miss).
 */
export const MIXED_HOST_KINDS: readonly HostKind[] = [
  'custom',
  'platform',
  'custom',
  'wildcard',
  'custom',
  'platform',
  'custom',
  'wildcard',
  'platform',
  'custom',
];

/** Domain under which custom-domain hosts are generated (`www.lt-000001.example.com`). */
export const GENERATED_CUSTOM_PARENT = 'example.com';
/** Domain under which wildcard-served hosts are generated (`site.lt-000001.example.net`). */
export const GENERATED_WILDCARD_PARENT = 'example.net';

/** One generated host: its name, kind and tenant, and the DOMAIN item that routes it, if any. */
export interface GeneratedHost {
  readonly host: string;
  readonly kind: HostKind;
  readonly tenantId: TenantId;
  /** The host (or `*.parent`) of the DOMAIN item the tools would write for it; none for platform. */
  readonly domainItemHost?: string;
}

/** The kind of generated host `index` under `choice`. */
export function hostKindOf(index: number, choice: HostsKindChoice): HostKind {
  return choice === 'mixed' ? (MIXED_HOST_KINDS[index % MIXED_HOST_KINDS.length] as HostKind) : choice;
}

/**
 * The host (or `*.parent`) of the DOMAIN item that routes generated host `index` under `choice`;
 * undefined for a platform subdomain, which is routed by convention.
 */
export function domainItemHostOf(index: number, choice: HostsKindChoice): string | undefined {
  const tenantId = loadTestTenantId(index);
  switch (hostKindOf(index, choice)) {
    case 'platform':
      return undefined;
    case 'custom':
      return `www.${tenantId}.${GENERATED_CUSTOM_PARENT}`;
    case 'wildcard':
      return `*.${tenantId}.${GENERATED_WILDCARD_PARENT}`;
  }
}

/**
 * The generated tenant a DOMAIN item host belongs to (`www.lt-000001.example.com`,
 * `*.lt-000001.example.net`), read from the name itself; undefined for any other host.
 */
export function generatedTenantOfDomain(host: string): TenantId | undefined {
  const custom = host.endsWith(`.${GENERATED_CUSTOM_PARENT}`) && host.startsWith('www.');
  const wildcard = host.endsWith(`.${GENERATED_WILDCARD_PARENT}`) && host.startsWith('*.');
  if (!custom && !wildcard) return undefined;
  const id = host.slice(custom ? 4 : 2, host.indexOf('.', custom ? 4 : 2));
  return /^lt-\d{6,}$/.test(id) ? (id as TenantId) : undefined;
}

/** Generated host `index` (0-based) under `choice`; platform hosts live under `platformDomain`. */
export function generatedHost(index: number, choice: HostsKindChoice, platformDomain: string): GeneratedHost {
  const tenantId = loadTestTenantId(index);
  const kind = hostKindOf(index, choice);
  const domainItemHost = domainItemHostOf(index, choice);
  if (domainItemHost === undefined) return { host: `${tenantId}.${platformDomain}`, kind, tenantId };
  // A wildcard item `*.parent` serves `site.parent`; a custom domain's item is its own host.
  const host = domainItemHost.startsWith('*.') ? `site.${domainItemHost.slice(2)}` : domainItemHost;
  return { host, kind, tenantId, domainItemHost };
}

/**
 * The DOMAIN item hosts of the first `count` generated tenants (custom hosts, `*.parent` of
 * wildcard ones): what a CloudFront distribution must serve besides the platform wildcards.
 */
export function generatedDomainHosts(count: number, choice: HostsKindChoice): string[] {
  const hosts: string[] = [];
  for (let i = 0; i < count; i++) {
    const host = domainItemHostOf(i, choice);
    if (host !== undefined) hosts.push(host);
  }
  return hosts;
}

/** The first `count` generated hosts under `choice`, most popular first. */
export function generatedHostList(
  count: number,
  choice: HostsKindChoice,
  platformDomain: string,
): GeneratedHost[] {
  return Array.from({ length: count }, (_, i) => generatedHost(i, choice, platformDomain));
}

/** A table item the router reads to route a host, and whether it exists (an absence is cached shorter). */
export interface RouteLookup {
  readonly key: string;
  readonly present: boolean;
  /**
   * Read only with the route's first read: the wildcard the router reads ahead with an exact host
   * it has never seen (docs/tenant-store.md#fewer-round-trips); once it knows the exact item
   * exists, it reads no wildcard with it. @default false
   */
  readonly firstReadOnly?: boolean;
}

/**
 * The items the router looks up, in order, to route a generated host from a cold cache, besides
 * the REGIONS item every pool-origin route reads: the platform convention needs only the tenant;
 * a custom domain its exact DOMAIN item first (with its wildcard, absent, read ahead the first
 * time); a wildcard-served host the exact DOMAIN item (absent), then the wildcard's.
 */
export function routeLookupsOf(generated: GeneratedHost): RouteLookup[] {
  const tenant = { key: tenantKey(generated.tenantId), present: true };
  switch (generated.kind) {
    case 'platform':
      return [tenant];
    case 'custom':
      return [
        { key: domainKey(generated.host), present: true },
        { key: domainKey(wildcardOf(generated.host) ?? generated.host), present: false, firstReadOnly: true },
        tenant,
      ];
    case 'wildcard':
      return [
        { key: domainKey(generated.host), present: false },
        { key: domainKey(generated.domainItemHost as string), present: true },
        tenant,
      ];
  }
}
