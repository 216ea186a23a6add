/**
 * Runs an async function over many items with at most `concurrency` in flight.
 */

/**
 * Calls `work` for every item, at most `concurrency` at a time, in order of the iterable.
 * Rejections of `work` are not caught here: callers turn expected failures into results.
 */
export async function forEachConcurrently<T>(
  items: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  const iterator =
    Symbol.asyncIterator in items
      ? (items as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (items as Iterable<T>)[Symbol.iterator]();
  let index = 0;
  // Pulling from one shared iterator keeps every worker busy without reading ahead.
  const worker = async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      await work(next.value, index++);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}
