/**
 * The local edge's router configuration: the file (config/local.json unless given) with the
 * caller's overrides laid over it, validated once without endpoints (to learn the replica regions
 * before anything starts) and once more with the replica endpoints it will bake into the handler.
 */
import { readFile } from 'node:fs/promises';
import { type RouterConfig, resolveRouterConfig } from '../../edge/config.ts';
import { type CloudFrontPolicies, cloudFrontPolicies } from '../../infra/cloudfront-policies.ts';
import { resolveInfraConfig } from '../../infra/infra-config.ts';
import { LOCAL_CONFIG_PATH } from '../lib/router-config-file.ts';
import { DEFAULT_CLOUDFRONT_POLICIES } from './cloudfront-event.ts';

/** The endpoint settings the local edge fills in once its replicas listen. */
export interface LocalEndpoints {
  readonly endpoints: Readonly<Record<string, string>>;
  readonly edgeEndpoints: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly endpointCaCertificate: string;
}

/** The validated draft, and how to finish it once the replica endpoints are known. */
export interface LocalEdgeConfig {
  /** Every setting except the endpoint settings (empty). */
  readonly draft: RouterConfig;
  /** The final configuration: the draft's input with these endpoint settings. */
  withEndpoints(endpoints: LocalEndpoints): RouterConfig;
}

/** Reads and validates the configuration; a bad file or override throws before anything starts. */
export async function readLocalEdgeConfig(
  configFile: string = LOCAL_CONFIG_PATH,
  overrides: Readonly<Record<string, unknown>> = {},
): Promise<LocalEdgeConfig> {
  const file: unknown = JSON.parse(await readFile(configFile, 'utf8'));
  if (typeof file !== 'object' || file === null || Array.isArray(file))
    throw new Error(`${configFile}: the router configuration must be a JSON object`);
  const input = mergeConfig({ ...file }, overrides);
  return {
    draft: resolveRouterConfig({ ...input, endpoints: {}, edgeEndpoints: {}, endpointCaCertificate: null }),
    withEndpoints: (local) => resolveRouterConfig({ ...input, ...local }),
  };
}

/** Lays `overrides` over the file's settings; the groups are merged field by field. */
function mergeConfig(
  file: Record<string, unknown>,
  overrides: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...file, ...overrides };
  for (const key of ['cache', 'lookup', 'metrics']) {
    const a = file[key];
    const b = overrides[key];
    if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null)
      merged[key] = { ...a, ...b };
  }
  return merged;
}

/**
 * The CloudFront policies the emulator applies: those the CDK app deploys for this deployment
 * configuration file (`--infra-config`), or, without one, those of a deployment with default
 * settings. A bad file throws before anything starts.
 */
export async function readLocalEdgePolicies(infraConfigFile?: string): Promise<CloudFrontPolicies> {
  if (infraConfigFile === undefined) return DEFAULT_CLOUDFRONT_POLICIES;
  const input: unknown = JSON.parse(await readFile(infraConfigFile, 'utf8'));
  return cloudFrontPolicies(resolveInfraConfig(input));
}
