/**
 * The local edge's handlers: the function it runs in every emulated edge region. By default the
 * production bundle, built with the local configuration baked in (so what runs here is what
 * ships); else a module's `handler` (`--handler FILE`) or a function given by a test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RouterConfig } from '../../edge/config.ts';
import { bundleEdgeFunction } from '../../infra/edge-bundle.ts';
import {
  type EdgeFunction,
  type EdgeHandler,
  type FunctionOutput,
  type HandlerSource,
  loadEdgeFunction,
} from './edge-function.ts';

/** The built bundle: where, how large, how long the build took. */
export interface BuiltBundle {
  readonly file: string;
  readonly bytes: number;
  readonly buildMs: number;
}

/** What to run instead of the built bundle. */
export interface HandlerChoice {
  /** A function (tests: a deliberately bad handler). */
  readonly handler?: EdgeHandler | undefined;
  /** The `handler` export of this module. */
  readonly handlerModule?: string | undefined;
}

/** Where the built bundle's instances write (their log streams). @default this process's stdout */
export type { FunctionOutput };

/** The loaded function. */
export interface EdgeHandlers {
  readonly edgeFunction: EdgeFunction;
  /** The bundle, when the built router runs. */
  readonly bundle: BuiltBundle | undefined;
  /** Removes the temporary bundle. */
  close(): Promise<void>;
}

/** Builds (or takes) the handler and prepares its per-region instances. */
export async function loadEdgeHandlers(
  config: RouterConfig,
  choice: HandlerChoice,
  output?: FunctionOutput,
): Promise<EdgeHandlers> {
  if (choice.handler !== undefined || choice.handlerModule !== undefined) {
    const source: HandlerSource =
      choice.handler !== undefined
        ? { kind: 'function', handler: choice.handler }
        : { kind: 'module', file: choice.handlerModule as string };
    return { edgeFunction: await loadEdgeFunction(source), bundle: undefined, close: async () => {} };
  }
  const outdir = await mkdtemp(join(tmpdir(), 'local-edge-'));
  const close = () => rm(outdir, { recursive: true, force: true });
  try {
    const started = performance.now();
    // The same minified bundle as production, so what runs and what is measured here is what ships.
    const built = await bundleEdgeFunction({ config, outdir });
    const bundle = { ...built, buildMs: Math.round(performance.now() - started) };
    return {
      edgeFunction: await loadEdgeFunction({ kind: 'bundle', file: built.file }, output),
      bundle,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
