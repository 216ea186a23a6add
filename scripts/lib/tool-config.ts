/**
 * The configuration of the operator tools, from one file: a router configuration
 * (`config/local.json`, the local edge's) or the CDK app's deployment configuration
 * (`infra/config/*.json`), from which the router configuration is derived by the same function the
 * CDK app bakes into the edge function (`readInfraConfigFile`). Also the one region the tools
 * write to: the deployment's primary region, or a router configuration's first replica region
 * (the derivation puts the primary first).
 */
import { readFileSync } from 'node:fs';
import { CONFIG_DEFAULTS, type RouterConfig, resolveRouterConfig } from '../../edge/config.ts';
import type { Region } from '../../edge/model.ts';
import { readInfraConfigFile } from '../../infra/load-infra-config.ts';
import { LOCAL_CONFIG_PATH } from './router-config-file.ts';

/** Where a router setting's value came from. */
export type SettingSource = 'file' | 'default' | `derived from ${string}`;

/** The tools' configuration and where it came from. */
export interface ToolConfig {
  readonly router: RouterConfig;
  /** The file read. */
  readonly path: string;
  /** A router configuration, or a deployment configuration the router's is derived from. */
  readonly kind: 'router' | 'infra';
  /** The only region the tools write to (conditions hold only in the region written to). */
  readonly writeRegion: Region;
  /** The deployment's account, when the file is a deployment configuration. */
  readonly account: string | undefined;
  /** Each top-level router setting's source. */
  readonly sources: Readonly<Record<keyof RouterConfig, SettingSource>>;
}

/** Router settings a deployment configuration derives, and the field each comes from. */
const DERIVED_FROM_INFRA: Partial<Record<keyof RouterConfig, string>> = {
  tableName: 'tableName',
  replicaRegions: 'primaryRegion + replicaRegions',
  platformDomains: 'platformDomains',
  allowedOriginSuffixes: 'allowedOriginSuffixes',
  cache: 'routerCache',
};

/** Whether a parsed file is a deployment configuration (it names the primary region). */
function isInfraConfig(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && ('primaryRegion' in raw || 'regionalOrigins' in raw);
}

/**
 * Reads the tools' configuration file. Errors (unreadable, invalid) name the file and the field.
 *
 * @example
 * const { router, writeRegion } = loadToolConfig('infra/config/example.json'); // eu-west-1
 */
export function loadToolConfig(path: string = LOCAL_CONFIG_PATH): ToolConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read configuration ${path}: ${(error as Error).message}`);
  }
  const keys = Object.keys(CONFIG_DEFAULTS).concat(Object.keys(DERIVED_FROM_INFRA)) as (keyof RouterConfig)[];
  if (isInfraConfig(raw)) {
    const infra = readInfraConfigFile(path);
    const routerInput = (raw as { router?: Record<string, unknown> }).router ?? {};
    const sources = Object.fromEntries(
      keys.map((k) => [
        k,
        DERIVED_FROM_INFRA[k] !== undefined
          ? `derived from ${DERIVED_FROM_INFRA[k]}`
          : k in routerInput
            ? 'file'
            : 'default',
      ]),
    ) as Record<keyof RouterConfig, SettingSource>;
    return {
      router: infra.router,
      path,
      kind: 'infra',
      writeRegion: infra.primaryRegion,
      account: infra.account,
      sources,
    };
  }
  let router: RouterConfig;
  try {
    router = resolveRouterConfig(raw);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
  const input = raw as Record<string, unknown>;
  const sources = Object.fromEntries(keys.map((k) => [k, k in input ? 'file' : 'default'])) as Record<
    keyof RouterConfig,
    SettingSource
  >;
  // resolveRouterConfig refuses an empty replicaRegions, so the first exists.
  const writeRegion = router.replicaRegions[0] as Region;
  return { router, path, kind: 'router', writeRegion, account: undefined, sources };
}
