/**
 * Tampered table items, written straight into dynalite with PutItem (bypassing every writer), read
 * by the real handler through the real DynamoDB store and route cache: each is refused with a
 * clean generated response and a logged error, and nothing is ever forwarded outside the allowed
 * origin suffixes.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { CloudFrontRequest, CloudFrontResultResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDBTenantStore } from '../../edge/dynamodb-tenant-store.ts';
import type { Item } from '../../edge/items.ts';
import { createOriginRequestHandler } from '../../edge/origin-request.ts';
import { anOriginRequestEvent } from '../../scripts/lib/origin-request-event.ts';
import { checkOriginRequestResult } from '../../scripts/local-edge/cloudfront-rules.ts';
import { type CapturingLogger, capturingLogger } from '../support/capturing-logger.ts';
import { type LocalTable, startLocalTable } from '../support/local-table.ts';
import { aTenantRecord, recordItems, region, someRegions, tenantId } from '../support/records.ts';
import { aRouterConfig } from '../support/router-config.ts';

const KB300 = 'x'.repeat(300 * 1024);

let table: LocalTable;
let config: ReturnType<typeof aRouterConfig>;

beforeAll(async () => {
  table = await startLocalTable();
  config = aRouterConfig({
    tableName: table.tableName,
    replicaRegions: ['us-east-1'],
    endpoints: { 'us-east-1': table.endpoint },
    lookup: { attemptTimeoutMs: 5_000, budgetMs: 5_000 },
    decisionLogSampleRate: 0,
  });
  await table.seed(
    recordItems({
      tenants: [
        aTenantRecord({ tenantId: tenantId('good'), region: region('eu-west-1') }),
        aTenantRecord({ tenantId: tenantId('steady'), region: region('eu-west-1') }),
      ],
      regions: someRegions(),
    }),
  );
});

afterAll(async () => {
  await table?.close();
});

/** Writes one item as an attacker with table access would: no validation, no condition. */
async function tamper(item: Item): Promise<void> {
  await table.client.send(new PutItemCommand({ TableName: table.tableName, Item: item }));
}

/** A fresh handler (own route cache) over the real DynamoDB store, and what it logged. */
function freshHandler(): { handle: ReturnType<typeof createOriginRequestHandler>; logger: CapturingLogger } {
  const logger = capturingLogger();
  const tenantStore = createDynamoDBTenantStore({ config, edgeRegion: 'us-east-1', logger });
  return {
    handle: createOriginRequestHandler({ config, tenantStore, logger, edgeRegion: 'us-east-1' }),
    logger,
  };
}

/** Sends a request for `host` and checks the invariants every answer must keep. */
async function request(handle: ReturnType<typeof createOriginRequestHandler>, host: string, uri = '/') {
  const event = anOriginRequestEvent({ hosts: [host], uri });
  const original = structuredClone(event);
  const result = await handle(event);
  expect(checkOriginRequestResult(original, result).violations).toEqual([]);
  if (result !== null && typeof result === 'object' && 'status' in result) {
    const response = result as CloudFrontResultResponse;
    // The viewer gets the reason, never the bad data: a small body, no domain names from the table.
    expect(response.body?.length ?? 0).toBeLessThan(512);
    expect(response.body).not.toMatch(/attacker|evil|xxxx|example\.org/);
    return {
      kind: 'response' as const,
      status: Number(response.status),
      error: JSON.parse(response.body ?? '{}').error,
    };
  }
  const forwarded = result as CloudFrontRequest;
  const domainName = forwarded.origin?.custom?.domainName ?? forwarded.origin?.s3?.domainName ?? '';
  expect(
    domainName.endsWith('.origin.example.com') ||
      domainName.endsWith('tenant-assets.s3.eu-west-1.amazonaws.com'),
  ).toBe(true);
  return { kind: 'forward' as const, domainName, tenantId: forwarded.headers['x-tenant-id']?.[0]?.value };
}

const S = (value: string) => ({ S: value });
const N = (value: string | number) => ({ N: String(value) });

function tenantItem(id: string, patch: Item = {}, drop: readonly string[] = []): Item {
  const item: Item = {
    pk: S(`TENANT#${id}`),
    kind: S('tenant'),
    tenantId: S(id),
    region: S('us-east-1'),
    status: S('active'),
    version: N(1),
    updatedAt: S('2026-01-01T00:00:00.000Z'),
    ...patch,
  };
  for (const name of drop) delete item[name];
  return item;
}

const customOrigin = (domainName: string, extra: Item = {}) => ({
  M: {
    type: S('custom'),
    domainName: S(domainName),
    protocol: S('https'),
    port: N(443),
    path: S(''),
    ...extra,
  },
});

/** [what was tampered, item, status the router must answer, reason]. Each case has its own tenant. */
const TAMPERED_TENANTS: ReadonlyArray<readonly [string, Item, number, string]> = [
  [
    'a dedicated origin outside the suffixes',
    tenantItem('t-outside', { origin: customOrigin('attacker.example.org') }),
    502,
    'disallowed-origin',
  ],
  [
    'an origin that merely contains an allowed suffix',
    tenantItem('t-contains', { origin: customOrigin('origin.example.com.attacker.example.org') }),
    502,
    'disallowed-origin',
  ],
  [
    'an origin glued to the suffix without a dot',
    tenantItem('t-glued', { origin: customOrigin('evilorigin.example.com') }),
    502,
    'disallowed-origin',
  ],
  [
    'an S3 origin on a look-alike bucket',
    tenantItem('t-s3', {
      origin: {
        M: {
          type: S('s3'),
          domainName: S('tenant-assets.s3.eu-west-1.amazonaws.com.attacker.example.org'),
          path: S(''),
          region: S('eu-west-1'),
        },
      },
    }),
    502,
    'malformed-item',
  ],
  [
    'an S3 bucket under the allowed bucket (anyone can create attacker.tenant-assets...)',
    tenantItem('t-s3-sub', {
      origin: {
        M: {
          type: S('s3'),
          domainName: S('attacker.tenant-assets.s3.eu-west-1.amazonaws.com'),
          path: S(''),
          region: S('eu-west-1'),
        },
      },
    }),
    502,
    'malformed-item',
  ],
  [
    'another S3 bucket',
    tenantItem('t-s3-other', {
      origin: {
        M: {
          type: S('s3'),
          domainName: S('attacker-assets.s3.eu-west-1.amazonaws.com'),
          path: S(''),
          region: S('eu-west-1'),
        },
      },
    }),
    502,
    'disallowed-origin',
  ],
  [
    'the allowed S3 bucket as a plain-http custom origin',
    tenantItem('t-s3-http', {
      origin: {
        M: {
          type: S('custom'),
          domainName: S('tenant-assets.s3.eu-west-1.amazonaws.com'),
          protocol: S('http'),
          path: S(''),
        },
      },
    }),
    502,
    'malformed-item',
  ],
  [
    'an origin given as an IP address',
    tenantItem('t-ip', { origin: customOrigin('169.254.169.254') }),
    502,
    'malformed-item',
  ],
  [
    'an origin with a port in the name',
    tenantItem('t-port', { origin: customOrigin('a.origin.example.com:22') }),
    502,
    'malformed-item',
  ],
  [
    'an origin with a __proto__ attribute',
    tenantItem('t-proto', {
      origin: customOrigin('attacker.example.org', {
        __proto__: { M: { domainName: S('a.origin.example.com') } },
      }),
    }),
    502,
    'disallowed-origin',
  ],
  ['version stored as a string', tenantItem('t-version-s', { version: S('1') }), 502, 'malformed-item'],
  [
    'version beyond a safe integer',
    tenantItem('t-version-big', { version: N('123456789012345678901234567890') }),
    502,
    'malformed-item',
  ],
  ['status stored as a number', tenantItem('t-status-n', { status: N(1) }), 502, 'malformed-item'],
  ['status stored as NULL', tenantItem('t-status-null', { status: { NULL: true } }), 502, 'malformed-item'],
  [
    'failoverRegion stored as a list',
    tenantItem('t-failover-l', { failoverRegion: { L: [S('us-east-1')] } }),
    502,
    'malformed-item',
  ],
  [
    'origin stored as a URL string',
    tenantItem('t-origin-s', { origin: S('https://attacker.example.org') }),
    502,
    'malformed-item',
  ],
  [
    'origin port as a string',
    tenantItem('t-origin-port', { origin: customOrigin('a.origin.example.com', { port: S('443') }) }),
    502,
    'malformed-item',
  ],
  [
    'domains stored as a map',
    tenantItem('t-domains-m', { domains: { M: { a: S('b') } } }),
    502,
    'malformed-item',
  ],
  [
    'migration stored as a string',
    tenantItem('t-migration-s', { migration: S('switched') }),
    502,
    'malformed-item',
  ],
  ['status missing', tenantItem('t-no-status', {}, ['status']), 502, 'malformed-item'],
  ['region missing', tenantItem('t-no-region', {}, ['region']), 502, 'malformed-item'],
  ['version missing', tenantItem('t-no-version', {}, ['version']), 502, 'malformed-item'],
  ['updatedAt missing', tenantItem('t-no-updated', {}, ['updatedAt']), 502, 'malformed-item'],
  ['tenantId missing', tenantItem('t-no-id', {}, ['tenantId']), 502, 'malformed-item'],
  [
    'tenantId naming another tenant',
    tenantItem('t-other-id', { tenantId: S('good') }),
    502,
    'malformed-item',
  ],
  ['a 300 KB updatedAt', tenantItem('t-huge-updated', { updatedAt: S(KB300) }), 502, 'malformed-item'],
  ['a 300 KB region', tenantItem('t-huge-region', { region: S(KB300) }), 502, 'malformed-item'],
  [
    'a 300 KB origin domain',
    tenantItem('t-huge-origin', { origin: customOrigin(`${KB300}.origin.example.com`) }),
    502,
    'malformed-item',
  ],
  [
    'a 300 KB domains entry',
    tenantItem('t-huge-domains', { domains: { L: [S(KB300)] } }),
    502,
    'malformed-item',
  ],
  [
    'a home region missing from REGIONS',
    tenantItem('t-mars', { region: S('sa-east-1') }),
    502,
    'unknown-region',
  ],
];

describe('tampered tenant items', () => {
  it.each(TAMPERED_TENANTS)(
    'refuses %s with a clean answer and an error log line',
    async (_, item, status, reason) => {
      await tamper(item);
      const { handle, logger } = freshHandler();
      const id = (item.pk?.S ?? '').slice('TENANT#'.length);
      const answer = await request(handle, `${id}.app.example.com`);
      expect(answer).toEqual({ kind: 'response', status, error: reason });
      const errors = logger.at('error');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({
        msg: 'route-problem',
        status,
        reason,
        host: `${id}.app.example.com`,
      });
      expect(String(errors[0]?.error)).not.toBe('');
    },
  );

  it('routes a tenant whose item carries a 300 KB attribute the router does not read', async () => {
    await tamper(tenantItem('t-huge-extra', { notes: S(KB300) }));
    const { handle, logger } = freshHandler();
    expect(await request(handle, 't-huge-extra.app.example.com')).toEqual({
      kind: 'forward',
      domainName: 'pool.us-east-1.origin.example.com',
      tenantId: 't-huge-extra',
    });
    expect(logger.at('error')).toEqual([]);
  });

  it('never caches a malformed item: the repaired item routes on the next request', async () => {
    const { handle } = freshHandler();
    await tamper(tenantItem('t-repair', { status: S('paused') }));
    expect(await request(handle, 't-repair.app.example.com')).toMatchObject({
      status: 502,
      error: 'malformed-item',
    });
    await tamper(tenantItem('t-repair', { version: N(2) }));
    expect(await request(handle, 't-repair.app.example.com')).toMatchObject({
      kind: 'forward',
      tenantId: 't-repair',
    });
  });

  it('refuses at the table itself a tenant whose index key (region) has the wrong type', async () => {
    // `region` and `tenantId` are the byRegion index keys: DynamoDB refuses a non-string value, so
    // this damage cannot reach the router at all.
    await expect(tamper(tenantItem('t-region-l', { region: { L: [S('us-east-1')] } }))).rejects.toMatchObject(
      {
        name: 'ValidationException',
      },
    );
    await expect(tamper(tenantItem('t-id-n', { tenantId: N(7) }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('keeps serving the other tenants while tampered items are being refused', async () => {
    const { handle } = freshHandler();
    for (const [, item] of TAMPERED_TENANTS.slice(0, 5)) {
      await request(handle, `${(item.pk?.S ?? '').slice(7)}.app.example.com`);
      expect(await request(handle, 'good.app.example.com')).toEqual({
        kind: 'forward',
        domainName: 'pool.eu-west-1.origin.example.com',
        tenantId: 'good',
      });
    }
  });
});

const domainItem = (host: string, patch: Item = {}, drop: readonly string[] = []): Item => {
  const item: Item = { pk: S(`DOMAIN#${host}`), kind: S('domain'), tenantId: S('good'), ...patch };
  for (const name of drop) delete item[name];
  return item;
};

const manyPaths = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`/p${i}`, S('good')]));

/** [what was tampered, item, status, reason]: the host is the item's. */
const TAMPERED_DOMAINS: ReadonlyArray<readonly [string, Item, number, string]> = [
  [
    'a tenant id that is not a tenant id',
    domainItem('bad-id.shop.test', { tenantId: S('../TENANT#good') }),
    502,
    'malformed-item',
  ],
  [
    'a path prefix owner stored as a number',
    domainItem('paths-n.shop.test', { paths: { M: { '/a': N(7) } } }),
    502,
    'malformed-item',
  ],
  ['no tenant id', domainItem('no-id.shop.test', {}, ['tenantId']), 502, 'malformed-item'],
  [
    'paths stored as a list',
    domainItem('paths-l.shop.test', { paths: { L: [S('/a')] } }),
    502,
    'malformed-item',
  ],
  [
    'a path prefix without a slash',
    domainItem('paths-slash.shop.test', { paths: { M: { admin: S('good') } } }),
    502,
    'malformed-item',
  ],
  [
    'more than 64 path prefixes',
    domainItem('paths-many.shop.test', { paths: { M: manyPaths } }),
    502,
    'malformed-item',
  ],
  [
    'a 300 KB path prefix',
    domainItem('paths-huge.shop.test', { paths: { M: { [`/${KB300}`]: S('good') } } }),
    502,
    'malformed-item',
  ],
  [
    'a tenant that does not exist',
    domainItem('dangling.shop.test', { tenantId: S('nobody') }),
    404,
    'unknown-tenant',
  ],
  [
    'a tenant whose origin is outside the suffixes',
    domainItem('to-outside.shop.test', { tenantId: S('t-outside') }),
    502,
    'disallowed-origin',
  ],
];

describe('tampered domain items', () => {
  it.each(TAMPERED_DOMAINS)('refuses a domain with %s', async (_, item, status, reason) => {
    await tamper(item);
    const { handle, logger } = freshHandler();
    const host = (item.pk?.S ?? '').slice('DOMAIN#'.length);
    expect(await request(handle, host)).toEqual({ kind: 'response', status, error: reason });
    // Bad data is always logged: a 5xx as an error, a domain naming a missing tenant as a warning.
    const logged = [...logger.at('error'), ...logger.at('warn')].filter((e) => e.msg === 'route-problem');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ status, reason, host });
  });
});

/** A REGIONS item over the pool origins, with one region's entry replaced. */
function regionsItem(version: number, entries: Record<string, Item[string]>): Item {
  const pool = (name: string) => ({
    M: { origin: customOrigin(`pool.${name}.origin.example.com`), status: S('active') },
  });
  return {
    pk: S('REGIONS'),
    kind: S('regions'),
    version: N(version),
    updatedAt: S('2026-01-01T00:00:00.000Z'),
    regions: {
      M: {
        'us-east-1': pool('us-east-1'),
        'eu-west-1': pool('eu-west-1'),
        'ap-southeast-2': pool('ap-southeast-2'),
        ...entries,
      },
    },
  };
}

describe('a tampered REGIONS item', () => {
  it('refuses a pool pointed at an attacker domain, and only for that region', async () => {
    await table.seed(
      recordItems({ tenants: [aTenantRecord({ tenantId: tenantId('east'), region: region('us-east-1') })] }),
    );
    await tamper(
      regionsItem(2, {
        'us-east-1': { M: { origin: customOrigin('pool.attacker.example.org'), status: S('active') } },
      }),
    );
    const { handle, logger } = freshHandler();
    expect(await request(handle, 'east.app.example.com')).toEqual({
      kind: 'response',
      status: 502,
      error: 'disallowed-origin',
    });
    expect(logger.at('error')).toHaveLength(1);
    expect(String(logger.at('error')[0]?.error)).toContain('pool.attacker.example.org');
    expect(await request(handle, 'steady.app.example.com')).toMatchObject({
      kind: 'forward',
      domainName: 'pool.eu-west-1.origin.example.com',
    });
  });

  it('refuses a draining region whose failover pool points at an attacker domain', async () => {
    await tamper(
      regionsItem(3, {
        'us-east-1': {
          M: {
            origin: customOrigin('pool.us-east-1.origin.example.com'),
            status: S('draining'),
            failover: S('ap-southeast-2'),
          },
        },
        'ap-southeast-2': { M: { origin: customOrigin('attacker.example.org'), status: S('active') } },
      }),
    );
    const { handle } = freshHandler();
    expect(await request(handle, 'east.app.example.com')).toEqual({
      kind: 'response',
      status: 502,
      error: 'disallowed-origin',
    });
  });

  it.each([
    [
      'a pool origin on an IP address',
      { 'us-east-1': { M: { origin: customOrigin('10.0.0.1'), status: S('active') } } },
    ],
    [
      'an S3 pool origin',
      {
        'us-east-1': {
          M: {
            origin: {
              M: {
                type: S('s3'),
                domainName: S('tenant-assets.s3.eu-west-1.amazonaws.com'),
                path: S(''),
                region: S('eu-west-1'),
              },
            },
            status: S('active'),
          },
        },
      },
    ],
    ['a region entry that is a string', { 'us-east-1': S('pool.us-east-1.origin.example.com') }],
    [
      'an unknown region status',
      {
        'us-east-1': { M: { origin: customOrigin('pool.us-east-1.origin.example.com'), status: S('open') } },
      },
    ],
    [
      'a region key that is not a region',
      { 'not a region': { M: { origin: customOrigin('x.origin.example.com'), status: S('active') } } },
    ],
    [
      'a 300 KB health URL',
      {
        'us-east-1': {
          M: {
            origin: customOrigin('pool.us-east-1.origin.example.com'),
            status: S('active'),
            healthUrl: S(KB300),
          },
        },
      },
    ],
  ] as const)('answers 502 only for the tenants of the entry, when REGIONS has %s', async (_, entries) => {
    await tamper(regionsItem(4, entries as Record<string, Item[string]>));
    const { handle, logger } = freshHandler();
    const bad = Object.keys(entries)[0] === 'us-east-1';
    // One bad entry fails its own region's tenants (a clean 502, logged), never another region's.
    expect(await request(handle, 'east.app.example.com')).toMatchObject(
      bad ? { kind: 'response', status: 502, error: 'malformed-item' } : { kind: 'forward' },
    );
    expect(await request(handle, 'steady.app.example.com')).toMatchObject({
      kind: 'forward',
      domainName: 'pool.eu-west-1.origin.example.com',
    });
    expect(logger.at('error').every((e) => e.reason === 'malformed-item')).toBe(true);
    expect(logger.at('error')).toHaveLength(bad ? 1 : 0);
    if (bad) expect(String(logger.at('error')[0]?.error)).toContain('REGIONS entry of us-east-1');
  });

  it('a REGIONS item stored with the wrong types is refused', async () => {
    await tamper({ pk: S('REGIONS'), kind: S('regions'), version: S('5'), regions: { L: [] } });
    const { handle } = freshHandler();
    expect(await request(handle, 'east.app.example.com')).toEqual({
      kind: 'response',
      status: 502,
      error: 'malformed-item',
    });
  });

  it('a missing REGIONS item is a 503 with Retry-After, not a crash', async () => {
    await table.deleteItem('REGIONS');
    const { handle, logger } = freshHandler();
    const event = anOriginRequestEvent({ hosts: ['east.app.example.com'] });
    const result = (await handle(event)) as CloudFrontResultResponse;
    expect(result.status).toBe('503');
    expect(result.headers?.['retry-after']?.[0]?.value).toBe(String(config.retryAfterSeconds));
    expect(logger.at('error')).toHaveLength(1);
    await table.seed(recordItems({ regions: someRegions() }));
  });
});
