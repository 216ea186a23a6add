/**
 * An in-process DynamoDB-compatible server (dynalite) on loopback, for the local edge and tests.
 */

import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { listenOn } from './listening-server.ts';

const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;

/** A running dynalite server. */
export interface DynaliteServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Options of {@link startDynalite}. */
export interface DynaliteOptions {
  /** Folder for a persistent LevelDB store. @default in memory */
  readonly path?: string;
  /** @default 0 (an ephemeral port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
}

/** Starts dynalite; tables become ACTIVE almost at once. */
export async function startDynalite(options: DynaliteOptions = {}): Promise<DynaliteServer> {
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const host = options.host ?? '127.0.0.1';
  const listening = await listenOn(server, options.port ?? 0, host);
  return { endpoint: listening.url, port: listening.port, close: listening.close };
}
