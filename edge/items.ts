/**
 * The table's item layout (see docs/data-model.md): keys, validation of items read, and the item
 * form of records for writers. Pure: works on DynamoDB AttributeValue maps, no client.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { MalformedItemError } from './errors.ts';
import {
  asRegion,
  asTenantId,
  type DomainRecord,
  MIGRATION_PHASES,
  type MigrationRecord,
  type Origin,
  type Region,
  type RegionRecord,
  type RegionsRecord,
  TENANT_STATUSES,
  type TenantId,
  type TenantRecord,
} from './model.ts';
import { parseOrigin } from './origin-rules.ts';
import { normaliseRequestPath } from './request-path.ts';

/** A DynamoDB item as the SDK returns it. */
export type Item = Record<string, AttributeValue>;

/** Partition key attribute name. */
export const PARTITION_KEY = 'pk';
/** Name of the sparse GSI over tenant items: partition `region`, sort `tenantId`. */
export const REGION_INDEX = 'byRegion';
/** Key of the single regions item. */
export const REGIONS_KEY = 'REGIONS';
/**
 * A tenant's own origin secret: 32-128 URL-safe characters (the tools generate 43, 256 bits).
 * docs/routing.md#4-rewrite-forward
 */
export const ORIGIN_SECRET_PATTERN = /^[A-Za-z0-9_-]{32,128}$/;
/** Longest health-check URL a REGIONS entry may hold (the router's limit for a string field). */
export const MAX_HEALTH_URL_LENGTH = 2048;
/** Most path prefixes one domain item may split between tenants. */
export const MAX_PATH_PREFIXES = 64;

/** Key of the DOMAIN item of a canonical host (or `*.parent` wildcard). */
export function domainKey(host: string): string {
  return `DOMAIN#${host}`;
}

/** Key of the TENANT item of a tenant. */
export function tenantKey(tenantId: string): string {
  return `TENANT#${tenantId}`;
}

/** Key of an audit entry (one item per event; there is no sort key). */
export function auditKey(tenantId: string, at: string, id: string): string {
  return `AUDIT#${tenantId}#${at}#${id}`;
}

// ---- reading -------------------------------------------------------------------------------

class Reader {
  constructor(
    readonly key: string,
    readonly item: Item,
  ) {}

  fail(message: string): never {
    throw new MalformedItemError(this.key, message);
  }

  str(name: string, source: Item = this.item, maxLength = 2048): string {
    const value = source[name]?.S;
    if (value === undefined) this.fail(`${name} must be a string`);
    if (value.length > maxLength) this.fail(`${name} is longer than ${maxLength}`);
    return value;
  }

  optStr(name: string, source: Item = this.item, maxLength = 2048): string | undefined {
    return source[name] === undefined ? undefined : this.str(name, source, maxLength);
  }

  num(name: string, source: Item = this.item): number {
    const text = source[name]?.N;
    const value = text === undefined ? Number.NaN : Number(text);
    if (!Number.isSafeInteger(value)) this.fail(`${name} must be an integer`);
    return value;
  }

  map(name: string, source: Item = this.item): Item {
    const value = source[name]?.M;
    if (value === undefined) this.fail(`${name} must be a map`);
    return value;
  }

  tenantId(name: string, source: Item = this.item): TenantId {
    const id = asTenantId(this.str(name, source, 63));
    if (id === undefined) this.fail(`${name} is not a valid tenant id`);
    return id;
  }

  region(name: string, source: Item = this.item): Region {
    const region = asRegion(this.str(name, source, 32));
    if (region === undefined) this.fail(`${name} is not a region name`);
    return region;
  }

  optRegion(name: string, source: Item = this.item): Region | undefined {
    return source[name] === undefined ? undefined : this.region(name, source);
  }

  origin(name: string, source: Item = this.item): Origin {
    const raw = this.map(name, source);
    const plain: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) {
      plain[k] = v.S ?? (v.N === undefined ? undefined : Number(v.N));
    }
    const parsed = parseOrigin(plain);
    if (!parsed.ok) this.fail(parsed.problem);
    return parsed.origin;
  }
}

/**
 * A path prefix in the form the router matches on, or undefined when `key` is not one: a
 * normalised path (`normaliseRequestPath`, encoded slashes kept) with no `;` parameters, at most
 * 1024 characters; a trailing `/` is dropped (`/api/` is `/api`: both match `/api` and below).
 */
function pathPrefix(key: string): string | undefined {
  if (key.length > 1024) return undefined;
  const normal = normaliseRequestPath(key, { encodedSlashes: 'preserve' });
  if (!normal.ok || normal.path !== key || normal.matchPath !== key) return undefined;
  return key.length > 1 && key.endsWith('/') ? key.slice(0, -1) : key;
}

/** Validates a DOMAIN item. Throws {@link MalformedItemError}. */
export function parseDomainItem(item: Item): DomainRecord {
  const r: Reader = new Reader(item.pk?.S ?? '(no pk)', item);
  const host = r.str('pk', item, 260).slice('DOMAIN#'.length);
  const tenantId = r.tenantId('tenantId');
  if (item.paths === undefined) return { host, tenantId };
  const paths = new Map<string, TenantId>();
  const entries = Object.entries(r.map('paths'));
  if (entries.length > MAX_PATH_PREFIXES) r.fail(`paths has more than ${MAX_PATH_PREFIXES} prefixes`);
  for (const [key, value] of entries) {
    const prefix = pathPrefix(key);
    if (prefix === undefined) {
      r.fail(
        `paths key ${JSON.stringify(key)} must be a normalised path of at most 1024 chars (docs/routing.md#path)`,
      );
    }
    const id = asTenantId(value.S ?? '');
    if (id === undefined) r.fail(`paths[${JSON.stringify(key)}] is not a valid tenant id`);
    if (paths.has(prefix))
      r.fail(`paths has ${JSON.stringify(prefix)} twice (a trailing '/' is insignificant)`);
    paths.set(prefix, id);
  }
  return { host, tenantId, paths };
}

/** Narrows `value` to one of `values` (a type guard, so no cast precedes the check). */
function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

/** Validates a TENANT item. Throws {@link MalformedItemError}. */
export function parseTenantItem(item: Item): TenantRecord {
  const r: Reader = new Reader(item.pk?.S ?? '(no pk)', item);
  const tenantId = r.tenantId('tenantId');
  if (item.pk?.S !== tenantKey(tenantId)) r.fail('tenantId does not match pk');
  const status = r.str('status', item, 32);
  if (!isOneOf(TENANT_STATUSES, status))
    r.fail(`status ${JSON.stringify(status)} is not one of ${TENANT_STATUSES}`);
  const record: {
    -readonly [K in keyof TenantRecord]: TenantRecord[K];
  } = {
    tenantId,
    region: r.region('region'),
    status,
    version: r.num('version'),
    updatedAt: r.str('updatedAt', item, 64),
  };
  if (item.origin !== undefined) record.origin = r.origin('origin');
  const failoverRegion = r.optRegion('failoverRegion');
  if (failoverRegion !== undefined) record.failoverRegion = failoverRegion;
  for (const name of ['originSecret', 'nextOriginSecret'] as const) {
    const secret = r.optStr(name, item, 128);
    if (secret === undefined) continue;
    if (!ORIGIN_SECRET_PATTERN.test(secret))
      r.fail(`${name} must be 32-128 chars of A-Z, a-z, 0-9, '_' and '-'`);
    record[name] = secret;
  }
  if (item.domains !== undefined) {
    const list = item.domains.L;
    if (list === undefined) r.fail('domains must be a list');
    record.domains = list.map((v, i) => {
      if (v.S === undefined || v.S.length > 260) r.fail(`domains[${i}] must be a host name`);
      return v.S;
    });
  }
  if (item.migration !== undefined) {
    const m = r.map('migration');
    const phase = r.str('phase', m, 32);
    if (!isOneOf(MIGRATION_PHASES, phase)) r.fail(`migration.phase ${JSON.stringify(phase)} is unknown`);
    const migration: { -readonly [K in keyof MigrationRecord]: MigrationRecord[K] } = {
      id: r.str('id', m, 128),
      from: r.region('from', m),
      to: r.region('to', m),
      phase,
      startedAt: r.str('startedAt', m, 64),
    };
    const prior = r.optStr('priorStatus', m, 32);
    if (prior !== undefined) {
      if (!isOneOf(TENANT_STATUSES, prior)) r.fail('migration.priorStatus is unknown');
      migration.priorStatus = prior;
    }
    record.migration = migration;
  }
  return record;
}

/** One entry of the REGIONS item. Throws {@link MalformedItemError} naming the entry. */
function parseRegionEntry(r: Reader, name: string, value: AttributeValue): [Region, RegionRecord] {
  const region = asRegion(name);
  if (region === undefined) r.fail(`regions key ${JSON.stringify(name)} is not a region name`);
  const entry = value.M;
  if (entry === undefined) r.fail(`regions.${name} must be a map`);
  const origin = r.origin('origin', entry);
  if (origin.type !== 'custom') r.fail(`regions.${name}.origin must be a custom origin`);
  const status = r.str('status', entry, 32);
  if (status !== 'active' && status !== 'draining')
    r.fail(`regions.${name}.status must be active or draining`);
  const record: { -readonly [K in keyof RegionRecord]: RegionRecord[K] } = { origin, status };
  const failover = r.optRegion('failover', entry);
  if (failover !== undefined) record.failover = failover;
  const healthUrl = r.optStr('healthUrl', entry, MAX_HEALTH_URL_LENGTH);
  if (healthUrl !== undefined) record.healthUrl = healthUrl;
  return [region, record];
}

/**
 * Validates the REGIONS item, isolating each entry: a malformed entry is left out of `regions` and
 * recorded in `malformed` (its problem), so it fails only its own region's tenants, never every
 * region's (docs/data-model.md). A malformed `regions` map or `version` fails the whole item.
 * Throws {@link MalformedItemError}.
 */
export function parseRegionsItem(item: Item): RegionsRecord {
  const r: Reader = new Reader(REGIONS_KEY, item);
  const regions = new Map<Region, RegionRecord>();
  const malformed = new Map<string, string>();
  for (const [name, value] of Object.entries(r.map('regions'))) {
    try {
      const [region, record] = parseRegionEntry(r, name, value);
      regions.set(region, record);
    } catch (error) {
      if (!(error instanceof MalformedItemError)) throw error;
      malformed.set(name, error.problem);
    }
  }
  const version = r.num('version');
  return malformed.size === 0 ? { regions, version } : { regions, version, malformed };
}

// ---- writing -------------------------------------------------------------------------------

function originToAttribute(origin: Origin): AttributeValue {
  const m: Item = {
    type: { S: origin.type },
    domainName: { S: origin.domainName },
    path: { S: origin.path },
  };
  if (origin.type === 'custom') {
    m.protocol = { S: origin.protocol };
    m.port = { N: String(origin.port) };
  } else m.region = { S: origin.region };
  return { M: m };
}

/** The item form of a domain record. */
export function domainToItem(record: DomainRecord, updatedAt: string): Item {
  const item: Item = {
    pk: { S: domainKey(record.host) },
    kind: { S: 'domain' },
    tenantId: { S: record.tenantId },
    updatedAt: { S: updatedAt },
  };
  if (record.paths !== undefined && record.paths.size > 0) {
    item.paths = { M: Object.fromEntries([...record.paths].map(([p, id]) => [p, { S: id }])) };
  }
  return item;
}

/** The item form of a tenant record. */
export function tenantToItem(record: TenantRecord): Item {
  const item: Item = {
    pk: { S: tenantKey(record.tenantId) },
    kind: { S: 'tenant' },
    tenantId: { S: record.tenantId },
    region: { S: record.region },
    status: { S: record.status },
    version: { N: String(record.version) },
    updatedAt: { S: record.updatedAt },
  };
  if (record.origin !== undefined) item.origin = originToAttribute(record.origin);
  if (record.failoverRegion !== undefined) item.failoverRegion = { S: record.failoverRegion };
  if (record.originSecret !== undefined) item.originSecret = { S: record.originSecret };
  if (record.nextOriginSecret !== undefined) item.nextOriginSecret = { S: record.nextOriginSecret };
  if (record.domains !== undefined) item.domains = { L: record.domains.map((d) => ({ S: d })) };
  if (record.migration !== undefined) item.migration = migrationToAttribute(record.migration);
  return item;
}

/** The attribute form of a migration record. */
export function migrationToAttribute(m: MigrationRecord): AttributeValue {
  const map: Item = {
    id: { S: m.id },
    from: { S: m.from },
    to: { S: m.to },
    phase: { S: m.phase },
    startedAt: { S: m.startedAt },
  };
  if (m.priorStatus !== undefined) map.priorStatus = { S: m.priorStatus };
  return { M: map };
}

/** The item form of the regions record. */
export function regionsToItem(record: RegionsRecord, updatedAt: string): Item {
  const regions: Item = {};
  for (const [name, r] of record.regions) {
    const entry: Item = { origin: originToAttribute(r.origin), status: { S: r.status } };
    if (r.failover !== undefined) entry.failover = { S: r.failover };
    if (r.healthUrl !== undefined) entry.healthUrl = { S: r.healthUrl };
    regions[name] = { M: entry };
  }
  return {
    pk: { S: REGIONS_KEY },
    kind: { S: 'regions' },
    regions: { M: regions },
    version: { N: String(record.version) },
    updatedAt: { S: updatedAt },
  };
}

// ---- writing, checked by the reader ----------------------------------------------------------
// A writer stores only what the router's own parser accepts: each encoder below reads its item
// back with the matching parse*Item and throws its MalformedItemError instead of returning an
// item that would turn a tenant's traffic into 502s.

/**
 * The item form of a tenant record, checked by {@link parseTenantItem}. `migrationExtras` are
 * attributes the router ignores, stored in the `migration` map next to the router's fields (the
 * operator tools keep their lease there). Throws {@link MalformedItemError}.
 */
export function checkedTenantItem(record: TenantRecord, migrationExtras: Item = {}): Item {
  const item = tenantToItem(record);
  const migration = item.migration?.M;
  if (migration !== undefined) item.migration = { M: { ...migrationExtras, ...migration } };
  parseTenantItem(item);
  return item;
}

/** The item form of a domain record, checked by {@link parseDomainItem}. Throws {@link MalformedItemError}. */
export function checkedDomainItem(record: DomainRecord, updatedAt: string): Item {
  const item = domainToItem(record, updatedAt);
  parseDomainItem(item);
  return item;
}

/** The item form of the regions record, checked by {@link parseRegionsItem}. Throws {@link MalformedItemError}. */
export function checkedRegionsItem(record: RegionsRecord, updatedAt: string): Item {
  const item = regionsToItem(record, updatedAt);
  // Strict for writers: the router isolates a malformed entry, but no writer may store one.
  const [name, problem] = [...(parseRegionsItem(item).malformed ?? [])][0] ?? [];
  if (name !== undefined) throw new MalformedItemError(REGIONS_KEY, `${problem} (entry ${name})`);
  return item;
}
