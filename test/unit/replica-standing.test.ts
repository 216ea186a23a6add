/**
 * Where each replica stands (`ReplicaStanding`), on a clock the test passes in: demoted after
 * failing, or after answering slower than the replica read instead several times in a row; tried
 * last for the cooldown; probed once it is over and promoted back when the probe is timely.
 */
import { describe, expect, it } from 'vitest';
import type { ReplicaTiming } from '../../edge/config.ts';
import { coldHedgeAfterMs } from '../../edge/lookup-timing.ts';
import type { Region } from '../../edge/model.ts';
import { type AttemptReport, ReplicaStanding } from '../../edge/replica-standing.ts';

const NEAR = 'us-east-1' as Region;
const NEXT = 'eu-west-1' as Region;
const FAR = 'ap-southeast-2' as Region;
/** As the build derives them from us-east-1: hedge delay 50 ms + 1.25 round trips. */
const TIMING: Record<string, ReplicaTiming> = {
  [NEAR]: { rttMs: 5, connectTimeoutMs: 2_015, requestTimeoutMs: 258, hedgeAfterMs: 57 },
  [NEXT]: { rttMs: 70, connectTimeoutMs: 2_210, requestTimeoutMs: 355, hedgeAfterMs: 138 },
  [FAR]: { rttMs: 200, connectTimeoutMs: 2_600, requestTimeoutMs: 550, hedgeAfterMs: 300 },
};
const COOLDOWN_MS = 5_000;
const T0 = 1_000_000;

/**
 * A standing that has seen NEXT answer in its round trip (a hedge, the warm-up): the word it takes
 * to call NEAR slower than NEXT would be (`seen: false`: none yet).
 */
function standingOf(
  options: {
    order?: readonly Region[];
    cooldownMs?: number;
    slowReadsToDemote?: number;
    seen?: boolean;
  } = {},
) {
  const standing = new ReplicaStanding({
    order: options.order ?? [NEAR, NEXT, FAR],
    timing: (region) => TIMING[region] as ReplicaTiming,
    cooldownMs: options.cooldownMs ?? COOLDOWN_MS,
    slowReadsToDemote: options.slowReadsToDemote ?? 3,
  });
  if (options.seen ?? true) standing.record(answer(NEXT, 70), T0 - 1);
  return standing;
}

/** An answer from `region` whose request took `requestMs` on a ready connection. */
const answer = (region: Region, requestMs: number, more: Partial<AttemptReport> = {}): AttemptReport => ({
  region,
  failed: false,
  ms: requestMs,
  sentAfterMs: 0,
  beaten: false,
  stalled: false,
  ...more,
});
/** The nearest replica slowed by 200 ms: later than the next replica's hedge delay. */
const slowed = answer(NEAR, 205);
const timely = answer(NEAR, 6);

describe('ReplicaStanding', () => {
  it('keeps a replica that answers within its hedge delay first', () => {
    const standing = standingOf();
    for (let i = 0; i < 10; i++)
      expect(standing.record(timely, T0 + i)).toEqual({ verdict: 'fast', change: undefined });
    expect(standing.order).toEqual([NEAR, NEXT, FAR]);
  });

  it('demotes a replica after three answers in a row slower than the next replica is expected to be', () => {
    const standing = standingOf();
    expect(standing.record(slowed, T0)).toEqual({ verdict: 'slow', change: undefined });
    expect(standing.record(slowed, T0 + 1).change).toBeUndefined();
    expect(standing.order).toEqual([NEAR, NEXT, FAR]);

    expect(standing.record(slowed, T0 + 2)).toEqual({
      verdict: 'slow',
      change: { change: 'demoted', reason: 'slow', untilMs: T0 + 2 + COOLDOWN_MS },
    });
    expect(standing.order).toEqual([NEXT, FAR, NEAR]);
    // Still slow as a last resort: no second demotion, no change.
    expect(standing.record(slowed, T0 + 3)).toEqual({ verdict: 'slow', change: undefined });
  });

  it('starts counting again after a timely answer', () => {
    const standing = standingOf();
    standing.record(slowed, T0);
    standing.record(slowed, T0);
    standing.record(timely, T0);
    standing.record(slowed, T0);
    standing.record(slowed, T0);
    expect(standing.order[0]).toBe(NEAR);
    standing.record(slowed, T0);
    expect(standing.order[0]).toBe(NEXT);
  });

  it('never demotes a replica late past its own hedge delay but quicker than the next one (a busy machine)', () => {
    const standing = standingOf();
    const late = answer(NEAR, TIMING[NEXT]?.hedgeAfterMs as number);
    for (let i = 0; i < 10; i++) expect(standing.record(late, T0).verdict).toBe('fast');
    expect(standing.order[0]).toBe(NEAR);
  });

  it('counts an answer beaten by a hedge as slow, however long it took', () => {
    const standing = standingOf();
    expect(standing.verdictOf(answer(NEAR, 60, { beaten: true }))).toBe('slow');
  });

  it('judges from when the request went out, not from the start of a new connection’s set-up', () => {
    const standing = standingOf();
    // 300 ms in all, of which 290 ms setting up the connection: the request itself was quick.
    expect(standing.verdictOf(answer(NEAR, 300, { sentAfterMs: 290 }))).toBe('fast');
    // Not told when it went out: the set-up's allowance (as for the hedge) is taken off.
    const allowance =
      coldHedgeAfterMs(TIMING[NEAR] as ReplicaTiming) - (TIMING[NEAR]?.hedgeAfterMs as number);
    expect(standing.verdictOf(answer(NEAR, 138 + allowance, { sentAfterMs: undefined }))).toBe('fast');
    expect(standing.verdictOf(answer(NEAR, 139 + allowance, { sentAfterMs: undefined }))).toBe('slow');
  });

  it('judges a replica read after a demotion against the replica first now', () => {
    const standing = standingOf();
    standing.record({ ...timely, failed: true }, T0);
    standing.record(answer(FAR, 200), T0);
    expect(standing.order).toEqual([NEXT, FAR, NEAR]);
    // NEXT is first; what would be read instead of it is FAR (300 ms), not the demoted NEAR.
    expect(standing.verdictOf(answer(NEXT, 250))).toBe('fast');
    expect(standing.verdictOf(answer(NEXT, 301))).toBe('slow');
  });

  it('judges a hedge against the replica after it, and the last one in place never by time', () => {
    const standing = standingOf();
    standing.record(answer(FAR, 200), T0);
    standing.record(answer(NEAR, 6), T0);
    // A hedge to NEXT slower than FAR would be: slow, whatever NEAR (before it) answers in.
    expect(standing.verdictOf(answer(NEXT, 301))).toBe('slow');
    expect(standing.verdictOf(answer(NEXT, 299))).toBe('fast');
    // FAR is the last one: nothing would be read in its place.
    expect(standing.verdictOf(answer(FAR, 5_000))).toBe('fast');
    const two = standingOf({ order: [NEAR, NEXT] });
    for (let i = 0; i < 5; i++) two.record(answer(NEXT, 1_000), T0);
    expect(two.isDemoted(NEXT)).toBe(false);
  });

  it('calls nothing slow by time until the replica read instead has answered once', () => {
    const standing = standingOf({ seen: false });
    for (let i = 0; i < 5; i++) expect(standing.record(slowed, T0).verdict).toBe('unclear');
    expect(standing.order[0]).toBe(NEAR);
    // A hedge beaten by the next replica is word enough: it answered first.
    expect(standing.verdictOf(answer(NEAR, 205, { beaten: true }))).toBe('slow');
    standing.record(answer(NEXT, 70), T0);
    expect(standing.verdictOf(slowed)).toBe('slow');
  });

  it('does not call a replica slow when the one read instead has lately been as slow (a busy world)', () => {
    const standing = standingOf({ seen: false });
    for (let i = 0; i < 4; i++) standing.record(answer(NEXT, 400), T0);
    for (let i = 0; i < 5; i++) expect(standing.record(answer(NEAR, 300), T0).verdict).toBe('fast');
    expect(standing.order[0]).toBe(NEAR);
    // Once the next replica is quick again, the slow one is judged by it.
    for (let i = 0; i < 8; i++) standing.record(answer(NEXT, 70), T0);
    expect(standing.verdictOf(answer(NEAR, 300))).toBe('slow');
  });

  it('neither counts nor resets an answer of a lookup that saw this process stalled', () => {
    const standing = standingOf();
    standing.record(slowed, T0);
    standing.record(slowed, T0);
    expect(standing.record(answer(NEAR, 205, { stalled: true, beaten: true }), T0).verdict).toBe('unclear');
    expect(standing.record(answer(NEAR, 6, { stalled: true }), T0).verdict).toBe('unclear');
    expect(standing.order[0]).toBe(NEAR);
    expect(standing.record(slowed, T0).change).toMatchObject({ change: 'demoted', reason: 'slow' });
  });

  it('demotes a replica that failed at once', () => {
    const standing = standingOf();
    expect(standing.record({ ...timely, failed: true }, T0)).toEqual({
      verdict: 'failed',
      change: { change: 'demoted', reason: 'failed', untilMs: T0 + COOLDOWN_MS },
    });
    expect(standing.isDemoted(NEAR)).toBe(true);
  });

  it('probes a demoted replica once its cooldown is over, and promotes it when the probe is timely', () => {
    const standing = standingOf();
    for (let i = 0; i < 3; i++) standing.record(slowed, T0);
    expect(standing.dueProbes(T0 + COOLDOWN_MS - 1)).toEqual([]);
    expect(standing.dueProbes(T0 + COOLDOWN_MS)).toEqual([NEAR]);
    // Handed out once: later lookups do not probe it again while that probe runs.
    expect(standing.dueProbes(T0 + COOLDOWN_MS + 1)).toEqual([]);
    expect(standing.order).toEqual([NEXT, FAR, NEAR]);

    expect(standing.record(timely, T0 + COOLDOWN_MS + 10, true)).toEqual({
      verdict: 'fast',
      change: { change: 'promoted' },
    });
    expect(standing.order).toEqual([NEAR, NEXT, FAR]);
    expect(standing.dueProbes(T0 + 10 * COOLDOWN_MS)).toEqual([]);
  });

  it('keeps a replica demoted for another cooldown when its probe is still slow or fails', () => {
    const standing = standingOf();
    for (let i = 0; i < 3; i++) standing.record(slowed, T0);
    const probeAt = T0 + COOLDOWN_MS;
    standing.dueProbes(probeAt);
    expect(standing.record(slowed, probeAt + 205, true)).toEqual({ verdict: 'slow', change: undefined });
    expect(standing.order).toEqual([NEXT, FAR, NEAR]);
    expect(standing.dueProbes(probeAt + 205 + COOLDOWN_MS - 1)).toEqual([]);
    expect(standing.dueProbes(probeAt + 205 + COOLDOWN_MS)).toEqual([NEAR]);

    expect(
      standing.record({ ...slowed, failed: true }, probeAt + 2 * COOLDOWN_MS, true).change,
    ).toBeUndefined();
    expect(standing.isDemoted(NEAR)).toBe(true);
  });

  it('probes again a cooldown later when a probe was never reported', () => {
    const standing = standingOf();
    standing.record({ ...timely, failed: true }, T0);
    expect(standing.dueProbes(T0 + COOLDOWN_MS)).toEqual([NEAR]);
    expect(standing.dueProbes(T0 + 2 * COOLDOWN_MS - 1)).toEqual([]);
    expect(standing.dueProbes(T0 + 2 * COOLDOWN_MS)).toEqual([NEAR]);
  });

  it('promotes a replica demoted for a failure on any answer when slowness does not count (slowReadsToDemote 0)', () => {
    const standing = standingOf({ slowReadsToDemote: 0 });
    standing.record({ ...timely, failed: true }, T0);
    standing.dueProbes(T0 + COOLDOWN_MS);
    expect(standing.record(slowed, T0 + COOLDOWN_MS + 205, true)).toEqual({
      verdict: 'slow',
      change: { change: 'promoted' },
    });
    expect(standing.order[0]).toBe(NEAR);
  });

  it('promotes a demoted replica that answers a lookup in time (read as a last resort)', () => {
    const standing = standingOf();
    standing.record({ ...timely, failed: true }, T0);
    expect(standing.record(timely, T0 + 1).change).toEqual({ change: 'promoted' });
    expect(standing.order[0]).toBe(NEAR);
  });

  it.each([
    ['slowReadsToDemote 0: only failures demote', { slowReadsToDemote: 0 }, 'slow', false],
    ['cooldownMs 0: nothing demotes', { cooldownMs: 0 }, 'failed', false],
    ['a single replica: never slow, there is nothing else to read', { order: [NEAR] }, 'slow', false],
  ] as const)('%s', (_, options, kind, demoted) => {
    const standing = standingOf(options);
    const report = kind === 'failed' ? { ...timely, failed: true } : slowed;
    for (let i = 0; i < 5; i++) standing.record(report, T0 + i);
    expect(standing.isDemoted(NEAR)).toBe(demoted);
    expect(standing.order[0]).toBe(NEAR);
  });
});
