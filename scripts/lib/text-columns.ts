/**
 * Plain-text tables for the command-line reports (the load test's summary, the bench tables):
 * the first column left-aligned, the others right-aligned. Pure.
 */

/**
 * Lays out rows as aligned columns; the first row is the header.
 *
 * @example
 * alignColumns([['path', 'median'], ['floor', '53 ns']]);
 */
export function alignColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
