/**
 * The DynamoDB TenantTable on dynalite: what reaches the table. A record the router would refuse
 * never does; an update changes what it says and keeps what it does not know.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainKey, type Item, REGIONS_KEY, tenantKey, tenantToItem } from '../../edge/items.ts';
import { createDynamoDBTenantTable } from '../../scripts/lib/tenants/dynamodb-tenant-table.ts';
import { UnroutableRecordError } from '../../scripts/lib/tenants/tenant-errors.ts';
import type { TenantTable } from '../../scripts/lib/tenants/tenant-table.ts';
import { type LocalTable, startLocalTable } from '../support/local-table.ts';
import { aCustomOrigin, aRegionRecord, aTenantRecord, region, tenantId } from '../support/records.ts';

let local: LocalTable;
let table: TenantTable;

async function rawItem(pk: string): Promise<Item | undefined> {
  const out = await local.client.send(
    new GetItemCommand({ TableName: local.tableName, Key: { pk: { S: pk } }, ConsistentRead: true }),
  );
  return out.Item;
}

beforeAll(async () => {
  local = await startLocalTable();
  table = createDynamoDBTenantTable({ client: local.client, tableName: local.tableName });
});

afterAll(async () => {
  await local?.close();
});

describe('a write the router would refuse', () => {
  it('is refused before it reaches the table: create, update, claim, regions', async () => {
    const bad = aCustomOrigin({ port: 99 });
    await expect(
      table.createTenant({
        tenantId: tenantId('refused'),
        region: region('us-east-1'),
        status: 'active',
        origin: bad,
      }),
    ).rejects.toThrow(UnroutableRecordError);
    expect(await rawItem(tenantKey('refused'))).toBeUndefined();

    const v1 = await table.createTenant({
      tenantId: tenantId('kept'),
      region: region('us-east-1'),
      status: 'active',
    });
    await expect(table.updateTenant(v1, { domains: ['a'.repeat(300)] })).rejects.toThrow(
      UnroutableRecordError,
    );
    await expect(table.updateTenant(v1, { origin: bad })).rejects.toThrow(UnroutableRecordError);
    expect(await rawItem(tenantKey('kept'))).toEqual(tenantToItem(v1.record));

    const longHost = `${'a'.repeat(260)}.com`;
    await expect(table.claimDomain({ host: longHost }, tenantId('kept'))).rejects.toThrow(
      UnroutableRecordError,
    );
    expect(await rawItem(domainKey(longHost))).toBeUndefined();

    const regions = new Map([[region('us-east-1'), aRegionRecord('us-east-1', { origin: bad })]]);
    await expect(table.putRegions(regions, undefined)).rejects.toThrow(UnroutableRecordError);
    expect(await rawItem(REGIONS_KEY)).toBeUndefined();
  });
});

describe('updateTenant', () => {
  it('keeps attributes no encoder knows, and removes a cleared field', async () => {
    await local.seed([
      {
        ...tenantToItem(aTenantRecord({ tenantId: tenantId('noted'), failoverRegion: region('eu-west-1') })),
        note: { S: 'written by another tool' },
      },
    ]);
    const v1 = await table.getTenant(tenantId('noted'));
    if (v1 === undefined) throw new Error('seeded tenant missing');
    const v2 = await table.updateTenant(v1, { status: 'suspended', failoverRegion: null });
    expect(v2.record).toMatchObject({ status: 'suspended', version: 2 });
    const stored = await rawItem(tenantKey('noted'));
    expect(stored?.note).toEqual({ S: 'written by another tool' });
    expect(stored?.failoverRegion).toBeUndefined();
    expect(stored?.status).toEqual({ S: 'suspended' });
  });
});
