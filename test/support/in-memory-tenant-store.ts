/**
 * A {@link TenantStore} over a Map of table items: validates on read exactly like the DynamoDB
 * store (same `parse*Item`), so unit tests see the same records and the same MalformedItemError.
 */
import {
  domainKey,
  type Item,
  parseDomainItem,
  parseRegionsItem,
  parseTenantItem,
  REGIONS_KEY,
  tenantKey,
} from '../../edge/items.ts';
import type { TenantStore } from '../../edge/tenant-store.ts';
import { type RecordSet, recordItems } from './records.ts';

/** An in-memory store and the means to change its contents. */
export interface InMemoryTenantStore extends TenantStore {
  /** Adds or replaces items (by `pk`). */
  putItems(items: readonly Item[]): void;
  /** Adds or replaces the items of these records. */
  putRecords(records: RecordSet): void;
  /** Removes the item with this key (`TENANT#acme`, `DOMAIN#shop.acme.com`, `REGIONS`). */
  deleteItem(key: string): void;
  /** Number of items held. */
  readonly itemCount: number;
}

/**
 * An in-memory store, optionally seeded with records.
 *
 * @example
 * const store = createInMemoryTenantStore({ tenants: [aTenantRecord()], domains: [aDomainRecord()] });
 */
export function createInMemoryTenantStore(records: RecordSet = {}): InMemoryTenantStore {
  const items = new Map<string, Item>();
  const putItems = (list: readonly Item[]) => {
    for (const item of list) {
      const key = item.pk?.S;
      if (key === undefined) throw new Error('in-memory store: item has no string pk');
      // A structured clone, so a test mutating its fixture afterwards does not change the "table".
      items.set(key, structuredClone(item));
    }
  };
  putItems(recordItems(records));
  // Reads are async like the real store's; a copy per read, as every GetItem returns a new object.
  const read = async (key: string) => {
    const item = items.get(key);
    return item === undefined ? undefined : structuredClone(item);
  };
  return {
    async getDomain(host) {
      const item = await read(domainKey(host));
      return item === undefined ? undefined : parseDomainItem(item);
    },
    async getTenant(id) {
      const item = await read(tenantKey(id));
      return item === undefined ? undefined : parseTenantItem(item);
    },
    async getRegions() {
      const item = await read(REGIONS_KEY);
      return item === undefined ? undefined : parseRegionsItem(item);
    },
    putItems,
    putRecords: (set) => putItems(recordItems(set)),
    deleteItem: (key) => {
      items.delete(key);
    },
    get itemCount() {
      return items.size;
    },
  };
}
