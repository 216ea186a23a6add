/**
 * Resources started one after another and closed in reverse order, so that a failure at any step
 * of a start-up closes exactly what was started before it. (Node 20 has no `AsyncDisposableStack`.)
 */

/** Anything with an async or sync `close()`. */
export interface Closeable {
  close(): unknown;
}

/**
 * A stack of cleanups. `close()` runs every one, last registered first, even when some fail; it
 * then rejects with the failures. Closing twice runs nothing twice.
 *
 * @example
 * const edge = await CleanupStack.build(async (stack) => {
 *   const data = stack.use(await startData());
 *   const api = stack.use(await startApi(data)); // a throw here closes `data`
 *   return { api, close: () => stack.close() };
 * });
 */
export class CleanupStack {
  readonly #steps: (() => unknown)[] = [];
  #closed: Promise<void> | undefined;

  /**
   * Runs `start` with a new stack; when it throws, closes what it had registered and rethrows the
   * start-up error (a failing cleanup does not hide it).
   */
  static async build<T>(start: (stack: CleanupStack) => Promise<T>): Promise<T> {
    const stack = new CleanupStack();
    try {
      return await start(stack);
    } catch (error) {
      await stack.close().catch(() => {});
      throw error;
    }
  }

  /** Registers `resource` to be closed; returns it. */
  use<T extends Closeable>(resource: T): T {
    this.defer(() => resource.close());
    return resource;
  }

  /** Registers a cleanup step. */
  defer(step: () => unknown): void {
    if (this.#closed !== undefined) throw new Error('cleanup stack already closed');
    this.#steps.push(step);
  }

  /** Runs the cleanups in reverse order; the same promise on every call. */
  close(): Promise<void> {
    this.#closed ??= this.#run();
    return this.#closed;
  }

  async #run(): Promise<void> {
    const failures: unknown[] = [];
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, `${failures.length} cleanup step(s) failed`);
  }
}

/**
 * Waits for resources started together; when any fails to start, closes the ones that did and
 * rejects with the first failure, so a partial start leaves nothing running.
 *
 * @example
 * const replicas = await startAll(regions.map((region) => startReplicaProxy({ region, target })));
 */
export async function startAll<T extends Closeable>(starting: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(starting);
  const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed === undefined) return started;
  await Promise.allSettled(started.map((resource) => resource.close()));
  throw failed.reason;
}
