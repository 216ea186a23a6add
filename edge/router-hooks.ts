/**
 * Observers of the handler and its stores, for instrumentation that must not rebuild the router
 * (the load test's per-request cache outcomes, the metrics), and how several combine into one.
 */
import type { CloudFrontRequestEvent } from 'aws-lambda';
import type { ReplicaAttempt } from './dynamodb-tenant-store.ts';
import type { RouteResult } from './resolve-route.ts';

/**
 * Observers of the handler. Called synchronously; a hook that throws is logged and ignored, never
 * turned into a viewer error.
 */
export interface RouterHooks {
  /** After each routed request, with its decision and the time its lookups took (0 on the warm path). */
  readonly onRouted?: (event: CloudFrontRequestEvent, result: RouteResult, lookupMs: number) => void;
  /** After every replica read attempt of the DynamoDB store. */
  readonly onAttempt?: (attempt: ReplicaAttempt) => void;
}

/**
 * One set of hooks calling each given set in turn. Built once per handler, so a request calls at
 * most one function per hook it did not have before, and allocates nothing.
 */
export function combineRouterHooks(...sets: readonly (RouterHooks | undefined)[]): RouterHooks {
  const present = sets.filter((set): set is RouterHooks => set !== undefined);
  const routed = present.flatMap((set) => (set.onRouted === undefined ? [] : [set.onRouted]));
  const attempts = present.flatMap((set) => (set.onAttempt === undefined ? [] : [set.onAttempt]));
  const [firstRouted, secondRouted] = routed;
  const [firstAttempt, secondAttempt] = attempts;
  return {
    ...(routed.length === 1 && { onRouted: firstRouted }),
    ...(routed.length === 2 && {
      onRouted: (event: CloudFrontRequestEvent, result: RouteResult, lookupMs: number) => {
        firstRouted?.(event, result, lookupMs);
        secondRouted?.(event, result, lookupMs);
      },
    }),
    ...(routed.length > 2 && {
      onRouted: (event: CloudFrontRequestEvent, result: RouteResult, lookupMs: number) => {
        for (const hook of routed) hook(event, result, lookupMs);
      },
    }),
    ...(attempts.length === 1 && { onAttempt: firstAttempt }),
    ...(attempts.length === 2 && {
      onAttempt: (attempt: ReplicaAttempt) => {
        firstAttempt?.(attempt);
        secondAttempt?.(attempt);
      },
    }),
    ...(attempts.length > 2 && {
      onAttempt: (attempt: ReplicaAttempt) => {
        for (const hook of attempts) hook(attempt);
      },
    }),
  };
}
