/**
 * Conformance with AWS's own DynamoDB Local: the TenantStore contract suite, and the operator
 * tools' conditional writes side by side on dynalite and DynamoDB Local, so no behaviour depends
 * on a quirk of the embedded server. Skips, saying why, when Java is not installed.
 */
import { randomUUID } from 'node:crypto';
import {
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  paginateScan,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDBTenantStore } from '../../edge/dynamodb-tenant-store.ts';
import type { Item } from '../../edge/items.ts';
import { silentLogger } from '../../edge/logger.ts';
import type { Region, RegionRecord } from '../../edge/model.ts';
import { startDynalite } from '../../scripts/lib/dynalite-server.ts';
import {
  type DynamoDBLocalServer,
  dynamoDBLocalUnavailableReason,
  startDynamoDBLocal,
} from '../../scripts/lib/dynamodb-local-server.ts';
import { LOCAL_CREDENTIALS } from '../../scripts/lib/local-credentials.ts';
import type { MigrationEffects, MigrationStep } from '../../scripts/lib/migration/migration-effects.ts';
import { InjectedCrashError } from '../../scripts/lib/migration/migration-errors.ts';
import { runMigration } from '../../scripts/lib/migration/migration-machine.ts';
import { ensureRouterTable } from '../../scripts/lib/router-table.ts';
import { createDynamoDBTenantTable } from '../../scripts/lib/tenants/dynamodb-tenant-table.ts';
import { VersionConflictError } from '../../scripts/lib/tenants/tenant-errors.ts';
import type { MigrationState, TenantSnapshot, TenantTable } from '../../scripts/lib/tenants/tenant-table.ts';
import { FIXTURE_TIME, region, tenantId } from '../support/records.ts';
import { aRouterConfig } from '../support/router-config.ts';
import { describeTenantStoreContract } from '../support/tenant-store-contract.ts';

const unavailable = dynamoDBLocalUnavailableReason();
if (unavailable !== undefined) {
  // Visible in the run output, not only as a skipped count.
  console.warn(`DynamoDB Local conformance tests SKIPPED: ${unavailable}`);
}
const describeWithJava = describe.skipIf(unavailable !== undefined);

const TABLE = 'tenant-routes';

/** A server plus an admin client on it with the router table created. */
interface Backend {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  seed(items: readonly Item[]): Promise<void>;
  close(): Promise<void>;
}

async function backendOn(server: { endpoint: string; close(): Promise<void> }): Promise<Backend> {
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: server.endpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  await ensureRouterTable(client, TABLE);
  return {
    endpoint: server.endpoint,
    client,
    async seed(items) {
      for (let i = 0; i < items.length; i += 25) {
        let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
        while (requests.length > 0) {
          const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: requests } }));
          requests = (out.UnprocessedItems?.[TABLE] ?? []).flatMap((r) =>
            r.PutRequest?.Item === undefined ? [] : [{ PutRequest: { Item: r.PutRequest.Item } }],
          );
        }
      }
    },
    async close() {
      client.destroy();
      await server.close();
    },
  };
}

describeWithJava(`DynamoDB Local (${unavailable ?? 'Java found'})`, () => {
  describeTenantStoreContract('DynamoDB store on DynamoDB Local', async () => {
    const backend = await backendOn(await startDynamoDBLocal());
    // Two replica regions on the same shared database: the store's per-region clients (with their
    // own region and signing) must work against the real server too.
    const config = aRouterConfig({
      tableName: TABLE,
      replicaRegions: ['us-east-1', 'eu-west-1'],
      endpoints: { 'us-east-1': backend.endpoint, 'eu-west-1': backend.endpoint },
      lookup: { attemptTimeoutMs: 10_000, budgetMs: 20_000 },
    });
    return {
      store: createDynamoDBTenantStore({ config, edgeRegion: 'eu-west-1', logger: silentLogger }),
      seed: (items) => backend.seed(items),
      teardown: () => backend.close(),
    };
  });
});

/** One conditional-write scenario: what it does to a fresh table accessor, and what it returns. */
type Scenario = (table: TenantTable, backend: Backend) => Promise<unknown>;

const outcome = async (run: () => Promise<unknown>): Promise<unknown> => {
  try {
    return { ok: await run() };
  } catch (error) {
    return { error: error instanceof Error ? error.name : String(error) };
  }
};

const pool = (name: string): RegionRecord => ({
  origin: {
    type: 'custom',
    domainName: `pool.${name}.origin.example.com`,
    protocol: 'https',
    port: 443,
    path: '',
  },
  status: 'active',
});

/**
 * Each scenario's observable result (return values, error names, items read back) must be the
 * same on both servers, and must be what the scripts rely on.
 */
const SCENARIOS: ReadonlyArray<readonly [string, Scenario, unknown]> = [
  [
    'creating a tenant twice refuses the second write',
    async (t) => [
      await outcome(async () => (await t.createTenant(base('twice'))).record.version),
      await outcome(async () => (await t.createTenant(base('twice'))).record.version),
    ],
    [{ ok: 1 }, { error: 'VersionConflictError' }],
  ],
  [
    'an update on the current version bumps it; a stale one is refused and changes nothing',
    async (t) => {
      const v1 = await t.createTenant(base('upd'));
      const first = await outcome(
        async () => (await t.updateTenant(v1, { region: region('eu-west-1') })).record,
      );
      const stale = await outcome(() => t.updateTenant(v1, { region: region('ap-southeast-2') }));
      const after = (await t.getTenant(tenantId('upd')))?.record;
      return [pick(first), stale, { region: after?.region, version: after?.version }];
    },
    [
      { region: 'eu-west-1', version: 2 },
      { error: 'VersionConflictError' },
      { region: 'eu-west-1', version: 2 },
    ],
  ],
  [
    'an update of a missing tenant is refused, not an upsert',
    async (t) => [
      await outcome(() => t.updateTenant(unwritten('ghost'), { status: 'active' })),
      await t.getTenant(tenantId('ghost')),
    ],
    [{ error: 'VersionConflictError' }, undefined],
  ],
  [
    'an update can set and remove attributes in one conditional write',
    async (t) => {
      const v1 = await t.createTenant({ ...base('mig'), failoverRegion: region('us-east-1') });
      const next = await t.updateTenant(v1, {
        migration: aMigration({ id: 'm1', from: region('us-east-1'), to: region('eu-west-1') }),
        failoverRegion: null,
      });
      return {
        phase: next.record.migration?.phase,
        failover: next.record.failoverRegion,
        version: next.record.version,
      };
    },
    { phase: 'planned', failover: undefined, version: 2 },
  ],
  [
    'a delete on a stale version is refused; on the current one it removes the item',
    async (t) => {
      const v1 = await t.createTenant(base('del'));
      await t.updateTenant(v1, { status: 'suspended' });
      return [
        await outcome(() => t.deleteTenant(tenantId('del'), 1)),
        await outcome(() => t.deleteTenant(tenantId('del'), 2)),
        await t.getTenant(tenantId('del')),
      ];
    },
    [{ error: 'VersionConflictError' }, { ok: undefined }, undefined],
  ],
  [
    'a domain claimed by one tenant is refused to another and kept by its holder',
    async (t, b) => {
      const host = { host: 'shop.claim.com' };
      const first = (await t.claimDomain(host, tenantId('alpha'))).kind;
      const stamp = await rawAttribute(b, 'DOMAIN#shop.claim.com', 'updatedAt');
      const other = await t.claimDomain(host, tenantId('beta'));
      const again = (await t.claimDomain(host, tenantId('alpha'))).kind;
      const holder = (await t.getDomain('shop.claim.com'))?.tenantId;
      // if_not_exists keeps the first claim's timestamp on a re-claim.
      const stampAfter = await rawAttribute(b, 'DOMAIN#shop.claim.com', 'updatedAt');
      return [first, other, again, holder, stamp === stampAfter];
    },
    ['claimed', { kind: 'held', holder: 'alpha' }, 'claimed', 'alpha', true],
  ],
  [
    'a domain is released only by its holder',
    async (t) => {
      const host = { host: 'rel.claim.com' };
      await t.claimDomain(host, tenantId('alpha'));
      return [
        (await t.releaseDomain(host, tenantId('beta'))).kind,
        (await t.releaseDomain(host, tenantId('alpha'))).kind,
        (await t.releaseDomain(host, tenantId('alpha'))).kind,
        await t.getDomain('rel.claim.com'),
      ];
    },
    ['not-held', 'released', 'not-held', undefined],
  ],
  [
    'path prefixes are claimed and released one entry at a time, and hold their host',
    async (t) => {
      const host = { host: 'split.claim.com' };
      const blog = { host: 'split.claim.com', path: '/blog' };
      const noHost = (await t.claimDomain(blog, tenantId('beta'))).kind;
      await t.claimDomain(host, tenantId('alpha'));
      const first = (await t.claimDomain(blog, tenantId('beta'))).kind;
      const shop = (await t.claimDomain({ host: 'split.claim.com', path: '/shop' }, tenantId('gamma'))).kind;
      const taken = await t.claimDomain(blog, tenantId('gamma'));
      const hostWhileSplit = await t.releaseDomain(host, tenantId('alpha'));
      const notBeta = (await t.releaseDomain({ host: 'split.claim.com', path: '/shop' }, tenantId('beta')))
        .kind;
      const blogGone = (await t.releaseDomain(blog, tenantId('beta'))).kind;
      const item = await t.getDomain('split.claim.com');
      return [noHost, first, shop, taken, hostWhileSplit.kind, notBeta, blogGone, [...(item?.paths ?? [])]];
    },
    [
      'no-host',
      'claimed',
      'claimed',
      { kind: 'held', holder: 'beta' },
      'has-paths',
      'not-held',
      'released',
      [['/shop', 'gamma']],
    ],
  ],
  [
    'the regions item is created once and then only written on its current version',
    async (t) => {
      const map = new Map<Region, RegionRecord>([[region('us-east-1'), pool('us-east-1')]]);
      const wider = new Map<Region, RegionRecord>([...map, [region('eu-west-1'), pool('eu-west-1')]]);
      return [
        await outcome(async () => (await t.putRegions(map, undefined)).version),
        await outcome(async () => (await t.putRegions(map, undefined)).version),
        await outcome(async () => (await t.putRegions(wider, 1)).version),
        await outcome(async () => (await t.putRegions(map, 1)).version),
        [...((await t.getRegions())?.regions.keys() ?? [])].sort(),
      ];
    },
    [
      { ok: 1 },
      { error: 'VersionConflictError' },
      { ok: 2 },
      { error: 'VersionConflictError' },
      ['eu-west-1', 'us-east-1'],
    ],
  ],
  [
    'the byRegion index pages a region and filters on a nested migration attribute',
    async (t) => {
      const created: TenantSnapshot[] = [];
      for (const id of ['q1', 'q2', 'q3'])
        created.push(await t.createTenant({ ...base(id), region: region('ap-southeast-2') }));
      const [, q2] = created;
      if (q2 === undefined) throw new Error('q2 was not created');
      await t.updateTenant(q2, {
        migration: aMigration({
          id: 'm2',
          from: region('ap-southeast-2'),
          to: region('us-east-1'),
          phase: 'prepared',
        }),
      });
      const ids: string[] = [];
      let startKey: Item | undefined;
      do {
        const page = await t.queryRegion(region('ap-southeast-2'), { limit: 2, startKey });
        ids.push(...page.tenants.map((s) => s.record.tenantId));
        startKey = page.nextKey;
      } while (startKey !== undefined);
      const migrating = await t.queryRegion(region('ap-southeast-2'), {
        migratingFrom: region('ap-southeast-2'),
      });
      return [ids, migrating.tenants.map((s) => s.record.tenantId)];
    },
    [['q1', 'q2', 'q3'], ['q2']],
  ],
  [
    'concurrent updates on one version: exactly one wins',
    async (t) => {
      const v1 = await t.createTenant(base('race'));
      const results = await Promise.all(
        ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-east-1', 'eu-west-1'].map((r) =>
          outcome(() => t.updateTenant(v1, { region: region(r) })),
        ),
      );
      const wins = results.filter((r) => (r as { ok?: unknown }).ok !== undefined).length;
      const conflicts = results.filter(
        (r) => (r as { error?: string }).error === 'VersionConflictError',
      ).length;
      return { wins, conflicts, version: (await t.getTenant(tenantId('race')))?.record.version };
    },
    { wins: 1, conflicts: 4, version: 2 },
  ],
];

/** Migration effects over a table with a clock that only sleeps move. */
function migrationEffects(table: TenantTable, afterStep?: (step: MigrationStep) => void): MigrationEffects {
  let now = Date.UTC(2026, 5, 1);
  return {
    table,
    // The health check is an injected effect; its HTTP side is covered by the ops tests.
    checkHealth: async () => ({ healthy: true, detail: '200 OK' }),
    runHook: async () => {},
    sleep: async (ms) => {
      now += ms;
    },
    now: () => now,
    newId: randomUUID,
    onEvent: () => {},
    afterStep,
  };
}

async function ensureRegions(t: TenantTable): Promise<void> {
  const current = await t.getRegions();
  if (current?.regions.has(region('eu-west-1')) === true) return;
  await t.putRegions(
    new Map<Region, RegionRecord>([
      [region('us-east-1'), pool('us-east-1')],
      [region('eu-west-1'), pool('eu-west-1')],
    ]),
    current?.version,
  );
}

const migrate = (t: TenantTable, id: string, owner: string, afterStep?: (step: MigrationStep) => void) =>
  runMigration(
    {
      tenantId: tenantId(id),
      to: region('eu-west-1'),
      owner,
      actor: 'conformance',
      propagationWaitMs: 1_000,
    },
    migrationEffects(t, afterStep),
  );

/** The migration state machine's conditional writes, end to end, on each server. */
const MIGRATION_SCENARIOS: ReadonlyArray<readonly [string, Scenario, unknown]> = [
  [
    'a migration runs every phase and leaves the tenant in its target with one audit item',
    async (t, b) => {
      await ensureRegions(t);
      await t.createTenant(base('mover'));
      const outcome = await migrate(t, 'mover', 'owner-1');
      const after = await t.getTenant(tenantId('mover'));
      const audits = await countItems(b, 'AUDIT#mover#');
      return [outcome.kind, after?.record.region, after?.record.migration, after?.record.version, audits];
    },
    ['completed', 'eu-west-1', undefined, 6, 1],
  ],
  [
    'a migration cut short after the switch is refused to a second owner while the lease holds',
    async (t) => {
      await ensureRegions(t);
      await t.createTenant(base('contested'));
      const crash = (step: MigrationStep) => {
        if (step === 'switched') throw new InjectedCrashError('crash after switched');
      };
      const first = await outcome(() => migrate(t, 'contested', 'owner-a', crash));
      const second = await outcome(() => migrate(t, 'contested', 'owner-b'));
      const resumed = await outcome(async () => (await migrate(t, 'contested', 'owner-a')).kind);
      const after = await t.getTenant(tenantId('contested'));
      return [first, second, resumed, after?.record.region, after?.record.migration];
    },
    [
      { error: 'InjectedCrashError' },
      { error: 'MigrationRefusedError' },
      { ok: 'completed' },
      'eu-west-1',
      undefined,
    ],
  ],
];

async function countItems(backend: Backend, prefix: string): Promise<number> {
  let count = 0;
  for await (const page of paginateScan(
    { client: backend.client },
    {
      TableName: TABLE,
      ConsistentRead: true,
      FilterExpression: 'begins_with(pk, :p)',
      ExpressionAttributeValues: { ':p': { S: prefix } },
    },
  )) {
    count += page.Count ?? 0;
  }
  return count;
}

function base(id: string) {
  return { tenantId: tenantId(id), region: region('us-east-1'), status: 'active' as const };
}

/** A snapshot of a tenant that was never written (version 1). */
function unwritten(id: string): TenantSnapshot {
  return { record: { ...base(id), version: 1, updatedAt: FIXTURE_TIME }, migration: undefined };
}

/** A migration state in phase `planned`, its lease long expired. */
function aMigration(
  overrides: Partial<MigrationState> & Pick<MigrationState, 'from' | 'to'>,
): MigrationState {
  return {
    id: 'm',
    phase: 'planned',
    startedAt: FIXTURE_TIME,
    owner: 'conformance',
    leaseUntil: 0,
    phaseAt: 0,
    freeze: false,
    ...overrides,
  };
}

function pick(result: unknown): unknown {
  const ok = (result as { ok?: { region: string; version: number } }).ok;
  return ok === undefined ? result : { region: ok.region, version: ok.version };
}

async function rawAttribute(backend: Backend, pk: string, name: string): Promise<string | undefined> {
  const out = await backend.client.send(
    new GetItemCommand({ TableName: TABLE, Key: { pk: { S: pk } }, ConsistentRead: true }),
  );
  return out.Item?.[name]?.S;
}

const servers: ReadonlyArray<
  readonly [string, () => Promise<{ endpoint: string; close(): Promise<void> }>, boolean]
> = [
  ['dynalite', () => startDynalite(), true],
  ['DynamoDB Local', (): Promise<DynamoDBLocalServer> => startDynamoDBLocal(), unavailable === undefined],
];

for (const [name, start, runnable] of servers) {
  describe.skipIf(!runnable)(`operator conditional writes on ${name}`, () => {
    let backend: Backend;
    let table: TenantTable;
    let tick = Date.UTC(2026, 0, 1);
    beforeAll(async () => {
      backend = await backendOn(await start());
      // A clock that moves, so a re-claim that overwrote updatedAt would be visible.
      table = createDynamoDBTenantTable({
        client: backend.client,
        tableName: TABLE,
        clock: () => (tick += 1000),
      });
    });
    afterAll(async () => {
      await backend?.close();
    });

    it.each(
      [...SCENARIOS, ...MIGRATION_SCENARIOS].map(([title, run, expected]) => [title, run, expected] as const),
    )('%s', async (_, run, expected) => {
      expect(await run(table, backend)).toEqual(expected);
    });

    it('maps a failed condition to VersionConflictError, not a raw SDK error', async () => {
      const v1 = await table.createTenant(base('mapped'));
      const stale = { ...v1, record: { ...v1.record, version: 7 } };
      await expect(table.updateTenant(stale, {})).rejects.toBeInstanceOf(VersionConflictError);
    });
  });
}
