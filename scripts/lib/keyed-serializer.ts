/**
 * One task at a time per key, any number of keys at once: tasks of a key run in the order they
 * were given, each after the one before settled (fulfilled or rejected).
 */

/** Runs `task` once every earlier task of `key` has settled. */
export type KeyedSerializer = <T>(key: string, task: () => Promise<T>) => Promise<T>;

/**
 * A serializer; its memory is one promise per key with a task pending.
 *
 * @example
 * const oneAtATime = keyedSerializer();
 * await Promise.all(hosts.map((h) => oneAtATime(tenantOf(h), () => claim(h))));
 */
export function keyedSerializer(): KeyedSerializer {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, task: () => Promise<T>): Promise<T> => {
    // The tail never rejects (caught below), so a failed task does not stop the next.
    const run = (tails.get(key) ?? Promise.resolve()).then(task);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}
