/**
 * Every CloudFront control-plane call of the `domains` tool goes through here: the client-side
 * rate limit first, then the call, retried with full-jitter exponential backoff when CloudFront
 * throttles (or a 5xx / connection failure), counted per operation for the reports.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { RateLimiter } from './rate-limiter.ts';

/** Counts of a run. */
export interface CallStats {
  readonly calls: Record<string, number>;
  throttled: number;
  retries: number;
}

/** Options of {@link createCallRunner}. */
export interface CallRunnerOptions {
  readonly client: CloudFrontClient;
  readonly limiter: RateLimiter;
  /** Retries of one call after throttling or a transient failure. @default 8 */
  readonly maxRetries?: number;
  /** First backoff, ms (doubled each retry, full jitter). @default 200 */
  readonly baseDelayMs?: number;
  /** @default 20000 */
  readonly maxDelayMs?: number;
  /** @default Math.random */
  readonly random?: () => number;
  /** @default node:timers/promises setTimeout */
  readonly sleep?: (ms: number) => Promise<unknown>;
}

/** Sends one command under the limit and retry policy. */
export type SendCall = <T>(operation: string, command: object) => Promise<T>;

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);

/** Whether an error is worth retrying: throttling, a 5xx, or no answer at all. */
export function isRetryable(error: unknown): { retry: boolean; throttled: boolean } {
  if (!(error instanceof Error)) return { retry: false, throttled: false };
  if (THROTTLING.has(error.name)) return { retry: true, throttled: true };
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return { retry: true, throttled: false };
  const code = (error as { code?: string }).code;
  return { retry: code === 'ECONNRESET' || code === 'ECONNREFUSED' || code === 'EPIPE', throttled: false };
}

/** The call runner and its stats. */
export function createCallRunner(options: CallRunnerOptions): { send: SendCall; stats: CallStats } {
  const stats: CallStats = { calls: {}, throttled: 0, retries: 0 };
  const maxRetries = options.maxRetries ?? 8;
  const base = options.baseDelayMs ?? 200;
  const cap = options.maxDelayMs ?? 20_000;
  const random = options.random ?? Math.random;
  const pause = options.sleep ?? ((ms: number) => sleep(ms));
  const send: SendCall = async <T>(operation: string, command: object) => {
    for (let attempt = 0; ; attempt++) {
      await options.limiter.acquire();
      stats.calls[operation] = (stats.calls[operation] ?? 0) + 1;
      try {
        return (await options.client.send(command as never)) as T;
      } catch (error) {
        const { retry, throttled } = isRetryable(error);
        if (throttled) stats.throttled++;
        if (!retry || attempt >= maxRetries) throw error;
        stats.retries++;
        await pause(random() * Math.min(cap, base * 2 ** attempt));
      }
    }
  };
  return { send, stats };
}
