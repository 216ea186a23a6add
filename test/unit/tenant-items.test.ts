import { describe, expect, it } from 'vitest';
import { MalformedItemError } from '../../edge/errors.ts';
import { checkedDomainItem, checkedTenantItem, parseTenantItem } from '../../edge/items.ts';
import { UnroutableRecordError } from '../../scripts/lib/tenants/tenant-errors.ts';
import {
  changedTenant,
  domainItemOf,
  regionsItemOf,
  tenantItemOf,
  tenantSnapshotOf,
} from '../../scripts/lib/tenants/tenant-items.ts';
import type { MigrationState, TenantSnapshot } from '../../scripts/lib/tenants/tenant-table.ts';
import {
  aCustomOrigin,
  aDomainRecord,
  aTenantRecord,
  FIXTURE_TIME,
  region,
  someRegions,
} from '../support/records.ts';

const LATER = '2026-02-01T00:00:00.000Z';

const migration: MigrationState = {
  id: 'm-1',
  from: region('us-east-1'),
  to: region('eu-west-1'),
  phase: 'frozen',
  startedAt: FIXTURE_TIME,
  priorStatus: 'active',
  owner: 'alice@ops-1:42:abcd',
  leaseUntil: Date.parse('2026-01-01T00:00:30.000Z'),
  phaseAt: Date.parse('2026-01-01T00:00:10.000Z'),
  freeze: true,
};

const plain: TenantSnapshot = {
  record: aTenantRecord({
    origin: aCustomOrigin({ domainName: 'acme.origin.example.com' }),
    failoverRegion: region('eu-west-1'),
    domains: ['shop.acme.com'],
  }),
  migration: undefined,
};

describe('the tenant item of the operator tools', () => {
  it('round-trips a tenant with its migration lease', () => {
    const migrating = changedTenant(plain, { status: 'maintenance', migration }, LATER);
    expect(tenantSnapshotOf(tenantItemOf(migrating))).toEqual(migrating);
  });

  it('keeps the lease in the migration map, where the router reads only its own fields', () => {
    const item = tenantItemOf(changedTenant(plain, { migration }, LATER));
    expect(item.migration?.M?.owner).toEqual({ S: migration.owner });
    expect(item.migration?.M?.freeze).toEqual({ BOOL: true });
    const { owner, leaseUntil, phaseAt, freeze, ...routerPart } = migration;
    expect(parseTenantItem(item).migration).toEqual(routerPart);
  });

  it('applies a change: the next version, a field left out kept, null cleared', () => {
    const next = changedTenant(plain, { origin: null, region: region('ap-southeast-2') }, LATER);
    expect(next.record).toEqual({
      ...plain.record,
      origin: undefined,
      region: 'ap-southeast-2',
      version: 2,
      updatedAt: LATER,
    });
    expect('origin' in next.record).toBe(false);
    expect(next.record.failoverRegion).toBe('eu-west-1');
    const done = changedTenant(changedTenant(plain, { migration }, LATER), { migration: null }, LATER);
    expect(done.migration).toBeUndefined();
    expect(done.record.migration).toBeUndefined();
    expect(tenantItemOf(done).migration).toBeUndefined();
  });

  it.each<[string, TenantSnapshot]>([
    ['a domain longer than the router reads', changedTenant(plain, { domains: ['a'.repeat(300)] }, LATER)],
    [
      'an origin port outside 80, 443, 1024-65535',
      changedTenant(plain, { origin: aCustomOrigin({ port: 99 }) }, LATER),
    ],
    [
      'a migration id longer than 128',
      changedTenant(plain, { migration: { ...migration, id: 'x'.repeat(200) } }, LATER),
    ],
  ])('refuses %s before anything is written', (_what, snapshot) => {
    expect(() => tenantItemOf(snapshot)).toThrow(UnroutableRecordError);
    expect(() => tenantItemOf(snapshot)).toThrow(
      /^refused before writing: the router would reject it \(malformed item TENANT#acme: /,
    );
  });

  it('refuses a domain or regions record the router could not read', () => {
    expect(() => domainItemOf(aDomainRecord({ host: `${'a'.repeat(260)}.com` }), LATER)).toThrow(
      UnroutableRecordError,
    );
    const regions = someRegions({ 'us-east-1': { origin: aCustomOrigin({ path: 'no-leading-slash' }) } });
    expect(() => regionsItemOf(regions, LATER)).toThrow(UnroutableRecordError);
  });
});

describe('checked items (edge/items.ts)', () => {
  it('returns the item the router parses back to the same record', () => {
    const record = aTenantRecord({ domains: ['shop.acme.com'] });
    expect(parseTenantItem(checkedTenantItem(record))).toEqual(record);
    expect(checkedDomainItem(aDomainRecord(), LATER).tenantId).toEqual({ S: 'acme' });
  });

  it("throws the router's own MalformedItemError for a record it refuses", () => {
    expect(() => checkedTenantItem(aTenantRecord({ domains: ['a'.repeat(300)] }))).toThrow(
      MalformedItemError,
    );
  });

  it('lets router fields win over extra migration attributes of the same name', () => {
    const record = aTenantRecord({ migration: { ...migration, phase: 'switched' } });
    const item = checkedTenantItem(record, { phase: { S: 'bogus' }, owner: { S: 'bob' } });
    expect(item.migration?.M?.phase).toEqual({ S: 'switched' });
    expect(item.migration?.M?.owner).toEqual({ S: 'bob' });
  });
});
