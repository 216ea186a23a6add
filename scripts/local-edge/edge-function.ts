/**
 * The function under emulation: the built handler bundle, one fresh module instance per emulated
 * edge region (each regional edge cache runs its own Lambda containers, so each has its own route
 * cache and its own `AWS_REGION`), invoked like Lambda does, with the origin-request timeout.
 *
 * Each bundle instance sees its own environment, as a Lambda container does: the bundle is
 * evaluated with `process` bound to a view of this process whose `env` is a copy with
 * `AWS_REGION` set to the instance's edge region. The production `handler` reads
 * `process.env.AWS_REGION` unchanged, and this process's environment is never written.
 */
import { readFile } from 'node:fs/promises';
import { createRequire, Module } from 'node:module';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CloudFrontRequestEvent, Context } from 'aws-lambda';

/** A Lambda@Edge origin-request handler, async or callback style. */
export type EdgeHandler = (
  event: CloudFrontRequestEvent,
  context: Context,
  callback: (error?: unknown, result?: unknown) => void,
) => unknown;

/** What an invocation produced. */
export type Invocation =
  | { readonly ok: true; readonly result: unknown; readonly durationMs: number }
  | { readonly ok: false; readonly error: string; readonly timedOut: boolean; readonly durationMs: number };

/** Origin-request functions may run at most 30 s. */
export const ORIGIN_REQUEST_TIMEOUT_MS = 30_000;

/** Where the handler comes from. */
export type HandlerSource =
  /**
   * A CommonJS bundle file (the built router); evaluated afresh for each edge region, with that
   * region as its `process.env.AWS_REGION`.
   */
  | { readonly kind: 'bundle'; readonly file: string }
  /**
   * Any module exporting `handler` (.js/.mjs/.ts); imported once, shared by every edge region,
   * seeing this process's own environment (the edge region is in the context's `logStreamName`).
   */
  | { readonly kind: 'module'; readonly file: string }
  /** A function given directly (tests). */
  | { readonly kind: 'function'; readonly handler: EdgeHandler; readonly name?: string };

/** Per-edge-region handler instances. */
export interface EdgeFunction {
  /** Human-readable origin of the handler, for `/status`. */
  readonly description: string;
  /** Edge regions with a loaded instance. */
  readonly loadedRegions: readonly string[];
  /** Invokes the instance of `edgeRegion` (loading it on first use). */
  invoke(edgeRegion: string, event: CloudFrontRequestEvent, timeoutMs?: number): Promise<Invocation>;
}

/**
 * Where a bundle instance's stdout goes: its edge region and what it wrote. A Lambda container's
 * stdout is its log stream in that region. @default this process's stdout
 */
export type FunctionOutput = (edgeRegion: string, text: string) => void;

/**
 * Prepares a handler source for per-region invocation.
 *
 * @example
 * const fn = await loadEdgeFunction({ kind: 'bundle', file: '.tmp/local-edge/index.js' });
 * const outcome = await fn.invoke('eu-west-1', event);
 */
export async function loadEdgeFunction(
  source: HandlerSource,
  output?: FunctionOutput,
): Promise<EdgeFunction> {
  const instances = new Map<string, EdgeHandler>();
  let shared: EdgeHandler | undefined;
  let bundleSource: string | undefined;
  let description: string;
  if (source.kind === 'bundle') {
    bundleSource = await readFile(source.file, 'utf8');
    description = `bundle ${source.file}`;
  } else if (source.kind === 'module') {
    shared = await importHandler(source.file);
    description = `module ${source.file}`;
  } else {
    shared = source.handler;
    description = `function ${source.name ?? (source.handler.name || 'anonymous')}`;
  }

  const instanceFor = (region: string): EdgeHandler => {
    if (shared !== undefined) return shared;
    let handler = instances.get(region);
    if (handler === undefined) {
      handler = evaluateBundle(bundleSource as string, (source as { file: string }).file, region, output);
      instances.set(region, handler);
    }
    return handler;
  };

  return {
    description,
    get loadedRegions() {
      return [...instances.keys()];
    },
    async invoke(edgeRegion, event, timeoutMs = ORIGIN_REQUEST_TIMEOUT_MS) {
      const requestId = event?.Records?.[0]?.cf?.config?.requestId ?? 'local';
      const started = performance.now();
      const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000;
      let timer: NodeJS.Timeout | undefined;
      try {
        // An init error (the bundle throws while loading) fails the invocation, as in Lambda.
        const handler = instanceFor(edgeRegion);
        const result = await new Promise<unknown>((resolvePromise, reject) => {
          timer = setTimeout(() => reject(new InvocationTimeout(timeoutMs)), timeoutMs);
          const context = lambdaContext(edgeRegion, requestId, started, timeoutMs);
          const returned = handler(event, context, (error, value) =>
            error ? reject(error) : resolvePromise(value),
          );
          if (isPromiseLike(returned)) returned.then(resolvePromise, reject);
          else if (handler.length < 3) resolvePromise(returned);
        });
        return { ok: true, result, durationMs: elapsed() };
      } catch (error) {
        const timedOut = error instanceof InvocationTimeout;
        return {
          ok: false,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          timedOut,
          durationMs: elapsed(),
        };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

class InvocationTimeout extends Error {
  override readonly name = 'TimeoutError';
  constructor(ms: number) {
    super(`Task timed out after ${(ms / 1000).toFixed(2)} seconds`);
  }
}

/**
 * Evaluates a CommonJS bundle as a new module instance: its own module state, its own caches, and
 * its own environment with `AWS_REGION` = `region` (Lambda sets it in each container). The source
 * is wrapped in a function whose `process` parameter is the container's view; Node's own CommonJS
 * compile keeps `require` and the bundle's dynamic `import()` (the SDK loads node:http so) working.
 */
function evaluateBundle(code: string, file: string, region: string, output?: FunctionOutput): EdgeHandler {
  const absolute = resolve(file);
  const mod = new Module(absolute) as Module & {
    _compile(code: string, filename: string): void;
    paths: string[];
    filename: string;
    containerProcess: NodeJS.Process;
  };
  mod.filename = absolute;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    dirname(absolute),
  );
  mod.containerProcess = containerProcess(region, output);
  // On the bundle's first line, so its line numbers in stack traces stay the same.
  mod._compile(`(function (process) {${code}\n}).call(this, module.containerProcess);`, absolute);
  const handler = (mod.exports as { handler?: unknown }).handler;
  if (typeof handler !== 'function') throw new TypeError(`${file} does not export a handler function`);
  return handler as EdgeHandler;
}

/**
 * This process as one Lambda container sees it: everything shared, except `env`, a copy of the
 * environment with the container's region, and, given `output`, `stdout`, whose writes go there
 * with the region (the container's log stream). Methods are looked up on the real `process`, so
 * its events, timers and other streams are the real ones.
 */
function containerProcess(region: string, output?: FunctionOutput): NodeJS.Process {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_REGION: region };
  const stdout =
    output === undefined
      ? process.stdout
      : new Proxy(process.stdout, {
          get: (target, key) =>
            key === 'write'
              ? (chunk: string | Uint8Array) => {
                  output(region, typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
                  return true;
                }
              : Reflect.get(target, key, target),
        });
  return new Proxy(process, {
    get: (target, key) =>
      key === 'env' ? env : key === 'stdout' ? stdout : Reflect.get(target, key, target),
  });
}

async function importHandler(file: string): Promise<EdgeHandler> {
  const absolute = resolve(file);
  let loaded: { handler?: unknown; default?: { handler?: unknown } };
  if (absolute.endsWith('.cjs')) loaded = createRequire(import.meta.url)(absolute);
  else loaded = await import(pathToFileURL(absolute).href);
  const handler = loaded.handler ?? loaded.default?.handler;
  if (typeof handler !== 'function') throw new TypeError(`${file} does not export a handler function`);
  return handler as EdgeHandler;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

function lambdaContext(region: string, requestId: string, started: number, timeoutMs: number): Context {
  const name = 'edge-tenant-router';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: `us-east-1.${name}`,
    functionVersion: '1',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}:1`,
    memoryLimitInMB: '128',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/us-east-1.${name}`,
    logStreamName: `local/${region}`,
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (performance.now() - started)),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
