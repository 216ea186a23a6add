/**
 * The local edge's origins: one echo server per origin domain the router may choose (each replica
 * region's pool, the demo's dedicated and S3 origins, the distribution's default origin, and the
 * unknown-host origin when the configuration forwards unknown hosts), and the mapping of an origin
 * domain name to the local server standing in for it.
 */
import type { RouterConfig } from '../../edge/config.ts';
import { startAll } from '../lib/cleanup-stack.ts';
import { DEDICATED_ORIGIN_DOMAIN, poolDomain, S3_ORIGIN_DOMAIN } from './demo-data.ts';
import { type RegionOrigin, startRegionOrigin } from './region-origin.ts';

/** Domain of the distribution's default origin (what the event carries before the router rewrites it). */
export const DEFAULT_ORIGIN_DOMAIN = 'default.origin.example.com';

/** One local origin server and the origin domain it stands in for. */
export interface LocalOrigin {
  readonly name: string;
  readonly domainName: string;
  readonly region: string | null;
  readonly url: string;
}

/** The running origins. */
export interface OriginSet {
  /** Origin domain name -> base URL of its local server; undefined when none stands in for it. */
  resolve(domainName: string): string | undefined;
  /** Origin domain name -> the origin as the local edge exposes it. */
  views(): Record<string, LocalOrigin>;
  /** The same, with the requests each has answered, for `/status`. */
  status(): Record<string, LocalOrigin & { readonly requests: number }>;
  close(): Promise<void>;
}

/** The origin servers a configuration needs. Pure. */
export function originSpecs(
  config: RouterConfig,
): { name: string; domainName: string; region: string | null }[] {
  const specs = [
    ...config.replicaRegions.map((region) => ({
      name: `pool.${region}`,
      domainName: poolDomain(region),
      region,
    })),
    { name: 'dedicated:hooli', domainName: DEDICATED_ORIGIN_DOMAIN, region: null },
    { name: 's3:tenant-assets', domainName: S3_ORIGIN_DOMAIN, region: 'eu-west-1' },
    { name: 'default', domainName: DEFAULT_ORIGIN_DOMAIN, region: null },
  ];
  const unknown = config.unknownHost;
  if (unknown.action === 'forward' && !specs.some((o) => o.domainName === unknown.origin.domainName)) {
    specs.push({ name: 'unknown-host', domainName: unknown.origin.domainName, region: null });
  }
  return specs;
}

/**
 * Starts the echo origins of `config`; each reports the origin secret header under
 * `customHeaders`. If one fails to start, the others are closed.
 */
export async function startOriginSet(config: RouterConfig, host: string): Promise<OriginSet> {
  const watchHeaders = [config.originSecretHeader];
  const list = await startAll(
    originSpecs(config).map((spec) => startRegionOrigin({ ...spec, watchHeaders, host })),
  );
  const byDomain = new Map(list.map((o) => [o.domainName, o]));
  return {
    resolve: (domainName) => byDomain.get(domainName.toLowerCase())?.url,
    views: () => Object.fromEntries(list.map((o) => [o.domainName, originView(o)])),
    status: () =>
      Object.fromEntries(list.map((o) => [o.domainName, { ...originView(o), requests: o.requests }])),
    async close() {
      await Promise.all(list.map((o) => o.close()));
    },
  };
}

function originView(o: RegionOrigin): LocalOrigin {
  return { name: o.name, domainName: o.domainName, region: o.region, url: o.url };
}
