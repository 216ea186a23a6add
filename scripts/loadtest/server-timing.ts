/**
 * Reads the router's own time from a `Server-Timing` response header (`router;dur=0.42`). Pure.
 */

/**
 * The `dur` of the named metric in a Server-Timing header value, in ms; undefined when absent or
 * not a number.
 *
 * @example
 * serverTimingDuration('cache;desc=hit, router;dur=0.42', 'router'); // 0.42
 */
export function serverTimingDuration(
  header: string | readonly string[] | undefined,
  metric: string,
): number | undefined {
  if (header === undefined) return undefined;
  const values = typeof header === 'string' ? [header] : header;
  for (const value of values) {
    for (const entry of value.split(',')) {
      const [name, ...params] = entry.split(';').map((part) => part.trim());
      if (name?.toLowerCase() !== metric.toLowerCase()) continue;
      for (const param of params) {
        const eq = param.indexOf('=');
        if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'dur') continue;
        const raw = param
          .slice(eq + 1)
          .trim()
          .replace(/^"(.*)"$/, '$1');
        const ms = Number(raw);
        if (raw !== '' && Number.isFinite(ms) && ms >= 0) return ms;
      }
    }
  }
  return undefined;
}
