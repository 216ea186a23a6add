import { DynamoDBClient, type GetItemCommandInput } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCachedTenantStore } from '../../edge/cached-tenant-store.ts';
import { createDynamoDBTenantStore, type ReplicaAttempt } from '../../edge/dynamodb-tenant-store.ts';
import { LookupFailedError, MalformedItemError } from '../../edge/errors.ts';
import type { Region } from '../../edge/model.ts';
import { slimTenant } from '../../edge/route-records.ts';
import { LOCAL_CREDENTIALS } from '../../scripts/lib/local-credentials.ts';
import { capturingLogger } from '../support/capturing-logger.ts';
import { fakeClock } from '../support/fake-clock.ts';
import { type LocalTable, startLocalTable } from '../support/local-table.ts';
import { MALFORMED_CASES } from '../support/malformed-items.ts';
import {
  type HangingServer,
  refusingEndpoint,
  startFaultyReplica,
  startHangingServer,
} from '../support/network-faults.ts';
import { aDomainRecord, aTenantRecord, recordItems, someRegions, tenantId } from '../support/records.ts';
import { aRouterConfig, type RouterConfigOverrides } from '../support/router-config.ts';

const acme = aTenantRecord();
const domain = aDomainRecord();
const regions = someRegions();

// Short deadlines keep the suite quick; nothing below asserts on elapsed time.
const LOOKUP = { attemptTimeoutMs: 200, budgetMs: 2_000 };

describe('createDynamoDBTenantStore on dynalite', () => {
  let table: LocalTable;
  let hanging: HangingServer;
  let refusing: string;

  beforeAll(async () => {
    [table, hanging, refusing] = await Promise.all([
      startLocalTable(),
      startHangingServer(),
      refusingEndpoint(),
    ]);
    await table.seed(recordItems({ tenants: [acme], domains: [domain], regions }));
  });
  afterAll(async () => {
    await Promise.all([table?.close(), hanging?.close()]);
  });

  /** A store whose replicas are us-east-1 (tried first from us-east-1) and then eu-west-1. */
  function storeWith(endpoints: { first: string; second: string }, overrides: RouterConfigOverrides = {}) {
    const logger = capturingLogger();
    const attempts: ReplicaAttempt[] = [];
    const clock = fakeClock(Date.now());
    const config = aRouterConfig({
      tableName: table.tableName,
      replicaRegions: ['us-east-1', 'eu-west-1'],
      endpoints: { 'us-east-1': endpoints.first, 'eu-west-1': endpoints.second },
      lookup: LOOKUP,
      ...overrides,
    });
    const store = createDynamoDBTenantStore({
      config,
      edgeRegion: 'us-east-1',
      logger,
      clock: clock.now,
      onAttempt: (attempt) => attempts.push(attempt),
    });
    return { store, logger, clock, config, attempts };
  }

  describe('reading', () => {
    it.each([
      ['a tenant item', (s: ReturnType<typeof storeWith>['store']) => s.getTenant(acme.tenantId), acme],
      ['a domain item', (s: ReturnType<typeof storeWith>['store']) => s.getDomain(domain.host), domain],
      ['the regions item', (s: ReturnType<typeof storeWith>['store']) => s.getRegions(), regions],
    ])('reads %s from the nearest replica', async (_, read, expected) => {
      const { store, logger } = storeWith({ first: table.endpoint, second: refusing });
      expect(await read(store)).toEqual(expected);
      expect(logger.at('warn')).toEqual([]);
    });

    it('answers undefined for an absent item', async () => {
      const { store } = storeWith({ first: table.endpoint, second: refusing });
      expect(await store.getTenant(tenantId('nobody'))).toBeUndefined();
      expect(await store.getDomain('nobody.example.com')).toBeUndefined();
    });

    const chosen = [
      'version stored as a string',
      'status missing',
      'origin domain with uppercase letters',
      'origin on a forbidden port',
    ];
    it.each(MALFORMED_CASES.filter((c) => chosen.includes(c.problem)).map((c) => [c.problem, c] as const))(
      'refuses an item with %s at once, without asking another replica',
      async (_, c) => {
        await table.seed([c.item]);
        // No hedging: on a busy machine a slow first answer would send a hedge, not a failover.
        const { store, logger } = storeWith(
          { first: table.endpoint, second: hanging.endpoint },
          { lookup: { ...LOOKUP, hedging: false } },
        );
        const before = hanging.accepted;
        const read =
          c.lookup.kind === 'tenant'
            ? store.getTenant(tenantId(c.lookup.id))
            : store.getDomain(c.lookup.host);

        await expect(read).rejects.toBeInstanceOf(MalformedItemError);
        expect(hanging.accepted).toBe(before);
        expect(logger.at('warn')).toEqual([]);
      },
    );

    it('sends an eventually consistent GetItem through a client made once per region, on first use', async () => {
      const inputs: GetItemCommandInput[] = [];
      const made: Region[] = [];
      const config = aRouterConfig({
        tableName: table.tableName,
        replicaRegions: ['us-east-1', 'eu-west-1'],
        lookup: LOOKUP,
      });
      const store = createDynamoDBTenantStore({
        config,
        edgeRegion: 'us-east-1',
        clientForRegion: (region) => {
          made.push(region);
          const client = new DynamoDBClient({
            region,
            endpoint: table.endpoint,
            credentials: LOCAL_CREDENTIALS,
          });
          client.middlewareStack.add(
            (next) => async (args) => {
              inputs.push(args.input as GetItemCommandInput);
              return next(args);
            },
            { step: 'initialize' },
          );
          return client;
        },
      });

      await store.getTenant(acme.tenantId);
      await store.getDomain(domain.host);

      expect(made).toEqual(['us-east-1']);
      expect(inputs).toEqual([
        { TableName: table.tableName, Key: { pk: { S: 'TENANT#acme' } }, ConsistentRead: false },
        { TableName: table.tableName, Key: { pk: { S: 'DOMAIN#shop.acme.com' } }, ConsistentRead: false },
      ]);
    });
  });

  it('sends the records asked for in one turn as one eventually consistent BatchGetItem', async () => {
    const sent: { command: string; input: unknown }[] = [];
    const config = aRouterConfig({
      tableName: table.tableName,
      replicaRegions: ['us-east-1'],
      lookup: LOOKUP,
    });
    const store = createDynamoDBTenantStore({
      config,
      edgeRegion: 'us-east-1',
      clientForRegion: (region) => {
        const client = new DynamoDBClient({
          region,
          endpoint: table.endpoint,
          credentials: LOCAL_CREDENTIALS,
        });
        client.middlewareStack.add(
          (next, context) => async (args) => {
            sent.push({ command: context.commandName ?? '', input: args.input });
            return next(args);
          },
          { step: 'initialize' },
        );
        return client;
      },
    });

    const answers = await Promise.all([
      store.getDomain(domain.host),
      store.getTenant(acme.tenantId),
      store.getRegions(),
      store.getTenant(tenantId('nobody')),
    ]);

    expect(answers).toEqual([domain, acme, regions, undefined]);
    expect(sent).toEqual([
      {
        command: 'BatchGetItemCommand',
        input: {
          RequestItems: {
            [table.tableName]: {
              Keys: ['DOMAIN#shop.acme.com', 'TENANT#acme', 'REGIONS', 'TENANT#nobody'].map((pk) => ({
                pk: { S: pk },
              })),
              ConsistentRead: false,
            },
          },
        },
      },
    ]);
  });

  describe('failover', () => {
    it('aborts the attempt on a replica that never answers and reads the next one', async () => {
      const { store, logger } = storeWith({ first: hanging.endpoint, second: table.endpoint });

      expect(await store.getTenant(acme.tenantId)).toEqual(acme);
      await hanging.allClosed();
      expect(hanging.closedByClient).toBeGreaterThanOrEqual(1);
      expect(logger.at('warn')).toEqual([
        expect.objectContaining({
          msg: 'tenant store attempt failed',
          region: 'us-east-1',
          error: 'TimeoutError',
        }),
      ]);
    });

    it('tries a replica that just failed last until its cooldown ends, then probes it beside a lookup', async () => {
      // Without hedging the first lookup waits for the hanging attempt to fail (and demote it).
      const { store, clock, config, attempts } = storeWith(
        { first: hanging.endpoint, second: table.endpoint },
        { lookup: { ...LOOKUP, hedging: false } },
      );
      await store.getTenant(acme.tenantId);
      const accepted = hanging.accepted;

      expect(await store.getTenant(acme.tenantId)).toEqual(acme);
      expect(await store.getDomain(domain.host)).toEqual(domain);
      expect(hanging.accepted).toBe(accepted); // the hanging replica was not asked again

      clock.advance(config.lookup.replicaCooldownMs + 1);
      attempts.length = 0;
      expect(await store.getTenant(acme.tenantId)).toEqual(acme);
      // The lookup read eu-west-1 first; the hanging replica got one probe beside it, which fails.
      expect(attempts[0]).toMatchObject({ region: 'eu-west-1', kind: 'first', ok: true });
      await vi.waitFor(() => expect(attempts.filter((a) => a.kind === 'probe')).toHaveLength(1));
      expect(hanging.accepted).toBe(accepted + 1);
      expect(attempts.find((a) => a.kind === 'probe')).toMatchObject({ region: 'us-east-1', ok: false });
      expect(store.currentOrder).toEqual(['eu-west-1', 'us-east-1']);

      await store.getDomain(domain.host); // still demoted: no second probe within the new cooldown
      expect(hanging.accepted).toBe(accepted + 1);
    });

    it('promotes a replica back when its probe answers in time, and reads it first again', async () => {
      const flaky = await startFaultyReplica({
        status: 500,
        type: 'InternalServerError',
        forwardTo: table.endpoint,
      });
      try {
        const { store, clock, config, attempts, logger } = storeWith({
          first: flaky.endpoint,
          second: table.endpoint,
        });
        await store.getTenant(acme.tenantId);
        expect(store.currentOrder).toEqual(['eu-west-1', 'us-east-1']);

        flaky.fault = { mode: 'normal' }; // the nearest replica is back
        clock.advance(config.lookup.replicaCooldownMs);
        attempts.length = 0;
        expect(await store.getTenant(acme.tenantId)).toEqual(acme); // read from eu-west-1, probe beside it
        await vi.waitFor(() => expect(store.currentOrder).toEqual(['us-east-1', 'eu-west-1']));
        expect(attempts.map((a) => [a.region, a.kind, a.ok, a.change?.change])).toEqual(
          expect.arrayContaining([
            ['eu-west-1', 'first', true, undefined],
            ['us-east-1', 'probe', true, 'promoted'],
          ]),
        );
        expect(logger.at('info')).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ msg: 'replica demoted', region: 'us-east-1', reason: 'failed' }),
            expect.objectContaining({ msg: 'replica promoted', region: 'us-east-1' }),
          ]),
        );

        attempts.length = 0;
        await store.getDomain(domain.host);
        expect(attempts).toEqual([expect.objectContaining({ region: 'us-east-1', kind: 'first', ok: true })]);
      } finally {
        await flaky.close();
      }
    });

    it('aborts a hanging request through the abort signal alone (a client without requestTimeout)', async () => {
      const config = aRouterConfig({
        tableName: table.tableName,
        replicaRegions: ['us-east-1', 'eu-west-1'],
        lookup: LOOKUP,
      });
      const bare = (endpoint: string) =>
        new DynamoDBClient({ region: 'us-east-1', endpoint, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
      const store = createDynamoDBTenantStore({
        config,
        edgeRegion: 'us-east-1',
        logger: capturingLogger(),
        clientForRegion: (region) => bare(region === 'us-east-1' ? hanging.endpoint : table.endpoint),
      });
      const accepted = hanging.accepted;

      expect(await store.getRegions()).toEqual(regions);
      expect(hanging.accepted).toBe(accepted + 1);
      await hanging.allClosed();
    });

    it('moves on at once from a replica that refuses connections', async () => {
      const { store, logger } = storeWith({ first: refusing, second: table.endpoint });

      expect(await store.getDomain(domain.host)).toEqual(domain);
      expect(logger.at('warn')).toEqual([
        expect.objectContaining({ region: 'us-east-1', code: 'ECONNREFUSED', ms: expect.any(Number) }),
      ]);
    });

    it('tells its observer about each attempt: the failed first one and its demotion, then the failover', async () => {
      const { store, attempts, clock, config } = storeWith({ first: refusing, second: table.endpoint });

      await store.getTenant(acme.tenantId);
      await store.getTenant(acme.tenantId); // the refusing replica is demoted: eu-west-1 is now first

      const ms = expect.any(Number);
      expect(attempts).toEqual([
        {
          region: 'us-east-1',
          kind: 'first',
          ok: false,
          ms,
          error: 'ECONNREFUSED',
          slow: false,
          change: {
            change: 'demoted',
            reason: 'failed',
            untilMs: clock.now() + config.lookup.replicaCooldownMs,
          },
        },
        { region: 'eu-west-1', kind: 'failover', ok: true, ms, slow: false },
        { region: 'eu-west-1', kind: 'first', ok: true, ms, slow: false },
      ]);
    });

    it.each([
      ['throttled', { status: 400, type: 'ProvisionedThroughputExceededException' }],
      ['answered with a server error', { status: 500, type: 'InternalServerError' }],
    ])('moves on after one request to a replica that is %s (no SDK retries)', async (_, fault) => {
      const failing = await startFaultyReplica(fault);
      try {
        const { store, logger } = storeWith({ first: failing.endpoint, second: table.endpoint });

        expect(await store.getTenant(acme.tenantId)).toEqual(acme);
        expect(failing.requests).toBe(1);
        expect(logger.at('warn')).toEqual([
          expect.objectContaining({ region: 'us-east-1', error: fault.type }),
        ]);
      } finally {
        await failing.close();
      }
    });

    it('reads the replica nearest to the edge region first', async () => {
      const near = (edgeRegion: string) => {
        const logger = capturingLogger();
        const config = aRouterConfig({
          tableName: table.tableName,
          replicaRegions: ['us-east-1', 'ap-southeast-2'],
          endpoints: { 'us-east-1': refusing, 'ap-southeast-2': table.endpoint },
          lookup: LOOKUP,
        });
        return { store: createDynamoDBTenantStore({ config, edgeRegion, logger }), logger };
      };
      const melbourne = near('ap-southeast-4');
      const ohio = near('us-east-2');

      expect(await melbourne.store.getTenant(acme.tenantId)).toEqual(acme);
      expect(await ohio.store.getTenant(acme.tenantId)).toEqual(acme);
      expect(melbourne.logger.at('warn')).toEqual([]);
      expect(ohio.logger.at('warn').map((e) => e.region)).toEqual(['us-east-1']);
    });

    it('throws LookupFailedError with every attempt as its cause when all replicas fail', async () => {
      const { store, logger } = storeWith({ first: refusing, second: hanging.endpoint });

      const error = await store.getTenant(acme.tenantId).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LookupFailedError);
      expect((error as Error).message).toContain(
        'all 2 replicas failed (us-east-1 ECONNREFUSED, eu-west-1 RequestTimeout)',
      );
      const cause = (error as Error).cause as AggregateError;
      expect(cause.errors.map((e: Error) => e.name)).toEqual(['Error', 'TimeoutError']);
      expect(logger.at('warn').map((e) => e.region)).toEqual(['us-east-1', 'eu-west-1']);
    });

    it('gives up when the budget is spent, even with a healthy replica left', async () => {
      const { store, clock, logger } = storeWith(
        { first: hanging.endpoint, second: table.endpoint },
        { lookup: { attemptTimeoutMs: 200, budgetMs: 1_000 } },
      );
      const accepted = hanging.accepted;
      // The lookup's wall clock jumps past the budget while the first replica hangs.
      void hanging.whenAccepted(accepted + 1).then(() => clock.advance(1_000));

      const error = await store.getTenant(acme.tenantId).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LookupFailedError);
      expect((error as Error).message).toContain('budget of 1000 ms spent after 1 of 2 replicas');
      expect(((error as Error).cause as Error).name).toBe('TimeoutError');
      expect(logger.at('warn')).toHaveLength(1);
    });
  });
});

describe('stale-if-error through the route cache when the table server stops', () => {
  let table: LocalTable;
  const CACHE = {
    ttlMs: 30_000,
    negativeTtlMs: 5_000,
    maxStaleMs: 60_000,
    maxTenants: 100,
    maxAbsences: 100,
  };

  beforeAll(async () => {
    table = await startLocalTable();
    await table.seed(recordItems({ tenants: [acme] }));
  });
  afterAll(async () => {
    await table?.close();
  });

  it('serves the last value within max-stale, then fails with LookupFailedError', async () => {
    const clock = fakeClock(Date.now());
    const config = aRouterConfig({
      tableName: table.tableName,
      replicaRegions: ['us-east-1'],
      endpoints: { 'us-east-1': table.endpoint },
      lookup: LOOKUP,
      cache: CACHE,
    });
    const store = createDynamoDBTenantStore({
      config,
      edgeRegion: 'us-east-1',
      logger: capturingLogger(),
      clock: clock.now,
    });
    const cached = createCachedTenantStore(store, { cache: config.cache, clock: clock.now });

    expect(await cached.getTenant(acme.tenantId)).toMatchObject({
      value: slimTenant(acme, acme.tenantId),
      outcome: 'miss',
    });
    await table.close();
    clock.advance(CACHE.ttlMs);
    expect(await cached.getTenant(acme.tenantId)).toMatchObject({
      value: slimTenant(acme, acme.tenantId),
      outcome: 'stale',
    });
    clock.advance(CACHE.maxStaleMs + 1);
    await expect(cached.getTenant(acme.tenantId)).rejects.toBeInstanceOf(LookupFailedError);
  });
});
