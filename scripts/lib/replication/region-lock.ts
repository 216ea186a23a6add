/**
 * One write at a time per replica region: a promise-chain mutex. A replica's local writes and
 * the replicated writes applied to it take turns, so last-writer-wins decisions and the stamps
 * they compare are never interleaved.
 */

/** A mutex whose `run` calls execute one after another, in call order. */
export interface RegionLock {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** A new, free lock. */
export function regionLock(): RegionLock {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = tail.then(task, task);
      // The next task waits for this one to settle, whatever its outcome.
      tail = result.catch(() => {});
      return result;
    },
  };
}
