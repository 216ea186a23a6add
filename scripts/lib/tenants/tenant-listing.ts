/**
 * Listing tenants page by page from the `byRegion` index: one Query per region (regions from the
 * `REGIONS` item), never a Scan, so a page costs the same at 100 or 100,000 tenants.
 */
import { asRegion, type Region, type TenantStatus } from '../../../edge/model.ts';
import { InvalidInputError } from './tenant-errors.ts';
import type { PageKey, TenantSnapshot, TenantTable } from './tenant-table.ts';

/** Options of {@link listTenantsPage}. */
export interface ListOptions {
  /** Only this region. @default every region of the `REGIONS` item */
  readonly region?: Region | undefined;
  readonly status?: TenantStatus | undefined;
  /** Page size. @default 100 */
  readonly limit?: number | undefined;
  /** The `next` token of the previous page. */
  readonly cursor?: string | undefined;
}

/** A page of tenants and the token of the next one (undefined on the last page). */
export interface ListPage {
  readonly tenants: readonly TenantSnapshot[];
  readonly next: string | undefined;
}

interface Cursor {
  readonly region: Region;
  readonly key: PageKey | undefined;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** Whether a decoded token's key has the shape of a DynamoDB key (each attribute an object). */
function isPageKey(value: unknown): value is PageKey {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((v) => typeof v === 'object' && v !== null)
  );
}

function decodeCursor(token: string): Cursor {
  const refuse = () =>
    new InvalidInputError(`--next ${JSON.stringify(token)} is not a token printed by \`tenants list\``);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (typeof value !== 'object' || value === null || !('region' in value)) throw refuse();
  const region = typeof value.region === 'string' ? asRegion(value.region) : undefined;
  const key = 'key' in value ? value.key : undefined;
  if (region === undefined || (key !== undefined && !isPageKey(key))) throw refuse();
  return { region, key };
}

/** The regions to list, in a stable order. */
async function regionsToList(table: TenantTable, only: Region | undefined): Promise<Region[]> {
  if (only !== undefined) return [only];
  const regions = await table.getRegions();
  return [...(regions?.regions.keys() ?? [])].sort();
}

/** Reads one page of tenants, filtered by region and status. */
export async function listTenantsPage(table: TenantTable, options: ListOptions = {}): Promise<ListPage> {
  const limit = options.limit ?? 100;
  const regions = await regionsToList(table, options.region);
  let cursor: Cursor | undefined = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
  let index = cursor === undefined ? 0 : regions.indexOf(cursor.region);
  if (index < 0)
    throw new InvalidInputError(`--next token names region ${cursor?.region}, which is not listed`);
  const tenants: TenantSnapshot[] = [];
  while (index < regions.length && tenants.length < limit) {
    const region = regions[index];
    if (region === undefined) break;
    const page = await table.queryRegion(region, {
      limit: limit - tenants.length,
      startKey: cursor?.region === region ? cursor.key : undefined,
      status: options.status,
    });
    tenants.push(...page.tenants);
    if (page.nextKey === undefined) {
      index++;
      cursor = undefined;
    } else cursor = { region, key: page.nextKey };
  }
  let next: string | undefined;
  if (cursor !== undefined) next = encodeCursor(cursor);
  else {
    const region = regions[index];
    if (region !== undefined) next = encodeCursor({ region, key: undefined });
  }
  return { tenants, next };
}

/** Every tenant matching the filters, page by page (for export and evacuation). */
export async function* allTenants(
  table: TenantTable,
  options: Omit<ListOptions, 'cursor' | 'limit'> & { readonly pageSize?: number } = {},
): AsyncGenerator<TenantSnapshot> {
  let cursor: string | undefined;
  do {
    const page = await listTenantsPage(table, { ...options, limit: options.pageSize ?? 500, cursor });
    yield* page.tenants;
    cursor = page.next;
  } while (cursor !== undefined);
}
