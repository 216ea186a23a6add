import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchWriteItemCommand,
  type BatchWriteItemCommandInput,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ReplicaStoreLayoutError,
  type ReplicaStores,
  startReplicaStores,
} from '../../scripts/lib/replication/replica-stores.ts';
import { createReplicator, type Replicator } from '../../scripts/lib/replication/replicator.ts';
import { writtenItems } from '../../scripts/lib/replication/written-items.ts';
import { ensureRouterTable } from '../../scripts/lib/router-table.ts';
import { type ManualScheduler, manualScheduler } from '../support/manual-scheduler.ts';

const TABLE = 'replicated';
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const LAG_MS = 500;

let stores: ReplicaStores;
let scheduler: ManualScheduler;
let replicator: Replicator;
let n = 0;

beforeAll(async () => {
  stores = await startReplicaStores({ regions: REGIONS, host: '127.0.0.1' });
  await Promise.all([...stores.clients.values()].map((c) => ensureRouterTable(c, TABLE)));
});

afterAll(() => stores.close());

beforeEach(() => {
  scheduler = manualScheduler();
  replicator = createReplicator({ stores: stores.clients, lagMs: () => LAG_MS, scheduler });
  n++;
});

const client = (region: string) => stores.clients.get(region) ?? expect.fail(`no store ${region}`);

/** A conditional put through the replicator, as a replica endpoint performs it. */
function put(region: string, input: PutItemCommandInput) {
  return replicator.write(region, async () => {
    try {
      await client(region).send(new PutItemCommand(input));
      return { result: 'ok' as const, written: writtenItems('PutItem', input, {}) };
    } catch (error) {
      return { result: (error as Error).name, written: [] };
    }
  });
}

async function read(region: string, pk: string) {
  const out = await client(region).send(
    new GetItemCommand({ TableName: TABLE, Key: { pk: { S: pk } }, ConsistentRead: true }),
  );
  return out.Item;
}

const item = (pk: string, version: number, by: string) => ({
  pk: { S: pk },
  version: { N: String(version) },
  by: { S: by },
});

describe('the replicator', () => {
  it('makes a write in one region visible in the others after the lag, and not before', async () => {
    const pk = `T#visible-${n}`;
    expect(await put('us-east-1', { TableName: TABLE, Item: item(pk, 1, 'us') })).toBe('ok');
    scheduler.advance(LAG_MS - 1);
    expect(await read('us-east-1', pk)).toEqual(item(pk, 1, 'us'));
    expect(await read('eu-west-1', pk)).toBeUndefined();
    expect(replicator.status()['eu-west-1']).toMatchObject({ pending: 1, applied: 0 });
    scheduler.advance(1);
    await replicator.drained();
    // Exactly the item: the last-writer-wins stamp is kept outside it.
    expect(await read('eu-west-1', pk)).toEqual(item(pk, 1, 'us'));
    expect(await read('ap-southeast-2', pk)).toEqual(item(pk, 1, 'us'));
    expect(replicator.status()['eu-west-1']).toMatchObject({ pending: 0, applied: 1, lastLagMs: LAG_MS });
  });

  it('lets two conditional writes to one item in two regions both succeed locally, and keeps the later one', async () => {
    const pk = `T#race-${n}`;
    await put('us-east-1', { TableName: TABLE, Item: item(pk, 1, 'seed') });
    scheduler.advance(LAG_MS);
    await replicator.drained();
    const bump = (by: string) => ({
      TableName: TABLE,
      Item: item(pk, 2, by),
      ConditionExpression: 'version = :v',
      ExpressionAttributeValues: { ':v': { N: '1' } },
    });
    // Each region checks the condition against its own replica only: both see version 1.
    expect(await put('us-east-1', bump('us'))).toBe('ok');
    scheduler.advance(10);
    expect(await put('eu-west-1', bump('eu'))).toBe('ok');
    scheduler.advance(LAG_MS);
    await replicator.drained();
    for (const region of REGIONS) expect(await read(region, pk)).toEqual(item(pk, 2, 'eu'));
    expect(replicator.status()['eu-west-1']?.superseded).toBe(1); // us-east-1's write lost there
  });

  it('still checks conditions in the region written to: a stale version is refused there', async () => {
    const pk = `T#refused-${n}`;
    await put('us-east-1', { TableName: TABLE, Item: item(pk, 1, 'seed') });
    const outcome = await put('us-east-1', {
      TableName: TABLE,
      Item: item(pk, 3, 'x'),
      ConditionExpression: 'version = :v',
      ExpressionAttributeValues: { ':v': { N: '7' } },
    });
    expect(outcome).toBe('ConditionalCheckFailedException');
    scheduler.advance(LAG_MS);
    await replicator.drained();
    expect(await read('eu-west-1', pk)).toEqual(item(pk, 1, 'seed'));
  });

  it('queues writes into a paused region and applies them in order once resumed', async () => {
    const pk = `T#paused-${n}`;
    replicator.pause('ap-southeast-2');
    await put('us-east-1', { TableName: TABLE, Item: item(pk, 1, 'us') });
    await put('us-east-1', { TableName: TABLE, Item: item(pk, 2, 'us') });
    scheduler.advance(10 * LAG_MS);
    await replicator.drained();
    expect(await read('eu-west-1', pk)).toEqual(item(pk, 2, 'us'));
    expect(await read('ap-southeast-2', pk)).toBeUndefined();
    expect(replicator.status()['ap-southeast-2']).toMatchObject({ paused: true, pending: 2 });
    expect(replicator.status()['ap-southeast-2']?.oldestPendingMs).toBe(10 * LAG_MS);
    replicator.resume('ap-southeast-2');
    scheduler.advance(0);
    await replicator.drained();
    expect(await read('ap-southeast-2', pk)).toEqual(item(pk, 2, 'us'));
  });

  it('replicates deletes and every item of a batch', async () => {
    const a = `T#batch-a-${n}`;
    const b = `T#batch-b-${n}`;
    const input: BatchWriteItemCommandInput = {
      RequestItems: {
        [TABLE]: [{ PutRequest: { Item: item(a, 1, 'us') } }, { PutRequest: { Item: item(b, 1, 'us') } }],
      },
    };
    await replicator.write('us-east-1', async () => {
      const out = await client('us-east-1').send(new BatchWriteItemCommand(input));
      return { result: undefined, written: writtenItems('BatchWriteItem', input, out) };
    });
    await replicator.write('us-east-1', async () => {
      const del = { TableName: TABLE, Key: { pk: { S: a } } };
      await client('us-east-1').send(new DeleteItemCommand(del));
      return { result: undefined, written: writtenItems('DeleteItem', del, {}) };
    });
    scheduler.advance(LAG_MS);
    await replicator.drained();
    expect(await read('eu-west-1', a)).toBeUndefined();
    expect(await read('eu-west-1', b)).toEqual(item(b, 1, 'us'));
  });

  it('applies everything pending at once on flush, paused regions included', async () => {
    const pk = `T#flush-${n}`;
    replicator.pause('eu-west-1');
    await put('us-east-1', { TableName: TABLE, Item: item(pk, 1, 'us') });
    await replicator.flush();
    expect(await read('eu-west-1', pk)).toEqual(item(pk, 1, 'us'));
    expect(await read('ap-southeast-2', pk)).toEqual(item(pk, 1, 'us'));
  });
});

describe('replica stores on disk', () => {
  it('keep one folder per replica region and refuse the layout of a single store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'replica-stores-'));
    try {
      const persisted = await startReplicaStores({ regions: REGIONS, host: '127.0.0.1', dataDir: dir });
      await persisted.close();
      expect((await readdir(dir)).sort()).toEqual([...REGIONS].sort());
      const old = join(dir, 'old');
      await mkdir(old);
      await writeFile(join(old, 'CURRENT'), 'MANIFEST-000001\n');
      await expect(startReplicaStores({ regions: REGIONS, host: '127.0.0.1', dataDir: old })).rejects.toThrow(
        ReplicaStoreLayoutError,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
