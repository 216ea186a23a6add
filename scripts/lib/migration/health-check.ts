/**
 * The preflight health check of a target region: one HTTP GET that must answer 2xx in time.
 */
import type { HealthResult } from './migration-effects.ts';

/** Options of {@link createHealthCheck}. */
export interface HealthCheckOptions {
  /** @default 3000 */
  readonly timeoutMs?: number;
}

/** Creates the health check of the migration effects. */
export function createHealthCheck(options: HealthCheckOptions = {}) {
  const timeoutMs = options.timeoutMs ?? 3000;
  return async (url: string): Promise<HealthResult> => {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
      await response.body?.cancel();
      const detail = `${response.status} ${response.statusText}`.trim();
      return { healthy: response.status >= 200 && response.status < 300, detail };
    } catch (error) {
      const e = error as Error;
      const detail =
        e.name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : ((e.cause as Error)?.message ?? e.message);
      return { healthy: false, detail };
    }
  };
}
