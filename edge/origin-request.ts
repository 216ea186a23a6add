/**
 * The Lambda@Edge origin-request handler: wires the CloudFront adapter, the cached DynamoDB store
 * and the routing core. The bundle built by infra/edge-bundle.ts exports `handler` with the
 * configuration baked in.
 */
import type { CloudFrontRequestEvent, CloudFrontRequestResult } from 'aws-lambda';
import {
  cloudFrontRequestToEdgeRequest,
  decisionToResponse,
  routeToCloudFrontRequest,
} from './cloudfront-request.ts';
import { resolveRouterConfig } from './config.ts';
import { createHostParser } from './host.ts';
import { jsonLineLogger } from './logger.ts';
import { type RouteResult, routeFromCache, routeRequest } from './resolve-route.ts';
import { assembleRouter, type RouterAssembly, type RouterAssemblyOptions } from './router-assembly.ts';
import { combineRouterHooks, type RouterHooks } from './router-hooks.ts';
import { createRouterMetrics, type RouterMetrics } from './router-metrics.ts';
import type { CachedTenantStore } from './tenant-store.ts';

export type { RouterHooks } from './router-hooks.ts';

/** Options of {@link createOriginRequestHandler}: the assembly's, plus the handler's own. */
export interface OriginRequestHandlerOptions extends Omit<RouterAssemblyOptions, 'edgeRegion' | 'onAttempt'> {
  /** Region the function runs in. @default process.env.AWS_REGION, else the first replica region */
  readonly edgeRegion?: string;
  /**
   * A ready cached store, used instead of the assembly's (unit tests with a controlled store).
   * @default the store of {@link assembleRouter}
   */
  readonly store?: CachedTenantStore;
  /** Source of randomness for decision-log sampling. @default Math.random */
  readonly random?: () => number;
  readonly hooks?: RouterHooks;
}

/** An origin-request handler, carrying the assembly it routes through. */
export interface OriginRequestHandler {
  (event: CloudFrontRequestEvent): Promise<CloudFrontRequestResult>;
  /** The stores and settings this handler was built with. */
  readonly assembly: RouterAssembly;
  /** Its metrics (`config.metrics`), undefined when they are off. */
  readonly metrics: RouterMetrics | undefined;
}

/**
 * Creates an origin-request handler over {@link assembleRouter}. It never throws: every failure
 * becomes a generated response and an error log line.
 *
 * @example
 * const handle = createOriginRequestHandler({ config, tenantStore: inMemoryStore });
 * const result = await handle(event);
 */
export function createOriginRequestHandler(options: OriginRequestHandlerOptions): OriginRequestHandler {
  const { config } = options;
  const logger = options.logger ?? jsonLineLogger;
  const random = options.random ?? Math.random;
  const edgeRegion = options.edgeRegion ?? process.env.AWS_REGION ?? (config.replicaRegions[0] as string);
  const metrics = config.metrics.enabled
    ? createRouterMetrics({ config: config.metrics, logger, edgeRegion })
    : undefined;
  const hooks = combineRouterHooks(options.hooks, metrics);
  const built = assembleRouter({ ...options, edgeRegion, logger, onAttempt: hooks.onAttempt });
  const assembly = options.store === undefined ? built : { ...built, store: options.store };
  const store = assembly.store;
  const onRouted = hooks.onRouted;
  const sampleRate = config.decisionLogSampleRate;
  const deps = { store, config, parseHost: createHostParser(config) };

  async function originRequest(event: CloudFrontRequestEvent): Promise<CloudFrontRequestResult> {
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
      if (onRouted !== undefined) notify(onRouted, event, result, lookupMs);
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
          ...(result.reads !== undefined && {
            replicas: result.reads.map((read) => read.region),
            hedged: result.reads.filter((read) => read.hedged).length,
          }),
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
  }
  return Object.assign(originRequest, { assembly, metrics });

  function notify(
    hook: NonNullable<RouterHooks['onRouted']>,
    event: CloudFrontRequestEvent,
    result: RouteResult,
    lookupMs: number,
  ): void {
    try {
      hook(event, result, lookupMs);
    } catch (error) {
      logger.log({ level: 'error', msg: 'hook-failure', hook: 'onRouted', error: String(error), edgeRegion });
    }
  }
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
export const handler = async (event: CloudFrontRequestEvent): Promise<CloudFrontRequestResult> => {
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
