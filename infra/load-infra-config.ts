/**
 * Reads the deployment configuration from cdk context: an inline object
 * (`-c tenantRouter:config='{...}'` or `context` in cdk.json) or a JSON file named by
 * `tenantRouter:configFile` (relative to the working directory). The inline object wins.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Node } from 'constructs';
import { ConfigError } from '../edge/errors.ts';
import { type InfraConfig, resolveInfraConfig } from './infra-config.ts';

/** Context key of an inline configuration object (or its JSON text, as `-c` passes strings). */
export const CONFIG_CONTEXT_KEY = 'tenantRouter:config';
/** Context key of the configuration file path. */
export const CONFIG_FILE_CONTEXT_KEY = 'tenantRouter:configFile';

/** Options of {@link loadInfraConfig}. */
export interface LoadInfraConfigOptions {
  /** Folder relative file paths are resolved from. @default process.cwd() */
  readonly cwd?: string;
}

/**
 * Loads and validates the configuration named by the app's context. Throws {@link ConfigError} with
 * the source named when it is missing, unreadable or invalid.
 *
 * @example
 * const config = loadInfraConfig(app.node);
 */
export function loadInfraConfig(node: Node, options: LoadInfraConfigOptions = {}): InfraConfig {
  const inline: unknown = node.tryGetContext(CONFIG_CONTEXT_KEY);
  if (inline !== undefined) {
    return withSource(`context ${CONFIG_CONTEXT_KEY}`, () =>
      resolveInfraConfig(typeof inline === 'string' ? JSON.parse(inline) : inline),
    );
  }
  const file: unknown = node.tryGetContext(CONFIG_FILE_CONTEXT_KEY);
  if (typeof file !== 'string' || file === '') {
    throw new ConfigError(
      `no configuration: set context ${CONFIG_FILE_CONTEXT_KEY} (a JSON file) or ${CONFIG_CONTEXT_KEY}`,
    );
  }
  return readInfraConfigFile(resolve(options.cwd ?? process.cwd(), file));
}

/**
 * Reads and validates a deployment configuration file: the one function the CDK app (above) and
 * the operator tools (`--config infra/config/<file>.json`) derive the router configuration with,
 * so what the tools check and wait for is what the function has baked in. Throws
 * {@link ConfigError} naming the file.
 *
 * @example
 * const { router, primaryRegion } = readInfraConfigFile('infra/config/example.json');
 */
export function readInfraConfigFile(path: string): InfraConfig {
  return withSource(path, () => resolveInfraConfig(JSON.parse(readFileSync(path, 'utf8'))));
}

function withSource<T>(source: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`${source}: ${message}`, { cause: error });
  }
}
