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
 * AWS's own endpoint namespaces (`*.amazonaws.com`, `*.amazonaws.com.cn`): any AWS account can
 * create a name under them (a bucket, a load balancer, an API), so a suffix there admits strangers.
 */
const AWS_NAMESPACE = /(?:^|\.)amazonaws\.com(?:\.cn)?$/;
/**
 * A virtual-hosted S3 REST endpoint (`<bucket>.s3.<region>.amazonaws.com`, optionally dual-stack)
 * with a bucket name of no dots: the only S3 names whose TLS certificate (`*.s3.<region>...`)
 * covers them, so the only ones reachable over HTTPS by name. Website endpoints have no HTTPS.
 */
const S3_REST_ENDPOINT =
  /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]\.s3(?:\.dualstack)?\.[a-z]{2}(?:-[a-z]+)+-\d{1,2}\.amazonaws\.com(?:\.cn)?$/;

/** Whether a domain is in an AWS endpoint namespace, where only exact names can be allowed. */
export function isAwsEndpointName(domainName: string): boolean {
  return AWS_NAMESPACE.test(domainName);
}

/** Whether a domain is an S3 bucket's virtual-hosted REST endpoint with a dot-free bucket name. */
export function isS3RestEndpoint(domainName: string): boolean {
  return S3_REST_ENDPOINT.test(domainName);
}

/**
 * Whether `domainName` is under one of the allowed suffixes. A suffix with a leading dot
 * (`.origin.example.com`) allows subdomains only; without one it also allows the name itself.
 * A name in an AWS endpoint namespace (an S3 bucket, `tenant-assets.s3.eu-west-1.amazonaws.com`)
 * is allowed only when listed exactly: `attacker.tenant-assets.s3...` is a bucket anyone can make.
 */
export function isAllowedOriginDomain(domainName: string, allowedSuffixes: readonly string[]): boolean {
  return isUnderAllowedSuffix(domainName, AWS_NAMESPACE.test(domainName), allowedSuffixes);
}

/** {@link isAllowedOriginDomain} once it is known whether the name is in an AWS namespace (`exactOnly`). */
function isUnderAllowedSuffix(
  domainName: string,
  exactOnly: boolean,
  allowedSuffixes: readonly string[],
): boolean {
  for (const suffix of allowedSuffixes) {
    if (exactOnly) {
      if (domainName === suffix) return true;
    } else if (suffix.startsWith('.')) {
      if (domainName.length > suffix.length && domainName.endsWith(suffix)) return true;
    } else if (domainName === suffix || domainName.endsWith(`.${suffix}`)) return true;
  }
  return false;
}

/**
 * Whether the router may forward to `origin`: its domain is allowed ({@link isAllowedOriginDomain})
 * and, in an AWS endpoint namespace, it is reached over HTTPS only (an S3 origin always is: see
 * `routeToCloudFrontRequest`). The one rule for the router (read time) and every writer.
 */
export function isAllowedOrigin(origin: Origin, allowedSuffixes: readonly string[]): boolean {
  // One namespace test for both rules: this runs on every forwarded request.
  const aws = AWS_NAMESPACE.test(origin.domainName);
  if (!isUnderAllowedSuffix(origin.domainName, aws, allowedSuffixes)) return false;
  return origin.type === 's3' || origin.protocol === 'https' || !aws;
}

/**
 * Why an allowed-suffix entry admits origins nobody vetted, or undefined when it does not: a
 * leading-dot suffix in an AWS endpoint namespace (`.s3.eu-west-1.amazonaws.com`).
 */
export function allowedSuffixProblem(suffix: string): string | undefined {
  if (suffix.startsWith('.') && AWS_NAMESPACE.test(suffix)) {
    return 'is a suffix in an AWS endpoint namespace, where any account can create names: list each bucket or endpoint exactly';
  }
  return undefined;
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
    if (!S3_REST_ENDPOINT.test(domainName)) {
      return {
        ok: false,
        problem:
          'origin.domainName of an s3 origin must be <bucket>.s3.<region>.amazonaws.com with no dots in the bucket name (HTTPS only)',
      };
    }
    const region = typeof raw.region === 'string' ? asRegion(raw.region) : undefined;
    if (region === undefined)
      return { ok: false, problem: 'origin.region must be an AWS region for an s3 origin' };
    return { ok: true, origin: { type: 's3', domainName, path, region } };
  }
  if (type !== 'custom') return { ok: false, problem: "origin.type must be 'custom' or 's3'" };
  const protocol = raw.protocol ?? 'https';
  if (protocol !== 'http' && protocol !== 'https')
    return { ok: false, problem: "origin.protocol must be 'http' or 'https'" };
  if (protocol === 'http' && AWS_NAMESPACE.test(domainName)) {
    return { ok: false, problem: 'origin.protocol must be https for an AWS endpoint (an S3 bucket)' };
  }
  const port = raw.port ?? (protocol === 'https' ? 443 : 80);
  if (typeof port !== 'number' || !isValidOriginPort(port)) {
    return { ok: false, problem: 'origin.port must be 80, 443 or 1024-65535' };
  }
  return { ok: true, origin: { type: 'custom', domainName, protocol, port, path } };
}
