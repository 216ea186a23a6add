/**
 * Reading the whole table for `tenants check`: a paginated, strongly consistent Scan at a bounded
 * read rate (items per second, so a check never eats the table's capacity), reporting progress.
 */
import type { Item } from '../../../edge/items.ts';
import type { PageKey, TenantTable } from './tenant-table.ts';

/** Options of {@link scanTable}. */
export interface ScanOptions {
  /** Most items read per second, on average. @default 500 */
  readonly itemsPerSecond?: number;
  /** Items per Scan page. @default min(itemsPerSecond, 1000) */
  readonly pageSize?: number;
  /** Called after each page with the items and pages read so far. */
  readonly onProgress?: (items: number, pages: number) => void;
  /** @default Date.now */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Every item of the table, page by page, never faster than the rate. */
export async function scanTable(
  table: Pick<TenantTable, 'scan'>,
  options: ScanOptions = {},
): Promise<Item[]> {
  const rate = options.itemsPerSecond ?? 500;
  const pageSize = options.pageSize ?? Math.min(1000, Math.max(1, rate));
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = now();
  const items: Item[] = [];
  let pages = 0;
  let startKey: PageKey | undefined;
  do {
    const page = await table.scan({ limit: pageSize, startKey });
    items.push(...page.items);
    pages++;
    startKey = page.nextKey;
    options.onProgress?.(items.length, pages);
    // The rate bound: the items read so far may not have taken less than items / rate seconds.
    const ahead = (items.length / rate) * 1000 - (now() - started);
    if (startKey !== undefined && ahead > 0) await sleep(ahead);
  } while (startKey !== undefined);
  return items;
}
