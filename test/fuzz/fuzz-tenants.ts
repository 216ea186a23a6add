/**
 * The table the fuzz tests route against: ordinary tenants, tenants whose origins lie outside the
 * allowed suffixes, tampered items, dangling domains; and an independent oracle of what the router
 * must answer for a canonical host, written from docs/routing.md rather than from the router code.
 */
import type { Item } from '../../edge/items.ts';
import type { DomainRecord, Origin, TenantRecord } from '../../edge/model.ts';
import { MALFORMED_CASES } from '../support/malformed-items.ts';
import {
  aCustomOrigin,
  aDomainRecord,
  anS3Origin,
  aTenantRecord,
  recordItems,
  region,
  someRegions,
  tenantId,
} from '../support/records.ts';

/** The allowed origin suffixes of the fuzz configuration, restated so the oracle does not import the router's check. */
export const FUZZ_ALLOWED_SUFFIXES = [
  '.origin.example.com',
  'tenant-assets.s3.eu-west-1.amazonaws.com',
] as const;
/** The platform domain of the fuzz configuration. */
export const FUZZ_PLATFORM_DOMAIN = 'app.example.com';
/** The origin secret header name of the fuzz configuration. */
export const FUZZ_SECRET_HEADER = 'x-origin-secret';

/**
 * Whether a domain is under an allowed suffix, by the rule in docs/routing.md: a leading-dot suffix
 * allows names strictly under it; a dotless one the name itself and names under it, on label
 * boundaries; a name under amazonaws.com (an S3 bucket anyone can create) only when listed exactly.
 * Written independently of `edge/origin-rules.ts`, as the property's yardstick.
 */
export function isUnderAllowedSuffix(domainName: string): boolean {
  if (domainName === 'amazonaws.com' || domainName.endsWith('.amazonaws.com')) {
    return (FUZZ_ALLOWED_SUFFIXES as readonly string[]).includes(domainName);
  }
  const labels = domainName.split('.');
  for (const suffix of FUZZ_ALLOWED_SUFFIXES) {
    const suffixLabels = suffix.replace(/^\./, '').split('.');
    const strict = suffix.startsWith('.');
    if (labels.length < suffixLabels.length + (strict ? 1 : 0)) continue;
    const tail = labels.slice(labels.length - suffixLabels.length);
    if (tail.join('.') === suffixLabels.join('.')) return true;
  }
  return false;
}

const outside = (domainName: string): Origin => aCustomOrigin({ domainName });

const goodTenants: TenantRecord[] = [
  aTenantRecord({ tenantId: tenantId('acme'), region: region('eu-west-1') }),
  aTenantRecord({ tenantId: tenantId('globex'), region: region('us-east-1') }),
  aTenantRecord({ tenantId: tenantId('sydney'), region: region('ap-southeast-2') }),
  aTenantRecord({ tenantId: tenantId('initech'), status: 'suspended' }),
  aTenantRecord({ tenantId: tenantId('hooli'), status: 'maintenance' }),
  aTenantRecord({
    tenantId: tenantId('umbrella'),
    origin: aCustomOrigin({
      domainName: 'umbrella.dedicated.origin.example.com',
      protocol: 'http',
      port: 8080,
      path: '/site',
    }),
    // Its own secret: sent to its own origin, never the platform's.
    originSecret: 'umbrella-own-origin-secret-0123456789',
  }),
  aTenantRecord({ tenantId: tenantId('stark'), origin: anS3Origin({ path: '/stark' }) }),
];

/** Tenants that are well-formed items but point somewhere the router must never send traffic. */
const hostileTenants: TenantRecord[] = [
  aTenantRecord({ tenantId: tenantId('evil'), origin: outside('attacker.example.org') }),
  aTenantRecord({ tenantId: tenantId('sneaky'), origin: outside('origin.example.com.attacker.net') }),
  aTenantRecord({ tenantId: tenantId('lookalike'), origin: outside('evilorigin.example.com') }),
  aTenantRecord({ tenantId: tenantId('bare'), origin: outside('origin.example.com') }),
  aTenantRecord({
    tenantId: tenantId('s3evil'),
    origin: anS3Origin({ domainName: 'tenant-assets.s3.eu-west-1.amazonaws.com.evil.net' }),
  }),
  aTenantRecord({
    tenantId: tenantId('s3prefix'),
    origin: anS3Origin({ domainName: 'eviltenant-assets.s3.eu-west-1.amazonaws.com' }),
  }),
  aTenantRecord({ tenantId: tenantId('nowhere'), region: region('sa-east-1') }),
  // A bucket under the allowed bucket's name: any AWS account can create it.
  aTenantRecord({
    tenantId: tenantId('assets'),
    origin: anS3Origin({ domainName: 'eu.tenant-assets.s3.eu-west-1.amazonaws.com' }),
  }),
];

const domains: DomainRecord[] = [
  aDomainRecord({ host: 'shop.acme.com', tenantId: tenantId('acme') }),
  aDomainRecord({ host: '*.globex.example.net', tenantId: tenantId('globex') }),
  aDomainRecord({ host: 'www.umbrella.io', tenantId: tenantId('umbrella') }),
  aDomainRecord({ host: 'static.stark.dev', tenantId: tenantId('stark') }),
  aDomainRecord({ host: 'closed.initech.com', tenantId: tenantId('initech') }),
  aDomainRecord({ host: 'shop.evil.com', tenantId: tenantId('evil') }),
  aDomainRecord({ host: '*.sneaky.net', tenantId: tenantId('sneaky') }),
  aDomainRecord({ host: 'dangling.example.com', tenantId: tenantId('ghost') }),
  aDomainRecord({
    host: 'shared.example.com',
    tenantId: tenantId('acme'),
    paths: new Map([
      ['/globex', tenantId('globex')],
      ['/globex/evil', tenantId('evil')],
      ['/hooli/', tenantId('hooli')],
    ]),
  }),
];

/** Every item of the fuzz table: good records, hostile records, and the malformed fixtures. */
export function fuzzTableItems(): Item[] {
  return [
    ...recordItems({ tenants: [...goodTenants, ...hostileTenants], domains, regions: someRegions() }),
    ...MALFORMED_CASES.map((c) => c.item),
  ];
}

/** Canonical hosts the table knows about, for arbitraries to start from. */
export const KNOWN_HOSTS: readonly string[] = [
  ...[...goodTenants, ...hostileTenants].map((t) => `${t.tenantId}.${FUZZ_PLATFORM_DOMAIN}`),
  ...MALFORMED_CASES.map((c) =>
    c.lookup.kind === 'tenant' ? `${c.lookup.id}.${FUZZ_PLATFORM_DOMAIN}` : c.lookup.host,
  ),
  ...domains.map((d) => (d.host.startsWith('*.') ? `www${d.host.slice(1)}` : d.host)),
  'a.b.globex.example.net',
  'globex.example.net',
  'ghost.app.example.com',
  'nobody.example.com',
  `${FUZZ_PLATFORM_DOMAIN}`,
  `a.b.${FUZZ_PLATFORM_DOMAIN}`,
];

/** URIs that exercise the path-prefix split of `shared.example.com`. */
export const KNOWN_URIS: readonly string[] = [
  '/',
  '/globex',
  '/globex/',
  '/globex/cart',
  '/globexx',
  '/globex/evil',
  '/globex/evil/x',
  '/globex/evilx',
  '/hooli/',
  '/hooli',
  '/hooli/x',
];

/** What the router must do for a request, according to the oracle. */
export type ExpectedRoute =
  | {
      readonly kind: 'forward';
      readonly tenantId: string;
      readonly domainName: string;
      /** Whether the router reads the path (a path split, or an origin path): then it is normalised. */
      readsPath: boolean;
    }
  | { readonly kind: 'respond'; readonly status: number };

const tenantsById = new Map(
  [...goodTenants, ...hostileTenants].map((t) => [t.tenantId as string, t] as const),
);
const malformedTenantIds = new Set(
  MALFORMED_CASES.flatMap((c) => (c.lookup.kind === 'tenant' ? [c.lookup.id] : [])),
);
const malformedHosts = new Set(
  MALFORMED_CASES.flatMap((c) => (c.lookup.kind === 'domain' ? [c.lookup.host] : [])),
);
const domainsByHost = new Map(domains.map((d) => [d.host, d] as const));
const poolRegions = new Set(['us-east-1', 'eu-west-1', 'ap-southeast-2']);
const TENANT_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The answer docs/routing.md prescribes for a canonical host and URI over {@link fuzzTableItems}.
 * The host must already be canonical (an invalid Host is a 400, and the host parser is fuzzed apart).
 */
/** The owner of the longest path prefix of `domain` matching `uri`, else the domain's tenant. */
function prefixOwner(domain: DomainRecord, uri: string): string {
  let id: string = domain.tenantId;
  let best = 0;
  for (const [key, owner] of domain.paths ?? []) {
    // A trailing '/' in a prefix is insignificant: '/hooli/' is '/hooli' (docs/routing.md#path).
    const prefix = key.length > 1 && key.endsWith('/') ? key.slice(0, -1) : key;
    const boundary = uri.length === prefix.length || prefix === '/' || uri[prefix.length] === '/';
    if (uri.startsWith(prefix) && boundary && prefix.length > best) {
      id = owner;
      best = prefix.length;
    }
  }
  return id;
}

/**
 * How the fuzz table routes `host` at a normalised path (`path`, and `matchPath` without `;`
 * parameters; undefined when the path has no one reading): a 400 when the router must read a path
 * that has no one reading, or whose two readings belong to different tenants.
 */
export function expectedRoute(
  host: string,
  at: { path: string; matchPath: string } | undefined,
): ExpectedRoute {
  let id: string | undefined;
  let splitPath = false;
  const platformSuffix = `.${FUZZ_PLATFORM_DOMAIN}`;
  if (host.endsWith(platformSuffix)) {
    const label = host.slice(0, -platformSuffix.length);
    if (!label.includes('.') && TENANT_LABEL.test(label)) {
      id = label;
    }
  }
  if (id === undefined) {
    if (malformedHosts.has(host)) return { kind: 'respond', status: 502 };
    let domain = domainsByHost.get(host);
    const parent = host.slice(host.indexOf('.') + 1);
    if (domain === undefined && parent.includes('.')) {
      if (malformedHosts.has(`*.${parent}`)) return { kind: 'respond', status: 502 };
      domain = domainsByHost.get(`*.${parent}`);
    }
    if (domain === undefined) return { kind: 'respond', status: 404 };
    if (domain.paths !== undefined) {
      if (at === undefined) return { kind: 'respond', status: 400 };
      id = prefixOwner(domain, at.matchPath);
      if (prefixOwner(domain, at.path) !== id) return { kind: 'respond', status: 400 };
      splitPath = true;
    } else id = domain.tenantId;
  }
  if (malformedTenantIds.has(id)) return { kind: 'respond', status: 502 };
  const tenant = tenantsById.get(id);
  if (tenant === undefined) return { kind: 'respond', status: 404 };
  if (tenant.status === 'suspended') return { kind: 'respond', status: 403 };
  if (tenant.status === 'maintenance') return { kind: 'respond', status: 503 };
  const domainName = tenant.origin?.domainName ?? `pool.${tenant.region}.origin.example.com`;
  if (tenant.origin === undefined && !poolRegions.has(tenant.region)) return { kind: 'respond', status: 502 };
  if (!isUnderAllowedSuffix(domainName)) return { kind: 'respond', status: 502 };
  const readsPath = splitPath || (tenant.origin?.path ?? '') !== '';
  if (readsPath && at === undefined) return { kind: 'respond', status: 400 };
  return { kind: 'forward', tenantId: id, domainName, readsPath };
}

/** The known hosts that forward (at `/`), so arbitraries reach the rewrite path often. */
export const ROUTABLE_HOSTS: readonly string[] = KNOWN_HOSTS.filter(
  (h) => expectedRoute(h, { path: '/', matchPath: '/' }).kind === 'forward',
);
