/**
 * Validation of operator input (tenant ids, regions, domains, origins) before anything is written.
 * Pure: every problem is an {@link InvalidInputError} with a one-line message.
 */
import type { RouterConfig } from '../../../edge/config.ts';
import { parseHostHeader } from '../../../edge/host.ts';
import {
  asRegion,
  asTenantId,
  type CustomOrigin,
  type Origin,
  type Region,
  type RegionsRecord,
  TENANT_STATUSES,
  type TenantId,
  type TenantStatus,
} from '../../../edge/model.ts';
import { isAllowedOrigin, parseOrigin } from '../../../edge/origin-rules.ts';
import { publicSuffixProblem } from '../../../edge/public-suffix.ts';
import { type Claim, claimKey } from './claims.ts';
import { InvalidInputError } from './tenant-errors.ts';

/** Checks a tenant id: 1-63 chars of `a-z0-9-`, usable as a DNS label. */
export function parseTenantIdInput(value: string): TenantId {
  const id = asTenantId(value);
  if (id === undefined) {
    throw new InvalidInputError(
      `tenant id ${JSON.stringify(value)} must be 1-63 chars of a-z, 0-9 and '-', not starting or ending with '-'`,
    );
  }
  return id;
}

/** Checks the syntax of a region name. */
export function parseRegionInput(value: string): Region {
  const region = asRegion(value);
  if (region === undefined) throw new InvalidInputError(`${JSON.stringify(value)} is not an AWS region name`);
  return region;
}

/** Checks that a region is declared in the regions item (tenants can only live in known regions). */
export function requireKnownRegion(region: Region, regions: RegionsRecord | undefined): void {
  if (regions?.regions.has(region) !== true) {
    const known = regions === undefined ? 'none yet' : [...regions.regions.keys()].join(', ') || 'none yet';
    throw new InvalidInputError(
      `unknown region ${region} (known: ${known}); declare it with \`tenants region set\``,
    );
  }
}

/** Checks a tenant status name. */
export function parseStatusInput(value: string): TenantStatus {
  const status = TENANT_STATUSES.find((s) => s === value);
  if (status === undefined) {
    throw new InvalidInputError(
      `status ${JSON.stringify(value)} must be one of ${TENANT_STATUSES.join(', ')}`,
    );
  }
  return status;
}

/**
 * Canonicalises a domain the way the router canonicalises a Host header (lowercase, no trailing
 * dot, IDN to punycode). `*.parent` is a one-level wildcard. Platform subdomains are refused: the
 * router resolves them by convention and would never read their domain item.
 */
export function parseDomainInput(value: string, config: Pick<RouterConfig, 'platformDomains'>): string {
  const wildcard = value.startsWith('*.');
  const name = wildcard ? value.slice(2) : value;
  if (name.includes(':') || name.includes('/') || name.includes('*')) {
    throw new InvalidInputError(
      `domain ${JSON.stringify(value)} is malformed (a bare host name is expected)`,
    );
  }
  const parsed = parseHostHeader([name], { allowIpHosts: false });
  if (!parsed.ok)
    throw new InvalidInputError(`domain ${JSON.stringify(value)} is malformed: ${parsed.reason}`);
  const host: string = parsed.host;
  if (wildcard && host.split('.').length < 2) {
    throw new InvalidInputError(
      `wildcard ${JSON.stringify(value)} must cover a domain with at least two labels`,
    );
  }
  const suffix = publicSuffixProblem(wildcard ? `*.${host}` : host);
  if (suffix !== undefined)
    throw new InvalidInputError(`domain ${JSON.stringify(value)} is refused: ${suffix}`);
  for (const platform of config.platformDomains) {
    if (host === platform || host.endsWith(`.${platform}`)) {
      throw new InvalidInputError(
        `domain ${host} is under the platform domain ${platform}, which routes <tenant>.${platform} by convention`,
      );
    }
  }
  return wildcard ? `*.${host}` : host;
}

/** Longest path prefix a claim may carry: host + prefix must fit the tenant's domain list entry. */
const MAX_CLAIM_LENGTH = 260;

/**
 * Checks a path prefix a host is split by (`/blog`): it starts with `/`, has no query, fragment,
 * empty, `.` or `..` segment, whitespace or control character, so the router's segment-boundary
 * match reads it one way. (Where path normalisation rules live, they apply here too.)
 */
export function parsePathPrefixInput(value: string): string {
  const bad = (why: string) => new InvalidInputError(`path prefix ${JSON.stringify(value)} ${why}`);
  if (!value.startsWith('/')) throw bad("must start with '/'");
  if (value === '/') throw bad('is the whole host: claim the host itself');
  // Any character below 0x21 (controls and space) or DEL, a query, a fragment or a backslash.
  if ([...value].some((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f) || /[?#\\]/.test(value))
    throw bad('has a query, fragment, backslash, space or control character');
  const segments = value.slice(1).replace(/\/$/, '').split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..'))
    throw bad("has an empty, '.' or '..' segment");
  return value;
}

/**
 * Parses a claim as listed or typed: a domain (see {@link parseDomainInput}), optionally followed
 * by a path prefix (`shop.acme.com/blog`), or the domain with the path given apart (`--path`).
 */
export function parseClaimInput(
  value: string,
  config: Pick<RouterConfig, 'platformDomains'>,
  path?: string,
): Claim {
  const slash = value.indexOf('/');
  const hostText = slash < 0 ? value : value.slice(0, slash);
  const pathText = slash < 0 ? path : value.slice(slash);
  if (slash >= 0 && path !== undefined)
    throw new InvalidInputError(`${JSON.stringify(value)} already has a path; drop --path`);
  const claim: Claim = {
    host: parseDomainInput(hostText, config),
    ...(pathText === undefined ? {} : { path: parsePathPrefixInput(pathText) }),
  };
  if (claimKey(claim).length > MAX_CLAIM_LENGTH)
    throw new InvalidInputError(`${JSON.stringify(value)} is longer than ${MAX_CLAIM_LENGTH} characters`);
  return claim;
}

/** `<bucket>.s3.<region>.amazonaws.com`: the region an S3 origin's domain names. */
const S3_DOMAIN_REGION = /\.s3[.-]([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.amazonaws\.com$/;

/**
 * Parses an S3 origin given as `s3://<bucket domain>[/path][?region=R]` (what {@link formatOrigin}
 * writes, so `export` then `import` round-trips it): the bucket's region comes from `region=`,
 * else from the domain (`<bucket>.s3.<region>.amazonaws.com`).
 */
function parseS3OriginInput(value: string, url: URL): Origin {
  const fromDomain = S3_DOMAIN_REGION.exec(url.hostname)?.[1];
  const given = url.searchParams.get('region') ?? undefined;
  if (
    url.username !== '' ||
    url.password !== '' ||
    url.hash !== '' ||
    [...url.searchParams.keys()].some((k) => k !== 'region')
  )
    throw new InvalidInputError(`origin ${JSON.stringify(value)}: an s3 origin takes only ?region=`);
  const parsed = parseOrigin({
    type: 's3',
    domainName: url.hostname,
    path: url.pathname === '/' ? '' : url.pathname,
    region: given ?? fromDomain,
  });
  if (!parsed.ok) throw new InvalidInputError(`origin ${JSON.stringify(value)}: ${parsed.problem}`);
  return parsed.origin;
}

/**
 * Parses an origin given as a URL (`https://acme.origin.example.com:8443/base`, or an S3 origin
 * `s3://bucket.s3.eu-west-1.amazonaws.com/path`), and checks it is under one of the allowed
 * suffixes.
 */
export function parseOriginInput(value: string, allowedSuffixes: readonly string[]): Origin {
  if (!URL.canParse(value)) throw new InvalidInputError(`origin ${JSON.stringify(value)} is not a URL`);
  const url = new URL(value);
  if (url.protocol === 's3:') {
    const origin = parseS3OriginInput(value, url);
    requireAllowedOrigin(origin, allowedSuffixes);
    return origin;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidInputError(`origin ${JSON.stringify(value)} must be an http or https URL`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new InvalidInputError(
      `origin ${JSON.stringify(value)} must not carry credentials, a query or a fragment`,
    );
  }
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  const parsed = parseOrigin({
    type: 'custom',
    domainName: url.hostname,
    protocol,
    ...(url.port === '' ? {} : { port: Number(url.port) }),
    path: url.pathname === '/' ? '' : url.pathname,
  });
  if (!parsed.ok) throw new InvalidInputError(`origin ${JSON.stringify(value)}: ${parsed.problem}`);
  requireAllowedOrigin(parsed.origin, allowedSuffixes);
  return parsed.origin;
}

/** Parses a region's pool origin: a custom (http/https) origin only. */
export function parseCustomOriginInput(value: string, allowedSuffixes: readonly string[]): CustomOrigin {
  const origin = parseOriginInput(value, allowedSuffixes);
  if (origin.type !== 'custom')
    throw new InvalidInputError(`origin ${JSON.stringify(value)} must be an http or https URL`);
  return origin;
}

/** Refuses an origin outside the allowed suffixes: the router would refuse to forward to it. */
export function requireAllowedOrigin(origin: Origin, allowedSuffixes: readonly string[]): void {
  if (!isAllowedOrigin(origin, allowedSuffixes)) {
    throw new InvalidInputError(
      `origin ${origin.domainName} is outside the allowed origin suffixes (${allowedSuffixes.join(', ')}; AWS endpoints such as S3 buckets only by exact name, over HTTPS)`,
    );
  }
}

/** The URL form of an origin, as accepted by {@link parseOriginInput}. */
export function formatOrigin(origin: Origin): string {
  if (origin.type === 's3') {
    // The region is written only when the domain does not name it.
    const implied = S3_DOMAIN_REGION.exec(origin.domainName)?.[1] === origin.region;
    return `s3://${origin.domainName}${origin.path}${implied ? '' : `?region=${origin.region}`}`;
  }
  const defaultPort = origin.protocol === 'https' ? 443 : 80;
  const port = origin.port === defaultPort ? '' : `:${origin.port}`;
  return `${origin.protocol}://${origin.domainName}${port}${origin.path}`;
}
