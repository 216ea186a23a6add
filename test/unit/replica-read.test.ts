/**
 * One lookup across the replicas (`readFromReplicas`) on a hand-moved clock: the hedge after the
 * first replica's hedge delay, the first answer winning, failover, the budget, unprocessed keys.
 * Sends are promises the test settles; nothing sleeps.
 */
import { describe, expect, it } from 'vitest';
import type { ReplicaTiming } from '../../edge/config.ts';
import { LookupFailedError } from '../../edge/errors.ts';
import type { Item } from '../../edge/items.ts';
import { coldHedgeAfterMs } from '../../edge/lookup-timing.ts';
import type { Region } from '../../edge/model.ts';
import {
  type AttemptEnd,
  type KeyRead,
  type ReadAnswer,
  readFromReplicas,
  type SendHooks,
} from '../../edge/replica-read.ts';
import { manualScheduler } from '../support/manual-scheduler.ts';

const NEAR = 'us-east-1' as Region;
const NEXT = 'eu-west-1' as Region;
const FAR = 'ap-southeast-2' as Region;
const TIMING: ReplicaTiming = { rttMs: 10, connectTimeoutMs: 530, requestTimeoutMs: 265, hedgeAfterMs: 63 };
const item = (key: string): Item => ({ pk: { S: key } });

/** One send the test answers by hand. */
interface Sent {
  readonly region: Region;
  readonly keys: readonly string[];
  readonly hooks: SendHooks;
  answer(found: readonly string[], unprocessed?: readonly string[]): void;
  fail(error: Error): void;
}

function lookupHarness(options: { hedging?: boolean; budgetMs?: number } = {}) {
  const scheduler = manualScheduler();
  /** Wall-clock time lost to a stalled process, on top of the scheduler's. */
  let stalled = 0;
  const sent: Sent[] = [];
  const ended: AttemptEnd[] = [];
  let result: ReadonlyMap<string, KeyRead> | undefined;
  const start = (keys: readonly string[]) => {
    void readFromReplicas(keys, {
      order: [NEAR, NEXT, FAR],
      timing: () => TIMING,
      budgetMs: options.budgetMs ?? 1_000,
      hedging: options.hedging ?? true,
      clock: () => scheduler.now() + stalled,
      timers: {
        set: (ms, fire) => scheduler.setTimer(ms, fire),
        clear: (timer) => (timer as { cancel(): void } | undefined)?.cancel(),
      },
      onAttemptEnd: (attempt) => ended.push(attempt),
      send: (region, sentKeys, hooks) =>
        new Promise<ReadAnswer>((resolve, reject) => {
          sent.push({
            region,
            keys: sentKeys,
            hooks,
            answer: (found, unprocessed = []) =>
              resolve({ found: new Map(found.map((k) => [k, item(k)])), unprocessed }),
            fail: reject,
          });
        }),
    }).then((reads) => {
      result = reads;
    });
  };
  /** Lets the promise callbacks of what the test just did run. */
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  const stall = (ms: number) => {
    stalled += ms;
  };
  return { scheduler, sent, ended, start, settle, stall, result: () => result };
}

describe('readFromReplicas', () => {
  it('asks only the nearest replica when it answers within its hedge delay', async () => {
    const h = lookupHarness();
    h.start(['TENANT#acme']);
    h.sent[0]?.hooks.onSent();
    h.scheduler.advance(TIMING.hedgeAfterMs - 1);
    h.sent[0]?.answer(['TENANT#acme']);
    await h.settle();
    h.scheduler.advance(10_000);

    expect(h.sent.map((s) => s.region)).toEqual([NEAR]);
    expect(h.result()?.get('TENANT#acme')).toEqual({
      ok: true,
      item: item('TENANT#acme'),
      region: NEAR,
      hedged: false,
    });
  });

  it('hedges to the next replica after the hedge delay, counted from when the request went out, and takes the first answer', async () => {
    const h = lookupHarness();
    h.start(['TENANT#acme']);
    h.sent[0]?.hooks.onSent();
    h.scheduler.advance(TIMING.hedgeAfterMs - 1);
    expect(h.sent).toHaveLength(1);
    h.scheduler.advance(1);
    expect(h.sent.map((s) => [s.region, s.keys])).toEqual([
      [NEAR, ['TENANT#acme']],
      [NEXT, ['TENANT#acme']],
    ]);

    h.sent[1]?.answer(['TENANT#acme']);
    await h.settle();
    expect(h.result()?.get('TENANT#acme')).toMatchObject({ ok: true, region: NEXT, hedged: true });

    // The slower first attempt is not cancelled: its answer still ends it, and changes nothing.
    h.sent[0]?.answer([]);
    await h.settle();
    expect(h.ended.map((e) => [e.region, e.kind, e.error])).toEqual([
      [NEXT, 'hedge', undefined],
      [NEAR, 'first', undefined],
    ]);
    expect(h.result()?.get('TENANT#acme')).toMatchObject({ region: NEXT });
  });

  it('tells when each attempt’s request went out, and that the first one was beaten by the hedge', async () => {
    const h = lookupHarness();
    h.start(['TENANT#acme']);
    h.sent[0]?.hooks.onConnecting();
    h.scheduler.advance(20);
    h.sent[0]?.hooks.onSent(); // a new connection, set up in 20 ms
    h.scheduler.advance(TIMING.hedgeAfterMs);
    h.sent[1]?.hooks.onSent();
    h.scheduler.advance(15);
    h.sent[1]?.answer(['TENANT#acme']);
    await h.settle();
    h.scheduler.advance(100);
    h.sent[0]?.answer(['TENANT#acme']);
    await h.settle();

    expect(h.ended.map((e) => [e.region, e.kind, e.ms, e.sentAfterMs, e.beaten])).toEqual([
      [NEXT, 'hedge', 15, 0, false],
      [NEAR, 'first', 20 + TIMING.hedgeAfterMs + 15 + 100, 20, true],
    ]);
  });

  it('does not call a hedge that lost beaten, nor an attempt whose sender never said it went out', async () => {
    const h = lookupHarness();
    h.start(['TENANT#acme']);
    h.sent[0]?.hooks.onConnecting();
    h.scheduler.advance(coldHedgeAfterMs(TIMING));
    expect(h.sent).toHaveLength(2);
    h.sent[0]?.answer(['TENANT#acme']);
    await h.settle();
    h.sent[1]?.answer(['TENANT#acme']);
    await h.settle();

    expect(h.ended.map((e) => [e.region, e.sentAfterMs, e.beaten])).toEqual([
      [NEAR, undefined, false],
      [NEXT, undefined, false],
    ]);
  });

  it('allows a request that needs a new connection its set-up before hedging', async () => {
    const h = lookupHarness();
    h.start(['TENANT#acme']);
    h.sent[0]?.hooks.onConnecting();
    h.scheduler.advance(coldHedgeAfterMs(TIMING) - 1);
    expect(h.sent).toHaveLength(1);
    // Connected: the hedge delay now counts from the request going out.
    h.sent[0]?.hooks.onSent();
    h.scheduler.advance(TIMING.hedgeAfterMs - 1);
    expect(h.sent).toHaveLength(1);
    h.scheduler.advance(1);
    expect(h.sent.map((s) => s.region)).toEqual([NEAR, NEXT]);
  });

  it('does not hedge when its timer fired late because this process was stalled, and times the hedge again', async () => {
    const h = lookupHarness();
    h.start(['TENANT#acme']);
    h.sent[0]?.hooks.onSent();
    h.stall(TIMING.hedgeAfterMs * 3); // the event loop was blocked: the replica is not to blame
    h.scheduler.advance(TIMING.hedgeAfterMs);
    expect(h.sent).toHaveLength(1);
    h.scheduler.advance(TIMING.hedgeAfterMs);
    expect(h.sent.map((s) => s.region)).toEqual([NEAR, NEXT]);
  });

  it('sends at most one hedge per lookup', async () => {
    const h = lookupHarness();
    h.start(['TENANT#acme']);
    h.sent[0]?.hooks.onSent();
    h.scheduler.advance(TIMING.hedgeAfterMs);
    h.sent[1]?.hooks.onSent();
    h.scheduler.advance(TIMING.hedgeAfterMs * 5);
    expect(h.sent.map((s) => s.region)).toEqual([NEAR, NEXT]);
  });

  it('never hedges with hedging off, and fails over when the attempt fails', async () => {
    const h = lookupHarness({ hedging: false });
    h.start(['TENANT#acme']);
    h.sent[0]?.hooks.onSent();
    h.scheduler.advance(TIMING.requestTimeoutMs - 1);
    expect(h.sent).toHaveLength(1);
    h.sent[0]?.fail(
      Object.assign(new Error('request timed out'), { name: 'TimeoutError', code: 'RequestTimeout' }),
    );
    await h.settle();
    expect(h.sent.map((s) => s.region)).toEqual([NEAR, NEXT]);
    h.sent[1]?.answer(['TENANT#acme']);
    await h.settle();
    expect(h.result()?.get('TENANT#acme')).toMatchObject({ ok: true, region: NEXT, hedged: false });
    expect(h.ended.map((e) => e.kind)).toEqual(['first', 'failover']);
  });

  it('waits for an outstanding hedge before failing over when the first attempt fails', async () => {
    const h = lookupHarness();
    h.start(['TENANT#acme']);
    h.sent[0]?.hooks.onSent();
    h.scheduler.advance(TIMING.hedgeAfterMs);
    h.sent[0]?.fail(new Error('reset'));
    await h.settle();
    expect(h.sent).toHaveLength(2);
    h.sent[1]?.answer(['TENANT#acme']);
    await h.settle();
    expect(h.result()?.get('TENANT#acme')).toMatchObject({ ok: true, region: NEXT });
  });

  it('fails with LookupFailedError naming every replica when all of them fail', async () => {
    const h = lookupHarness({ hedging: false });
    h.start(['TENANT#acme']);
    for (const [i, code] of ['ECONNREFUSED', 'RequestTimeout', 'ThrottlingException'].entries()) {
      h.sent[i]?.fail(Object.assign(new Error(code), { code }));
      await h.settle();
    }
    const read = h.result()?.get('TENANT#acme');
    expect(read?.ok).toBe(false);
    const error = (read as { error: Error }).error;
    expect(error).toBeInstanceOf(LookupFailedError);
    expect(error.message).toContain(
      'all 3 replicas failed (us-east-1 ECONNREFUSED, eu-west-1 RequestTimeout, ap-southeast-2 ThrottlingException)',
    );
    expect((error.cause as AggregateError).errors).toHaveLength(3);
  });

  it('gives up when the budget is spent, and still hears from the attempt it stopped waiting for', async () => {
    const h = lookupHarness({ hedging: false, budgetMs: 400 });
    h.start(['TENANT#acme']);
    h.sent[0]?.hooks.onConnecting();
    h.scheduler.advance(400);
    await h.settle();
    const read = h.result()?.get('TENANT#acme') as { ok: false; error: Error };
    expect(read.error.message).toContain('budget of 400 ms spent after 1 of 3 replicas');
    expect(read.error.message).toContain('1 still waited for');
    h.sent[0]?.answer(['TENANT#acme']);
    await h.settle();
    expect(h.ended).toEqual([expect.objectContaining({ region: NEAR, error: undefined })]);
    expect(h.sent).toHaveLength(1);
  });

  it('reads keys a replica left unprocessed from the next one, keeping what it did read', async () => {
    const h = lookupHarness({ hedging: false });
    h.start(['DOMAIN#shop.acme.com', 'REGIONS']);
    h.sent[0]?.answer(['DOMAIN#shop.acme.com'], ['REGIONS']);
    await h.settle();
    expect(h.sent.map((s) => [s.region, s.keys])).toEqual([
      [NEAR, ['DOMAIN#shop.acme.com', 'REGIONS']],
      [NEXT, ['REGIONS']],
    ]);
    h.sent[1]?.answer([]);
    await h.settle();
    expect(h.result()?.get('DOMAIN#shop.acme.com')).toMatchObject({ ok: true, region: NEAR });
    expect(h.result()?.get('REGIONS')).toEqual({ ok: true, item: undefined, region: NEXT, hedged: false });
  });
});
