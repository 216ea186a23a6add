/**
 * A client-side rate limit for control-plane calls: a token bucket (burst = one second's worth),
 * waiters served in order. Keeps a bulk import within CloudFront's API request quota instead of
 * learning it from throttling errors (which are still retried: cloudfront-calls.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Waits for permission to make one call. */
export interface RateLimiter {
  acquire(): Promise<void>;
  readonly ratePerSecond: number;
}

/** A token bucket of `ratePerSecond`; the clock and sleep are injectable for tests. */
export function createRateLimiter(
  ratePerSecond: number,
  options: { readonly clock?: () => number; readonly sleep?: (ms: number) => Promise<unknown> } = {},
): RateLimiter {
  if (!(ratePerSecond > 0)) throw new RangeError(`rate must be positive, got ${ratePerSecond}`);
  const clock = options.clock ?? Date.now;
  const wait = options.sleep ?? ((ms: number) => sleep(ms));
  const burst = Math.max(1, ratePerSecond);
  let tokens = burst;
  let at = clock();
  let queue: Promise<void> = Promise.resolve();
  const take = async () => {
    for (;;) {
      const now = clock();
      tokens = Math.min(burst, tokens + ((now - at) / 1000) * ratePerSecond);
      at = now;
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      await wait(Math.ceil(((1 - tokens) / ratePerSecond) * 1000));
    }
  };
  return {
    ratePerSecond,
    acquire() {
      // One waiter at a time: the order of calls is the order of asking.
      const turn = queue.then(take);
      queue = turn.catch(() => {});
      return turn;
    },
  };
}
