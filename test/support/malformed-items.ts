/**
 * Table items that must be refused as malformed, one per kind of damage, for every reader's tests.
 * Each has a distinct key so a suite can seed them all at once.
 */
import type { Item } from '../../edge/items.ts';

/** A malformed item and how to look it up. */
export interface MalformedCase {
  /** What is wrong, for the test name. */
  readonly problem: string;
  readonly item: Item;
  readonly lookup:
    | { readonly kind: 'tenant'; readonly id: string }
    | { readonly kind: 'domain'; readonly host: string };
}

function tenantItem(id: string, patch: Item, drop: readonly string[] = []): Item {
  const item: Item = {
    pk: { S: `TENANT#${id}` },
    kind: { S: 'tenant' },
    tenantId: { S: id },
    region: { S: 'us-east-1' },
    status: { S: 'active' },
    version: { N: '1' },
    updatedAt: { S: '2026-01-01T00:00:00.000Z' },
    ...patch,
  };
  for (const name of drop) delete item[name];
  return item;
}

const tenantCase = (
  problem: string,
  id: string,
  patch: Item,
  drop: readonly string[] = [],
): MalformedCase => ({
  problem,
  item: tenantItem(id, patch, drop),
  lookup: { kind: 'tenant', id },
});

const origin = (fields: Record<string, string | number>): Item[string] => ({
  M: Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [k, typeof v === 'number' ? { N: String(v) } : { S: v }]),
  ),
});

/** Malformed TENANT and DOMAIN items: wrong types, missing fields, bad values, unsafe origins. */
export const MALFORMED_CASES: readonly MalformedCase[] = [
  tenantCase('version stored as a string', 'bad-version-type', { version: { S: '1' } }),
  tenantCase('version not an integer', 'bad-version-value', { version: { N: '1.5' } }),
  tenantCase('status missing', 'no-status', {}, ['status']),
  tenantCase('region missing', 'no-region', {}, ['region']),
  tenantCase('unknown status', 'bad-status', { status: { S: 'paused' } }),
  tenantCase('region not a region name', 'bad-region', { region: { S: 'mars' } }),
  tenantCase('tenantId does not match pk', 'pk-mismatch', { tenantId: { S: 'someone-else' } }),
  tenantCase('origin domain with uppercase letters', 'bad-origin-domain', {
    origin: origin({ domainName: 'Evil.Example.COM' }),
  }),
  tenantCase('origin on a forbidden port', 'bad-origin-port', {
    origin: origin({ domainName: 'a.origin.example.com', protocol: 'https', port: 22 }),
  }),
  tenantCase('origin path with a trailing slash', 'bad-origin-path', {
    origin: origin({ domainName: 'a.origin.example.com', path: '/app/' }),
  }),
  tenantCase('origin not a map', 'origin-not-map', { origin: { S: 'https://a.origin.example.com' } }),
  tenantCase('unknown migration phase', 'bad-migration', {
    migration: {
      M: {
        id: { S: 'm1' },
        from: { S: 'us-east-1' },
        to: { S: 'eu-west-1' },
        phase: { S: 'teleported' },
        startedAt: { S: '2026-01-01T00:00:00.000Z' },
      },
    },
  }),
  {
    problem: 'domain with an invalid tenant id',
    item: { pk: { S: 'DOMAIN#bad-tenant.example.com' }, kind: { S: 'domain' }, tenantId: { S: 'Not Valid' } },
    lookup: { kind: 'domain', host: 'bad-tenant.example.com' },
  },
  {
    problem: 'domain without a tenant id',
    item: { pk: { S: 'DOMAIN#no-tenant.example.com' }, kind: { S: 'domain' } },
    lookup: { kind: 'domain', host: 'no-tenant.example.com' },
  },
  {
    problem: 'domain path prefix without a leading slash',
    item: {
      pk: { S: 'DOMAIN#bad-paths.example.com' },
      kind: { S: 'domain' },
      tenantId: { S: 'acme' },
      paths: { M: { docs: { S: 'acme-docs' } } },
    },
    lookup: { kind: 'domain', host: 'bad-paths.example.com' },
  },
];

/** A REGIONS item whose entry has a status that is neither active nor draining. */
export const MALFORMED_REGIONS_ITEM: Item = {
  pk: { S: 'REGIONS' },
  kind: { S: 'regions' },
  version: { N: '1' },
  regions: {
    M: {
      'us-east-1': {
        M: {
          origin: origin({ domainName: 'pool.us-east-1.origin.example.com' }),
          status: { S: 'closed' },
        },
      },
    },
  },
};
