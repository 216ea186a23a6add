/**
 * The Lambda@Edge origin-request handler: wires the CloudFront adapter, the cached DynamoDB store
 * and the routing core. The bundle built by infra/edge-bundle.ts exports `handler` with the
 * configuration baked in.
 */
import type { CloudFrontRequestEvent, CloudFrontRequestResult } from 'aws-lambda';
import { createCachedTenantStore } from './cached-tenant-store.ts';
import {
  cloudFrontRequestToEdgeRequest,
  decisionToResponse,
  routeToCloudFrontRequest,
} from './cloudfront-request.ts';
import { type RouterConfig, resolveRouterConfig } from './config.ts';
import { createDynamoDBTenantStore } from './dynamodb-tenant-store.ts';
import { createHostParser } from './host.ts';
import { jsonLineLogger, type Logger } from './logger.ts';
import { routeFromCache, routeRequest } from './resolve-route.ts';
import type { CachedTenantStore, Clock, TenantStore } from './tenant-store.ts';

/** Options of {@link createOriginRequestHandler}. */
export interface OriginRequestHandlerOptions {
  /** The validated router configuration. */
  readonly config: RouterConfig;
  /** A ready cached store; overrides `tenantStore`. @default cache over `tenantStore` */
  readonly store?: CachedTenantStore;
  /** The uncached store. @default the DynamoDB store reading the replica nearest `edgeRegion` */
  readonly tenantStore?: TenantStore;
  /** Wall clock for cache TTLs. @default Date.now */
  readonly clock?: Clock;
  /** @default JSON lines on stdout */
  readonly logger?: Logger;
  /** Source of randomness for decision-log sampling. @default Math.random */
  readonly random?: () => number;
  /** Region the function runs in. @default process.env.AWS_REGION, else the first replica region */
  readonly edgeRegion?: string;
}

/** An origin-request handler. */
export type OriginRequestHandler = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequestResult>;

/**
 * Creates an origin-request handler. It never throws: every failure becomes a generated response
 * and an error log line.
 *
 * @example
 * const handle = createOriginRequestHandler({ config, tenantStore: inMemoryStore });
 * const result = await handle(event);
 */
export function createOriginRequestHandler(options: OriginRequestHandlerOptions): OriginRequestHandler {
  const { config } = options;
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? jsonLineLogger;
  const random = options.random ?? Math.random;
  const edgeRegion = options.edgeRegion ?? process.env.AWS_REGION ?? (config.replicaRegions[0] as string);
  const store =
    options.store ??
    createCachedTenantStore(
      options.tenantStore ?? createDynamoDBTenantStore({ config, edgeRegion, clock, logger }),
      { cache: config.cache, clock, lookupBudgetMs: config.lookup.attemptTimeoutMs },
    );
  const sampleRate = config.decisionLogSampleRate;
  const deps = { store, config, parseHost: createHostParser(config) };

  return async function originRequest(event) {
    const cf = event?.Records?.[0]?.cf;
    try {
      if (cf === undefined) throw new TypeError('not a CloudFront event');
      const request = cf.request;
      const edgeRequest = cloudFrontRequestToEdgeRequest(request);
      // The warm path finishes without an await; anything to read goes through the async path.
      let result = routeFromCache(edgeRequest, deps);
      let lookupMs = 0; // the warm path takes well under a microsecond: not worth a clock read
      if (result === undefined) {
        const started = performance.now();
        result = await routeRequest(edgeRequest, deps);
        lookupMs = Math.round((performance.now() - started) * 1000) / 1000;
      }
      const decision = result.decision;
      if (result.error !== undefined || random() < sampleRate) {
        const error = result.error;
        logger.log({
          level:
            error === undefined
              ? 'info'
              : decision.kind === 'respond' && decision.status < 500
                ? 'warn'
                : 'error',
          msg: error === undefined ? 'route' : 'route-problem',
          requestId: cf.config?.requestId,
          host: result.host,
          uri: request.uri,
          tenantId: decision.tenantId,
          ...(decision.kind === 'forward'
            ? { region: decision.region, origin: decision.origin.domainName, via: decision.via }
            : { status: decision.status, reason: decision.reason }),
          cache: result.outcomes,
          lookupMs,
          edgeRegion,
          ...(error === undefined
            ? {}
            : typeof error === 'string'
              ? { error }
              : { error: error.message, errorName: error.name, cause: describeCause(error.cause) }),
        });
      }
      return decision.kind === 'forward'
        ? routeToCloudFrontRequest(request, decision, config)
        : decisionToResponse(decision, config);
    } catch (error) {
      // A bug or a malformed event: answer, never throw (a throw is a 502 with CloudFront's own page).
      logger.log({
        level: 'error',
        msg: 'handler-failure',
        requestId: cf?.config?.requestId,
        error: error instanceof Error ? error.message : String(error),
        errorName: error instanceof Error ? error.name : typeof error,
        edgeRegion,
      });
      return decisionToResponse({ kind: 'respond', status: 502, reason: 'router-error' }, config);
    }
  };
}

function describeCause(cause: unknown): string | undefined {
  if (cause === undefined) return undefined;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}

declare const __ROUTER_CONFIG__: unknown;

let bakedHandler: OriginRequestHandler | undefined;

/**
 * The Lambda@Edge entry point, configured from the configuration baked in at build time. Created
 * on first call, so `AWS_REGION` is read in the executing region.
 */
export const handler: OriginRequestHandler = async (event) => {
  if (bakedHandler === undefined) {
    try {
      const baked = typeof __ROUTER_CONFIG__ === 'undefined' ? undefined : __ROUTER_CONFIG__;
      bakedHandler = createOriginRequestHandler({ config: resolveRouterConfig(baked) });
    } catch (error) {
      // Unreachable with a bundle from infra/edge-bundle.ts, which validates before baking.
      jsonLineLogger.log({ level: 'error', msg: 'bad-baked-config', error: String(error) });
      return { status: '503', statusDescription: 'Service Unavailable', headers: NO_STORE };
    }
  }
  return bakedHandler(event);
};

const NO_STORE = { 'cache-control': [{ key: 'Cache-Control', value: 'no-store' }] };
