import { describe, expect, it } from 'vitest';
import { commandOf, fuzzPlan } from '../../scripts/ops-fuzz/fuzz-plan.ts';
import { type Attempt, expectedOwners } from '../../scripts/ops-fuzz/fuzz-verdict.ts';

const ok = (op: Attempt['op'], startedAt: number, endedAt: number, worker = 0): Attempt => ({
  worker,
  index: startedAt,
  op,
  startedAt,
  endedAt,
  code: 0,
  rerun: false,
});

describe('expectedOwners', () => {
  it('gives a claim to the tenant the last successful command told it owns it', () => {
    const { expectations } = expectedOwners([
      ok({ kind: 'add', tenant: 'a', region: 'us-east-1', domains: ['x.org'] }, 0, 1),
      ok({ kind: 'remove-domain', tenant: 'a', claim: 'x.org' }, 2, 3),
      ok({ kind: 'add-domain', tenant: 'b', claim: 'x.org' }, 4, 5),
    ]);
    expect(expectations.get('x.org')).toEqual(new Set(['b']));
  });

  it('allows either outcome of two successful commands that overlapped in time', () => {
    const { expectations } = expectedOwners([
      ok({ kind: 'add-domain', tenant: 'a', claim: 'x.org' }, 0, 1),
      ok({ kind: 'remove', tenant: 'a' }, 2, 6, 1),
      ok({ kind: 'add-domain', tenant: 'a', claim: 'y.org' }, 3, 4, 2),
    ]);
    expect(expectations.get('x.org')).toEqual(new Set([null]));
    // y.org was told to a (ended at 4) while the removal (2..6) ran: either order is possible.
    expect(expectations.get('y.org')).toEqual(new Set(['a', null]));
  });

  it('ignores refused commands and leaves out claims of a killed command whose rerun failed', () => {
    const { expectations, uncertain } = expectedOwners([
      ok({ kind: 'add-domain', tenant: 'a', claim: 'x.org' }, 0, 1),
      { ...ok({ kind: 'add-domain', tenant: 'b', claim: 'x.org' }, 2, 3), code: 1 },
      {
        worker: 1,
        index: 0,
        op: { kind: 'add-domain', tenant: 'c', claim: 'z.org' },
        startedAt: 4,
        rerun: false,
      },
      { ...ok({ kind: 'add-domain', tenant: 'c', claim: 'z.org' }, 5, 6, 1), index: 0, rerun: true, code: 1 },
    ]);
    expect(expectations.get('x.org')).toEqual(new Set(['a']));
    expect(uncertain).toEqual(new Set(['z.org']));
    expect(expectations.has('z.org')).toBe(false);
  });
});

describe('fuzzPlan', () => {
  it('is the same for the same seed, and reruns take a dead run over', () => {
    const options = { seed: 3, workers: 2, opsPerWorker: 10, regions: ['us-east-1', 'eu-west-1'] };
    expect(fuzzPlan(options)).toEqual(fuzzPlan(options));
    expect(fuzzPlan(options)).not.toEqual(fuzzPlan({ ...options, seed: 4 }));
    const migrate = { kind: 'migrate', tenant: 'fz1', to: 'eu-west-1', freeze: false } as const;
    expect(commandOf(migrate, true).argv).toContain('--takeover');
    expect(commandOf(migrate, false).argv).not.toContain('--takeover');
  });
});
