/**
 * Which answers count as success (`--expect 2xx|LIST`): any other status, and every request that
 * got no answer, is an error, counted by status in every output. Pure.
 */

/** Statuses a run expects: whole classes (`2xx`) and single codes (`404`). */
export interface StatusExpectation {
  /** As given, normalised: `2xx,3xx`. */
  readonly label: string;
  /** Status classes (2 for `2xx`). */
  readonly classes: readonly number[];
  /** Single status codes. */
  readonly codes: readonly number[];
}

/** The default: every 2xx and 3xx answer is a success. */
export const DEFAULT_EXPECTATION: StatusExpectation = { label: '2xx,3xx', classes: [2, 3], codes: [] };

/**
 * Parses `2xx`, `200,404`, `2xx,301`; the problem otherwise.
 *
 * @example
 * parseStatusExpectation('2xx,404'); // { ok: true, expectation: { classes: [2], codes: [404], ... } }
 */
export function parseStatusExpectation(
  value: string,
): { ok: true; expectation: StatusExpectation } | { ok: false; problem: string } {
  const classes = new Set<number>();
  const codes = new Set<number>();
  for (const raw of value.split(',')) {
    const part = raw.trim().toLowerCase();
    const cls = /^([1-5])xx$/.exec(part);
    if (cls !== null) classes.add(Number(cls[1]));
    else if (/^[1-5]\d\d$/.test(part)) codes.add(Number(part));
    else return { ok: false, problem: `${JSON.stringify(raw)} is not a status (200) or a class (2xx)` };
  }
  const sortedClasses = [...classes].sort((a, b) => a - b);
  const sortedCodes = [...codes].filter((c) => !classes.has(Math.floor(c / 100))).sort((a, b) => a - b);
  const label = [...sortedClasses.map((c) => `${c}xx`), ...sortedCodes.map(String)].join(',');
  return { ok: true, expectation: { label, classes: sortedClasses, codes: sortedCodes } };
}

/** Whether `status` is a success under `expectation`. */
export function isExpectedStatus(expectation: StatusExpectation, status: number): boolean {
  return expectation.classes.includes(Math.floor(status / 100)) || expectation.codes.includes(status);
}

/** Errors over requests that finished; 0 when none did. */
export function errorRate(errors: number, finished: number): number {
  return finished === 0 ? 0 : errors / finished;
}

/**
 * Whether a run failed its bar: its error share over `maxErrorRate` (0: any error fails).
 *
 * @example
 * exceedsErrorRate({ errors: 1, finished: 1000 }, 0.01); // false
 */
export function exceedsErrorRate(
  counts: { errors: number; finished: number },
  maxErrorRate: number,
): boolean {
  return errorRate(counts.errors, counts.finished) > maxErrorRate;
}
