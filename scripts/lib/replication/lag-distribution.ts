/**
 * How long a write takes to reach another replica: a distribution given on the command line
 * (`--replication-lag`), parsed once and sampled per replicated write. Pure.
 *
 *   500                 always 500 ms (also `fixed:500`)
 *   uniform:100-900     uniform between 100 and 900 ms
 *   lognormal:500,1500  median 500 ms, 99th percentile 1500 ms (the default)
 */
/** Uniform numbers in [0, 1). */
type RandomSource = () => number;

/** A parsed lag distribution. */
export type LagDistribution =
  | { readonly kind: 'fixed'; readonly ms: number }
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number }
  | { readonly kind: 'lognormal'; readonly medianMs: number; readonly p99Ms: number };

/**
 * The default: a median of half a second and 99 % within 1.5 s, so about 93 % of writes arrive
 * within a second, as DynamoDB's "typically within a second" for global tables says.
 */
export const DEFAULT_REPLICATION_LAG = 'lognormal:500,1500';

/** The longest lag a distribution may give: ten minutes. */
export const MAX_LAG_MS = 600_000;
/** z of the 99th percentile of a standard normal distribution. */
const Z_99 = 2.326_347_874;

/** Parses a lag spec; the result says what is wrong with a bad one. */
export function parseLagDistribution(
  spec: string,
): { ok: true; lag: LagDistribution } | { ok: false; problem: string } {
  const text = spec.trim();
  const number = (s: string | undefined) =>
    s !== undefined && /^\d+(\.\d+)?$/.test(s) && Number(s) <= MAX_LAG_MS ? Number(s) : undefined;
  const fixed = number(text.startsWith('fixed:') ? text.slice(6) : text);
  if (fixed !== undefined) return { ok: true, lag: { kind: 'fixed', ms: fixed } };
  const uniform = /^uniform:([\d.]+)-([\d.]+)$/.exec(text);
  if (uniform !== null) {
    const [minMs, maxMs] = [number(uniform[1]), number(uniform[2])];
    if (minMs !== undefined && maxMs !== undefined && minMs <= maxMs)
      return { ok: true, lag: { kind: 'uniform', minMs, maxMs } };
  }
  const lognormal = /^lognormal:([\d.]+),([\d.]+)$/.exec(text);
  if (lognormal !== null) {
    const [medianMs, p99Ms] = [number(lognormal[1]), number(lognormal[2])];
    if (medianMs !== undefined && p99Ms !== undefined && medianMs > 0 && p99Ms >= medianMs)
      return { ok: true, lag: { kind: 'lognormal', medianMs, p99Ms } };
  }
  return {
    ok: false,
    problem: `${JSON.stringify(spec)} is not a lag: MS, fixed:MS, uniform:MIN-MAX or lognormal:MEDIAN,P99 (ms, at most ${MAX_LAG_MS}, P99 >= MEDIAN)`,
  };
}

/**
 * A sampler of `lag`: each call draws one lag in ms from `random`.
 *
 * @example
 * const next = lagSampler(parsed.lag, Math.random);
 * next(); // e.g. 431.7
 */
export function lagSampler(lag: LagDistribution, random: RandomSource): () => number {
  switch (lag.kind) {
    case 'fixed':
      return () => lag.ms;
    case 'uniform':
      return () => lag.minMs + (lag.maxMs - lag.minMs) * random();
    case 'lognormal': {
      const mu = Math.log(lag.medianMs);
      const sigma = Math.log(lag.p99Ms / lag.medianMs) / Z_99;
      return () => Math.min(MAX_LAG_MS, Math.exp(mu + sigma * standardNormal(random)));
    }
  }
}

/** A standard normal draw (Box-Muller). */
function standardNormal(random: RandomSource): number {
  const u = 1 - random(); // (0, 1]: log(0) would be -Infinity
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** The spec of a distribution, as `parseLagDistribution` reads it (for status and reports). */
export function describeLag(lag: LagDistribution): string {
  switch (lag.kind) {
    case 'fixed':
      return `${lag.ms}`;
    case 'uniform':
      return `uniform:${lag.minMs}-${lag.maxMs}`;
    case 'lognormal':
      return `lognormal:${lag.medianMs},${lag.p99Ms}`;
  }
}
