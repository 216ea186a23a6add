/**
 * Gathers the keys asked for in one turn of the event loop into one read (DataLoader's pattern):
 * a cold lookup that knows it needs several records asks for all of them before it awaits, and
 * they travel as one request, one round trip. Pure scheduling; the read is injected.
 */

/** The maximum number of keys one DynamoDB `BatchGetItem` may ask for. */
export const MAX_BATCH_KEYS = 100;

/** Reads many keys at once; settles with a result for every key asked for. */
export type ReadMany<T> = (keys: readonly string[]) => Promise<ReadonlyMap<string, T>>;

/**
 * A function that reads one key, batched: every key asked for before the current turn's
 * microtasks run goes to `readMany` together (in chunks of `maxKeys`), each key once however
 * often it was asked for.
 *
 * @example
 * const read = createReadBatcher(readFromTable);
 * const [tenant, regions] = await Promise.all([read('TENANT#acme'), read('REGIONS')]); // one request
 */
export function createReadBatcher<T>(
  readMany: ReadMany<T>,
  maxKeys = MAX_BATCH_KEYS,
): (key: string) => Promise<T> {
  type Waiter = { readonly resolve: (value: T) => void; readonly reject: (error: unknown) => void };
  let pending: Map<string, Waiter[]> | undefined;

  function flush(): void {
    const batch = pending;
    pending = undefined;
    if (batch === undefined) return;
    const keys = [...batch.keys()];
    for (let start = 0; start < keys.length; start += maxKeys) {
      const chunk = keys.slice(start, start + maxKeys);
      readMany(chunk).then(
        (results) => {
          for (const key of chunk) {
            const result = results.get(key);
            for (const waiter of batch.get(key) ?? []) {
              if (result === undefined) waiter.reject(new Error(`read of ${key} gave no result`));
              else waiter.resolve(result);
            }
          }
        },
        (error: unknown) => {
          for (const key of chunk) for (const waiter of batch.get(key) ?? []) waiter.reject(error);
        },
      );
    }
  }

  return (key) =>
    new Promise<T>((resolve, reject) => {
      if (pending === undefined) {
        pending = new Map();
        queueMicrotask(flush);
      }
      const waiters = pending.get(key);
      if (waiters === undefined) pending.set(key, [{ resolve, reject }]);
      else waiters.push({ resolve, reject });
    });
}
