/**
 * The router configuration: one typed object, validated once, baked into the edge bundle at build
 * time. The same object drives the local edge, the CDK stack, the scripts and the tests.
 */
import { type ConfigFields, configFields } from './config-fields.ts';
import { ConfigError } from './errors.ts';
import type { CustomOrigin, Region } from './model.ts';
import { parseOrigin } from './origin-rules.ts';

/** Cache behaviour of the in-memory route cache. */
export interface CacheConfig {
  /** How long a found item is fresh. @default 30000 */
  readonly ttlMs: number;
  /** How long "no such item" is remembered. @default 5000 */
  readonly negativeTtlMs: number;
  /** How long past its TTL an entry may still be served when a refresh fails. @default 300000 */
  readonly maxStaleMs: number;
  /** Entry bound of the cache. @default 100000 */
  readonly maxEntries: number;
}

/** DynamoDB lookup timing. */
export interface LookupConfig {
  /** Per-attempt timeout against one replica; the request is really aborted. @default 250 */
  readonly attemptTimeoutMs: number;
  /** Total time budget of one lookup across replicas. @default 1000 */
  readonly budgetMs: number;
  /** How long a replica that failed an attempt is tried last instead of first. @default 5000 */
  readonly replicaCooldownMs: number;
}

/** What to do with a host that resolves to no tenant. */
export type UnknownHostPolicy =
  | { readonly action: 'respond' }
  | { readonly action: 'forward'; readonly origin: CustomOrigin };

/** The validated router configuration. */
export interface RouterConfig {
  /** Name of the DynamoDB global table. */
  readonly tableName: string;
  /** Regions that hold a replica of the table. */
  readonly replicaRegions: readonly Region[];
  /**
   * Explicit nearest-replica order per edge region. Regions not listed get an order derived from
   * region geography. @default {}
   */
  readonly replicaOrder: Readonly<Record<string, readonly Region[]>>;
  /** DynamoDB endpoint URL per replica region; only for the local edge and tests. @default {} */
  readonly endpoints: Readonly<Record<string, string>>;
  /** Platform domains: `<tenant>.<platform domain>` resolves to that tenant by convention. */
  readonly platformDomains: readonly string[];
  /** Origin domain names must equal or end with one of these (`.origin.example.com`). */
  readonly allowedOriginSuffixes: readonly string[];
  /** @default { action: 'respond' } (a generated 404) */
  readonly unknownHost: UnknownHostPolicy;
  readonly cache: CacheConfig;
  readonly lookup: LookupConfig;
  /** Replication lag allowed for in the staleness bound. @default 5000 */
  readonly replicationLagAllowanceMs: number;
  /** Retry-After seconds on maintenance and lookup-failure 503s. @default 30 */
  readonly retryAfterSeconds: number;
  /** Share of routing decisions logged, 0..1. Errors are always logged. @default 0.01 */
  readonly decisionLogSampleRate: number;
  /** Accept IP-literal Host values (routed like unknown hosts). @default false */
  readonly allowIpHosts: boolean;
  /**
   * Name of the origin custom header carrying the shared secret origins check. Kept from the
   * distribution's origin config, stripped if a client sends it. @default 'x-origin-secret'
   */
  readonly originSecretHeader: string;
}

/** Input form of {@link RouterConfig}: everything with a default may be omitted. */
export type RouterConfigInput = Partial<Omit<RouterConfig, 'cache' | 'lookup'>> &
  Pick<RouterConfig, 'tableName' | 'replicaRegions' | 'platformDomains' | 'allowedOriginSuffixes'> & {
    readonly cache?: Partial<CacheConfig>;
    readonly lookup?: Partial<LookupConfig>;
  };

/** Defaults applied by {@link resolveRouterConfig}. */
export const CONFIG_DEFAULTS = {
  replicaOrder: {},
  endpoints: {},
  unknownHost: { action: 'respond' },
  cache: { ttlMs: 30_000, negativeTtlMs: 5_000, maxStaleMs: 300_000, maxEntries: 100_000 },
  lookup: { attemptTimeoutMs: 250, budgetMs: 1_000, replicaCooldownMs: 5_000 },
  replicationLagAllowanceMs: 5_000,
  retryAfterSeconds: 30,
  decisionLogSampleRate: 0.01,
  allowIpHosts: false,
  originSecretHeader: 'x-origin-secret',
} as const satisfies Omit<
  RouterConfig,
  'tableName' | 'replicaRegions' | 'platformDomains' | 'allowedOriginSuffixes'
>;

/**
 * The longest a viewer can still be routed by a superseded tenant record after a write: cache TTL,
 * plus the replication lag allowance, plus max-stale when a replica is unreachable. Migrations wait
 * the first two (the normal case) before they call a switch propagated.
 */
export function propagationWaitMs(config: RouterConfig): number {
  return config.cache.ttlMs + config.replicationLagAllowanceMs;
}

const DOMAIN_PATTERN =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const HEADER_NAME_PATTERN = /^[a-z0-9-]+$/;

/**
 * Validates a configuration and fills in defaults. Throws {@link ConfigError} naming the first bad
 * field.
 *
 * @example
 * const config = resolveRouterConfig({
 *   tableName: 'tenant-routes',
 *   replicaRegions: ['us-east-1', 'eu-west-1'],
 *   platformDomains: ['app.example.com'],
 *   allowedOriginSuffixes: ['.origin.example.com'],
 * });
 */
export function resolveRouterConfig(input: unknown): RouterConfig {
  const raw = requireObject(input, 'config');
  const tableName = requireString(raw.tableName, 'tableName');
  if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(tableName)) fail('tableName', 'must be 3-255 chars of [a-zA-Z0-9_.-]');

  const replicaRegions = requireArray(raw.replicaRegions, 'replicaRegions').map((r, i) =>
    requireRegion(r, `replicaRegions[${i}]`),
  );
  if (replicaRegions.length === 0) fail('replicaRegions', 'must name at least one region');
  if (new Set(replicaRegions).size !== replicaRegions.length) fail('replicaRegions', 'has duplicates');

  const replicaOrder: Record<string, Region[]> = {};
  for (const [edge, order] of Object.entries(requireObject(raw.replicaOrder ?? {}, 'replicaOrder'))) {
    requireRegion(edge, `replicaOrder key ${JSON.stringify(edge)}`);
    replicaOrder[edge] = requireArray(order, `replicaOrder.${edge}`).map((r, i) => {
      const region = requireRegion(r, `replicaOrder.${edge}[${i}]`);
      if (!replicaRegions.includes(region))
        fail(`replicaOrder.${edge}[${i}]`, `${region} is not a replica region`);
      return region;
    });
  }

  const endpoints: Record<string, string> = {};
  for (const [region, url] of Object.entries(requireObject(raw.endpoints ?? {}, 'endpoints'))) {
    const value = requireString(url, `endpoints.${region}`);
    if (!URL.canParse(value)) fail(`endpoints.${region}`, 'must be a URL');
    endpoints[requireRegion(region, `endpoints key ${JSON.stringify(region)}`)] = value;
  }

  const platformDomains = requireArray(raw.platformDomains, 'platformDomains').map((d, i) =>
    requireDomain(d, `platformDomains[${i}]`),
  );
  const allowedOriginSuffixes = requireArray(raw.allowedOriginSuffixes, 'allowedOriginSuffixes').map(
    (s, i) => {
      const suffix = requireString(s, `allowedOriginSuffixes[${i}]`).toLowerCase();
      // A bare suffix like "com" would allow the whole TLD; require a registrable-looking domain.
      if (!DOMAIN_PATTERN.test(suffix.replace(/^\./, ''))) {
        fail(`allowedOriginSuffixes[${i}]`, `${JSON.stringify(suffix)} is not a domain suffix`);
      }
      return suffix;
    },
  );
  if (allowedOriginSuffixes.length === 0) fail('allowedOriginSuffixes', 'must name at least one suffix');

  const unknownRaw = requireObject(raw.unknownHost ?? CONFIG_DEFAULTS.unknownHost, 'unknownHost');
  let unknownHost: UnknownHostPolicy;
  if (unknownRaw.action === 'respond') unknownHost = { action: 'respond' };
  else if (unknownRaw.action === 'forward') {
    const parsed = parseOrigin(unknownRaw.origin);
    if (!parsed.ok) fail('unknownHost.origin', parsed.problem);
    if (parsed.origin.type !== 'custom') fail('unknownHost.origin', 'must be a custom origin');
    unknownHost = { action: 'forward', origin: parsed.origin };
  } else fail('unknownHost.action', "must be 'respond' or 'forward'");

  const cacheRaw = requireObject(raw.cache ?? {}, 'cache');
  const d = CONFIG_DEFAULTS;
  const cache: CacheConfig = {
    ttlMs: requireInt(cacheRaw.ttlMs ?? d.cache.ttlMs, 'cache.ttlMs', 0, 86_400_000),
    negativeTtlMs: requireInt(
      cacheRaw.negativeTtlMs ?? d.cache.negativeTtlMs,
      'cache.negativeTtlMs',
      0,
      86_400_000,
    ),
    maxStaleMs: requireInt(cacheRaw.maxStaleMs ?? d.cache.maxStaleMs, 'cache.maxStaleMs', 0, 86_400_000),
    maxEntries: requireInt(cacheRaw.maxEntries ?? d.cache.maxEntries, 'cache.maxEntries', 1, 10_000_000),
  };
  const lookupRaw = requireObject(raw.lookup ?? {}, 'lookup');
  const lookup: LookupConfig = {
    attemptTimeoutMs: requireInt(
      lookupRaw.attemptTimeoutMs ?? d.lookup.attemptTimeoutMs,
      'lookup.attemptTimeoutMs',
      1,
      30_000,
    ),
    budgetMs: requireInt(lookupRaw.budgetMs ?? d.lookup.budgetMs, 'lookup.budgetMs', 1, 25_000),
    replicaCooldownMs: requireInt(
      lookupRaw.replicaCooldownMs ?? d.lookup.replicaCooldownMs,
      'lookup.replicaCooldownMs',
      0,
      600_000,
    ),
  };
  if (lookup.budgetMs < lookup.attemptTimeoutMs)
    fail('lookup.budgetMs', 'must be at least lookup.attemptTimeoutMs');

  const sample = raw.decisionLogSampleRate ?? d.decisionLogSampleRate;
  if (typeof sample !== 'number' || !(sample >= 0 && sample <= 1))
    fail('decisionLogSampleRate', 'must be 0..1');
  const allowIpHosts = raw.allowIpHosts ?? d.allowIpHosts;
  if (typeof allowIpHosts !== 'boolean') fail('allowIpHosts', 'must be a boolean');
  const originSecretHeader = requireString(
    raw.originSecretHeader ?? d.originSecretHeader,
    'originSecretHeader',
  );
  if (!HEADER_NAME_PATTERN.test(originSecretHeader))
    fail('originSecretHeader', 'must be a lowercase header name');

  const known = new Set([
    'tableName',
    'replicaRegions',
    'replicaOrder',
    'endpoints',
    'platformDomains',
    'allowedOriginSuffixes',
    'unknownHost',
    'cache',
    'lookup',
    'replicationLagAllowanceMs',
    'retryAfterSeconds',
    'decisionLogSampleRate',
    'allowIpHosts',
    'originSecretHeader',
  ]);
  for (const key of Object.keys(raw)) if (!known.has(key)) fail(key, 'is not a known setting');

  return {
    tableName,
    replicaRegions,
    replicaOrder,
    endpoints,
    platformDomains,
    allowedOriginSuffixes,
    unknownHost,
    cache,
    lookup,
    replicationLagAllowanceMs: requireInt(
      raw.replicationLagAllowanceMs ?? d.replicationLagAllowanceMs,
      'replicationLagAllowanceMs',
      0,
      600_000,
    ),
    retryAfterSeconds: requireInt(
      raw.retryAfterSeconds ?? d.retryAfterSeconds,
      'retryAfterSeconds',
      0,
      86_400,
    ),
    decisionLogSampleRate: sample,
    allowIpHosts,
    originSecretHeader,
  };
}

function fail(field: string, message: string): never {
  throw new ConfigError(`router config: ${field} ${message}`);
}

// The shared field validators, reporting through this file's fail (so with its prefix).
const { requireObject, requireArray, requireString, requireInt, requireRegion }: ConfigFields =
  configFields(fail);

function requireDomain(value: unknown, field: string): string {
  const domain = requireString(value, field).toLowerCase();
  if (!DOMAIN_PATTERN.test(domain)) fail(field, `${JSON.stringify(value)} is not a domain name`);
  return domain;
}
