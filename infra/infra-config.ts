/**
 * The deployment configuration of the CDK app: one typed object, validated once. Each setting's
 * default, validator and one-line doc is its entry in {@link INFRA_SETTINGS} (the table in
 * docs/deploying.md is generated from it). The router configuration baked into the edge function
 * is derived from it and validated by the same `resolveRouterConfig` the edge code uses, so the
 * table, the grants and the function can never disagree about table name or replica regions.
 */
import { type CacheConfig, ROUTER_SETTINGS, type RouterConfig, resolveRouterConfig } from '../edge/config.ts';
import { type ConfigFields, configFields } from '../edge/config-fields.ts';
import { ConfigError } from '../edge/errors.ts';
import { ORIGIN_TRIGGER_TIMEOUT_LIMIT_MS } from '../edge/lambda-edge-limits.ts';
import type { CustomOrigin, Region } from '../edge/model.ts';
import { isAllowedOrigin, parseOrigin } from '../edge/origin-rules.ts';
import { EDGE_REGIONS } from '../edge/regional-edge-caches.ts';
import {
  resolveSettings,
  type SettingDefaults,
  type SettingsSpec,
  settingDefaults,
} from '../edge/setting-spec.ts';
import {
  ORIGIN_REQUEST_POLICY_REFUSES,
  type OriginRequestSettings,
  ROUTER_INPUT_HEADER,
  type Selection,
} from './cloudfront-policies.ts';
import { DEFAULT_EDGE_RUNTIME, EDGE_RUNTIMES, type EdgeRuntime } from './edge-runtime.ts';
import { withDerivedLookupTiming } from './lookup-timing-derivation.ts';

/** CloudFront cache policy TTLs, in seconds. Defaults: {@link INFRA_SETTINGS}. */
export interface CdnCacheConfig {
  readonly minTtlSeconds: number;
  /** TTL when the origin sends no Cache-Control: 0 by default, so uncachable pages stay uncached. */
  readonly defaultTtlSeconds: number;
  /** Upper bound on what an origin's Cache-Control may ask for. */
  readonly maxTtlSeconds: number;
}

/** Size of the Lambda@Edge function. Defaults: {@link INFRA_SETTINGS}. */
export interface EdgeFunctionConfig {
  /**
   * Memory in MB. CPU scales with memory, and a cold start spends its time on CPU (module load,
   * TLS handshake to the nearest replica); 512 MB keeps cold starts short at a small cost.
   */
  readonly memorySize: number;
  /**
   * Timeout in seconds. Must exceed the lookup budget with room to spare, so a slow table ends in
   * the router's own 503 with Retry-After, never a Lambda timeout (a CloudFront error page).
   * Origin-request triggers allow at most 30.
   */
  readonly timeoutSeconds: number;
  /** The Lambda runtime; the bundle's esbuild target follows it (`edge-runtime.ts`). */
  readonly runtime: EdgeRuntime;
}

/** Logs, alarms and the dashboard. Defaults: {@link INFRA_SETTINGS}. */
export interface ObservabilityConfig {
  /** Retention of the function's log group in every edge region, days (a CloudWatch retention value). */
  readonly logRetentionDays: number;
  /** Regions the function's log groups and regional alarms are created in: where it runs. */
  readonly edgeRegions: readonly Region[];
  /** Email addresses subscribed to the one alarm topic. */
  readonly alarmEmails: readonly string[];
  /** CloudFront's additional distribution metrics (status-code error rates, origin latency; billed). */
  readonly cloudFrontAdditionalMetrics: boolean;
}

/** The replica layout check of the synth. Defaults: {@link INFRA_SETTINGS}. */
export interface ReplicaLayoutConfig {
  /** An edge region farther than this from every replica is reported, ms. */
  readonly maxRoundTripMs: number;
  /** Fail the synth (an error) for such an edge region, instead of warning. */
  readonly failWhenFar: boolean;
}

/** CloudFront price classes. */
export type PriceClass = 'PriceClass_100' | 'PriceClass_200' | 'PriceClass_All';

/**
 * How customer domains reach the distribution: `multi-tenant`, a CloudFront SaaS Manager
 * multi-tenant distribution (`ConnectionMode: tenant-only`) whose distribution tenants
 * `npm run domains` creates, one per customer host with a managed certificate, behind one
 * connection group; `standard`, one distribution with `domainNames` as its aliases (at most its
 * alias quota) and one certificate for them (docs/custom-domains.md).
 */
export type DistributionMode = 'multi-tenant' | 'standard';

/** Every {@link DistributionMode}. */
export const DISTRIBUTION_MODES: readonly DistributionMode[] = ['multi-tenant', 'standard'];

/** The distribution's kind. Defaults: {@link INFRA_SETTINGS}. */
export interface DistributionConfig {
  readonly mode: DistributionMode;
}

/** The validated deployment configuration. Defaults and one-line docs: {@link INFRA_SETTINGS}. */
export interface InfraConfig {
  /** AWS account id (12 digits) of every stack. */
  readonly account: string;
  /** Region of the main stack and of the table's primary replica. */
  readonly primaryRegion: Region;
  /** Regions with a replica of the table besides the primary. */
  readonly replicaRegions: readonly Region[];
  /** Physical name of the global table (the edge function is baked with it). */
  readonly tableName: string;
  /** Name of the main stack. */
  readonly stackName: string;
  /** Platform domains: `<tenant>.<platform domain>` routes by convention. */
  readonly platformDomains: readonly string[];
  /** Origin domain names the router may forward to. */
  readonly allowedOriginSuffixes: readonly string[];
  /** The shared pool origin of each region tenants can live in. */
  readonly regionalOrigins: ReadonlyMap<Region, CustomOrigin>;
  /** Region whose pool origin is the distribution's default origin (the primary unless set). */
  readonly defaultOriginRegion: Region;
  /** Multi-tenant (SaaS Manager) or standard. */
  readonly distribution: DistributionConfig;
  /** ACM certificate in us-east-1 for {@link domainNames}; none: the cloudfront.net certificate. */
  readonly certificateArn: string | undefined;
  /**
   * The platform's own domain names (wildcards allowed), with {@link certificateArn}: the
   * distribution's aliases (standard), or the domains of one distribution tenant (multi-tenant).
   */
  readonly domainNames: readonly string[];
  /** The router's in-memory cache. */
  readonly routerCache: CacheConfig;
  /** CloudFront cache policy TTLs. */
  readonly cdnCache: CdnCacheConfig;
  /** What the origin request policy sends besides the cache key. */
  readonly originRequest: OriginRequestSettings;
  /** Viewer headers in the cache key besides Host (and so sent to the origin). */
  readonly cacheKeyHeaders: readonly string[];
  /** CloudFront price class. */
  readonly priceClass: PriceClass;
  /** ARN of a global (us-east-1) WAF web ACL to attach, if any. */
  readonly webAclArn: string | undefined;
  /** Days access logs are kept. */
  readonly accessLogRetentionDays: number;
  /** Memory and timeout of the edge function. */
  readonly edgeFunction: EdgeFunctionConfig;
  /** Physical name of the edge function, `<stackName>-router`: its log group in each region is named after it. */
  readonly edgeFunctionName: string;
  /** Log groups, alarms, the alarm topic and the dashboard. */
  readonly observability: ObservabilityConfig;
  /** The replica layout check of the synth. */
  readonly replicaLayout: ReplicaLayoutConfig;
  /** The router configuration baked into the edge function, derived and validated. */
  readonly router: RouterConfig;
}

/**
 * The configuration file's settings after their own validation. The router's parts are passed on
 * as given, for `resolveRouterConfig` to validate with its messages.
 */
type InfraSettings = Omit<
  InfraConfig,
  | 'tableName'
  | 'platformDomains'
  | 'allowedOriginSuffixes'
  | 'routerCache'
  | 'router'
  | 'defaultOriginRegion'
  | 'edgeFunctionName'
> & {
  readonly tableName: unknown;
  readonly platformDomains: unknown;
  readonly allowedOriginSuffixes: unknown;
  readonly routerCache: unknown;
  readonly defaultOriginRegion: Region | undefined;
  /** The other router settings, checked not to restate a derived one. */
  readonly router: Readonly<Record<string, unknown>>;
};

/** Router settings the deployment derives from its own, each named by the setting it comes from. */
const DERIVED_ROUTER_SETTINGS = {
  tableName: 'tableName',
  replicaRegions: 'replicaRegions',
  platformDomains: 'platformDomains',
  allowedOriginSuffixes: 'allowedOriginSuffixes',
  cache: 'routerCache',
} as const satisfies Partial<Record<keyof RouterConfig, keyof InfraSettings>>;
/** Router settings for the local edge only: never deployed. */
const LOCAL_ONLY_ROUTER_SETTINGS: ReadonlySet<string> = new Set([
  'endpoints',
  'edgeEndpoints',
  'endpointCaCertificate',
] satisfies (keyof RouterConfig)[]);
/** The router settings the `router` object may hold. */
const DEPLOYED_ROUTER_SETTINGS = Object.keys(ROUTER_SETTINGS).filter(
  (key) => !Object.hasOwn(DERIVED_ROUTER_SETTINGS, key) && !LOCAL_ONLY_ROUTER_SETTINGS.has(key),
);

const PRICE_CLASSES: readonly PriceClass[] = ['PriceClass_100', 'PriceClass_200', 'PriceClass_All'];
/** CloudFront requires the viewer certificate in us-east-1. */
const CERTIFICATE_ARN_PATTERN = /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/;
const WEB_ACL_ARN_PATTERN = /^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[0-9a-f-]{36}$/;
const ALIAS_PATTERN =
  /^(?:\*\.)?(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const HEADER_NAME_PATTERN = /^[A-Za-z0-9-]{1,128}$/;
/** Headers the distribution already sends (the router's inputs); listing them again is a mistake. */
const ALWAYS_FORWARDED = new Set([ROUTER_INPUT_HEADER.toLowerCase()]);
const YEAR_SECONDS = 31_536_000;
/** The retention periods CloudWatch Logs accepts, days. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
/** Lambda function names: at most 64 characters. */
const FUNCTION_NAME_MAX = 64;

function fail(field: string, message: string): never {
  throw new ConfigError(`infra config: ${field} ${message}`);
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
/** A validator of an optional ARN that must match `pattern`. */
const optionalArn =
  (pattern: RegExp, problem: string) =>
  (value: unknown, field: string): string | undefined => {
    const arn = optionalString(value, field);
    if (arn !== undefined && !pattern.test(arn)) fail(field, problem);
    return arn;
  };
/** A list of header names, none always forwarded, each also checked by `check(header, field)`. */
function headerNames(value: unknown, field: string, check: (header: string, at: string) => void): string[] {
  const names = requireArray(value, field).map((h, i) => {
    const at = `${field}[${i}]`;
    const header = requireString(h, at);
    if (!HEADER_NAME_PATTERN.test(header)) fail(at, 'is not a header name');
    if (ALWAYS_FORWARDED.has(header.toLowerCase())) fail(at, `${header} is always forwarded`);
    check(header, at);
    return header;
  });
  if (new Set(names.map((n) => n.toLowerCase())).size !== names.length) fail(field, 'has duplicates');
  return names;
}

/** `'all'`, `'none'`, or a list of names (cookies, query parameters). */
function selection(value: unknown, field: string): Selection {
  if (value === 'all' || value === 'none') return value;
  return requireArray(value, field).map((v, i) => requireString(v, `${field}[${i}]`));
}

/** A router setting validated by `resolveRouterConfig` once the router configuration is derived. */
const passedToRouter = (value: unknown): unknown => value;

/**
 * Every deployment setting: its one-line doc, its default (none: required) and its validator. The
 * single source of the known settings, the defaults and the docs table.
 */
export const INFRA_SETTINGS = {
  account: {
    doc: '12-digit account id of every stack',
    parse: (value, field) => {
      const account = requireString(value, field);
      if (!/^\d{12}$/.test(account)) fail(field, 'must be a 12-digit AWS account id');
      return account;
    },
  },
  primaryRegion: {
    doc: "region of the main stack and the table's primary replica",
    parse: (value, field) => requireRegion(value, field),
  },
  replicaRegions: {
    doc: 'other regions holding a replica (not the primary)',
    default: [],
    parse: (value, field) => requireRegionList(value, field, 0),
  },
  tableName: { doc: 'physical table name, baked into the function', parse: passedToRouter },
  stackName: {
    doc: 'main stack name',
    default: 'TenantRouter',
    parse: (value, field) => {
      const name = requireString(value, field);
      if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(name)) fail(field, 'is not a valid stack name');
      return name;
    },
  },
  platformDomains: { doc: ROUTER_SETTINGS.platformDomains.doc, parse: passedToRouter },
  allowedOriginSuffixes: { doc: 'origin domains the router may forward to', parse: passedToRouter },
  regionalOrigins: {
    doc: '`{ region: { domainName, port?, path? } }`, HTTPS only, under the suffixes',
    parse: (value, field) => {
      const origins = new Map<Region, CustomOrigin>();
      for (const [key, origin] of Object.entries(requireObject(value, field))) {
        const region = requireRegion(key, `${field} key ${JSON.stringify(key)}`);
        const parsed = parseOrigin(origin);
        if (!parsed.ok) fail(`${field}.${region}`, parsed.problem);
        if (parsed.origin.type !== 'custom') fail(`${field}.${region}`, 'must be a custom origin');
        // The origin secret header travels with every request: never over plain HTTP.
        if (parsed.origin.protocol !== 'https') fail(`${field}.${region}`, "must use protocol 'https'");
        origins.set(region, parsed.origin);
      }
      if (origins.size === 0) fail(field, 'must name at least one region');
      return origins;
    },
  },
  defaultOriginRegion: {
    doc: "whose pool origin is the distribution's default origin",
    default: undefined,
    defaultDoc: '`primaryRegion`',
    parse: (value, field) => (value === undefined ? undefined : requireRegion(value, field)),
  },
  distribution: {
    doc: 'the distribution ([docs/custom-domains.md](custom-domains.md#the-platform-decision))',
    group: {
      mode: {
        doc: "`'multi-tenant'`: a SaaS Manager multi-tenant distribution, a connection group and a distribution tenant per customer domain (`npm run domains`); `'standard'`: one distribution with `domainNames` as aliases",
        default: 'multi-tenant',
        parse: (value, field): DistributionMode =>
          DISTRIBUTION_MODES.find((m) => m === value) ??
          fail(field, `must be one of ${DISTRIBUTION_MODES.join(', ')}`),
      },
    },
  },
  certificateArn: {
    doc: 'ACM certificate **in us-east-1** for `domainNames`',
    default: undefined,
    parse: optionalArn(
      CERTIFICATE_ARN_PATTERN,
      'must be an ACM certificate ARN in us-east-1 (CloudFront reads it only there)',
    ),
  },
  domainNames: {
    doc: "the platform's domain names (wildcards allowed), with the certificate: the aliases (`standard`) or one distribution tenant's domains (`multi-tenant`)",
    default: [],
    parse: (value, field) => {
      const names = requireArray(value, field).map((d, i) => {
        const name = requireString(d, `${field}[${i}]`).toLowerCase();
        if (!ALIAS_PATTERN.test(name)) fail(`${field}[${i}]`, `${JSON.stringify(d)} is not a domain name`);
        return name;
      });
      if (new Set(names).size !== names.length) fail(field, 'has duplicates');
      return names;
    },
  },
  routerCache: {
    doc: `the router's in-memory cache: its \`cache\` settings (${Object.keys(ROUTER_SETTINGS.cache.group)
      .map((key) => `\`${key}\``)
      .join(', ')})`,
    default: {},
    defaultDoc: 'router defaults',
    parse: passedToRouter,
  },
  cdnCache: {
    doc: 'CloudFront cache policy TTLs; `minTtlSeconds <= defaultTtlSeconds <= maxTtlSeconds`',
    group: {
      minTtlSeconds: { doc: 'least TTL, seconds', default: 0, parse: int(0, YEAR_SECONDS) },
      defaultTtlSeconds: {
        doc: 'TTL when the origin sends no Cache-Control, seconds (0: uncachable pages stay uncached)',
        default: 0,
        parse: int(0, YEAR_SECONDS),
      },
      maxTtlSeconds: {
        doc: "upper bound on what an origin's Cache-Control may ask for, seconds",
        default: YEAR_SECONDS,
        // At least 1: CloudFront rejects a cache policy whose TTLs are all 0 when it has a cache key (Host).
        parse: int(1, YEAR_SECONDS),
      },
    },
  },
  originRequest: {
    doc: "what the origin request policy sends to the function and the origin besides the cache key (default: CloudFront's managed AllViewer settings)",
    group: {
      headers: {
        doc: "`'allViewer'` (every viewer header) or a list of header names (Host is always sent); never Authorization: see `cacheKeyHeaders`",
        default: 'allViewer',
        parse: (value, field): OriginRequestSettings['headers'] =>
          value === 'allViewer'
            ? 'allViewer'
            : headerNames(value, field, (header, at) => {
                const refusal = ORIGIN_REQUEST_POLICY_REFUSES[header.toLowerCase()];
                if (refusal !== undefined) fail(at, refusal);
              }),
      },
      cloudFrontHeaders: {
        doc: "CloudFront's own headers to add (`CloudFront-Viewer-Country`, ...)",
        default: [],
        parse: (value, field) =>
          headerNames(value, field, (header, at) => {
            if (!/^cloudfront-/i.test(header)) fail(at, `${header} is not a CloudFront-* header`);
          }),
      },
      cookies: { doc: "`'all'`, `'none'` or a list of cookie names", default: 'all', parse: selection },
      queryStrings: {
        doc: "`'all'`, `'none'` or a list of query parameter names",
        default: 'all',
        parse: selection,
      },
    },
  },
  cacheKeyHeaders: {
    doc: 'viewer headers in the cache key besides Host; they reach the origin too (Authorization goes here)',
    default: [],
    parse: (value, field) => headerNames(value, field, () => undefined),
  },
  priceClass: {
    doc: 'CloudFront price class: `PriceClass_100` / `_200` / `_All` (`standard` only: a multi-tenant distribution has none)',
    default: 'PriceClass_All',
    parse: (value, field) =>
      PRICE_CLASSES.find((c) => c === value) ?? fail(field, `must be one of ${PRICE_CLASSES.join(', ')}`),
  },
  webAclArn: {
    doc: 'WAFv2 web ACL with CLOUDFRONT scope',
    default: undefined,
    parse: optionalArn(
      WEB_ACL_ARN_PATTERN,
      'must be a WAFv2 web ACL ARN with CLOUDFRONT scope (us-east-1, global/)',
    ),
  },
  accessLogRetentionDays: { doc: 'expiry of access logs, days', default: 90, parse: int(1, 3650) },
  replicaLayout: {
    doc: 'the synth reports each edge region’s nearest replica ([deploying.md](deploying.md#replica-layout))',
    group: {
      maxRoundTripMs: {
        doc: 'an edge region farther than this from every replica is warned about at synth, ms',
        default: 100,
        parse: int(1, 1_000),
      },
      failWhenFar: {
        doc: 'fail the synth instead of warning when an edge region is farther than `maxRoundTripMs` from every replica',
        default: false,
        parse: requireBoolean,
      },
    },
  },
  edgeFunction: {
    doc: 'size of the Lambda@Edge function',
    group: {
      memorySize: {
        doc: 'memory, MB (CPU scales with it, and a cold start is CPU-bound)',
        default: 512,
        parse: int(128, 10_240),
      },
      timeoutSeconds: {
        doc: 'timeout, seconds: at least a second beyond the largest lookup budget (`router.lookup.budgetMs` plus the distance the build adds per edge region), at most 30',
        default: 5,
        parse: int(1, ORIGIN_TRIGGER_TIMEOUT_LIMIT_MS / 1000),
      },
      runtime: {
        doc: `Lambda runtime, one the Lambda@Edge restrictions page lists (${EDGE_RUNTIMES.join(', ')}); the bundle's target follows it`,
        default: DEFAULT_EDGE_RUNTIME,
        parse: (value, field): EdgeRuntime =>
          EDGE_RUNTIMES.find((r) => r === value) ?? fail(field, `must be one of ${EDGE_RUNTIMES.join(', ')}`),
      },
    },
  },
  observability: {
    doc: 'log groups, alarms, the alarm topic and the dashboard ([docs/operations.md](operations.md#alarms-and-the-runbook))',
    group: {
      logRetentionDays: {
        doc: 'retention of the function log group in every edge region, days',
        default: 30,
        parse: (value, field) => {
          const days = requireInt(value, field, 1, 3653);
          if (!LOG_RETENTION_DAYS.includes(days))
            fail(field, `must be one of ${LOG_RETENTION_DAYS.join(', ')}`);
          return days;
        },
      },
      edgeRegions: {
        doc: 'regions the function runs in: log groups and regional alarms are created there',
        default: EDGE_REGIONS,
        defaultDoc: 'the 13 regional edge cache regions',
        parse: (value, field) => requireRegionList(value, field, 1),
      },
      alarmEmails: {
        doc: 'email addresses subscribed to the alarm topic',
        default: [],
        parse: (value, field) =>
          requireArray(value, field).map((e, i) => {
            const email = requireString(e, `${field}[${i}]`);
            if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) fail(`${field}[${i}]`, 'is not an email address');
            return email;
          }),
      },
      cloudFrontAdditionalMetrics: {
        doc: "CloudFront's additional metrics (error rate per status code, origin latency; billed per distribution)",
        default: true,
        parse: requireBoolean,
      },
    },
  },
  router: {
    doc: `the other router settings (${DEPLOYED_ROUTER_SETTINGS.map((key) => `\`${key}\``).join(', ')})`,
    default: {},
    defaultDoc: 'router defaults',
    parse: (value, field) => {
      const settings = requireObject(value, field);
      for (const [key, from] of Object.entries(DERIVED_ROUTER_SETTINGS)) {
        if (key in settings) fail(`${field}.${key}`, `is set at the top level (${from})`);
      }
      for (const key of LOCAL_ONLY_ROUTER_SETTINGS) {
        if (key in settings) fail(`${field}.${key}`, 'is for the local edge only, never deployed');
      }
      return settings;
    },
  },
} as const satisfies SettingsSpec<InfraSettings>;

/** Defaults applied by {@link resolveInfraConfig} (derived from {@link INFRA_SETTINGS}). */
export const INFRA_DEFAULTS: SettingDefaults<typeof INFRA_SETTINGS> = settingDefaults(INFRA_SETTINGS);

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
  const settings = resolveSettings<InfraSettings>(INFRA_SETTINGS, raw, fields);
  const { primaryRegion, replicaRegions, regionalOrigins, certificateArn, domainNames, cdnCache } = settings;
  if (replicaRegions.includes(primaryRegion))
    fail('replicaRegions', `must not list the primary region ${primaryRegion} (it always holds the table)`);

  // The lookup timing is derived here, once, so the grants, the layout report, the timeout check
  // and the baked function all see the same figures.
  const router = deriveRouterConfig({
    ...settings.router,
    tableName: settings.tableName,
    replicaRegions: [primaryRegion, ...replicaRegions],
    platformDomains: settings.platformDomains,
    allowedOriginSuffixes: settings.allowedOriginSuffixes,
    cache: settings.routerCache,
  } satisfies Record<keyof typeof DERIVED_ROUTER_SETTINGS, unknown>);

  for (const [region, origin] of regionalOrigins) {
    if (!isAllowedOrigin(origin, router.allowedOriginSuffixes))
      fail(`regionalOrigins.${region}`, `${origin.domainName} is outside allowedOriginSuffixes`);
  }
  const defaultOriginRegion = settings.defaultOriginRegion ?? primaryRegion;
  if (!regionalOrigins.has(defaultOriginRegion))
    fail('defaultOriginRegion', `${defaultOriginRegion} has no entry in regionalOrigins`);
  if (domainNames.length > 0 && certificateArn === undefined)
    fail('domainNames', 'need a certificateArn covering them');
  // CloudFront refuses PriceClass on a multi-tenant distribution (API reference, DistributionConfig).
  if (settings.distribution.mode === 'multi-tenant' && Object.hasOwn(raw, 'priceClass'))
    fail(
      'priceClass',
      "is for distribution.mode 'standard' only (a multi-tenant distribution has no price class)",
    );
  if (
    !(
      cdnCache.minTtlSeconds <= cdnCache.defaultTtlSeconds &&
      cdnCache.defaultTtlSeconds <= cdnCache.maxTtlSeconds
    )
  )
    fail('cdnCache', 'must satisfy minTtlSeconds <= defaultTtlSeconds <= maxTtlSeconds');
  // One second on top of the lookup budget covers a cold start's module load and the response.
  const budget = largestLookupBudget(router);
  if (settings.edgeFunction.timeoutSeconds * 1000 < budget.ms + 1000) {
    fail(
      'edgeFunction.timeoutSeconds',
      `must leave a second beyond the lookup budget (${budget.ms} ms, ${budget.where})`,
    );
  }

  const edgeFunctionName = `${settings.stackName}-router`;
  if (edgeFunctionName.length > FUNCTION_NAME_MAX)
    fail(
      'stackName',
      `must be at most ${FUNCTION_NAME_MAX - 7} characters (the function is <stackName>-router)`,
    );

  return {
    ...settings,
    edgeFunctionName,
    tableName: router.tableName,
    platformDomains: router.platformDomains,
    allowedOriginSuffixes: router.allowedOriginSuffixes,
    defaultOriginRegion,
    routerCache: router.cache,
    router,
  };
}

/** The router configuration of a deployment: validated, with the lookup timing derived from the map. */
function deriveRouterConfig(input: Readonly<Record<string, unknown>>): RouterConfig {
  return withDerivedLookupTiming(resolveRouterConfig(input));
}

/** The largest lookup budget of any edge region, and where it applies. */
function largestLookupBudget(router: RouterConfig): { readonly ms: number; readonly where: string } {
  let largest = { ms: router.lookup.budgetMs, where: 'router.lookup.budgetMs' };
  for (const [edge, timing] of Object.entries(router.lookup.byEdgeRegion)) {
    if (timing.budgetMs > largest.ms) largest = { ms: timing.budgetMs, where: `derived for ${edge}` };
  }
  return largest;
}

/** Every region holding a copy of the table: the primary first, then the replicas. */
export function tableRegions(config: InfraConfig): readonly Region[] {
  return [config.primaryRegion, ...config.replicaRegions];
}
