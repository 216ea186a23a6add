/**
 * The whole router table before and after the scenario, and the check that it changed exactly as
 * the migrations should have changed it: only the migrated tenants' region, version, updatedAt
 * (and the migration record, gone again) and one audit item each; nothing lost, nothing else
 * touched. A Scan is fine here: this is a test tool on a local table, never the router.
 */
import { type DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { auditKey, type Item, tenantKey } from '../../edge/items.ts';

/** Every item by `pk`. */
export type TableSnapshot = ReadonlyMap<string, Item>;

/** Reads every item with strongly consistent, paginated Scans. */
export async function scanTable(client: DynamoDBClient, tableName: string): Promise<TableSnapshot> {
  const items = new Map<string, Item>();
  for await (const page of paginateScan({ client }, { TableName: tableName, ConsistentRead: true })) {
    for (const item of page.Items ?? []) {
      const pk = item.pk?.S;
      if (pk !== undefined) items.set(pk, item);
    }
  }
  return items;
}

/** How the table changed, against the expected changes. */
export interface TableDiff {
  readonly itemsBefore: number;
  readonly itemsAfter: number;
  /** Migrated tenant items that changed as expected. */
  readonly migratedAsExpected: number;
  /** Audit items written by the migrations (one per migrated tenant expected). */
  readonly auditItems: number;
  /** Keys present before and missing after. */
  readonly lost: readonly string[];
  /** Keys whose item changed although nothing should have changed it (or changed in a way it should not). */
  readonly unexpectedlyChanged: readonly string[];
  /** Keys present after that no expected change explains. */
  readonly unexpectedlyAdded: readonly string[];
  /** Migrated tenants whose item does not name the target region. */
  readonly wrongRegion: readonly string[];
}

/** Attributes a migration may change on a tenant item. */
const MIGRATION_ATTRIBUTES = new Set(['region', 'version', 'updatedAt', 'migration']);

/**
 * Compares two snapshots. `migrated` maps tenant id -> target region of every migration run.
 * Pure.
 */
export function diffSnapshots(
  before: TableSnapshot,
  after: TableSnapshot,
  migrated: ReadonlyMap<string, string>,
): TableDiff {
  const lost: string[] = [];
  const changed: string[] = [];
  const added: string[] = [];
  const wrongRegion: string[] = [];
  let migratedAsExpected = 0;
  let auditItems = 0;
  const migratedKeys = new Map([...migrated].map(([id, to]) => [tenantKey(id), { id, to }]));
  const auditPrefix = (id: string) => auditKey(id, '', '').replace(/##$/, '#');

  for (const [pk, item] of before) {
    const next = after.get(pk);
    if (next === undefined) {
      lost.push(pk);
      continue;
    }
    const migration = migratedKeys.get(pk);
    if (migration === undefined) {
      if (!sameItem(item, next)) changed.push(pk);
      continue;
    }
    if (next.region?.S !== migration.to) wrongRegion.push(migration.id);
    const version = (i: Item) => Number(i.version?.N ?? Number.NaN);
    const untouched = sameItem(omit(item, MIGRATION_ATTRIBUTES), omit(next, MIGRATION_ATTRIBUTES));
    if (!untouched || !(version(next) > version(item)) || next.migration !== undefined) changed.push(pk);
    else if (next.region?.S === migration.to) migratedAsExpected++;
  }
  for (const pk of after.keys()) {
    if (before.has(pk)) continue;
    const owner = [...migrated.keys()].find((id) => pk.startsWith(auditPrefix(id)));
    if (owner === undefined) added.push(pk);
    else auditItems++;
  }
  return {
    itemsBefore: before.size,
    itemsAfter: after.size,
    migratedAsExpected,
    auditItems,
    lost,
    unexpectedlyChanged: changed,
    unexpectedlyAdded: added,
    wrongRegion,
  };
}

function omit(item: Item, names: ReadonlySet<string>): Item {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !names.has(name)));
}

/** Deep equality of two items, independent of attribute order. */
function sameItem(a: Item, b: Item): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
