/**
 * Where each replica stands in one container's read order, from how its attempts went: a replica
 * that failed, or that answered slower than the next replica is expected to several times in a
 * row, is demoted (tried after the others) for a cooldown, then probed in the background and
 * promoted back when the probe answers in time. Pure: the clock is passed in, nothing is sent
 * here. See docs/tenant-store.md#latency-aware-order.
 */
import type { ReplicaTiming } from './config.ts';
import { coldHedgeAfterMs } from './lookup-timing.ts';
import type { Region } from './model.ts';

/** One attempt on a replica as it ended: a lookup's attempt, or a probe. */
export interface AttemptReport {
  readonly region: Region;
  /** The attempt failed (timed out, errored, throttled). */
  readonly failed: boolean;
  /** Wall-clock ms from the attempt's start to its end. */
  readonly ms: number;
  /**
   * Ms from the attempt's start until its request went out on a ready connection (after a new
   * connection's set-up); undefined when the sender never said.
   */
  readonly sentAfterMs: number | undefined;
  /** An attempt of the same lookup sent after this one answered first (the hedge won). */
  readonly beaten: boolean;
  /** The lookup saw this process stalled: its times say little about the replica. */
  readonly stalled: boolean;
}

/**
 * How an answered or failed attempt is judged (`unclear`: nothing to judge it by, such as an
 * answer while this process was stalled).
 */
export type AttemptVerdict = 'fast' | 'slow' | 'failed' | 'unclear';

/** Why a replica was demoted. */
export type DemotionReason = 'failed' | 'slow';

/** A change of a replica's place that an attempt caused. */
export type StandingChange =
  | { readonly change: 'demoted'; readonly reason: DemotionReason; readonly untilMs: number }
  | { readonly change: 'promoted' };

/** What {@link ReplicaStanding.record} concluded from one attempt. */
export interface AttemptJudgement {
  readonly verdict: AttemptVerdict;
  /** Set when the attempt moved the replica behind the others or back to its place. */
  readonly change: StandingChange | undefined;
}

/** Options of {@link ReplicaStanding}. */
export interface ReplicaStandingOptions {
  /** The replicas nearest first: the order when none is demoted. */
  readonly order: readonly Region[];
  readonly timing: (region: Region) => ReplicaTiming;
  /** How long a demoted replica stays behind the others before it is probed; 0: never demote. */
  readonly cooldownMs: number;
  /** Slow answers in a row that demote a replica; 0: only failures do. */
  readonly slowReadsToDemote: number;
}

type State =
  | { readonly kind: 'in-place'; readonly slowInARow: number }
  | {
      readonly kind: 'demoted';
      readonly reason: DemotionReason;
      /** When the cooldown ends and a probe is due (handing one out moves it a cooldown on). */
      readonly untilMs: number;
    };

const IN_PLACE: State = { kind: 'in-place', slowInARow: 0 };

/**
 * Weight of the newest answer in a replica's recent request time (an exponentially weighted
 * average): about the last four answers count, so one quick answer of a busy replica does not
 * make it look quick again.
 */
const RECENT_WEIGHT = 0.25;

/**
 * The standing of one container's replicas. A replica's attempt is
 *
 * - `failed` when it failed: the replica is demoted at once;
 * - `slow` when a hedge sent after it answered first, or when its request took longer than both
 *   its own hedge delay and what the replica that would be read instead (the next one in place
 *   after it; none for the last one) is expected to take: its hedge delay (a high percentile of
 *   its round trip), or its recent request time when that is longer. Reading the other one
 *   directly is then expected to be quicker, and it saves the hedge's double read.
 *   `slowReadsToDemote` of them in a row demote it. Until the replica read instead has answered
 *   once (a hedge, a failover, the warm-up), such an answer is `unclear`;
 * - `unclear` when the lookup saw this process stalled (a hedge timer fired late), since a busy
 *   process makes every replica look slow, or as said above: it neither counts nor resets;
 * - `fast` otherwise: it resets the count, and promotes a demoted replica.
 *
 * A replica late but still quicker than the next one (a near replica on a busy machine) is never
 * demoted: that would make every lookup slower. When a demoted replica's cooldown ends, the next
 * lookup gets it from {@link dueProbes} to probe beside its own read, never in front of it; the
 * replica stays behind the others until the probe is reported fast.
 *
 * @example
 * const standing = new ReplicaStanding({ order, timing, cooldownMs: 5_000, slowReadsToDemote: 3 });
 * standing.record({ region: 'us-east-1', failed: false, ms: 205, sentAfterMs: 0, beaten: true, stalled: false }, now);
 * standing.order; // us-east-1 last once it was slow three times in a row
 */
export class ReplicaStanding {
  readonly #options: ReplicaStandingOptions;
  readonly #states = new Map<Region, State>();
  /** Each replica's recent request time on a ready connection, from its answers (not while stalled). */
  readonly #recentMs = new Map<Region, number>();
  /** The order while nothing changes: rebuilt only when a replica moves. */
  #order: readonly Region[];

  constructor(options: ReplicaStandingOptions) {
    this.#options = options;
    this.#order = options.order;
  }

  /** The replicas in the order to try them: those in place nearest first, then the demoted ones. */
  get order(): readonly Region[] {
    return this.#order;
  }

  /**
   * The demoted replicas whose cooldown has ended by `now`, to probe: each is handed out once per
   * cooldown, so at most one probe of a replica is under way (unless one takes a whole cooldown).
   */
  dueProbes(now: number): readonly Region[] {
    const due: Region[] = [];
    for (const [region, state] of this.#states) {
      if (state.kind !== 'demoted' || state.untilMs > now) continue;
      // The next probe is due a cooldown later: one at a time, and a probe lost without a report
      // cannot keep the replica back for good.
      this.#states.set(region, { ...state, untilMs: now + this.#options.cooldownMs });
      due.push(region);
    }
    return due;
  }

  /** Whether `region` is behind the others now. */
  isDemoted(region: Region): boolean {
    return this.#states.get(region)?.kind === 'demoted';
  }

  /** Judges one attempt on `region` that ended at `now` (a probe: `probe`), and moves the replica. */
  record(report: AttemptReport, now: number, probe = false): AttemptJudgement {
    const verdict = this.verdictOf(report);
    if (!report.failed && !report.stalled) this.#observe(report.region, requestMsOf(report, this.#options));
    const state = this.#states.get(report.region) ?? IN_PLACE;
    const next = this.#next(state, verdict, now, probe);
    if (next === state) return { verdict, change: undefined };
    this.#states.set(report.region, next);
    let change: StandingChange | undefined;
    if (state.kind === 'in-place' && next.kind === 'demoted')
      change = { change: 'demoted', reason: next.reason, untilMs: next.untilMs };
    else if (state.kind === 'demoted' && next.kind === 'in-place') change = { change: 'promoted' };
    if (change !== undefined) this.#order = this.#reorder();
    return { verdict, change };
  }

  /** How `report` is judged against its own timing and that of the replica read instead. */
  verdictOf(report: AttemptReport): AttemptVerdict {
    if (report.failed) return 'failed';
    // A stalled process makes every replica look slow and decides hedge races at random.
    if (report.stalled) return 'unclear';
    if (report.beaten) return 'slow';
    const instead = this.#insteadOf(report.region);
    if (instead === undefined) return 'fast';
    const { timing } = this.#options;
    const requestMs = requestMsOf(report, this.#options);
    if (requestMs <= Math.max(timing(report.region).hedgeAfterMs, timing(instead).hedgeAfterMs))
      return 'fast';
    // Slower than the replica read instead should be. Whether it is: when every replica is slow (a
    // busy world, a container's first seconds), moving to a farther one buys nothing, so it takes
    // an answer of that one (a hedge, a failover, the warm-up) to judge, and its recent time counts.
    const recent = this.#recentMs.get(instead);
    if (recent === undefined) return 'unclear';
    return requestMs > recent ? 'slow' : 'fast';
  }

  /**
   * The replica read in place of `region` if it were behind the others: for one in place, the
   * next one in place after it (a hedge's is the one after the hedge; the last one in place has
   * none, so it is never slow by time); for a demoted one, the first one now.
   */
  #insteadOf(region: Region): Region | undefined {
    const order = this.#order;
    if (this.isDemoted(region)) return order.find((other) => other !== region);
    const at = order.indexOf(region);
    if (at < 0) return undefined;
    return order.slice(at + 1).find((other) => !this.isDemoted(other));
  }

  #observe(region: Region, requestMs: number): void {
    const recent = this.#recentMs.get(region);
    this.#recentMs.set(
      region,
      recent === undefined ? requestMs : recent + RECENT_WEIGHT * (requestMs - recent),
    );
  }

  #next(state: State, verdict: AttemptVerdict, now: number, probe: boolean): State {
    const { cooldownMs, slowReadsToDemote } = this.#options;
    if (cooldownMs <= 0 || verdict === 'unclear') return state;
    const demoted = (reason: DemotionReason): State => ({
      kind: 'demoted',
      reason,
      untilMs: now + cooldownMs,
    });
    if (state.kind === 'in-place') {
      if (verdict === 'failed') return demoted('failed');
      if (verdict === 'fast') return state.slowInARow === 0 ? state : IN_PLACE;
      if (slowReadsToDemote <= 0) return state;
      const slowInARow = state.slowInARow + 1;
      return slowInARow >= slowReadsToDemote ? demoted('slow') : { kind: 'in-place', slowInARow };
    }
    if (verdict === 'failed') return demoted('failed');
    // Slowness counts only with slowReadsToDemote: without, an answer is an answer and promotes.
    if (verdict === 'fast' || slowReadsToDemote <= 0) return IN_PLACE;
    // Slow while demoted: a probe says it still is (wait another cooldown); a lookup's attempt
    // (read as a last resort) changes nothing.
    return probe ? demoted('slow') : state;
  }

  #reorder(): readonly Region[] {
    const { order } = this.#options;
    const behind = order.filter((region) => this.isDemoted(region));
    return behind.length === 0 ? order : [...order.filter((region) => !this.isDemoted(region)), ...behind];
  }
}

/** How long the request of `report` took once it went out on a ready connection. */
function requestMsOf(report: AttemptReport, options: ReplicaStandingOptions): number {
  if (report.sentAfterMs !== undefined) return report.ms - report.sentAfterMs;
  // Without word of when the request went out, allow for a set-up as the hedge does.
  const own = options.timing(report.region);
  return report.ms - (coldHedgeAfterMs(own) - own.hedgeAfterMs);
}
