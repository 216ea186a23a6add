import { describe, expect, it } from 'vitest';
import type { Item } from '../../edge/items.ts';
import { scanTable } from '../../scripts/lib/tenants/table-scan.ts';
import type { PageKey } from '../../scripts/lib/tenants/tenant-table.ts';

/** A table of `n` items served in pages, recording each page request. */
function pagedTable(n: number) {
  const items: Item[] = Array.from({ length: n }, (_, i) => ({ pk: { S: `AUDIT#t#${i}` } }));
  const limits: number[] = [];
  return {
    limits,
    async scan({ limit, startKey }: { limit: number; startKey?: PageKey | undefined }) {
      limits.push(limit);
      const from = startKey === undefined ? 0 : Number(startKey.pk?.N);
      const page = items.slice(from, from + limit);
      const next = from + limit < n ? { pk: { N: String(from + limit) } } : undefined;
      return { items: page, nextKey: next };
    },
  };
}

describe('scanTable', () => {
  it('reads every page and never faster than the read rate', async () => {
    let now = 0;
    const slept: number[] = [];
    const progress: number[] = [];
    const table = pagedTable(250);
    const items = await scanTable(table, {
      itemsPerSecond: 100,
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
      onProgress: (n) => progress.push(n),
    });
    expect(items).toHaveLength(250);
    expect(table.limits).toEqual([100, 100, 100]);
    // 100 items may take no less than a second: it waits out what the reads did not take.
    expect(slept).toEqual([1000, 1000]);
    expect(progress).toEqual([100, 200, 250]);
  });

  it('does not wait when the reads are slower than the rate', async () => {
    let now = 0;
    const slept: number[] = [];
    const table = pagedTable(30);
    const slow = {
      scan: async (q: { limit: number; startKey?: PageKey | undefined }) => {
        now += 5000;
        return table.scan(q);
      },
    };
    await scanTable(slow, { itemsPerSecond: 10, now: () => now, sleep: async (ms) => void slept.push(ms) });
    expect(slept).toEqual([]);
  });
});
