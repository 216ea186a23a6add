/**
 * A valid router configuration for tests, with overrides.
 */
import { type RouterConfig, type RouterConfigInput, resolveRouterConfig } from '../../edge/config.ts';

/** The base input: three replicas, one platform domain, `.origin.example.com` origins. */
export const TEST_CONFIG_INPUT = {
  tableName: 'tenant-routes',
  replicaRegions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
  platformDomains: ['app.example.com'],
  allowedOriginSuffixes: ['.origin.example.com', 'tenant-assets.s3.eu-west-1.amazonaws.com'],
} as const;

/** Overrides of {@link aRouterConfig}: any input field; `cache` and `lookup` merge field by field. */
export type RouterConfigOverrides = Partial<Record<keyof RouterConfigInput, unknown>> & {
  readonly cache?: Partial<RouterConfig['cache']>;
  readonly lookup?: Partial<RouterConfig['lookup']>;
};

/** A validated config: {@link TEST_CONFIG_INPUT} with `overrides` applied (through the validator). */
export function aRouterConfig(overrides: RouterConfigOverrides = {}): RouterConfig {
  return resolveRouterConfig({ ...TEST_CONFIG_INPUT, ...overrides });
}
