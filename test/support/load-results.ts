/**
 * Factories for load test results in tests: settings with every field, and a result recorded
 * through the real collector.
 */
import type { LoadTestSettings } from '../../scripts/loadtest/load-result.ts';

/** Settings of an HTTP run, with `overrides`. */
export function aLoadTestSettings(overrides: Partial<LoadTestSettings> = {}): LoadTestSettings {
  return {
    mode: 'http',
    target: 'http://127.0.0.1:8080',
    ratePerSecond: 100,
    durationMs: 10_000,
    warmupMs: 1_000,
    connections: 8,
    hosts: 10,
    zipf: 1.1,
    seed: 1,
    expect: '2xx,3xx',
    maxErrorRate: 0,
    ...overrides,
  };
}
