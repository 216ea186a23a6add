import { describe, expect, it } from 'vitest';
import { arrivalSchedule } from '../../scripts/loadtest/arrival-schedule.ts';
import { LoadCollector, type RequestOutcome } from '../../scripts/loadtest/load-collector.ts';
import { type DriverClock, errorKind, runOpenLoop } from '../../scripts/loadtest/open-loop-driver.ts';
import { aLoadTestSettings } from '../support/load-results.ts';

/** Virtual time: timers fire in time order, one per event-loop turn so promise chains settle between. */
function virtualClock(): DriverClock & { at(ms: number): Promise<void> } {
  let now = 0;
  const timers: { at: number; seq: number; fire: () => void }[] = [];
  let seq = 0;
  let pumping = false;
  const pump = () => {
    const next = timers.sort((a, b) => a.at - b.at || a.seq - b.seq).shift();
    if (next === undefined) {
      pumping = false;
      return;
    }
    now = Math.max(now, next.at);
    next.fire();
    setImmediate(pump);
  };
  const at = (time: number) =>
    new Promise<void>((resolve) => {
      timers.push({ at: time, seq: seq++, fire: resolve });
      if (!pumping) {
        pumping = true;
        setImmediate(pump);
      }
    });
  return { now: () => now, wait: (ms) => at(now + Math.max(0, ms)), at };
}

/** A server with one worker and a fixed service time: it saturates above 1000 / serviceMs req/s. */
function serialServer(clock: ReturnType<typeof virtualClock>, serviceMs: number) {
  let freeAt = 0;
  return async (): Promise<RequestOutcome> => {
    const done = Math.max(clock.now(), freeAt) + serviceMs;
    freeAt = done;
    await clock.at(done);
    return { status: 200 };
  };
}

describe('runOpenLoop', () => {
  it('measures from the intended send time, so a saturated server shows its queueing', async () => {
    const clock = virtualClock();
    const collector = new LoadCollector();
    // 200 req/s against a server that can do 100 req/s: request i waits 5*i ms more than the last.
    const schedule = arrivalSchedule({ ratePerSecond: 200, durationMs: 500 });
    await runOpenLoop({ schedule, send: serialServer(clock, 10), collector, clock });
    const summary = collector.result({
      settings: settings(),
      startedAt: 'now',
      scheduled: 100,
      measuredWallMs: 1000,
    }).latency;
    expect(summary.count).toBe(100);
    expect(summary.min).toBeCloseTo(10, 1);
    // A closed-loop tool would report 10 ms for every request; the last one really waited 505 ms.
    expect(summary.max).toBeGreaterThan(500);
    expect(summary.max).toBeLessThan(510);
  });

  it('sends every request on schedule without waiting for earlier answers', async () => {
    const clock = virtualClock();
    const sentAt: number[] = [];
    const schedule = arrivalSchedule({ ratePerSecond: 100, durationMs: 100 });
    await runOpenLoop({
      schedule,
      collector: new LoadCollector(),
      clock,
      send: async () => {
        sentAt.push(clock.now());
        await clock.at(clock.now() + 1_000);
        return { status: 200 };
      },
    });
    expect(sentAt).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });

  it('leaves the warm-up out of the results and reports when the measured part starts', async () => {
    const clock = virtualClock();
    const collector = new LoadCollector();
    const schedule = arrivalSchedule({ ratePerSecond: 100, durationMs: 200, warmupMs: 100 });
    let measuredStartAt: number | undefined;
    const timing = await runOpenLoop({
      schedule,
      collector,
      clock,
      send: serialServer(clock, 1),
      onMeasuredStart: () => {
        measuredStartAt = clock.now();
      },
    });
    expect(collector.completed).toBe(20);
    expect(measuredStartAt).toBe(100);
    expect(timing.measuredWallMs).toBeCloseTo(191, 6);
  });

  it('counts rejected and throwing sends as errors by kind', async () => {
    const clock = virtualClock();
    const collector = new LoadCollector();
    const schedule = arrivalSchedule({ ratePerSecond: 100, durationMs: 30 });
    await runOpenLoop({
      schedule,
      collector,
      clock,
      send: (i) => {
        if (i === 0) throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
        if (i === 1) return Promise.reject(new TypeError('bad'));
        return Promise.resolve({ status: 503 });
      },
    });
    const result = collector.result({
      settings: settings(),
      startedAt: 'now',
      scheduled: 3,
      measuredWallMs: 30,
    });
    // The 503 is an answer and an error too: not expected by default.
    expect(result.requests).toEqual({ scheduled: 3, completed: 1, errors: 3, noResponse: 2 });
    expect(result.errorsByStatus).toEqual({ '503': 1, ECONNREFUSED: 1, TypeError: 1 });
    expect(result.errorKinds).toEqual({ ECONNREFUSED: 1, TypeError: 1 });
    expect(result.statuses).toEqual({ '503': 1 });
  });
});

describe('errorKind', () => {
  it.each([
    [Object.assign(new Error('x'), { code: 'ECONNRESET' }), 'ECONNRESET'],
    [new RangeError('x'), 'RangeError'],
    ['a string', 'error'],
    [null, 'error'],
  ])('names %s as %s', (error, kind) => {
    expect(errorKind(error)).toBe(kind);
  });
});

function settings() {
  return aLoadTestSettings({
    mode: 'in-process',
    target: 'test',
    ratePerSecond: 1,
    durationMs: 1,
    warmupMs: 0,
    hosts: 1,
    zipf: 0,
  });
}
