/**
 * Loads a router configuration file (JSON), validated by the same code the edge bundle uses.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RouterConfig, resolveRouterConfig } from '../../edge/config.ts';

/** The demo configuration used by the local edge, the scripts' defaults and the tests. */
export const LOCAL_CONFIG_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../config/local.json');

/** Reads and validates a router configuration file; errors name the file and the bad field. */
export function loadRouterConfig(path: string = LOCAL_CONFIG_PATH): RouterConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read router config ${path}: ${(error as Error).message}`);
  }
  try {
    return resolveRouterConfig(raw);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}
