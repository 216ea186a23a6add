/**
 * The router configuration: one typed object, validated once, baked into the edge bundle at build
 * time. The same object drives the local edge, the CDK stack, the scripts and the tests. Every
 * setting's default, validator and one-line doc is its entry in {@link ROUTER_SETTINGS}; the
 * settings table in docs/routing.md is generated from it.
 */
import { type ConfigFields, configFields } from './config-fields.ts';
import { ConfigError } from './errors.ts';
import { ORIGIN_TRIGGER_TIMEOUT_LIMIT_MS } from './lambda-edge-limits.ts';
import type { CustomOrigin, Region } from './model.ts';
import { allowedSuffixProblem, parseOrigin } from './origin-rules.ts';
import type { EncodedSlashPolicy } from './request-path.ts';
import {
  resolveSettings,
  type SettingDefaults,
  type SettingsInput,
  type SettingsSpec,
  settingDefaults,
} from './setting-spec.ts';

/** Cache behaviour of the in-memory route cache. Defaults: {@link ROUTER_SETTINGS}. */
export interface CacheConfig {
  /** How long a found item is fresh. */
  readonly ttlMs: number;
  /** How long "no such item" is remembered. */
  readonly negativeTtlMs: number;
  /** How long past its TTL an entry may still be served when a refresh fails. */
  readonly maxStaleMs: number;
  /**
   * Tenants the cache holds: this many tenant records, and as many domain records (one custom
   * domain per tenant). Absences do not count against it.
   */
  readonly maxTenants: number;
  /** Remembered absences (unknown hosts and tenants), kept apart so they never evict a route. */
  readonly maxAbsences: number;
  /**
   * After a failed refresh was served stale, how long requests for that key are served stale at
   * once without asking the store (one read per key per backoff during an outage).
   */
  readonly errorBackoffMs: number;
}

/**
 * Lookup timing of one (edge region, replica) pair: what a function in the edge region allows
 * each phase of a read from that replica. Derived from the pair's round trip by the build
 * (`infra/lookup-timing-derivation.ts`); see docs/tenant-store.md.
 */
export interface ReplicaTiming {
  /** The round trip the figures were derived from, ms. */
  readonly rttMs: number;
  /** Connection set-up (TCP + TLS) must be done within this, else the connection is dropped. */
  readonly connectTimeoutMs: number;
  /** A request on a ready connection must be answered within this, else it is aborted. */
  readonly requestTimeoutMs: number;
  /** No answer this long after the request went out on a ready connection: hedge to the next replica. */
  readonly hedgeAfterMs: number;
}

/** Lookup timing of one edge region: its budget and each replica's {@link ReplicaTiming}. */
export interface EdgeLookupTiming {
  /** Total time budget of one lookup across replicas, for a function in this edge region. */
  readonly budgetMs: number;
  /** Replica region -> its timing from this edge region. */
  readonly replicas: Readonly<Record<string, ReplicaTiming>>;
}

/** DynamoDB lookup timing. Defaults: {@link ROUTER_SETTINGS}. */
export interface LookupConfig {
  /**
   * Request timeout of one attempt on a ready connection to a replica at zero distance; the build
   * adds the pair's round trip (`byEdgeRegion`). The request is really aborted.
   */
  readonly attemptTimeoutMs: number;
  /** Connection set-up (TCP + TLS) timeout at zero distance; the build adds the round trips. */
  readonly connectTimeoutMs: number;
  /** Hedge delay at zero distance; the build adds the pair's round trip. */
  readonly hedgeAfterMs: number;
  /** Total time budget of one lookup at zero distance; the build adds the two nearest replicas' cold reads. */
  readonly budgetMs: number;
  /**
   * How long a demoted replica (one that failed an attempt, or was slower than the next one
   * `slowReadsToDemote` times in a row) is tried last, before a probe may bring it back.
   */
  readonly replicaCooldownMs: number;
  /**
   * Slow answers in a row (beaten by a hedge, or slower than the replica that would be read in its
   * place) that demote a replica; 0: never for slowness.
   */
  readonly slowReadsToDemote: number;
  /** Send a hedged read to the next replica when the first is slower than its hedge delay. */
  readonly hedging: boolean;
  /** How many of the nearest replicas a new container connects to at once (0: none). */
  readonly warmReplicas: number;
  /** A kept-alive connection idle longer than this (wall clock) is dropped before a request, not reused. */
  readonly maxIdleConnectionMs: number;
  /** Edge region -> its budget and per-replica timing, derived by the build from the round trips. */
  readonly byEdgeRegion: Readonly<Record<string, EdgeLookupTiming>>;
}

/** The router's CloudWatch metrics (EMF log lines). Defaults: {@link ROUTER_SETTINGS}. */
export interface MetricsConfig {
  /** Write metrics at all. */
  readonly enabled: boolean;
  /** CloudWatch namespace of every metric (the CDK app's alarms and dashboard read it too). */
  readonly namespace: string;
  /** How often a container writes what it counted (at the end of the first invocation after it). */
  readonly flushIntervalMs: number;
}

/** What to do with a host that resolves to no tenant. */
export type UnknownHostPolicy =
  | { readonly action: 'respond' }
  | { readonly action: 'forward'; readonly origin: CustomOrigin };

/** The validated router configuration. Defaults and one-line docs: {@link ROUTER_SETTINGS}. */
export interface RouterConfig {
  /** Name of the DynamoDB global table. */
  readonly tableName: string;
  /** Regions that hold a replica of the table. */
  readonly replicaRegions: readonly Region[];
  /**
   * Explicit nearest-replica order per edge region. Regions not listed get an order derived from
   * the measured round-trip times (`region-geography.ts`).
   */
  readonly replicaOrder: Readonly<Record<string, readonly Region[]>>;
  /** DynamoDB endpoint URL per replica region; only for the local edge and tests. */
  readonly endpoints: Readonly<Record<string, string>>;
  /**
   * DynamoDB endpoint URL per edge region, then replica region: a function running in that edge
   * region reads through these instead of {@link endpoints}. Only for the local edge, whose
   * endpoints emulate each (edge region, replica) distance.
   */
  readonly edgeEndpoints: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * PEM certificate of the CA the replica clients trust for `https` {@link endpoints} and
   * {@link edgeEndpoints} (the local edge's generated CA). Only for the local edge and tests.
   */
  readonly endpointCaCertificate: string | undefined;
  /** Platform domains: `<tenant>.<platform domain>` resolves to that tenant by convention. */
  readonly platformDomains: readonly string[];
  /** Origin domain names must equal or end with one of these (`.origin.example.com`). */
  readonly allowedOriginSuffixes: readonly string[];
  /** What an unknown host gets: a generated 404, or a forward to a fixed origin. */
  readonly unknownHost: UnknownHostPolicy;
  readonly cache: CacheConfig;
  readonly lookup: LookupConfig;
  readonly metrics: MetricsConfig;
  /** Replication lag allowed for in the staleness bound. */
  readonly replicationLagAllowanceMs: number;
  /** Retry-After seconds on maintenance and lookup-failure 503s. */
  readonly retryAfterSeconds: number;
  /** Share of routing decisions logged, 0..1. Errors are always logged. */
  readonly decisionLogSampleRate: number;
  /** Accept IP-literal Host values (routed like unknown hosts). */
  readonly allowIpHosts: boolean;
  /**
   * `%2F` / `%5C` in a request path: `reject` (a 400) or `preserve` (kept encoded, as data inside
   * its segment). See docs/routing.md#path.
   */
  readonly encodedSlashes: EncodedSlashPolicy;
  /**
   * Name of the origin custom header carrying the shared secret origins check. Kept from the
   * distribution's origin config, stripped if a client sends it.
   */
  readonly originSecretHeader: string;
}

const DAY_MS = 86_400_000;
const TEN_MINUTES_MS = 600_000;
/** An origin trigger may run 30 s; a lookup budget of 25 s leaves the rest for the response. */
const MAX_LOOKUP_BUDGET_MS = ORIGIN_TRIGGER_TIMEOUT_LIMIT_MS - 5_000;
const DOMAIN_PATTERN =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const HEADER_NAME_PATTERN = /^[a-z0-9-]+$/;

function fail(field: string, message: string): never {
  throw new ConfigError(`router config: ${field} ${message}`);
}

// The shared field validators, reporting through this file's fail (so with its prefix).
const fields: ConfigFields = configFields(fail);
const {
  requireObject,
  requireArray,
  requireString,
  optionalString,
  requireInt,
  int,
  requireRegion,
  requireRegionList,
  requireBoolean,
} = fields;

/**
 * Every router setting: its one-line doc, its default (none: required) and its validator. The
 * single source of the known settings, the defaults and the docs table.
 */
export const ROUTER_SETTINGS = {
  tableName: {
    doc: 'name of the DynamoDB global table',
    parse: (value, field) => {
      const name = requireString(value, field);
      if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(name)) fail(field, 'must be 3-255 chars of [a-zA-Z0-9_.-]');
      return name;
    },
  },
  replicaRegions: {
    doc: 'regions holding a replica of the table',
    parse: (value, field) => requireRegionList(value, field, 1),
  },
  replicaOrder: {
    doc: 'nearest-replica order per edge region (`{ "eu-central-1": ["eu-west-1", ...] }`); others are ordered by measured round-trip time (docs/geography.md)',
    default: {},
    parse: (value, field) => {
      const order: Record<string, Region[]> = {};
      for (const [edge, regions] of Object.entries(requireObject(value, field))) {
        requireRegion(edge, `${field} key ${JSON.stringify(edge)}`);
        order[edge] = requireArray(regions, `${field}.${edge}`).map((r, i) =>
          requireRegion(r, `${field}.${edge}[${i}]`),
        );
      }
      return order;
    },
  },
  endpoints: {
    doc: 'DynamoDB endpoint URL per replica region: the local edge and tests only, never deployed',
    default: {},
    parse: (value, field) => {
      const endpoints: Record<string, string> = {};
      for (const [region, url] of Object.entries(requireObject(value, field))) {
        const text = requireString(url, `${field}.${region}`);
        if (!URL.canParse(text)) fail(`${field}.${region}`, 'must be a URL');
        endpoints[requireRegion(region, `${field} key ${JSON.stringify(region)}`)] = text;
      }
      return endpoints;
    },
  },
  edgeEndpoints: {
    doc: 'DynamoDB endpoint URL per edge region and replica region (`{ "sa-east-1": { "us-east-1": "https://..." } }`), used instead of `endpoints` by a function in that edge region: the local edge only, never deployed',
    default: {},
    parse: (value, field) => {
      const byEdge: Record<string, Record<string, string>> = {};
      for (const [edge, endpoints] of Object.entries(requireObject(value, field))) {
        const edgeRegion = requireRegion(edge, `${field} key ${JSON.stringify(edge)}`);
        byEdge[edgeRegion] = ROUTER_SETTINGS.endpoints.parse(endpoints, `${field}.${edge}`);
      }
      return byEdge;
    },
  },
  endpointCaCertificate: {
    doc: 'PEM certificate of the CA the replica clients trust for https `endpoints` and `edgeEndpoints` (the local edge generates one at start): the local edge only, never deployed',
    default: undefined,
    parse: (value, field) => {
      const pem = optionalString(value, field);
      if (pem !== undefined && !pem.includes('-----BEGIN CERTIFICATE-----'))
        fail(field, 'must be a PEM certificate');
      return pem;
    },
  },
  platformDomains: {
    doc: '`<tenant>.<platform domain>` resolves to that tenant by convention',
    parse: (value, field) => requireArray(value, field).map((d, i) => requireDomain(d, `${field}[${i}]`)),
  },
  allowedOriginSuffixes: {
    doc: 'origin domain names must equal or end with one of these (`.origin.example.com`); AWS endpoints (S3 buckets) only by exact name, over HTTPS',
    parse: (value, field) => {
      const suffixes = requireArray(value, field).map((s, i) => {
        const suffix = requireString(s, `${field}[${i}]`).toLowerCase();
        // A bare suffix like "com" would allow the whole TLD; require a registrable-looking domain.
        if (!DOMAIN_PATTERN.test(suffix.replace(/^\./, ''))) {
          fail(`${field}[${i}]`, `${JSON.stringify(suffix)} is not a domain suffix`);
        }
        const problem = allowedSuffixProblem(suffix);
        if (problem !== undefined) fail(`${field}[${i}]`, `${JSON.stringify(suffix)} ${problem}`);
        return suffix;
      });
      if (suffixes.length === 0) fail(field, 'must name at least one suffix');
      return suffixes;
    },
  },
  unknownHost: {
    doc: "a host with no tenant: `{ action: 'respond' }` (a generated 404) or `{ action: 'forward', origin }`",
    default: { action: 'respond' },
    parse: (value, field): UnknownHostPolicy => {
      const policy = requireObject(value, field);
      if (policy.action === 'respond') return { action: 'respond' };
      if (policy.action !== 'forward') fail(`${field}.action`, "must be 'respond' or 'forward'");
      const parsed = parseOrigin(policy.origin);
      if (!parsed.ok) fail(`${field}.origin`, parsed.problem);
      if (parsed.origin.type !== 'custom') fail(`${field}.origin`, 'must be a custom origin');
      return { action: 'forward', origin: parsed.origin };
    },
  },
  cache: {
    doc: 'the in-memory route cache of each function instance',
    group: {
      ttlMs: { doc: 'how long a found item is fresh, ms', default: 30_000, parse: int(0, DAY_MS) },
      negativeTtlMs: {
        doc: 'how long "no such item" is remembered, ms',
        default: 5_000,
        parse: int(0, DAY_MS),
      },
      maxStaleMs: {
        doc: 'how long past its TTL an entry may still be served when a refresh fails, ms',
        default: 300_000,
        parse: int(0, DAY_MS),
      },
      maxTenants: {
        doc: 'tenants cached: as many tenant records, and as many domain records (least recently used goes first)',
        default: 100_000,
        parse: int(1, 10_000_000),
      },
      maxAbsences: {
        doc: 'absences cached (unknown hosts and tenants), a budget of their own: they never evict a route',
        default: 50_000,
        parse: int(1, 10_000_000),
      },
      errorBackoffMs: {
        doc: 'after a failed refresh was served stale, how long that key is served stale without a read, ms',
        default: 1_000,
        parse: int(0, TEN_MINUTES_MS),
      },
    },
  },
  lookup: {
    doc: 'DynamoDB lookup timing',
    group: {
      attemptTimeoutMs: {
        doc: 'request timeout of one attempt on a ready connection (the request is aborted) at zero distance, ms; the build adds 1.5 round trips per pair (`byEdgeRegion`)',
        default: 250,
        parse: int(1, ORIGIN_TRIGGER_TIMEOUT_LIMIT_MS),
      },
      connectTimeoutMs: {
        doc: 'connection set-up (TCP + TLS) timeout at zero distance, ms; the build adds 3 round trips per pair (a request timeout never ends a set-up; generous, since a lookup hedges and fails over while a slow set-up goes on)',
        default: 2_000,
        parse: int(1, ORIGIN_TRIGGER_TIMEOUT_LIMIT_MS),
      },
      hedgeAfterMs: {
        doc: 'hedge delay at zero distance, ms: no answer this long after the request went out, the same read goes to the next replica; the build adds 1.25 round trips per pair',
        default: 50,
        parse: int(1, ORIGIN_TRIGGER_TIMEOUT_LIMIT_MS),
      },
      budgetMs: {
        doc: 'time budget of one lookup across replicas at zero distance, ms; at least `attemptTimeoutMs`; the build adds a cold read (3 round trips) from each of the two nearest replicas',
        default: 1_000,
        parse: int(1, MAX_LOOKUP_BUDGET_MS),
      },
      replicaCooldownMs: {
        doc: 'how long a demoted replica (it failed an attempt, or was slow `slowReadsToDemote` times in a row) is tried last instead of first, ms; then one background read probes it and a timely answer promotes it back (0: never demote)',
        default: 5_000,
        parse: int(0, TEN_MINUTES_MS),
      },
      slowReadsToDemote: {
        doc: 'answers in a row beaten by a hedge, or slower than the replica that would be read in its place is expected to be (its hedge delay or its recent request time), that demote a replica ([tenant-store.md](tenant-store.md#latency-aware-order)); 0: only failures demote',
        default: 3,
        parse: int(0, 100),
      },
      hedging: {
        doc: 'hedged reads: when the first replica has not answered within its hedge delay, ask the next one too and take the first answer',
        default: true,
        parse: requireBoolean,
      },
      warmReplicas: {
        doc: 'nearest replicas a new container connects to at once, beside its first request (0: none)',
        default: 2,
        parse: int(0, 10),
      },
      maxIdleConnectionMs: {
        doc: 'a kept-alive replica connection idle longer than this on the wall clock (a thawed container) is dropped before a request instead of reused, ms',
        default: 50_000,
        parse: int(1_000, DAY_MS),
      },
      byEdgeRegion: {
        doc: 'per edge region its `budgetMs` and per replica `{ rttMs, connectTimeoutMs, requestTimeoutMs, hedgeAfterMs }`: derived by the build from the round-trip matrix ([tenant-store.md](tenant-store.md#timing-from-the-map)); an entry given here is kept',
        default: {},
        parse: (value, field) => parseByEdgeRegion(value, field),
      },
    },
  },
  metrics: {
    doc: 'CloudWatch metrics in embedded metric format, counted in the container and written per interval ([docs/observability.md](observability.md))',
    group: {
      enabled: {
        doc: 'write metrics at all',
        default: true,
        parse: requireBoolean,
      },
      namespace: {
        doc: 'CloudWatch namespace of the metrics (alarms and the dashboard read the same one)',
        default: 'EdgeTenantRouter',
        parse: (value, field) => {
          const namespace = requireString(value, field);
          // CloudWatch namespaces: 1-255 of these characters, and not starting with "AWS/".
          if (!/^[A-Za-z0-9.\-_/#:]{1,255}$/.test(namespace) || namespace.startsWith('AWS/'))
            fail(field, 'must be 1-255 of [A-Za-z0-9.-_/#:] and not start with AWS/');
          return namespace;
        },
      },
      flushIntervalMs: {
        doc: 'how often a container writes what it counted (at the end of the first invocation after it), ms',
        default: 60_000,
        parse: int(100, 3_600_000),
      },
    },
  },
  replicationLagAllowanceMs: {
    doc: 'replication lag allowed for in the staleness bound migrations wait (`propagationWaitMs`), ms',
    default: 5_000,
    parse: int(0, TEN_MINUTES_MS),
  },
  retryAfterSeconds: {
    doc: 'Retry-After on maintenance and lookup-failure 503s, seconds',
    default: 30,
    parse: int(0, 86_400),
  },
  decisionLogSampleRate: {
    doc: 'share of routing decisions logged, 0..1 (errors are always logged)',
    default: 0.01,
    parse: (value, field) => {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) fail(field, 'must be 0..1');
      return value;
    },
  },
  allowIpHosts: {
    doc: 'accept IP-literal Host values (routed like unknown hosts)',
    default: false,
    parse: requireBoolean,
  },
  encodedSlashes: {
    doc: "`%2F` / `%5C` in a path: `'reject'` (400) or `'preserve'` (kept encoded, data inside its segment, never a separator)",
    default: 'reject',
    parse: (value, field): EncodedSlashPolicy => {
      if (value !== 'reject' && value !== 'preserve') fail(field, "must be 'reject' or 'preserve'");
      return value;
    },
  },
  originSecretHeader: {
    doc: "origin custom header carrying the origins' shared secret; kept from the distribution, stripped from clients",
    default: 'x-origin-secret',
    parse: (value, field) => {
      const header = requireString(value, field);
      if (!HEADER_NAME_PATTERN.test(header)) fail(field, 'must be a lowercase header name');
      return header;
    },
  },
} as const satisfies SettingsSpec<RouterConfig>;

/** Input form of {@link RouterConfig}: everything with a default may be omitted, groups given in part. */
export type RouterConfigInput = SettingsInput<RouterConfig, typeof ROUTER_SETTINGS>;

/** Defaults applied by {@link resolveRouterConfig} (derived from {@link ROUTER_SETTINGS}). */
export const CONFIG_DEFAULTS: SettingDefaults<typeof ROUTER_SETTINGS> = settingDefaults(ROUTER_SETTINGS);

/**
 * The longest a viewer can still be routed by a superseded tenant record after a write: cache TTL,
 * plus the replication lag allowance, plus max-stale when a replica is unreachable. Migrations wait
 * the first two (the normal case) before they call a switch propagated.
 */
export function propagationWaitMs(config: RouterConfig): number {
  return config.cache.ttlMs + config.replicationLagAllowanceMs;
}

/**
 * Validates a configuration and fills in defaults. Throws {@link ConfigError} naming the first bad
 * field (`router config: <field> <problem>`); a key that is not a setting is refused by name.
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
  const config = resolveSettings<RouterConfig>(ROUTER_SETTINGS, requireObject(input, 'config'), fields);
  checkConsistency(config);
  return config;
}

/** The rules that tie one setting to another (each setting's own rules are in its entry). */
function checkConsistency(config: RouterConfig): void {
  for (const [edge, order] of Object.entries(config.replicaOrder)) {
    order.forEach((region, i) => {
      if (!config.replicaRegions.includes(region))
        fail(`replicaOrder.${edge}[${i}]`, `${region} is not a replica region`);
    });
  }
  for (const [edge, endpoints] of Object.entries(config.edgeEndpoints)) {
    for (const replica of Object.keys(endpoints)) {
      if (!(config.replicaRegions as readonly string[]).includes(replica))
        fail(`edgeEndpoints.${edge}.${replica}`, `${replica} is not a replica region`);
    }
  }
  if (config.lookup.budgetMs < config.lookup.attemptTimeoutMs)
    fail('lookup.budgetMs', 'must be at least lookup.attemptTimeoutMs');
  for (const [edge, timing] of Object.entries(config.lookup.byEdgeRegion)) {
    for (const replica of Object.keys(timing.replicas)) {
      if (!(config.replicaRegions as readonly string[]).includes(replica))
        fail(`lookup.byEdgeRegion.${edge}.replicas.${replica}`, `${replica} is not a replica region`);
    }
  }
}

const REPLICA_TIMING_FIELDS = ['connectTimeoutMs', 'requestTimeoutMs', 'hedgeAfterMs'] as const;

/** `lookup.byEdgeRegion`: edge region -> `{ budgetMs, replicas: { region: ReplicaTiming } }`. */
function parseByEdgeRegion(value: unknown, field: string): Record<string, EdgeLookupTiming> {
  const byEdge: Record<string, EdgeLookupTiming> = {};
  for (const [edge, entry] of Object.entries(requireObject(value, field))) {
    const edgeRegion = requireRegion(edge, `${field} key ${JSON.stringify(edge)}`);
    const at = `${field}.${edge}`;
    const timing = requireObject(entry, at);
    for (const key of Object.keys(timing))
      if (key !== 'budgetMs' && key !== 'replicas') fail(`${at}.${key}`, 'is not a known setting');
    const replicas: Record<string, ReplicaTiming> = {};
    for (const [region, raw] of Object.entries(requireObject(timing.replicas, `${at}.replicas`))) {
      const replicaAt = `${at}.replicas.${region}`;
      const pair = requireObject(raw, replicaAt);
      for (const key of Object.keys(pair))
        if (key !== 'rttMs' && !(REPLICA_TIMING_FIELDS as readonly string[]).includes(key))
          fail(`${replicaAt}.${key}`, 'is not a known setting');
      const rttMs = pair.rttMs;
      if (typeof rttMs !== 'number' || !(rttMs >= 0 && rttMs <= 10_000))
        fail(`${replicaAt}.rttMs`, 'must be a number from 0 to 10000');
      const ms = (key: (typeof REPLICA_TIMING_FIELDS)[number]) =>
        requireInt(pair[key], `${replicaAt}.${key}`, 1, ORIGIN_TRIGGER_TIMEOUT_LIMIT_MS);
      replicas[requireRegion(region, `${at}.replicas key ${JSON.stringify(region)}`)] = {
        rttMs,
        connectTimeoutMs: ms('connectTimeoutMs'),
        requestTimeoutMs: ms('requestTimeoutMs'),
        hedgeAfterMs: ms('hedgeAfterMs'),
      };
    }
    byEdge[edgeRegion] = {
      budgetMs: requireInt(timing.budgetMs, `${at}.budgetMs`, 1, MAX_LOOKUP_BUDGET_MS),
      replicas,
    };
  }
  return byEdge;
}

function requireDomain(value: unknown, field: string): string {
  const domain = requireString(value, field).toLowerCase();
  if (!DOMAIN_PATTERN.test(domain)) fail(field, `${JSON.stringify(value)} is not a domain name`);
  return domain;
}
