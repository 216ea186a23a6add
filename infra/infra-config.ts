/**
 * The deployment configuration of the CDK app: one typed object, validated once. The router
 * configuration baked into the edge function is derived from it (and validated by the same
 * `resolveRouterConfig` the edge code uses), so the table, the grants and the function can never
 * disagree about table name or replica regions.
 */
import {
  type CacheConfig,
  type RouterConfig,
  type RouterConfigInput,
  resolveRouterConfig,
} from '../edge/config.ts';
import { type ConfigFields, configFields } from '../edge/config-fields.ts';
import { ConfigError } from '../edge/errors.ts';
import type { CustomOrigin, Region } from '../edge/model.ts';
import { isAllowedOriginDomain, parseOrigin } from '../edge/origin-rules.ts';

/** CloudFront cache policy TTLs, in seconds. */
export interface CdnCacheConfig {
  /** @default 0 */
  readonly minTtlSeconds: number;
  /** TTL when the origin sends no Cache-Control: 0, so uncachable pages stay uncached. @default 0 */
  readonly defaultTtlSeconds: number;
  /** Upper bound on what an origin's Cache-Control may ask for. @default 31536000 */
  readonly maxTtlSeconds: number;
}

/** Size of the Lambda@Edge function. */
export interface EdgeFunctionConfig {
  /**
   * Memory in MB. CPU scales with memory, and a cold start spends its time on CPU (module load,
   * TLS handshake to the nearest replica); 512 MB keeps cold starts short at a small cost.
   * @default 512
   */
  readonly memorySize: number;
  /**
   * Timeout in seconds. Must exceed the lookup budget with room to spare, so a slow table ends in
   * the router's own 503 with Retry-After, never a Lambda timeout (a CloudFront error page).
   * Origin-request triggers allow at most 30. @default 5
   */
  readonly timeoutSeconds: number;
}

/** Router settings that are not derived from the rest of the infra configuration. */
export type RouterSettings = Omit<
  RouterConfigInput,
  'tableName' | 'replicaRegions' | 'platformDomains' | 'allowedOriginSuffixes' | 'cache' | 'endpoints'
>;

/** The validated deployment configuration. */
export interface InfraConfig {
  /** AWS account id (12 digits) of every stack. */
  readonly account: string;
  /** Region of the main stack and of the table's primary replica. */
  readonly primaryRegion: Region;
  /** Regions with a replica of the table besides the primary. @default [] */
  readonly replicaRegions: readonly Region[];
  /** Physical name of the global table (the edge function is baked with it). */
  readonly tableName: string;
  /** Name of the main stack. @default 'TenantRouter' */
  readonly stackName: string;
  /** Platform domains: `<tenant>.<platform domain>` routes by convention. */
  readonly platformDomains: readonly string[];
  /** Origin domain names the router may forward to. */
  readonly allowedOriginSuffixes: readonly string[];
  /** The shared pool origin of each region tenants can live in. */
  readonly regionalOrigins: ReadonlyMap<Region, CustomOrigin>;
  /** Region whose pool origin is the distribution's default origin. @default primaryRegion */
  readonly defaultOriginRegion: Region;
  /** ACM certificate in us-east-1 for {@link domainNames}. @default none (the cloudfront.net certificate) */
  readonly certificateArn: string | undefined;
  /** Alternate domain names of the distribution (wildcards allowed). Needs a certificate. @default [] */
  readonly domainNames: readonly string[];
  /** The router's in-memory cache. @default CONFIG_DEFAULTS.cache */
  readonly routerCache: CacheConfig;
  /** CloudFront cache policy TTLs. */
  readonly cdnCache: CdnCacheConfig;
  /** Extra viewer headers the origins need, sent by the origin request policy. @default [] */
  readonly forwardedHeaders: readonly string[];
  /** CloudFront price class. @default 'PriceClass_All' */
  readonly priceClass: 'PriceClass_100' | 'PriceClass_200' | 'PriceClass_All';
  /** ARN of a global (us-east-1) WAF web ACL to attach. @default none */
  readonly webAclArn: string | undefined;
  /** Days access logs are kept. @default 90 */
  readonly accessLogRetentionDays: number;
  /** Memory and timeout of the edge function. @default INFRA_DEFAULTS.edgeFunction */
  readonly edgeFunction: EdgeFunctionConfig;
  /** The router configuration baked into the edge function, derived and validated. */
  readonly router: RouterConfig;
}

/** Defaults applied by {@link resolveInfraConfig}. */
export const INFRA_DEFAULTS = {
  stackName: 'TenantRouter',
  cdnCache: { minTtlSeconds: 0, defaultTtlSeconds: 0, maxTtlSeconds: 31_536_000 },
  edgeFunction: { memorySize: 512, timeoutSeconds: 5 },
  priceClass: 'PriceClass_All',
  accessLogRetentionDays: 90,
} as const;

const KNOWN_KEYS = new Set([
  'account',
  'primaryRegion',
  'replicaRegions',
  'tableName',
  'stackName',
  'platformDomains',
  'allowedOriginSuffixes',
  'regionalOrigins',
  'defaultOriginRegion',
  'certificateArn',
  'domainNames',
  'routerCache',
  'cdnCache',
  'forwardedHeaders',
  'priceClass',
  'webAclArn',
  'accessLogRetentionDays',
  'edgeFunction',
  'router',
]);
const PRICE_CLASSES = ['PriceClass_100', 'PriceClass_200', 'PriceClass_All'] as const;
/** CloudFront requires the viewer certificate in us-east-1. */
const CERTIFICATE_ARN_PATTERN = /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/;
const WEB_ACL_ARN_PATTERN = /^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[0-9a-f-]{36}$/;
const ALIAS_PATTERN =
  /^(?:\*\.)?(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const HEADER_NAME_PATTERN = /^[A-Za-z0-9-]{1,128}$/;
/** Lambda@Edge origin-request functions may run at most 30 seconds. */
const MAX_ORIGIN_TRIGGER_TIMEOUT_SECONDS = 30;
/** Headers the distribution already sends (the router's inputs); listing them again is a mistake. */
const ALWAYS_FORWARDED = new Set(['host']);

/**
 * Validates a deployment configuration (parsed JSON or cdk context) and derives the router
 * configuration. Throws {@link ConfigError} naming the first bad field.
 *
 * @example
 * const config = resolveInfraConfig(JSON.parse(readFileSync('infra/config/example.json', 'utf8')));
 * new TenantRouter(stack, 'Router', { config });
 */
export function resolveInfraConfig(input: unknown): InfraConfig {
  const raw = requireObject(input, 'config');
  for (const key of Object.keys(raw)) if (!KNOWN_KEYS.has(key)) fail(key, 'is not a known setting');

  const account = requireString(raw.account, 'account');
  if (!/^\d{12}$/.test(account)) fail('account', 'must be a 12-digit AWS account id');
  const primaryRegion = requireRegion(raw.primaryRegion, 'primaryRegion');
  const replicaRegions = requireArray(raw.replicaRegions ?? [], 'replicaRegions').map((r, i) =>
    requireRegion(r, `replicaRegions[${i}]`),
  );
  if (replicaRegions.includes(primaryRegion))
    fail('replicaRegions', `must not list the primary region ${primaryRegion} (it always holds the table)`);
  if (new Set(replicaRegions).size !== replicaRegions.length) fail('replicaRegions', 'has duplicates');
  const tableRegions = [primaryRegion, ...replicaRegions];

  const stackName = requireString(raw.stackName ?? INFRA_DEFAULTS.stackName, 'stackName');
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) fail('stackName', 'is not a valid stack name');

  // The router validates table name, domains and suffixes; derive it early so its messages apply.
  const routerSettings = requireObject(raw.router ?? {}, 'router');
  for (const derived of [
    'tableName',
    'replicaRegions',
    'platformDomains',
    'allowedOriginSuffixes',
    'cache',
  ]) {
    if (derived in routerSettings)
      fail(`router.${derived}`, `is set at the top level (${derived === 'cache' ? 'routerCache' : derived})`);
  }
  if ('endpoints' in routerSettings) fail('router.endpoints', 'is for the local edge only, never deployed');
  const router = resolveRouterConfig({
    ...routerSettings,
    tableName: raw.tableName,
    replicaRegions: tableRegions,
    platformDomains: raw.platformDomains,
    allowedOriginSuffixes: raw.allowedOriginSuffixes,
    cache: raw.routerCache ?? {},
  });

  const regionalOrigins = new Map<Region, CustomOrigin>();
  for (const [key, value] of Object.entries(requireObject(raw.regionalOrigins, 'regionalOrigins'))) {
    const region = requireRegion(key, `regionalOrigins key ${JSON.stringify(key)}`);
    const parsed = parseOrigin(value);
    if (!parsed.ok) fail(`regionalOrigins.${region}`, parsed.problem);
    if (parsed.origin.type !== 'custom') fail(`regionalOrigins.${region}`, 'must be a custom origin');
    // The origin secret header travels with every request: never over plain HTTP.
    if (parsed.origin.protocol !== 'https') fail(`regionalOrigins.${region}`, "must use protocol 'https'");
    if (!isAllowedOriginDomain(parsed.origin.domainName, router.allowedOriginSuffixes)) {
      fail(`regionalOrigins.${region}`, `${parsed.origin.domainName} is outside allowedOriginSuffixes`);
    }
    regionalOrigins.set(region, parsed.origin);
  }
  if (regionalOrigins.size === 0) fail('regionalOrigins', 'must name at least one region');
  const defaultOriginRegion = requireRegion(raw.defaultOriginRegion ?? primaryRegion, 'defaultOriginRegion');
  if (!regionalOrigins.has(defaultOriginRegion))
    fail('defaultOriginRegion', `${defaultOriginRegion} has no entry in regionalOrigins`);

  const certificateArn = optionalString(raw.certificateArn, 'certificateArn');
  if (certificateArn !== undefined && !CERTIFICATE_ARN_PATTERN.test(certificateArn))
    fail('certificateArn', 'must be an ACM certificate ARN in us-east-1 (CloudFront reads it only there)');
  const domainNames = requireArray(raw.domainNames ?? [], 'domainNames').map((d, i) => {
    const name = requireString(d, `domainNames[${i}]`).toLowerCase();
    if (!ALIAS_PATTERN.test(name)) fail(`domainNames[${i}]`, `${JSON.stringify(d)} is not a domain name`);
    return name;
  });
  if (domainNames.length > 0 && certificateArn === undefined)
    fail('domainNames', 'need a certificateArn covering them');
  if (new Set(domainNames).size !== domainNames.length) fail('domainNames', 'has duplicates');

  const cdnRaw = requireObject(raw.cdnCache ?? {}, 'cdnCache');
  const d = INFRA_DEFAULTS;
  const cdnCache: CdnCacheConfig = {
    minTtlSeconds: requireInt(
      cdnRaw.minTtlSeconds ?? d.cdnCache.minTtlSeconds,
      'cdnCache.minTtlSeconds',
      0,
      31_536_000,
    ),
    defaultTtlSeconds: requireInt(
      cdnRaw.defaultTtlSeconds ?? d.cdnCache.defaultTtlSeconds,
      'cdnCache.defaultTtlSeconds',
      0,
      31_536_000,
    ),
    maxTtlSeconds: requireInt(
      cdnRaw.maxTtlSeconds ?? d.cdnCache.maxTtlSeconds,
      'cdnCache.maxTtlSeconds',
      1,
      31_536_000,
    ),
  };
  // CloudFront rejects a cache policy whose TTLs are all 0 when it has a cache key (Host here).
  if (
    !(
      cdnCache.minTtlSeconds <= cdnCache.defaultTtlSeconds &&
      cdnCache.defaultTtlSeconds <= cdnCache.maxTtlSeconds
    )
  )
    fail('cdnCache', 'must satisfy minTtlSeconds <= defaultTtlSeconds <= maxTtlSeconds');
  for (const key of Object.keys(cdnRaw))
    if (!(key in d.cdnCache)) fail(`cdnCache.${key}`, 'is not a known setting');

  const forwardedHeaders = requireArray(raw.forwardedHeaders ?? [], 'forwardedHeaders').map((h, i) => {
    const header = requireString(h, `forwardedHeaders[${i}]`);
    if (!HEADER_NAME_PATTERN.test(header)) fail(`forwardedHeaders[${i}]`, 'is not a header name');
    if (ALWAYS_FORWARDED.has(header.toLowerCase()))
      fail(`forwardedHeaders[${i}]`, `${header} is always forwarded`);
    return header;
  });

  const priceClass = raw.priceClass ?? d.priceClass;
  if (!PRICE_CLASSES.includes(priceClass as (typeof PRICE_CLASSES)[number]))
    fail('priceClass', `must be one of ${PRICE_CLASSES.join(', ')}`);
  const webAclArn = optionalString(raw.webAclArn, 'webAclArn');
  if (webAclArn !== undefined && !WEB_ACL_ARN_PATTERN.test(webAclArn))
    fail('webAclArn', 'must be a WAFv2 web ACL ARN with CLOUDFRONT scope (us-east-1, global/)');
  const accessLogRetentionDays = requireInt(
    raw.accessLogRetentionDays ?? d.accessLogRetentionDays,
    'accessLogRetentionDays',
    1,
    3650,
  );

  const fnRaw = requireObject(raw.edgeFunction ?? {}, 'edgeFunction');
  for (const key of Object.keys(fnRaw))
    if (!(key in d.edgeFunction)) fail(`edgeFunction.${key}`, 'is not a known setting');
  const edgeFunction: EdgeFunctionConfig = {
    memorySize: requireInt(
      fnRaw.memorySize ?? d.edgeFunction.memorySize,
      'edgeFunction.memorySize',
      128,
      10_240,
    ),
    timeoutSeconds: requireInt(
      fnRaw.timeoutSeconds ?? d.edgeFunction.timeoutSeconds,
      'edgeFunction.timeoutSeconds',
      1,
      MAX_ORIGIN_TRIGGER_TIMEOUT_SECONDS,
    ),
  };
  // One second on top of the lookup budget covers a cold start's module load and the response.
  if (edgeFunction.timeoutSeconds * 1000 < router.lookup.budgetMs + 1000) {
    fail(
      'edgeFunction.timeoutSeconds',
      `must leave a second beyond router.lookup.budgetMs (${router.lookup.budgetMs} ms)`,
    );
  }

  return {
    account,
    primaryRegion,
    replicaRegions,
    tableName: router.tableName,
    stackName,
    platformDomains: router.platformDomains,
    allowedOriginSuffixes: router.allowedOriginSuffixes,
    regionalOrigins,
    defaultOriginRegion,
    certificateArn,
    domainNames,
    routerCache: router.cache,
    cdnCache,
    forwardedHeaders,
    priceClass: priceClass as InfraConfig['priceClass'],
    webAclArn,
    accessLogRetentionDays,
    edgeFunction,
    router,
  };
}

/** Every region holding a copy of the table: the primary first, then the replicas. */
export function tableRegions(config: InfraConfig): readonly Region[] {
  return [config.primaryRegion, ...config.replicaRegions];
}

function fail(field: string, message: string): never {
  throw new ConfigError(`infra config: ${field} ${message}`);
}

// The shared field validators, reporting through this file's fail (so with its prefix).
const {
  requireObject,
  requireArray,
  requireString,
  optionalString,
  requireInt,
  requireRegion,
}: ConfigFields = configFields(fail);
