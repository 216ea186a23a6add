/**
 * The load test in-process over every host kind: the generated custom-domain and wildcard tenants
 * are seeded and routed, and the router's reads are exactly the minimum of the same trace, per host
 * kind. No warm-up (a warm-up request's second read can land after the measured part starts, where
 * the model has it before) and a run shorter than the negative TTL (every read is a first read, so
 * no TTL boundary can make the two differ).
 */
import { describe, expect, it } from 'vitest';
import { parseLoadTestArguments } from '../../scripts/loadtest/load-test-options.ts';
import { runLoadTest } from '../../scripts/loadtest/run-load-test.ts';

describe('an in-process load test over mixed hosts', () => {
  it('routes every kind and reads exactly what an ideal cache would, per kind', async () => {
    const options = parseLoadTestArguments([
      '--in-process',
      '--hosts-kind',
      'mixed',
      '--tenants',
      '300',
      '--rate',
      '100',
      '--duration',
      '3',
      '--warmup',
      '0',
    ]);
    const result = await runLoadTest(options, { log: () => {} });
    // A lookup that timed out (a machine far too busy) is read again: the premise would not hold.
    expect(result.errorsByStatus).toEqual({});

    expect(result.requests).toMatchObject({ scheduled: 300, completed: 300, errors: 0 });
    expect(result.statuses).toEqual({ '200': 300 });
    const kinds = result.byHostKind ?? {};
    expect(Object.keys(kinds)).toEqual(['platform', 'custom', 'wildcard']);
    for (const kind of Object.values(kinds)) {
      expect(kind.requests).toBeGreaterThan(0);
      expect(kind.readsPer1000).toBeCloseTo(kind.minimumReadsPer1000 ?? -1, 6);
    }
    expect(result.dynamoReads?.total).toBe(result.dynamoReads?.minimum?.total);
    // A cold custom domain reads two items, a wildcard-served host three: more per request than a platform host.
    expect(kinds.custom?.minimumReadsPer1000).toBeGreaterThan(kinds.platform?.minimumReadsPer1000 ?? 0);
  }, 60_000);
});
