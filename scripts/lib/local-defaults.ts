/**
 * What the local tools (local edge, load test, bench, chaos) assume when they are not told: the
 * edge region they emulate, and the domain their generated pool origins live under. One place for
 * each, so the tools cannot drift apart.
 */
import type { RouterConfig } from '../../edge/config.ts';

/**
 * The edge region a local tool emulates when none is given: us-east-1, where Lambda@Edge
 * functions are created (and the first replica region of config/local.json).
 */
export const DEFAULT_EDGE_REGION = 'us-east-1';

/**
 * The domain suffix generated pool origins (`pool-<region><suffix>`) are put under: the
 * configuration's first allowed origin suffix that is a parent domain (starts with a dot), so
 * the router accepts them. Throws when the configuration has none, rather than generating origins
 * the router would refuse.
 *
 * @example
 * poolOriginSuffix(loadRouterConfig()); // '.origin.example.com'
 */
export function poolOriginSuffix(config: Pick<RouterConfig, 'allowedOriginSuffixes'>): string {
  const suffix = config.allowedOriginSuffixes.find((s) => s.startsWith('.'));
  if (suffix === undefined) {
    throw new Error(
      `no allowed origin suffix starting with "." to put generated pool origins under (allowedOriginSuffixes: ${config.allowedOriginSuffixes.join(', ')})`,
    );
  }
  return suffix;
}
