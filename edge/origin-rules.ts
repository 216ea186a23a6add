/**
 * CloudFront's rules for an origin, and the allowed-suffix check. Pure.
 */
import { asRegion, type Origin } from './model.ts';

const ORIGIN_DOMAIN_PATTERN =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
/** Origin path: empty, or `/`-led segments of safe characters, no trailing `/`, at most 255 chars. */
const ORIGIN_PATH_PATTERN = /^(?:\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*$/;

/** Whether CloudFront accepts this custom-origin port: 80, 443 or 1024-65535. */
export function isValidOriginPort(port: number): boolean {
  return Number.isInteger(port) && (port === 80 || port === 443 || (port >= 1024 && port <= 65535));
}

/** Whether an origin path is acceptable: empty, or starts with `/` and has no trailing `/`. */
export function isValidOriginPath(path: string): boolean {
  return path.length <= 255 && ORIGIN_PATH_PATTERN.test(path);
}

/** Whether a domain name is a syntactically valid, lowercase origin host name. */
export function isValidOriginDomain(domainName: string): boolean {
  return ORIGIN_DOMAIN_PATTERN.test(domainName);
}

/**
 * Whether `domainName` is under one of the allowed suffixes. A suffix with a leading dot
 * (`.origin.example.com`) allows subdomains only; without one it also allows the name itself.
 */
export function isAllowedOriginDomain(domainName: string, allowedSuffixes: readonly string[]): boolean {
  for (const suffix of allowedSuffixes) {
    if (suffix.startsWith('.')) {
      if (domainName.length > suffix.length && domainName.endsWith(suffix)) return true;
    } else if (domainName === suffix || domainName.endsWith(`.${suffix}`)) return true;
  }
  return false;
}

/** Result of {@link parseOrigin}. */
export type ParsedOrigin =
  | { readonly ok: true; readonly origin: Origin }
  | { readonly ok: false; readonly problem: string };

/**
 * Validates an untrusted origin object (from the table or configuration) and fills defaults.
 * Does not check the allowed suffixes: that is a routing decision.
 */
export function parseOrigin(value: unknown): ParsedOrigin {
  if (typeof value !== 'object' || value === null) return { ok: false, problem: 'origin must be an object' };
  const raw = value as Record<string, unknown>;
  const type = raw.type ?? 'custom';
  const domainName = raw.domainName;
  if (typeof domainName !== 'string' || !isValidOriginDomain(domainName)) {
    return { ok: false, problem: 'origin.domainName must be a lowercase host name' };
  }
  const path = raw.path ?? '';
  if (typeof path !== 'string' || !isValidOriginPath(path)) {
    return { ok: false, problem: "origin.path must be empty or start with '/' with no trailing '/'" };
  }
  if (type === 's3') {
    const region = typeof raw.region === 'string' ? asRegion(raw.region) : undefined;
    if (region === undefined)
      return { ok: false, problem: 'origin.region must be an AWS region for an s3 origin' };
    return { ok: true, origin: { type: 's3', domainName, path, region } };
  }
  if (type !== 'custom') return { ok: false, problem: "origin.type must be 'custom' or 's3'" };
  const protocol = raw.protocol ?? 'https';
  if (protocol !== 'http' && protocol !== 'https')
    return { ok: false, problem: "origin.protocol must be 'http' or 'https'" };
  const port = raw.port ?? (protocol === 'https' ? 443 : 80);
  if (typeof port !== 'number' || !isValidOriginPort(port)) {
    return { ok: false, problem: 'origin.port must be 80, 443 or 1024-65535' };
  }
  return { ok: true, origin: { type: 'custom', domainName, protocol, port, path } };
}
